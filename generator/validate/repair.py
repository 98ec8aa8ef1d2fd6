"""Changing a document in place so that code can be generated from it, each change a warning.

Published specs are sloppy in harmless ways: a field OpenAPI does not know, a default of
the wrong type, a response without a description. Each such construct is degraded the way
a user would expect (the field ignored, the default dropped, an empty description) and the
change is reported where it was made, so nothing is lost without a word.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from generator import pointers
from generator.diagnostics import Diagnostic, error, warning
from generator.load.bundle import Bundle

Tokens = tuple[str | int, ...]  # a JSON pointer, not yet spelt

_SHOWN_VALUE_LENGTH = 60


def shown(value: Any) -> str:
    """A value as a message quotes it: as JSON spells it, short, on one line."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    text = text.replace("\n", " ")
    return text if len(text) <= _SHOWN_VALUE_LENGTH else text[: _SHOWN_VALUE_LENGTH - 3] + "..."


@dataclass
class Repairs:
    """The changes made to one document, as diagnostics at the places they were made."""

    bundle: Bundle
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def warn(self, tokens: Sequence[str | int], message: str, kind: str) -> None:
        self.diagnostics.append(warning(self.bundle.locate(pointers.from_tokens(tokens)), message, kind))

    def fail(self, tokens: Sequence[str | int], message: str, kind: str = "other") -> None:
        self.diagnostics.append(error(self.bundle.locate(pointers.from_tokens(tokens)), message, kind))

    def drop(self, tokens: Tokens, message: str, kind: str, found_at: Tokens | None = None) -> bool:
        """Remove the node at `tokens` from its parent (the problem told at `found_at`, by
        default that node); False where there is none to remove."""
        if len(tokens) == 3 and tokens[:2] == ("components", "schemas"):
            # References to a component schema are already spelt out: it is kept, allowing anything.
            return self.replace(tokens, {}, message.removesuffix(": ignored") + ": taken as any value", kind)
        place = self._place(tokens, existing=True)
        if place is None:
            return False
        self.warn(found_at or tokens, message, kind)
        parent, key = place
        del parent[key]
        return True

    def replace(self, tokens: Tokens, value: Any, message: str, kind: str) -> bool:
        """Put `value` at `tokens`; False where the parent is not there."""
        place = self._place(tokens, existing=False)
        if place is None:
            return False
        self.warn(tokens, message, kind)
        parent, key = place
        parent[key] = value
        return True

    def _place(self, tokens: Tokens, *, existing: bool) -> tuple[Any, Any] | None:
        """The container of the node at `tokens` and its key (an index in a list), or None;
        with `existing`, only where the node is there."""
        if not tokens:
            return None
        parent = node_at(self.bundle.document, tokens[:-1])
        key = tokens[-1]
        if isinstance(parent, dict):
            return (parent, str(key)) if str(key) in parent or not existing else None
        index = int(key) if str(key).isdigit() else -1
        return (parent, index) if isinstance(parent, list) and 0 <= index < len(parent) else None


def deepest_first(paths: Sequence[Tokens]) -> list[Tokens]:
    """Paths ordered so that removing each in turn never shifts one still to come: later
    list items before earlier ones, children before their parents."""

    def key(path: Tokens) -> tuple[tuple[int, int, str], ...]:
        return tuple((0, token, "") if isinstance(token, int) else (1, 0, token) for token in path)

    return sorted(paths, key=key, reverse=True)


def node_at(document: Any, tokens: Sequence[str | int]) -> Any:
    """The node at `tokens`, or None where there is none."""
    node = document
    for token in tokens:
        if isinstance(node, dict):
            node = node.get(str(token))
        elif isinstance(node, list) and str(token).isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node
