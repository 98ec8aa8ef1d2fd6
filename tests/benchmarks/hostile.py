"""Hostile and huge specs: how fast the limits answer, and whether time per schema stays flat.

A spec is untrusted input. These figures show the reading budgets at work (an alias bomb
is refused in a fraction of a second, in bounded memory) and that nothing in the pipeline
grows faster than the spec does: the time per schema from 1,000 to 100,000 schemas.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from generator.ir.schema_check import SchemaChecker
from generator.load import read_ahead
from tests.benchmarks.generation import run

SCHEMA_SCALES = (1_000, 10_000, 100_000)


def alias_bomb() -> str:
    """Nine nested levels of ten aliases: 1 KB of YAML that expands to a billion strings."""
    levels = ["    a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"    a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return (
        "openapi: 3.1.0\ninfo: {title: Bomb, version: '1'}\npaths: {}\n"
        "components:\n  schemas:\n    Bomb:\n      type: object\n      example:\n" + "\n".join(levels) + "\n"
    )


def many_schemas(count: int) -> dict[str, object]:
    """`count` object schemas, each referring to the one before it, and one operation."""
    schemas: dict[str, object] = {}
    for index in range(count):
        properties: dict[str, object] = {"id": {"type": "integer"}, "name": {"type": "string", "maxLength": 50}}
        if index:
            properties["previous"] = {"$ref": f"#/components/schemas/Thing{index - 1}"}
        schemas[f"Thing{index}"] = {"type": "object", "required": ["id"], "properties": properties}
    last = {"$ref": f"#/components/schemas/Thing{count - 1}"}
    return {
        "openapi": "3.1.0",
        "info": {"title": f"Schemas {count}", "version": "1.0.0"},
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": last}}}},
                }
            }
        },
        "components": {"schemas": schemas},
    }


def bomb_report() -> None:
    print("Hostile specs (each refused with a diagnostic):")
    with tempfile.TemporaryDirectory() as scratch:
        spec = Path(scratch) / "bomb.yaml"
        spec.write_text(alias_bomb())
        for command in ("validate", "generate"):
            extra = ("--out", Path(scratch) / "out") if command == "generate" else ()
            result = run(command, spec, *extra)
            verdict = "refused" if result.returncode == 1 and "max-alias-nodes" in result.stderr else "NOT REFUSED"
            print(
                f"  alias bomb ({len(alias_bomb()):,} bytes, 10^9 values), {command}: "
                f"{verdict} in {result.seconds:.2f} s, peak {result.peak_mb:.0f} MB"
            )


def schema_scaling() -> None:
    print("Synthetic specs of many schemas (one operation; each schema refers to the one before):")
    print(f"  {'schemas':>8}  {'seconds':>8}  {'peak MB':>8}  {'ms per schema':>14}")
    per_schema: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for count in SCHEMA_SCALES:
            spec = Path(scratch) / f"schemas{count}.json"
            spec.write_text(json.dumps(many_schemas(count)))
            result = run("generate", spec, "--out", Path(scratch) / "out", "--name", f"schemas{count}")
            if result.returncode != 0:
                print(f"  {count:>8}  failed: {result.stderr.strip().splitlines()[-1:]}")
                continue
            per_schema[count] = result.seconds / count * 1000
            print(f"  {count:>8}  {result.seconds:>8.2f}  {result.peak_mb:>8.0f}  {per_schema[count]:>14.3f}")
    if len(per_schema) == len(SCHEMA_SCALES):
        first, last = SCHEMA_SCALES[0], SCHEMA_SCALES[-1]
        print(f"  time per schema, {last:,} vs {first:,}: {per_schema[last] / per_schema[first]:.2f}x")


# Texts made to slow down finding a file's references (`generator.load.read_ahead`): each
# entry an extension key whose block a naive search would follow to the end of the file.
CRAFTED_SIZES = (10_000, 40_000)
CRAFTED: dict[str, Callable[[int], bytes]] = {
    "`- x-a: 1` list items": lambda entries: b"".join(b"- x-a: 1\n" for _ in range(entries)),
    "`x-` keys on one line": lambda entries: b"{" + b", ".join(b"x-k%d: 1" % i for i in range(entries)) + b"}\n",
    "`$ref`s under `x-` keys": lambda entries: b"".join(b"x-a%d:\n  $ref: f%d.yaml\n" % (i, i) for i in range(entries)),
}


def reference_listing() -> None:
    print("Finding the files a spec refers to, on crafted text (the reading child's work):")
    for label, make in CRAFTED.items():
        seconds = {}
        for entries in CRAFTED_SIZES:
            text = make(entries)
            started = time.perf_counter()
            for _ in read_ahead._addresses("crafted.yaml", text):
                pass
            seconds[entries] = time.perf_counter() - started
        first, last = CRAFTED_SIZES
        figures = ", ".join(f"{entries:,} entries {seconds[entries]:.3f} s" for entries in CRAFTED_SIZES)
        print(f"  {label}: {figures}; {last // first}x the text, {seconds[last] / seconds[first]:.1f}x the time")


# Chains of components that cannot be checked part by part (each an `anyOf` of the next),
# and a response schema at the head of each: the example checks against chain length.
CHAIN_LENGTHS = (100, 400)


def unsplittable_chains() -> None:
    print("Checking examples against a chain of components that reach each other through anyOf")
    print("(each schema checked compiles what it reaches: the square of the chain, whichever way):")
    for length in CHAIN_LENGTHS:
        components: dict[str, object] = {
            f"C{index}": {"anyOf": [{"$ref": f"#/components/schemas/C{index + 1}"}, {"type": "null"}]}
            for index in range(length)
        }
        components[f"C{length}"] = {"type": "string"}
        schemas = [{"properties": {"a": {"$ref": f"#/components/schemas/C{start}"}}} for start in range(0, length, 10)]
        seconds = {}
        for way in ("in parts", "whole"):
            checker = SchemaChecker(components, openapi_30=False)
            if way == "whole":  # the checker as it was before parts: every schema compiled whole
                checker._fits_in_parts = lambda schema, value: False  # type: ignore[method-assign]
            started = time.perf_counter()
            for schema in schemas:
                checker.problem(schema, {"a": None})
            seconds[way] = time.perf_counter() - started
        print(
            f"  {length} components, {len(schemas)} schemas: in parts {seconds['in parts']:.3f} s, "
            f"whole {seconds['whole']:.3f} s ({seconds['in parts'] / seconds['whole']:.2f}x)"
        )


def report() -> None:
    bomb_report()
    print()
    reference_listing()
    print()
    unsplittable_chains()
    print()
    schema_scaling()


if __name__ == "__main__":
    report()
