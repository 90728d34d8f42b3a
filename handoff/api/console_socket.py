"""The agent console: its page, and its WebSocket for logged-in agents and admins."""

import contextlib
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse

from handoff import metrics
from handoff.api.deps import SESSION_COOKIE, ServicesDep
from handoff.api.pages import STATIC_DIR
from handoff.channels.console import AgentSession
from handoff.staff.users import Role

router = APIRouter(tags=["agent console"])


def same_origin(websocket: WebSocket) -> bool:
    """Whether the socket was opened by a page of this hub (cookies alone prove nothing)."""
    origin = websocket.headers.get("origin")
    host = websocket.headers.get("host")
    return bool(origin and host and urlsplit(origin).netloc == host)


@router.get("/agent/", include_in_schema=False)
async def console_page() -> FileResponse:
    """The agent console (it asks the visitor to log in as an agent)."""
    return FileResponse(STATIC_DIR / "console.html")


@router.websocket("/ws/agent")
async def agent_socket(websocket: WebSocket, services: ServicesDep) -> None:
    """The console's WebSocket, for logged-in agents and admins, from this hub's pages."""
    token = websocket.cookies.get(SESSION_COOKIE)
    found = await services.sessions.read(token) if token else None
    user = await services.users.get(found[0]) if found else None
    if not same_origin(websocket) or user is None or user.role not in (Role.AGENT, Role.ADMIN):
        await websocket.close(code=1008)
        return
    await websocket.accept()
    with contextlib.suppress(WebSocketDisconnect), metrics.open_socket("agent"):
        await AgentSession(websocket, services, user, token).run()
