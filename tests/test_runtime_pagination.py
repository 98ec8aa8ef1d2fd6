"""Pages as Python: which list operations the IR finds paged and how, what asks for the
next page (`runtime/_pagination.py`), and which records a mock's page holds
(`runtime/_mock_collections.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from generator.ir.ir import Api
from generator.ir.ir_builder import build_api
from generator.load.bundle import bundle
from generator.normalize.normalize import normalize
from runtime._mock_collections import MockCollection, window
from runtime._pagination import PagingPlan, SyncPage


def _api(tmp_path: Path, paths: dict[str, Any]) -> tuple[Api, list[str]]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump({"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": paths}))
    loaded, _ = bundle(spec)
    normalize(loaded.document)
    api, warnings = build_api(loaded.document, loaded, "t", "spec.yaml")
    return api, [f"{w.kind}: {w.message}" for w in warnings]


def _list(parameters: list[str], body: dict[str, Any], headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": "a list",
        "content": {"application/json": {"schema": {"type": "object", "properties": body}}},
    }
    if headers:
        response["headers"] = headers
    return {
        "get": {
            "operationId": "listThings",
            "parameters": [{"name": name, "in": "query", "schema": {"type": "string"}} for name in parameters],
            "responses": {"200": response},
        }
    }


THINGS = {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}}


@pytest.mark.parametrize(
    ("parameters", "body", "expected"),
    [
        (
            ["starting_after", "limit"],
            {"data": THINGS, "has_more": {"type": "boolean"}},
            ("cursor", "starting_after", "id"),
        ),
        (["page_token"], {"things": THINGS, "next_page_token": {"type": "string"}}, ("cursor", "page_token", "")),
        ([], {"things": THINGS, "next": {"type": "string", "format": "uri"}}, ("next_url", "", "")),
        (["offset", "limit"], {"things": THINGS, "total": {"type": "integer"}}, ("offset", "", "")),
        (["page", "per_page"], {"things": THINGS, "total": {"type": "integer"}}, ("page", "", "")),
    ],
)
def test_common_patterns_are_recognised(
    tmp_path: Path, parameters: list[str], body: dict[str, Any], expected: tuple[str, str, str]
) -> None:
    api, warnings = _api(tmp_path, {"/things": _list(parameters, body)})
    pagination = api.operations[0].pagination
    assert pagination is not None, warnings
    assert (pagination.style, pagination.cursor_param, pagination.cursor_field) == expected


def test_a_link_header_pages_the_operation(tmp_path: Path) -> None:
    api, _ = _api(tmp_path, {"/things": _list(["page"], {"things": THINGS}, {"Link": {"schema": {"type": "string"}}})})
    pagination = api.operations[0].pagination
    assert pagination is not None and (pagination.style, pagination.page_param) == ("link_header", "page")


def test_a_list_with_a_page_parameter_and_no_pattern_is_unpaged_with_a_warning(tmp_path: Path) -> None:
    api, warnings = _api(tmp_path, {"/things": _list(["page"], {"things": THINGS})})
    assert api.operations[0].pagination is None
    assert warnings == [
        "pagination-unclear: this list operation looks paged, but no pattern of cursor, next URL, Link header, "
        "offset or page fits it: it is generated unpaged (describe its pages with x-pagination)"
    ]


def test_a_plain_list_is_neither_paged_nor_warned_of(tmp_path: Path) -> None:
    api, warnings = _api(tmp_path, {"/things": _list(["q"], {"things": THINGS})})
    assert api.operations[0].pagination is None and warnings == []


# --- the client's pages ------------------------------------------------------------------------


def _page(paging: PagingPlan, body: Any, query: dict[str, Any], *, first: int = 0, link: str = "") -> SyncPage[Any]:
    headers = {"Link": f'<{link}>; rel="next"'} if link else {}
    response = httpx.Response(200, json=body, headers=headers)
    return SyncPage(paging, body, response, query, lambda q, f: _page(paging, {}, q, first=f), first=first)


def test_an_after_cursor_is_the_last_items_id_until_has_more_is_false() -> None:
    paging = PagingPlan("cursor", items=("data",), has_more=("has_more",), cursor_param="after", cursor_field="id")
    more = _page(paging, {"data": [{"id": "a"}, {"id": "b"}], "has_more": True}, {"limit": 2})
    assert more._next_query() == {"limit": 2, "after": "b"}
    assert not _page(paging, {"data": [{"id": "c"}], "has_more": False}, {}).has_next_page()


def test_offsets_and_pages_stop_at_the_total_or_a_short_page() -> None:
    offset = PagingPlan("offset", items=("items",), total=("total",), offset_param="offset", limit_param="limit")
    assert _page(offset, {"items": [1, 2], "total": 5}, {"limit": 2}, first=2)._next_query() == {
        "limit": 2,
        "offset": 4,
    }
    assert not _page(offset, {"items": [1, 2], "total": 4}, {"limit": 2}, first=2).has_next_page()
    assert not _page(offset, {"items": [1], "total": 99}, {"limit": 2}).has_next_page()  # short: the last
    page = PagingPlan("page", items=("items",), page_param="page", limit_param="size")
    assert _page(page, {"items": [1, 2]}, {"size": 2}, first=3)._next_query() == {"size": 2, "page": 4}
    assert not _page(page, {"items": []}, {"size": 2}).has_next_page()  # empty: the last


def test_a_link_headers_next_url_gives_the_next_query() -> None:
    paging = PagingPlan("link_header")
    page = _page(paging, [1, 2], {"per_page": 2}, link="https://elsewhere.example/things?per_page=2&page=2&tag=a&tag=b")
    assert page._next_query() == {"per_page": "2", "page": "2", "tag": ["a", "b"]}


# --- the mock's windows ------------------------------------------------------------------------


def test_the_mocks_windows_follow_each_style() -> None:
    ids = list(range(1, 11))
    assert window(PagingPlan("cursor", cursor_param="c", limit_param="n"), {"c": "4", "n": 3}, ids) == (4, 7, "7")
    after = PagingPlan("cursor", cursor_param="after", cursor_field="id", limit_param="n")
    assert window(after, {"after": 9, "n": 3}, ids)[:2] == (9, 10)
    assert window(PagingPlan("offset", offset_param="o", limit_param="n"), {"o": 8, "n": 3}, ids)[1:] == (10, None)
    assert window(PagingPlan("page", page_param="p", limit_param="n"), {"p": 2, "n": 4}, ids)[:] == (4, 8, 3)
    assert window(PagingPlan("next_url"), {}, ids)[:2] == (0, 10)  # no way to ask for pages: one of everything


def test_a_collection_reads_its_parents_from_a_concrete_path() -> None:
    notes = MockCollection(
        "/customers/{cid}/notes", "/customers/{cid}/notes/{nid}", parameter_kinds=("integer", "string")
    )
    assert notes.parents("/customers/7/notes") == (7,)
    assert notes.parents("/customers/7/invoices") is None
