"""The security headers go on every HTTP response, and a header a route set itself stays."""

import httpx
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from handoff.api.security_headers import CONTENT_SECURITY_POLICY, SecurityHeaders


def plain(_: object) -> PlainTextResponse:
    return PlainTextResponse("plain")


def sandboxed(_: object) -> PlainTextResponse:
    return PlainTextResponse("file", headers={"Content-Security-Policy": "sandbox"})


def app() -> Starlette:
    routes = [Route("/plain", plain), Route("/sandboxed", sandboxed)]
    application = Starlette(routes=routes)
    application.add_middleware(SecurityHeaders)
    return application


async def get(path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app())
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        return await client.get(path)


async def test_every_response_gets_the_headers() -> None:
    for path in ("/plain", "/missing"):
        response = await get(path)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"


async def test_a_routes_own_header_is_kept_once() -> None:
    response = await get("/sandboxed")
    assert response.headers.get_list("content-security-policy") == ["sandbox"]
    assert response.text == "file"
