"""A package generated from a fixture spec unlike the vendors': API key auth, GET, POST,
DELETE, a 204, query and header parameters, a dashed path parameter, and no declared 400.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from tests.support import FIXTURES, mypy_strict, run_generator, serve


@pytest.fixture(scope="module")
def pets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleType, ModuleType, Path]]:
    out = tmp_path_factory.mktemp("generated")
    run = run_generator("generate", FIXTURES / "specs" / "petstore.yaml", "--out", out, "--name", "pets")
    assert run.returncode == 0, run.stderr
    sys.path.insert(0, str(out / "pets"))
    try:
        yield importlib.import_module("pets_api"), importlib.import_module("pets_api.server"), out / "pets"
    finally:
        sys.path.remove(str(out / "pets"))


def test_the_package_type_checks(pets: tuple[ModuleType, ModuleType, Path]) -> None:
    package_dir = pets[2]
    run = mypy_strict(package_dir, "pets_api")
    assert run.returncode == 0, run.stdout


def test_api_key_auth_parameters_and_every_method(pets: tuple[ModuleType, ModuleType, Path]) -> None:
    client_module, server, _ = pets
    app = server.create_app(server.InMemoryHandler(), authenticate=lambda c: c.api_key == "k")
    with serve(app) as url, client_module.Client(url, api_key="k") as client:
        created = client.post_pets(body={"name": "Rex", "class": "dog"})
        assert created.__class__.__name__ == "PostPetsResponse"
        with pytest.raises(client_module.NotFoundError) as missing:
            client.get_pet(41, include_owner=True, x_request_id="r-1")
        assert missing.value.body.message == "Not Found"  # the declared Error shape, filled
        with pytest.raises(client_module.NotFoundError):
            client.delete_pet(41)  # `security: []`: no key needed, and nothing to delete
        # Without a key: 401, and no 401 is declared, so a problem+json body.
        response = httpx.get(f"{url}/pets/1")
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        # A bad body with no declared 400: RFC 9457 problem naming the field.
        bad = httpx.post(f"{url}/pets", json={"name": 5}, headers={"X-Api-Key": "k"})
        assert bad.status_code == 400
        assert bad.headers["content-type"] == "application/problem+json"
        assert bad.json()["errors"] == [{"field": "/name", "message": '5 is not of type "string"'}]
        # A bad query parameter value is named too.
        query = httpx.get(f"{url}/pets/1", params={"include[owner]": "maybe"}, headers={"X-Api-Key": "k"})
        assert query.status_code == 400
        assert "include[owner]" in query.text


def test_wire_names_stay_on_the_wire(pets: tuple[ModuleType, ModuleType, Path]) -> None:
    client_module, _, _ = pets
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": 3, "name": "Rex"})

    with client_module.Client(
        "https://pets.test", api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(record))
    ) as client:
        pet = client.get_pet(3, include_owner=False, x_request_id="r-9")
    assert pet.name == "Rex"
    (request,) = seen
    assert request.url.path == "/pets/3"
    assert request.url.params["include[owner]"] == "false"
    assert (request.headers["x-request-id"], request.headers["x-api-key"]) == ("r-9", "k")
    assert str(client_module.Client(api_key="k", region="us").base_url) == "https://us.pets.example/v1/"
