"""Models built in a forked child: the same package as built in place, and never a lost result."""

from __future__ import annotations

import os
from typing import Any

import pytest

from generator import pipeline
from generator.diagnostics import Location, SpecError, error
from generator.load.bundle import bundle
from generator.load.spec_input import SpecInput
from generator.normalize.normalize import normalize
from generator.render import background_models
from generator.render.background_models import BackgroundModels
from generator.render.model_builder import Locate, build_models
from tests.support import FIXTURES, SPECS

SPEC_FILES = [SPECS / "meteroid.yaml", FIXTURES / "specs" / "events.yaml", FIXTURES / "breadth" / "composition.yaml"]


def _normalized(path: Any) -> tuple[dict[str, Any], Locate]:
    loaded, _ = bundle(path)
    normalize(loaded.document)
    return loaded.document, loaded.locate


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda path: path.stem)
def test_the_child_builds_the_package_the_parent_would(path: Any) -> None:
    document, locate = _normalized(path)
    assert BackgroundModels(document, locate).result() == build_models(document, locate)


def test_a_child_that_fails_leaves_the_models_to_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    document, locate = _normalized(SPECS / "meteroid.yaml")
    parent = os.getpid()
    built_by: list[int] = []

    def fails_in_the_child(document: dict[str, Any], locate: Locate) -> Any:
        if os.getpid() != parent:
            os._exit(3)  # as a child killed midway would
        built_by.append(os.getpid())
        return build_models(document, locate)

    monkeypatch.setattr(background_models, "build_models", fails_in_the_child)
    assert BackgroundModels(document, locate).result() == build_models(document, locate)
    assert built_by == [parent]


def test_an_error_of_the_builder_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    document, locate = _normalized(SPECS / "meteroid.yaml")

    def refuses(document: dict[str, Any], locate: Locate) -> Any:
        raise SpecError([error(locate("/components"), "refused")])

    monkeypatch.setattr(background_models, "build_models", refuses)
    running = BackgroundModels(document, locate)
    with pytest.raises(SpecError) as raised:
        running.result()
    assert [diagnostic.message for diagnostic in raised.value.diagnostics] == ["refused"]


def test_without_fork_the_models_are_built_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    document, locate = _normalized(SPECS / "meteroid.yaml")
    monkeypatch.delattr(os, "fork")
    running = BackgroundModels(document, locate)
    assert running._child is None
    assert running.result() == build_models(document, locate)


def test_the_child_is_reaped(monkeypatch: pytest.MonkeyPatch) -> None:
    document, locate = _normalized(SPECS / "meteroid.yaml")
    running = BackgroundModels(document, locate)
    assert running._child is not None
    pid = running._child[0]
    running.result()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_a_discarded_build_is_reaped() -> None:
    document, locate = _normalized(SPECS / "meteroid.yaml")
    running = BackgroundModels(document, locate)
    assert running._child is not None
    pid = running._child[0]
    running.discard()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_a_spec_whose_ir_fails_leaves_no_child_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[BackgroundModels] = []

    class Recorded(BackgroundModels):
        def __init__(self, document: dict[str, Any], locate: Locate) -> None:
            super().__init__(document, locate)
            started.append(self)

    def fails(*arguments: Any) -> Any:
        raise SpecError([error(Location("spec"), "the IR failed")])

    monkeypatch.setattr(pipeline, "BackgroundModels", Recorded)
    monkeypatch.setattr(pipeline, "build_api", fails)
    with pytest.raises(SpecError):
        pipeline.load_spec(SpecInput(SPECS / "meteroid.yaml", "meteroid"), models_beside=True)
    assert len(started) == 1 and started[0]._child is None  # collected
