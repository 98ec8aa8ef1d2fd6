"""A spec's files parsed by a child process while the walk follows references: the walk's
result is exactly what it is without the child, whatever the child does."""

from __future__ import annotations

import itertools
import mmap
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Diagnostic, SpecError
from generator.load import read_ahead
from generator.load.bundle import Bundle, bundle
from generator.load.limits import DEFAULT, Limits
from generator.load.paths import RealPaths
from generator.load.sources import Budget
from generator.load.spec_input import LoadOptions, SpecInput
from generator.pipeline import check_spec

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="reading ahead needs fork")

OPERATIONS = 40


def _many_files(root: Path) -> Path:
    """A spec of a root, an operation file per path and a schema file per operation; each
    operation file also names a code sample under an extension key, which the walk never reads."""
    for folder in ("paths", "schemas", "examples"):
        (root / folder).mkdir()
    paths = []
    for index in range(OPERATIONS):
        paths.append(f"  /things{index}:\n    $ref: 'paths/thing{index}.yaml'\n")
        (root / "paths" / f"thing{index}.yaml").write_text(
            f"get:\n  operationId: getThing{index}\n  responses:\n    '200':\n      description: ok\n"
            "      content:\n        application/json:\n"
            f"          schema:\n            $ref: '../schemas/thing{index}.yaml'\n"
            f"x-codeSamples:\n  - $ref: '../examples/thing{index}.yaml'\n"
        )
        (root / "schemas" / f"thing{index}.yaml").write_text(
            "type: object\nproperties:\n  id: {type: integer}\n  name: {type: string, default: 7}\n  kind:\n    $ref: 'kind.yaml'\n"
        )
        (root / "examples" / f"thing{index}.yaml").write_text(f"lang: curl\nsource: curl /things{index}\n")
    (root / "schemas" / "kind.yaml").write_text("type: string\nenum: [a, b]\n")
    spec = root / "api.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n" + "".join(paths))
    return spec


def _without_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read_ahead.ReadAhead, "_start", lambda *arguments: None)


def _outcome(spec: Path) -> tuple[dict[str, Any], list[Diagnostic], set[Path]]:
    loaded, diagnostics = bundle(spec)
    return loaded.document, diagnostics, set(loaded.files)


def _outcome_alone(spec: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], list[Diagnostic], set[Path]]:
    """What bundling `spec` gives without a child."""
    with monkeypatch.context() as alone:
        _without_child(alone)
        return _outcome(spec)


def _taken(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names the walk takes from the child, as it takes them. The walk's first request
    waits until the child has sent all it will: a test then knows what it takes."""
    taken: list[str] = []
    asked: list[str] = []
    take = read_ahead.ReadAhead.take

    def spy(self: read_ahead.ReadAhead, name: str) -> read_ahead.ParsedAhead | None:
        if not asked:
            while self._pipe is not None:
                self._receive(wait=True)
        asked.append(name)
        parsed = take(self, name)
        if parsed is not None:
            taken.append(name)
        return parsed

    monkeypatch.setattr(read_ahead.ReadAhead, "take", spy)
    return taken


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The process ids of the children forked while the test runs."""
    forked: list[int] = []
    fork = os.fork

    def recorded() -> int:
        pid = fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recorded)
    return forked


def _all_reaped(children: list[int]) -> bool:
    for pid in children:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue
        return False
    return bool(children)


def test_the_walk_takes_files_from_the_child_and_bundles_what_it_bundles_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: list[int]
) -> None:
    spec = _many_files(tmp_path)
    expected = _outcome_alone(spec, monkeypatch)
    taken = _taken(monkeypatch)
    assert _outcome(spec) == expected
    # Every file but the root.
    assert len(taken) == 2 * OPERATIONS + 1
    assert _all_reaped(children)


def test_lines_in_a_file_the_child_parsed_are_found_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = _many_files(tmp_path)
    taken = _taken(monkeypatch)
    loaded, _ = bundle(spec)
    assert str(tmp_path / "schemas" / "thing30.yaml") in taken
    location = loaded.locate("/components/schemas/thing30/properties/name/default")
    assert location.file.endswith("schemas/thing30.yaml")
    assert (location.pointer, location.line) == ("/properties/name/default", 4)


def test_a_broken_file_is_reported_where_it_is_broken_as_without_the_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _many_files(tmp_path)
    (tmp_path / "schemas" / "thing25.yaml").write_text("type: object\nproperties:\n  id: {type: integer\n")
    with monkeypatch.context() as alone:
        _without_child(alone)
        with pytest.raises(SpecError) as alone_caught:
            bundle(spec)
    with pytest.raises(SpecError) as caught:
        bundle(spec)
    assert caught.value.diagnostics == alone_caught.value.diagnostics
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location.file.endswith("thing25.yaml") and diagnostic.location.line == 4


def test_files_the_child_parsed_count_against_the_spec_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: list[int]
) -> None:
    # 1,902 values read, 610 more from following references: the files together do not fit.
    spec = _many_files(tmp_path)
    options = LoadOptions(limits=Limits(max_nodes=1500))
    with monkeypatch.context() as alone:
        _without_child(alone)
        with pytest.raises(SpecError) as alone_caught:
            bundle(spec, options)
    _taken(monkeypatch)
    with pytest.raises(SpecError) as caught:
        bundle(spec, options)
    assert caught.value.diagnostics == alone_caught.value.diagnostics
    assert "limit max-nodes" in caught.value.diagnostics[0].message
    assert _all_reaped(children)


def _before_each_parse_in_the_child(monkeypatch: pytest.MonkeyPatch, action: Callable[[], None]) -> None:
    """Run `action` before each file the child parses (the walk parses files too: not there)."""
    parsed = read_ahead._parsed
    walk = os.getpid()

    def acting(name: str, content: bytes, budget: Budget) -> read_ahead.ParsedAhead | None:
        if os.getpid() != walk:
            action()
        return parsed(name, content, budget)

    monkeypatch.setattr(read_ahead, "_parsed", acting)


def test_a_child_that_dies_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: list[int]
) -> None:
    spec = _many_files(tmp_path)
    expected = _outcome_alone(spec, monkeypatch)
    count = itertools.count()
    _before_each_parse_in_the_child(monkeypatch, lambda: os._exit(3) if next(count) >= 3 else None)
    assert _outcome(spec) == expected
    assert _all_reaped(children)


def test_a_stuck_child_is_waited_for_no_longer_than_its_patience(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: list[int]
) -> None:
    spec = _many_files(tmp_path)
    expected = _outcome_alone(spec, monkeypatch)
    _before_each_parse_in_the_child(monkeypatch, lambda: time.sleep(60))
    monkeypatch.setattr(read_ahead, "_PATIENCE_SECONDS", 0.2)
    started = time.monotonic()
    assert _outcome(spec) == expected
    assert time.monotonic() - started < 5  # one wait of 0.2 s, not ten of them nor the 10 s default
    assert _all_reaped(children)


def test_while_the_child_parses_a_file_the_walk_needs_the_walk_parses_the_next_it_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: list[int]
) -> None:
    spec = _many_files(tmp_path)
    expected = _outcome_alone(spec, monkeypatch)
    _before_each_parse_in_the_child(monkeypatch, lambda: time.sleep(0.05))
    parse_one_after = read_ahead.ReadAhead._parse_one_after
    ahead: list[bool] = []

    def spy(self: read_ahead.ReadAhead, place: int) -> bool:
        ahead.append(parse_one_after(self, place))
        return ahead[-1]

    monkeypatch.setattr(read_ahead.ReadAhead, "_parse_one_after", spy)
    assert _outcome(spec) == expected
    # Instead of waiting for each file, the walk parsed many of the files after it itself
    # (most, on a quiet machine: the child's 50 ms a file is a hundred of the walk's).
    assert ahead.count(True) > OPERATIONS // 4
    assert _all_reaped(children)


def _listed(root: Path, text: str, *roots: Path) -> list[str]:
    spec = root / "api.yaml"
    spec.write_text(text)
    real_paths = RealPaths((root, *roots))
    found = read_ahead._referenced_files(str(spec), spec.read_bytes(), real_paths, Budget(DEFAULT))
    return [os.path.relpath(name, root) for name, _ in found]


def test_the_child_reads_no_file_outside_the_reference_roots(tmp_path: Path) -> None:
    root = tmp_path / "spec"
    root.mkdir()
    (tmp_path / "secret.yaml").write_text("password: hunter2\n")
    (root / "inside.yaml").write_text("type: string\n")
    (root / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "more.yaml").write_text("password: hunter3\n")
    (root / "linked").symlink_to(tmp_path / "outside")
    os.mkfifo(root / "pipe.yaml")  # opening it would wait for a writer
    text = (
        "a:\n  $ref: '../secret.yaml'\nb:\n  $ref: link.yaml\nc:\n  $ref: inside.yaml\n"
        "d:\n  $ref: 'https://example.com/x.yaml'\ne:\n  $ref: '%2e%2e/secret.yaml'\n"
        f"f:\n  $ref: '{tmp_path / 'secret.yaml'}'\ng:\n  $ref: linked/more.yaml\nh:\n  $ref: pipe.yaml\n"
        "i:\n  $ref: 'nul%00.yaml'\n"
    )
    assert _listed(root, text) == ["inside.yaml"]


def test_files_are_listed_depth_first_in_text_order_without_extension_blocks(tmp_path: Path) -> None:
    for name in ("a", "a1", "b", "sample", "after"):
        (tmp_path / f"{name}.yaml").write_text("$ref: a1.yaml\n" if name == "a" else "type: string\n")
    text = (
        "one:\n  $ref: a.yaml\n"
        "x-codeSamples:\n  - $ref: sample.yaml\n  - lang: go\n"
        "x-hanging:\n- $ref: sample.yaml\n"
        "items:\n  - x-inline: 1\n  - $ref: b.yaml\n"
        '  - "$ref": "after.yaml#/x"\n'
    )
    assert _listed(tmp_path, text) == ["a.yaml", "a1.yaml", "b.yaml", "after.yaml"]


def test_a_spec_of_one_file_starts_no_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    forks: list[int] = []
    monkeypatch.setattr(read_ahead.ReadAhead, "_start", lambda *arguments: forks.append(1))
    spec = tmp_path / "api.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: '#/components/schemas/B'\n    B: {type: string}\n"
    )
    loaded: Bundle = bundle(spec)[0]
    assert loaded.document["components"]["schemas"]["B"] == {"type": "string"}
    assert forks == []


def test_a_warning_in_a_referenced_file_has_the_same_line_whichever_process_parsed_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Validation drops the default that does not fit (a repair that changes the file's data):
    # the warning still points at the line it was written on.
    spec = _many_files(tmp_path)
    (tmp_path / "schemas" / "thing7.yaml").write_text(
        "type: object\nproperties:\n  id:\n    type: integer\n    default: seven\n"
    )
    with monkeypatch.context() as alone:
        _without_child(alone)
        expected = check_spec(SpecInput(spec, "things"))
    _taken(monkeypatch)
    found = check_spec(SpecInput(spec, "things"))
    assert found == expected
    (mismatch,) = [d for d in found if d.location.file.endswith("schemas/thing7.yaml")]
    assert (mismatch.kind, mismatch.location.line) == ("default-mismatch", 5)
    assert len([d for d in found if d.kind == "default-mismatch"]) == OPERATIONS  # `name: {default: 7}` too


def test_what_the_child_sends_is_bounded_by_the_spec_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Comments name large files the walk never reads: the child parses them (it cannot tell),
    # but stops once it has parsed as many values as the spec may hold.
    for index in range(6):
        (tmp_path / f"big{index}.yaml").write_text("".join(f"k{n}: {n}\n" for n in range(300)))
    (tmp_path / "kind.yaml").write_text("type: string\n")
    comments = "".join(f"# $ref: big{index}.yaml\n" for index in range(6))
    spec = tmp_path / "api.yaml"
    spec.write_text(
        comments + "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
        "components:\n  schemas:\n    Kind:\n      $ref: kind.yaml\n"
    )
    received: list[str] = []
    unpack = read_ahead.ReadAhead._unpack

    def spy(self: read_ahead.ReadAhead) -> None:
        unpack(self)
        received.extend(name for name, parsed in self._arrived.items() if parsed is not None)

    monkeypatch.setattr(read_ahead.ReadAhead, "_unpack", spy)
    _taken(monkeypatch)
    bundle(spec, LoadOptions(limits=Limits(max_nodes=1000)))
    assert 1 <= len({name for name in received if "big" in name}) <= 3  # 601 values each


def test_what_the_walk_parses_ahead_is_bounded_by_the_spec_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: list[int]
) -> None:
    for index in range(6):
        (tmp_path / f"big{index}.yaml").write_text("".join(f"k{n}: {n}\n" for n in range(300)))  # 601 values
    spec = tmp_path / "api.yaml"
    spec.write_text("".join(f"b{index}:\n  $ref: big{index}.yaml\n" for index in range(6)))
    _before_each_parse_in_the_child(monkeypatch, lambda: time.sleep(60))  # it stays on big0.yaml
    ahead = read_ahead.ReadAhead(str(spec), RealPaths((tmp_path,)), Limits(max_nodes=1000))
    try:
        deadline = time.monotonic() + 10
        while len(ahead._names) < 6:
            assert time.monotonic() < deadline
            ahead._read_list()
            time.sleep(0.01)
        parsed = 0
        while ahead._parse_one_after(0):
            parsed += 1
        # The second file takes the walk past 1,000 values: it parses no third.
        assert parsed == 2
    finally:
        ahead.close()


def test_the_list_the_walk_reads_holds_only_whole_names_and_stops_when_full() -> None:
    listed = mmap.mmap(-1, 64)
    read_ahead._LISTED_COUNT.pack_into(listed, 0, read_ahead._LISTED_COUNT.size)
    channel = read_ahead._Channel(-1, mmap.mmap(-1, 1), mmap.mmap(-1, read_ahead._NOW.size), listed)
    names = [f"/spec/file{index}.yaml" for index in range(5)]
    added = [channel.list(name) for name in names]
    assert added == [True, True, True, False, False]  # 8 bytes of count, then 2 + 16 a name
    walk = read_ahead.ReadAhead.__new__(read_ahead.ReadAhead)
    walk._listed, walk._names, walk._listed_read = listed, [], read_ahead._LISTED_COUNT.size
    walk._read_list()
    assert walk._names == names[:3]


def test_an_address_with_a_nul_character_is_a_missing_file(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
        "components:\n  schemas:\n    Kind:\n      $ref: 'kind%00.yaml'\n"
    )
    with pytest.raises(SpecError) as caught:
        bundle(spec)
    (diagnostic,) = caught.value.diagnostics
    assert "$ref points at a missing file" in diagnostic.message and diagnostic.location.line == 7


def test_a_referenced_file_the_walk_parses_itself_finds_its_lines_from_its_text_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As for a file the child parsed: the lines of the file as written, whatever later
    # stages change in the document. Its values are in the document: the file keeps only its text.
    spec = _many_files(tmp_path)
    _without_child(monkeypatch)
    loaded, _ = bundle(spec)
    source = loaded.files[tmp_path / "schemas" / "thing3.yaml"]
    assert source.key_lines == {} and source.text is not None and source.data is None
    del loaded.document["components"]["schemas"]["thing3"]["properties"]["name"]
    assert source.line_of("/properties/name/default") == 4
    assert loaded.locate("/components/schemas/thing3/properties/id").line == 3
