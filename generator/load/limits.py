"""The budgets a spec must fit in: a spec is untrusted input.

A hostile document can be small and still expensive: a 1 KB YAML file whose aliases
expand to a billion nodes, a schema nested ten thousand levels deep, an integer of a
million digits, a `$ref` to `/dev/zero`. Every such resource has a limit here, checked
while the files are read, and crossing one is a diagnostic at the place it happened,
found in a fraction of a second. The defaults are far above what published specs need
(the largest we know, DigitalOcean's, has 77,000 nodes in 1,509 files, 20 levels deep);
a project that needs more raises them with `--limit NAME=VALUE` or in its pyproject.toml:

    [tool.pyapigen.limits]
    max-nodes = 20000000
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    # The size of one file of a spec, in bytes.
    max_file_bytes: int = 64 * MIB
    # The size of all the files of one spec together, in bytes.
    max_total_bytes: int = 256 * MIB
    # Values (mappings, lists and scalars) in all the files of one spec, aliases expanded.
    max_nodes: int = 5_000_000
    # Values that YAML aliases add by repeating an anchored node.
    max_alias_nodes: int = 100_000
    # How deeply mappings and lists may nest inside one file.
    max_depth: int = 100
    # Digits of one integer (Python refuses to print integers beyond 4,300 digits).
    max_integer_digits: int = 1000

    @classmethod
    def names(cls) -> list[str]:
        """The settings' names as users write them: `max-nodes`."""
        return [field.name.replace("_", "-") for field in dataclasses.fields(cls)]

    def with_settings(self, settings: dict[str, Any], origin: str) -> Limits:
        """These limits with `settings` (user spelling: `max-depth`) applied; ValueError names
        an unknown setting or a value that is not a positive whole number."""
        changes: dict[str, int] = {}
        for name, value in settings.items():
            if name not in self.names():
                raise ValueError(f"{origin}: unknown limit {name!r} (known: {', '.join(self.names())})")
            if isinstance(value, str) and value.strip().isdigit():
                value = int(value)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{origin}: limit {name} must be a positive whole number, not {value!r}")
            changes[name.replace("-", "_")] = value
        if changes.get("max_integer_digits", 0) > _PYTHON_INTEGER_DIGITS:
            raise ValueError(f"{origin}: max-integer-digits cannot exceed {_PYTHON_INTEGER_DIGITS}")
        return dataclasses.replace(self, **changes)


# The most digits Python converts between text and int by default (sys.int_info).
_PYTHON_INTEGER_DIGITS = 4300

DEFAULT = Limits()


def parse_assignments(assignments: list[str]) -> dict[str, str]:
    """`["max-depth=200"]` -> `{"max-depth": "200"}`; ValueError for a malformed one."""
    settings: dict[str, str] = {}
    for assignment in assignments:
        name, equals, value = assignment.partition("=")
        if not equals:
            raise ValueError(f"--limit {assignment!r}: write NAME=VALUE, e.g. max-depth=200")
        settings[name.strip()] = value.strip()
    return settings
