"""Redaction precision and recall per kind of personal data, on a labelled test set.

Each line of the set is {"language", "text", "pii": [{"kind", "value"}]}: the values are the
spans a redactor must find; everything else in the text (transfer references, amounts, dates,
order numbers, Luhn-invalid card look-alikes) must be left alone. A finding counts as right only
with the exact span and kind.
Run: `.venv/bin/python -m benchmarks.redaction_quality`.
"""

import argparse
import json
import statistics
import time
from collections import Counter
from pathlib import Path

from benchmarks import reports
from handoff.conversations.redaction import EVERY_KIND, find

ROOT = Path(__file__).resolve().parent
MAX_ERRORS_SHOWN = 30


def labelled(row: dict) -> set[tuple[str, int, int]]:
    """The row's labelled spans as (kind, start, end)."""
    spans = set()
    for item in row["pii"]:
        start = row["text"].index(item["value"])
        spans.add((item["kind"], start, start + len(item["value"])))
    return spans


def ratio(part: int, whole: int) -> float | None:
    """part / whole to four places, None for nothing to divide."""
    return round(part / whole, 4) if whole else None


def score(rows: list[dict]) -> dict:
    """Precision, recall and support per kind and per language, and the first errors."""
    counts: Counter[tuple[str, str]] = Counter()  # (kind or "all:<language>", tp/fp/fn)
    errors = []
    for row in rows:
        expected = labelled(row)
        found = {(f.kind.value, f.start, f.end) for f in find(row["text"])}
        for outcome, spans in (
            ("tp", expected & found),
            ("fp", found - expected),
            ("fn", expected - found),
        ):
            for kind, start, end in spans:
                counts[kind, outcome] += 1
                counts[f"all:{row['language']}", outcome] += 1
                if outcome != "tp" and len(errors) < MAX_ERRORS_SHOWN:
                    errors.append(
                        {
                            "outcome": outcome,
                            "kind": kind,
                            "text": row["text"][start:end],
                            "in": row["text"],
                        }
                    )
    groups = [*sorted(k.value for k in EVERY_KIND), "all:en", "all:ko"]
    figures = {
        group: {
            "precision": ratio(counts[group, "tp"], counts[group, "tp"] + counts[group, "fp"]),
            "recall": ratio(counts[group, "tp"], counts[group, "tp"] + counts[group, "fn"]),
            "support": counts[group, "tp"] + counts[group, "fn"],
            "false_positives": counts[group, "fp"],
        }
        for group in groups
    }
    return {"figures": figures, "errors": errors}


def timing(rows: list[dict], rounds: int = 5) -> dict:
    """Milliseconds to find the personal data in one message: median and p95 over the set, after
    a first pass (phonenumbers loads a region's metadata the first time it meets it)."""
    for row in rows:
        find(row["text"])
    took = []
    for _ in range(rounds):
        for row in rows:
            started = time.perf_counter()
            find(row["text"])
            took.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(took, n=20)
    return {"median_ms": round(statistics.median(took), 3), "p95_ms": round(cuts[18], 3)}


def main() -> None:
    """Score the redactor on the test set and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", type=Path, default=ROOT / "data" / "redaction-test.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "redaction.json")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.test.read_text().splitlines() if line.strip()]
    languages = Counter(row["language"] for row in rows)
    report = {
        "benchmark": "redaction_quality",
        "test_set": str(args.test.resolve().relative_to(ROOT.parent)),
        "messages": len(rows),
        "languages": dict(languages),
        "without_personal_data": sum(not row["pii"] for row in rows),
        **score(rows),
        "per_message": timing(rows),
        "machine": reports.machine(),
    }
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
