"""The supervisors' dashboard: its page, its figures as JSON, and each table as CSV."""

import csv
import datetime as dt
import io
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import FileResponse, Response

from handoff.api.deps import ServicesDep, SupervisorDep
from handoff.api.pages import STATIC_DIR
from handoff.dashboard.report import Filters, PeriodKind, Table, period_days, read_totals, tables

router = APIRouter(tags=["dashboard"])

Dimension = Annotated[str, Query(max_length=64, pattern=r"^[^|]*$")]
# A cell a spreadsheet would run as a formula starts with one of these: it is quoted.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@router.get("/dashboard/", include_in_schema=False)
async def dashboard_page() -> FileResponse:
    """The dashboard (it asks the visitor to log in as a supervisor or admin)."""
    return FileResponse(STATIC_DIR / "dashboard.html")


async def _tables(
    services: ServicesDep, period: PeriodKind, day: dt.date | None, filters: Filters
) -> tuple[list[dt.date], dict[str, set[str]], dict[str, Table]]:
    days = period_days(period, day or dt.datetime.now(dt.UTC).date())
    totals = await read_totals(services.redis, days, filters)
    return days, totals.options, tables(totals)


@router.get("/api/dashboard")
async def figures(
    supervisor: SupervisorDep,
    services: ServicesDep,
    period: PeriodKind = "day",
    day: dt.date | None = None,
    channel: Dimension = "",
    language: Dimension = "",
    intent: Dimension = "",
) -> dict[str, Any]:
    """Every table for the day (UTC, today by default) or its ISO week, filtered."""
    days, options, found = await _tables(services, period, day, Filters(channel, language, intent))
    return {
        "period": period,
        "days": [d.isoformat() for d in days],
        "options": {name: sorted(values) for name, values in options.items()},
        "tables": {name: asdict(table) for name, table in found.items()},
    }


@router.get("/api/dashboard/{table}.csv")
async def table_csv(
    table: str,
    supervisor: SupervisorDep,
    services: ServicesDep,
    period: PeriodKind = "day",
    day: dt.date | None = None,
    channel: Dimension = "",
    language: Dimension = "",
    intent: Dimension = "",
) -> Response:
    """One table as a CSV file, for the same period and filters."""
    days, _, found = await _tables(services, period, day, Filters(channel, language, intent))
    if table not in found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No table named {table}.")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(found[table].columns)
    writer.writerows([_safe(cell) for cell in row] for row in found[table].rows)
    name = f"baton-{table}-{period}-{days[0].isoformat()}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _safe(cell: object) -> object:
    """A cell as is, but text a spreadsheet would run as a formula quoted."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return "" if cell is None else cell
