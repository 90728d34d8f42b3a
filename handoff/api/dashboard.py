"""The supervisors' dashboard: its page, its figures as JSON, and each table as CSV."""

import csv
import datetime as dt
import io
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.responses import FileResponse, Response

from handoff.api.deps import ServicesDep, SupervisorDep
from handoff.api.pages import STATIC_DIR
from handoff.dashboard.report import (
    Filters,
    PeriodKind,
    Table,
    Totals,
    period_days,
    read_totals,
    tables,
)

router = APIRouter(tags=["dashboard"])

Dimension = Annotated[str, Query(max_length=64, pattern=r"^[^|]*$")]
# A cell a spreadsheet would run as a formula starts with one of these: it is quoted.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@router.get("/dashboard/", include_in_schema=False)
async def dashboard_page() -> FileResponse:
    """The dashboard (it asks the visitor to log in as a supervisor or admin)."""
    return FileResponse(STATIC_DIR / "dashboard.html")


@dataclass(frozen=True)
class Asked:
    """The period and filters of a request: the day (UTC, today by default) or its ISO week."""

    period: PeriodKind = "day"
    day: dt.date | None = None
    channel: Dimension = ""
    language: Dimension = ""
    intent: Dimension = ""

    async def tables(self, services: ServicesDep) -> tuple[list[dt.date], Totals, dict[str, Table]]:
        """The days asked, their totals and every table."""
        days = period_days(self.period, self.day or dt.datetime.now(dt.UTC).date())
        filters = Filters(self.channel, self.language, self.intent)
        totals = await read_totals(services.redis, days, filters)
        return days, totals, tables(totals)


AskedDep = Annotated[Asked, Depends()]


@router.get("/api/dashboard")
async def figures(
    supervisor: SupervisorDep, services: ServicesDep, asked: AskedDep
) -> dict[str, Any]:
    """Every table for the period asked, filtered."""
    days, totals, found = await asked.tables(services)
    return {
        "period": asked.period,
        "days": [d.isoformat() for d in days],
        "options": {name: sorted(values) for name, values in totals.options.items()},
        "tables": {name: asdict(table) for name, table in found.items()},
    }


@router.get("/api/dashboard/{table}.csv")
async def table_csv(
    table: str, supervisor: SupervisorDep, services: ServicesDep, asked: AskedDep
) -> Response:
    """One table as a CSV file, for the same period and filters."""
    days, _, found = await asked.tables(services)
    if table not in found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No table named {table}.")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(found[table].columns)
    writer.writerows([_safe(cell) for cell in row] for row in found[table].rows)
    name = f"baton-{table}-{asked.period}-{days[0].isoformat()}.csv"
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
