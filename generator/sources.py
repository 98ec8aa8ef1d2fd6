"""Reading spec files: YAML or JSON, with the line of every mapping key and list item.

YAML is read with YAML 1.2 core-schema scalars (the dialect OpenAPI documents are written
in): `no`, `on` and `1:20` stay strings and dates stay strings, where PyYAML's YAML 1.1
defaults would turn them into booleans, sexagesimal numbers and datetimes.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator import pointers
from generator.diagnostics import Location, SpecError, error

try:  # libyaml's parser is several times faster; fall back to pure Python without it.
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader

_CORE_SCHEMA: list[tuple[str, str, str]] = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN\0"),
]


class _SpecLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """A safe loader that records key lines and reports duplicate keys."""

    key_lines: dict[int, dict[str, int]]
    item_lines: dict[int, list[int]]
    duplicate_keys: list[tuple[str, int]]


_SpecLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in _CORE_SCHEMA:
    _SpecLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _construct_int(loader: _SpecLoader, node: yaml.ScalarNode) -> int:
    return _parse_int(node.value)


def _parse_int(text: str) -> int:
    if text.startswith("0x"):
        return int(text[2:], 16)
    if text.startswith("0o"):
        return int(text[2:], 8)
    return int(text)


def _construct_float(loader: _SpecLoader, node: yaml.ScalarNode) -> float:
    return _parse_float(node.value)


def _parse_float(text: str) -> float:
    text = text.lower()
    if text.endswith(".inf"):
        return -math.inf if text.startswith("-") else math.inf
    if text == ".nan":
        return math.nan
    return float(text)


def _construct_mapping(loader: _SpecLoader, node: yaml.MappingNode) -> Any:
    mapping: dict[str, Any] = {}
    yield mapping
    loader.flatten_mapping(node)
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        # Keys are read as written: `200:` and `true:` are the strings "200" and "true".
        if isinstance(key_node, yaml.ScalarNode):
            key = key_node.value
        else:
            key = json.dumps(loader.construct_object(key_node, deep=True), default=str)
        if key in lines:
            loader.duplicate_keys.append((key, key_node.start_mark.line + 1))
        mapping[key] = loader.construct_object(value_node, deep=True)
        lines[key] = key_node.start_mark.line + 1
    loader.key_lines[id(mapping)] = lines


def _construct_sequence(loader: _SpecLoader, node: yaml.SequenceNode) -> Any:
    items: list[Any] = []
    yield items
    items.extend(loader.construct_object(child, deep=True) for child in node.value)
    loader.item_lines[id(items)] = [child.start_mark.line + 1 for child in node.value]


_SpecLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_SpecLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_SpecLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_SpecLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


class _Unusual(Exception):
    """A construct the event reader leaves to PyYAML's constructor: an explicit tag, an alias key."""


_TAG = "tag:yaml.org,2002:"


class _EventReader:
    """Builds the data straight from the C parser's events, with the lines of keys and items.

    PyYAML's usual path composes a node tree and then walks it with generator-based
    constructors; reading the events directly does the same work in about half the time
    (0.2 s on DigitalOcean's 1,509 files). Scalars are resolved by the loader's own
    resolver, so the two paths give the same values; anything unusual goes the usual path.
    """

    def __init__(self, loader: _SpecLoader) -> None:
        self.loader = loader
        self.anchors: dict[str, Any] = {}

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

    def node(self, event: Any) -> Any:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            value = self.scalar(event)
        elif kind is yaml.MappingStartEvent:
            value = self.mapping(event)
        elif kind is yaml.SequenceStartEvent:
            value = self.sequence(event)
        elif kind is yaml.AliasEvent:
            if event.anchor not in self.anchors:
                raise yaml.composer.ComposerError(
                    None, None, f"found undefined alias {event.anchor!r}", event.start_mark
                )
            return self.anchors[event.anchor]
        else:  # pragma: no cover - the parser guarantees a node here
            raise _Unusual(kind.__name__)
        return value

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        text = event.value
        if tag == _TAG + "str":
            value: Any = text
        elif tag == _TAG + "int":
            value = _parse_int(text)
        elif tag == _TAG + "float":
            value = _parse_float(text)
        elif tag == _TAG + "bool":
            value = text.lower() == "true"
        elif tag == _TAG + "null":
            value = None
        else:
            raise _Unusual(tag)
        if event.anchor is not None:
            self.anchors[event.anchor] = value
        return value

    def mapping(self, event: Any) -> dict[str, Any]:
        if event.tag not in (None, "!", _TAG + "map"):
            raise _Unusual(event.tag)
        loader = self.loader
        mapping: dict[str, Any] = {}
        lines: dict[str, int] = {}
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
                if key_event.anchor is not None:
                    self.scalar(key_event)
            elif kind is yaml.AliasEvent:
                raise _Unusual("alias key")
            else:
                key = json.dumps(self.node(key_event), default=str)
            line = key_event.start_mark.line + 1
            if key in lines:
                loader.duplicate_keys.append((key, line))
            mapping[key] = self.node(loader.get_event())
            lines[key] = line
        loader.key_lines[id(mapping)] = lines
        return mapping

    def sequence(self, event: Any) -> list[Any]:
        if event.tag not in (None, "!", _TAG + "seq"):
            raise _Unusual(event.tag)
        loader = self.loader
        items: list[Any] = []
        lines: list[int] = []
        if event.anchor is not None:
            self.anchors[event.anchor] = items
        while True:
            item_event = loader.get_event()
            if type(item_event) is yaml.SequenceEndEvent:
                break
            lines.append(item_event.start_mark.line + 1)
            items.append(self.node(item_event))
        loader.item_lines[id(items)] = lines
        return items


def _load_yaml(text: str) -> tuple[Any, _SpecLoader]:
    """The document in `text` and the loader that read it (its key and item lines)."""
    loader = _SpecLoader(text)
    loader.key_lines, loader.item_lines, loader.duplicate_keys = {}, {}, []
    try:
        return _EventReader(loader).document(), loader
    except _Unusual:
        pass
    finally:
        loader.dispose()
    loader = _SpecLoader(text)
    loader.key_lines, loader.item_lines, loader.duplicate_keys = {}, {}, []
    try:
        return loader.get_single_data(), loader
    finally:
        loader.dispose()


def display_path(path: Path) -> str:
    """The path as messages show it: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)
    return relative


@dataclass(eq=False)
class SourceFile:
    """One parsed file of a spec and the lines its nodes came from."""

    path: Path
    data: Any
    key_lines: dict[int, dict[str, int]] = field(default_factory=dict)
    item_lines: dict[int, list[int]] = field(default_factory=dict)

    @property
    def display(self) -> str:
        return display_path(self.path)

    def line_of(self, pointer: str) -> int | None:
        """The line of the deepest node on `pointer` that this file knows the line of."""
        node = self.data
        line: int | None = 1 if self.key_lines or self.item_lines else None
        for token in pointers.split(pointer):
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


def parse_text(path: Path, text: str) -> SourceFile:
    """Parse YAML or JSON text; raise SpecError with the file and line on bad syntax."""
    if path.suffix.lower() == ".json":
        try:
            return SourceFile(path, json.loads(text))
        except json.JSONDecodeError as exc:
            location = Location(display_path(path), "", exc.lineno)
            raise SpecError([error(location, f"invalid JSON: {exc.msg} (column {exc.colno})")]) from None
    try:
        data, loader = _load_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "syntax error"
        column = f" (column {mark.column + 1})" if mark is not None else ""
        location = Location(display_path(path), "", line)
        raise SpecError([error(location, f"invalid YAML: {problem}{column}")]) from None
    except yaml.YAMLError as exc:
        raise SpecError([error(Location(display_path(path)), f"invalid YAML: {exc}")]) from None
    source = SourceFile(path, data, loader.key_lines, loader.item_lines)
    if loader.duplicate_keys:
        raise SpecError(
            error(Location(source.display, "", line), f"duplicate key {key!r}") for key, line in loader.duplicate_keys
        )
    return source


def read_source(path: Path) -> SourceFile:
    """Read and parse one file; a missing or unreadable file is a SpecError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError([error(Location(display_path(path)), "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise SpecError([error(Location(display_path(path)), f"not UTF-8 text: {exc.reason}")]) from None
    except OSError as exc:
        raise SpecError([error(Location(display_path(path)), f"cannot read: {exc.strerror}")]) from None
    return parse_text(path, text)
