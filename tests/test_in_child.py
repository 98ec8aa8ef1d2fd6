"""Work done in a forked child: the same result as done in place, and never a lost one."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import in_child, pipeline
from generator.diagnostics import Location, SpecError, error
from generator.in_child import InChild
from generator.load.bundle import bundle
from generator.load.spec_input import SpecInput
from generator.normalize.normalize import normalize
from generator.render import json_text
from generator.render.model_builder import Locate, build_models
from generator.render.render import environment
from tests.support import FIXTURES, SPECS

SPEC_FILES = [SPECS / "meteroid.yaml", FIXTURES / "specs" / "events.yaml", FIXTURES / "breadth" / "composition.yaml"]


def _normalized(path: Path) -> tuple[dict[str, Any], Locate]:
    loaded, _ = bundle(path)
    normalize(loaded.document)
    return loaded.document, loaded.locate


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda path: path.stem)
def test_models_built_in_the_child_are_those_built_in_place(path: Path) -> None:
    document, locate = _normalized(path)
    running = InChild(lambda: build_models(document, locate))
    assert running._child is not None
    assert running.result() == build_models(document, locate)


def test_a_child_that_fails_leaves_the_work_to_the_parent() -> None:
    parent = os.getpid()
    done_by: list[int] = []

    def work() -> str:
        if os.getpid() != parent:
            os._exit(3)  # as a child killed midway would
        done_by.append(os.getpid())
        return "done"

    assert InChild(work).result() == "done"
    assert done_by == [parent]


def test_a_result_that_cannot_be_sent_is_made_again_in_the_parent() -> None:
    parent = os.getpid()

    def work() -> Any:
        return (lambda: "unpicklable") if os.getpid() != parent else "made here"

    assert InChild(work).result() == "made here"


def test_an_error_of_the_work_reaches_the_caller() -> None:
    def refuses() -> None:
        raise SpecError([error(Location("spec.yaml"), "refused")])

    with pytest.raises(SpecError) as raised:
        InChild(refuses).result()
    assert [diagnostic.message for diagnostic in raised.value.diagnostics] == ["refused"]


def test_without_fork_the_work_is_done_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fork")
    running = InChild(os.getpid)
    assert running._child is None
    assert running.result() == os.getpid()


def test_the_child_is_reaped_once_its_result_is_in() -> None:
    running = InChild(lambda: "x" * 1_000_000)
    assert running._child is not None
    pid = running._child.pid
    assert running.result() == "x" * 1_000_000
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_a_discarded_child_is_stopped_and_reaped() -> None:
    running = InChild(lambda: time.sleep(60))
    assert running._child is not None
    pid = running._child.pid
    started = time.monotonic()
    running.discard()
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _when(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_a_discarded_child_removes_what_it_made_on_its_way(tmp_path: Path) -> None:
    # As a child formatting with ruff does: its batch directory, made and removed by the work.
    made = tmp_path / "batch"

    def work() -> None:
        made.mkdir()
        try:
            time.sleep(60)
        finally:
            shutil.rmtree(made)

    running = InChild(work)
    _when(made.exists)
    running.discard()
    assert not made.exists()


def test_a_child_that_will_not_stop_is_killed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(in_child, "_STOP_PATIENCE_SECONDS", 0.2)
    started = tmp_path / "started"

    def stubborn() -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        started.touch()
        time.sleep(60)

    running = InChild(stubborn)
    assert running._child is not None
    pid = running._child.pid
    _when(started.exists)
    running.discard()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


@pytest.mark.parametrize("failing", ["draft_api", "normalize", "json_text.dumps"])
def test_a_spec_whose_ir_fails_leaves_no_child_behind(failing: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Whichever step after the fork fails: writing the spec's JSON text, normalizing, the IR.
    started: list[int] = []
    start = in_child._Child.start

    def recorded(works: Any) -> Any:
        child = start(works)
        assert child is not None
        started.append(child.pid)
        return child

    def fails(*arguments: Any, **keywords: Any) -> Any:
        raise SpecError([error(Location("spec"), f"{failing} failed")])

    monkeypatch.setattr(in_child._Child, "start", staticmethod(recorded))
    if failing == "json_text.dumps":
        monkeypatch.setattr(json_text, "dumps", fails)
    else:
        monkeypatch.setattr(pipeline, failing, fails)
    with pytest.raises(SpecError):
        pipeline.load_spec(SpecInput(SPECS / "meteroid.yaml", "meteroid"), models_in=environment())
    assert len(started) == 1  # the answers and the models: one child
    with pytest.raises(ChildProcessError):  # stopped and reaped
        os.waitpid(started[0], os.WNOHANG)


def test_a_pair_gives_the_first_result_while_the_second_is_under_way() -> None:
    first, second = InChild.pair(lambda: "first", lambda: time.sleep(60))
    assert first._child is not None and first._child is second._child
    pid = first._child.pid
    started = time.monotonic()
    assert first.result() == "first"
    second.discard()
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_a_pair_gives_both_results_and_the_child_is_reaped() -> None:
    first, second = InChild.pair(lambda: [1, 2], lambda: {"x": "y" * 1_000_000})
    assert first._child is not None
    pid = first._child.pid
    assert first.result() == [1, 2]
    assert second.result() == {"x": "y" * 1_000_000}
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_the_second_of_a_pair_taken_first_waits_for_both() -> None:
    first, second = InChild.pair(lambda: "first", lambda: "second")
    assert second.result() == "second"
    assert first.result() == "first"


def test_a_pair_whose_child_fails_midway_leaves_the_rest_to_the_parent() -> None:
    parent = os.getpid()
    done_by: list[str] = []

    def second() -> str:
        if os.getpid() != parent:
            os._exit(3)  # as a child killed midway would
        done_by.append("second")
        return "second"

    first, then = InChild.pair(lambda: "first", second)
    assert first.result() == "first"
    assert then.result() == "second"
    assert done_by == ["second"]  # the first came from the child


def test_a_pair_whose_first_work_fails_in_the_child_does_both_here() -> None:
    parent = os.getpid()
    done_by: list[str] = []

    def work(name: str) -> str:
        if os.getpid() != parent:
            os._exit(3)
        done_by.append(name)
        return name

    first, second = InChild.pair(lambda: work("first"), lambda: work("second"))
    assert (first.result(), second.result()) == ("first", "second")
    assert done_by == ["first", "second"]


def test_a_child_forks_no_child_of_its_own() -> None:
    # A stopped child would leave its own behind; inside one, the work is done in place.
    assert InChild(lambda: InChild(os.getpid)._child is None).result() is True
    assert InChild(os.getpid)._child is not None  # here, in the parent, a child is made


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda path: path.stem)
def test_the_answers_and_models_made_in_place_are_those_made_in_the_child(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = SpecInput(path, path.stem)
    beside = pipeline.load_spec(spec, models_in=environment())
    assert beside.models is not None and beside.models._child is not None
    monkeypatch.delattr(os, "fork")
    in_place = pipeline.load_spec(spec, models_in=environment())
    assert in_place.models is not None and in_place.models._child is None
    assert in_place.api == beside.api
    assert in_place.spec_json == beside.spec_json
    assert in_place.diagnostics == beside.diagnostics
    assert in_place.models.result() == beside.models.result()


# An inline request body (hoisted into a component) and a schema whose class name is the
# package's own (renamed): normalizing changes the document.
_NORMALIZED_AWAY = """
openapi: 3.0.3
info: {title: Shop, version: "1"}
paths:
  /orders:
    post:
      operationId: createOrder
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {client: {$ref: '#/components/schemas/Client'}}}
      responses:
        "204": {description: Created}
components:
  schemas:
    Client: {type: object, properties: {name: {type: string}}}
"""


@pytest.mark.parametrize("fork", [True, False], ids=["in a child", "in place"])
def test_each_process_normalizes_the_document_once_and_the_spec_json_is_from_before(
    fork: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "shop.yaml"
    spec.write_text(_NORMALIZED_AWAY, encoding="utf-8")
    calls: list[int] = []

    def counted(document: dict[str, Any]) -> dict[str, str]:
        calls.append(os.getpid())  # a forked child's calls stay in its own copy of this list
        return normalize(document)

    monkeypatch.setattr(pipeline, "normalize", counted)
    if not fork:
        monkeypatch.delattr(os, "fork")
    loaded = pipeline.load_spec(SpecInput(spec, "shop"), models_in=environment())
    assert loaded.models is not None and (loaded.models._child is not None) is fork
    built = loaded.models.result()  # in place, the answers and the models are made now
    assert calls == [os.getpid()]
    assert set(loaded.document["components"]["schemas"]) == {"ClientModel", "CreateOrderRequest"}
    written = json.loads(loaded.spec_json)
    assert set(written["components"]["schemas"]) == {"Client"}
    assert "$ref" not in written["paths"]["/orders"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert any("ClientModel" in text.decode() for text in built.files.values())
