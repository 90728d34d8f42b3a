"""Which Rasa server answers a conversation: the same one every turn, spread evenly, the next
when it is down (rendezvous hashing on the conversation id)."""

import hashlib
from collections.abc import Sequence


def servers_for(key: str, servers: Sequence[str]) -> list[str]:
    """The servers in the order a conversation (or any key) tries them.

    Each server ranks by a hash of itself and the key: the order is the same for the same key on
    every hub, keys spread evenly over the servers, and a server that leaves moves only the keys
    it had first (to their second, each its own).
    """

    def rank(server: str) -> bytes:
        return hashlib.blake2b(f"{server}\n{key}".encode(), digest_size=8).digest()

    return sorted(servers, key=rank, reverse=True)
