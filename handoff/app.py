"""The hub's ASGI application."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response, status
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from handoff.api import (
    attachments,
    auth,
    console_socket,
    customers_admin,
    dashboard,
    editor,
    gaps,
    help_pages,
    internal,
    metrics,
    pages,
    telegram_webhook,
    widget_socket,
)
from handoff.metrics import count_logged_errors
from handoff.services import Services
from handoff.settings import Settings, get_settings
from knowledge_base.store import EditConflict

logger = logging.getLogger(__name__)

# Pages and the widget run only our own files: no inline script, nothing from a message runs.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the hub; the clients are created when it starts, not at import."""
    settings = settings or get_settings()
    count_logged_errors()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = Services.start(settings)
        await app.state.services.begin()
        try:
            async with telegram_webhook.telegram_channel(app.state.services) as app.state.telegram:
                yield
        finally:
            await app.state.services.stop()

    app = FastAPI(title="Baton hub", lifespan=lifespan)
    routers = (pages, auth, internal, widget_socket, console_socket, editor, gaps, help_pages)
    for api in (*routers, telegram_webhook, attachments):
        app.include_router(api.router)
    app.include_router(customers_admin.router)
    app.include_router(dashboard.router)
    app.include_router(metrics.router)  # Prometheus's scrape
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")
    app.mount("/kb/static", StaticFiles(directory=pages.EDITOR_DIR), name="editor")

    @app.middleware("http")
    async def security_headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.exception_handler(EditConflict)
    async def edit_conflict(request: Request, conflict: EditConflict) -> JSONResponse:
        body = {"detail": str(conflict), "current_revision": conflict.current_revision}
        return JSONResponse(body, status_code=status.HTTP_409_CONFLICT)

    return app
