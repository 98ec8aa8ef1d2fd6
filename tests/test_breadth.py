"""The breadth fixtures: one small spec per concern under tests/fixtures/breadth/.

Every fixture is generated in one run, imported and type-checked; then each concern is
driven through its generated client against its generated server over real HTTP.
"""

from __future__ import annotations

import ast
import datetime
import importlib
import sys
import typing
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.support import FIXTURES, mypy_strict, run_generator, serve, snapshot

BREADTH = FIXTURES / "breadth"
FIXTURE_SPECS = sorted(BREADTH.glob("*.yaml"))
MULTIFILE = FIXTURES / "multifile" / "api.yaml"


class Generated:
    """The generated packages of every fixture, importable by fixture name."""

    def __init__(self, out: Path) -> None:
        self.out = out

    def client(self, name: str) -> ModuleType:
        return importlib.import_module(f"{name}_api")

    def server(self, name: str) -> ModuleType:
        return importlib.import_module(f"{name}_api.server")

    def models(self, name: str) -> ModuleType:
        return importlib.import_module(f"{name}_api.models")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    out = tmp_path_factory.mktemp("breadth")
    # The hostile fixture's strings would create HOSTILE-* files here if anything ran them.
    run = run_generator("generate", *FIXTURE_SPECS, "--out", out, cwd=out)
    assert run.returncode == 0, run.stderr
    run = run_generator("generate", MULTIFILE, "--out", out, "--name", "multifile", cwd=out)
    assert run.returncode == 0, run.stderr
    folders = sorted(p for p in out.iterdir() if p.is_dir())
    sys.path[:0] = [str(folder) for folder in folders]
    try:
        yield Generated(out)
    finally:
        for folder in folders:
            sys.path.remove(str(folder))


def test_every_fixture_generates_imports_and_type_checks(generated: Generated) -> None:
    names = [spec.stem for spec in FIXTURE_SPECS] + ["multifile"]
    for name in names:
        server = generated.server(name)
        app = server.create_app(server.InMemoryHandler())
        assert app.routes, name
        assert generated.client(name).Client.__name__ == "Client"
    run = mypy_strict(generated.out, *[str(generated.out / name / f"{name}_api") for name in names])
    assert run.returncode == 0, run.stdout


def test_generation_is_deterministic(generated: Generated, tmp_path: Path) -> None:
    run = run_generator("generate", *FIXTURE_SPECS, "--out", tmp_path, cwd=tmp_path)
    assert run.returncode == 0, run.stderr

    def packages(directory: Path) -> dict[str, bytes]:
        names = {spec.stem for spec in FIXTURE_SPECS}
        return {path: content for path, content in snapshot(directory).items() if path.split("/")[0] in names}

    assert packages(tmp_path) == packages(generated.out)


# --- schemas ------------------------------------------------------------------------------


def test_openapi_30_nullable(generated: Generated) -> None:
    api, server = generated.client("nullable_30"), generated.server("nullable_30")
    with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(url) as client:
        note = client.put_note(1, body={"title": "t", "body": None, "author": None})
        assert note.body is None and note.author is None
        note = client.put_note(1, body={"title": "t", "body": "b", "author": {"name": "Ann"}})
        assert note.author is not None and note.author.name == "Ann"
        response = httpx.put(f"{url}/notes/1", json={"title": None, "body": "b"})  # title is not nullable
        assert response.status_code == 400 and "/title" in response.text
        # 3.0's boolean exclusiveMinimum: 0 is out, 0.1 is in.
        assert httpx.put(f"{url}/notes/1", json={"title": "t", "body": "b", "rating": 0}).status_code == 400
        assert httpx.put(f"{url}/notes/1", json={"title": "t", "body": "b", "rating": 0.1}).status_code == 200


def test_openapi_31_type_arrays_const_and_defs(generated: Generated) -> None:
    api, server, models = generated.client("types_31"), generated.server("types_31"), generated.models("types_31")
    assert models.Shape.model_fields["kind"].annotation.__args__ == ("polygon",)  # const -> Literal
    with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(url) as client:
        shape = client.create_shape(body={"kind": "polygon", "sides": 4, "label": None, "origin": {"x": 1, "y": 2}})
        assert shape.label is None and shape.origin is not None and shape.origin.y == 2
        assert httpx.post(f"{url}/shapes", json={"kind": "circle", "sides": 4}).status_code == 400
        assert httpx.post(f"{url}/shapes", json={"kind": "polygon", "sides": 3, "weight": 0}).status_code == 400


def test_all_of_one_of_any_of_and_discriminators(generated: Generated) -> None:
    api, server, models = (
        generated.client("composition"),
        generated.server("composition"),
        generated.models("composition"),
    )
    assert issubclass(models.Cat, models.Animal) and issubclass(models.Dog, models.Animal)  # allOf
    with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(url) as client:
        dog = client.add_pet(body={"pet_type": "dog", "name": "Rex", "good_boy": True})
        assert isinstance(dog.root, models.Dog) and dog.root.good_boy is True
        cat = client.add_pet(body=models.Pet(models.Cat(pet_type="cat", name="Tom", lives=9)))
        assert isinstance(cat.root, models.Cat) and cat.root.lives == 9
        assert httpx.post(f"{url}/pets", json={"pet_type": "fish", "name": "Nemo"}).status_code == 400
        resize = client.run_action(body={"type": "resize", "size": 2})
        assert isinstance(resize.root, models.ResizeAction) and resize.root.size == 2
        stop = client.run_action(body={"type": "stop"})
        assert type(stop.root) is models.Action
        contact = client.add_contact(body={"via": {"number": "+44 1"}, "tag": 7})
        assert isinstance(contact.via, models.Phone) and contact.tag == 7  # oneOf and anyOf, no discriminator
        contact = client.add_contact(body={"via": {"email": "a@example.test"}, "tag": "x"})
        assert isinstance(contact.via, models.Email) and contact.tag == "x"


def test_string_and_integer_enums(generated: Generated) -> None:
    api, server, models = generated.client("enums"), generated.server("enums"), generated.models("enums")
    declared = ["open", "in-progress", "1st-line", "with space", "None", "class", ""]
    assert [member.value for member in models.Status] == declared
    assert [member.value for member in models.Priority] == [1, 2, 3]
    seen: list[tuple[Any, Any]] = []

    class Orders(server.InMemoryHandler):  # type: ignore[name-defined,misc]
        async def list_orders(self, *, status: Any, priority: Any, credentials: Any) -> Any:
            seen.append((status, priority))
            return [models.Order(status=status or models.Status.OPEN, channel=None)]

    with serve(server.create_app(Orders())) as url, api.Client(url) as client:
        orders = client.list_orders(status=models.Status.WITH_SPACE, priority=2)
        assert orders[0].status is models.Status.WITH_SPACE and orders[0].channel is None
        assert seen == [(models.Status.WITH_SPACE, 2)]
        assert httpx.get(f"{url}/orders", params={"priority": 4}).status_code == 400
        assert httpx.get(f"{url}/orders", params={"status": "closed"}).status_code == 400


def test_typed_and_free_form_additional_properties_and_nested_arrays(generated: Generated) -> None:
    api, server, models = (
        generated.client("additional_properties"),
        generated.server("additional_properties"),
        generated.models("additional_properties"),
    )
    body = {
        "counts": {"apples": 3},
        "items": {"a": {"sku": "A-1"}},
        "metadata": {"any": ["thing", 1, None]},
        "anything": {"x": 1},
        "grid": [[1, 2], [3]],
    }
    with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(url) as client:
        inventory = client.put_inventory(body=body)
        assert inventory.counts == {"apples": 3} and inventory.items["a"].sku == "A-1"
        assert inventory.grid == [[1, 2], [3]] and inventory.metadata == {"any": ["thing", 1, None]}
        assert httpx.put(f"{url}/inventories", json={"counts": {"apples": "3"}}).status_code == 400
        assert httpx.put(f"{url}/inventories", json={"unknown": 1}).status_code == 400  # closed object
        assert httpx.put(f"{url}/inventories", json={"grid": [[1, "x"]]}).status_code == 400
    assert models.Labels.model_validate({"a": "b"}).root == {"a": "b"}


def test_formats(generated: Generated) -> None:
    api, server, models = generated.client("formats"), generated.server("formats"), generated.models("formats")
    event_id = uuid.uuid4()
    with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(url) as client:
        event = client.put_event(
            event_id,
            on=datetime.date(2026, 11, 21),
            body=models.Event(
                id=event_id,
                day=datetime.date(2026, 11, 21),
                at=datetime.datetime(2026, 11, 21, 9, 30, tzinfo=datetime.UTC),
                organiser="ann@example.test",
                link="https://example.test/e",
            ),
        )
        assert event.id == event_id and isinstance(event.id, uuid.UUID)
        assert event.day == datetime.date(2026, 11, 21) and event.at.hour == 9
        assert event.organiser == "ann@example.test" and event.link == "https://example.test/e"
        bad = {"id": "not-a-uuid", "day": "2026-11-21", "at": "2026-11-21T09:30:00Z"}
        assert httpx.put(f"{url}/events/{event_id}", json=bad).status_code == 400
        good = {"id": str(event_id), "day": "2026-11-21", "at": "2026-11-21T09:30:00Z"}
        assert httpx.put(f"{url}/events/nope", json=good).status_code == 400  # the path's uuid
        assert httpx.put(f"{url}/events/{event_id}", params={"on": "21/11/2026"}, json=good).status_code == 400


def test_read_only_fields_are_not_needed_in_requests_nor_write_only_in_responses(generated: Generated) -> None:
    api, server, models = (
        generated.client("read_write_only"),
        generated.server("read_write_only"),
        generated.models("read_write_only"),
    )
    received: list[Any] = []

    class Accounts(server.InMemoryHandler):  # type: ignore[name-defined,misc]
        async def create_account(self, body: Any, *, credentials: Any) -> Any:
            received.append(body)
            return models.Account(id=7, login=body.login, created=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))

    with serve(server.create_app(Accounts())) as url, api.Client(url) as client:
        account = client.create_account(body={"login": "ann", "password": "correct horse"})  # no id, no created
        assert received[0].password == "correct horse"  # writeOnly: sent
        assert account.id == 7 and account.password is None  # readOnly: returned; writeOnly: not
        assert httpx.post(f"{url}/accounts", json={"login": "ann", "password": "short"}).status_code == 400


def test_defaults(generated: Generated) -> None:
    api, server, models = generated.client("defaults"), generated.server("defaults"), generated.models("defaults")
    settings = models.Settings()
    assert (settings.retries, settings.ratio, settings.enabled, settings.greeting) == (3, 0.5, True, "hello")
    assert settings.tags == ["a", "b"] and settings.limits == {"daily": 10}
    assert settings.mode is models.Mode.DARK and settings.nothing is None
    seen: list[tuple[Any, Any]] = []

    class Settings(server.InMemoryHandler):  # type: ignore[name-defined,misc]
        async def get_settings(self, *, page_size: int, sort: str, credentials: Any) -> Any:
            seen.append((page_size, sort))
            return models.Settings()

    with serve(server.create_app(Settings())) as url, api.Client(url) as client:
        client.get_settings()  # the server applies the spec's defaults
        client.get_settings(page_size=5, sort="desc")
        assert seen == [(20, "asc"), (5, "desc")]


# --- bodies and responses -----------------------------------------------------------------


def test_form_multipart_binary_and_text_bodies(generated: Generated) -> None:
    api, server, models = (
        generated.client("request_bodies"),
        generated.server("request_bodies"),
        generated.models("request_bodies"),
    )
    uploads: list[Any] = []
    pdf = b"%PDF-1.7\x00\xff binary \r\n--boundary"

    class Documents(server.InMemoryHandler):  # type: ignore[name-defined,misc]
        async def upload_document(self, body: Any, *, credentials: Any) -> Any:
            uploads.append(body)
            author = body.meta.author if body.meta else None
            return models.UploadDocumentResponse(title=body.title, size=len(body.file), pages=body.pages, author=author)

    with serve(server.create_app(Documents())) as url, api.Client(url) as client:
        login = client.log_in(body={"username": "ann", "password": "pw", "remember": True, "scopes": ["a", "b"]})
        assert (login.username, login.remember, login.scopes) == ("ann", True, ["a", "b"])
        stored = client.upload_document(
            body={"title": 'Q3 & "more"', "file": pdf, "pages": 2, "meta": {"author": "Ann"}}
        )
        assert (stored.title, stored.size, stored.pages, stored.author) == ('Q3 & "more"', len(pdf), 2, "Ann")
        assert uploads[0].file == pdf
        client.put_blob("report", body=pdf)
        assert client.get_blob("report") == pdf
        assert client.put_note("n", body="héllo\nwörld") == "héllo\nwörld"
        # The server reads what the spec declares, and says what is wrong otherwise.
        text = {"Content-Type": "text/plain; charset=utf-8"}
        assert httpx.post(f"{url}/login", data={"username": "ann"}).status_code == 400  # password missing
        assert httpx.post(f"{url}/documents", files={"file": ("f", b"x")}).status_code == 400  # title missing
        assert httpx.put(f"{url}/notes/n", content="x" * 101, headers=text).status_code == 400  # maxLength
        assert httpx.put(f"{url}/notes/n", content=b"\xff\xfe", headers=text).status_code == 400  # not UTF-8
        assert httpx.put(f"{url}/blobs/b").status_code == 400  # a required body
        # A media type the operation does not declare is a 415; a body without a
        # Content-Type is application/octet-stream (RFC 9110), which only the blob declares.
        assert httpx.post(f"{url}/login", json={"username": "ann", "password": "pw"}).status_code == 415
        assert httpx.post(f"{url}/documents", content=b"title=t", headers=text).status_code == 415
        assert httpx.put(f"{url}/notes/n", content="short").status_code == 415
        assert httpx.put(f"{url}/notes/n", content="short", headers={"Content-Type": "text/html"}).status_code == 415
        assert httpx.put(f"{url}/blobs/untyped", content=b"\x00\x01").status_code == 204
        assert client.get_blob("untyped") == b"\x00\x01"
        assert httpx.put(f"{url}/blobs/b", content=b"x", headers=text).status_code == 415


def test_downloads_are_bytes_and_text(generated: Generated) -> None:
    api, server, models = generated.client("downloads"), generated.server("downloads"), generated.models("downloads")
    with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(url) as client:
        assert client.download_invoice(1) == b"%PDF-1.7 invoice"  # the spec's example
        assert client.export_invoices() == "id,total\n1,10.00\n"
        raw = client.with_raw_response.download_invoice(1)
        assert raw.headers["content-type"] == "application/pdf"

    class Invoices(server.InMemoryHandler):  # type: ignore[name-defined,misc]
        async def download_invoice(self, id: int, *, credentials: Any) -> bytes:
            if id != 1:
                raise server.HttpError(404, models.Error(message=f"no invoice {id}"))
            return bytes(range(256))

    with serve(server.create_app(Invoices())) as url, api.Client(url) as client:
        assert client.download_invoice(1) == bytes(range(256))
        with pytest.raises(api.NotFoundError) as missing:
            client.download_invoice(2)
        assert missing.value.body == models.Error(message="no invoice 2")


def test_default_and_range_responses(generated: Generated) -> None:
    api, server, models = generated.client("responses"), generated.server("responses"), generated.models("responses")

    class Jobs(server.InMemoryHandler):  # type: ignore[name-defined,misc]
        async def get_job(self, id: str, *, credentials: Any) -> Any:
            if id == "gone":
                raise server.HttpError(410, models.ClientError(reason="expired", status=410))
            if id == "broken":
                raise server.HttpError(503, models.ServerError(trace_id="t-1", message="down"))
            return models.Job(id=id, state="done")

        async def cancel_job(self, id: str, *, credentials: Any) -> None:
            return None

    with (
        serve(
            server.create_app(Jobs()),
        ) as url,
        api.Client(url, max_retries=0) as client,
    ):
        assert client.get_job("j1") == models.Job(id="j1", state="done")  # 2XX
        with pytest.raises(api.ApiStatusError) as gone:
            client.get_job("gone")
        assert gone.value.status_code == 410 and gone.value.body == models.ClientError(reason="expired", status=410)
        with pytest.raises(api.InternalServerError) as broken:
            client.get_job("broken")
        assert broken.value.body == models.ServerError(trace_id="t-1", message="down")  # default
        assert client.cancel_job("j1") is None  # an empty 204


# --- parameters and operations ------------------------------------------------------------


def test_path_level_cookie_header_and_array_parameters(generated: Generated) -> None:
    api, server, models = generated.client("parameters"), generated.server("parameters"), generated.models("parameters")

    class Items(server.InMemoryHandler):  # type: ignore[name-defined,misc]
        async def list_items(
            self, store_id: int, *, session: str, theme: Any, tag: Any, limit: Any, x_trace: Any, credentials: Any
        ) -> Any:
            cookies = {"session": session, **({"theme": theme} if theme else {})}
            return models.Echo(store_id=store_id, trace=x_trace, cookies=cookies, tags=tag)

    with serve(server.create_app(Items())) as url, api.Client(url) as client:
        echo = client.list_items(5, session="s 1", theme="dark", tag=["a", "b"], x_trace="t-9")
        assert echo == models.Echo(
            store_id=5, trace="t-9", cookies={"session": "s 1", "theme": "dark"}, tags=["a", "b"]
        )
        echo = client.list_items(6, session="s")
        assert echo.cookies == {"session": "s"} and echo.trace is None


def test_deprecated_operations_are_marked(generated: Generated) -> None:
    api, server = generated.client("parameters"), generated.server("parameters")
    assert "deprecated" in api.Client.clear_items.__deprecated__
    assert not hasattr(api.Client.list_items, "__deprecated__")
    assert "Deprecated" in (api.Client.clear_items.__doc__ or "")

    class Items(server.InMemoryHandler):  # type: ignore[name-defined,misc]
        async def clear_items(self, store_id: int, *, x_trace: Any, credentials: Any) -> None:
            return None

    with (
        serve(server.create_app(Items())) as url,
        api.Client(url) as client,
        pytest.warns(DeprecationWarning, match="clearItems"),
    ):
        client.clear_items(1)


def test_recursive_schemas(generated: Generated) -> None:
    api, server = generated.client("recursive"), generated.server("recursive")
    tree = {"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}], "forest": {"trees": [{"value": 4}]}}
    with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(url) as client:
        planted = client.plant_tree(body=tree)
        assert planted.children[0].children[0].value == 3 and planted.forest.trees[0].value == 4
        assert planted.model_dump(exclude_unset=True) == tree


def test_multi_file_yaml_and_json_refs(generated: Generated) -> None:
    models = generated.models("multifile")
    owner = models.Owner.model_validate(
        {
            "name": "Ann",
            "pets": [{"name": "Rex", "address": {"city": "Oslo", "country": "NO"}}],
            "manager": {"name": "B"},
        }
    )
    assert owner.pets[0].address.city == "Oslo" and owner.manager.name == "B"  # JSON file; recursive `#`


# --- names and strings --------------------------------------------------------------------


def test_every_name_becomes_a_python_name_and_keeps_its_wire_name(generated: Generated) -> None:
    api, server, models = generated.client("names"), generated.server("names"), generated.models("names")
    fields = {name: info.alias or name for name, info in models.ClientModel.model_fields.items()}
    assert fields["class_"] == "class" and fields["from_"] == "from" and fields["field_1st"] == "1st"
    assert {fields["first_name"], fields["first_name_2"], fields["first_name_3"]} == {
        "first-name",
        "first_name",
        "first name",
    }
    assert fields["page_size"] == "page[size]" and fields["prénom"] == "prénom"
    assert fields["true"] == "True" and fields["model_config_"] == "model_config"
    assert {"ClientModel", "BaseModelModel", "FieldModel", "Class"} <= set(dir(models))
    received: list[dict[str, Any]] = []

    class Names(server.InMemoryHandler):  # type: ignore[name-defined,misc]
        async def get_class_from_1st(self, from_: str, field_1st_id: int, **values: Any) -> Any:
            received.append({"from": from_, "1st-id": field_1st_id, **values})
            return models.ClientModel.model_validate({"class": "c", "名前": "n", "page[size]": 2})

    with serve(server.create_app(Names())) as url, api.Client(url) as client:
        echo = client.get_class_from_1st(
            "x y",
            1,
            page_size=2,
            page_number=3,
            page_size_2=4,
            filter_name="f",
            timeout_=1.5,
            body_="b",
            self_="s",
            x_request_id="r",
            annee=2026,
        )
        assert echo.class_ == "c" and echo.名前 == "n" and echo.page_size == 2
        assert received[0] | {"credentials": None} == {
            "from": "x y",
            "1st-id": 1,
            "page_size": 2,
            "page_number": 3,
            "page_size_2": 4,
            "filter_name": "f",
            "timeout_": 1.5,
            "body_": "b",
            "self_": "s",
            "x_request_id": "r",
            "annee": 2026,
            "credentials": None,
        }
        stored = client.import_(body={"Field": "f", "int": 1})
        assert isinstance(stored, models.FieldModel)
    # The wire names travel: a raw request with them reaches the same handler.
    with serve(server.create_app(Names())) as url:
        params = {"page[size]": "7", "filter.name": "g", "année": "1"}
        response = httpx.get(f"{url}/class/a/2", params=params)
        assert response.status_code == 200
        assert received[-1]["page_size"] == 7 and received[-1]["filter_name"] == "g" and received[-1]["annee"] == 1


HOSTILE_TEXTS = {
    "kind": ['"""', "'''", "\\", "{{ x }}", "a\nb", "\x00", "${HOME}", "%(name)s"],
    "name_default": "\"\"\"; __import__('os').system('touch HOSTILE-FIELD') #",
    "name_description": "ends with a backslash \\",
    "query_default": "'; __import__('os').system('touch HOSTILE-DEFAULT') #",
    "server": 'https://example.test/\'"""/v1',
    "summary": '""" + __import__(\'os\').system(\'touch HOSTILE-SUMMARY\') + """',
    "title": "Hostile \"\"\" ''' \\ {{ 7*7 }} {% raw %}",
    "tag": '""" ../../etc/{{ x }}\\',
}


def test_hostile_strings_come_out_as_inert_literal_text(generated: Generated) -> None:
    api, server, models = (
        generated.client("hostile_strings"),
        generated.server("hostile_strings"),
        generated.models("hostile_strings"),
    )
    # An inline enum is a Literal (open to a response's new values: `Annotated[Literal[...],
    # open_enum]`): its values, read back, are the spec's, verbatim.
    kind = models.Thing.model_fields["kind"].annotation
    members = [
        typing.get_args(arg)[0] if typing.get_origin(arg) is typing.Annotated else arg for arg in typing.get_args(kind)
    ]
    literal = next(arg for arg in members if typing.get_origin(arg) is typing.Literal)
    assert list(typing.get_args(literal)) == HOSTILE_TEXTS["kind"]
    # Field descriptions are attribute docstrings: read them back from the module's syntax tree.
    module = sys.modules[models.Thing.__module__]
    source = Path(module.__file__ or "").read_text(encoding="utf-8")
    thing = next(n for n in ast.parse(source).body if isinstance(n, ast.ClassDef) and n.name == "Thing")
    # The operation's tag names the models' submodule (as an identifier) and is quoted in its docstring.
    assert module.__name__ == "hostile_strings_api.models._etc_x"
    assert (module.__doc__ or "").startswith(f"Models that only the operations tagged {HOSTILE_TEXTS['tag']!r} use.")
    docstrings = {
        target.target.id: following.value.value
        for target, following in zip(thing.body, thing.body[1:], strict=False)
        if isinstance(target, ast.AnnAssign)
        and isinstance(target.target, ast.Name)
        and isinstance(following, ast.Expr)
        and isinstance(following.value, ast.Constant)
    }
    assert docstrings["name"] == HOSTILE_TEXTS["name_description"]
    assert docstrings["note"] == "{% include '/etc/passwd' %}"  # a control character is dropped
    assert "class Evil: pass" in (models.Thing.__doc__ or "") and "{% endfor %}" in (models.Thing.__doc__ or "")
    assert HOSTILE_TEXTS["server"] == api.client.DEFAULT_BASE_URL
    assert HOSTILE_TEXTS["title"] in (api.Client.__doc__ or "")
    assert HOSTILE_TEXTS["summary"] in (api.Client.get_thing.__doc__ or "")
    seen: list[str] = []

    class Things(server.InMemoryHandler):  # type: ignore[name-defined,misc]
        async def get_thing(self, id: str, *, q: str, credentials: Any) -> Any:
            seen.append(q)
            return models.Thing(name=id)

    with serve(server.create_app(Things())) as url, api.Client(url) as client:
        assert client.get_thing('"""').name == '"""'
        assert seen == [HOSTILE_TEXTS["query_default"]]  # the default, verbatim
    # Nothing ran: neither generation (run in this folder) nor import created a file.
    assert not list(generated.out.glob("HOSTILE-*")) and not list(Path.cwd().glob("HOSTILE-*"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compile((generated.out / "hostile_strings" / "hostile_strings_api" / "client.py").read_text(), "c", "exec")
