"""One table of Python types for JSON Schema types and formats, read by the models and the signatures."""

from __future__ import annotations

from typing import Any

import pytest

from generator import naming
from generator.ir.types import ANY, STRING_FORMATS, PythonType, python_type, scalar_type
from generator.render.model_builder import build_models

# Every format of the table, in a model field and as a signature's annotation.
FORMATS = {
    "date-time": ("AwareDatetime", "str"),
    "date": ("date", "str"),
    "uuid": ("UUID", "str"),
    "ipv4": ("IPv4Address", "str"),
    "ipv6": ("IPv6Address", "str"),
    "binary": ("bytes", "bytes"),
    "email": ("str", "str"),  # no type of its own: the text is checked, not converted
}


def _model_document(schemas: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {"schemas": schemas}}


@pytest.mark.parametrize(("format_", "spelt"), FORMATS.items())
def test_models_and_signatures_spell_a_format_from_the_same_table(format_: str, spelt: tuple[str, str]) -> None:
    schema = {"type": "string", "format": format_}
    document = _model_document({"Thing": {"type": "object", "required": ["value"], "properties": {"value": schema}}})
    module, _ = build_models(document)
    (thing,) = module.classes
    (field,) = thing.fields
    assert (field.annotation, python_type(schema, {})) == spelt
    imported = {
        (module_name, name) for models in module.modules for module_name, names in models.imports for name in names
    }
    assert scalar_type("string", format_).imports <= imported  # the models module imports what it names


def test_every_type_of_the_table_is_a_name_the_models_module_may_import() -> None:
    allowed = {(module, name) for module, names in naming.MODELS_IMPORTS for name in names}
    for python in (*STRING_FORMATS.values(), ANY):
        assert python.imports <= allowed, python


def test_a_signature_takes_a_formatted_string_as_text_and_bytes_as_bytes() -> None:
    assert scalar_type("string", "date-time") == PythonType("AwareDatetime", frozenset({("pydantic", "AwareDatetime")}))
    assert scalar_type("string", "date-time", in_signature=True) == PythonType("str")
    assert scalar_type("string", "binary", in_signature=True) == PythonType("bytes")
    assert scalar_type("integer", "date") == PythonType("int")  # a format refines strings only
    assert scalar_type("file") == ANY
    assert python_type({"type": "array", "items": {"type": "string", "format": "uuid"}}, {}) == "list[str]"
