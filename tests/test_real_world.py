"""Published specs are sloppy in harmless ways: each such construct is a warning at its
line and pointer, degraded as a user would expect, and the rest of the document generates
a package that imports, type-checks and answers over HTTP.

`--strict` turns every warning back into an error; a components-only document generates a
models package.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import FIXTURES, importable, mypy_strict, run_generator, serve

REAL_WORLD = FIXTURES / "realworld"

# Every construct of sloppy.yaml: (line, pointer, kind).
SLOPPY_WARNINGS = [
    (7, "/info/externalDocs", "unknown-field"),
    (9, "/security/0/token", "invalid-value"),
    (12, "/paths/~1notes~1{noteId}/get", "undeclared-parameter"),
    (14, "/paths/~1notes~1{noteId}/get/title", "unknown-field"),
    (18, "/paths/~1notes~1{noteId}/get/parameters/0/schema/default", "default-mismatch"),
    (20, "/paths/~1notes~1{noteId}/get/responses/200/description", "missing-field"),
    (24, "/paths/~1notes~1{noteId}/get/responses/2000", "invalid-status"),
    (26, "/paths/~1notes~1{noteId}/put", "undeclared-parameter"),
    (49, "/components/schemas/Note/properties/colour/default", "default-mismatch"),
    (50, "/components/schemas/Note/properties/tags/default", "default-mismatch"),
    (51, "/components/schemas/Note/properties/pinned/default", "default-mismatch"),
    (52, "/components/schemas/Note/properties/author/$ref", "unresolvable-ref"),
    (54, "/components/schemas/Loop", "empty-cycle"),
]


@pytest.fixture(scope="module")
def sloppy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    out = tmp_path_factory.mktemp("sloppy")
    run = run_generator("generate", "-v", REAL_WORLD / "sloppy.yaml", "--out", out)
    assert run.returncode == 0, run.stderr
    with importable(out / "sloppy"):
        yield out / "sloppy", run.stderr


def test_each_sloppy_construct_is_one_warning_at_its_line(sloppy: tuple[Path, str]) -> None:
    _, stderr = sloppy
    warnings = [line for line in stderr.splitlines() if ": warning: " in line]
    found = [(int(line.split(":")[1]), line.split(": ")[1]) for line in warnings]
    assert found == [(line, pointer) for line, pointer, _ in SLOPPY_WARNINGS]
    assert all(line.startswith("tests/fixtures/realworld/sloppy.yaml:") for line in warnings)
    (summary,) = [line for line in stderr.splitlines() if " warnings (" in line]
    assert summary.startswith(f"tests/fixtures/realworld/sloppy.yaml: {len(SLOPPY_WARNINGS)} warnings (")
    for kind in {kind for _, _, kind in SLOPPY_WARNINGS}:
        count = sum(1 for _, _, k in SLOPPY_WARNINGS if k == kind)
        assert f"{count} {kind}" in summary


def test_strict_refuses_the_same_document_and_writes_nothing(tmp_path: Path) -> None:
    run = run_generator("generate", "--strict", REAL_WORLD / "sloppy.yaml", "--out", tmp_path)
    assert run.returncode == 1
    assert run.stderr.count(": error: ") == len(SLOPPY_WARNINGS)
    assert f"{len(SLOPPY_WARNINGS)} errors (--strict: warnings are errors)" in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_sloppy_package_type_checks(sloppy: tuple[Path, str]) -> None:
    package, _ = sloppy
    run = mypy_strict(package, "sloppy_api")
    assert run.returncode == 0, run.stdout


def test_the_degraded_constructs_work_over_http(sloppy: tuple[Path, str]) -> None:
    api = importlib.import_module("sloppy_api")
    server = importlib.import_module("sloppy_api.server")
    models = importlib.import_module("sloppy_api.models")
    # Defaults that did not fit are gone: the fields are optional, without a default value.
    fields = models.Note.model_fields
    assert [fields[name].default for name in ("colour", "tags", "pinned")] == [None, None, None]
    with serve(server.create_app(server.InMemoryHandler())) as url:
        with api.Client(base_url=url, token="secret") as client:
            # The undeclared {noteId} is a string argument; the unresolvable $ref takes any value.
            stored = client.replace_note("n-1", body={"id": "n-1", "text": "hi", "author": {"any": ["thing"]}})
            assert stored.id == "n-1"
            fetched = client.get_note("n-1", verbose=True)
            assert fetched.text == "hi"
        # "default: null" made `colour` optional, not nullable: the server refuses a null.
        refused = httpx.put(
            f"{url}/notes/n-1",
            json={"id": "n-1", "text": "hi", "colour": None},
            headers={"Authorization": "Bearer secret"},
        )
        assert 400 <= refused.status_code < 500, refused.text
        assert "colour" in refused.text


def test_a_components_only_document_generates_a_models_package(tmp_path: Path) -> None:
    for version in ("3.0.3", "3.1.0"):
        spec = tmp_path / f"shared_{version.replace('.', '_')}.yaml"
        spec.write_text((REAL_WORLD / "components_only.yaml").read_text().replace("3.0.3", version))
        run = run_generator("generate", "--strict", spec, "--out", tmp_path / "out")
        assert run.returncode == 0, run.stderr
        package = tmp_path / "out" / spec.stem
        name = f"{spec.stem}_api"
        assert sorted(p.name for p in (package / name).iterdir()) == [
            "__init__.py",
            "models",
            "openapi.json",
            "py.typed",
        ]
        # No operation uses them: every model is in one submodule.
        assert sorted(p.name for p in (package / name / "models").iterdir()) == ["__init__.py", "_base.py", "_other.py"]
        assert "no client and no server" in (package / "README.md").read_text()
        assert "httpx" not in (package / "pyproject.toml").read_text()
        assert mypy_strict(package, name).returncode == 0
        with importable(package):
            models = importlib.import_module(name)
            customer = models.Customer.model_validate({"id": "c-1", "balance": {"amount": 5, "currency": "EUR"}})
            assert customer.balance.currency == "EUR"
            with pytest.raises(ValueError):
                models.Money.model_validate({"amount": 5, "currency": "EURO"})


def test_openapi_3_2_methods_and_querystring_work_over_http(tmp_path: Path) -> None:
    run = run_generator("generate", "--strict", REAL_WORLD / "openapi_3_2.yaml", "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    package = tmp_path / "openapi_3_2"
    assert mypy_strict(package, "openapi_3_2_api").returncode == 0
    with importable(package):
        api = importlib.import_module("openapi_3_2_api")
        server = importlib.import_module("openapi_3_2_api.server")
        with serve(server.create_app(server.InMemoryHandler())) as url:
            with api.Client(base_url=url) as client:
                found = client.search_notes(body={"text": "milk"})  # sent with the QUERY method
                assert isinstance(found, list)
                assert client.link_note("n-1") is None  # LINK, from additionalOperations
                with pytest.raises(api.NotFoundError):  # the mock stores nothing at n-1: GET finds nothing
                    client.get_note("n-1", view={"fields": "text", "depth": 2})
                assert client.with_raw_response.feed_notes().status_code == 200
            assert httpx.request("QUERY", f"{url}/notes", json={"text": "milk"}).status_code == 200
            assert httpx.request("LINK", f"{url}/notes/n-1").status_code == 204
            # The querystring's schema is checked like any parameter's, before the record is looked up.
            refused = httpx.get(f"{url}/notes/n-1", params={"depth": "-1"})
            assert refused.status_code == 400, refused.text
            assert "depth" in refused.text
            assert httpx.get(f"{url}/notes/n-1", params={"fields": "text", "depth": "3"}).status_code == 404


def test_paths_that_differ_only_in_parameter_names_are_told_apart_by_format(tmp_path: Path) -> None:
    """`/contacts/{contactId}` (a UUID) beside `/contacts/{contactNumber}`, as Xero publishes:
    a warning, and the server routes a UUID to the first and anything else to the second."""
    run = run_generator("generate", REAL_WORLD / "ambiguous_paths.yaml", "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    assert "1 warning (1 ambiguous-path)" in run.stderr
    package = tmp_path / "ambiguous_paths"
    assert mypy_strict(package, "ambiguous_paths_api").returncode == 0
    with importable(package):
        api = importlib.import_module("ambiguous_paths_api")
        server = importlib.import_module("ambiguous_paths_api.server")
        models = importlib.import_module("ambiguous_paths_api.models")

        class Contacts(server.Handler):  # type: ignore[misc]
            async def get_contact_by_id(self, contact_id: str, *, credentials: object) -> object:
                return models.Found(by=f"id {contact_id}")

            async def get_contact_by_number(self, contact_number: str, *, credentials: object) -> object:
                return models.Found(by=f"number {contact_number}")

        uuid = "8f4ec2ce-5f36-4f55-9a4b-6c2b8e1d7a10"
        with serve(server.create_app(Contacts())) as url, api.Client(base_url=url) as client:
            assert client.get_contact_by_id(uuid).by == f"id {uuid}"
            assert client.get_contact_by_number("C-1042").by == "number C-1042"
            # Not quite a UUID: the route that takes any value.
            assert client.get_contact_by_number(uuid[:-1]).by == f"number {uuid[:-1]}"


def test_an_operation_without_a_declared_success_is_answered_with_its_declared_refusal(tmp_path: Path) -> None:
    """DigitalOcean's retired endpoints declare 410 and errors, no 2xx: the mock answers the
    410 in its declared shape, never a 200 no schema describes."""
    run = run_generator("generate", "--strict", REAL_WORLD / "retired.yaml", "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    package = tmp_path / "retired"
    assert mypy_strict(package, "retired_api").returncode == 0
    with importable(package):
        api = importlib.import_module("retired_api")
        server = importlib.import_module("retired_api.server")
        with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(base_url=url) as client:
            with pytest.raises(api.ApiStatusError) as refused:
                client.create_key(body={"name": "ci"})
            assert refused.value.status_code == 410
            answer = httpx.post(f"{url}/keys", json={"name": "ci"})
            assert answer.status_code == 410 and answer.headers["content-type"] == "application/json"
            assert set(answer.json()) == {"id", "message"}
