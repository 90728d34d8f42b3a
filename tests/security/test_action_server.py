"""The bot's processes and the embedded Redis listen on loopback only: nobody who reaches the
machine can make the action server call the hub's internal API with the real token."""

import ipaddress
from pathlib import Path

from handoff.cli.processes import bot_processes, running, settings_on_free_ports

LISTEN = "0A"  # the state of a listening socket in /proc/net/tcp


def listening_addresses(port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The local addresses of the sockets listening on a TCP port (from /proc/net/tcp{,6})."""
    addresses = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state != LISTEN or int(hex_port, 16) != port:
                continue
            raw = bytes.fromhex(address)
            # Each 32-bit word is in the host's (little-endian) order.
            words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            addresses.append(ipaddress.ip_address(words))
    return addresses


def test_the_action_server_listens_on_loopback_only(redis_url: str, logs_dir: Path) -> None:
    settings = settings_on_free_ports(redis_url)
    [actions] = [p for p in bot_processes(settings, redis_url) if p.name == "actions"]
    with running([actions], logs_dir / "actions-loopback"):
        addresses = listening_addresses(settings.action_server_port)
    assert addresses, "the action server listened on no address"
    assert all(address.is_loopback for address in addresses), addresses


def test_rasa_listens_on_loopback_only(bot_stack) -> None:
    addresses = listening_addresses(bot_stack.rasa_port)
    assert addresses and all(address.is_loopback for address in addresses), addresses


def test_the_embedded_redis_listens_on_loopback_only(redis_server: str) -> None:
    addresses = listening_addresses(int(redis_server.rsplit(":", 1)[1]))
    assert addresses and all(address.is_loopback for address in addresses), addresses
