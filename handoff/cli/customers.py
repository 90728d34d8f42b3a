"""`baton customers export|erase ID`: a customer's personal data, out as JSON or gone."""

import asyncio
import getpass
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from handoff.cli.processes import redis_client
from handoff.conversations.attachments import AttachmentStore
from handoff.conversations.store import ConversationStore
from handoff.customers.personal_data import CustomerData
from handoff.settings import get_settings

customers_app = typer.Typer(help="Customers' personal data: export and erase (both audited).")
T = TypeVar("T")
By = Annotated[
    str | None, typer.Option("--by", help="Who asks, for the audit [default: cli:<OS user>].")
]


def _on_customer_data(work: Callable[[CustomerData], Awaitable[T]]) -> T:
    async def run() -> T:
        settings = get_settings()
        async with redis_client(settings) as redis:
            store = ConversationStore(redis, settings)
            attachments = AttachmentStore.from_settings(settings)
            return await work(CustomerData(redis, store, attachments))

    return asyncio.run(run())


def _actor(by: str | None) -> str:
    return by or f"cli:{getpass.getuser()}"


@customers_app.command("export")
def export(
    customer: str,
    out: Annotated[Path | None, typer.Option(help="Write the JSON here [default: stdout].")] = None,
    by: By = None,
) -> None:
    """All of a customer's conversations, transcripts and ratings, as JSON."""
    exported = _on_customer_data(lambda data: data.export(customer, _actor(by)))
    text = json.dumps(exported, ensure_ascii=False, indent=2)
    if out:
        out.write_text(text + "\n")
        typer.echo(
            f"{customer}: {len(exported['conversations'])} conversation(s) in {out}", err=True
        )
    else:
        typer.echo(text)


@customers_app.command("erase")
def erase(
    customer: str,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask to confirm.")] = False,
    by: By = None,
) -> None:
    """Delete a customer's conversations, transcripts, trackers and addresses (for good)."""
    if not yes:
        typer.confirm(f"Erase every conversation of {customer}, for good?", abort=True)
    erasure = _on_customer_data(lambda data: data.erase(customer, _actor(by)))
    typer.echo(
        f"{customer}: {erasure.conversations} conversation(s) erased, "
        f"{erasure.keys_deleted} key(s) deleted, {erasure.ratings_anonymised} rating(s) kept "
        "as anonymous scores"
    )
