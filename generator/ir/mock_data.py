"""The values the generated mock serves: the spec's examples where they fit, else values
that do.

A response's example (its media type's `example`, else the first of its `examples`) is
checked against the response schema as the generated server reads it. One that does not
fit is replaced, by the first of: another of the media type's examples that fits; the
example repaired (the properties and items that fit kept, the rest made anew or left
out); a value made from the schema (`generator.ir.examples`). Each replacement is a warning
at the example, kind `example-replaced`, saying why it did not fit; so is each
schema-level `example` a made value would have used. Where nothing fitting can be made,
the response gets no example and a warning, kind `no-valid-example`: the mock answers
501 there rather than a body its own response check refuses.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from generator import pointers
from generator.ir.examples import NOTHING, Synthesizer
from generator.ir.schema_check import SchemaChecker

Warn = Callable[[str, str, str], None]  # pointer, message, kind
_NOT_IMPLEMENTED = "the mock answers 501 Not Implemented"


class MockData:
    """Chooses, checks and repairs the examples of one normalized document."""

    def __init__(self, document: dict[str, Any], components: dict[str, Any], *, openapi_30: bool, warn: Warn):
        self.document = document
        self.warn = warn
        self.checker = SchemaChecker(components, openapi_30=openapi_30)
        self.synthesizer = Synthesizer(components, self.checker, self._schema_example_replaced)
        self._pointers: dict[int, str] = {}
        self._indexing: Iterator[int] | None = None
        self._warned: set[tuple[str, str]] = set()

    def response_example(self, media: dict[str, Any], at: str, *, make: bool) -> Any:
        """The value the mock serves for the media type at `at`, or None for none.

        With `make` (a success response), a response without an example gets one made
        from its schema, and one without any valid value is answered with a 501.
        """
        schema, schema_at = media.get("schema"), pointers.join(at, "schema")
        given = _given_examples(self.document, media, at)
        if schema is None:
            return given[0][0] if given else None
        self.synthesizer.failure = None
        if given:
            value, pointer, _ = given[0]
            problem = self.checker.problem(schema, value)
            if problem is not None:
                return self._replaced(schema, schema_at, (value, pointer, problem), given[1:], make=make)
            if value is not None:
                return value
        # No example, or a null that fits: the mock cannot answer null, it answers a value.
        if not make:
            return None
        made = self.synthesizer.synthesize(schema)
        if made is NOTHING:
            message = f"the response has no example and {self._why_nothing(schema_at)}: {_NOT_IMPLEMENTED}"
            self._warn(schema_at, message, "no-valid-example")
            return None
        return copy.deepcopy(made)

    def named_examples(self, media: dict[str, Any], at: str) -> tuple[tuple[str, Any], ...]:
        """The entries of the media type's `examples` map that fit its schema, by name, for
        `Prefer: example=<name>`. One that does not fit is left out, with a warning."""
        named = []
        for value, pointer, name in _given_examples(self.document, media, at):
            if pointer == pointers.join(at, "example"):
                continue  # the single `example`, not an entry of the map
            schema = media.get("schema")
            problem = self.checker.problem(schema, value) if schema is not None else None
            if value is None or problem is not None:
                why = problem or "null is no answer"
                message = f"example does not fit its schema: {why}; `Prefer: example={name}` is not offered"
                self._warn(pointer, message, "example-replaced")
                continue
            named.append((name, copy.deepcopy(value)))
        return tuple(named)

    def _replaced(
        self,
        schema: Any,
        schema_at: str,
        example: tuple[Any, str, str],
        others: list[tuple[Any, str, str]],
        *,
        make: bool,
    ) -> Any:
        """What the mock serves in place of an example (value, pointer, why it does not
        fit), said in a warning."""
        value, pointer, problem = example
        replacement, how = self._replacement(schema, value, others)
        if replacement is NOTHING:
            outcome = _NOT_IMPLEMENTED if make else "the mock leaves the example out"
            why = self._why_nothing(schema_at)
            message = f"example does not fit its schema: {problem}; {why}: {outcome}"
            self._warn(pointer, message, "no-valid-example")
            return None
        self._warn(pointer, f"example does not fit its schema: {problem}; the mock serves {how}", "example-replaced")
        return copy.deepcopy(replacement)

    def _replacement(self, schema: Any, value: Any, others: list[tuple[Any, str, str]]) -> tuple[Any, str]:
        for other, _, name in others:
            if self.checker.fits(schema, other):
                return other, f"the example {name!r} instead"
        repaired = self.synthesizer.repair(schema, value)
        if repaired is not NOTHING:
            return repaired, "it with what does not fit replaced"
        made = self.synthesizer.synthesize(schema)
        return made, "a value made from the schema instead"

    def _why_nothing(self, at: str) -> str:
        """Why no value was made, naming the schema that stopped it when it is not `at`'s."""
        failure = self.synthesizer.failure
        if failure is None:
            return "no value fitting the schema can be made"
        schema, _, problem = failure
        where = self._pointer_of(schema)
        place = f"{where}: " if where is not None and where != at else ""
        return f"no value fitting the schema can be made ({place}{problem})"

    def _schema_example_replaced(self, schema: dict[str, Any], key: str, problem: str, repaired: bool) -> None:
        where = self._pointer_of(schema)
        if where is None:
            return
        how = "it with what does not fit replaced" if repaired else "a value made from the schema instead"
        message = f"example does not fit its schema: {problem}; the mock serves {how}"
        self._warn(pointers.join(where, *key.split("/")), message, "example-replaced")

    def _warn(self, pointer: str, message: str, kind: str) -> None:
        if (pointer, kind) not in self._warned:
            self._warned.add((pointer, kind))
            self.warn(pointer, message, kind)

    def _pointer_of(self, schema: Any) -> str | None:
        """Where a schema object sits in the document. The document is indexed only as far
        as the schemas asked about: walking all of DigitalOcean's took 0.2 s for three."""
        wanted = id(schema)
        if wanted not in self._pointers:
            if self._indexing is None:
                self._indexing = _index(self.document, self._pointers)
            if not any(found == wanted for found in self._indexing):
                return None
        return self._pointers[wanted]


def resolved(document: dict[str, Any], node: Any, at: str) -> tuple[Any, str]:
    """`node` with its local `$ref`s followed, and the pointer where it was found."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
        ref = node["$ref"]
        if ref in seen:
            break
        seen.add(ref)
        try:
            node, at = pointers.walk(document, ref[1:]), ref[1:]
        except (KeyError, ValueError):
            break
    return node, at


def _given_examples(document: dict[str, Any], media: dict[str, Any], at: str) -> list[tuple[Any, str, str]]:
    """The media type's examples as (value, pointer, name), in the order the mock prefers them."""
    given = [(media["example"], pointers.join(at, "example"), "example")] if "example" in media else []
    examples = media.get("examples")
    for name, raw in examples.items() if isinstance(examples, dict) else ():
        entry, entry_at = resolved(document, raw, pointers.join(at, "examples", name))
        if isinstance(entry, dict) and "value" in entry:
            given.append((entry["value"], pointers.join(entry_at, "value"), str(name)))
    return given


def _index(document: Any, found: dict[int, str]) -> Iterator[int]:
    """Record the pointer of every object of the document in `found`, by its id (the first
    place it is met at), yielding each id as it is recorded."""
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        node, at = stack.pop()
        if isinstance(node, dict):
            if id(node) not in found:
                found[id(node)] = at
                yield id(node)
                stack.extend((value, pointers.join(at, key)) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, pointers.join(at, index)) for index, value in enumerate(node))
