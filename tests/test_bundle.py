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


def test_an_object_referred_to_from_many_places_is_inlined_as_a_copy_in_each(tmp_path: Path) -> None:
    # Walked once, copied for the other places: each copy is its own object (later stages
    # change the document in place), remembers its file, and repeats the walk's warnings.
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n"
        "  /a:\n    get:\n      responses: {'404': {$ref: 'common.yaml#/missing'}}\n"
        "  /b:\n    get:\n      responses: {'404': {$ref: 'common.yaml#/missing'}}\n"
    )
    (tmp_path / "common.yaml").write_text(
        "missing:\n  description: not found\n"
        "  headers:\n    X-Rate: {$ref: '#/rate'}\n"
        "  content:\n    application/json:\n      schema: {$ref: '#/nowhere'}\n"
        "      example: {detail: gone}\n"
        "rate:\n  schema: {type: integer}\n"
    )
    loaded, diagnostics = bundle(tmp_path / "api.yaml")
    first = loaded.document["paths"]["/a"]["get"]["responses"]["404"]
    second = loaded.document["paths"]["/b"]["get"]["responses"]["404"]
    assert first == {
        "description": "not found",
        "headers": {"X-Rate": {"schema": {"type": "integer"}}},
        "content": {"application/json": {"schema": {}, "example": {"detail": "gone"}}},
    }
    assert second == first
    assert first is not second and first["headers"]["X-Rate"] is not second["headers"]["X-Rate"]
    assert first["content"]["application/json"] is not second["content"]["application/json"]
    for path in ("/a", "/b"):
        location = loaded.locate(f"/paths/{path.replace('/', '~1')}/get/responses/404/headers/X-Rate/schema/type")
        assert (Path(location.file).name, location.pointer, location.line) == ("common.yaml", "/rate/schema/type", 10)
    assert [(d.kind, d.location.line) for d in diagnostics] == [("unresolvable-ref", 7), ("unresolvable-ref", 7)]


def test_an_object_inlined_where_a_circular_ref_was_cut_is_walked_again_elsewhere(tmp_path: Path) -> None:
    # Inside `a`, `b`'s reference back to `a` is cut; `b` on its own still holds `a`.
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
        "servers: [{$ref: 'other.yaml#/a'}, {$ref: 'other.yaml#/b'}]\n"
    )
    (tmp_path / "other.yaml").write_text("a: {url: a, next: {$ref: '#/b'}}\nb: {url: b, next: {$ref: '#/a'}}\n")
    loaded, diagnostics = bundle(tmp_path / "api.yaml")
    assert loaded.document["servers"] == [{"url": "a", "next": {"url": "b"}}, {"url": "b", "next": {"url": "a"}}]
    assert [d.kind for d in diagnostics] == ["circular-ref", "circular-ref"]
