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

Choosing the answers needs only the normalized document, and on a large spec it is half
of building the IR (DigitalOcean: 0.2 s of 0.45, most of it compiling 550 response schemas
to check their examples). So `answer_all` chooses every operation's at once, and the IR
builder, which leaves them out of the operations it builds, takes them by the pointer of
each response afterwards: the pipeline has them chosen in a child process meanwhile.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from generator import pointers
from generator.diagnostics import Diagnostic, Location, warning
from generator.ir.examples import NOTHING, Synthesizer
from generator.ir.schema_check import SchemaChecker
from generator.load.bundle import operation_at
from generator.media_types import Encoding, preferred_media_type
from generator.normalize.normalize import operation_ids

Warn = Callable[[str, str, str], None]  # pointer, message, kind
_NOT_IMPLEMENTED = "the mock answers 501 Not Implemented"


@dataclass(frozen=True)
class Answer:
    """What the mock answers one response with: its example (for server-sent events, the
    tuple of events it streams) and the examples a request may ask for by name."""

    example: Any = None
    named_examples: tuple[tuple[str, Any], ...] = ()


@dataclass
class Answers:
    """The answer to each response of a document's operations that the mock answers with
    a checked example (see `answered`), by the response's pointer in its operation
    (`/paths/~1pets/get/responses/200`, before any `$ref`); the warnings choosing them gave."""

    by_response: dict[str, Answer]
    warnings: list[Diagnostic]


def answer_all(document: dict[str, Any], locate: Callable[[str], Location]) -> Answers:
    """Every operation's answers, in the order the operations are built: the values made
    for one response can depend on those made before it (shared schemas are made once)."""
    warnings: list[Diagnostic] = []
    mock = MockData(
        document,
        document.get("components", {}).get("schemas", {}),
        openapi_30=str(document.get("openapi", "")).startswith("3.0"),
        warn=lambda pointer, message, kind: warnings.append(warning(locate(pointer), message, kind)),
    )
    answers = {}
    try:
        for path, method in operation_ids(document):
            _, operation, operation_pointer = operation_at(document, path, method)
            responses_at = pointers.join(operation_pointer, "responses")
            for status, raw in (operation.get("responses") or {}).items():
                at = pointers.join(responses_at, status)
                answer = mock.answer(status, raw, at)
                if answer is not None:
                    answers[at] = answer
    finally:
        # The validators, now: the mock and its values' maker refer to each other, and a
        # run keeps the cycle collector off (DigitalOcean's held up to 37 MB).
        mock.checker.release()
    return Answers(answers, warnings)


def response_media(
    document: dict[str, Any], raw: Any, at: str
) -> tuple[dict[str, Any], str, str | None, dict[str, Any]]:
    """A response (its `$ref` followed), where it is written, the media type the generated
    code speaks of its content (None: it has no content) and that media type's object."""
    response, at = resolved(document, raw, at)
    response = response if isinstance(response, dict) else {}
    media_type = preferred_media_type(response.get("content") or {})
    media = response["content"][media_type] if media_type is not None else None
    return response, at, media_type, media if isinstance(media, dict) else {}


def answered(status: str, encoding: Encoding, media: dict[str, Any]) -> bool:
    """Whether the mock answers a response of `status` and content `media` with a checked
    example: a JSON body, or the events of a successful event stream with a schema."""
    if encoding is Encoding.JSON:
        return True
    return encoding is Encoding.EVENTS and status.startswith("2") and media.get(event_schema_key(media)) is not None


def event_schema_key(media: dict[str, Any]) -> str:
    """Where an event stream's content keeps the schema of each event's data: OpenAPI 3.2's
    `itemSchema`, else `schema` (where 3.1 and 3.0 can only describe the data)."""
    return "itemSchema" if "itemSchema" in media else "schema"


def first_example(media: dict[str, Any]) -> Any:
    """The media type's example: `example`, else the first of `examples`."""
    if "example" in media:
        return media["example"]
    examples = media.get("examples")
    if isinstance(examples, dict):
        for example in examples.values():
            if isinstance(example, dict) and "value" in example:
                return example["value"]
    return None


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

    def answer(self, status: str, raw: Any, at: str) -> Answer | None:
        """The answer to the response `raw` of `status`, written at `at`; None where the mock
        answers it with no checked example (see `answered`)."""
        _, at, media_type, media = response_media(self.document, raw, at)
        if media_type is None:
            return None
        encoding = Encoding.of(media_type)
        if not answered(status, encoding, media):
            return None
        media_at = pointers.join(at, "content", media_type)
        if encoding is Encoding.EVENTS:
            return Answer(self._events(media, media_at))
        success = status.startswith("2")
        example = self.response_example(media, media_at, make=success)
        return Answer(example, self.named_examples(media, media_at) if success else ())

    def _events(self, media: dict[str, Any], at: str) -> tuple[Any, ...]:
        """The events the mock streams: the example's list of events, or its one event (one
        made from the schema where there is none) three times; each checked as an answer is."""
        key = event_schema_key(media)
        schema = media[key]
        example = first_example(media)
        if isinstance(example, list) and example:
            as_array = {"schema": {"type": "array", "items": schema}, "example": example}
            events = self.response_example(as_array, at, make=True)
            if isinstance(events, list) and events:
                return tuple(events)
        single = (
            {"schema": schema, "example": example}
            if example is not None and not isinstance(example, list)
            else {key: schema, "schema": schema}
        )
        event = self.response_example(single, at, make=True)
        return () if event is None else (event,) * 3

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
