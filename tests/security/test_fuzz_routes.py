"""Every HTTP route of the hub, fuzzed from its own OpenAPI schema (schemathesis): whatever a
client sends, valid or not, logged in or not, the answer is never a server error."""

import httpx
import schemathesis
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from handoff.app import create_app
from handoff.settings import Settings

# Routes that end the session the other examples run in.
ENDS_THE_SESSION = r"/auth/(logout|password)|everywhere"


# The schema the hub serves at /openapi.json, read off the app without starting it.
schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi()).exclude(
    path_regex=ENDS_THE_SESSION
)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_input_makes_a_server_error(case, fuzzed_hub: Settings, admin_login: dict) -> None:
    base = f"http://127.0.0.1:{fuzzed_hub.port}"
    internal = {"Authorization": f"Bearer {fuzzed_hub.internal_token.get_secret_value()}"}
    headers = admin_login | internal
    case.call_and_validate(base_url=base, headers=headers, checks=[not_a_server_error])


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_input_makes_a_server_error_logged_out(case, fuzzed_hub: Settings) -> None:
    base = f"http://127.0.0.1:{fuzzed_hub.port}"
    case.call_and_validate(base_url=base, checks=[not_a_server_error])


# What a header value may hold (RFC 9110 field-value): visible ASCII, spaces, tabs, obs-text.
FIELD_BYTES = [9, *range(0x20, 0x7F), *range(0x80, 0x100)]
# No white space at either end: HTTP clients refuse to send it (and servers strip it).
header_values = (
    st.lists(st.sampled_from(FIELD_BYTES), min_size=1, max_size=80)
    .map(bytes)
    .filter(lambda value: value == value.strip(b" \t"))
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csrf=header_values, bearer=header_values)
@example(csrf="é".encode(), bearer="é".encode())  # compare_digest raised on non-ASCII text
def test_no_secret_header_makes_a_server_error(
    fuzzed_hub: Settings, admin_login: dict, csrf: bytes, bearer: bytes
) -> None:
    with httpx.Client(base_url=f"http://127.0.0.1:{fuzzed_hub.port}") as http:
        cookie = {"Cookie": admin_login["Cookie"]}
        changed = http.post(
            "/kb/api/preview", json={"markdown": "x"}, headers=cookie | {"X-CSRF-Token": csrf}
        )
        internal = http.post(
            "/internal/kb/answer", json={}, headers={"Authorization": b"Bearer " + bearer}
        )
    assert changed.status_code < 500, csrf
    assert internal.status_code < 500, bearer
