"""FastAPI dependencies, as Annotated aliases."""

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from starlette.requests import HTTPConnection

from handoff.services import Services
from handoff.settings import Settings
from handoff.staff.sessions import StaffSession
from handoff.staff.users import Role

SESSION_COOKIE = "baton_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_services(connection: HTTPConnection) -> Services:
    """The services the app created at startup (a coroutine: FastAPI runs a plain function
    dependency in a worker thread, a hop that cost every request of the action server)."""
    return connection.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


async def current_staff(request: Request, services: ServicesDep) -> StaffSession:
    """The logged-in staff member; 401 if none, 403 for a change without the CSRF token."""
    token = request.cookies.get(SESSION_COOKIE)
    found = await services.sessions.read(token) if token else None
    user = await services.users.get(found[0]) if found else None
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Please log in.")
    csrf = found[1]
    sent = request.headers.get(CSRF_HEADER, "")
    if request.method not in SAFE_METHODS and not secrets.compare_digest(
        sent.encode(), csrf.encode()
    ):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Missing or wrong CSRF token.")
    return StaffSession(user, csrf)


StaffDep = Annotated[StaffSession, Depends(current_staff)]


def require_role(*roles: Role):
    """A dependency that lets only these roles through (403 for the others)."""

    async def check(staff: StaffDep) -> StaffSession:
        if staff.user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Your role may not do this.")
        return staff

    return check


def refuse_oversize(text: str, settings: Settings) -> None:
    """422 for a question longer than a customer may write (BATON_MAX_MESSAGE_CHARS)."""
    if len(text) > settings.max_message_chars:
        limit = settings.max_message_chars
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"A question has at most {limit} characters."
        )


EditorDep = Annotated[StaffSession, Depends(require_role(Role.EDITOR, Role.ADMIN))]
AdminDep = Annotated[StaffSession, Depends(require_role(Role.ADMIN))]
SupervisorDep = Annotated[StaffSession, Depends(require_role(Role.SUPERVISOR, Role.ADMIN))]
