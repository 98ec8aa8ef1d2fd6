"""Our model builder against datamodel-code-generator: the same values, read the same way.

For the vendor specs, the breadth fixtures and (where ../shared/corpus is present) the
published specs, both backends make the models and every value drawn from a schema (see
`tests/model_differential.py`) must be accepted or refused alike and dumped to the same
JSON. A disagreement is either known (`KNOWN`: a difference of design, or a bug of
datamodel-code-generator's that the README's notes list with a reproducer) or fails the
test, naming the schema and the value. Each test prints its summary; `make test` runs a
sample of the corpus specs' schemas, `make corpus` all of them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.model_differential import REPORTS, Disagreement, Known, Summary, compare_spec
from tests.support import CORPUS, FIXTURES, PUBLISHED, ROOT, SPECS, VENDORS, Published

PER_SCHEMA = 15  # values drawn from each schema's JSON Schema (and half as many arbitrary ones)
CORPUS_SAMPLE = 15  # schemas of each corpus spec in `make test`; all of them with --corpus-full
CORPUS_PER_SCHEMA = 8  # values drawn from each in `make test`; PER_SCHEMA with --corpus-full


def _discriminator_properties(components: dict[str, Any], member: str) -> set[str]:
    """The discriminator properties of the unions that name `member` (in oneOf, anyOf or a mapping)."""
    found: set[str] = set()
    target = f"#/components/schemas/{member}"
    for schema in components.values():
        discriminator = schema.get("discriminator") if isinstance(schema, dict) else None
        if not isinstance(discriminator, dict) or not isinstance(discriminator.get("propertyName"), str):
            continue
        members = [m.get("$ref") for key in ("oneOf", "anyOf") for m in schema.get(key) or [] if isinstance(m, dict)]
        mapping = discriminator.get("mapping") if isinstance(discriminator.get("mapping"), dict) else {}
        if target in members or target in mapping.values():
            found.add(discriminator["propertyName"])
    return found


def _narrowed_discriminator(disagreement: Disagreement, components: dict[str, Any]) -> bool:
    field = disagreement.detail.split(":", 1)[0].split("/")[0]
    return field in _discriminator_properties(components, disagreement.schema)


def _snake(name: str) -> str:
    return re.sub(r"[^0-9a-zA-Z]+", "_", re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)).strip("_").lower()


def _clashing_field_names(disagreement: Disagreement, components: dict[str, Any]) -> bool:
    schema = components.get(disagreement.schema)
    properties = list(schema.get("properties") or {}) if isinstance(schema, dict) else []
    snake = [_snake(name) for name in properties]
    clashing = {name for name, key in zip(properties, snake, strict=True) if snake.count(key) > 1}
    only = re.search(r"keys only in datamodel: \[(.*)\]", disagreement.detail)
    return bool(only and clashing and all(key.strip(" '\"") in clashing for key in only.group(1).split(",")))


def _required_without_property(disagreement: Disagreement, components: dict[str, Any]) -> bool:
    """The missing field is one some schema requires without defining it among its properties."""
    if not disagreement.detail.endswith("Field required"):
        return False
    field = disagreement.detail.rsplit(":", 1)[0].split("/")[-1]
    return any(
        isinstance(schema, dict)
        and field in (schema.get("required") or [])
        and field not in (schema.get("properties") or {})
        for schema in components.values()
    )


def _ambiguous_discriminator(disagreement: Disagreement, components: dict[str, Any]) -> bool:
    return "mapped to multiple choices" in disagreement.detail


# Every disagreement the suite accepts, and why (the README's "Two models backends" says more).
KNOWN = (
    Known(
        "datamodel-refuses-valid",
        "theirs: a discriminator's mapping narrows the member classes themselves, so a member used "
        "on its own refuses discriminator values its schema allows",
        _narrowed_discriminator,
    ),
    Known(
        "dumps-differ",
        "theirs: two properties with one snake-case name (`first-name`, `first_name`) become fields "
        "one of which is named as the other's wire name; set by that name, both are set",
        _clashing_field_names,
    ),
    Known(
        "datamodel-accepts-invalid",
        "theirs: a name in `required` that `properties` does not define is not required",
        _required_without_property,
    ),
    Known(
        "datamodel-does-not-import",
        "theirs: a union whose members share discriminator values is written with "
        "Field(discriminator=...), which pydantic refuses when the module is imported",
        _ambiguous_discriminator,
    ),
)


def _run(specs: list[tuple[Path, str]], max_schemas: int | None = None, per_schema: int = PER_SCHEMA) -> Summary:
    total = Summary()
    for path, name in specs:
        total.add(compare_spec(path, name, KNOWN, per_schema=per_schema, max_schemas=max_schemas))
    return total


def _check(summary: Summary, title: str) -> None:
    REPORTS.append(summary.report(title))
    # Nothing compared only where their models do not import at all (a known disagreement).
    assert summary.schemas > 0 or summary.known, "no schema compared"
    assert not summary.unexplained, summary.report(title)


def test_vendor_specs_read_alike_by_both_backends() -> None:
    _check(_run([(SPECS / f"{name}.yaml", name) for name in VENDORS]), "differential, vendor specs")


def test_breadth_fixtures_read_alike_by_both_backends() -> None:
    specs = [(path, path.stem) for path in sorted((FIXTURES / "breadth").glob("*.yaml"))]
    _check(_run(specs), "differential, breadth fixtures")


def _corpus_param(spec: Published) -> Any:
    absent = not spec.path.is_file()
    reason = f"{spec.root} is not in ../{CORPUS.relative_to(ROOT.parent).as_posix()}/: differential skipped"
    return pytest.param(spec, id=spec.name, marks=pytest.mark.skipif(absent, reason=reason))


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("spec", [_corpus_param(spec) for spec in PUBLISHED])
def test_corpus_specs_read_alike_by_both_backends(spec: Published, request: pytest.FixtureRequest) -> None:
    full = bool(request.config.getoption("--corpus-full"))
    sample = {} if full else {"max_schemas": CORPUS_SAMPLE, "per_schema": CORPUS_PER_SCHEMA}
    summary = _run([(spec.path, spec.name.replace("-", "_"))], **sample)
    _check(summary, f"differential, {spec.name}{'' if full else f' (a sample of {CORPUS_SAMPLE} schemas)'}")
