"""Responses carrying what the spec does not know yet, through a generated client over HTTP.

An API grows before its spec and the generated package catch up: new fields, new enum
values, new kinds of a discriminated union. Such a response returns normally and keeps
what it carried; only one that contradicts its schema raises `ApiResponseValidationError`
(or, with `strict_responses=False`, is returned unvalidated). Requests, built from the
same model classes, stay strict in the client and in the generated server.
"""

from __future__ import annotations

import enum
from types import ModuleType
from typing import Any

import httpx
import pydantic
import pytest

from tests.shop_api_support import FLAVOURS, ITEM, Shop, run, run_readme_example
from tests.support import serve


@FLAVOURS
def test_a_new_field_is_kept_top_level_and_nested(flavour: str, shop_api: ModuleType, shop: Shop) -> None:
    shop.answers({**ITEM, "colour": "red", "label": {"name": "sale", "until": "2030-01-01"}})
    item = run(flavour, shop_api, shop, lambda client: client.get_item(1))
    assert isinstance(item, shop_api.models.Item)
    assert item.model_extra == {"colour": "red"}
    assert item.label.model_extra == {"until": "2030-01-01"}
    dumped = item.model_dump(mode="json")
    assert dumped["colour"] == "red"
    assert dumped["label"] == {"name": "sale", "status": None, "until": "2030-01-01"}
    assert '"colour":"red"' in item.model_dump_json()


@FLAVOURS
def test_a_new_enum_value_is_kept_as_its_plain_value(flavour: str, shop_api: ModuleType, shop: Shop) -> None:
    shop.answers(
        {
            **ITEM,
            "status": "frozen",  # a component enum, top level
            "size": "huge",  # an inline enum
            "history": ["active", "deleted"],  # in a list
            "label": {"name": "sale", "status": "pending"},  # nested
        }
    )
    item = run(flavour, shop_api, shop, lambda client: client.get_item(1))
    status_class = shop_api.models.Status
    assert item.status == "frozen" and not isinstance(item.status, enum.Enum)
    assert item.size == "huge"
    assert item.history == [status_class.ACTIVE, "deleted"]
    assert isinstance(item.history[0], status_class) and not isinstance(item.history[1], status_class)
    assert item.label.status == "pending" and not isinstance(item.label.status, status_class)
    assert item.model_dump(mode="json")["history"] == ["active", "deleted"]


@FLAVOURS
def test_a_known_enum_value_is_the_enum_member(flavour: str, shop_api: ModuleType, shop: Shop) -> None:
    shop.answers({**ITEM, "status": "archived"})
    item = run(flavour, shop_api, shop, lambda client: client.get_item(1))
    assert item.status is shop_api.models.Status.ARCHIVED


@FLAVOURS
def test_a_new_kind_of_a_discriminated_union_is_kept_as_a_dict(flavour: str, shop_api: ModuleType, shop: Shop) -> None:
    shop.answers([{**ITEM, "pet": {"kind": "bird", "wings": 2}}, {**ITEM, "pet": {"kind": "cat", "lives": 9}}])
    items = run(flavour, shop_api, shop, lambda client: client.list_items())
    assert items[0].pet.root == {"kind": "bird", "wings": 2}
    assert isinstance(items[1].pet.root, shop_api.models.Cat)
    assert items[0].model_dump(mode="json")["pet"] == {"kind": "bird", "wings": 2}


@FLAVOURS
@pytest.mark.parametrize(
    "body",
    [
        {**ITEM, "name": {"an": "object"}},  # an object where text is declared
        {**ITEM, "status": {"an": "object"}},  # an object where an enum's text is declared
        {**ITEM, "pet": {"kind": "cat"}},  # a known kind without its required field
        {"id": 1},  # required fields missing
    ],
)
def test_a_response_that_contradicts_its_schema_raises(
    flavour: str, shop_api: ModuleType, shop: Shop, body: dict[str, Any]
) -> None:
    shop.answers(body)
    with pytest.raises(shop_api.ApiResponseValidationError) as caught:
        run(flavour, shop_api, shop, lambda client: client.get_item(1))
    assert caught.value.status_code == 200


@FLAVOURS
def test_strict_responses_false_returns_a_contradicting_response_unvalidated(
    flavour: str, shop_api: ModuleType, shop: Shop
) -> None:
    shop.answers({**ITEM, "name": {"an": "object"}, "label": {"name": "sale"}, "colour": "red"})
    item = run(flavour, shop_api, shop, lambda client: client.get_item(1), strict_responses=False)
    assert isinstance(item, shop_api.models.Item)
    assert item.name == {"an": "object"}
    assert item.label == {"name": "sale"}  # not validated: nested objects stay dicts
    assert item.model_extra == {"colour": "red"}
    # What fits is unaffected by the option.
    shop.answers(ITEM)
    assert run(flavour, shop_api, shop, lambda client: client.get_item(1), strict_responses=False).status == "active"


@FLAVOURS
@pytest.mark.parametrize(
    "body",
    [{"name": "lamp", "status": "frozen"}, {"name": "lamp", "label": {"name": "x", "status": "gone"}}],
    ids=["top-level", "nested"],
)
def test_request_bodies_stay_strict(flavour: str, shop_api: ModuleType, shop: Shop, body: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError, match="Input should be 'active' or 'archived'"):
        run(flavour, shop_api, shop, lambda client: client.create_item(body=body))
    assert shop.received == []


def test_models_validated_without_the_client_stay_strict(shop_api: ModuleType) -> None:
    with pytest.raises(pydantic.ValidationError):
        shop_api.models.Item.model_validate({**ITEM, "status": "frozen"})
    with pytest.raises(pydantic.ValidationError):
        shop_api.models.Item.model_validate({**ITEM, "pet": {"kind": "bird"}})
    assert shop_api.models.Item.model_validate({**ITEM, "colour": "red"}).model_extra is None


def test_the_generated_server_refuses_unknown_values(shop_api: ModuleType) -> None:
    import importlib

    server = importlib.import_module("shop_api.server")
    app = server.create_app(server.InMemoryHandler())
    with serve(app) as url:
        headers = {"Authorization": "Bearer t0ken"}
        refused = httpx.post(f"{url}/items", json={"name": "lamp", "status": "frozen"}, headers=headers)
        accepted = httpx.post(f"{url}/items", json={"name": "lamp", "status": "active"}, headers=headers)
    assert refused.status_code == 400
    assert accepted.status_code == 201


def test_the_readme_example_runs(
    shop_api: ModuleType, shop: Shop, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shop.answers({**ITEM, "status": "frozen", "colour": "red"})
    output = run_readme_example(shop_api, shop, "Responses the spec does not know yet", monkeypatch, capsys)
    assert output.splitlines() == ["{'colour': 'red'}", "name lamp", "status frozen"]
