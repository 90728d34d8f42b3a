"""The `baton` command."""

import asyncio
import json
import secrets
import shlex
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, TypeVar

import typer
from honcho.manager import Manager
from pydantic import SecretStr

from handoff.channels.telegram import mode_description
from handoff.cli.customers import customers_app
from handoff.cli.knowledge import eval_command, kb_app
from handoff.cli.processes import (
    import_seed_articles,
    local_secret,
    process_env,
    redis_client,
    stack,
    wait_until_ready,
)
from handoff.customers.records.demo import DemoRecords
from handoff.customers.records.sample import load_sample
from handoff.settings import PROJECT_ROOT, Settings, get_settings
from handoff.staff.sessions import end_sessions
from handoff.staff.users import InvalidAccount, Role, User, UserStore

app = typer.Typer(help="Baton: a support bot that hands the conversation to a person.")
users_app = typer.Typer(help="Staff accounts: agents, editors, admins.")
app.add_typer(users_app, name="users")
app.add_typer(kb_app, name="kb")
app.add_typer(customers_app, name="customers")
app.command("eval")(eval_command)
DEMO_ACCOUNTS = {"editor": Role.EDITOR, "agent": Role.AGENT}
T = TypeVar("T")


@app.callback()
def main() -> None:
    """Baton's command line."""


@app.command()
def run(
    ready_timeout: Annotated[float, typer.Option(help="Seconds to wait for the stack.")] = 300,
) -> None:
    """Start the whole stack (Redis if embedded, Rasa, the action server, the hub) until Ctrl-C."""
    settings = get_settings()
    for name in ("secret_key", "internal_token"):
        if not getattr(settings, name).get_secret_value():
            setattr(settings, name, SecretStr(local_secret(settings.var_dir, name)))
    processes, _ = stack(settings)
    manager = Manager()
    for process in processes:
        manager.add_process(
            process.name, shlex.join(process.argv), env=process_env(process), cwd=str(PROJECT_ROOT)
        )
    ready_urls = [p.ready_url for p in processes if p.ready_url]
    announce = [
        sys.executable,
        "-m",
        "handoff.cli.main",
        "announce",
        "--timeout",
        str(ready_timeout),
    ]
    manager.add_process("ready", shlex.join([*announce, *ready_urls]), cwd=str(PROJECT_ROOT))
    manager.loop()
    sys.exit(manager.returncode)


@app.command(hidden=True)
def announce(urls: list[str], timeout: float = 300) -> None:
    """Wait until every URL answers, print where Baton is, then stay up (honcho stops on exit)."""
    started = time.monotonic()
    try:
        wait_until_ready(urls, timeout)
    except TimeoutError as error:
        typer.echo(f"Baton did not start: {error}", err=True)
        raise typer.Exit(1) from error
    settings = get_settings()
    base = settings.base_url
    elapsed = time.monotonic() - started
    typer.echo(f"Baton is ready after {elapsed:.0f}s (Rasa has loaded its model).")
    typer.echo(f"  Demo site with the chat widget: {base}/")
    typer.echo(f"  Knowledge-base editor:          {base}/kb/")
    typer.echo(f"  Telegram:                       {mode_description(settings)}")
    report = asyncio.run(import_seed_articles(settings))
    typer.echo(
        f"  Knowledge base: {len(report.created)} seed articles added, "
        f"{len(report.unchanged)} already there"
    )
    if settings.demo_accounts:
        for name, password in asyncio.run(ensure_demo_accounts(settings)).items():
            typer.echo(f"  Demo {DEMO_ACCOUNTS[name].value} login: {name} / {password}")
    if not settings.records_url:
        customers = asyncio.run(load_sample_records(settings))
        typer.echo(f"  Company records: the demo records of {customers} sample customers")
    typer.echo("  Press Ctrl-C to stop everything.")
    while True:
        time.sleep(3600)


async def ensure_demo_accounts(settings: Settings) -> dict[str, str]:
    """Create the demo accounts once; their passwords are kept under var/ for local use."""
    path = settings.var_dir / "demo_accounts.json"
    passwords = json.loads(path.read_text()) if path.exists() else {}
    async with redis_client(settings) as redis:
        users = UserStore(redis)
        for name, role in DEMO_ACCOUNTS.items():
            if name not in passwords or not await users.exists(name):
                passwords[name] = secrets.token_urlsafe(9)
                await users.add(name, passwords[name], role, languages=settings.supported_languages)
    path.write_text(json.dumps(passwords))
    path.chmod(0o600)
    return passwords


async def load_sample_records(settings: Settings) -> int:
    """Load the Hanbit Remit sample customers' records into the demo backend, dated from now."""
    async with redis_client(settings) as redis:
        return await load_sample(DemoRecords(redis), datetime.now(UTC))


@users_app.command("add")
def users_add(
    name: str,
    role: Annotated[Role, typer.Option(help="agent, editor, supervisor or admin")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True, hide_input=True, confirmation_prompt=True, envvar="BATON_NEW_PASSWORD"
        ),
    ],
    language: Annotated[
        list[str] | None, typer.Option(help="A language they work in, repeatable [default: en].")
    ] = None,
    display_name: Annotated[
        str | None,
        typer.Option(help='The name customers see [default: "jane.doe" shows as "Jane"].'),
    ] = None,
) -> None:
    """Create (or reset, ending its sessions) a staff account."""

    async def add(users: UserStore) -> User:
        return await users.add(name, password, role, tuple(language or ["en"]), display_name)

    user = _on_users(add)
    typer.echo(
        f"{role.value} {name} (customers see {user.display_name!r}) is ready: "
        f"log in at {get_settings().base_url}/login"
    )


@users_app.command("edit")
def users_edit(
    name: str,
    role: Annotated[Role | None, typer.Option(help="A new role (ends their sessions).")] = None,
    display_name: Annotated[str | None, typer.Option(help="The name customers see.")] = None,
    language: Annotated[
        list[str] | None, typer.Option(help="A language they work in, repeatable.")
    ] = None,
    password: Annotated[
        bool, typer.Option("--password", help="Ask for a new password (ends their sessions).")
    ] = False,
) -> None:
    """Change a staff account: its role, display name, languages or password."""
    new_password = (
        typer.prompt("New password", hide_input=True, confirmation_prompt=True)
        if password
        else None
    )

    async def edit(users: UserStore) -> User:
        languages = tuple(language) if language else None
        return await users.update(
            name,
            password=new_password,
            role=role,
            display_name=display_name,
            languages=languages,
        )

    user = _on_users(edit)
    typer.echo(f"{user.role.value} {name}: customers see {user.display_name!r}")


@users_app.command("logout")
def users_logout(name: str) -> None:
    """End every session of a staff account (their open consoles close)."""

    async def log_out() -> int:
        async with redis_client(get_settings()) as redis:
            return await end_sessions(redis, name)

    typer.echo(f"{name}: {asyncio.run(log_out())} session(s) ended")


def _on_users(work: Callable[[UserStore], Awaitable[T]]) -> T:
    """Run a change of staff accounts; a clear error (exit 2) for an invalid or unknown one."""

    async def run() -> T:
        async with redis_client(get_settings()) as redis:
            return await work(UserStore(redis))

    try:
        return asyncio.run(run())
    except (InvalidAccount, LookupError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error


if __name__ == "__main__":
    app()
