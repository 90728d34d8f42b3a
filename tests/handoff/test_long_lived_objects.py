"""A started hub keeps what it holds for good (the models, the articles' index) out of Python's
full garbage collections while it serves: a full collection then walks only what turns made
(benchmarks/rasa-turn-profile.md has what a full collection cost before)."""

import gc
from collections.abc import Awaitable, Callable

from tests.support import InProcessHub


async def test_a_serving_hub_keeps_what_it_loaded_out_of_full_collections(
    start_hub: Callable[..., Awaitable[InProcessHub]],
) -> None:
    assert gc.get_freeze_count() == 0
    await start_hub()
    assert gc.get_freeze_count() > 100_000  # the models' and the index's objects among them
