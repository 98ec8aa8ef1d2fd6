"""Whether a value fits a schema of the spec, as the generated server would judge it.

The schema is converted as the server converts it (`generator.validate.json_schema`) and checked
with the same validator, formats included. A component it refers to is compiled with
it, together with whatever that component refers to, and no more: a large spec's
thousand schemas are not converted for a check that needs three.
"""

from __future__ import annotations

import functools
import json
import re
from collections import OrderedDict
from typing import Any

import jsonschema_rs

from generator.validate.json_schema import Definitions, to_json_schema

_MAX_MESSAGE = 160
_KEPT_VALIDATORS = 64


class SchemaChecker:
    """Checks values against the schemas of one normalized document."""

    def __init__(self, components: dict[str, Any], *, openapi_30: bool) -> None:
        self.openapi_30 = openapi_30
        self.definitions = Definitions(components, openapi_30=openapi_30)
        self._texts: dict[str, str | Exception] = {}  # see _definition_text
        # By the schema's id; the schema is kept with its validator so that the id cannot
        # be reused by another object while the entry lives. A schema that is only a
        # reference is known by it: DigitalOcean's 3,200 error responses are one `Error`.
        # The least recently used go past `_KEPT_VALIDATORS`: a compiled validator holds its
        # schema and every component it reaches, and DigitalOcean's 584 would hold 37 MB.
        self._validators: OrderedDict[int | str, tuple[Any, jsonschema_rs.Validator | str]] = OrderedDict()

    def release(self) -> None:
        """Drop what was compiled: on a large spec it is most of the IR's memory (DigitalOcean's
        500 validators hold 37 MB), and the checks are over once the IR is built."""
        self._validators.clear()
        self._texts.clear()

    def fits(self, schema: Any, value: Any) -> bool:
        return self.problem(schema, value) is None

    def problem(self, schema: Any, value: Any) -> str | None:
        """Why `value` does not fit `schema` (where, and what is wrong), or None when it does.

        A schema the validator cannot compile cannot vouch for any value: none fits it.
        """
        if schema is False:
            return "no value fits the schema false"
        if not isinstance(schema, dict):
            return None
        validator = self._validator(schema)
        if isinstance(validator, str):
            return validator
        try:
            errors = list(validator.iter_errors(value))
        except Exception:  # a value the validator cannot read (an integer beyond 64 bits, ...)
            return "the validator cannot read the value"
        if not errors:
            return None
        first = errors[0]
        where = "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in first.instance_path)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return f"at {where}: {_shorten(first.message)}{more}"

    def _validator(self, schema: dict[str, Any]) -> jsonschema_rs.Validator | str:
        """The schema's validator, or why there is none."""
        ref = schema.get("$ref") if len(schema) == 1 else None
        key: int | str = ref if isinstance(ref, str) else id(schema)
        validators = self._validators
        if key in validators:
            validators.move_to_end(key)
            return validators[key][1]
        converted = to_json_schema(schema, openapi_30=self.openapi_30)
        try:
            text = self._text(converted, sorted(self.definitions.closure(converted)))
        except (TypeError, ValueError):
            validator: jsonschema_rs.Validator | str = "the schema is not JSON"
        else:
            validator = _compiled(text)
        validators[key] = (schema, validator)
        if len(validators) > _KEPT_VALIDATORS:
            validators.popitem(last=False)
        return validator

    def _text(self, converted: dict[str, Any], names: list[str]) -> str:
        """The JSON text of a converted schema with the components `names` as its `$defs`.
        Raises TypeError or ValueError where it is not JSON.

        Each component's text is written once: DigitalOcean's 500 compiled schemas carry
        3 MB of the same few components. The validator reads keys in any order."""
        if not all(type(key) is str for key in [*converted, *names]):
            definitions = {name: self.definitions.definition(name) for name in names}
            return json.dumps({**converted, "$defs": definitions}, sort_keys=True, allow_nan=False)
        root = json.dumps({k: v for k, v in converted.items() if k != "$defs"}, sort_keys=True, allow_nan=False)
        defs = ", ".join(f"{json.dumps(name)}: {self._definition_text(name)}" for name in names)
        return f'{root[:-1]}{", " if root != "{}" else ""}"$defs": {{{defs}}}}}'

    def _definition_text(self, name: str) -> str:
        """The component's converted schema as JSON text (raises as json.dumps does)."""
        if name not in self._texts:
            try:
                self._texts[name] = json.dumps(self.definitions.definition(name), sort_keys=True, allow_nan=False)
            except (TypeError, ValueError) as exc:
                self._texts[name] = exc
        text = self._texts[name]
        if isinstance(text, Exception):
            raise ValueError(str(text))
        return text


# Small schemas (a parameter's, a string format's) come back in every spec: their
# validators are shared by every spec a process generates. A large one is its spec's own.
_SHARED_TEXT_CHARS = 2000


def _compiled(schema: str) -> jsonschema_rs.Validator | str:
    """The validator of a schema's JSON text, or why it cannot be compiled."""
    return _shared(schema) if len(schema) <= _SHARED_TEXT_CHARS else _compile(schema)


@functools.lru_cache(maxsize=4096)
def _shared(schema: str) -> jsonschema_rs.Validator | str:
    return _compile(schema)


def _compile(schema: str) -> jsonschema_rs.Validator | str:
    try:
        return jsonschema_rs.validator_for(schema, validate_formats=True)
    except Exception as exc:  # an unresolvable reference, a pattern the validator cannot compile
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f"the schema cannot be compiled: {_shorten(reason)}"


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _shorten(text: str) -> str:
    """A validator's message, on one line and short: it quotes the value, which may be long."""
    text = _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."
