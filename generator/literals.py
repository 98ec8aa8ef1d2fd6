"""The one way a string or value from a spec reaches generated code.

Specs are untrusted input: descriptions, examples, defaults and enum values may hold
quotes, backslashes, newlines, NUL or template syntax. Each leaves here as an inert
Python literal, docstring or comment, never as code.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
from typing import Any

# The type of each kind of value `Literal[...]` cannot hold: mypy takes no float in one,
# Python no object or array.
NOT_IN_LITERAL = {float: "float", dict: "dict[str, Any]", list: "list[Any]"}


def in_literal(value: Any) -> bool:
    """Whether `Literal[...]` can hold `value`: text, an integer or a boolean."""
    return isinstance(value, str | int)


def python_literal(value: Any) -> str:
    """A Python expression that evaluates to `value` (JSON-like data only)."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value):
            return 'float("nan")'
        if math.isinf(value):
            return 'float("inf")' if value > 0 else 'float("-inf")'
        return repr(value)
    if isinstance(value, str):
        # repr() escapes quotes, backslashes and control characters, NUL included; str()
        # first, so that a str subclass (an enum member) is spelt as its plain value.
        return repr(str(value))
    if isinstance(value, tuple):
        members = [python_literal(item) for item in value]
        return "(" + ", ".join(members) + ("," if len(members) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(python_literal(item) for item in value) + "]"
    if isinstance(value, dict):
        pairs = ", ".join(f"{python_literal(str(key))}: {python_literal(item)}" for key, item in value.items())
        return "{" + pairs + "}"
    raise TypeError(f"not JSON-like data: {type(value).__name__}")


# Every control character but newline and tab.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@functools.lru_cache(maxsize=4096)  # a large API repeats its descriptions in every operation
def docstring_text(text: str) -> str:
    """Text safe inside a triple-quoted docstring, kept readable.

    Backslashes are doubled and triple quotes broken so the docstring cannot end early or
    hold escapes; control characters other than newline and tab are dropped.
    """
    cleaned = _CONTROL_CHARACTERS.sub("", text)
    cleaned = cleaned.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    cleaned = "\n".join(line.rstrip() for line in cleaned.strip().splitlines())
    if cleaned.endswith('"'):
        cleaned += " "
    return cleaned


def comment_text(text: str) -> str:
    """Text safe on one `#` comment line."""
    return " ".join(docstring_text(text).split())


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are a subset of TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def markdown_text(text: str) -> str:
    """Spec text shown in Markdown, with HTML markup made inert."""
    return html.escape(text.strip(), quote=False)
