"""The clients and components the hub creates once at startup and shares."""

import asyncio
import logging
from dataclasses import dataclass, field

import aiohttp
from redis.asyncio import Redis

from handoff import metrics
from handoff.assistant.answers import KnowledgeAnswers
from handoff.assistant.intake import MessageIntake
from handoff.assistant.rasa_client import RasaClient, http_client
from handoff.conversations.live_transcripts import TranscriptFeed
from handoff.conversations.store import ConversationStore
from handoff.customers.email_notifier import EmailNotifier
from handoff.customers.follow_up import FollowUps
from handoff.customers.identity import IdentityVerifier
from handoff.customers.open_sockets import OpenSockets
from handoff.customers.rate_limits import RateLimits
from handoff.customers.records.backend import RecordsBackend
from handoff.customers.records.demo import DemoRecords
from handoff.customers.records.desk import RecordsDesk
from handoff.customers.records.http_backend import HttpRecords
from handoff.customers.tokens import ConversationTokens
from handoff.queue.agent_queue import AgentQueue
from handoff.queue.escalations import PendingEscalations
from handoff.queue.live_events import EventHub
from handoff.queue.sweeper import Sweeper
from handoff.redis_connection import connect_redis
from handoff.settings import Settings
from handoff.staff.login_throttle import LoginLimits, LoginThrottle
from handoff.staff.passwords import Passwords
from handoff.staff.sessions import SessionStore
from handoff.staff.users import UserStore
from handoff.tasks import cancel_and_wait
from knowledge_base.cascade import SecondOpinion, asked_languages, limits_by_model
from knowledge_base.confidence import Calibration, calibration_file
from knowledge_base.embeddings import Embedder
from knowledge_base.gap_log import GapLog
from knowledge_base.gaps import KnowledgeGaps, QuestionVectors
from knowledge_base.live import LiveKnowledgeBase
from knowledge_base.morpheme_urgency import MorphemeUrgencyReader
from knowledge_base.scope import ScopeReader
from knowledge_base.store import ArticleStore
from knowledge_base.text import Tokenizer
from knowledge_base.unanswered import UnansweredQuestions
from knowledge_base.urgency import UrgencyReader

logger = logging.getLogger(__name__)


def _calibration_of(model: str) -> Calibration:
    """An embedding model's calibration, with a warning when it has none yet."""
    path = calibration_file(model)
    if not path.exists():
        logger.warning(
            "%s has no calibration (%s): confidences are not fitted until "
            "`baton kb calibrate` (or `baton kb tune`) is run with this model",
            model,
            path,
        )
    return Calibration.load(path)


def _records_backend(settings: Settings, redis: Redis) -> RecordsBackend:
    """The company's records API if BATON_RECORDS_URL is set, else the demo records in Redis."""
    if not settings.records_url:
        return DemoRecords(redis)
    return HttpRecords(
        settings.records_url,
        settings.records_token.get_secret_value(),
        settings.records_timeout_seconds,
        settings.records_failures_to_open,
        settings.records_open_seconds,
    )


# Longer than the blocking read that follows the events stream (EventHub).
REDIS_SOCKET_TIMEOUT_SECONDS = 30


@dataclass
class Services:
    """Everything a request handler may need, built from the settings."""

    settings: Settings
    redis: Redis
    http: aiohttp.ClientSession  # to Rasa
    conversations: ConversationStore
    transcripts: TranscriptFeed
    widget_sockets: OpenSockets
    queue: AgentQueue
    events: EventHub
    follow_ups: FollowUps
    notifier: EmailNotifier
    sweeper: Sweeper
    tokens: ConversationTokens
    identities: IdentityVerifier
    intake: MessageIntake
    answers: KnowledgeAnswers
    users: UserStore
    sessions: SessionStore
    login_throttle: LoginThrottle
    articles: ArticleStore
    knowledge: LiveKnowledgeBase
    unanswered: UnansweredQuestions
    gaps: KnowledgeGaps
    binary_redis: Redis
    rate_limits: RateLimits
    records: RecordsDesk
    background: set[asyncio.Task] = field(default_factory=set)
    _tasks: list[asyncio.Task] = field(default_factory=list)

    @classmethod
    def start(cls, settings: Settings) -> "Services":
        """Create the clients and load the models (no I/O until they are used)."""
        redis = connect_redis(
            settings,
            decode_responses=True,
            socket_timeout=REDIS_SOCKET_TIMEOUT_SECONDS,
        )
        http = http_client(settings.rasa_timeout_seconds)
        conversations = ConversationStore(redis, settings, on_message=metrics.stored)
        users = UserStore(
            redis, Passwords(settings.login_hash_workers, settings.login_hash_waiting)
        )
        queue = AgentQueue(redis, conversations, users, settings)
        pending = PendingEscalations(redis, queue)
        binary_redis = connect_redis(settings, socket_timeout=REDIS_SOCKET_TIMEOUT_SECONDS)
        articles = ArticleStore(redis)
        rasa = RasaClient(http, settings.rasa_urls)
        rate_limits = RateLimits(redis, settings)
        unanswered = UnansweredQuestions(redis)
        gap_log = GapLog(redis)
        embedder, tokenizer = Embedder(settings.embedding_model), Tokenizer()
        limits = limits_by_model(settings.embedding_model, settings.second_models())
        second_opinions = [
            SecondOpinion(
                Embedder(model),
                _calibration_of(model),
                below,
                ScopeReader.load(model),
                UrgencyReader.load(model),
            )
            for model, below in limits.items()
            if asked_languages(below)
        ]
        knowledge = LiveKnowledgeBase(
            articles,
            embedder,
            tokenizer,
            _calibration_of(settings.embedding_model),
            binary_redis,
            second_opinions,
            MorphemeUrgencyReader.load(tokenizer),
        )
        return cls(
            settings=settings,
            redis=redis,
            http=http,
            conversations=conversations,
            transcripts=TranscriptFeed(redis, conversations),
            widget_sockets=OpenSockets(settings.widget_sockets_per_address),
            queue=queue,
            events=EventHub(redis, queue),
            follow_ups=FollowUps(conversations, queue.rollups),
            notifier=EmailNotifier(settings, conversations),
            sweeper=Sweeper(redis, conversations, queue, pending, users, settings),
            tokens=ConversationTokens(
                settings.secret_key.get_secret_value(), settings.token_max_age_days * 86400
            ),
            identities=IdentityVerifier(settings.identity_secret.get_secret_value()),
            intake=MessageIntake(
                conversations, rasa, queue, pending, gap_log, settings.max_message_chars
            ),
            answers=KnowledgeAnswers(knowledge, conversations, unanswered, gap_log, rasa, settings),
            users=users,
            sessions=SessionStore(redis, settings.session_ttl_hours * 3600),
            login_throttle=LoginThrottle(
                redis,
                LoginLimits(
                    settings.login_failures_per_name,
                    settings.login_failures_per_address,
                    settings.login_failure_window_seconds,
                ),
            ),
            articles=articles,
            knowledge=knowledge,
            unanswered=unanswered,
            gaps=KnowledgeGaps(gap_log, QuestionVectors(embedder, tokenizer)),
            binary_redis=binary_redis,
            rate_limits=rate_limits,
            records=RecordsDesk(
                _records_backend(settings, redis),
                conversations,
                rate_limits,
                articles,
                settings.base_url,
            ),
        )

    async def begin(self) -> None:
        """Index the published articles; follow every save and queue event; sweep the queue."""
        await self.knowledge.load()
        self._tasks.append(asyncio.create_task(self.knowledge.follow(self.redis)))
        self._tasks.append(asyncio.create_task(self.sweeper.run()))
        await self.events.start()
        await self.transcripts.start()

    async def stop(self) -> None:
        """Let background work finish briefly, then close the clients."""
        await cancel_and_wait(self._tasks)
        await self.events.stop()
        await self.transcripts.stop()
        await self.notifier.drain()
        if self.background:
            await asyncio.wait(self.background, timeout=5)
        await self.http.close()
        await self.records.aclose()
        await self.redis.aclose()
        await self.binary_redis.aclose()
