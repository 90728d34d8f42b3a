"""The knowledge base's commands: `baton kb import|export|calibrate|fit-readers|tune` and
`baton eval`."""

import asyncio
import json
import time
from pathlib import Path
from typing import Annotated

import typer

from handoff.cli import customer_eval, policy_fit
from handoff.cli.processes import redis_client
from handoff.settings import PROJECT_ROOT, get_settings
from knowledge_base.cascade import (
    Cascade,
    SecondOpinionFit,
    asked_languages,
    second_opinion_file,
    second_opinion_limits,
)
from knowledge_base.confidence import Calibration, calibration_file
from knowledge_base.confidence_fitting import (
    Asked,
    FitReport,
    article_bar,
    cascade_held_out,
    every_fold,
    fit_language,
    fit_second_opinion,
    out_of_scope_examples,
)
from knowledge_base.embeddings import Embedder
from knowledge_base.evaluate import (
    KNOWLEDGE_BASE_ALONE,
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
from knowledge_base.morpheme_urgency import MORPHEME_LANGUAGES, MorphemeUrgencyReader
from knowledge_base.morpheme_urgency import fit_language as fit_by_morphemes
from knowledge_base.scope import ScopeReader
from knowledge_base.scope import fit_language as fit_scope
from knowledge_base.search import Searcher, offline_searcher
from knowledge_base.store import ArticleStore
from knowledge_base.text import Tokenizer
from knowledge_base.tune import base_of, refuse_untunable, tune_and_calibrate
from knowledge_base.tune import prune as prune_models
from knowledge_base.urgency import UrgencyReader
from knowledge_base.urgency import fit_language as fit_urgency

kb_app = typer.Typer(help="The knowledge base: articles between Markdown files and Redis.")
# Customer messages the calibration learns from (the development set, never the held-out one).
CUSTOMER_MESSAGES = PROJECT_ROOT / "benchmarks" / "data" / "e2e-dev.csv"


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
    messages: Annotated[
        Path,
        typer.Option(help="Labelled customer messages (text,category,language) to fit on too."),
    ] = CUSTOMER_MESSAGES,
) -> None:
    """Fit search fusion and confidence per language on these articles (k-fold over variants)
    and on customer messages (k-fold over them for the figures and the article bar).

    For the packaged model into knowledge_base/calibration.json, for another into its folder.
    Each second model configured (BATON_SECOND_OPINION_MODEL, BATON_SECOND_OPINION_BY_LANGUAGE)
    is calibrated too, and the confidence under which it is asked is fitted in its languages.
    """
    settings = get_settings()
    models = [settings.embedding_model, *settings.second_models()]
    if any(base_of(model) != model for model in models):
        typer.echo("A tuned embedder is calibrated by `baton kb tune`; run that instead.")
        raise typer.Exit(1)
    articles = published_articles(folder)
    labelled = customer_messages(messages)
    reports = _calibrate(settings.embedding_model, articles, labelled)
    _fit_second_opinions(settings.embedding_model, reports, articles, labelled)


def customer_messages(path: Path) -> dict[str, list[Asked]]:
    """A labelled CSV's messages by language, each with the article that answers it (None: out
    of scope); messages that must reach a person are left out."""
    by_language: dict[str, list[Asked]] = {}
    for question in customer_eval.read_questions(path, "en"):
        if question.category.startswith(customer_eval.HANDOVER):
            continue
        expected = None if question.category == customer_eval.OUT_OF_SCOPE else question.category
        by_language.setdefault(question.language, []).append(Asked(question.text, expected))
    return by_language


def _calibrate(
    model: str, articles: dict[str, list], messages: dict[str, list[Asked]] | None = None
) -> dict[str, FitReport]:
    """Calibrate an untuned model on the articles of each of their languages (and customer
    messages), and save it (its other languages' calibrations kept)."""
    embedder, tokenizer = Embedder(model), Tokenizer()
    target = calibration_file(model)
    calibration, reports = Calibration.load(target), {}
    for language, language_articles in sorted(articles.items()):
        fitted, reports[language] = fit_language(
            language,
            language_articles,
            out_of_scope_examples(language),
            every_fold(embedder),
            tokenizer,
            (messages or {}).get(language, []),
        )
        calibration.languages[language] = fitted
        _echo_fit(reports[language])
    calibration.save(target)
    typer.echo(f"Written to {target}")
    return reports


def _echo_fit(report: FitReport) -> None:
    typer.echo(
        f"{report.language}: held-out top-1 {report.top1_accuracy:.1%} on {report.in_scope} "
        f"variants, {report.out_of_scope} out-of-scope questions, {_fusion(report)}"
    )
    if report.messages:
        in_scope = [right for asked, (right, _) in report.messages.items() if asked.expected]
        out_of_scope = len(report.messages) - len(in_scope)
        bar, right, wrong, answered = article_bar(report.messages)
        typer.echo(
            f"{report.language}: customer messages, top-1 {sum(in_scope)} of {len(in_scope)}; "
            f"features {', '.join(report.features)}; cross-validated, at the article bar "
            f"{bar}: {right} right, {wrong} wrong, {answered} of {out_of_scope} out of scope "
            "answered"
        )


def _fit_second_opinions(
    first_model: str,
    first: dict[str, FitReport],
    articles: dict[str, list],
    messages: dict[str, list[Asked]] | None = None,
) -> None:
    """Calibrate each second model configured in its languages, and fit, save and show the
    confidence of the first model under which it is asked in each."""
    models, below = {}, {}
    for second_model, languages in get_settings().second_models().items():
        asked = {language: articles[language] for language in languages if language in first}
        second = _calibrate(second_model, asked, messages)
        for language in sorted(asked):
            models[language] = second_model
            below[language] = fit_second_opinion(first[language], second[language])
            _echo_second_opinion(second_model, first[language], second[language], below[language])
    target = second_opinion_file(first_model)
    SecondOpinionFit(models, below).save(target)
    typer.echo(f"Written to {target}")


def _echo_second_opinion(model: str, first: FitReport, second: FitReport, limit: float) -> None:
    if not limit:
        typer.echo(f"{first.language}: {model} is never asked (it would not help)")
        return
    right, handed = cascade_held_out(first, second, limit)
    typer.echo(
        f"{first.language}: {model} is asked under {limit:.0%} confidence: held-out top-1 "
        f"{right:.1%} (first model alone {first.top1_accuracy:.1%}), {handed:.0%} of the "
        "questions asked"
    )


def _fusion(report: FitReport) -> str:
    """How a fitted calibration fuses dense and lexical scores, for the command's output."""
    return (
        f"lexical weight {report.lexical_weight}, centroid weight {report.centroid_weight}, "
        f"nearest variants {report.nearest_variants}, variants' reading {report.variants_weight}"
        f" ({'n-grams and embeddings' if report.reader_embeddings else 'n-grams'})"
    )


@kb_app.command("fit-readers")
def kb_fit_readers() -> None:
    """Fit the urgency readers by morphemes (knowledge_base/morpheme_urgency.py) and the second
    model's scope and urgency readers (knowledge_base/scope.py, urgency.py) on the examples of
    each language the bot asks that model in, and save them beside the calibrations. A
    language's own second model (BATON_SECOND_OPINION_BY_LANGUAGE) reads neither: Korean's bar
    over a sure out-of-scope reading (Policy.over_out_of_scope) stands in for the scope reader,
    its morphemes for the urgency reader."""
    tokenizer = Tokenizer()
    by_morphemes = MorphemeUrgencyReader(
        {language: fit_by_morphemes(tokenizer, language) for language in MORPHEME_LANGUAGES},
        tokenizer,
    )
    typer.echo(f"Urgency readers by morphemes written to {by_morphemes.save()}")
    settings = get_settings()
    model = settings.second_opinion_model
    if not model:
        typer.echo("No second model is configured (BATON_SECOND_OPINION_MODEL): no more to fit.")
        raise typer.Exit(1)
    limits = second_opinion_limits(settings.embedding_model, model)
    languages = sorted(asked_languages(limits))
    embedder = Embedder(model)
    scope = ScopeReader(model, {language: fit_scope(embedder, language) for language in languages})
    urgency = UrgencyReader(
        model, {language: fit_urgency(embedder, language) for language in languages}
    )
    typer.echo(f"Scope and urgency readers of {model} for {', '.join(languages) or 'no language'}")
    typer.echo(f"Written to {scope.save()} and {urgency.save()}")


def _tunable_or_exit(model: str) -> None:
    """Stop the command with the reason when the model cannot be tuned."""
    try:
        refuse_untunable(model)
    except ValueError as refused:
        typer.echo(str(refused))
        raise typer.Exit(1) from refused


@kb_app.command("tune")
def kb_tune(
    folder: Annotated[
        Path, typer.Argument(help="Holds <language>/<slug>.md files.")
    ] = ARTICLES_DIR,
    prune: Annotated[
        bool,
        typer.Option(help="Delete older tuned models (never the new one or the one in use)."),
    ] = True,
    messages: Annotated[
        Path,
        typer.Option(help="Labelled customer messages (text,category,language) to calibrate on."),
    ] = CUSTOMER_MESSAGES,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Tune once, into this folder: the model tuned without one fold of variants is "
            "calibrated on it and used (one training instead of six)."
        ),
    ] = None,
) -> None:
    """Fine-tune the embedder on these articles' question variants, and calibrate it (on the
    variants it was not tuned on and on customer messages, which it is never tuned on)."""
    settings = get_settings()
    _tunable_or_exit(settings.embedding_model)
    articles = published_articles(folder)
    path, calibration, reports, record = tune_and_calibrate(
        settings.embedding_model,
        articles,
        {language: out_of_scope_examples(language) for language in articles},
        Tokenizer(),
        messages=customer_messages(messages),
        once_into=out,
    )
    calibration.save(calibration_file(str(path)))
    for report in reports:
        _echo_fit(report)
    typer.echo(f"Tuned from {record['base']} in {record['seconds']} s, calibrated: {path}")
    _fit_second_opinions(str(path), {report.language: report for report in reports}, articles)
    if prune:
        in_use = [str(path), *record["held_out"], settings.embedding_model]
        for stale in prune_models(in_use):
            typer.echo(f"Deleted the older tuned model {stale}")
    typer.echo(f"To use it, set BATON_EMBEDDING_MODEL={path} and restart the hub.")


def eval_command(
    test: Annotated[
        list[Path],
        typer.Option(
            help="CSV with text,category; category oos = escalate. With --fit-policy, it may be "
            "given several times: the policy is fitted on all of them."
        ),
    ],
    train: Annotated[
        Path | None, typer.Option(help="CSV to build the knowledge base from (else: Redis's).")
    ] = None,
    shots: Annotated[
        int | None, typer.Option(help="Use at most this many rows a category.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for --shots.")] = 0,
    tune: Annotated[
        bool, typer.Option(help="Fine-tune the embedder on the training rows first (kb tune).")
    ] = False,
    language: Annotated[
        str, typer.Option(help="Language of the questions (with --e2e: of rows without one).")
    ] = "en",
    e2e: Annotated[
        bool,
        typer.Option(
            "--e2e",
            help="Ask through a private whole stack, each question a new widget conversation.",
        ),
    ] = False,
    fit_policy: Annotated[
        bool,
        typer.Option(
            "--fit-policy",
            help="Fit the decision's NLU thresholds on this (development) set; print them.",
        ),
    ] = False,
    out: Annotated[Path, typer.Option(help="The JSON report (a PNG plot beside it).")] = Path(
        "benchmarks/results/eval.json"
    ),
) -> None:
    """Measure the bot's answer-or-escalate decision; the last line is the summary as JSON."""
    settings = get_settings()
    if fit_policy:
        report = policy_fit.run_fit(test, language, settings.var_dir / "fit-policy-logs")
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        typer.echo(json.dumps(report["policy"]))
        return
    if len(test) > 1:
        raise typer.BadParameter("one --test, except with --fit-policy")
    (test_file,) = test
    if e2e:
        if train or tune or shots:
            raise typer.BadParameter(
                "--e2e measures the seed articles: no --train, --tune, --shots"
            )
        log_dir = settings.var_dir / "eval-e2e-logs"
        report = {"name": out.stem} | customer_eval.run_e2e(test_file, language, log_dir)
        summary = write_report(report, out, customer_eval.plot)
        # Each question's outcome beside the report, to see what went wrong and where.
        outcomes = out.with_suffix(".outcomes.jsonl")
        outcomes.write_text(
            "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in report["outcomes"])
        )
        typer.echo(json.dumps(summary, ensure_ascii=False))
        return
    if tune:
        _tunable_or_exit(settings.embedding_model)
    started = time.monotonic()
    tokenizer = Tokenizer()
    if train:
        rows = read_rows(train)
        rows = per_category(rows, shots, seed) if shots else rows

        def searcher_of(model: str, tuned: bool) -> tuple[Searcher, FitReport | None, dict]:
            return trained_searcher(rows, language, model, tokenizer, tuned)

    else:

        async def published() -> dict[str, list]:
            async with redis_client(settings) as redis:
                return await ArticleStore(redis).published()

        articles = asyncio.run(published())

        def searcher_of(model: str, tuned: bool) -> tuple[Searcher, FitReport | None, dict]:
            calibration = Calibration.load(calibration_file(model))
            return offline_searcher(articles, Embedder(model), tokenizer, calibration), None, {}

    searcher, report, details = searcher_of(settings.embedding_model, tune)
    second_model = settings.second_model_of(language)
    if second_model:
        second, second_report, second_details = searcher_of(second_model, False)
        if report and second_report:  # fitted on the training rows, as kb calibrate does
            below = {language: fit_second_opinion(report, second_report)}
        else:  # the production limits
            below = second_opinion_limits(settings.embedding_model, second_model)
        searcher = Cascade(searcher, second, below)
        details["second_opinion"] = {"model": second_model, "below": below} | second_details
    if train:
        details |= {"train": str(train), "train_rows": len(rows), "shots": shots, "seed": seed}
    setup_seconds = round(time.monotonic() - started, 1)
    # The seed articles are the bot's: decide as it does; a knowledge base of training rows alone.
    policy = KNOWLEDGE_BASE_ALONE if train else settings.decision_policy
    figures = evaluate(
        searcher, read_rows(test_file), language, settings.kb_answer_threshold, policy
    )
    header = {"name": out.stem, "model": settings.embedding_model, "test": str(test_file)}
    figures = header | {"setup_seconds": setup_seconds} | details | figures
    typer.echo(json.dumps(write_report(figures, out), ensure_ascii=False))
