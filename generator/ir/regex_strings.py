"""Strings that match a regular expression: example values for `pattern` schemas.

JSON Schema patterns are ECMA 262 regexes; the common ones read the same in Python's
syntax, so Python's own parser takes them apart (a pattern it cannot read gets no
strings). A string is made by walking the parsed pattern: one branch of each
alternation, a letter or digit from each class, each repetition its least count or a
few more. Anchors, word boundaries and lookarounds are not honoured, and ECMA and Python
read a few classes differently: callers check every string against the schema.
"""

from __future__ import annotations

import importlib
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

# Python's regex parser (sre_parse): public in all but name, and what `re` itself uses.
_parser: Any = importlib.import_module("re._parser")
_UNBOUNDED: int = _parser.MAXREPEAT

# The characters a class gives, best first: letters and digits read most like data.
_PREFERRED = "".join(
    dict.fromkeys(string.ascii_lowercase + string.digits + string.ascii_uppercase + "-_.@:/+ " + string.punctuation)
)
_MIXED = "".join(
    "".join(group)
    for group in zip(
        string.ascii_lowercase, string.ascii_uppercase, string.digits * 3, string.punctuation, strict=False
    )
)
_EXTRA_COUNTS = (1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64)
MAX_LENGTH = 4096  # longer strings are not made: no example needs them
# Steps the walks of one pattern may take in all: `(?:){1000000000}` makes no text, for ever.
_MAX_STEPS = 200_000
_SPACE = " \t\n\r\f\v"
_WORD = string.ascii_letters + string.digits + "_"
CharTest = Callable[[str], bool]


def python_syntax(pattern: str) -> str:
    """The few ECMA spellings Python writes differently: named groups and their references."""
    pattern = re.sub(r"\(\?<(?![=!])", "(?P<", pattern)
    return re.sub(r"\\k<(\w+)>", r"(?P=\1)", pattern)


def matching_strings(pattern: str, limit: int = 200) -> Iterator[str]:
    """Up to `limit` distinct strings meant to match `pattern`, shortest first, then longer.

    The first is the least string: every repetition at its minimum, the first branch of
    each alternation. Then one repetition or alternation at a time is varied, then the
    characters classes give.
    """
    try:
        parsed = _parser.parse(python_syntax(pattern))
    except (re.error, RecursionError, OverflowError, ValueError):
        return
    nodes = _Nodes()
    nodes.collect(parsed)
    characters: dict[tuple[int, bool], list[str]] = {}  # what each class allows, shared by the walks
    budget = [_MAX_STEPS]
    seen: set[str] = set()
    for plan in _plans(nodes):
        try:
            text = _Walker(plan, characters, budget).text(parsed)
        except (_Unsupported, _OutOfSteps, RecursionError):
            return
        if text is not None and text not in seen:
            seen.add(text)
            yield text
            if len(seen) >= limit:
                return


def _plans(nodes: _Nodes) -> Iterator[_Plan]:
    yield _Plan()
    yield from (_Plan(extra={id(node): count}) for node in nodes.repeats for count in _EXTRA_COUNTS)
    yield from (_Plan(branch={id(node): index}) for node, size in nodes.branches for index in range(1, size))
    yield from (_Plan(extra_all=count) for count in _EXTRA_COUNTS)
    yield from (_Plan(shift=shift) for shift in range(1, 40))
    # Letters, capitals, digits and signs in turn: what "at least one of each" rules ask.
    yield from (_Plan(mixed=True, extra_all=count) for count in (0, *_EXTRA_COUNTS))


class _Unsupported(Exception):
    """A construct the walker cannot make text for."""


class _TooLong(Exception):
    """The string passed MAX_LENGTH."""


class _OutOfSteps(Exception):
    """The walks of a pattern took all their steps."""


@dataclass
class _Plan:
    """How one string is made: extra repetitions, branches taken, class characters shifted."""

    extra: dict[int, int] = field(default_factory=dict)  # repeat node -> count above its minimum
    branch: dict[int, int] = field(default_factory=dict)  # alternation node -> branch taken
    extra_all: int = 0
    shift: int = 0  # which of a class's characters: the first, the second, ...
    mixed: bool = False  # each character of another kind than the one before


class _Nodes:
    """The repetitions with room to grow and the alternations of a parsed pattern."""

    def __init__(self) -> None:
        self.repeats: list[Any] = []
        self.branches: list[tuple[Any, int]] = []

    def collect(self, items: Any) -> None:
        for op, argument in items:
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                low, high, sub = argument
                if high != low:
                    self.repeats.append(argument)
                self.collect(sub)
            elif name == "BRANCH":
                self.branches.append((argument, len(argument[1])))
                for alternative in argument[1]:
                    self.collect(alternative)
            elif name == "SUBPATTERN":
                self.collect(argument[3])
            elif name == "ATOMIC_GROUP":
                self.collect(argument)
            elif name == "GROUPREF_EXISTS":
                self.collect(argument[1])
                if argument[2] is not None:
                    self.collect(argument[2])


class _Walker:
    def __init__(self, plan: _Plan, characters: dict[tuple[int, bool], list[str]], budget: list[int]) -> None:
        self.plan = plan
        self.characters = characters
        self.budget = budget  # steps left, shared by every walk of the pattern
        self.groups: dict[int, str] = {}
        self.length = 0

    def text(self, items: Any) -> str | None:
        out: list[str] = []
        try:
            self._emit(items, out)
        except _TooLong:
            return None
        return "".join(out)

    def _append(self, out: list[str], text: str) -> None:
        self.length += len(text)
        if self.length > MAX_LENGTH:
            raise _TooLong
        out.append(text)

    def _step(self) -> None:
        self.budget[0] -= 1
        if self.budget[0] < 0:
            raise _OutOfSteps

    def _emit(self, items: Any, out: list[str]) -> None:
        self._step()  # an empty group repeated counts too
        for item in items:
            self._step()
            op, argument = item
            name = str(op)
            if name == "LITERAL":
                self._append(out, chr(argument))
            elif name == "NOT_LITERAL":
                self._append(out, self._choose(item, _other_than(chr(argument))))
            elif name == "ANY":
                self._append(out, self._choose(item, _other_than("\n")))
            elif name == "IN":
                self._append(out, self._class(argument))
            elif name == "CATEGORY":
                self._append(out, self._choose(item, _category(str(argument))))
            elif name == "BRANCH":
                alternatives = argument[1]
                self._emit(alternatives[min(self.plan.branch.get(id(argument), 0), len(alternatives) - 1)], out)
            elif name == "SUBPATTERN":
                group, sub = argument[0], argument[3]
                start = len(out)
                self._emit(sub, out)
                if group is not None:
                    self.groups[group] = "".join(out[start:])
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                low, high, sub = argument
                wanted = low + self.plan.extra.get(id(argument), self.plan.extra_all)
                count = wanted if high == _UNBOUNDED else min(high, wanted)
                for _ in range(count):
                    self._emit(sub, out)
            elif name == "ATOMIC_GROUP":
                self._emit(argument, out)
            elif name == "GROUPREF":
                self._append(out, self.groups.get(argument, ""))
            elif name == "GROUPREF_EXISTS":
                group, yes, no = argument
                self._emit(yes if group in self.groups else (no or []), out)
            elif name in ("AT", "ASSERT", "ASSERT_NOT"):
                continue  # anchors and lookarounds hold no text; the schema check judges them
            else:
                raise _Unsupported(name)

    def _class(self, members: Any) -> str:
        key = (id(members), self.plan.mixed)
        if key in self.characters:
            return self._pick(self.characters[key])
        ranges: list[tuple[int, int]] = []
        categories: list[CharTest] = []
        negated = False
        for op, argument in members:
            name = str(op)
            if name == "NEGATE":
                negated = True
            elif name == "LITERAL":
                ranges.append((argument, argument))
            elif name == "RANGE":
                ranges.append((argument[0], argument[1]))
            elif name == "CATEGORY":
                categories.append(_category(str(argument)))
            else:
                raise _Unsupported(name)

        def member(c: str) -> bool:
            inside = any(low <= ord(c) <= high for low, high in ranges) or any(test(c) for test in categories)
            return inside != negated

        return self._choose(members, member, chr(ranges[0][0]) if ranges and not negated else None)

    def _choose(self, node: Any, test: CharTest, fallback: str | None = None) -> str:
        """A character `test` allows, the one the plan picks; kept by `node` for the next walks."""
        key = (id(node), self.plan.mixed)
        if key not in self.characters:
            fitting = [c for c in (_MIXED if self.plan.mixed else _PREFERRED) if test(c)]
            self.characters[key] = fitting or ([fallback] if fallback is not None else [])
        return self._pick(self.characters[key])

    def _pick(self, fitting: list[str]) -> str:
        if not fitting:
            raise _Unsupported("an empty class")
        index = self.length if self.plan.mixed else self.plan.shift
        return fitting[index % len(fitting)]


def _other_than(excluded: str) -> CharTest:
    return lambda c: c != excluded


def _category(name: str) -> CharTest:
    """A test for one of \\d \\w \\s and their opposites, read as ASCII (as ECMA does)."""
    members = {"CATEGORY_DIGIT": string.digits, "CATEGORY_WORD": _WORD, "CATEGORY_SPACE": _SPACE}
    positive = name.replace("_NOT_", "_")
    if positive not in members:
        raise _Unsupported(name)
    characters, negated = members[positive], "_NOT_" in name
    return lambda c: (c in characters) != negated
