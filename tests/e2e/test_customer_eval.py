"""`baton eval --e2e` reads what the real bot did with each question, as a customer met it."""

import pytest
from redis.asyncio import Redis

from handoff.assistant.rasa_client import RasaClient, http_client
from handoff.cli.customer_eval import Question, evaluate_e2e
from handoff.settings import Settings

pytestmark = pytest.mark.e2e

# (the question, its category, the outcome expected: kind, article, reason, priority)
CASES = [
    ("what do I need to do to get my account verified?", "verify-account", "en",
     ("answer", "verify-account", None, None)),
    ("필리핀으로 보낼 때 수수료가 얼마예요?", "fees", "ko", ("answer", "fees", None, None)),
    # Offered articles without the right one (no press): nonsense reads 0.4 to 0.9 on the seed
    # articles since the variant reader reads embeddings, over `Policy.suggest` (0.3), so no
    # question is asked to rephrase here (that reading: tests/handoff/cli/test_customer_eval.py).
    ("how do I enable the quantum ledger for my alpaca's hoof polish", "fees", "en",
     ("suggest", None, None, None)),
    ("can you recommend a good pizza recipe", "oos", "en", ("out_of_scope", None, None, None)),
    # Offered articles to choose from: the customer presses the right one.
    ("picked BPI instead of BDO for my mom's account, transfer is still processing",
     "wrong-recipient-details", "en", ("answer", "wrong-recipient-details", None, None)),
    ("somebody logged into my account and sent money I never approved", "handover:fraud", "en",
     ("handover", None, "report_fraud", "urgent")),
    ("사람이랑 직접 이야기하고 싶어요", "handover:human", "ko",
     ("handover", None, "customer_asked", "normal")),
]  # fmt: skip
# The nonsense question's outcome where DIET reads it as a kind with an outcome of its own.
NONSENSE_BY_READING = {
    "out_of_scope": ("out_of_scope", None, None, None),
    "complaint": ("handover", None, "complaint", "high"),
}


async def test_each_outcome_is_read_from_the_conversation(
    stack_hub: Settings, redis: Redis
) -> None:
    questions = [Question(text, category, language) for text, category, language, _ in CASES]
    report = await evaluate_e2e(stack_hub, redis, questions)
    read = [(o["kind"], o["slug"], o["reason"], o["priority"]) for o in report["outcomes"]]
    expected = [expected for *_, expected in CASES]
    async with http_client(stack_hub.rasa_timeout_seconds) as http:
        rasa = RasaClient(http, stack_hub.rasa_urls)
        # How DIET reads the nonsense depends on its training run (the same seed and data train
        # another model on another run): read as out of scope, it gets the out-of-scope reply;
        # as a sure complaint, a person ahead of the queue.
        nonsense_reading, _ = await rasa.intent_of(CASES[2][0])
        # A press's outcome keeps what the NLU made of the question, not of the press (ask_faq).
        first_reading, _ = await rasa.intent_of(CASES[4][0])
    expected[2] = NONSENSE_BY_READING.get(nonsense_reading, expected[2])
    assert read == expected
    assert all(o["reply_ms"] > 0 for o in report["outcomes"])
    assert [o["chosen"] for o in report["outcomes"]] == [i == 4 for i in range(len(CASES))]
    assert "wrong-recipient-details" in report["outcomes"][4]["suggested"]
    assert report["outcomes"][4]["intent"] == first_reading != "ask_faq"
    english = report["languages"]["en"]
    assert english["right_answer"] == english["right_after_choosing"] == 33.33
    assert english["handover_reached_person"] == {"fraud": 100.0}
