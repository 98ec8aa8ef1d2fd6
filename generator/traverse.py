"""Visiting every object of a document or schema, without entering data values."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Keywords whose values are data (an enum's members, an example), never schemas.
DATA_KEYWORDS = frozenset({"enum", "const", "default", "example", "examples"})
# Schema keywords whose values map names (any names, "default" and "enum" too) to schemas.
SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})


def objects(root: Any) -> Iterator[dict[str, Any]]:
    """Every mapping inside `root` (itself included); safe to change each as it is visited."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            yield node
            stack.extend(value for key, value in node.items() if key not in DATA_KEYWORDS)
