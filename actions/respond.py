"""The bot's response to a customer's message, as the hub decides it (knowledge_base/decision.py)
through its internal API: an article, a request to rephrase, a hand-over, or the intent's own
reply. The hub decides; this only acts."""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.hand_over import hand_over
from actions.hub import HUB_ERRORS, post_to_hub
from bot.intents import best_intent

logger = logging.getLogger(__name__)

# A menu button's press arrives as "/intent": it gets the intent's own response, not a search.
# Other buttons ("/request_human", "/affirm") go to the hub like words, sure of their intent.
BUTTON_RESPONSES = {
    "account_verification": "utter_account_verification",
    "check_transfer_status": "utter_transfer_status",
    "ask_faq": "utter_ask_faq",
}
# The hub's "reply": the intent's own response.
REPLIES = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thanks": "utter_you_are_welcome",
    "affirm": "utter_affirm_ack",
    "deny": "utter_deny_ack",
    "out_of_scope": "utter_out_of_scope",
}
# An offered article's button: its payload is the ask_faq intent with the article's slug as this
# entity (bot/domain.yml), so that Rasa's NLU model needs no intent of its own for it.
ARTICLE_ENTITY = "article"
# The button that asks for a person, under the articles the bot offers (bot/domain.yml's
# "Talk to a person" buttons say the same).
PERSON_BUTTON = {
    "en": {"title": "Talk to a person", "payload": "/request_human"},
    "ko": {"title": "상담원 연결", "payload": "/request_human"},
}
# The hub's reasons for offering articles to a message the NLU read as out of scope, or that
# names another money-transfer service (knowledge_base/decision.py: NLU_DISAGREES,
# ANOTHER_PROVIDER).
NLU_DISAGREES = "nlu_disagrees"
ANOTHER_PROVIDER = "another_provider"
# What the bot says before it hands over, by the hand-over's reason.
BEFORE_HAND_OVER = {
    "report_fraud": "utter_report_fraud",
    "fraud_words": "utter_report_fraud",
    "fraud_topic": "utter_report_fraud",
    "fraud_story": "utter_report_fraud",
    "fraud_reading": "utter_report_fraud",
    "complaint": "utter_complaint",
    "complaint_words": "utter_complaint",
    "complaint_reading": "utter_complaint",
}


async def ask_hub(tracker: Tracker, text: str, intent: dict[str, Any]) -> dict[str, Any]:
    """The hub's decision for the latest message (knowledge_base/decision.py: Decision);
    raises one of HUB_ERRORS on any failure."""
    body = {
        "question": text,
        "language": tracker.get_slot("language") or "en",
        "conversation_id": tracker.sender_id,
        "intent": intent["name"],
        "confidence": intent["confidence"],
        "article": chosen_article(tracker),
    }
    return await post_to_hub("/internal/kb/answer", body)


def chosen_article(tracker: Tracker) -> str | None:
    """The slug of the article the customer pressed among those offered ("suggest" below), if
    the latest message is such a press: the button's payload names it as an entity."""
    return next(tracker.get_latest_entity_values(ARTICLE_ENTITY), None)


class ActionRespond(Action):
    """Carries out the hub's decision for every message the rules do not answer themselves."""

    def name(self) -> str:
        return "action_respond"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        """Ask the hub with the customer's words and the NLU's best intent, then act."""
        return await respond(dispatcher, tracker)


async def respond(
    dispatcher: CollectingDispatcher, tracker: Tracker, note: str | None = None
) -> list[dict[str, Any]]:
    """Carry out the hub's decision for the latest message; `note`, a response, goes with any
    answer but a hand-over, before "Did this answer your question?" (the records actions tell
    a customer whose records cannot be shown how to sign in)."""
    text = (tracker.latest_message.get("text") or "").strip()
    intent = best_intent(tracker.latest_message)
    menu = intent["name"] in BUTTON_RESPONSES and not chosen_article(tracker)
    if text.startswith("/") and menu:
        dispatcher.utter_message(response=BUTTON_RESPONSES[intent["name"]])
        say(dispatcher, note)
        return [SlotSet("kb_answered", False)]
    try:
        decision = await ask_hub(tracker, text, intent)
    except HUB_ERRORS as error:
        logger.error("The hub could not be asked: %r", error)
        dispatcher.utter_message(response="utter_kb_unavailable")
        hand_over(dispatcher, "knowledge_base_unavailable", intent)
        return [SlotSet("kb_answered", False)]
    # The hub notes what was decided beside the bot's words (the console and eval read it).
    dispatcher.utter_message(json_message={"decision": decision["decision"]})
    match decision["decision"]:
        case "answer":
            answer(dispatcher, decision, note)
            return [SlotSet("kb_answered", True)]
        case "escalate":
            if decision["reason"] in BEFORE_HAND_OVER:
                dispatcher.utter_message(response=BEFORE_HAND_OVER[decision["reason"]])
            hand_over(dispatcher, decision["reason"], intent)
        case "reply":
            dispatcher.utter_message(response=REPLIES.get(intent["name"], "utter_default"))
            say(dispatcher, note)
        case "decline":  # what Hanbit Remit does not do, in its article's words
            dispatcher.utter_message(text=decision["results"][0]["short_answer"])
            say(dispatcher, note)
        case "suggest":
            say(dispatcher, note)  # first: only the latest message keeps its buttons
            suggest(dispatcher, decision, tracker.get_slot("language") or "en")
        case _:
            dispatcher.utter_message(response="utter_kb_no_answer")
            say(dispatcher, note)
    return [SlotSet("kb_answered", False)]


def suggest(dispatcher: CollectingDispatcher, decision: dict[str, Any], language: str) -> None:
    """The articles the hub offers, as buttons the customer can press, and a person's; to a
    message the NLU read as out of scope or that names another provider, with the out-of-scope
    reply's words."""
    buttons = [
        {
            "title": article["title"],
            "payload": f'/ask_faq{{"{ARTICLE_ENTITY}":"{article["slug"]}"}}',
        }
        for article in decision["suggestions"]
    ]
    person = PERSON_BUTTON.get(language, PERSON_BUTTON["en"])
    read_as_out_of_scope = (
        decision["reason"] == NLU_DISAGREES and decision["intent"] == "out_of_scope"
    )
    out_of_scope = read_as_out_of_scope or decision["reason"] == ANOTHER_PROVIDER
    response = "utter_kb_suggest_out_of_scope" if out_of_scope else "utter_kb_suggest"
    dispatcher.utter_message(response=response, buttons=[*buttons, person])


def say(dispatcher: CollectingDispatcher, response: str | None) -> None:
    """Utter the response, if there is one."""
    if response:
        dispatcher.utter_message(response=response)


def answer(
    dispatcher: CollectingDispatcher, decision: dict[str, Any], note: str | None = None
) -> None:
    """The top article's short answer and link, the note, then "Did this answer your
    question?"."""
    best = decision["results"][0]
    dispatcher.utter_message(
        text=best["short_answer"],
        json_message={"article": {"title": best["title"], "url": best["url"]}},
    )
    if (decision.get("note") or "").startswith("only_in:"):
        dispatcher.utter_message(response="utter_kb_other_language")
    say(dispatcher, note)
    dispatcher.utter_message(response="utter_kb_feedback")
