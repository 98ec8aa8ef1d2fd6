"""Our model builder next to datamodel-code-generator, schema by schema.

For a spec, both backends make the models (in this process, as the pipeline does); for
each component schema both made a class of, values are drawn from its JSON Schema (the
one the server checks requests against) with hypothesis-jsonschema, beside the spec's own
examples and arbitrary JSON. Each value is validated by both models as a request is
(strictly), and by the JSON Schema itself; where both accept it, both dump it (by wire
name, the fields set) to the same JSON, or they disagree.

A disagreement the suite knows is one of `KNOWN`: a difference of design, or a bug of
datamodel-code-generator's listed in the README with a reproducer. Anything else fails
the test that runs the comparison.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import signal
import sys
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema_rs
import pydantic
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture.utils import _calc_p_continue
from hypothesis_jsonschema import _from_schema as _from_schema_module
from hypothesis_jsonschema import from_schema

from generator.load.spec_input import SpecInput
from generator.pipeline import load_spec
from generator.render import datamodel_models
from generator.render.model_builder import build_models
from generator.render.render import environment, notice, render_models, render_models_package
from tests.support import ROOT, importable

BUILTIN, DATAMODEL = "builtin", "datamodel-code-generator"
# The summaries of the run's differential tests, printed at its end (`tests/conftest.py`).
REPORTS: list[str] = []


@dataclass(frozen=True)
class Disagreement:
    spec: str
    schema: str
    kind: str  # see `_compare`
    value: Any
    detail: str

    def __str__(self) -> str:
        shown = json.dumps(self.value, default=str)
        shown = shown if len(shown) <= 300 else shown[:300] + "..."
        return f"{self.spec} {self.schema} [{self.kind}] {shown}: {self.detail}"


@dataclass(frozen=True)
class Known:
    """A disagreement that is not a bug of our builder, and why."""

    kind: str
    why: str  # "design: ..." or "theirs: ..." (listed in the README's notes)
    matches: Callable[[Disagreement, dict[str, Any]], bool]  # the disagreement, the spec's component schemas


@dataclass
class Summary:
    specs: int = 0
    schemas: int = 0
    values: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # why a schema was not compared
    known: Counter[str] = field(default_factory=Counter)  # by the `why` of its Known
    unexplained: list[Disagreement] = field(default_factory=list)

    def add(self, other: Summary) -> None:
        self.specs += other.specs
        self.schemas += other.schemas
        self.values += other.values
        self.skipped.update(other.skipped)
        self.known.update(other.known)
        self.unexplained += other.unexplained

    def report(self, title: str) -> str:
        lines = [
            f"{title}: {self.specs} specs, {self.schemas} schemas compared, {self.values} values tried, "
            f"{sum(self.known.values())} known disagreements, {len(self.unexplained)} unexplained"
        ]
        lines += [f"  known  {count:>5}  {why}" for why, count in self.known.most_common()]
        lines += [f"  skipped {count:>4}  {why}" for why, count in self.skipped.most_common()]
        by_kind = Counter(d.kind for d in self.unexplained)
        lines += [f"  UNEXPLAINED {count:>4}  {kind}" for kind, count in by_kind.most_common()]
        lines += [f"    {d}" for d in self.unexplained[:40]]
        return "\n".join(lines)


# --- the two models packages -------------------------------------------------------------------


@dataclass
class Models:
    builtin: Any  # the models module of each backend
    datamodel: Any
    class_names: dict[str, str]  # component -> datamodel-code-generator's class
    definitions: dict[str, Any]  # component -> its JSON Schema (`$defs`)
    examples: dict[str, list[Any]]
    components: dict[str, Any]  # component -> its schema in the normalized spec


@contextlib.contextmanager
def both_models(spec: Path, name: str) -> Iterator[Models]:
    """Both backends' models of `spec`, importable for the block as `<name>_builtin` and
    `<name>_datamodel` (packages of their `models/` directories alone)."""
    loaded = load_spec(SpecInput(spec, name))
    api = loaded.api
    env = environment()
    builtin_package, _ = build_models(loaded.document, loaded.locate)
    builtin_files = render_models(env, api, builtin_package)
    made, _ = datamodel_models.build_models(loaded.document, api, datamodel_models.read_settings(ROOT), notice(api))
    datamodel_files = render_models_package(env, api, made.package)
    datamodel_files[f"{api.package}/models/{datamodel_models.MODULE}.py"] = made.code
    modules = {f"{name}_builtin": builtin_files, f"{name}_datamodel": datamodel_files}
    components = loaded.document.get("components", {}).get("schemas") or {}
    examples = {key: _examples(schema) for key, schema in components.items()}
    with tempfile.TemporaryDirectory(prefix="differential-") as scratch:
        root = Path(scratch)
        for module, files in modules.items():
            for path, text in files.items():
                target = root / module / Path(path).relative_to(f"{api.package}/models")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        with importable(root):
            builtin = __import__(f"{name}_builtin")
            datamodel = __import__(f"{name}_datamodel")
            yield Models(builtin, datamodel, made.class_names, dict(api.json_schema_defs or {}), examples, components)
        for module in modules:
            sys.modules.pop(module, None)


def _examples(schema: Any) -> list[Any]:
    if not isinstance(schema, dict):
        return []
    found = [schema["example"]] if "example" in schema else []
    if isinstance(schema.get("examples"), list):
        found += schema["examples"]
    return found


# --- values --------------------------------------------------------------------------------------


class _Elements:
    """hypothesis-jsonschema 0.23 draws an object's properties with the `many` of older
    Hypothesis internals (`more()`, `reject()`); the Hypothesis this project pins changed it.
    This is the old behaviour on the current primitives, given to hypothesis-jsonschema only."""

    def __init__(self, data: Any, min_size: int, max_size: float, average_size: float) -> None:
        self.data, self.min_size, self.max_size, self.count = data, min_size, max_size, 0
        self.p_continue = _calc_p_continue(average_size - min_size, max_size - min_size)

    def more(self) -> bool:
        forced = True if self.count < self.min_size else False if self.count >= self.max_size else None
        p = 0.5 if forced is not None or not 0 < self.p_continue < 1 else self.p_continue
        going = bool(self.data.draw_boolean(p, forced=forced))
        self.count += going
        return going

    def reject(self) -> None:
        self.count -= 1


_from_schema_module.cu = SimpleNamespace(many=_Elements)

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    # Text of the shapes formats take, beside any text.
    | st.text(max_size=12)
    | st.sampled_from(["2024-01-31", "2024-01-31T12:00:00Z", "a@b.test", "https://x.test/a", "0"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


def draw(strategy: st.SearchStrategy[Any], count: int, seed: int) -> list[Any]:
    """`count` values of `strategy`, the same on every run."""
    found: list[Any] = []

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate],
    )
    @given(strategy)
    def collect(value: Any) -> None:
        found.append(value)

    collect._hypothesis_internal_use_seed = seed  # type: ignore[attr-defined]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        collect()
    return found


class _TooSlow(Exception):
    pass


@contextlib.contextmanager
def _time_budget(seconds: float) -> Iterator[None]:
    """Raise _TooSlow in the block after `seconds` (hypothesis-jsonschema takes minutes over
    some large schemas of the corpus); the main thread only, as pytest runs tests."""

    def stop(signum: int, frame: Any) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


DRAW_SECONDS = 4.0  # per schema


def values_of(schema: dict[str, Any], examples: list[Any], count: int, seed: int) -> tuple[list[Any], str | None]:
    """Values drawn from `schema` and arbitrary JSON, with the spec's examples; and why none
    could be drawn from the schema, if so."""
    values = list(examples) + draw(_JSON, max(count // 2, 1), seed)
    try:
        with _time_budget(DRAW_SECONDS):
            values += draw(from_schema(schema, allow_x00=False), count, seed)
    except _TooSlow:
        return values, f"over {DRAW_SECONDS:.0f} s"
    except Exception as exc:  # recursive references, schemas it cannot satisfy: its errors share no base
        return values, type(exc).__name__
    return values, None


# --- the comparison ------------------------------------------------------------------------------


def _outcome(adapter: pydantic.TypeAdapter[Any], value: Any) -> tuple[bool, Any, str]:
    """Whether the model accepts `value` (as a request), its JSON dump if so, and why not else."""
    try:
        validated = adapter.validate_python(value)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        return False, None, f"{'/'.join(map(str, first['loc']))}: {first['msg']}"
    except (ValueError, TypeError, RecursionError) as error:
        return False, None, f"{type(error).__name__}: {error}"
    try:
        dumped = json.loads(adapter.dump_json(validated, by_alias=True, exclude_unset=True, warnings=False))
    except (pydantic.PydanticSerializationError, ValueError, TypeError, RecursionError) as error:
        return True, None, f"dump failed: {type(error).__name__}: {error}"
    return True, dumped, ""


def _same_json(left: Any, right: Any) -> bool:
    """Equal as JSON: 1 and 1.0 alike (a float field may dump an integer either way)."""
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return math.isclose(left, right, rel_tol=1e-12, abs_tol=0.0) or left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_same_json, left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same_json(left[key], right[key]) for key in left)
    return bool(left == right)


def compare_spec(
    spec: Path, name: str, known: tuple[Known, ...], *, per_schema: int, max_schemas: int | None = None
) -> Summary:
    """Both backends' models of one spec, schema by schema (the first `max_schemas`, sorted)."""
    summary = Summary(specs=1)
    with both_models(spec, name) as models:
        components = sorted(models.class_names)
        if max_schemas is not None and len(components) > max_schemas:
            step = len(components) / max_schemas
            components = [components[int(index * step)] for index in range(max_schemas)]
        for index, component in enumerate(components):
            try:
                ours = getattr(models.builtin, component, None)
            except Exception as exc:  # its module does not import
                summary.unexplained.append(Disagreement(name, component, "builtin-does-not-import", None, repr(exc)))
                break
            try:
                theirs = getattr(models.datamodel, models.class_names[component], None)
            except Exception as exc:
                found = Disagreement(name, component, "datamodel-does-not-import", None, f"{type(exc).__name__}: {exc}")
                _file(found, known, models.components, summary)
                break
            if ours is None or theirs is None or component not in models.definitions:
                summary.skipped["a class or JSON Schema missing on one side"] += 1
                continue
            schema = {"$defs": _reachable(models.definitions, component), "$ref": f"#/$defs/{component}"}
            try:
                gate = jsonschema_rs.validator_for(schema, validate_formats=True)
                adapters = (pydantic.TypeAdapter(ours), pydantic.TypeAdapter(theirs))
            except Exception as exc:  # a model that cannot be built is a disagreement of its own
                summary.unexplained.append(Disagreement(name, component, "no-validator", None, repr(exc)))
                continue
            values, undrawable = values_of(schema, models.examples.get(component, []), per_schema, index)
            if undrawable:
                summary.skipped[
                    f"no values drawn from the schema ({undrawable}): examples and arbitrary JSON only"
                ] += 1
            summary.schemas += 1
            for value in _unique(values):
                summary.values += 1
                found = _compare(name, component, value, gate, *adapters)
                if found is not None:
                    _file(found, known, models.components, summary)
    return summary


def _file(found: Disagreement, known: tuple[Known, ...], components: dict[str, Any], summary: Summary) -> None:
    """Count a disagreement under its explanation, or as unexplained."""
    explanation = next((k.why for k in known if k.kind == found.kind and k.matches(found, components)), None)
    if explanation is None:
        summary.unexplained.append(found)
    else:
        summary.known[explanation] += 1


def _reachable(definitions: dict[str, Any], start: str) -> dict[str, Any]:
    """The definitions `start` reaches through references: hypothesis-jsonschema resolves
    every one it is given, which on a spec of thousands of schemas takes minutes."""
    found: dict[str, Any] = {}
    waiting = [start]
    while waiting:
        name = waiting.pop()
        if name in found or name not in definitions:
            continue
        found[name] = definitions[name]
        waiting += _REFERENCE.findall(json.dumps(definitions[name]))
    return found


_REFERENCE = re.compile(r'"\$ref": "#/\$defs/([^"]+)"')


def _unique(values: list[Any]) -> Iterator[Any]:
    seen: set[str] = set()
    for value in values:
        key = json.dumps(value, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            yield value


def _compare(
    spec: str,
    schema: str,
    value: Any,
    gate: Any,
    ours: pydantic.TypeAdapter[Any],
    theirs: pydantic.TypeAdapter[Any],
) -> Disagreement | None:
    """The kinds: `builtin-refuses-valid` / `datamodel-refuses-valid` (a value the JSON
    Schema accepts), `builtin-accepts-invalid` / `datamodel-accepts-invalid` (one model
    accepts what the schema and the other refuse), `dumps-differ`, `dump-fails`."""
    valid = gate.is_valid(value)
    (accepted, dumped, why), (their_accepted, their_dumped, their_why) = _outcome(ours, value), _outcome(theirs, value)
    if accepted != their_accepted:
        if valid:
            kind = "builtin-refuses-valid" if not accepted else "datamodel-refuses-valid"
        else:
            kind = "builtin-accepts-invalid" if accepted else "datamodel-accepts-invalid"
        return Disagreement(spec, schema, kind, value, why or their_why)
    if accepted and (why or their_why):
        return Disagreement(
            spec, schema, "dump-fails", value, f"builtin: {why or 'ok'}; datamodel: {their_why or 'ok'}"
        )
    if accepted and not _same_json(dumped, their_dumped):
        return Disagreement(spec, schema, "dumps-differ", value, _difference(dumped, their_dumped))
    return None


def _difference(ours: Any, theirs: Any, path: str = "") -> str:
    """Where two dumps first differ: `/a/b: builtin 1, datamodel 2`, or the keys only one has."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        only = sorted(set(ours) ^ set(theirs))
        if only:
            return f"{path or '/'}: keys only in {'datamodel' if only[0] in theirs else 'builtin'}: {only}"
        for key in ours:
            if not _same_json(ours[key], theirs[key]):
                return _difference(ours[key], theirs[key], f"{path}/{key}")
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        for index, (left, right) in enumerate(zip(ours, theirs, strict=True)):
            if not _same_json(left, right):
                return _difference(left, right, f"{path}/{index}")
    shown = [json.dumps(side, default=str)[:80] for side in (ours, theirs)]
    return f"{path or '/'}: builtin {shown[0]}, datamodel {shown[1]}"
