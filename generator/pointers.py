"""JSON pointers (RFC 6901): escaping, splitting and walking."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(pointer: str, *tokens: str | int) -> str:
    # Called for every node the stages walk: the common case, one token needing no
    # escape, is kept free of a generator and of string copies.
    if len(tokens) == 1:
        token = tokens[0]
        text = token if type(token) is str else str(token)
        if "~" in text or "/" in text:
            text = escape(text)
        return pointer + "/" + text
    return pointer + "".join("/" + escape(str(token)) for token in tokens)


def from_tokens(tokens: Iterable[str | int]) -> str:
    return join("", *tokens)


def split(pointer: str) -> list[str]:
    """Split a pointer into unescaped tokens; '' and '/' alike name the root."""
    if pointer in ("", "/"):
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"a JSON pointer must start with '/': {pointer!r}")
    return [unescape(token) for token in pointer[1:].split("/")]


_MISSING = object()


def walk(document: Any, pointer: str) -> Any:
    """Return the node at `pointer`, raising KeyError when it does not exist."""
    node = document
    for token in split(pointer):
        if isinstance(node, dict):
            value = node.get(token, _MISSING)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            value = node[int(token)]
        else:
            value = _MISSING
        if value is _MISSING:
            raise KeyError(pointer)
        node = value
    return node
