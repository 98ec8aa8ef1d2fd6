"""Paged list operations and the mock's collections, through generated packages over real HTTP.

`tests/fixtures/specs/paged.yaml` has one list operation per style of pages (cursor by
`x-pagination`, next URL, offset, page, Link header) and one that only looks paged;
`tests/fixtures/specs/crud.yaml` has nested collections with the whole create, read,
list, replace, merge and delete cycle. Each package's mock is served on a real port and
driven through the package's own `Client` and `AsyncClient`.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.shop_api_support import readme_example
from tests.support import CORPUS, FIXTURES, PUBLISHED, ROOT, importable, run_generator, serve
from tests.test_mock_server import mock_process

SPECS = FIXTURES / "specs"


@dataclass
class Package:
    folder: Path
    api: ModuleType
    server: ModuleType
    stderr: str


def _generated(tmp_path_factory: pytest.TempPathFactory, name: str, spec: Path | None = None) -> Iterator[Package]:
    out = tmp_path_factory.mktemp(name)
    run = run_generator("generate", spec or SPECS / f"{name}.yaml", "--out", out, "--name", name, "-v", cwd=out)
    assert run.returncode == 0, run.stderr
    with importable(out / name):
        yield Package(
            out / name,
            importlib.import_module(f"{name}_api"),
            importlib.import_module(f"{name}_api.server"),
            run.stderr,
        )


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Package]:
    yield from _generated(tmp_path_factory, "paged")


@pytest.fixture(scope="module")
def crud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Package]:
    yield from _generated(tmp_path_factory, "crud")


DIGITALOCEAN = next(spec for spec in PUBLISHED if spec.name == "digitalocean")


@pytest.fixture(scope="module")
def digitalocean(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Package]:
    """DigitalOcean's package, where the corpus beside the repository holds its spec."""
    if not DIGITALOCEAN.path.is_file():
        where = CORPUS.relative_to(ROOT.parent).as_posix()
        pytest.skip(f"{DIGITALOCEAN.root} is not in ../{where}/: DigitalOcean's pages test skipped")
    yield from _generated(tmp_path_factory, "digitalocean", DIGITALOCEAN.path)


@pytest.fixture
def paged_mock(paged: Package) -> Iterator[str]:
    server = paged.server
    with serve(server.create_app(server.InMemoryHandler(), mock=server.MockOptions())) as url:
        yield url


@pytest.fixture
def crud_mock(crud: Package) -> Iterator[str]:
    server = crud.server
    with serve(server.create_app(server.InMemoryHandler(), mock=server.MockOptions())) as url:
        yield url


def _requests(url: str, path: str) -> list[dict[str, Any]]:
    """What the mock received at `path`, oldest first."""
    entries: list[dict[str, Any]] = httpx.get(f"{url}/__mock/requests", params={"path": path}).json()["requests"]
    return entries


# --- which operations are paged, and how -----------------------------------------------------


def test_each_style_is_recognised_and_the_unclear_one_is_a_warning(paged: Package) -> None:
    resources = {
        name: importlib.import_module(f"paged_api._resources.{name}")
        for name in ("events", "orders", "products", "customers", "invoices")
    }
    styles = {name: getattr(module, f"_LIST_{name.upper()}_PAGES").style for name, module in resources.items()}
    assert styles == {
        "events": "cursor",  # declared with x-pagination
        "orders": "next_url",  # links.pages.next
        "products": "offset",
        "customers": "page",
        "invoices": "link_header",
    }
    assert "/paths/~1reports/get: warning: this list operation looks paged" in paged.stderr
    assert "(1 pagination-unclear)" in paged.stderr
    # Unpaged, the ambiguous one returns its response as it is.
    reports = importlib.import_module("paged_api._resources.reports")
    assert reports.ReportsResource.list_reports.__annotations__["return"] == "ListReportsResponse"


def test_mypy_strict_sees_the_item_type_of_a_page(paged: Package, tmp_path: Path) -> None:
    user_code = tmp_path / "user.py"
    user_code.write_text(
        "from typing import assert_type\n"
        "from paged_api import AsyncClient, Client, Event, SyncPage, AsyncPage\n"
        "def use(client: Client) -> None:\n"
        "    page = client.list_events(limit=5)\n"
        "    assert_type(page, SyncPage[Event])\n"
        "    for event in page:\n"
        "        assert_type(event, Event)\n"
        "    assert_type(page.items, list[Event])\n"
        "async def use_async(client: AsyncClient) -> None:\n"
        "    page = await client.list_events()\n"
        "    assert_type(page, AsyncPage[Event])\n"
        "    async for event in page:\n"
        "        assert_type(event, Event)\n"
        "    async for each in page.iter_pages():\n"
        "        assert_type(each, AsyncPage[Event])\n",
        encoding="utf-8",
    )
    mypy = Path(sys.executable).parent / "mypy"
    result = subprocess.run(
        [str(mypy), "--strict", "--no-incremental", "--cache-dir=/dev/null", str(user_code)],
        cwd=paged.folder,
        env={**os.environ, "MYPYPATH": str(paged.folder)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


# --- every style, over real HTTP, sync and async ----------------------------------------------

# (create method, its body for the n-th record, list method, the page size argument, a field to compare)
STYLES = {
    "cursor": ("create_event", lambda n: {"name": f"event {n}"}, "list_events", {"limit": 7}, "name"),
    "next_url": ("create_order", lambda n: {"total": n}, "list_orders", {"per_page": 7}, "total"),
    "offset": ("create_product", lambda n: {"name": f"product {n}"}, "list_products", {"limit": 7}, "name"),
    "page": ("create_customer", lambda n: {"name": f"customer {n}"}, "list_customers", {"page_size": 7}, "name"),
    "link_header": ("create_invoice", lambda n: {"amount": n}, "list_invoices", {"per_page": 7}, "amount"),
}
COUNT = 45  # six full pages of 7 and a last one of 3


@pytest.mark.parametrize("style", list(STYLES))
def test_every_record_created_comes_back_through_the_pages_sync(paged: Package, paged_mock: str, style: str) -> None:
    create, body, list_method, size, field = STYLES[style]
    with paged.api.Client(paged_mock, max_retries=0) as client:
        created = [getattr(client, create)(body=body(n)) for n in range(COUNT)]
        page = getattr(client, list_method)(**size, extra_headers={"X-Suite": "paging"})
        assert len(page.items) == 7 and page.has_next_page()
        listed = list(page)
        pages = list(getattr(client, list_method)(**size).iter_pages())
    assert [getattr(item, field) for item in listed] == [getattr(item, field) for item in created]
    assert [item.model_dump() for item in listed] == [item.model_dump() for item in created]
    assert [len(p.items) for p in pages] == [7, 7, 7, 7, 7, 7, 3]
    assert not pages[-1].has_next_page()
    with pytest.raises(LookupError):
        pages[-1].get_next_page()
    path = {"cursor": "/events", "next_url": "/orders", "offset": "/products", "page": "/customers"}.get(
        style, "/invoices"
    )
    first_walk = [entry for entry in _requests(paged_mock, path) if entry["method"] == "GET"][:7]
    # The call's own headers go with every page it fetches.
    assert [entry["headers"].get("x-suite") for entry in first_walk] == ["paging"] * 7


@pytest.mark.parametrize("style", list(STYLES))
def test_every_record_created_comes_back_through_the_pages_async(paged: Package, paged_mock: str, style: str) -> None:
    create, body, list_method, size, field = STYLES[style]

    async def scenario() -> tuple[list[Any], list[Any], list[int]]:
        async with paged.api.AsyncClient(paged_mock, max_retries=0) as client:
            created = [await getattr(client, create)(body=body(n)) for n in range(COUNT)]
            page = await getattr(client, list_method)(**size)
            listed = [item async for item in page]
            sizes = [len(each.items) async for each in page.iter_pages()]
            return created, listed, sizes

    created, listed, sizes = asyncio.run(scenario())
    assert [getattr(item, field) for item in listed] == [getattr(item, field) for item in created]
    assert sizes == [7, 7, 7, 7, 7, 7, 3]


def test_the_link_header_names_the_next_page_until_the_last(paged: Package, paged_mock: str) -> None:
    with paged.api.Client(paged_mock, max_retries=0) as client:
        for n in range(5):
            client.create_invoice(body={"amount": n})
    first = httpx.get(f"{paged_mock}/invoices", params={"per_page": 2})
    assert first.links["next"]["url"] == f"{paged_mock}/invoices?per_page=2&page=2"
    last = httpx.get(f"{paged_mock}/invoices", params={"per_page": 2, "page": 3})
    assert [invoice["amount"] for invoice in last.json()] == [4]
    assert "link" not in last.headers


def test_a_next_url_to_another_host_is_asked_of_the_clients_own(paged: Package) -> None:
    """The next page's URL names another host: only its query is used, at the base URL,
    so the credentials the client sends never go there."""
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        page = int(request.url.params.get("page", "1"))
        body: dict[str, Any] = {"orders": [{"id": page, "total": page}], "meta": {"total": 2}}
        if page == 1:
            body["links"] = {"pages": {"next": "https://elsewhere.example/orders?page=2&per_page=1"}}
        return httpx.Response(200, json=body)

    http_client = httpx.Client(transport=httpx.MockTransport(answer))
    with paged.api.Client("https://api.paged.example", http_client=http_client, max_retries=0) as client:
        totals = [order.total for order in client.list_orders(per_page=1)]
    assert totals == [1, 2]
    assert seen == ["https://api.paged.example/orders?per_page=1", "https://api.paged.example/orders?page=2&per_page=1"]


def test_a_page_through_with_raw_response_keeps_the_http_response(paged: Package, paged_mock: str) -> None:
    with paged.api.Client(paged_mock, max_retries=0) as client:
        client.create_product(body={"name": "lamp"})
        raw = client.with_raw_response.list_products(limit=1)
    assert raw.status_code == 200
    assert [product.name for product in raw.parse()] == ["lamp"]


# --- x-pagination is checked strictly -----------------------------------------------------------


@pytest.mark.parametrize(
    ("extension", "message"),
    [
        ({"style": "cursor", "items": "data", "next": "next_cursor"}, "x-pagination style cursor needs cursor-param"),
        ({"style": "pages", "items": "data"}, "x-pagination style must be one of"),
        ({"style": "next_url", "items": "data", "next": "links.next"}, "the success response has no field links.next"),
        ({"style": "offset", "items": "next_cursor", "offset-param": "cursor"}, "is not an array"),
        ({"style": "page", "items": "data", "page-param": "page"}, "'page' is not a query parameter of the operation"),
        (
            {"style": "cursor", "items": "data", "next": "next_cursor", "cursor-param": "cursor", "size": 2},
            "no key 'size'",
        ),
        ("cursor", "x-pagination must be an object"),
    ],
)
def test_a_malformed_x_pagination_is_an_error_at_its_place(tmp_path: Path, extension: Any, message: str) -> None:
    text = (SPECS / "paged.yaml").read_text(encoding="utf-8")
    declared = text.split("      x-pagination:\n", 1)[1].split("      parameters:\n", 1)[0]
    spec = tmp_path / "broken.yaml"
    spec.write_text(
        text.replace(declared, "").replace("      x-pagination:\n", f"      x-pagination: {json.dumps(extension)}\n")
    )
    run = run_generator("generate", spec, "--out", tmp_path / "out", "--name", "broken")
    assert run.returncode == 1
    assert "broken.yaml:16: /paths/~1events/get/x-pagination" in run.stderr, run.stderr
    assert message in run.stderr, run.stderr
    assert not (tmp_path / "out").exists()


# --- collections: the whole cycle ---------------------------------------------------------------


def _both(crud: Package, url: str, scenario: Callable[[Any], Any]) -> list[Any]:
    """`scenario(client)` with a sync client, then again with an async one (awaited)."""
    results = []
    with crud.api.Client(url, token="t0ken", max_retries=0) as client:
        results.append(scenario(client))

    async def in_loop() -> Any:
        async with crud.api.AsyncClient(url, token="t0ken", max_retries=0) as client:
            return await scenario(client)

    results.append(asyncio.run(in_loop()))
    return results


def test_create_find_list_update_delete(crud: Package, crud_mock: str) -> None:
    with crud.api.Client(crud_mock, token="t0ken", max_retries=0) as client:
        ada = client.create_customer(body={"name": "Ada", "email": "ada@example.com"}).customer
        bob = client.create_customer(body={"name": "Bob"}).customer
        assert (ada.id, bob.id) == (1, 2)  # integer ids, counted up
        assert client.get_customer(ada.id).customer.email == "ada@example.com"
        assert [(c.id, c.name) for c in client.list_customers(limit=1)] == [(1, "Ada"), (2, "Bob")]

        replaced = client.replace_customer(ada.id, body={"name": "Ada L."}).customer
        assert (replaced.id, replaced.name, replaced.email) == (1, "Ada L.", None)  # PUT keeps only what it was sent
        merged = client.update_customer(ada.id, body={"vip": True}).customer
        assert (merged.name, merged.vip) == ("Ada L.", True)  # PATCH keeps the rest
        assert client.get_customer(ada.id).customer.vip is True

        client.delete_customer(bob.id)
        with pytest.raises(crud.api.NotFoundError) as raised:
            client.get_customer(bob.id)
        assert raised.value.body.code == 404  # the API's own error shape
        assert [c.id for c in client.list_customers()] == [1]


def test_nested_collections_keep_each_parents_records_apart(crud: Package, crud_mock: str) -> None:
    def scenario(client: Any) -> Any:
        if isinstance(client, crud.api.AsyncClient):
            return _nested_async(client)
        ids = {
            parent: [client.create_note(parent, body={"text": f"{parent}-{n}"}).id for n in range(12)]
            for parent in (1, 2)
        }
        return ids, {parent: [note.text for note in client.list_notes(parent, limit=5)] for parent in (1, 2)}

    (sync_ids, sync_texts), (async_ids, async_texts) = _both(crud, crud_mock, scenario)
    assert sync_texts == {parent: [f"{parent}-{n}" for n in range(12)] for parent in (1, 2)}
    assert async_texts == {parent: [f"{parent}-{n}" for n in range(12)] * 2 for parent in (1, 2)}
    for ids in (sync_ids, async_ids):
        assert all(len(str(note_id)) == 36 for parent in ids for note_id in ids[parent])  # UUIDs
    with crud.api.Client(crud_mock, token="t0ken", max_retries=0) as client:
        note_id = sync_ids[1][0]
        assert client.get_note(1, str(note_id)).text == "1-0"
        with pytest.raises(crud.api.NotFoundError):
            client.get_note(2, str(note_id))  # another customer's note is not there
        client.delete_note(1, str(note_id))
        with pytest.raises(crud.api.NotFoundError):
            client.get_note(1, str(note_id))


async def _nested_async(client: Any) -> Any:
    ids = {
        parent: [(await client.create_note(parent, body={"text": f"{parent}-{n}"})).id for n in range(12)]
        for parent in (1, 2)
    }
    texts = {}
    for parent in (1, 2):
        texts[parent] = [note.text async for note in await client.list_notes(parent, limit=5)]
    return ids, texts


def test_a_reset_forgets_the_collections_and_their_ids(crud: Package, crud_mock: str) -> None:
    with crud.api.Client(crud_mock, token="t0ken", max_retries=0) as client:
        client.create_customer(body={"name": "Ada"})
        assert httpx.post(f"{crud_mock}/__mock/reset").status_code == 204
        assert list(client.list_customers()) == []
        assert client.create_customer(body={"name": "Bob"}).customer.id == 1


def test_the_command_line_preloads_records_from_a_data_file(crud: Package, tmp_path: Path) -> None:
    data = tmp_path / "records.json"
    data.write_text(
        json.dumps(
            {
                "/customers": [{"id": 7, "name": "Ada"}, {"name": "Bob"}],
                "/customers/7/notes": [{"id": "c2a1f0de-8d1c-4c3e-9a55-0b1b0c7d3e11", "text": "called"}],
            }
        ),
        encoding="utf-8",
    )
    with (
        mock_process("crud_api", "--data", str(data), folder=crud.folder) as (url, _),
        crud.api.Client(url, token="t0ken", max_retries=0) as client,
    ):
        assert [(c.id, c.name) for c in client.list_customers()] == [(7, "Ada"), (8, "Bob")]
        assert [note.text for note in client.list_notes(7)] == ["called"]
        assert client.create_customer(body={"name": "Cy"}).customer.id == 9


def test_a_data_file_naming_no_collection_is_refused_at_startup(crud: Package, tmp_path: Path) -> None:
    data = tmp_path / "records.json"
    data.write_text(json.dumps({"/invoices": [{"id": 1}]}), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "crud_api.server", "--data", str(data)],
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(crud.folder)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert (
        "/invoices is not a collection of this API (its collections: /customers, /customers/{customer_id}/notes)"
        in run.stderr
    )


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("records.json", '{"/customers": [', "not JSON: Expecting value: line 1 column 17"),
        ("records.yaml", "/customers: [\n  - {id: 1\n", "not YAML: "),
        ("records.json", "[" * 100_000 + "]" * 100_000, "nested too deeply to read"),
        ("records.json", '["not", "a mapping"]', "expected an object mapping collection paths to lists of records"),
    ],
)
def test_a_broken_data_file_is_refused_at_startup_saying_why(
    crud: Package, tmp_path: Path, name: str, content: str, said: str
) -> None:
    data = tmp_path / name
    data.write_text(content, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "crud_api.server", "--data", str(data)],
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(crud.folder)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2, run.stderr
    assert said in run.stderr
    assert "Traceback" not in run.stderr


def test_help_and_the_readme_document_the_data_file(crud: Package) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "crud_api.server", "--help"],
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(crud.folder)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "--data FILE" in run.stdout and "/customers/{customer_id}/notes" in run.stdout
    readme = (crud.folder / "README.md").read_text(encoding="utf-8")
    assert "--data" in readme and "/customers/{customer_id}/notes" in readme


# --- the package READMEs' examples run -----------------------------------------------------------


def test_the_readme_pages_example_runs(
    paged: Package, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server = paged.server
    handler = server.InMemoryHandler()
    handler.preload({"/events": [{"name": f"event {n}"} for n in range(25)]}, server.COLLECTIONS)
    with serve(server.create_app(handler, mock=server.MockOptions())) as url:
        monkeypatch.setenv("PAGED_BASE_URL", url)
        exec(compile(readme_example(paged.api, "Pages"), "README.md (Pages)", "exec"), {})
        entries = _requests(url, "/events")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "20 on the first page"  # the mock's page size where the call names none
    assert [line.split("name=")[1] for line in lines[1:]] == [f"'event {n}'" for n in range(25)]
    assert [entry["query"] for entry in entries] == [{}, {"cursor": ["20"]}]


def test_the_readme_collections_example_runs(
    crud: Package, crud_mock: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRUD_BASE_URL", crud_mock)
    monkeypatch.setenv("CRUD_TOKEN", "t0ken")
    with crud.api.Client(crud_mock, token="t0ken", max_retries=0) as client:
        client.create_customer(body={"name": "Grace"})
    exec(compile(readme_example(crud.api, "Collections"), "README.md (Collections)", "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "customer=Customer(id=2, name='Ada Lovelace', email='ada@example.com', vip=None)",
        "id=1 name='Grace' email=None vip=None",
        "id=2 name='Ada Lovelace' email='ada@example.com' vip=None",
    ]
    readme = (crud.folder / "README.md").read_text(encoding="utf-8")
    data = json.loads(readme.split("```json\n", 1)[1].split("```", 1)[0])
    assert data == {"/customers": [{"id": 1, "name": "Ada Lovelace", "email": "ada@example.com"}]}


# --- DigitalOcean: links.pages.next and meta.total -----------------------------------------------


def test_digitalocean_droplets_come_back_across_pages(digitalocean: Package) -> None:
    server, api = digitalocean.server, digitalocean.api
    handler = server.InMemoryHandler()
    handler.preload({"/v2/droplets": [{"id": n, "name": f"web-{n}"} for n in range(1, 24)]}, server.COLLECTIONS)
    token = "dop_v1_" + "0" * 64
    with (
        serve(server.create_app(handler, mock=server.MockOptions())) as url,
        api.Client(url, bearer_auth_token=token, max_retries=0) as client,
    ):
        first = client.droplets_list(per_page=5)
        assert first.http_response.json()["links"]["pages"]["next"] == f"{url}/v2/droplets?per_page=5&page=2"
        assert first.body.meta.total == 23
        assert [(droplet.id, droplet.name) for droplet in first] == [(n, f"web-{n}") for n in range(1, 24)]
        assert [len(page.items) for page in client.droplets_list(per_page=5).iter_pages()] == [5, 5, 5, 5, 3]
        client.droplets_create(
            body={"name": "made", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-20-04-x64"}
        )
        # Its answer is a union (one droplet or several) the mock answers with its example;
        # the record is kept under the next id after the highest preloaded.
        assert [droplet.id for droplet in client.droplets_list(per_page=50)][-1] == 24
        assert client.droplets_get(24).droplet.name == "made"
        client.droplets_destroy(24)
        with pytest.raises(api.NotFoundError):
            client.droplets_get(24)

        async def walk() -> list[int]:
            async with api.AsyncClient(url, bearer_auth_token=token, max_retries=0) as async_client:
                return [droplet.id async for droplet in await async_client.droplets_list(per_page=4)]

        assert asyncio.run(walk()) == list(range(1, 24))
