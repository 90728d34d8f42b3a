"""The bot's figures on /metrics of a hub in front of the real Rasa server and action server."""

import httpx
import pytest

from handoff.settings import Settings
from tests.support import WidgetClient, moved, sample, scrape, ws_url

pytestmark = pytest.mark.e2e

ANSWERED = "what are your fees for sending to the philippines"  # the seed article kb:fees


async def test_an_answer_from_the_knowledge_base_moves_the_bots_figures(
    stack_hub: Settings,
) -> None:
    widget = WidgetClient(ws_url(stack_hub))
    await widget.connect()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{stack_hub.port}") as scraper:
        before = await scrape(scraper)
        replies = await widget.replies_to(ANSWERED)
        after = await scrape(scraper)
    await widget.close()

    bot_messages = [entry for entry in replies if entry["sender"] == "bot"]
    assert bot_messages, replies
    changes = moved(before, after)
    assert changes[sample("baton_messages_total", channel="web", sender="customer")] == 1
    assert changes[sample("baton_messages_total", channel="web", sender="bot")] == len(bot_messages)
    assert changes[sample("baton_bot_reply_seconds_count", outcome="answered")] == 1
    assert changes[sample("baton_rasa_request_seconds_count", call="turn")] == 1
    # The action server asked the hub's internal API, which searched the knowledge base.
    assert changes[sample("baton_knowledge_search_seconds_count")] == 1
    assert not [key for key in changes if key[0] == "baton_escalations_total"], changes
