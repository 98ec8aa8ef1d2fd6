"""Validation: the OpenAPI meta-schema and our own rules, each problem at its line."""

from __future__ import annotations

import pytest

from generator.diagnostics import Severity
from generator.load.bundle import bundle
from generator.validate.validate import validate
from tests.support import FIXTURES, SPECS, VENDORS


@pytest.mark.parametrize("name", VENDORS)
def test_vendor_specs_are_valid(name: str) -> None:
    loaded, diagnostics = bundle(SPECS / f"{name}.yaml")
    assert diagnostics == []
    assert validate(loaded) == []


def test_vendor_specs_pass_openapi_spec_validator() -> None:
    import yaml
    from openapi_spec_validator import validate as validate_with_library

    for name in VENDORS:
        validate_with_library(yaml.safe_load((SPECS / f"{name}.yaml").read_text()))


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("duplicate_operation_id.yaml", [(14, "/paths/~1b/get/operationId", "duplicate operationId 'fetch'")]),
        (
            "path_parameters.yaml",
            [
                (7, "/paths/~1a~1{id}/get", "path parameter {id} of '/a/{id}' is not declared: taken as a string"),
                (16, "/paths/~1b~1{id}/get/parameters/0", "'id' is not declared required: taken as required"),
            ],
        ),
        ("bad_status.yaml", [(10, "/paths/~1a/get/responses/2000", "bad status code '2000'")]),
        ("meta_schema.yaml", [(11, "/paths/~1a/get/parameters/0/in", "'body' is not one of")]),
    ],
)
def test_each_problem_is_one_diagnostic_at_its_place(fixture: str, expected: list[tuple[int, str, str]]) -> None:
    loaded, _ = bundle(FIXTURES / "invalid" / fixture)
    found = validate(loaded)
    assert [(d.location.line, d.location.pointer) for d in found] == [(line, pointer) for line, pointer, _ in expected]
    for diagnostic, (_, _, words) in zip(found, expected, strict=True):
        assert words in diagnostic.message
        assert diagnostic.location.file.endswith(fixture)


def test_only_duplicate_operation_ids_are_errors_among_the_rules() -> None:
    """The severity policy: what leaves no correct code for the whole document is an error;
    a construct that can be degraded is a warning, and the document is repaired."""
    loaded, _ = bundle(FIXTURES / "invalid" / "many_problems.yaml")
    found = validate(loaded)
    assert [d.kind for d in found if d.severity is Severity.ERROR] == ["duplicate-operation-id"]
    assert {d.kind for d in found if d.severity is Severity.WARNING} == {  # the unresolvable $ref: bundle's
        "undeclared-parameter",
        "invalid-status",
        "default-mismatch",
    }


def test_repairs_leave_a_document_the_meta_schema_accepts() -> None:
    import jsonschema_rs

    from generator.validate.validate import _meta_schema, openapi_version

    for fixture in ("path_parameters.yaml", "bad_status.yaml", "meta_schema.yaml", "default_mismatch.yaml"):
        loaded, _ = bundle(FIXTURES / "invalid" / fixture)
        assert all(d.severity is Severity.WARNING for d in validate(loaded))
        version = openapi_version(loaded.document)
        assert version is not None
        assert jsonschema_rs.validator_for(_meta_schema(version)).is_valid(loaded.document), fixture
        assert validate(loaded) == [], fixture  # repaired once, nothing is left to repair


def test_an_unsupported_version_is_reported(tmp_path: object) -> None:
    from pathlib import Path

    spec = Path(str(tmp_path)) / "swagger.yaml"
    spec.write_text("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n")
    loaded, _ = bundle(spec)
    (diagnostic,) = validate(loaded)
    assert "OpenAPI 3.0, 3.1 or 3.2 is required" in diagnostic.message
    assert diagnostic.severity is Severity.ERROR


def test_a_default_is_checked_against_the_components_its_schema_reaches(tmp_path: object) -> None:
    from pathlib import Path

    spec = Path(str(tmp_path)) / "defaults.yaml"
    spec.write_text(
        """openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Settings:
      type: object
      properties:
        level: {allOf: [{$ref: '#/components/schemas/Level'}], default: loud}
        quiet: {allOf: [{$ref: '#/components/schemas/Level'}], default: low}
        odd~name: {allOf: [{$ref: '#/components/schemas/odd~1name'}], default: 7}
        unrelated: {type: string}
    Level: {$ref: '#/components/schemas/Levels'}
    Levels: {type: string, enum: [low, high]}
    odd/name: {type: string}
"""
    )
    loaded, _ = bundle(spec)
    found = {(d.location.pointer, d.kind) for d in validate(loaded)}
    assert found == {
        ("/components/schemas/Settings/properties/level/default", "default-mismatch"),
        ("/components/schemas/Settings/properties/odd~0name/default", "default-mismatch"),
    }
