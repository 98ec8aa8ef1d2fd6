"""The IR: Python names, types, security and servers decided before any template runs."""

from __future__ import annotations

from pathlib import Path

from generator.ir.ir import Api, AuthKind, ParameterLocation
from generator.ir.ir_builder import build_api
from generator.load.bundle import bundle
from generator.normalize.normalize import normalize
from tests.support import FIXTURES


def _petstore() -> Api:
    loaded, _ = bundle(FIXTURES / "specs" / "petstore.yaml")
    normalize(loaded.document)
    api, warnings = build_api(loaded.document, loaded, "petstore", "petstore.yaml")
    assert warnings == []
    return api


def test_operations_get_snake_case_methods_and_derived_ids() -> None:
    api = _petstore()
    assert [(o.method_name, o.http_method, o.path) for o in api.operations] == [
        ("get_pet", "GET", "/pets/{pet-id}"),
        ("delete_pet", "DELETE", "/pets/{pet-id}"),
        ("post_pets", "POST", "/pets"),
    ]


def test_parameters_keep_wire_names_and_get_python_names() -> None:
    get_pet = _petstore().operations[0]
    assert [(p.name, p.python_name, p.location, p.required, p.python_type) for p in get_pet.parameters] == [
        ("pet-id", "pet_id", ParameterLocation.PATH, True, "int"),
        ("include[owner]", "include_owner", ParameterLocation.QUERY, False, "bool"),
        ("X-Request-Id", "x_request_id", ParameterLocation.HEADER, False, "str"),
    ]


def test_models_are_named_as_classes_and_inline_bodies_are_hoisted() -> None:
    api = _petstore()
    assert api.model_names == ("Pet", "Error", "PostPetsRequest", "PostPetsResponse")
    get_pet, delete_pet, post_pets = api.operations
    assert get_pet.success.python_type == "Pet"
    assert [(e.status, e.python_type, e.exception_name) for e in get_pet.errors] == [("404", "Error", "NotFoundError")]
    assert delete_pet.success.python_type is None
    assert post_pets.body is not None and post_pets.body.python_type == "PostPetsRequest"
    assert post_pets.success.status_code == 201


def test_security_servers_and_environment() -> None:
    api = _petstore()
    (scheme,) = api.security_schemes
    assert (scheme.kind, scheme.api_key_name, scheme.api_key_location) == (AuthKind.API_KEY, "X-Api-Key", "header")
    assert [(c.python_name, c.environment_variable) for c in scheme.credentials] == [("api_key", "PETSTORE_API_KEY")]
    assert api.operations[1].security == ()  # `security: []` turns authentication off
    (variable,) = api.default_server.variables
    assert (variable.python_name, variable.default, variable.enum) == ("region", "eu", ("eu", "us"))
    assert api.package == "petstore_api" and api.distribution == "petstore-api" and api.package_version == "1.2"


def test_a_body_keeps_the_media_types_the_server_reads(tmp_path: Path) -> None:
    spec = tmp_path / "bodies.yaml"
    spec.write_text(
        """
openapi: 3.1.0
info: {title: Bodies, version: "1"}
paths:
  /notes:
    post:
      operationId: postNote
      requestBody:
        content:
          text/plain: {schema: {type: string}}
          Application/JSON: {schema: {type: object}}
          application/vnd.acme+json; charset=utf-8: {schema: {type: object}}
          application/x-www-form-urlencoded: {schema: {type: object}}
      responses: {"204": {description: Stored.}}
  /scans:
    put:
      operationId: putScan
      requestBody:
        content:
          image/*: {schema: {type: string, format: binary}}
          application/pdf: {schema: {type: string, format: binary}}
      responses: {"204": {description: Stored.}}
"""
    )
    loaded, _ = bundle(spec)
    normalize(loaded.document)
    api, _ = build_api(loaded.document, loaded, "bodies", "bodies.yaml")
    note, scan = (operation.body for operation in api.operations)
    # JSON is read, so only JSON types are accepted: form and text would be refused with 415.
    assert note is not None and note.media_types == ("application/json", "application/vnd.acme+json")
    assert scan is not None and scan.media_types == ("image/*", "application/pdf")
