"""Imports point one way (README, "Where things are"): each part of the hub may import only the
parts below it, and the knowledge base never imports the hub."""

import ast
from pathlib import Path

from handoff.settings import PROJECT_ROOT

# Each part of the hub and what it may import (besides itself and `settings`).
ALLOWED = {
    "keys": set(),
    "tasks": set(),
    "redis_connection": set(),
    "settings": {"knowledge_base"},
    "conversations": {"keys", "tasks"},
    "metrics": {"conversations", "keys"},  # recorded where events happen, by the parts above
    "dashboard": {"conversations", "keys"},  # roll-ups recorded where events happen, like metrics
    "staff": {"keys"},
    "customers": {"conversations", "keys", "dashboard"},
    "queue": {"conversations", "staff", "keys", "tasks", "metrics", "dashboard"},
    "assistant": {"conversations", "queue", "keys", "knowledge_base", "metrics"},
    "services": {
        "assistant",
        "metrics",  # the store tells metrics of each message appended
        "conversations",
        "customers",
        "queue",
        "staff",
        "tasks",
        "knowledge_base",
        "redis_connection",
    },
    # A channel without a socket (Telegram) keeps its own state in Redis: chats, deliveries.
    "channels": {
        "assistant",
        "conversations",
        "customers",
        "queue",
        "staff",
        "services",
        "keys",
        "tasks",
        "metrics",
    },
    "api": {
        "channels",
        "conversations",
        "customers",
        "staff",
        "keys",
        "services",
        "knowledge_base",
        "metrics",
        "dashboard",
    },
    "app": {"api", "services", "knowledge_base", "metrics"},
    "cli": {
        "assistant",
        "channels",
        "conversations",
        "customers",
        "queue",
        "staff",
        "knowledge_base",
        "redis_connection",
    },
}


def part_of(module: str) -> str | None:
    """The part of the hub a dotted module name belongs to ("knowledge_base" for the library)."""
    top, _, rest = module.partition(".")
    if top == "knowledge_base":
        return "knowledge_base"
    if top == "handoff" and rest:
        return rest.split(".")[0]
    return None


def imports_of(path: Path) -> set[str]:
    """The modules a file imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_every_part_of_the_hub_imports_only_the_parts_below_it() -> None:
    wrong = []
    for path in (PROJECT_ROOT / "handoff").rglob("*.py"):
        module = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        part = part_of(module)
        if part is None:  # handoff/__init__.py
            continue
        for imported in imports_of(path):
            target = part_of(imported)
            if target not in (None, part, "settings") and target not in ALLOWED[part]:
                wrong.append(f"{module} imports {imported}")
    assert not wrong, wrong


def test_the_knowledge_base_never_imports_the_hub() -> None:
    wrong = [
        f"{path.name} imports {imported}"
        for path in (PROJECT_ROOT / "knowledge_base").rglob("*.py")
        for imported in imports_of(path)
        if imported.split(".")[0] == "handoff"
    ]
    assert not wrong, wrong
