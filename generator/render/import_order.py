"""Imports and `__all__` spelled as ruff's import sorting (`I`) and `RUF022` leave them.

The built-in templates write only the imports their module uses, in this order, so that
formatting need not run `ruff check --fix` over them (a third of formatting's time for a
big API). The keys follow ruff's defaults: modules case-insensitively, then members
constants first, classes next, everything else last, each in natural order (`Item2`
before `Item10`); sections (standard library, third party, this package) apart.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Collection, Iterable
from typing import TypeVar

T = TypeVar("T")
LINE_LENGTH = 120  # of generated code: the import lines written here, and ruff's formatting
_DIGITS = re.compile(r"([0-9]+)")
_Natural = tuple[str | tuple[int, int, str], ...]
_INDENT = "    "

# Ruff's sections, in order; a relative import is the package's own.
_FUTURE, _STANDARD_LIBRARY, _THIRD_PARTY, _LOCAL = range(4)


@functools.cache
def natural(text: str) -> _Natural:
    """Natural order as ruff compares names (the `natord` crate), for identifiers: text
    character by character, a run of digits by its value (the longer run the larger), a run
    starting with 0 digit by digit and before any other. Text and runs alternate, text first,
    so keys compare part by part; an identifier's digits sort before its other characters,
    as a text part that ends where a run starts sorts before a longer one."""
    if not _DIGITS.search(text):
        return (text,)
    parts: list[str | tuple[int, int, str]] = []
    for index, part in enumerate(_DIGITS.split(text)):
        if index % 2 == 0:
            parts.append(part)
        else:
            parts.append((0, 0, part) if part.startswith("0") else (1, len(part), part))
    return tuple(parts)


def _is_constant(name: str) -> bool:
    return len(name) > 1 and name.upper() == name and name.lower() != name


@functools.cache
def _kind(name: str) -> int:
    """0 for a constant (`NOT_GIVEN`), 1 for a class (`Endpoint`), 2 for anything else."""
    if _is_constant(name):
        return 0
    return 1 if name[:1].isupper() else 2


@functools.cache
def member_key(name: str) -> tuple[int, _Natural, _Natural]:
    """Where an imported name goes among the names of one `from` import."""
    return _kind(name), natural(name.lower()), natural(name)


@functools.cache
def all_key(name: str) -> tuple[int, _Natural]:
    """Where a name goes in `__all__` (RUF022: by kind as imports are, then case-sensitively)."""
    return _kind(name), natural(name)


def only(names: Iterable[str], used: Collection[str]) -> list[str]:
    """Those of `names` in `used`, in their order."""
    return [name for name in names if name in used]


def sorted_members(names: Iterable[str]) -> list[str]:
    return sorted(names, key=member_key)


def sorted_all(names: Iterable[str]) -> list[str]:
    return sorted(names, key=all_key)


def sorted_by(items: Iterable[T], attribute: str) -> list[T]:
    """`items` in the natural order of their `attribute` (a module's name), case aside."""
    return sorted(items, key=lambda item: natural(str(getattr(item, attribute)).lower()))


def _module_key(module: str) -> tuple[int, _Natural, _Natural]:
    """Relative modules furthest first (`..x` before `.x`); `from . import` before `from .x import`."""
    name = module.lstrip(".")
    return -(len(module) - len(name)), natural(name.lower()), natural(name)


def _section(module: str) -> int:
    if module.startswith("."):
        return _LOCAL
    if module == "__future__":
        return _FUTURE
    return _STANDARD_LIBRARY if module.split(".")[0] in sys.stdlib_module_names else _THIRD_PARTY


def from_import(module: str, names: Iterable[str], indent: str = "", split: bool = False) -> str:
    """One `from` statement, its names sorted: on one line where it fits, else one name a
    line. `split`: one name a line wherever there are several (ruff keeps such a statement
    as it is, its trailing comma telling it to)."""
    members = sorted_members(names)
    line = f"{indent}from {module} import {', '.join(members)}"
    if len(line) <= LINE_LENGTH and not (split and len(members) > 1):
        return line
    inner = "".join(f"{indent}{_INDENT}{name},\n" for name in members)
    return f"{indent}from {module} import (\n{inner}{indent})"


def import_block(
    imports: Iterable[tuple[str, Iterable[str]]],
    siblings: Iterable[tuple[str, Iterable[str]]] = (),
    indent: str = "",
    split: bool = False,
) -> str:
    """`from` statements for (module, names), and (module, names) of the `siblings`, modules
    of the same package (`from .name import`): sorted, in sections a blank line apart, modules
    without names left out. No trailing newline. `split`: see `from_import`."""
    wanted = [(module, tuple(names)) for module, names in imports]
    wanted += [(f".{module}", tuple(names)) for module, names in siblings]
    sections: dict[int, list[str]] = {}
    for module, names in sorted(wanted, key=lambda item: (_section(item[0]), _module_key(item[0]))):
        if names:
            sections.setdefault(_section(module), []).append(from_import(module, names, indent, split))
    return "\n\n".join("\n".join(sections[section]) for section in sorted(sections))
