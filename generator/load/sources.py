"""Reading spec files: YAML or JSON, with the line of every mapping key and list item.

YAML is read with YAML 1.2 core-schema scalars (the dialect OpenAPI documents are written
in): `no`, `on` and `1:20` stay strings and dates stay strings, where PyYAML's YAML 1.1
defaults would turn them into booleans, sexagesimal numbers and datetimes.

A spec is untrusted input, so reading one is bounded (see `generator.load.limits`): a file is
read only if it is a regular file under the size limit, and while its values are built
the nesting depth, the number of values (YAML aliases counted as what they expand to)
and the digits of integers are counted and checked. Values generated code cannot carry
(non-finite numbers, duplicate keys) are diagnostics at their line.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

import yaml

from generator import pointers
from generator.diagnostics import Diagnostic, Location, SpecError, error
from generator.load.limits import DEFAULT, Limits

try:  # libyaml's parser is several times faster; fall back to pure Python without it.
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader

# (tag, pattern, the first characters of the texts it can match; "" for the empty text).
_CORE_SCHEMA: list[tuple[str, str, tuple[str, ...]]] = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", tuple("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", tuple("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        tuple("-+0123456789."),
    ),
    # `key:` with no value is null, as in every YAML schema: PyYAML looks resolvers of the
    # empty text up under "".
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ("~", "n", "N", "")),
]
_PATTERNS = {tag: re.compile(pattern) for tag, pattern, _ in _CORE_SCHEMA}
# JSON's own names for what YAML would read as strings: only Python's json module accepts them.
_JSON_CONSTANTS = frozenset({"NaN", "Infinity", "-Infinity"})


class _SpecLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """PyYAML's safe parser with the YAML 1.2 core schema's scalar resolution."""


_SpecLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in _CORE_SCHEMA:
    _SpecLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _parse_int(text: str) -> int:
    if text.startswith("0x"):
        return int(text[2:], 16)
    if text.startswith("0o"):
        return int(text[2:], 8)
    return int(text)


def _parse_float(text: str) -> float:
    text = text.lower()
    if text.endswith(".inf"):
        return -math.inf if text.startswith("-") else math.inf
    if text == ".nan":
        return math.nan
    return float(text)


class Budget:
    """What the files of one spec have used of its limits so far."""

    def __init__(self, limits: Limits = DEFAULT) -> None:
        self.limits = limits
        self.bytes = 0
        self.nodes = 0
        self.alias_nodes = 0

    def admit(self, size: int, nodes: int, alias_nodes: int) -> bool:
        """Count a file parsed elsewhere, if it fits in what is left; else count nothing
        (reading it here then fails at the same place, with the same message)."""
        limits = self.limits
        fits = (
            size <= min(limits.max_file_bytes, limits.max_total_bytes - self.bytes)
            and self.nodes + nodes <= limits.max_nodes
            and self.alias_nodes + alias_nodes <= limits.max_alias_nodes
        )
        if fits:
            self.bytes += size
            self.nodes += nodes
            self.alias_nodes += alias_nodes
        return fits


class _OverBudget(Exception):
    """A limit crossed while reading: reading that file stops at once."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message, self.line = message, line


_TAG = "tag:yaml.org,2002:"
# Every integer of up to 18 digits fits in 64 bits (orjson writes -2**63 to 2**64 - 1).
_NARROW_DIGITS = 18
# The lines of a JSON file already read within its limits are found without counting again.
_UNBOUNDED = Limits(max_nodes=2**62, max_alias_nodes=2**62, max_depth=2**30)


class _EventReader:
    """Builds the data straight from the C parser's events, with the lines of keys and items.

    PyYAML's usual path composes a node tree and then walks it with generator-based
    constructors; reading the events directly does the same work in about half the time
    (0.2 s on DigitalOcean's 1,509 files), and lets every value be counted as it is made:
    an alias counts as the values it repeats, so an alias bomb stops at the limit after
    reading a few hundred bytes instead of expanding to a billion values later.
    """

    def __init__(self, loader: _SpecLoader, budget: Budget, *, json_mode: bool = False, lines: bool = True) -> None:
        self.loader = loader
        self.budget = budget
        self.limits = budget.limits
        self.json_mode = json_mode
        self.lines = lines  # without, the key_lines and item_lines stay empty
        self.anchors: dict[str, Any] = {}
        self.anchor_sizes: dict[str, int] = {}
        self.open_anchors: set[str] = set()
        self.depth = 0
        self.key_lines: dict[int, dict[str, int]] = {}
        self.item_lines: dict[int, list[int]] = {}
        # Without `lines`, those of the top-level mapping's keys all the same: few, and what
        # a schema of a multi-file spec is located by (`SourceFile.top_key_lines`).
        self.top_key_lines: dict[str, int] = {}
        self.wide_integers = False  # `SourceFile.wide_integers`
        self.problems: list[tuple[int, str]] = []  # (line, message): reading goes on
        self.data: Any = None

    def document(self) -> Any:
        loader = self.loader
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            return None
        start = loader.get_event()  # document start
        data = self.node(loader.get_event())
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            found = loader.get_event()
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                start.start_mark,
                "but found another document",
                found.start_mark,
            )
        return data

    def _count(self, nodes: int, event: Any) -> None:
        budget = self.budget
        budget.nodes += nodes
        if budget.nodes > self.limits.max_nodes:
            raise _OverBudget(
                f"the spec holds more than {self.limits.max_nodes:,} values (limit max-nodes)",
                event.start_mark.line + 1,
            )

    def node(self, event: Any) -> Any:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            self._count(1, event)
            return self.scalar(event)
        if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            return self.collection(event)
        if kind is yaml.AliasEvent:
            return self.alias(event)
        raise yaml.composer.ComposerError(None, None, f"unexpected {kind.__name__}", event.start_mark)

    def alias(self, event: Any) -> Any:
        anchor = event.anchor
        if anchor in self.open_anchors:
            raise _OverBudget(f"alias *{anchor} repeats a node that contains it", event.start_mark.line + 1)
        if anchor not in self.anchors:
            raise yaml.composer.ComposerError(None, None, f"found undefined alias {anchor!r}", event.start_mark)
        size = self.anchor_sizes.get(anchor, 1)
        self.budget.alias_nodes += size
        if self.budget.alias_nodes > self.limits.max_alias_nodes:
            raise _OverBudget(
                f"YAML aliases expand to more than {self.limits.max_alias_nodes:,} values (limit max-alias-nodes)",
                event.start_mark.line + 1,
            )
        self._count(size, event)
        return self.anchors[anchor]

    def collection(self, event: Any) -> Any:
        self.depth += 1
        if self.depth > self.limits.max_depth:
            raise _OverBudget(
                f"values nested more than {self.limits.max_depth} levels deep (limit max-depth)",
                event.start_mark.line + 1,
            )
        self._count(1, event)
        before = self.budget.nodes
        anchor = event.anchor
        if anchor is not None:
            self.open_anchors.add(anchor)
        value = self.mapping(event) if type(event) is yaml.MappingStartEvent else self.sequence(event)
        if anchor is not None:
            self.open_anchors.discard(anchor)
            self.anchors[anchor] = value
            self.anchor_sizes[anchor] = self.budget.nodes - before + 1
        self.depth -= 1
        return value

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        text = event.value
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, text, event.implicit)
        elif tag.startswith(_TAG) and tag != _TAG + "str":
            # An explicit standard tag: the text must be what the tag says.
            pattern = _PATTERNS.get(tag)
            if pattern is None or not pattern.match(text):
                tag = "unsupported"
        line = event.start_mark.line + 1
        value: Any
        if tag == _TAG + "str":
            value = text
            if self.json_mode and text in _JSON_CONSTANTS and event.implicit[0]:
                self.problems.append((line, f"{text} is not a JSON number (JSON has no non-finite numbers)"))
        elif tag == _TAG + "int":
            digits = len(text.lstrip("+-")) - (2 if text[:2] in ("0x", "0o") else 0)
            self.wide_integers = self.wide_integers or digits > _NARROW_DIGITS
            if digits > self.limits.max_integer_digits:
                self.problems.append(
                    (
                        line,
                        f"an integer of {digits:,} digits (limit max-integer-digits: {self.limits.max_integer_digits})",
                    )
                )
                value = 0
            else:
                value = _parse_int(text)
        elif tag == _TAG + "float":
            value = _parse_float(text)
            if not math.isfinite(value):
                self.problems.append(
                    (line, f"{text} is not a finite number; JSON Schema and generated code cannot carry it")
                )
        elif tag == _TAG + "bool":
            value = text.lower() == "true"
        elif tag == _TAG + "null":
            value = None
        else:
            self.problems.append((line, f"unsupported YAML tag {event.tag!r}: OpenAPI documents hold JSON values"))
            value = text
        if event.anchor is not None:
            self.anchors[event.anchor] = value
        return value

    def mapping(self, event: Any) -> dict[str, Any]:
        if event.tag not in (None, "!", _TAG + "map"):
            self.problems.append((event.start_mark.line + 1, f"unsupported YAML tag {event.tag!r} on a mapping"))
        loader = self.loader
        mapping: dict[str, Any] = {}
        lines: dict[str, int] | None = {} if self.lines or self.depth == 1 else None
        if event.anchor is not None:
            self.anchors[event.anchor] = mapping
        while True:
            key_event = loader.get_event()
            kind = type(key_event)
            if kind is yaml.MappingEndEvent:
                break
            # Keys are read as written: `200:` and `true:` are the strings "200" and "true".
            if kind is yaml.ScalarEvent:
                key = key_event.value
                self._count(1, key_event)
                if key_event.anchor is not None:
                    self.scalar(key_event)
            else:
                value = self.node(key_event)
                key = value if isinstance(value, str) else json.dumps(value, default=str)
            if key in mapping:
                self.problems.append((key_event.start_mark.line + 1, f"duplicate key {key!r}"))
            mapping[key] = self.node(loader.get_event())
            if lines is not None:
                lines[key] = key_event.start_mark.line + 1
        if lines is not None and self.lines:
            self.key_lines[id(mapping)] = lines
        elif lines is not None:
            self.top_key_lines = lines
        return mapping

    def sequence(self, event: Any) -> list[Any]:
        if event.tag not in (None, "!", _TAG + "seq"):
            self.problems.append((event.start_mark.line + 1, f"unsupported YAML tag {event.tag!r} on a list"))
        loader = self.loader
        items: list[Any] = []
        lines: list[int] | None = [] if self.lines else None
        if event.anchor is not None:
            self.anchors[event.anchor] = items
        while True:
            item_event = loader.get_event()
            if type(item_event) is yaml.SequenceEndEvent:
                break
            if lines is not None:
                lines.append(item_event.start_mark.line + 1)
            items.append(self.node(item_event))
        if lines is not None:
            self.item_lines[id(items)] = lines
        return items


def _read_events(text: str, budget: Budget, *, json_mode: bool = False, lines: bool = True) -> _EventReader:
    """Read `text` into a reader holding its data, lines and problems. Raises YAML errors and _OverBudget."""
    loader = _SpecLoader(text)
    reader = _EventReader(loader, budget, json_mode=json_mode, lines=lines)
    try:
        reader.data = reader.document()
    except RecursionError:
        raise _OverBudget(
            f"values nested too deeply to read (limit max-depth: {budget.limits.max_depth})", None
        ) from None
    finally:
        loader.dispose()
    return reader


def display_path(path: Path) -> str:
    """The path as messages show it: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") and path.is_absolute() else relative


@dataclass(eq=False)
class SourceFile:
    """One parsed file of a spec and the lines its nodes came from.

    A JSON file is parsed by the json module (several times faster than a YAML parser),
    and a YAML file may be parsed by another process (`generator.load.read_ahead`): their
    lines are found only when a diagnostic needs one, by reading the `text` again with the
    YAML reader (JSON is YAML), into a tree of its own.
    """

    path: Path
    data: Any
    key_lines: dict[int, dict[str, int]] = field(default_factory=dict)
    item_lines: dict[int, list[int]] = field(default_factory=dict)
    text: str | bytes | None = None  # kept while its lines are still to be found
    digest: str = ""  # of the bytes read (see `digest`), for the package's stamp
    # Read without lines: the lines of the top-level keys, found while reading. A schema of a
    # multi-file spec is one, and the file need not be read again to say where it is.
    top_key_lines: dict[str, int] = field(default_factory=dict)
    # Whether it writes an integer of more digits than every 64-bit one has: one JSON
    # encoders refuse (see `generator.render.json_text`).
    wide_integers: bool = False
    _lines_tree: Any = None

    @property
    def display(self) -> str:
        return display_path(self.path)

    def _tree_with_lines(self) -> Any:
        if self.text is not None:
            text, self.text = self.text, None
            if isinstance(text, bytes):
                text = text.decode("utf-8")
            try:
                reader = _read_events(text, Budget(_UNBOUNDED))
            except (yaml.YAMLError, _OverBudget):
                pass  # valid JSON that libyaml cannot read (a very long key): no lines
            else:
                self._lines_tree, self.key_lines, self.item_lines = reader.data, reader.key_lines, reader.item_lines
        return self._lines_tree if self._lines_tree is not None else self.data

    def line_of(self, pointer: str) -> int | None:
        """The line of the deepest node on `pointer` that this file knows the line of."""
        tokens = pointers.split(pointer)
        if self.text is not None and len(tokens) == 1 and tokens[0] in self.top_key_lines:
            return self.top_key_lines[tokens[0]]
        node = self._tree_with_lines()
        line: int | None = 1 if self.key_lines or self.item_lines else None
        for token in tokens:
            if isinstance(node, dict) and token in node:
                line = self.key_lines.get(id(node), {}).get(token, line)
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                item_lines = self.item_lines.get(id(node))
                if item_lines is not None:
                    line = item_lines[int(token)]
                node = node[int(token)]
            else:
                break
        return line

    def location(self, pointer: str) -> Location:
        return Location(self.display, pointer, self.line_of(pointer))


def parse_text(path: Path, text: str, budget: Budget | None = None, *, lines: bool = True) -> SourceFile:
    """Parse YAML or JSON text within `budget`; raise SpecError with the file and line on bad
    syntax, a crossed limit, or values generated code cannot carry.

    Without `lines`, a YAML file's lines are found when first asked for, from its text, as
    a JSON file's always are: reading is faster, and they are the lines of the file as
    written, whatever later stages change in its data.
    """
    budget = budget or Budget()
    if path.suffix.lower() == ".json":
        return _parse_json(path, text, budget)
    if not lines:
        counted = budget.nodes, budget.alias_nodes
        try:
            reader = _read_events(text, budget, lines=False)
        except (_OverBudget, yaml.YAMLError):
            pass
        else:
            if not reader.problems:
                return SourceFile(
                    path, reader.data, text=text, top_key_lines=reader.top_key_lines, wide_integers=reader.wide_integers
                )
        budget.nodes, budget.alias_nodes = counted  # read again below, with lines, to say where
    display = display_path(path)
    try:
        reader = _read_events(text, budget)
    except _OverBudget as exc:
        raise SpecError([error(Location(display, "", exc.line), exc.message)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "syntax error"
        column = f" (column {mark.column + 1})" if mark is not None else ""
        raise SpecError([error(Location(display, "", line), f"invalid YAML: {problem}{column}")]) from None
    except yaml.YAMLError as exc:
        raise SpecError([error(Location(display), f"invalid YAML: {exc}")]) from None
    if reader.problems:
        raise SpecError(_located(display, reader))
    return SourceFile(path, reader.data, reader.key_lines, reader.item_lines, wide_integers=reader.wide_integers)


def _located(display: str, reader: _EventReader) -> list[Diagnostic]:
    """The reader's problems, each at its line and the pointer of the value written there."""
    return [error(Location(display, _pointer_at(reader, line), line), message) for line, message in reader.problems]


def _pointer_at(reader: _EventReader, line: int) -> str:
    """The pointer of the last key or item that starts on or before `line` (errors only)."""
    tokens: list[str | int] = []
    stack: list[tuple[Any, list[str | int]]] = [(reader.data, [])]
    while stack:
        node, tokens = stack.pop()
        children: list[tuple[int, str | int, Any]] = []
        if isinstance(node, dict):
            lines = reader.key_lines.get(id(node), {})
            children = [(lines.get(key, 0), key, value) for key, value in node.items()]
        elif isinstance(node, list):
            item_lines = reader.item_lines.get(id(node), [])
            children = [(item_lines[i] if i < len(item_lines) else 0, i, item) for i, item in enumerate(node)]
        for child_line, token, child in reversed(children):
            if child_line <= line:
                stack.append((child, [*tokens, token]))
                break  # the last child starting by `line` holds it
    return pointers.from_tokens(tokens)


def _parse_json(path: Path, text: str, budget: Budget) -> SourceFile:
    """JSON through the json module, with hooks that only notice trouble; trouble is then
    located by reading the text again with the YAML reader, which knows lines."""
    limits = budget.limits
    suspect = wide = False

    def mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal suspect
        result = dict(pairs)
        if len(result) != len(pairs):
            suspect = True  # a duplicate key
        return result

    def integer(digits: str) -> int:
        nonlocal suspect, wide
        wide = wide or len(digits.lstrip("-")) > _NARROW_DIGITS
        if len(digits) > limits.max_integer_digits:
            suspect = True
            return 0
        return int(digits)

    def number(digits: str) -> float:
        nonlocal suspect
        value = float(digits)
        suspect = suspect or not math.isfinite(value)
        return value

    def constant(name: str) -> None:
        nonlocal suspect
        suspect = True  # NaN or Infinity

    display = display_path(path)
    try:
        data = json.loads(
            text, object_pairs_hook=mapping, parse_int=integer, parse_float=number, parse_constant=constant
        )
    except json.JSONDecodeError as exc:
        location = Location(display, "", exc.lineno)
        raise SpecError([error(location, f"invalid JSON: {exc.msg} (column {exc.colno})")]) from None
    except RecursionError:
        suspect, data = True, None
    nodes = None if suspect else count_values(data, limits.max_depth)
    if nodes is not None and budget.nodes + nodes <= limits.max_nodes:
        budget.nodes += nodes
        return SourceFile(path, data, text=text, wide_integers=wide)
    # Rare: read again, as YAML, for the lines of every problem (and the same budget checks).
    problems: list[Diagnostic]
    try:
        reader = _read_events(text, budget, json_mode=True)
        problems = _located(display, reader)
    except _OverBudget as exc:
        problems = [error(Location(display, "", exc.line), exc.message)]
    except yaml.YAMLError:
        problems = []
    raise SpecError(problems or [error(Location(display), _unlocated_json_problem(data, limits))])


def _unlocated_json_problem(data: Any, limits: Limits) -> str:
    if data is None:
        return f"values nested more than {limits.max_depth} levels deep (limit max-depth)"
    return (
        "duplicate keys, non-finite numbers, over-long integers or too many values "
        f"(limits max-nodes {limits.max_nodes:,}, max-depth {limits.max_depth})"
    )


class FileProblem(Exception):
    """A file that cannot be or must not be read. The message never quotes its content."""


class MissingFile(FileProblem):
    pass


def read_bytes(path: str | Path, budget: Budget) -> bytes:
    """The bytes of a regular file within the size limits; FileProblem otherwise.

    Checked before anything is read: `/dev/zero`, a FIFO or a directory named by a `$ref`
    must be refused, not read until memory runs out or a writer appears.
    """
    limits = budget.limits
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise MissingFile("file not found") from None
    except OSError as exc:
        raise FileProblem(f"cannot read: {exc.strerror}") from None
    if not stat.S_ISREG(status.st_mode):
        kind = "a directory" if stat.S_ISDIR(status.st_mode) else "a device, FIFO or socket"
        raise FileProblem(f"not a regular file ({kind}); refused")
    cap = min(limits.max_file_bytes, limits.max_total_bytes - budget.bytes)
    if status.st_size > cap:
        raise FileProblem(_size_message(status.st_size, limits, budget))
    try:
        # O_NONBLOCK: should the file have become a FIFO since the check, opening it does not wait.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise FileProblem("not a regular file; refused")
            content = stream.read(cap + 1)
    except OSError as exc:
        raise FileProblem(f"cannot read: {exc.strerror}") from None
    if len(content) > cap:  # it grew after the check
        raise FileProblem(_size_message(len(content), limits, budget))
    budget.bytes += len(content)
    return content


def _size_message(size: int, limits: Limits, budget: Budget) -> str:
    if size > limits.max_file_bytes:
        return f"{size:,} bytes, over the limit of {limits.max_file_bytes:,} for one file (max-file-bytes)"
    return f"the spec's files together exceed {limits.max_total_bytes:,} bytes (limit max-total-bytes)"


def read_source(
    path: Path, budget: Budget | None = None, *, read_from: Path | None = None, lines: bool = True
) -> SourceFile:
    """Read and parse one file (from `read_from`, its real path, when given). FileProblem
    when it cannot be read; SpecError for its content. `lines`: as for `parse_text`."""
    budget = budget or Budget()
    content = read_bytes(read_from or path, budget)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError([error(Location(display_path(path)), f"not UTF-8 text: {exc.reason}")]) from None
    source = parse_text(path, text, budget, lines=lines)
    source.digest = digest(content)
    return source


def digest(content: bytes) -> str:
    """A file's fingerprint in a package's stamp (`generator.write.stamps`). Spec files are
    fingerprinted as they are read: the stamp needs no second reading of them."""
    return hashlib.sha256(content).hexdigest()


@overload
def count_values(data: Any) -> int: ...
@overload
def count_values(data: Any, max_depth: int) -> int | None: ...
def count_values(data: Any, max_depth: int | None = None) -> int | None:
    """How many values (mappings, lists and scalars) `data` holds; None when its mappings
    and lists nest deeper than `max_depth`."""
    count, stack = 0, [(data, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if isinstance(node, dict | list):
            if max_depth is not None and depth > max_depth:
                return None
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return count
