"""Verified customers: a user id signed by the company's site, checked by the hub (the
widget's hello with a signed id: tests/handoff/api/test_widget_socket.py)."""

import pytest

from handoff.customers.identity import IdentityRejected, IdentityVerifier


def test_only_the_secret_holder_can_vouch_for_a_user() -> None:
    site = IdentityVerifier("shared-secret")
    assert site.customer("42", site.sign("42")) == "user:42"
    assert site.customer("42", site.sign("42").upper()) == "user:42"
    with pytest.raises(IdentityRejected):
        site.customer("43", site.sign("42"))  # someone else's hash
    with pytest.raises(IdentityRejected):
        site.customer("42", IdentityVerifier("another-secret").sign("42"))
    with pytest.raises(IdentityRejected):
        IdentityVerifier("").customer("42", IdentityVerifier("").sign("42"))  # no secret set
