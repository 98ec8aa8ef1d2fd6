"""`python -m generator diff`: each kind of API change, classed breaking or compatible.

Every case edits one thing in tests/fixtures/diff/shop.yaml and compares the two specs.
"""

from __future__ import annotations

import copy
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.change.spec_diff import ApiChange, Impact, compare
from generator.load.spec_input import SpecInput
from generator.pipeline import load_spec
from tests.support import FIXTURES, run_generator

BASE = FIXTURES / "diff" / "shop.yaml"
Edit = Callable[[dict[str, Any]], None]


def _schemas(spec: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = spec["components"]["schemas"]
    return schemas


def _get_order(spec: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = spec["paths"]["/orders/{id}"]["get"]
    return operation


def _add_parameter(required: bool) -> Edit:
    def edit(spec: dict[str, Any]) -> None:
        _get_order(spec)["parameters"].append(
            {"name": "locale", "in": "query", "required": required, "schema": {"type": "string"}}
        )

    return edit


def _set(path: list[str | int], value: Any) -> Edit:
    def edit(spec: dict[str, Any]) -> None:
        node = spec
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return edit


def _delete(path: list[str | int]) -> Edit:
    def edit(spec: dict[str, Any]) -> None:
        node = spec
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return edit


def _rename_field(model: str, old: str, new: str) -> Edit:
    def edit(spec: dict[str, Any]) -> None:
        properties = _schemas(spec)[model]["properties"]
        properties[new] = properties.pop(old)

    return edit


def _rename_parameter(spec: dict[str, Any]) -> None:
    _get_order(spec)["parameters"][1]["name"] = "include"


def _add_operation(spec: dict[str, Any]) -> None:
    spec["paths"]["/orders/{id}"]["delete"] = {
        "operationId": "deleteOrder",
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"204": {"description": "Deleted."}},
    }


def _required(model: str, names: list[str]) -> Edit:
    return _set(["components", "schemas", model, "required"], names)


ORDER: list[str | int] = ["components", "schemas", "Order", "properties"]
INPUT: list[str | int] = ["components", "schemas", "OrderInput", "properties"]

# (edit, subject, words of the description, impact)
CASES: dict[str, tuple[Edit, str, str, Impact]] = {
    "operation removed": (_delete(["paths", "/orders"]), "list_orders", "operation removed", Impact.BREAKING),
    "operation added": (_add_operation, "delete_order", "operation added", Impact.COMPATIBLE),
    "optional parameter added": (_add_parameter(False), "get_order", "`locale` added (optional)", Impact.COMPATIBLE),
    "required parameter added": (_add_parameter(True), "get_order", "`locale` added (required)", Impact.BREAKING),
    "parameter removed": (
        lambda spec: _get_order(spec)["parameters"].pop(1),
        "get_order",
        "`expand` removed",
        Impact.BREAKING,
    ),
    "parameter renamed": (_rename_parameter, "get_order", "`expand` renamed to `include`", Impact.BREAKING),
    "parameter type": (
        _set(["paths", "/orders/{id}", "get", "parameters", 1, "schema"], {"type": "integer"}),
        "get_order",
        "`expand` type str -> int",
        Impact.BREAKING,
    ),
    "request field added": (
        _set([*INPUT, "gift"], {"type": "boolean"}),
        "OrderInput.gift",
        "field added (optional)",
        Impact.COMPATIBLE,
    ),
    "required request field added": (
        lambda spec: (
            _set([*INPUT, "gift"], {"type": "boolean"})(spec),
            _required("OrderInput", ["item", "quantity", "gift"])(spec),
        ),
        "OrderInput.gift",
        "field added (required)",
        Impact.BREAKING,
    ),
    "response field added": (
        lambda spec: (
            _set([*ORDER, "eta"], {"type": "string"})(spec),
            _required("Order", ["id", "item", "status", "eta"])(spec),
        ),
        "Order.eta",
        "field added (required)",
        Impact.COMPATIBLE,
    ),
    "field removed": (_delete([*ORDER, "total"]), "Order.total", "field removed", Impact.BREAKING),
    "field renamed": (
        _rename_field("OrderInput", "note", "comment"),
        "OrderInput.note",
        "renamed to `comment`",
        Impact.BREAKING,
    ),
    "field type": (
        _set([*INPUT, "quantity"], {"type": "string"}),
        "OrderInput.quantity",
        "type int -> str",
        Impact.BREAKING,
    ),
    "request field now required": (
        _required("OrderInput", ["item", "quantity", "note"]),
        "OrderInput.note",
        "now required",
        Impact.BREAKING,
    ),
    "request field now optional": (
        _required("OrderInput", ["item"]),
        "OrderInput.quantity",
        "now optional",
        Impact.COMPATIBLE,
    ),
    "response field now optional": (
        _required("Order", ["id", "status"]),
        "Order.item",
        "now optional",
        Impact.BREAKING,
    ),
    "response field now nullable": (
        _set([*ORDER, "item"], {"type": ["string", "null"]}),
        "Order.item",
        "now nullable",
        Impact.BREAKING,
    ),
    "request field now nullable": (
        _set([*INPUT, "note"], {"type": ["string", "null"]}),
        "OrderInput.note",
        "now nullable",
        Impact.COMPATIBLE,
    ),
    "response enum value added": (
        _set([*ORDER, "status", "enum"], ["open", "closed", "cancelled"]),
        "Order.status",
        "enum values added: 'cancelled'",
        Impact.BREAKING,
    ),
    "request enum value added": (
        _set([*INPUT, "channel", "enum"], ["web", "phone", "email"]),
        "OrderInput.channel",
        "enum values added: 'email'",
        Impact.COMPATIBLE,
    ),
    "request enum value removed": (
        _set([*INPUT, "channel", "enum"], ["web"]),
        "OrderInput.channel",
        "enum values removed: 'phone'",
        Impact.BREAKING,
    ),
    "format": (
        _set([*ORDER, "placed", "format"], "date-time"),
        "Order.placed",
        "format date -> date-time",
        Impact.BREAKING,
    ),
}


def _changes(edit: Edit, tmp_path: Path) -> list[ApiChange]:
    spec = yaml.safe_load(BASE.read_text())
    edited = copy.deepcopy(spec)
    edit(edited)
    new = tmp_path / "shop.yaml"
    new.write_text(yaml.safe_dump(edited, sort_keys=False))
    return compare(load_spec(SpecInput(BASE, "shop")).side, load_spec(SpecInput(new, "shop")).side)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_kind_of_change_is_classified(case: str, tmp_path: Path) -> None:
    edit, subject, words, impact = CASES[case]
    changes = _changes(edit, tmp_path)
    matching = [c for c in changes if c.subject == subject and words in c.description]
    assert matching, f"{case}: {[str(c) for c in changes]}"
    assert matching[0].impact is impact, str(matching[0])


def test_no_change_no_entry(tmp_path: Path) -> None:
    assert _changes(lambda spec: None, tmp_path) == []


def test_the_command_exits_1_only_on_breaking_changes(tmp_path: Path) -> None:
    spec = yaml.safe_load(BASE.read_text())
    _add_operation(spec)
    compatible = tmp_path / "compatible.yaml"
    compatible.write_text(yaml.safe_dump(spec, sort_keys=False))
    run = run_generator("diff", BASE, compatible)
    assert run.returncode == 0, run.stderr
    assert "compatible: 0 breaking, 1 compatible" in run.stdout
    assert "compatible  delete_order: operation added (DELETE /orders/{id})" in run.stdout
    del spec["paths"]["/orders"]
    breaking = tmp_path / "breaking.yaml"
    breaking.write_text(yaml.safe_dump(spec, sort_keys=False))
    run = run_generator("diff", BASE, breaking)
    assert run.returncode == 1
    assert "breaking    list_orders: operation removed (GET /orders)" in run.stdout


def test_git_mode_compares_with_the_committed_spec(tmp_path: Path) -> None:
    def git(*arguments: str) -> None:
        subprocess.run(["git", *arguments], cwd=tmp_path, check=True, capture_output=True)

    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "shop.yaml").write_text(BASE.read_text())
    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.test", "commit", "-q", "--allow-empty", "-m", "empty")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.test", "commit", "-q", "-m", "shop")
    (specs / "shop.yaml").write_text(BASE.read_text().replace("enum: [web, phone]", "enum: [web]"))
    run = run_generator("diff", "--git", "HEAD", cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "shop: 1 breaking, 0 compatible" in run.stdout
    assert "OrderInput.channel: enum values removed: 'phone'" in run.stdout
    run = run_generator("diff", "--git", "HEAD~1", "specs/shop.yaml", cwd=tmp_path)
    assert run.returncode == 0 and "shop: new spec (not in HEAD~1)" in run.stdout
    run = run_generator("diff", "--git", "no-such-revision", "specs/shop.yaml", cwd=tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.stderr
