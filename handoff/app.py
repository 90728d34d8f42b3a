"""The hub's ASGI application."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
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
    security_headers,
    telegram_webhook,
    widget_socket,
)
from handoff.logs import log_to_stderr
from handoff.metrics import count_logged_errors
from handoff.services import Services
from handoff.settings import Settings, get_settings
from knowledge_base.store import EditConflict

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the hub; the clients are created when it starts, not at import."""
    settings = settings or get_settings()
    log_to_stderr()
    count_logged_errors()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = Services.start(settings)
        await app.state.services.begin()
        # What the hub holds once started (the models, the articles' index: 390,000 objects)
        # stays out of Python's full garbage collections while it serves; each walked it all,
        # 230-280 ms of CPU during which no customer's message moved.
        gc.collect()
        gc.freeze()
        try:
            async with telegram_webhook.telegram_channel(app.state.services) as app.state.telegram:
                yield
        finally:
            gc.unfreeze()
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

    app.add_middleware(security_headers.SecurityHeaders)

    @app.exception_handler(EditConflict)
    async def edit_conflict(request: Request, conflict: EditConflict) -> JSONResponse:
        body = {"detail": str(conflict), "current_revision": conflict.current_revision}
        return JSONResponse(body, status_code=status.HTTP_409_CONFLICT)

    return app
