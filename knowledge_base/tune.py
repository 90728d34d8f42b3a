"""Fine-tuning the sentence embedder on the knowledge base's own question variants.

Two variants of one article are a positive pair; the other pairs in the batch are its
negatives (in-batch, symmetric, no article twice in a batch). A tuned model is written under
models/embedder/<hash of base, settings and texts>/ and reused while nothing changes.
"""

import hashlib
import json
import random
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from knowledge_base.articles import Article, dense_units
from knowledge_base.confidence import Calibration
from knowledge_base.confidence_fitting import FOLDS, Asked, fit_language, without_fold
from knowledge_base.e5_model import E5_MODEL
from knowledge_base.embeddings import Embedder, model_location
from knowledge_base.text import Tokenizer

MODELS_DIR = Path(__file__).resolve().parent.parent / "models" / "embedder"
RECORD = "tuning.json"
SMALL = 2000  # question variants; below, each text meets up to 9 partners in batches of 32


@dataclass(frozen=True)
class TuneSettings:
    """How a model is fine-tuned; part of the tuned model's hash."""

    epochs: int = 1
    batch_size: int = 64
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup: float = 0.1
    scale: float = 20.0
    max_seq_length: int = 64
    partners: int = 1  # other texts of its article each text is paired with, per epoch
    seed: int = 0


# The settings of one training (tune_and_calibrate's once_into): each text with one partner,
# 44 steps on the seed articles, 255 CPU seconds on this 2-core machine.
ONCE = TuneSettings(batch_size=32)


def base_of(model: str) -> str:
    """The model a tuned model was tuned from (tuning starts over from it), else the model."""
    record = Path(model) / RECORD
    return json.loads(record.read_text())["base"] if record.exists() else model


def refuse_untunable(model: str) -> None:
    """Raise ValueError for a model tuning cannot start from: multilingual-e5-small runs in its
    own engine (knowledge_base/e5_model.py), which sentence-transformers cannot load."""
    if base_of(model) == E5_MODEL:
        raise ValueError(
            f"{E5_MODEL} runs in its own engine and cannot be tuned: tune a sentence-transformers "
            "model (the packaged one, or a local folder) instead."
        )


def settings_for(texts: int) -> TuneSettings:
    """Settings for a knowledge base of this many question variants.

    A small one pairs each text with up to nine others of its article, so that it trains about
    as many steps as a large one; measured on BANKING77 at 10 per intent, on 3,000 training rows
    outside the sample: 86.97% top-1 (BM25 weight 0.1), against 86.17% for five epochs of one
    partner each and 85.87% for three epochs of four.
    """
    return TuneSettings(batch_size=32, partners=9) if texts < SMALL else TuneSettings()


@dataclass(frozen=True)
class Pair:
    """Two texts of one article (the group)."""

    group: int
    first: str
    second: str


def groups_of(articles: list[Article]) -> list[list[str]]:
    """Each article's texts (title and question variants) that can form a pair."""
    groups = [list(dict.fromkeys(dense_units(article))) for article in articles]
    return [group for group in groups if len(group) > 1]


def epoch_pairs(groups: list[list[str]], rng: random.Random, partners: int = 1) -> list[Pair]:
    """Every text paired with up to `partners` other texts of its group, shuffled."""
    pairs = [
        Pair(g, text, other)
        for g, group in enumerate(groups)
        for text in group
        for other in rng.sample([o for o in group if o != text], min(partners, len(group) - 1))
    ]
    rng.shuffle(pairs)
    return pairs


def batches(pairs: list[Pair], size: int) -> list[list[Pair]]:
    """Batches in which no group appears twice (a pair's only positive is its own partner)."""
    result, remaining = [], pairs
    while remaining:
        batch, seen, rest = [], set(), []
        for pair in remaining:
            if len(batch) < size and pair.group not in seen:
                batch.append(pair)
                seen.add(pair.group)
            else:
                rest.append(pair)
        if len(batch) > 1:
            result.append(batch)
        remaining = rest
    return result


def model_hash(base: str, groups: list[list[str]], settings: TuneSettings) -> str:
    """What names the model tuned from `base` on these texts with these settings."""
    content = json.dumps([base, asdict(settings), groups], ensure_ascii=False)
    return hashlib.sha256(content.encode()).hexdigest()[:16]


def tune(
    base: str,
    articles: list[Article],
    settings: TuneSettings,
    models_dir: Path = MODELS_DIR,
    target: Path | None = None,
) -> tuple[Path, dict]:
    """Fine-tune `base` on the articles' texts into `target` (else models_dir/<hash>); the
    model's directory and its tuning record.

    An already tuned model there with the same base, settings and texts is reused.
    """
    groups = groups_of(articles)
    if len(groups) < 2:
        raise ValueError("tuning needs at least two articles with two texts each")
    name = model_hash(base, groups, settings)
    target = target or models_dir / name
    if (target / RECORD).exists():
        record = json.loads((target / RECORD).read_text())
        if record.get("hash") == name:
            return target, record
    started = time.monotonic()
    model, steps = _train(base, groups, settings)
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    model.save(str(partial))
    record = {
        "hash": name,
        "base": base,
        "settings": asdict(settings),
        "articles": len(groups),
        "texts": sum(map(len, groups)),
        "steps": steps,
        "seconds": round(time.monotonic() - started, 1),
    }
    (partial / RECORD).write_text(json.dumps(record, indent=2) + "\n")
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target, record


def tune_and_calibrate(
    model: str,
    articles: dict[str, list[Article]],
    out_of_scope: dict[str, list[str]],
    tokenizer: Tokenizer,
    settings: TuneSettings | None = None,
    models_dir: Path = MODELS_DIR,
    messages: dict[str, list[Asked]] | None = None,
    once_into: Path | None = None,
) -> tuple[Path, Calibration, list, dict]:
    """Tune on every language's articles, and calibrate without leaking the training texts.

    Tuning starts from the model's base (base_of), with settings_for the number of question
    variants unless settings are given.

    A model tuned without each article's first fold of variants (confidence_fitting.without_fold) is
    calibrated on that fold, which it has never seen; the calibration is then used with the
    model tuned on everything. A small knowledge base (under SMALL variants) is calibrated on
    every fold, each by a model tuned without it: one fold of ten variants an article is too
    few questions to trust. Customer messages (by language), never trained on, join the
    calibration as `baton kb calibrate --messages` has them, embedded by the first held-out
    model. With `once_into`, tuning is done once, into that folder: the model tuned without
    the first fold is both the one calibrated and the one used (its index still holds that
    fold, embedded as any new variant is). Returns the tuned model, the calibration, the fit
    reports and the tuning record (seconds covers every training; held_out lists the
    held-out models).
    """
    refuse_untunable(model)
    base = base_of(model)
    everything = [a for arts in articles.values() for a in arts]
    variants = sum(len(a.questions) for a in everything)
    settings = settings or (ONCE if once_into else settings_for(variants))
    folds = [0] if once_into or variants >= SMALL else range(FOLDS)
    held_out = {
        fold: tune(
            base,
            [a for arts in articles.values() for a in without_fold(arts, fold)[0]],
            settings,
            models_dir,
            once_into,
        )
        for fold in folds
    }
    embedders = {fold: Embedder(str(path)) for fold, (path, _) in held_out.items()}
    calibration, reports = Calibration(), []
    for language, language_articles in sorted(articles.items()):
        fitted, report = fit_language(
            language,
            language_articles,
            out_of_scope.get(language, []),
            embedders,
            tokenizer,
            (messages or {}).get(language, []),
        )
        calibration.languages[language] = fitted
        reports.append(report)
    if once_into:
        path, record = held_out[0]
        return path, calibration, reports, record | {"held_out": []}
    path, record = tune(base, everything, settings, models_dir)
    seconds = record["seconds"] + sum(held["seconds"] for _, held in held_out.values())
    held_out_paths = [str(held_path) for held_path, _ in held_out.values()]
    return (
        path,
        calibration,
        reports,
        record
        | {
            "seconds": round(seconds, 1),
            "held_out": held_out_paths,
        },
    )


def prune(keep: list[str], models_dir: Path = MODELS_DIR) -> list[Path]:
    """Delete the tuned models under models_dir that are not in `keep`, with their ONNX exports,
    and what an interrupted tuning left; the deleted folders."""
    kept = {Path(model).resolve() for model in keep}
    stale = [
        folder
        for folder in sorted(models_dir.glob("*"))
        if folder.is_dir()
        and folder.resolve() not in kept
        and ((folder / RECORD).exists() or folder.name.endswith(".partial"))
    ]
    for folder in stale:
        shutil.rmtree(folder)
    return stale


def _train(base: str, groups: list[list[str]], settings: TuneSettings):
    import torch
    import torch.nn.functional as F
    from sentence_transformers import SentenceTransformer
    from transformers import get_linear_schedule_with_warmup
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # keep command output clean

    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    model = SentenceTransformer(model_location(base), device="cpu")
    model.max_seq_length = settings.max_seq_length
    # Frozen word embeddings: words the variants never use keep their place in the space.
    model[0].auto_model.get_input_embeddings().requires_grad_(False)
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        parameters, lr=settings.learning_rate, weight_decay=settings.weight_decay
    )
    epochs = [
        batches(epoch_pairs(groups, rng, settings.partners), settings.batch_size)
        for _ in range(settings.epochs)
    ]
    steps = sum(map(len, epochs))
    schedule = get_linear_schedule_with_warmup(optimizer, int(settings.warmup * steps), steps)

    def embed(texts: list[str]) -> torch.Tensor:
        return F.normalize(model(model.preprocess(texts))["sentence_embedding"], dim=-1)

    model.train()
    for epoch in epochs:
        for batch in epoch:
            first, second = embed([p.first for p in batch]), embed([p.second for p in batch])
            scores = settings.scale * first @ second.T
            labels = torch.arange(len(batch))
            loss = (F.cross_entropy(scores, labels) + F.cross_entropy(scores.T, labels)) / 2
            loss.backward()
            torch.nn.utils.clip_grad_norm_(parameters, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
    model.eval()
    return model, steps
