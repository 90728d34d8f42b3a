"""The hub's pages and health check, on the hub in process; the headers every response has."""

import pytest

from tests.support import InProcessHub


@pytest.mark.parametrize(
    ("path", "marker"),
    [("/", "widget.js"), ("/login", "password"), ("/kb/", "<html"), ("/agent/", "<html")],
)
async def test_each_page_is_served_with_a_strict_content_security_policy(
    hub: InProcessHub, path: str, marker: str
) -> None:
    response = await hub.client().get(path)
    assert response.status_code == 200 and marker in response.text
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "object-src 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


async def test_the_health_check_reaches_redis(hub: InProcessHub) -> None:
    response = await hub.client().get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
