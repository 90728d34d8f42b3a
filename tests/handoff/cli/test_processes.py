"""The stack's processes: Redis URLs in Rasa's parts, the processes `baton run` starts with and
without REDIS_URL, the hub's environment, local secrets, and waiting until processes answer."""

import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from handoff.cli.processes import (
    BALANCER_READY,
    LOWEST_PRIVATE_PORT,
    Process,
    Supervisor,
    balancer_process,
    embedded_redis_url,
    first_ephemeral_port,
    free_port,
    free_ports_in_a_row,
    hub_ports,
    hub_process,
    local_secret,
    process_env,
    rasa_redis_env,
    settings_on_free_ports,
    stack,
    stop,
    wait_until_ready,
)
from handoff.settings import Settings


@pytest.mark.parametrize(
    ("url", "parts"),
    [
        ("redis://:pa55@cache.internal:6380/3", ("cache.internal", "6380", "3", "pa55")),
        ("redis://baton:pa55@10.0.0.5/1", ("10.0.0.5", "6379", "1", "pa55")),
        ("redis://127.0.0.1:6390/0", ("127.0.0.1", "6390", "0", "")),
        ("redis://cache.internal", ("cache.internal", "6379", "0", "")),
        ("redis://cache.internal:6381/", ("cache.internal", "6381", "0", "")),
    ],
)
def test_rasa_takes_the_redis_url_in_parts(url: str, parts: tuple[str, ...]) -> None:
    env = rasa_redis_env(url, retention_days=365)
    assert (env["REDIS_HOST"], env["REDIS_PORT"], env["REDIS_DB"], env["REDIS_PASSWORD"]) == parts


def test_with_redis_url_the_stack_uses_that_redis_and_starts_none(tmp_path: Path) -> None:
    settings = settings_on_free_ports("redis://:pa55@cache.internal:6380/3", var_dir=tmp_path)
    processes, redis_url = stack(settings)
    assert redis_url == "redis://:pa55@cache.internal:6380/3"
    assert [p.name for p in processes] == ["rasa", "actions", "hub"]
    rasa, actions, hub = processes
    assert hub.env["BATON_PORT"] == str(settings.port)
    assert hub.env["REDIS_URL"] == redis_url
    for bot in (rasa, actions):
        assert (bot.env["REDIS_HOST"], bot.env["REDIS_DB"]) == ("cache.internal", "3")


def test_with_sentinels_the_stack_starts_no_redis_and_everyone_asks_them(tmp_path: Path) -> None:
    sentinels = "10.0.0.1:26379,10.0.0.2:26379"
    settings = settings_on_free_ports(
        None, var_dir=tmp_path, redis_sentinels=sentinels, redis_sentinel_master="support"
    )
    processes, _ = stack(settings)
    assert [p.name for p in processes] == ["rasa", "actions", "hub"]
    for process in processes:
        assert process.env["BATON_REDIS_SENTINELS"] == sentinels
        assert process.env["BATON_REDIS_SENTINEL_MASTER"] == "support"


def test_without_redis_url_an_embedded_redis_starts_first(tmp_path: Path) -> None:
    settings = settings_on_free_ports(None, var_dir=tmp_path, embedded_redis_port=free_port())
    processes, redis_url = stack(settings)
    assert redis_url == embedded_redis_url(settings)
    assert redis_url == f"redis://127.0.0.1:{settings.embedded_redis_port}/0"
    assert [p.name for p in processes] == ["redis", "rasa", "actions", "hub"]
    redis, rasa, _, hub = processes
    assert str(settings.embedded_redis_port) in redis.argv
    assert str(tmp_path / "redis") in redis.argv
    assert (tmp_path / "redis").is_dir()
    assert hub.env["REDIS_URL"] == redis_url
    assert rasa.env["REDIS_PORT"] == str(settings.embedded_redis_port)


def test_free_ports_are_below_the_ephemeral_range_and_never_handed_out_twice() -> None:
    rows = [free_ports_in_a_row(3) for _ in range(100)]
    ports = [port for first in rows for port in range(first, first + 3)] + [
        free_port() for _ in range(100)
    ]
    assert len(set(ports)) == len(ports)
    assert min(ports) >= LOWEST_PRIVATE_PORT and max(ports) < first_ephemeral_port()


def test_with_replicas_the_embedded_redis_has_them_and_a_sentinel_everyone_asks(
    tmp_path: Path,
) -> None:
    port = free_ports_in_a_row(4)
    settings = settings_on_free_ports(
        None, var_dir=tmp_path, embedded_redis_port=port, redis_replicas=2
    )
    processes, redis_url = stack(settings)
    assert redis_url == ""
    names = ["redis", "redis-replica1", "redis-replica2", "sentinel", "rasa", "actions", "hub"]
    assert [p.name for p in processes] == names
    redis, replica1, replica2 = processes[:3]
    assert [p.argv[p.argv.index("--port") + 1] for p in (redis, replica1, replica2)] == [
        str(port), str(port + 1), str(port + 2)
    ]  # fmt: skip
    assert replica2.argv[-3:] == ["--replicaof", "127.0.0.1", str(port)]
    config = (tmp_path / "sentinel" / "sentinel.conf").read_text()
    assert f"port {port + 3}\n" in config
    assert f"sentinel monitor baton 127.0.0.1 {port} 1" in config
    for process in processes[4:]:
        assert process.env["BATON_REDIS_SENTINELS"] == f"127.0.0.1:{port + 3}"


def test_several_hubs_listen_on_the_next_ports_behind_haproxy_on_the_port(tmp_path: Path) -> None:
    settings = settings_on_free_ports("redis://cache.internal:6380/3", var_dir=tmp_path, hubs=3)
    processes, _ = stack(settings)
    assert [p.name for p in processes] == ["rasa", "actions", "hub1", "hub2", "hub3", "balancer"]
    hubs, balancer = processes[2:5], processes[5]
    ports = [settings.port + 1, settings.port + 2, settings.port + 3]
    assert [int(hub.env["BATON_PORT"]) for hub in hubs] == ports
    assert {hub.env["BATON_PUBLIC_URL"] for hub in hubs} == {f"http://localhost:{settings.port}"}
    config = (tmp_path / "haproxy.cfg").read_text()
    assert f"bind 127.0.0.1:{settings.port}" in config
    assert all(f"127.0.0.1:{port} check" in config for port in ports)
    assert "balance leastconn" in config  # sockets to the hub with the fewest
    assert "monitor fail if { nbsrv(hubs) lt 3 }" in config  # ready once all three are in
    assert balancer.ready_url == f"http://127.0.0.1:{settings.port}{BALANCER_READY}"


def test_several_rasa_servers_listen_on_the_rasa_port_and_the_next(tmp_path: Path) -> None:
    settings = settings_on_free_ports(
        "redis://cache.internal:6380/3", var_dir=tmp_path, rasa_servers=2, rasa_port=6105
    )
    processes, _ = stack(settings)
    assert [p.name for p in processes] == ["rasa1", "rasa2", "actions", "hub"]
    rasa1, rasa2, _, hub = processes
    assert [rasa.argv[rasa.argv.index("--port") + 1] for rasa in (rasa1, rasa2)] == ["6105", "6106"]
    assert [rasa1.ready_url, rasa2.ready_url] == [
        "http://127.0.0.1:6105/",
        "http://127.0.0.1:6106/",
    ]
    assert rasa1.env["REDIS_HOST"] == rasa2.env["REDIS_HOST"] == "cache.internal"
    assert hub.env["BATON_RASA_SERVERS"] == "2"


def test_the_bot_answers_on_its_ports_and_reaches_the_hub(tmp_path: Path) -> None:
    settings = settings_on_free_ports("redis://127.0.0.1:6390/0", var_dir=tmp_path)
    rasa, actions, _ = stack(settings)[0]
    assert rasa.ready_url == f"http://127.0.0.1:{settings.rasa_port}/"
    assert actions.ready_url == f"{settings.action_server_url}/health"
    assert str(settings.action_server_port) in actions.argv
    assert rasa.env["BATON_HUB_URL"] == f"http://127.0.0.1:{settings.port}"
    assert rasa.env["BATON_INTERNAL_TOKEN"] == settings.internal_token.get_secret_value()


def test_the_hub_process_reads_back_the_settings_it_was_started_with(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = settings_on_free_ports("redis://127.0.0.1:6390/0", rasa_servers=3)
    hub = hub_process(settings, "redis://127.0.0.1:6391/4")
    assert hub.ready_url == f"http://127.0.0.1:{settings.port}/healthz"
    assert hub.argv[hub.argv.index("--port") + 1] == str(settings.port)
    for name in list(os.environ):
        if name.startswith("BATON_") or name == "REDIS_URL":
            monkeypatch.delenv(name)
    for name, value in process_env(hub).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # no .env
    started = Settings()
    assert started.redis_url == "redis://127.0.0.1:6391/4"
    for secret in ("secret_key", "internal_token", "identity_secret"):
        assert getattr(started, secret) == getattr(settings, secret)
        assert getattr(started, secret).get_secret_value()
    assert started.rasa_urls == settings.rasa_urls
    assert (started.port, started.rasa_port, started.action_server_port) == (
        settings.port,
        settings.rasa_port,
        settings.action_server_port,
    )


def test_a_process_inherits_the_environment_and_its_own_variables_win(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BATON_TEST_INHERITED", "from the shell")
    monkeypatch.setenv("REDIS_URL", "redis://elsewhere:1/1")
    hub = hub_process(
        settings_on_free_ports("redis://127.0.0.1:6390/0"), "redis://127.0.0.1:6390/0"
    )
    env = process_env(hub)
    assert env["BATON_TEST_INHERITED"] == "from the shell"
    assert env["REDIS_URL"] == "redis://127.0.0.1:6390/0"


def test_a_local_secret_is_made_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"  # not there yet
    secret = local_secret(var_dir, "secret_key")
    assert len(secret) >= 32
    path = var_dir / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert local_secret(var_dir, "secret_key") == secret
    assert local_secret(var_dir, "internal_token") != secret


def test_a_local_secret_written_by_hand_is_read_without_its_newline(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("written-by-hand\n")
    assert local_secret(tmp_path, "secret_key") == "written-by-hand"


class _Health(BaseHTTPRequestHandler):
    """/ready... and a hub's /healthz answer 200, anything else 503."""

    def do_GET(self) -> None:
        self.send_response(200 if self.path.startswith(("/ready", "/healthz")) else 503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _serve(port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", port), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def health_server() -> Iterator[str]:
    """An HTTP server on loopback: its base URL."""
    server = _serve(free_port())
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_ready_urls_return_at_once(health_server: str) -> None:
    wait_until_ready([f"{health_server}/ready", f"{health_server}/ready/too"], 5)


def test_the_timeout_names_only_what_did_not_answer_200(health_server: str) -> None:
    closed = f"http://127.0.0.1:{free_port()}/health"
    failing = f"{health_server}/failing"
    with pytest.raises(TimeoutError) as timed_out:
        wait_until_ready([f"{health_server}/ready", closed, failing], 0.2)
    message = str(timed_out.value)
    assert closed in message
    assert failing in message
    assert f"{health_server}/ready" not in message


def test_waits_for_a_process_that_answers_later() -> None:
    port = free_port()
    servers: list[ThreadingHTTPServer] = []
    starting = threading.Timer(0.7, lambda: servers.append(_serve(port)))
    starting.start()
    try:
        wait_until_ready([f"http://127.0.0.1:{port}/ready"], 10)
        assert servers  # it returned only once the server was up
    finally:
        starting.join()
        for server in servers:
            server.shutdown()
            server.server_close()


def test_processes_under_one_name_are_refused_before_any_starts(tmp_path: Path) -> None:
    # Stopped by name, the first of two "hub"s was never stopped: it outlived the tests.
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    supervisor = Supervisor(tmp_path)
    with pytest.raises(ValueError, match="hub"):
        supervisor.start([Process("hub", sleeper), Process("hub", sleeper)])
    assert supervisor.pids() == {}
    supervisor.start([Process("hub", sleeper)])
    with pytest.raises(ValueError, match="hub"):
        supervisor.start([Process("hub", sleeper)])
    supervisor.stop()
    assert supervisor.pids() == {}


def test_the_balancer_is_ready_once_every_hub_is_in_rotation(tmp_path: Path) -> None:
    """Customers who connect while a hub is still starting all land on the others, and stay:
    HAProxy's ready URL waits for every hub."""
    settings = settings_on_free_ports(
        "redis://127.0.0.1:1/0", var_dir=tmp_path, hubs=2, port=free_ports_in_a_row(3)
    )
    first, second = hub_ports(settings)
    ready = f"http://127.0.0.1:{settings.port}{BALANCER_READY}"
    servers = [_serve(first)]
    argv = balancer_process(settings).argv
    balancer = subprocess.Popen(argv, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until_ready([f"http://127.0.0.1:{settings.port}/healthz"], 10)  # hub1 in rotation
        deadline = time.monotonic() + 10  # HAProxy takes hub2 out after its first failed checks
        while httpx.get(ready).status_code != 503:
            assert time.monotonic() < deadline, "a hub that never answered stayed in rotation"
            time.sleep(0.2)
        servers.append(_serve(second))
        wait_until_ready([ready], 10)
    finally:
        stop(balancer)
        for server in servers:
            server.shutdown()
            server.server_close()
