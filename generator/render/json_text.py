"""JSON text as the generated packages hold it: two-space indent, UTF-8 bytes, keys in order.

orjson writes it several times faster than the standard library's indenting encoder,
which runs in pure Python. orjson refuses integers beyond 64 bits; a document with one
(DigitalOcean has `9223372036854776000`) is written with those numbers passed through
as they are.
"""

from __future__ import annotations

from typing import Any

import orjson

_LOWEST, _HIGHEST = -(2**63), 2**64 - 1
_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


def dumps(data: Any, *, wide_integers: bool = False) -> bytes:
    """`data` as indented JSON text in UTF-8, ending with a newline. With `wide_integers`
    (`data` is known to hold integers of 19 digits or more), orjson's first try is skipped:
    failing there costs about what writing the whole text does."""
    if not wide_integers:
        try:
            return orjson.dumps(data, option=_OPTIONS)
        except TypeError:
            pass
    return orjson.dumps(_big_integers_as_text(data), option=_OPTIONS)


# The levels of a document where each container is first offered to orjson whole: one it
# writes (most: a document holds a few such integers) is not walked in Python. Deeper, or
# inside a container orjson refused, every value is looked at: trying each level again
# could cost a pass over the document per level.
_TRIED_LEVELS = 4


def _big_integers_as_text(node: Any, level: int = 0) -> Any:
    """`node` with every integer orjson cannot write replaced by its JSON text (copies only what changes)."""
    if type(node) is int and not _LOWEST <= node <= _HIGHEST:
        return _as_text(node)
    if not isinstance(node, dict | list):
        return node
    copy: Any = None
    for key, value in node.items() if isinstance(node, dict) else enumerate(node):
        if type(value) is str:
            continue  # most values: passed over before any other test
        if isinstance(value, dict | list):
            if level < _TRIED_LEVELS and _writable(value):
                continue
            new = _big_integers_as_text(value, level + 1)
            if new is value:
                continue
        elif type(value) is int and not _LOWEST <= value <= _HIGHEST:
            new = _as_text(value)
        else:
            continue
        if copy is None:
            copy = dict(node) if isinstance(node, dict) else list(node)
        copy[key] = new
    return node if copy is None else copy


def _writable(value: Any) -> bool:
    try:
        orjson.dumps(value)
    except TypeError:
        return False
    return True


def _as_text(value: int) -> Any:
    return orjson.Fragment(str(value).encode("ascii"))
