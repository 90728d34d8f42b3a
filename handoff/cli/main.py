"""The `baton` command."""

import asyncio
import json
import secrets
import shlex
import sys
import time
from typing import Annotated

import typer
from honcho.manager import Manager
from pydantic import SecretStr

from handoff.cli.knowledge import eval_command, kb_app
from handoff.cli.processes import (
    import_seed_articles,
    local_secret,
    process_env,
    redis_client,
    stack,
    wait_until_ready,
)
from handoff.settings import PROJECT_ROOT, Settings, get_settings
from handoff.staff.users import InvalidAccount, Role, UserStore

app = typer.Typer(help="Baton: a support bot that hands the conversation to a person.")
users_app = typer.Typer(help="Staff accounts: agents, editors, admins.")
app.add_typer(users_app, name="users")
app.add_typer(kb_app, name="kb")
app.command("eval")(eval_command)
DEMO_ACCOUNTS = {"editor": Role.EDITOR, "agent": Role.AGENT}


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
    report = asyncio.run(import_seed_articles(settings))
    typer.echo(
        f"  Knowledge base: {len(report.created)} seed articles added, "
        f"{len(report.unchanged)} already there"
    )
    if settings.demo_accounts:
        for name, password in asyncio.run(ensure_demo_accounts(settings)).items():
            typer.echo(f"  Demo {DEMO_ACCOUNTS[name].value} login: {name} / {password}")
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


@users_app.command("add")
def users_add(
    name: str,
    role: Annotated[Role, typer.Option(help="agent, editor or admin")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True, hide_input=True, confirmation_prompt=True, envvar="BATON_NEW_PASSWORD"
        ),
    ],
    language: Annotated[
        list[str] | None, typer.Option(help="A language they work in, repeatable [default: en].")
    ] = None,
) -> None:
    """Create (or reset) a staff account."""

    async def add() -> None:
        async with redis_client(get_settings()) as redis:
            await UserStore(redis).add(name, password, role, tuple(language or ["en"]))

    try:
        asyncio.run(add())
    except InvalidAccount as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(f"{role.value} {name} is ready: log in at {get_settings().base_url}/login")


if __name__ == "__main__":
    app()
