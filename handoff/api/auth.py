"""Staff login and logout: a session cookie (HttpOnly, SameSite=Strict) and a CSRF token."""

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, Field

from handoff.api.deps import SESSION_COOKIE, ServicesDep, StaffDep
from handoff.staff.passwords import PasswordsBusy
from handoff.staff.users import Role

BUSY_RETRY_SECONDS = 2

router = APIRouter(prefix="/auth", tags=["auth"])


class LoginForm(BaseModel):
    """Name and password."""

    name: str = Field(max_length=40)
    password: str = Field(max_length=1000)


class Me(BaseModel):
    """Who is logged in, and the CSRF token for their state-changing calls."""

    name: str
    role: Role
    display_name: str  # what customers see
    csrf: str


@router.post("/login")
async def login(form: LoginForm, request: Request, response: Response, services: ServicesDep) -> Me:
    """Check the password and open a session (cookie); 401 if wrong, 429 after many failures
    (of this name from this address, or of any from this address), 503 while too many
    passwords are being checked."""
    name = form.name.strip().lower()
    address = request.client.host if request.client else "unknown"
    if not await services.login_throttle.allow(name, address):
        minutes = services.settings.login_failure_window_seconds // 60
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS, f"Too many attempts; wait {minutes} min."
        )
    try:
        user = await services.users.authenticate(name, form.password)
    except PasswordsBusy as busy:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "Too many logins at once; try again in a moment.",
            headers={"Retry-After": str(BUSY_RETRY_SECONDS)},
        ) from busy
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Wrong name or password.")
    await services.login_throttle.succeeded(name, address)
    token, csrf = await services.sessions.open(user)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=services.settings.session_ttl_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=services.settings.base_url.startswith("https://"),
        path="/",
    )
    return Me(name=user.name, role=user.role, display_name=user.display_name, csrf=csrf)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(request: Request, response: Response, staff: StaffDep, services: ServicesDep):
    """End the session."""
    await services.sessions.close(request.cookies[SESSION_COOKIE])
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.post("/logout-everywhere", status_code=status.HTTP_204_NO_CONTENT)
async def logout_everywhere(response: Response, staff: StaffDep, services: ServicesDep):
    """End every session of the logged-in user, on every device (open consoles close)."""
    await services.sessions.close_all(staff.user.name)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me")
async def me(staff: StaffDep) -> Me:
    """Who is logged in."""
    return Me(
        name=staff.user.name,
        role=staff.user.role,
        display_name=staff.user.display_name,
        csrf=staff.csrf,
    )
