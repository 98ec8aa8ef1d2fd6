"""Visiting every object of a document or schema, without entering data values."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Keywords whose values are data (an enum's members, an example), never schemas.
DATA_KEYWORDS = frozenset({"enum", "const", "default", "example", "examples"})
# Schema keywords whose values map names (any names, "default" and "enum" too) to schemas.
SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})


_CONTAINERS = (dict, list)


def objects(root: Any) -> Iterator[dict[str, Any]]:
    """Every mapping inside `root` (itself included); safe to change each as it is visited."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            # Only what may hold mappings is kept to visit: most values are strings.
            stack.extend(
                [value for key, value in node.items() if isinstance(value, _CONTAINERS) and key not in DATA_KEYWORDS]
            )
        elif isinstance(node, list):
            stack.extend([item for item in node if isinstance(item, _CONTAINERS)])
