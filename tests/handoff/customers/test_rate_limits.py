"""The typing throttle: changes pass, "on" at most once per interval."""

from handoff.customers.rate_limits import TypingThrottle


def test_a_change_passes_and_a_repeat_within_the_interval_does_not() -> None:
    throttle = TypingThrottle(interval_seconds=1.0)
    assert throttle.passes(True, now=10.0)
    assert not throttle.passes(True, now=10.5)
    assert throttle.passes(False, now=10.6)
    assert not throttle.passes(False, now=10.7)  # already off


def test_on_and_off_as_fast_as_they_come_pass_twice_a_second() -> None:
    throttle = TypingThrottle(interval_seconds=1.0)
    passed = [throttle.passes(n % 2 == 0, now=n / 100) for n in range(200)]  # two seconds
    assert passed.count(True) == 4


def test_typing_still_on_is_passed_on_again_after_the_interval() -> None:
    throttle = TypingThrottle(interval_seconds=1.0)
    assert throttle.passes(True, now=0.0)
    assert throttle.passes(True, now=1.0)
