"""The Rasa server's own cost cuts (bot/tracker_store.py, bot/action_results.py), checked inside
the Rasa environment against the real Redis: a long conversation's tracker is kept bounded with
its slots and latest message, and action server replies get Rasa's verdicts, faster."""

import json
import subprocess

import pytest

from handoff.settings import PROJECT_ROOT

RASA_PYTHON = str(PROJECT_ROOT / ".venv-rasa" / "bin" / "python")


@pytest.fixture(scope="module")
def seen(redis_server: str) -> dict:
    result = subprocess.run(
        [RASA_PYTHON, "-m", "tests.bot.rasa_side_checks", f"{redis_server}/0"],
        cwd=PROJECT_ROOT,
        env={"PYTHONPATH": str(PROJECT_ROOT), "RASA_TELEMETRY_ENABLED": "false"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_long_conversation_keeps_its_latest_events_only(seen: dict) -> None:
    assert seen["events_given"] > 500
    assert seen["events_kept"] <= 60 + 5  # a new session (two events), two slots, a listen
    assert seen["bytes_bounded"] * 5 < seen["bytes_whole"]


def test_the_bounded_tracker_keeps_the_slots_and_the_latest_message(seen: dict) -> None:
    assert seen["slots_kept"]["language"] == "ko"  # set at the start, long cut off
    assert seen["slots_kept"] == seen["slots_given"]
    assert seen["latest_message"] == "message 99"
    assert seen["first_kept_events"] == ["action", "session_started", "slot"]
    assert seen["sessions_kept"] == 1


def test_action_replies_get_rasas_own_verdicts(seen: dict) -> None:
    assert seen["rejections_by_rasa"][0] is None
    assert "Failed to validate Action server response" in seen["rejections_by_rasa"][1]
    assert seen["rejections_installed"] == seen["rejections_by_rasa"]
    assert seen["check_installed"] == "bot.action_results"
