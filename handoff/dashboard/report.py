"""The dashboard's figures for a day or a week, filtered by channel, language and intent: read
from the day hashes that rollups.py keeps (one HGETALL per day), summed, and laid out as tables."""

import collections
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Literal

from redis.asyncio import Redis

from handoff import keys
from handoff.dashboard import histogram
from handoff.dashboard.rollups import ANY

PeriodKind = Literal["day", "week"]
# Reads the hashes and sets named, as one JSON array of objects (a hash's fields) and arrays (a
# set's members): one string to parse, where a reply of every field took most of a page's CPU.
_READ_SCRIPT = """
local read = {}
for i, key in ipairs(KEYS) do
  if string.sub(key, -8) == ':options' then
    read[i] = redis.call('SMEMBERS', key)
  else
    local fields, hash = redis.call('HGETALL', key), {}
    for j = 1, #fields, 2 do hash[fields[j]] = fields[j + 1] end
    read[i] = hash
  end
end
return cjson.encode(read)
"""
DURATIONS = {"first_response": "First response", "handle": "Handle time", "wait": "Queue wait"}
# The decisions on questions ("reply" answers hello, thanks, yes, no; "decline" says what Hanbit
# Remit does not do).
QUESTION_DECISIONS = ("answer", "suggest", "rephrase", "escalate")
PRIORITIES = ("urgent", "high", "normal")
ARTICLES_SHOWN = 20


@dataclass(frozen=True)
class Filters:
    """Which conversations count: "" means any."""

    channel: str = ""
    language: str = ""
    intent: str = ""


@dataclass(frozen=True)
class Table:
    """One table of the page (and one CSV file): a title, column names, rows of values."""

    title: str
    columns: list[str]
    rows: list[list[str | int | float | None]]


@dataclass
class Totals:
    """Conversations' counters summed over the period's days, per day, and agents' figures."""

    counts: collections.Counter[str] = field(default_factory=collections.Counter)
    per_day: dict[str, collections.Counter[str]] = field(default_factory=dict)
    agents: dict[str, collections.Counter[str]] = field(
        default_factory=lambda: collections.defaultdict(collections.Counter)
    )
    options: dict[str, set[str]] = field(
        default_factory=lambda: {"channel": set(), "language": set(), "intent": set()}
    )


def period_days(kind: PeriodKind, day: dt.date) -> list[dt.date]:
    """The day itself, or the days of its ISO week (Monday to Sunday)."""
    if kind == "day":
        return [day]
    monday = day - dt.timedelta(days=day.weekday())
    return [monday + dt.timedelta(days=offset) for offset in range(7)]


async def read_totals(redis: Redis, days: list[dt.date], filters: Filters) -> Totals:
    """Sum the period's figures for the filters (one hash per day, one round trip)."""
    part = "|".join(value or ANY for value in (filters.channel, filters.language, filters.intent))
    names = [
        keys.dashboard_day(day.isoformat(), kind)
        for day in days
        for kind in (part, "agents", "options")
    ]
    read = json.loads(await redis.register_script(_READ_SCRIPT)(keys=names))
    totals = Totals()
    for day, figures, agents, options in zip(days, read[::3], read[1::3], read[2::3], strict=True):
        today = collections.Counter({metric: int(value) for metric, value in figures.items()})
        totals.per_day[day.isoformat()] = today
        totals.counts.update(today)
        for name, value in agents.items():
            agent, _, metric = name.rpartition("|")
            totals.agents[agent][metric] += float(value)
        for option in options:
            dimension, _, value = option.partition("|")
            totals.options.setdefault(dimension, set()).add(value)
    return totals


def _ratio(part: float, whole: float) -> float | None:
    """A percentage to one decimal, or None of nothing."""
    return round(100 * part / whole, 1) if whole else None


def _durations(counts: collections.Counter[str], measure: str) -> dict[int, int]:
    """The merged histogram of one duration."""
    prefix = f"{measure}:"
    return {int(m[len(prefix) :]): n for m, n in counts.items() if m.startswith(prefix)}


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _average_rating(counts: collections.Counter[str]) -> float | None:
    ratings = {score: counts[f"csat:{score}"] for score in range(1, 6)}
    total = sum(ratings.values())
    return round(sum(s * n for s, n in ratings.items()) / total, 2) if total else None


def _answer_rate(counts: collections.Counter[str]) -> float | None:
    questions = sum(counts[f"decision:{d}"] for d in QUESTION_DECISIONS)
    return _ratio(counts["decision:answer"], questions)


def _by_suffix(counts: collections.Counter[str], prefix: str) -> dict[str, int]:
    return {m[len(prefix) :]: n for m, n in counts.items() if m.startswith(prefix)}


def tables(totals: Totals) -> dict[str, Table]:
    """Every table of the page, by the name its CSV export uses."""
    counts = totals.counts
    conversations, handed_over = counts["conversations"], counts["handed_over"]
    sla_met = sum(counts[f"sla:{p}:met"] for p in PRIORITIES)
    sla_all = sla_met + sum(counts[f"sla:{p}:missed"] for p in PRIORITIES)
    first = _durations(counts, "first_response")
    handle = _durations(counts, "handle")
    summary = [
        ["Conversations", conversations],
        ["Contained (no person)", conversations - handed_over],
        ["Containment %", _ratio(conversations - handed_over, conversations)],
        ["Handed to a person", handed_over],
        ["Bot answer rate %", _answer_rate(counts)],
        ["Did this help: yes", counts["helpful:yes"]],
        ["Did this help: no", counts["helpful:no"]],
        ["CSAT average (1-5)", _average_rating(counts)],
        ["First response median s", _seconds(histogram.percentile(first, 0.5))],
        ["First response p90 s", _seconds(histogram.percentile(first, 0.9))],
        ["Handle time median s", _seconds(histogram.percentile(handle, 0.5))],
        ["Handle time p90 s", _seconds(histogram.percentile(handle, 0.9))],
        ["SLA attainment %", _ratio(sla_met, sla_all)],
    ]
    daily = [
        [
            day,
            today["conversations"],
            today["conversations"] - today["handed_over"],
            _ratio(today["conversations"] - today["handed_over"], today["conversations"]),
            today["handed_over"],
            today["closed"],
            _answer_rate(today),
            _average_rating(today),
        ]
        for day, today in totals.per_day.items()
    ]
    durations = []
    for measure, title in DURATIONS.items():
        merged = _durations(counts, measure)
        durations.append(
            [
                title,
                sum(merged.values()),
                _seconds(histogram.percentile(merged, 0.5)),
                _seconds(histogram.percentile(merged, 0.9)),
            ]
        )
    hours = []
    for hour in (f"{h:02d}" for h in range(24)):
        escalated = counts[f"escalated_hour:{hour}"]
        claims = counts[f"wait_hour_count:{hour}"]
        queue_total = counts[f"queue_hour:{hour}"]
        waited = counts[f"wait_hour_seconds:{hour}"]
        hours.append(
            [
                f"{hour}:00",
                escalated,
                round(queue_total / escalated, 1) if escalated else None,
                claims,
                round(waited / claims, 1) if claims else None,
            ]
        )
    agents = []
    for agent, figures in sorted(totals.agents.items()):
        closes, online = figures["closes"], figures["online_seconds"]
        agents.append(
            [
                agent,
                int(figures["claims"]),
                int(closes),
                round(figures["handle_seconds"] / closes, 1) if closes else None,
                round(online / 3600, 2),
                round(closes / (online / 3600), 2) if online else None,
            ]
        )
    answered = _by_suffix(counts, "article:")
    articles = collections.defaultdict(lambda: [0, 0])
    for name, n in answered.items():
        slug, _, kind = name.rpartition(":")
        articles[slug][0 if kind == "answered" else 1] += n
    ranked = sorted(articles.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    unhelpful = sorted(articles.items(), key=lambda item: (-item[1][1], item[0]))
    shown = dict(ranked[:ARTICLES_SHOWN] + [a for a in unhelpful[:ARTICLES_SHOWN] if a[1][1]])
    return {
        "summary": Table("Summary", ["measure", "value"], summary),
        "daily": Table(
            "Per day",
            [
                "day",
                "conversations",
                "contained",
                "containment %",
                "handed over",
                "closed",
                "bot answer rate %",
                "CSAT average",
            ],
            daily,
        ),
        "escalations": Table(
            "Escalations by reason",
            ["reason", "escalations"],
            sorted(map(list, _by_suffix(counts, "escalated:").items()), key=lambda r: -r[1]),
        ),
        "durations": Table(
            "First response, handle time and queue wait (seconds)",
            ["measure", "count", "median", "p90"],
            durations,
        ),
        "sla": Table(
            "SLA attainment (first response within target)",
            ["priority", "met", "missed", "attainment %"],
            [
                [
                    p,
                    counts[f"sla:{p}:met"],
                    counts[f"sla:{p}:missed"],
                    _ratio(
                        counts[f"sla:{p}:met"], counts[f"sla:{p}:met"] + counts[f"sla:{p}:missed"]
                    ),
                ]
                for p in PRIORITIES
            ],
        ),
        "csat": Table(
            "CSAT ratings",
            ["score", "ratings"],
            [[score, counts[f"csat:{score}"]] for score in range(1, 6)],
        ),
        "hours": Table(
            "Queue over the day (UTC hours)",
            ["hour", "escalations", "queue length at escalation", "claims", "average wait s"],
            hours,
        ),
        "agents": Table(
            "Agents (all channels, languages and intents)",
            ["agent", "claims", "closes", "average handle s", "online hours", "closes per hour"],
            agents,
        ),
        "bot": Table(
            "The bot's decisions",
            ["decision", "turns"],
            [[d, counts[f"decision:{d}"]] for d in (*QUESTION_DECISIONS, "decline", "reply")],
        ),
        "articles": Table(
            "Articles most answered and most often not helpful",
            ["article", "answered", "not helpful"],
            [
                [slug, a, n]
                for slug, (a, n) in sorted(shown.items(), key=lambda i: (-i[1][0], i[0]))
            ],
        ),
    }
