"""Following $refs across files into one document that remembers where nodes came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import Severity, SpecError
from generator.load.bundle import bundle
from generator.load.spec_input import SpecInput
from generator.pipeline import check_spec
from tests.support import FIXTURES


def test_refs_across_files_are_hoisted_and_inlined() -> None:
    loaded, diagnostics = bundle(FIXTURES / "multifile" / "api.yaml")
    assert diagnostics == []
    document = loaded.document
    operation = document["paths"]["/owners/{id}"]["get"]
    # A referenced parameter is inlined; a referenced schema becomes a named component.
    assert operation["parameters"][0]["name"] == "id"
    schema_ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert schema_ref == "#/components/schemas/owner"
    schemas = document["components"]["schemas"]
    assert set(schemas) == {"owner", "Pet", "Address", "Country"}  # Address and Country from a JSON file
    assert schemas["owner"]["properties"]["pets"]["items"] == {"$ref": "#/components/schemas/Pet"}
    # A schema that refers to itself ("#" in its own file) refers to its component.
    assert schemas["owner"]["properties"]["manager"] == {"$ref": "#/components/schemas/owner"}


def test_locate_maps_a_bundled_pointer_to_its_file_and_line() -> None:
    loaded, _ = bundle(FIXTURES / "multifile" / "api.yaml")
    location = loaded.locate("/components/schemas/Pet/properties/nickname")
    assert location.file.endswith("multifile/schemas/pet.yaml")
    assert location.pointer == "/Pet/properties/nickname"
    assert location.line == 6


def test_a_missing_file_is_an_error_where_its_ref_is_written() -> None:
    with pytest.raises(SpecError) as caught:
        bundle(FIXTURES / "invalid" / "missing_file.yaml")
    (diagnostic,) = caught.value.diagnostics
    assert "$ref points at a missing file" in diagnostic.message
    assert diagnostic.location.line == 15
    assert diagnostic.location.pointer.endswith("/schema/$ref")


def test_a_missing_file_is_reported_with_the_problems_of_the_rest_of_the_spec(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n"
        "  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n"
        "          content: {application/json: {schema: {$ref: 'missing.yaml'}}}\n"
        "  /b:\n    get:\n      operationId: getA\n      responses: {'200': {description: ok}}\n"
    )
    # Bundling alone stops at the file it cannot read; the pipeline's run also validates the rest.
    with pytest.raises(SpecError) as caught:
        bundle(tmp_path / "api.yaml")
    assert [d.kind for d in caught.value.diagnostics] == ["other"]
    found = check_spec(SpecInput(tmp_path / "api.yaml", "api"))
    assert [(d.kind, d.location.line) for d in found] == [("other", 10), ("duplicate-operation-id", 13)]


def test_an_unresolvable_ref_is_a_warning_and_allows_any_value() -> None:
    loaded, diagnostics = bundle(FIXTURES / "invalid" / "unresolvable_ref.yaml")
    (diagnostic,) = diagnostics
    assert diagnostic.severity is Severity.WARNING and diagnostic.kind == "unresolvable-ref"
    assert "unresolvable $ref '#/components/schemas/Missing'" in diagnostic.message
    assert diagnostic.location.line == 15
    assert diagnostic.location.pointer.endswith("/schema/$ref")
    schema = loaded.document["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "$ref" not in schema


def test_circular_non_schema_refs_are_dropped_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    $ref: 'other.yaml#/item'\n"
    )
    (tmp_path / "other.yaml").write_text("item:\n  $ref: '#/item'\n")
    loaded, diagnostics = bundle(tmp_path / "api.yaml")
    assert [d.kind for d in diagnostics] == ["circular-ref"]
    assert loaded.document["paths"] == {}
