"""Operations are grouped by tag into modules: names decided in the IR, files per group,
and every group's routes in one app."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import httpx
import yaml

from generator.ir.ir_builder import build_api
from generator.load.bundle import bundle
from generator.normalize.normalize import normalize
from generator.render.render import qualified
from tests.support import importable, mypy_strict, run_generator, serve

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Groups", "version": "1"},
    "paths": {
        "/notes/{id}": {
            "get": {
                "operationId": "getNote",
                "tags": ["Notes & Drafts"],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Note"}}},
                    }
                },
            }
        },
        "/notes/feed": {
            # Another tag: its fixed path must still win over /notes/{id} of the first.
            "get": {
                "operationId": "list",
                "tags": ["class"],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Note"}}
                            }
                        },
                    }
                },
            }
        },
        "/2fa/codes": {"post": {"operationId": "sendCode", "responses": {"204": {"description": "sent"}}}},
        # Operations named like what the client is called by: `client.copy()` stays the client's.
        "/2fa/copies": {
            "post": {"operationId": "copy", "tags": ["2fa"], "responses": {"204": {"description": "copied"}}},
            "get": {"operationId": "timeout", "tags": ["2fa"], "responses": {"204": {"description": "none"}}},
        },
        "/notes-drafts": {
            "get": {"operationId": "dict", "tags": ["notes_drafts"], "responses": {"204": {"description": "none"}}}
        },
    },
    "components": {
        "schemas": {
            "Note": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            # A model named like a group's class: the group's classes give way.
            "ClassMock": {"type": "object", "properties": {"x": {"type": "integer"}}},
        }
    },
}


def _api(tmp_path: Path) -> Any:
    path = tmp_path / "groups.yaml"
    path.write_text(yaml.safe_dump(SPEC, sort_keys=False))
    loaded, _ = bundle(path)
    normalize(loaded.document)
    return build_api(loaded.document, loaded, "groups", "groups.yaml")[0]


def test_groups_are_tags_else_path_segments_with_safe_unique_names(tmp_path: Path) -> None:
    groups = _api(tmp_path).groups
    assert [(g.name, g.module_name, [o.method_name for o in g.operations]) for g in groups] == [
        ("Notes & Drafts", "notes_drafts", ["get_note"]),
        ("class", "class_", ["list"]),
        ("2fa", "tag_2fa", ["send_code", "timeout_", "copy_"]),
        ("notes_drafts", "notes_drafts_2", ["dict"]),
    ]
    assert [g.class_name for g in groups] == ["NotesDrafts", "ClassTag", "Tag2fa", "NotesDrafts2"]
    assert [o.route_function for g in groups for o in g.operations] == [
        "get_note",
        "list_",
        "send_code",
        "timeout_",
        "copy_",
        "dict_",
    ]


def test_each_group_is_a_client_module_and_a_route_module_served_by_one_app(tmp_path: Path) -> None:
    (tmp_path / "groups.yaml").write_text(yaml.safe_dump(SPEC, sort_keys=False))
    run = run_generator("generate", tmp_path / "groups.yaml", "--out", tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    package = tmp_path / "out" / "groups" / "groups_api"
    for folder in ("_resources", "_routes"):
        assert sorted(p.name for p in (package / folder).glob("*.py")) == [
            "__init__.py",
            "class_.py",
            "notes_drafts.py",
            "notes_drafts_2.py",
            "tag_2fa.py",
        ]
    assert mypy_strict(package.parent, "groups_api").returncode == 0
    with importable(package.parent):
        api = importlib.import_module("groups_api")
        server = importlib.import_module("groups_api.server")
        handler = server.InMemoryHandler()
        handler.records[("/notes/{id}", ("n1",))] = {"id": "n1"}
        handler.records[("/notes-drafts", ())] = {}
        with serve(server.create_app(handler)) as url, api.Client(url) as client:
            assert client.get_note("n1").id == "n1"
            assert client.list() == []  # /notes/feed, not /notes/{id} with id "feed"
            assert client.send_code() is None and client.dict() is None
            assert client.copy_() is None and client.timeout_() is None
            assert isinstance(client.copy(timeout=5.0), api.Client) and client.timeout == 60.0
            raw = client.with_raw_response.get_note("n1")
            assert raw.status_code == 200 and raw.parsed.id == "n1"
            assert httpx.get(f"{url}/notes/feed").json() == []


def test_client_modules_reach_models_through_their_module_and_only_there() -> None:
    assert qualified("list[Customer] | dict[str, Pet] | None", {"Customer", "Pet"}) == (
        "list[models.Customer] | dict[str, models.Pet] | None"
    )
    assert qualified('Literal["Customer"] | Customer', {"Customer"}) == 'Literal["Customer"] | models.Customer'
    assert qualified("CustomerList", {"Customer"}) == "CustomerList"
