"""The clients and components the hub creates once at startup and shares."""

import asyncio
from dataclasses import dataclass, field

import httpx
from redis.asyncio import Redis

from handoff.conversations import ConversationStore
from handoff.rasa_client import RasaClient
from handoff.routing import MessageRouter
from handoff.sessions import SessionStore
from handoff.settings import Settings
from handoff.tokens import ConversationTokens
from handoff.users import UserStore
from knowledge_base.store import ArticleStore

# Longer than the blocking reads that follow a transcript (ConversationStore.follow).
REDIS_SOCKET_TIMEOUT_SECONDS = 30


@dataclass
class Services:
    """Everything a request handler may need, built from the settings."""

    settings: Settings
    redis: Redis
    http: httpx.AsyncClient
    conversations: ConversationStore
    tokens: ConversationTokens
    router: MessageRouter
    users: UserStore
    sessions: SessionStore
    articles: ArticleStore
    background: set[asyncio.Task] = field(default_factory=set)

    @classmethod
    def start(cls, settings: Settings) -> "Services":
        """Create the clients (no I/O happens until they are used)."""
        if not settings.redis_url:
            raise ValueError("REDIS_URL is not set: `baton run` sets it, or point it at a Redis")
        redis = Redis.from_url(
            settings.redis_url, decode_responses=True, socket_timeout=REDIS_SOCKET_TIMEOUT_SECONDS
        )
        http = httpx.AsyncClient(timeout=settings.rasa_timeout_seconds)
        conversations = ConversationStore(redis)
        return cls(
            settings=settings,
            redis=redis,
            http=http,
            conversations=conversations,
            tokens=ConversationTokens(
                settings.secret_key.get_secret_value(), settings.token_max_age_days * 86400
            ),
            router=MessageRouter(
                conversations,
                RasaClient(http, settings.rasa_url, settings.action_server_url),
                settings.max_message_chars,
            ),
            users=UserStore(redis),
            sessions=SessionStore(redis, settings.session_ttl_hours * 3600),
            articles=ArticleStore(redis),
        )

    async def stop(self) -> None:
        """Let background work finish briefly, then close the clients."""
        if self.background:
            await asyncio.wait(self.background, timeout=5)
        await self.http.aclose()
        await self.redis.aclose()
