"""The pages: the demo site with the widget, the staff login, the editor, the health check."""

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, JSONResponse

from handoff.api.deps import ServicesDep

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
EDITOR_DIR = STATIC_DIR / "editor"
router = APIRouter(tags=["pages"])


@router.get("/", include_in_schema=False)
async def demo_page() -> FileResponse:
    """The site of a fictional remittance company, with the Baton widget on it."""
    return FileResponse(STATIC_DIR / "demo.html")


@router.get("/login", include_in_schema=False)
async def login_page() -> FileResponse:
    """The staff login form (agents, editors, admins)."""
    return FileResponse(STATIC_DIR / "login.html")


@router.get("/kb/", include_in_schema=False)
async def editor_page() -> FileResponse:
    """The knowledge-base editor (it asks the visitor to log in as an editor)."""
    return FileResponse(EDITOR_DIR / "index.html")


@router.get("/admin/customers/", include_in_schema=False)
async def customers_page() -> FileResponse:
    """Customers' personal data, for admins: export and erase (it asks the visitor to log in)."""
    return FileResponse(STATIC_DIR / "customers.html")


@router.get("/healthz")
async def health(services: ServicesDep) -> JSONResponse:
    """Whether the hub can reach Redis."""
    try:
        await services.redis.ping()
    except OSError as error:
        return JSONResponse({"status": "error", "redis": str(error)}, status_code=503)
    return JSONResponse({"status": "ok"})
