"""Settings: read from the environment (prefix BATON_, REDIS_URL as is) and from .env, validated,
with the URLs derived from them."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from handoff.settings import Settings, get_settings
from knowledge_base.e5_model import E5_MODEL
from knowledge_base.embeddings import SECOND_MODEL


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """No BATON_ or REDIS_URL variable of the test run, and no .env in the working folder."""
    for name in list(os.environ):
        if name.startswith("BATON_") or name == "REDIS_URL":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_without_configuration_the_defaults_serve_a_local_run() -> None:
    settings = Settings()
    assert (settings.host, settings.port, settings.redis_url) == ("127.0.0.1", 8000, None)
    assert (settings.rasa_urls, settings.action_server_url, settings.base_url) == (
        ["http://127.0.0.1:5005"],
        "http://127.0.0.1:5055",
        "http://localhost:8000",
    )


def test_settings_come_from_baton_variables(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("BATON_PORT", "9100")
    environment.setenv("BATON_AGENT_CAPACITY", "7")
    environment.setenv("BATON_AUTO_ASSIGN", "true")
    environment.setenv("BATON_KB_ANSWER_THRESHOLD", "0.8")
    environment.setenv("BATON_SUPPORTED_LANGUAGES", '["en"]')
    environment.setenv("BATON_SLA_FIRST_RESPONSE_SECONDS", '{"urgent": 30, "normal": 600}')
    settings = Settings()
    assert (settings.port, settings.agent_capacity, settings.auto_assign) == (9100, 7, True)
    assert settings.kb_answer_threshold == 0.8
    assert settings.supported_languages == ("en",)
    assert settings.sla_first_response_seconds == {"urgent": 30, "normal": 600}


def test_each_language_has_its_second_model(environment: pytest.MonkeyPatch) -> None:
    """English asks all-mpnet-base-v2, Korean its own multilingual-e5-small; a language's own
    model replaces the shared one, and an empty name leaves a language without any."""
    assert Settings().second_models() == {SECOND_MODEL: ["en"], E5_MODEL: ["ko"]}
    environment.setenv("BATON_SECOND_OPINION_BY_LANGUAGE", '{"en": "models/english"}')
    assert Settings().second_models() == {"models/english": ["en"], SECOND_MODEL: ["ko"]}
    environment.setenv("BATON_SECOND_OPINION_BY_LANGUAGE", '{"ko": ""}')
    assert Settings().second_models() == {SECOND_MODEL: ["en"]}
    environment.setenv("BATON_SECOND_OPINION_MODEL", "")
    assert Settings().second_models() == {}
    assert Settings().second_model_of("ko") == ""


def test_variables_without_the_prefix_are_not_settings(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("PORT", "9100")
    environment.setenv("AGENT_CAPACITY", "7")
    settings = Settings()
    assert (settings.port, settings.agent_capacity) == (8000, 4)


def test_secrets_are_read_but_never_shown(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("BATON_SECRET_KEY", "s3cr3t-key")
    environment.setenv("BATON_SMTP_PASSWORD", "mail-pass")
    settings = Settings()
    assert settings.secret_key.get_secret_value() == "s3cr3t-key"
    assert settings.smtp_password.get_secret_value() == "mail-pass"
    assert "s3cr3t-key" not in repr(settings)
    assert "mail-pass" not in str(settings)


@pytest.mark.parametrize("name", ["REDIS_URL", "BATON_REDIS_URL"])
def test_redis_url_is_read_with_or_without_the_prefix(
    environment: pytest.MonkeyPatch, name: str
) -> None:
    environment.setenv(name, "redis://cache.internal:6380/2")
    assert Settings().redis_url == "redis://cache.internal:6380/2"


def test_a_dot_env_file_in_the_working_folder_is_read_and_the_environment_wins(
    environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("BATON_PORT=9200\nBATON_RASA_PORT=5999\n")
    environment.setenv("BATON_PORT", "9300")
    settings = Settings()
    assert (settings.port, settings.rasa_port) == (9300, 5999)


def test_rasa_and_the_action_server_are_reached_on_loopback_at_their_ports() -> None:
    settings = Settings(rasa_port=6105, action_server_port=6155)
    assert settings.rasa_urls == ["http://127.0.0.1:6105"]
    assert settings.action_server_url == "http://127.0.0.1:6155"


def test_the_base_url_is_the_public_one_when_set() -> None:
    assert Settings(port=9400).base_url == "http://localhost:9400"
    public = Settings(port=9400, public_url="https://help.example.com")
    assert public.base_url == "https://help.example.com"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("kb_answer_threshold", 1.5),
        ("kb_answer_threshold", -0.1),
        ("agent_capacity", 0),
        ("max_consecutive_misses", 0),
        ("port", "not a number"),
    ],
)
def test_out_of_range_values_are_refused(name: str, value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(**{name: value})
    assert [error["loc"] for error in refused.value.errors()] == [(name,)]


def test_out_of_range_values_in_the_environment_are_refused(
    environment: pytest.MonkeyPatch,
) -> None:
    environment.setenv("BATON_AGENT_CAPACITY", "0")
    with pytest.raises(ValidationError, match="agent_capacity"):
        Settings()


def test_the_bounds_themselves_are_allowed() -> None:
    assert Settings(kb_answer_threshold=1.0).kb_answer_threshold == 1.0
    assert Settings(kb_answer_threshold=0.0).kb_answer_threshold == 0.0
    assert Settings(agent_capacity=1, max_consecutive_misses=1).agent_capacity == 1


def test_the_process_reads_its_settings_once(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("BATON_PORT", "9500")
    first = get_settings()
    environment.setenv("BATON_PORT", "9600")
    assert get_settings() is first
    assert first.port == 9500


def test_a_rate_limit_must_be_in_the_limits_notation(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("BATON_MESSAGE_RATE_PER_CONNECTION", "10/minute;100/hour")
    assert Settings().message_rate_per_connection == "10/minute;100/hour"
    environment.setenv("BATON_MESSAGE_RATE_PER_CONNECTION", "ten a minute")
    with pytest.raises(ValidationError):
        Settings()


def test_sentinels_are_host_port_pairs(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("BATON_REDIS_SENTINELS", "10.0.0.1:26379, sentinel-b:26380")
    assert Settings().redis_sentinels == "10.0.0.1:26379, sentinel-b:26380"
    environment.setenv("BATON_REDIS_SENTINELS", "10.0.0.1")
    with pytest.raises(ValidationError, match="a Sentinel is host:port"):
        Settings()
