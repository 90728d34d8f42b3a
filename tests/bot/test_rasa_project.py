"""The Rasa assistant's own checks: its data validates, and its test stories pass on the model."""

import subprocess
from pathlib import Path

import pytest

from handoff.cli.processes import rasa_redis_env
from handoff.settings import PROJECT_ROOT, Settings

RASA = str(PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa")
DATA = ["nlu_data", "bot/rules.yml", "bot/stories.yml"]


def rasa(*args: str, env: dict[str, str] | None = None, cwd: Path = PROJECT_ROOT) -> str:
    """Run a rasa command; fail the test with its output if it fails."""
    result = subprocess.run(
        [RASA, *args],
        cwd=cwd,
        env={"RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin"} | (env or {}),
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    return output


def test_the_training_data_validates_without_warnings() -> None:
    rasa(
        "data", "validate", "--fail-on-warnings",
        "--domain", "bot/domain.yml", "--config", "config.yml", "--data", *DATA,
    )  # fmt: skip


@pytest.mark.e2e
@pytest.mark.timeout(600)  # rasa test loads the model and runs every story: minutes on 2 busy cores
def test_the_test_stories_pass(bot_stack: Settings, redis_url: str, tmp_path: Path) -> None:
    env = rasa_redis_env(redis_url, bot_stack.retention_days) | {
        "ACTION_SERVER_URL": f"http://127.0.0.1:{bot_stack.action_server_port}/webhook",
        "PYTHONPATH": str(PROJECT_ROOT),  # the tracker store is bot/tracker_store.py
    }
    rasa(
        "test", "core", "--e2e",
        "--model", str(bot_stack.model_path),
        "--stories", "tests/bot/test_stories.yml",
        "--endpoints", "bot/endpoints.yml",
        "--out", str(tmp_path),
        "--fail-on-prediction-errors",
        env=env,
    )  # fmt: skip
