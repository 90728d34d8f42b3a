"""Runtime configuration, read once from the environment (prefix BATON_, plus REDIS_URL)."""

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from limits import parse_many
from pydantic import AfterValidator, AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge_base.decision import SECOND_OPINION_POLICY, Policy
from knowledge_base.e5_model import E5_MODEL
from knowledge_base.embeddings import DEFAULT_MODEL, SECOND_MODEL

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _rate(value: str) -> str:
    """A rate in the `limits` notation ("30/minute", "30/minute;300/hour"); ValueError if not."""
    parse_many(value)
    return value


Rate = Annotated[str, AfterValidator(_rate)]


def sentinel_addresses(value: str) -> list[tuple[str, int]]:
    """Sentinels as "host:port,host:port" -> [(host, port)]; ValueError if one is not."""
    addresses = []
    for address in filter(None, (part.strip() for part in value.split(","))):
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"a Sentinel is host:port, not {address!r}")
        addresses.append((host, int(port)))
    return addresses


def _sentinels(value: str) -> str:
    sentinel_addresses(value)
    return value


def _webhook_secret(value: SecretStr) -> SecretStr:
    """Telegram's secret token: 1-256 of A-Z a-z 0-9 _ - (or unset); ValueError if not."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{0,256}", value.get_secret_value()):
        raise ValueError("a Telegram webhook secret has 1-256 of A-Z a-z 0-9 _ -")
    return value


class Settings(BaseSettings):
    """Every setting of the hub and of the stack it starts."""

    model_config = SettingsConfigDict(env_prefix="BATON_", env_file=".env", extra="ignore")

    secret_key: SecretStr = Field(
        default=SecretStr(""), description="Signs conversation tokens; `baton run` makes one."
    )
    internal_token: SecretStr = Field(
        default=SecretStr(""), description="Shared by the hub and the action server."
    )
    identity_secret: SecretStr = Field(
        default=SecretStr(""),
        description="Shared with the company's site, which signs signed-in users' ids with it.",
    )
    metrics_token: SecretStr = Field(
        default=SecretStr(""),
        description="Prometheus sends it as a bearer token to /metrics; unset, loopback only.",
    )
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "BATON_REDIS_URL")
    )
    redis_sentinels: Annotated[str, AfterValidator(_sentinels)] = Field(
        default="",
        description="Sentinels that name the Redis master (host:port,host:port); set, every "
        "process follows the master they name, and REDIS_URL gives only database and password.",
    )
    redis_sentinel_master: str = Field(
        default="baton", description="The name the Sentinels monitor the master under."
    )
    host: str = "127.0.0.1"
    port: int = 8000
    hubs: int = Field(
        default=1,
        ge=1,
        description="Hub processes `baton run` starts; more than one listen on the ports after "
        "BATON_PORT, behind HAProxy on it.",
    )
    public_url: str = ""
    rasa_port: int = 5005
    rasa_servers: int = Field(
        default=1,
        ge=1,
        description="Rasa servers `baton run` starts, on BATON_RASA_PORT and the ports after it; "
        "the hub sends each conversation to one of them, to the next when that one is down.",
    )
    action_server_port: int = 5055
    bot_interface: str = Field(
        default="127.0.0.1",
        description="Where Rasa and the action server listen; the hub reaches them on loopback.",
    )
    embedded_redis_port: int = 6390
    redis_replicas: int = Field(
        default=0,
        ge=0,
        description="Replicas `baton run` starts beside the embedded Redis, on the ports after "
        "it, with a Sentinel after them that every process asks for the master.",
    )
    rasa_timeout_seconds: float = 15.0
    redis_max_connections: int = Field(
        default=5000, description="Commands in flight at once; an idle socket holds none."
    )
    widget_sockets_per_address: int = Field(
        default=20, ge=1, description="Widget sockets one client address may hold open at once."
    )
    token_max_age_days: int = 30
    retention_days: int = Field(
        default=365,
        ge=1,
        description="A conversation, its transcript and its Rasa tracker expire this many days "
        "after their last entry (a closed one's last is its closing or rating).",
    )
    transcript_max_entries: int = Field(
        default=10_000, ge=100, description="A transcript keeps about this many latest entries."
    )
    customer_max_conversations: int = Field(
        default=100, ge=1, description="A customer's list of conversations keeps the latest."
    )
    session_ttl_hours: int = 12
    login_failures_per_name: int = Field(
        default=10, ge=1, description="Failed logins to one account from one address per window."
    )
    login_failures_per_address: int = Field(
        default=100, ge=1, description="Failed logins from one address, whatever the names."
    )
    login_failure_window_seconds: int = Field(
        default=900, ge=1, description="How long failed logins count (from the first)."
    )
    login_hash_workers: int = Field(
        default=2, ge=1, description="Password checks (argon2) run at once, off the event loop."
    )
    login_hash_waiting: int = Field(
        default=32, ge=0, description="Password checks waiting for those; beyond, logins get 503."
    )
    demo_accounts: bool = True
    embedding_model: str = DEFAULT_MODEL
    second_opinion_model: str = Field(
        default=SECOND_MODEL,
        description="A larger embedding model asked when the first would not answer at once "
        "(in which languages, kb calibrate fits); empty: none, 600 MB less a hub.",
    )
    second_opinion_by_language: dict[str, str] = Field(
        default_factory=lambda: {"ko": E5_MODEL},
        description="A language's own second model, in place of second_opinion_model (JSON); "
        "an empty name: none in that language.",
    )
    kb_answer_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    max_message_chars: int = 4000
    # How fast a widget may act, per socket and per client address (every hub process counts
    # together); beyond, the frame is refused with a retry-after. See customers/rate_limits.py.
    message_rate_per_connection: Rate = "30/minute;300/hour"
    message_rate_per_address: Rate = "300/minute;3000/hour"
    escalation_rate_per_connection: Rate = "5/minute;20/hour"
    escalation_rate_per_address: Rate = "60/minute;600/hour"
    conversation_rate_per_address: Rate = "60/minute;600/hour"
    bot_queue: int = Field(
        default=10, ge=1, description="A widget's messages waiting for the bot; more are refused."
    )
    console_queue_page: int = Field(
        default=50, ge=1, description="Queued chats a console is sent at first (it asks for more)."
    )
    decision_policy: Policy = Field(
        default_factory=Policy,
        description="How sure the NLU must be to outweigh the knowledge base (JSON), per kind.",
    )
    second_opinion_policy: Policy = Field(
        default_factory=lambda: SECOND_OPINION_POLICY,
        description="The same, for the second opinion's rankings (fitted with its model).",
    )
    max_consecutive_misses: int = Field(
        default=2, ge=1, description="Knowledge-base misses in a row before a person takes over."
    )
    sla_first_response_seconds: dict[str, int] = Field(
        default={"urgent": 60, "high": 180, "normal": 300},
        description="First-response target per priority, from escalation to an agent's reply.",
    )
    agent_grace_seconds: int = Field(
        default=120, description="How long a disconnected agent keeps their chats."
    )
    agent_capacity: int = Field(default=4, ge=1, description="Chats one agent holds at most.")
    auto_assign: bool = False
    business_hours: str = Field(
        default="mon-sun 00:00-24:00", description='When agents work, e.g. "mon-fri 09:00-18:00".'
    )
    business_timezone: str = "UTC"
    default_handle_seconds: int = 300
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = True
    smtp_sender: str = "Baton support <support@localhost>"
    telegram_token: SecretStr = Field(
        default=SecretStr(""), description="The Telegram bot's token: set, the channel is on."
    )
    telegram_mode: Literal["webhook", "polling"] = Field(
        default="webhook",
        description="webhook: Telegram posts updates to BATON_PUBLIC_URL/telegram/webhook; "
        "polling: the hub asks for them (a developer without a public URL).",
    )
    telegram_webhook_secret: Annotated[SecretStr, AfterValidator(_webhook_secret)] = Field(
        default=SecretStr(""),
        description="Telegram sends it with every update; the webhook refuses any other.",
    )
    telegram_api_url: str = Field(
        default="https://api.telegram.org/bot",
        description="The Bot API server, the token appended (a self-hosted one, a stand-in).",
    )
    telegram_reclaim_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A Telegram update or delivery a hub process took and did not finish in "
        "this long (it died) is taken by another.",
    )
    telegram_max_file_bytes: int = Field(
        default=20 * 1024 * 1024,
        gt=0,
        le=20 * 1024 * 1024,
        description="The largest photo or document a Telegram customer may send (Telegram's "
        "Bot API serves files up to 20 MB).",
    )
    attachments_dir: Path = Field(
        default=PROJECT_ROOT / "var" / "attachments",
        description="Where customers' files are kept (outside Redis), one folder a conversation.",
    )
    records_url: str = Field(
        default="",
        description='The company\'s records API (README, "Company records"); unset, the demo '
        "records `baton run` loads into Redis.",
    )
    records_token: SecretStr = Field(
        default=SecretStr(""), description="The bearer token the records API expects."
    )
    records_timeout_seconds: float = Field(
        default=2.0, gt=0, description="How long one records request may take."
    )
    records_failures_to_open: int = Field(
        default=3, ge=1, description="Failed records requests in a row that open the circuit."
    )
    records_open_seconds: float = Field(
        default=30.0, gt=0, description="How long an open circuit answers without asking."
    )
    records_lookup_rate_per_customer: Rate = Field(
        default="20/minute;100/hour", description="Records lookups one verified customer may make."
    )
    var_dir: Path = PROJECT_ROOT / "var"
    model_path: Path = PROJECT_ROOT / "models" / "baton.tar.gz"
    supported_languages: tuple[str, ...] = ("en", "ko")

    def second_model_of(self, language: str) -> str:
        """The second model of a language ("": none): its own, else second_opinion_model."""
        return self.second_opinion_by_language.get(language, self.second_opinion_model)

    def second_models(self) -> dict[str, list[str]]:
        """Each second model configured, with the languages it is the second opinion in."""
        models: dict[str, list[str]] = {}
        for language in self.supported_languages:
            model = self.second_model_of(language)
            if model:
                models.setdefault(model, []).append(language)
        return models

    @property
    def rasa_urls(self) -> list[str]:
        """Every Rasa server the hub may send a conversation to, the first on BATON_RASA_PORT."""
        return [f"http://127.0.0.1:{self.rasa_port + n}" for n in range(self.rasa_servers)]

    @property
    def action_server_url(self) -> str:
        """Where Rasa and the hub reach the action server (it runs beside Rasa)."""
        return f"http://127.0.0.1:{self.action_server_port}"

    @property
    def base_url(self) -> str:
        """The URL customers use to reach the hub."""
        return self.public_url or f"http://localhost:{self.port}"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
