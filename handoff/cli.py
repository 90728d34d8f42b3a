"""The `baton` command."""

import shlex
import sys
import time

import typer
from honcho.manager import Manager
from pydantic import SecretStr

from handoff.settings import PROJECT_ROOT, get_settings
from handoff.stack import local_secret_key, process_env, stack, wait_until_ready

app = typer.Typer(help="Baton: a support bot that hands the conversation to a person.")


@app.callback()
def main() -> None:
    """Baton's command line."""


@app.command()
def run(ready_timeout: float = typer.Option(300, help="Seconds to wait for the stack.")) -> None:
    """Start the whole stack (Redis if embedded, Rasa, the action server, the hub) until Ctrl-C."""
    settings = get_settings()
    if not settings.secret_key.get_secret_value():
        settings.secret_key = SecretStr(local_secret_key(settings.var_dir))
    processes, _ = stack(settings)
    manager = Manager()
    for process in processes:
        manager.add_process(
            process.name, shlex.join(process.argv), env=process_env(process), cwd=str(PROJECT_ROOT)
        )
    ready_urls = [p.ready_url for p in processes if p.ready_url]
    announce = [sys.executable, "-m", "handoff.cli", "announce", "--timeout", str(ready_timeout)]
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
    base = get_settings().base_url
    elapsed = time.monotonic() - started
    typer.echo(f"Baton is ready after {elapsed:.0f}s (Rasa has loaded its model).")
    typer.echo(f"  Demo site with the chat widget: {base}/")
    typer.echo("  Press Ctrl-C to stop everything.")
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    app()
