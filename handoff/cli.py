"""The `baton` command."""

import asyncio
import json
import secrets
import shlex
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

import typer
from honcho.manager import Manager
from pydantic import SecretStr
from redis.asyncio import Redis

from handoff.settings import PROJECT_ROOT, Settings, get_settings
from handoff.stack import embedded_redis_url, local_secret, process_env, stack, wait_until_ready
from handoff.users import InvalidAccount, Role, UserStore
from knowledge_base.articles import Status
from knowledge_base.calibrate import fit_language, out_of_scope_examples
from knowledge_base.calibration import CALIBRATION_FILE, Calibration
from knowledge_base.embeddings import Embedder
from knowledge_base.evaluate import (
    evaluate,
    per_category,
    read_rows,
    trained_searcher,
    write_report,
)
from knowledge_base.files import (
    ARTICLES_DIR,
    ImportReport,
    export_articles,
    import_articles,
    published_articles,
)
from knowledge_base.search import offline_searcher
from knowledge_base.store import ArticleStore
from knowledge_base.text import Tokenizer

app = typer.Typer(help="Baton: a support bot that hands the conversation to a person.")
users_app = typer.Typer(help="Staff accounts: agents, editors, admins.")
app.add_typer(users_app, name="users")
kb_app = typer.Typer(help="The knowledge base: move articles between Markdown files and Redis.")
app.add_typer(kb_app, name="kb")
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


async def import_seed_articles(settings: Settings) -> ImportReport:
    """Add the seed articles the knowledge base lacks; editors' versions are left alone."""
    async with redis_client(settings) as redis:
        store = ArticleStore(redis)
        return await import_articles(store, ARTICLES_DIR, by="import", update_existing=False)


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


@asynccontextmanager
async def redis_client(settings: Settings) -> AsyncIterator[Redis]:
    """A client of the configured Redis (or of the embedded one `make run` started)."""
    redis = Redis.from_url(
        settings.redis_url or embedded_redis_url(settings), decode_responses=True
    )
    try:
        yield redis
    finally:
        await redis.aclose()


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


@kb_app.command("import")
def kb_import(
    folder: Annotated[
        Path, typer.Argument(help="Holds <language>/<slug>.md files.")
    ] = ARTICLES_DIR,
) -> None:
    """Load articles from Markdown files into Redis (unchanged ones stay as they are)."""

    async def load() -> ImportReport:
        async with redis_client(get_settings()) as redis:
            return await import_articles(ArticleStore(redis), folder, by="import")

    report = asyncio.run(load())
    typer.echo(
        f"{len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged"
    )


@kb_app.command("export")
def kb_export(
    folder: Annotated[Path, typer.Argument(help="Where to write <language>/<slug>.md files.")],
) -> None:
    """Write every article in Redis, drafts included, to Markdown files."""

    async def dump() -> list[Path]:
        async with redis_client(get_settings()) as redis:
            return await export_articles(ArticleStore(redis), folder)

    typer.echo(f"{len(asyncio.run(dump()))} articles written to {folder}")


@kb_app.command("calibrate")
def kb_calibrate(
    folder: Annotated[
        Path, typer.Argument(help="Holds <language>/<slug>.md files.")
    ] = ARTICLES_DIR,
) -> None:
    """Fit search fusion and confidence per language on these articles (k-fold over variants)."""
    settings = get_settings()
    embedder, tokenizer = Embedder(settings.embedding_model), Tokenizer()
    calibration = Calibration.load()
    for language, articles in sorted(published_articles(folder).items()):
        fitted, report = fit_language(
            language, articles, out_of_scope_examples(language), embedder, tokenizer
        )
        calibration.languages[language] = fitted
        typer.echo(
            f"{language}: held-out top-1 {report.top1_accuracy:.1%} on {report.in_scope} "
            f"variants, {report.out_of_scope} out-of-scope questions, "
            f"lexical weight {report.lexical_weight}"
        )
    calibration.save()
    typer.echo(f"Written to {CALIBRATION_FILE}")


@app.command("eval")
def eval_command(
    test: Annotated[Path, typer.Option(help="CSV with text,category; category oos = escalate.")],
    train: Annotated[
        Path | None, typer.Option(help="CSV to build the knowledge base from (else: Redis's).")
    ] = None,
    shots: Annotated[
        int | None, typer.Option(help="Use at most this many rows a category.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for --shots.")] = 0,
    language: Annotated[str, typer.Option(help="Language of the questions.")] = "en",
    out: Annotated[Path, typer.Option(help="The JSON report (a PNG plot beside it).")] = Path(
        "benchmarks/results/eval.json"
    ),
) -> None:
    """Measure the bot's answer-or-escalate decision; the last line is the summary as JSON."""
    settings = get_settings()
    started = time.monotonic()
    embedder, tokenizer = Embedder(settings.embedding_model), Tokenizer()
    details: dict = {}
    if train:
        rows = read_rows(train)
        rows = per_category(rows, shots, seed) if shots else rows
        searcher, details = trained_searcher(rows, language, embedder, tokenizer)
        details |= {"train": str(train), "train_rows": len(rows), "shots": shots, "seed": seed}
    else:

        async def published() -> dict[str, list]:
            async with redis_client(settings) as redis:
                articles = await ArticleStore(redis).all()
            by_language: dict[str, list] = {}
            for article in articles:
                if article.status is Status.PUBLISHED:
                    by_language.setdefault(article.language, []).append(article)
            return by_language

        calibration = Calibration.load()
        searcher = offline_searcher(asyncio.run(published()), embedder, tokenizer, calibration)
    setup_seconds = round(time.monotonic() - started, 1)
    report = evaluate(searcher, embedder, read_rows(test), language, settings.kb_answer_threshold)
    report = (
        {"name": out.stem, "test": str(test), "setup_seconds": setup_seconds} | details | report
    )
    typer.echo(json.dumps(write_report(report, out), ensure_ascii=False))


if __name__ == "__main__":
    app()
