"""Staff login and logout: a session cookie (HttpOnly, SameSite=Strict) and a CSRF token."""

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, Field

from handoff import keys
from handoff.api.deps import SESSION_COOKIE, ServicesDep, StaffDep
from handoff.staff.users import Role

MAX_LOGIN_FAILURES = 10
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60

router = APIRouter(prefix="/auth", tags=["auth"])


class LoginForm(BaseModel):
    """Name and password."""

    name: str = Field(max_length=40)
    password: str = Field(max_length=1000)


class Me(BaseModel):
    """Who is logged in, and the CSRF token for their state-changing calls."""

    name: str
    role: Role
    csrf: str


@router.post("/login")
async def login(form: LoginForm, response: Response, services: ServicesDep) -> Me:
    """Check the password and open a session (cookie); 401 if wrong, 429 after many failures."""
    name = form.name.strip().lower()
    failures = keys.login_failures(name)
    if int(await services.redis.get(failures) or 0) >= MAX_LOGIN_FAILURES:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "Too many attempts; wait 15 min.")
    user = await services.users.authenticate(name, form.password)
    if user is None:
        await services.redis.incr(failures)
        await services.redis.expire(failures, LOGIN_FAILURE_WINDOW_SECONDS)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Wrong name or password.")
    await services.redis.delete(failures)
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
    return Me(name=user.name, role=user.role, csrf=csrf)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(request: Request, response: Response, staff: StaffDep, services: ServicesDep):
    """End the session."""
    await services.sessions.close(request.cookies[SESSION_COOKIE])
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me")
async def me(staff: StaffDep) -> Me:
    """Who is logged in."""
    return Me(name=staff.user.name, role=staff.user.role, csrf=staff.csrf)
