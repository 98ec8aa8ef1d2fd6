"""Parameters in every style OpenAPI defines, read by the generated server and written by
the generated clients the same way.

The fixture tests/fixtures/realworld/parameter_styles.yaml has one operation per style; a
handler echoes what the server read. The clients' values must come back unchanged, raw
requests in each wire form must be read as OpenAPI spells them, and malformed ones must
be answered with the API's declared 400, never a 5xx.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import random
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pydantic
import pytest

from generator.ir.ir import ParameterLocation, ParameterStyle
from generator.ir.ir_builder import build_api
from generator.load.bundle import bundle
from generator.normalize.normalize import normalize
from tests.support import FIXTURES, importable, mypy_strict, run_generator, serve

SPEC = FIXTURES / "realworld" / "parameter_styles.yaml"


class Generated:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.api = importlib.import_module("parameter_styles_api")
        self.server = importlib.import_module("parameter_styles_api.server")
        self.models = importlib.import_module("parameter_styles_api.models")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    out = tmp_path_factory.mktemp("parameter_styles")
    run = run_generator("generate", SPEC, "--out", out, cwd=out)
    assert run.returncode == 0, run.stderr
    with importable(out / "parameter_styles"):
        yield Generated(out)


def _echo_handler(server: ModuleType, seen: list[dict[str, Any]]) -> Any:
    """A handler whose every operation answers with the parameters it was given, as JSON by
    Python name (those left out are left out), and keeps them in `seen` as they came."""

    def echo(signature: inspect.Signature) -> Any:
        async def method(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
            given = signature.bind(self, *args, **kwargs).arguments
            del given["self"], given["credentials"]
            seen.append(given)
            dump = pydantic.TypeAdapter(Any).dump_python
            return {
                k: dump(v, mode="json", by_alias=True, exclude_unset=True) for k, v in given.items() if v is not None
            }

        return method

    methods = {
        name: echo(inspect.signature(function))
        for name, function in inspect.getmembers(server.Handler, inspect.isfunction)
        if name.startswith("echo_")
    }
    return type("EchoHandler", (server.InMemoryHandler,), methods)()


@pytest.fixture(scope="module")
def seen() -> list[dict[str, Any]]:
    return []


@pytest.fixture(scope="module")
def url(generated: Generated, seen: list[dict[str, Any]]) -> Iterator[str]:
    with serve(generated.server.create_app(_echo_handler(generated.server, seen))) as base_url:
        yield base_url


def test_the_package_type_checks_and_documents_its_parameters(generated: Generated) -> None:
    run = mypy_strict(generated.out, str(generated.out / "parameter_styles" / "parameter_styles_api"))
    assert run.returncode == 0, run.stdout
    app = generated.server.create_app(generated.server.InMemoryHandler())
    documented = {
        (path, parameter["name"]): parameter
        for path, item in app.openapi()["paths"].items()
        for parameter in item["get"]["parameters"]
    }
    assert documented["/deep", "search"]["style"] == "deepObject"
    assert documented["/deep", "search"]["schema"]["properties"]["range"]["properties"]["min"] == {"type": "integer"}
    assert documented["/form", "ids"]["in"] == "query"  # declared to FastAPI as before
    assert documented["/content", "X-Where"]["content"]["application/json"]["schema"]["type"] == "object"
    assert documented["/label/{id}/{ids}/{exploded}/{point}/{filter}", "exploded"]["explode"] is True


# --- through the generated clients -----------------------------------------------------------


def _calls(generated: Generated) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(operation, arguments, the echo expected) for every operation."""
    models = generated.models
    point = models.Point(x=1.5, y=-2)
    filter_ = models.Filter(color=models.Color.RED, size=2, exact=False)
    search = models.Search.model_validate({"text": "bolts & nuts", "range": {"min": 1, "max": 5}, "tags": ["a", "b"]})
    return [
        (
            "echo_form",
            {"ids": [1, 2], "names": ["a b", "ü"], "filter": filter_, "point": point, "tint": models.Color.GREEN},
            {
                "ids": [1, 2],
                "names": ["a b", "ü"],
                "filter": {"color": "red", "size": 2, "exact": False},
                "point": {"x": 1.5, "y": -2},
                "tint": "green",
                "limit": 10,  # the spec's default
            },
        ),
        (
            "echo_delimited",
            {
                "spaced": [1.5, 2],
                "piped": [models.Color.RED, models.Color.BLUE],
                "piped_point": point,
                "repeated": [True, False],
            },
            {
                "spaced": [1.5, 2],
                "piped": ["red", "blue"],
                "piped_point": {"x": 1.5, "y": -2},
                "repeated": [True, False],
            },
        ),
        (
            "echo_deep",
            {"search": search, "filter": models.Filter(exact=True), "counts": {"a": 1, "b": 2}},
            {
                "search": {"text": "bolts & nuts", "range": {"min": 1, "max": 5}, "tags": ["a", "b"]},
                "filter": {"exact": True},
                "counts": {"a": 1, "b": 2},
            },
        ),
        (
            "echo_objects",
            {"items": [models.Item(name="bolt", count=2), {"name": "nut"}], "points": [point, models.Point(x=0, y=0)]},
            {
                "items": [{"name": "bolt", "count": 2}, {"name": "nut"}],
                "points": [{"x": 1.5, "y": -2}, {"x": 0, "y": 0}],
            },
        ),
        (
            "echo_content",
            {"where": filter_, "x_where": models.Search(text="é", tags=["x"]), "prefs": ["a; b", "c=d,e"], "page": 3},
            {
                "where": {"color": "red", "size": 2, "exact": False},
                "x_where": {"text": "é", "tags": ["x"]},
                "prefs": ["a; b", "c=d,e"],
                "page": 3,
            },
        ),
        (
            "echo_headers",
            {
                "x_ids": [1, 2],
                "x_point": point,
                "x_filter": filter_,
                "ids": [4, 5],
                "tags": ["a b", "c;d"],
                "point": point,
            },
            {
                "x_ids": [1, 2],
                "x_point": {"x": 1.5, "y": -2},
                "x_filter": {"color": "red", "size": 2, "exact": False},
                "ids": [4, 5],
                "tags": ["a b", "c;d"],
                "point": {"x": 1.5, "y": -2},
            },
        ),
        (
            "echo_simple",
            {"ids": [1, 2], "point": point, "filter": filter_},
            {"ids": [1, 2], "point": {"x": 1.5, "y": -2}, "filter": {"color": "red", "size": 2, "exact": False}},
        ),
        (
            "echo_label",
            {"id": 7, "ids": [1, 2], "exploded": ["a b", "ü"], "point": point, "filter": filter_},
            {
                "id": 7,
                "ids": [1, 2],
                "exploded": ["a b", "ü"],
                "point": {"x": 1.5, "y": -2},
                "filter": {"color": "red", "size": 2, "exact": False},
            },
        ),
        (
            "echo_matrix",
            {"id": "a b", "ids": [1, 2], "exploded": [3, 4], "point": point},
            {"id": "a b", "ids": [1, 2], "exploded": [3, 4], "point": {"x": 1.5, "y": -2}},
        ),
    ]


def _positional(generated: Generated, operation: str, arguments: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """Path parameters go first, by position, as the methods take them."""
    signature = inspect.signature(getattr(generated.api.Client, operation))
    positional = [
        name for name, p in signature.parameters.items() if p.kind is p.POSITIONAL_OR_KEYWORD and name != "self"
    ]
    return [arguments[name] for name in positional], {k: v for k, v in arguments.items() if k not in positional}


def test_every_style_round_trips_through_the_sync_client(
    generated: Generated, url: str, seen: list[dict[str, Any]]
) -> None:
    with generated.api.Client(url) as client:
        for operation, arguments, expected in _calls(generated):
            args, kwargs = _positional(generated, operation, arguments)
            echo = getattr(client, operation)(*args, **kwargs)
            assert echo.root == expected, operation
    # The handler got the declared types, not dicts and strings.
    deep = next(given for given in seen if "search" in given)
    assert isinstance(deep["search"], generated.models.Search) and deep["search"].range.max == 5
    assert all(isinstance(item, generated.models.Item) for item in next(g["items"] for g in seen if "items" in g))


def test_every_style_round_trips_through_the_async_client(generated: Generated, url: str) -> None:
    async def main() -> None:
        async with generated.api.AsyncClient(url) as client:
            for operation, arguments, expected in _calls(generated):
                args, kwargs = _positional(generated, operation, arguments)
                echo = await getattr(client, operation)(*args, **kwargs)
                assert echo.root == expected, operation

    asyncio.run(main())


def test_the_client_writes_each_style_as_openapi_spells_it(generated: Generated, url: str) -> None:
    sent: list[httpx.Request] = []
    http_client = httpx.Client(event_hooks={"request": [sent.append]})
    models = generated.models
    with generated.api.Client(url, http_client=http_client) as client:
        client.echo_deep(search=models.Search(text="t", range=models.SearchRange(min=1)), counts={"a": 1})
        client.echo_objects(items=[models.Item(name="bolt", count=2), models.Item(name="nut")])
        client.echo_delimited(spaced=[1, 2], piped=[models.Color.RED, models.Color.BLUE])
        client.echo_form(names=["a", "b"], filter=models.Filter(size=3), point=models.Point(x=1, y=2))
        client.echo_headers(x_ids=[1, 2], x_filter=models.Filter(size=3, exact=True), ids=[4, 5], tags=["a", "b"])
        client.echo_label(7, [1, 2], ["a", "b"], models.Point(x=1, y=2), models.Filter(size=3))
        client.echo_matrix("x", [1, 2], [3, 4], models.Point(x=1, y=2))
    http_client.close()
    deep, objects, delimited, form, headers, label, matrix = sent
    assert deep.url.params.multi_items() == [("search[text]", "t"), ("search[range][min]", "1"), ("counts[a]", "1")]
    assert objects.url.params.multi_items() == [
        ("items[0][name]", "bolt"),
        ("items[0][count]", "2"),
        ("items[1][name]", "nut"),
    ]
    assert delimited.url.params.multi_items() == [("spaced", "1 2"), ("piped", "red|blue")]
    assert form.url.params.multi_items() == [("names", "a,b"), ("size", "3"), ("point", "x,1.0,y,2.0")]
    assert headers.headers["x-ids"] == "1,2" and headers.headers["x-filter"] == "size=3,exact=true"
    assert headers.headers["cookie"] == "ids=4%2C5; tags=a; tags=b"
    assert label.url.path == "/label/.7/.1,2/.a.b/.x,1.0,y,2.0/.size=3"
    assert matrix.url.path == "/matrix/;id=x/;ids=1,2/;exploded=3;exploded=4/;x=1.0;y=2.0"


# --- raw requests in each wire form ----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "headers", "expected"),
    [
        (
            "/form?ids=1&ids=2&names=a,b&size=2&exact=true&point=x,1,y,2.5&tint=blue&limit=3",
            {},
            {"ids": [1, 2], "names": ["a", "b"], "filter": {"size": 2, "exact": True}, "point": {"x": 1, "y": 2.5}}
            | {"tint": "blue", "limit": 3},
        ),
        ("/form?names=", {}, {"names": [], "limit": 10}),
        (
            "/delimited?spaced=1%202.5&piped=red|blue&piped_point=x|1|y|2&repeated=true&repeated=false",
            {},
            {"spaced": [1, 2.5], "piped": ["red", "blue"], "piped_point": {"x": 1, "y": 2}, "repeated": [True, False]},
        ),
        ("/delimited?spaced=1+2", {}, {"spaced": [1, 2]}),  # a form-encoded space
        (
            "/deep?filter[color]=red&filter[size]=3&counts[a]=1&search[range][min]=1&search[tags]=a&search[tags]=b",
            {},
            {
                "filter": {"color": "red", "size": 3},
                "counts": {"a": 1},
                "search": {"range": {"min": 1}, "tags": ["a", "b"]},
            },
        ),
        ("/deep?search[tags][]=a&search[tags][]=b", {}, {"search": {"tags": ["a", "b"]}}),  # PHP's brackets
        (
            "/objects?items[1][name]=nut&items[0][name]=bolt&items[0][count]=2&points[0][x]=1&points[0][y]=2",
            {},
            {"items": [{"name": "bolt", "count": 2}, {"name": "nut"}], "points": [{"x": 1, "y": 2}]},
        ),
        # JSON text per item is read too, as some clients write arrays of objects.
        (
            '/objects?items={"name":"bolt"}&items={"name":"nut","count":3}',
            {},
            {"items": [{"name": "bolt"}, {"name": "nut", "count": 3}]},
        ),
        (
            '/content?where={"color":"red"}&page=2',
            {"X-Where": '{"text":"x","tags":["a"]}', "Cookie": "prefs=%5B%22a%22%5D"},
            {"where": {"color": "red"}, "x_where": {"text": "x", "tags": ["a"]}, "prefs": ["a"], "page": 2},
        ),
        ("/content", {}, {"page": 1}),  # the default of a `content` parameter
        (
            "/headers",
            {
                "X-Ids": "1, 2",
                "X-Point": "x,1,y,2",
                "X-Filter": "color=red,size=2",
                "Cookie": "ids=1,2; tags=a; tags=b",
            },
            {"x_ids": [1, 2], "x_point": {"x": 1, "y": 2}, "x_filter": {"color": "red", "size": 2}}
            | {"ids": [1, 2], "tags": ["a", "b"]},
        ),
        (
            "/simple/1,2/x,1,y,2/color=red,exact=true",
            {},
            {"ids": [1, 2], "point": {"x": 1, "y": 2}, "filter": {"color": "red", "exact": True}},
        ),
        (
            "/label/.5/.1,2/.a.b/.x,1,y,2/.color=red.size=2",
            {},
            {
                "id": 5,
                "ids": [1, 2],
                "exploded": ["a", "b"],
                "point": {"x": 1, "y": 2},
                "filter": {"color": "red", "size": 2},
            },
        ),
        (
            "/matrix/;id=abc/;ids=1,2/;exploded=1;exploded=2/;x=1;y=2",
            {},
            {"id": "abc", "ids": [1, 2], "exploded": [1, 2], "point": {"x": 1, "y": 2}},
        ),
    ],
)
def test_each_wire_form_is_read(url: str, path: str, headers: dict[str, str], expected: dict[str, Any]) -> None:
    response = httpx.get(url + path, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == expected


@pytest.mark.parametrize(
    ("path", "headers", "field", "message"),
    [
        ("/form?point=x,1,y", {}, "query parameter point", "keys and values in turn"),
        ("/form?size=big", {}, "query parameter filter/size", "is not of type"),
        ("/form?point=x,1,z,2", {}, "query parameter point", "'z' was unexpected"),
        ("/delimited?spaced=1e400", {}, "query parameter spaced/0", "is not of type"),
        ("/delimited?piped=red|purple", {}, "query parameter piped/1", "is not one of"),
        ("/deep?search[text]=", {}, "query parameter search/text", "shorter than 1 character"),
        ("/deep?filter[color]=red", {}, "query parameter search", "Field required"),
        ("/deep?search[text=x", {}, "query parameter search", "malformed brackets"),
        ("/deep?search[range]=1&search[range][min]=2", {}, "query parameter search", "both a value and an object"),
        ("/deep?search" + "[a]" * 40 + "=1", {}, "query parameter search", "deeper than"),
        # Beyond the digits Python converts: left text, which the schema refuses.
        ("/deep?search[text]=x&counts[a]=" + "9" * 5000, {}, "query parameter counts/a", "999..."),
        ("/objects?items[0][count]=-1", {}, "query parameter items/0", "required property"),
        ("/objects", {}, "query parameter items", "Field required"),
        ('/content?where={"color":', {}, "query parameter where", "not valid JSON"),
        ("/content?where=" + "[" * 200, {}, "query parameter where", "deeper than"),
        ("/content?page=0", {}, "query parameter page", "less than the minimum"),
        ("/content", {"X-Where": '{"text": 1}'}, "header parameter X-Where/text", "is not of type"),
        ("/content", {"Cookie": "prefs=nope"}, "cookie parameter prefs", "not valid JSON"),
        ("/headers", {"X-Ids": "1,a"}, "header parameter X-Ids/1", "is not of type"),
        ("/headers", {"X-Filter": "color"}, "header parameter X-Filter", "expected key=value"),
        ("/headers", {"Cookie": "point=x,1"}, "cookie parameter point", "required property"),
        ("/simple/1,x/x,1,y,2/size=1", {}, "path parameter ids/1", "is not of type"),
        ("/label/5/.1/.a/.x,1,y,2/.size=1", {}, "path parameter id", "expected .value"),
        ("/label/.5/.1/.a/.x,1,y,2/.size=1.5", {}, "path parameter filter", "expected key=value"),
        ("/matrix/id=abc/;ids=1/;exploded=1/;x=1;y=2", {}, "path parameter id", "expected ;id="),
        ("/matrix/;id=abc/;ids=1/;exploded=1/;x=1", {}, "path parameter point", "required property"),
        ("/matrix/;id=abc/;other=1/;exploded=1/;x=1;y=2", {}, "path parameter ids", "expected ;ids="),
    ],
)
def test_malformed_parameters_get_the_declared_400(
    url: str, path: str, headers: dict[str, str], field: str, message: str
) -> None:
    response = httpx.get(url + path, headers=headers)
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) == {"message", "errors"}  # the spec's Error
    assert any(p["field"] == field and message in p["message"] for p in body["errors"]), body


def test_random_parameters_never_get_a_5xx(url: str) -> None:
    """Junk in every place a parameter is read from is a 4xx (or read), never a failure."""
    rng = random.Random(7)
    alphabet = 'ab01e9-.,;=[]{}"|% +&:\\ü'
    names = ["ids", "names", "filter", "point", "size", "search", "counts", "items", "points", "where", "page"]

    def junk(length: int = 6) -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, length)))

    def key() -> str:
        brackets = (
            rng.choice(["", "0", "1", "color", "range", "min", "tags", junk(3)]) for _ in range(rng.randint(0, 3))
        )
        return rng.choice(names) + "".join(f"[{inner}]" for inner in brackets)

    def segment() -> str:
        return urllib.parse.quote(rng.choice([".", ";", ""]) + junk(8), safe=".;=,") or "x"

    templates = ["/form", "/delimited", "/deep", "/objects", "/content", "/headers"]
    templates += ["/simple/{}/{}/{}", "/label/{}/{}/{}/{}/{}", "/matrix/{}/{}/{}/{}"]
    with httpx.Client(base_url=url) as client:
        for _ in range(300):
            path = rng.choice(templates).format(*(segment() for _ in range(5)))
            query = "&".join(f"{key()}={junk()}" for _ in range(rng.randint(0, 6)))
            headers = {name: junk(10) for name in ("X-Ids", "X-Point", "X-Where") if rng.random() < 0.3}
            cookies = (f"{rng.choice(['ids', 'tags', 'prefs'])}={junk().replace(';', '')}" for _ in range(2))
            headers["Cookie"] = "; ".join(cookies)
            headers = {name: value.replace("ü", "u").strip() for name, value in headers.items()}  # as HTTP allows
            response = client.get(f"{path}?{query}", headers=headers)
            assert response.status_code < 500, (path, query, headers, response.text)


def test_delimiters_inside_values_stay_whole_where_the_wire_tells_them_apart(generated: Generated, url: str) -> None:
    """JSON text, deepObject brackets and a delimiter other than the one a value holds."""
    models = generated.models
    with generated.api.Client(url) as client:
        echo = client.echo_content(prefs=['a,b; c=d|e "f"', "[x]"], where=models.Filter(size=1))
        assert echo.root["prefs"] == ['a,b; c=d|e "f"', "[x]"]
        assert client.echo_deep(search=models.Search(text="a[b]=c&d")).root["search"] == {"text": "a[b]=c&d"}
        echo = client.echo_label(1, [1], ["a,b", "c=d"], models.Point(x=1, y=2), models.Filter(color="red"))
        assert echo.root["exploded"] == ["a,b", "c=d"]  # exploded labels split at dots only
        assert client.echo_delimited(piped=[]).root["piped"] == []


# --- the IR ----------------------------------------------------------------------------------


def test_styles_default_as_openapi_says(tmp_path: Path) -> None:
    spec = tmp_path / "styles.yaml"
    spec.write_text(
        """
openapi: 3.1.0
info: {title: Styles, version: 1.0.0}
paths:
  /things/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: array, items: {type: integer}}}
        - {name: q, in: query, schema: {type: array, items: {type: string}}}
        - {name: h, in: header, schema: {type: array, items: {type: string}}}
        - {name: c, in: cookie, schema: {type: object}}
        - {name: d, in: query, style: deepObject, schema: {type: object}}
        - {name: bad, in: header, style: form, schema: {type: string}}
        - {name: j, in: query, content: {application/json: {schema: {type: object}}}}
      responses:
        "204": {description: Done.}
"""
    )
    loaded, _ = bundle(spec)
    normalize(loaded.document)
    api, warnings = build_api(loaded.document, loaded, "styles", "styles.yaml")
    found = {p.name: (p.location, p.style, p.explode, p.media_type) for p in api.operations[0].parameters}
    assert found == {
        "id": (ParameterLocation.PATH, ParameterStyle.SIMPLE, False, None),
        "q": (ParameterLocation.QUERY, ParameterStyle.FORM, True, None),
        "h": (ParameterLocation.HEADER, ParameterStyle.SIMPLE, False, None),
        "c": (ParameterLocation.COOKIE, ParameterStyle.FORM, True, None),
        "d": (ParameterLocation.QUERY, ParameterStyle.DEEP_OBJECT, True, None),
        "bad": (ParameterLocation.HEADER, ParameterStyle.SIMPLE, False, None),
        "j": (ParameterLocation.QUERY, ParameterStyle.FORM, True, "application/json"),
    }
    assert [p.name for p in api.operations[0].parameters if p.read_by_style] == ["id", "h", "c", "d", "j"]
    (warning,) = warnings
    assert warning.kind == "unsupported-parameter-style" and "'bad'" in warning.message
