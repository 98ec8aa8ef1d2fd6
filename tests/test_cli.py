"""The command line as a user runs it: generate, check, validate; atomic on failure."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support import FIXTURES, SPECS, run_generator, snapshot


def test_generate_any_spec_to_any_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = run_generator("generate", FIXTURES / "specs" / "petstore.yaml", "--out", out, "--name", "pets")
    assert run.returncode == 0, run.stderr
    assert "pets: 11 added" in run.stdout
    assert (out / "pets" / "pets_api" / "client.py").is_file()
    again = run_generator("generate", FIXTURES / "specs" / "petstore.yaml", "--out", out, "--name", "pets")
    assert "pets: unchanged" in again.stdout
    assert "0 files written" in again.stdout


def test_a_failed_run_leaves_the_output_exactly_as_it_was(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(SPECS / "meteroid.yaml", specs / "meteroid.yaml")
    out = tmp_path / "generated"
    assert run_generator("generate", "--specs-dir", specs, "--out", out).returncode == 0
    before = snapshot(out)
    # A second spec with an error: no package of the run is written, not even the good one.
    shutil.copy(FIXTURES / "invalid" / "duplicate_operation_id.yaml", specs / "broken.yaml")
    (specs / "meteroid.yaml").write_text((specs / "meteroid.yaml").read_text().replace("Patch a customer", "Changed"))
    run = run_generator("generate", "--specs-dir", specs, "--out", out)
    assert run.returncode == 1
    assert "broken.yaml:14: /paths/~1b/get/operationId: error: duplicate operationId 'fetch'" in run.stderr
    assert "Traceback" not in run.stderr
    assert "nothing was written" in run.stderr
    assert snapshot(out) == before


def test_check_names_each_file_edited_by_hand(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    spec = SPECS / "sequence.yaml"
    assert run_generator("generate", spec, "--out", out).returncode == 0
    assert run_generator("check", spec, "--out", out).returncode == 0
    client = out / "sequence" / "sequence_api" / "client.py"
    client.write_text(client.read_text().replace("def update_customer(", "def update_customer_renamed("))
    (out / "sequence" / "sequence_api" / "stray.py").write_text("x = 1\n")
    run = run_generator("check", spec, "--out", out)
    assert run.returncode == 1
    assert f"{out.as_posix()}/sequence/sequence_api/client.py (changed)" in run.stderr
    assert f"{out.as_posix()}/sequence/sequence_api/stray.py (removed)" in run.stderr
    assert "-    def update_customer_renamed(" in run.stdout
    assert "+    def update_customer(" in run.stdout


def test_validate_reports_every_problem_with_file_line_and_pointer() -> None:
    run = run_generator("validate", FIXTURES / "invalid" / "path_parameters.yaml")
    assert run.returncode == 1
    lines = run.stderr.splitlines()
    assert any(
        line.endswith(
            "path_parameters.yaml:7: /paths/~1a~1{id}/get: error: path parameter {id} of '/a/{id}' is not declared"
        )
        for line in lines
    )
    assert any(":16: /paths/~1b~1{id}/get/parameters/0: error:" in line for line in lines)
    assert "2 errors" in run.stdout
    assert "Traceback" not in run.stderr


def test_yaml_syntax_errors_are_one_line_not_a_traceback() -> None:
    run = run_generator("validate", FIXTURES / "invalid" / "yaml_syntax.yaml")
    assert run.returncode == 1
    assert "yaml_syntax.yaml:" in run.stderr and "invalid YAML" in run.stderr
    assert "Traceback" not in run.stderr


def test_validate_accepts_the_vendor_specs() -> None:
    run = run_generator("validate", *sorted(SPECS.glob("*.yaml")))
    assert run.returncode == 0, run.stderr
    assert run.stdout.count(": valid") == 4


# Each invalid fixture and the lines `generate` must print for it: file:line: /pointer: error: ...
INVALID_FIXTURES = {
    "yaml_syntax.yaml": ["yaml_syntax.yaml:8: /: error: invalid YAML"],
    "unresolvable_ref.yaml": [
        "unresolvable_ref.yaml:15: /paths/~1a/get/responses/200/content/application~1json/schema/$ref: "
        "error: unresolvable $ref '#/components/schemas/Missing'"
    ],
    "missing_file.yaml": ["missing_file.yaml:15: /paths/~1a/get/responses/200/content/application~1json/schema/$ref: "],
    "duplicate_operation_id.yaml": [
        "duplicate_operation_id.yaml:14: /paths/~1b/get/operationId: error: duplicate operationId 'fetch'"
    ],
    "path_parameters.yaml": [
        "path_parameters.yaml:7: /paths/~1a~1{id}/get: error: path parameter {id} of '/a/{id}' is not declared",
        "path_parameters.yaml:16: /paths/~1b~1{id}/get/parameters/0: error: path parameter 'id' must be declared",
    ],
    "bad_status.yaml": ["bad_status.yaml:10: /paths/~1a/get/responses/2000: error: bad status code '2000'"],
    "meta_schema.yaml": ["meta_schema.yaml:11: /paths/~1a/get/parameters/0/in: error: 'body' is not one of"],
    "default_mismatch.yaml": [
        "default_mismatch.yaml:12: /paths/~1a/get/parameters/0/schema/default: error: default 0 does not fit",
        'default_mismatch.yaml:21: /components/schemas/Mode/default: error: default "grey" does not fit',
    ],
    "many_problems.yaml": [
        "many_problems.yaml:7: /paths/~1a~1{id}/get: error: path parameter {id}",
        "many_problems.yaml:15: /paths/~1a~1{id}/get/responses/200/content/application~1json/schema/$ref: error: "
        "unresolvable $ref",
        "many_problems.yaml:18: /paths/~1b/get/operationId: error: duplicate operationId 'fetch'",
        "many_problems.yaml:20: /paths/~1b/get/responses/20: error: bad status code '20'",
        'many_problems.yaml:26: /components/schemas/Size/default: error: default "big" does not fit',
    ],
}


def test_every_invalid_fixture_is_covered() -> None:
    assert sorted(INVALID_FIXTURES) == sorted(p.name for p in (FIXTURES / "invalid").glob("*.yaml"))


@pytest.mark.parametrize("fixture", sorted(INVALID_FIXTURES))
def test_each_invalid_document_gives_its_lines_and_touches_nothing(fixture: str, tmp_path: Path) -> None:
    out = tmp_path / "generated"
    (out / "kept").mkdir(parents=True)
    (out / "kept" / "file.py").write_text("# a package generated earlier\n")
    before = snapshot(out)
    run = run_generator("generate", FIXTURES / "invalid" / fixture, "--out", out, "--name", "broken")
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert len(errors) == len(INVALID_FIXTURES[fixture]), run.stderr
    for line, expected in zip(errors, INVALID_FIXTURES[fixture], strict=True):
        assert line.startswith("tests/fixtures/invalid/" + expected), line
    assert "Traceback" not in run.stderr
    assert snapshot(out) == before


def test_check_explains_api_changes_and_generate_keeps_a_changelog(tmp_path: Path) -> None:
    specs, out = tmp_path / "specs", tmp_path / "generated"
    specs.mkdir()
    spec = specs / "sequence.yaml"
    shutil.copy(SPECS / "sequence.yaml", spec)
    assert run_generator("generate", "--specs-dir", specs, "--out", out).returncode == 0
    assert not (out / "sequence" / "CHANGES.json").exists()

    # A removed enum value breaks callers that send it: check says so above the file diff.
    spec.write_text(spec.read_text().replace("enum: [TAXED, TAX_EXEMPT, REVERSE_CHARGED]", "enum: [TAXED, TAX_EXEMPT]"))
    run = run_generator("check", "--specs-dir", specs, "--out", out)
    assert run.returncode == 1
    summary = "sequence: the spec changed the API (1 breaking, 0 compatible):"
    assert summary in run.stdout and run.stdout.index(summary) < run.stdout.index("--- a/")
    assert "breaking    TaxStatus: enum values removed: 'REVERSE_CHARGED'" in run.stdout

    run = run_generator("generate", "--specs-dir", specs, "--out", out)
    assert "API: 1 breaking, 0 compatible" in run.stdout
    readme = (out / "sequence" / "README.md").read_text()
    assert "## Changes" in readme and "- **Breaking**: TaxStatus: enum values removed: 'REVERSE_CHARGED'" in readme

    # A compatible change joins the same version's entry; the history survives regeneration.
    spec.write_text(
        spec.read_text().replace("        telephone:\n", "        fax:\n          type: string\n        telephone:\n")
    )
    assert run_generator("generate", "--specs-dir", specs, "--out", out).returncode == 0
    readme = (out / "sequence" / "README.md").read_text()
    assert "REVERSE_CHARGED" in readme and "- UpdateCustomerRequest.fax: field added (optional)" in readme
    again = run_generator("generate", "--specs-dir", specs, "--out", out)
    assert "sequence: unchanged" in again.stdout
    assert run_generator("check", "--specs-dir", specs, "--out", out).returncode == 0


def test_a_current_package_is_not_regenerated_but_a_hand_edit_is_undone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    spec = tmp_path / "sequence.yaml"
    shutil.copy(SPECS / "sequence.yaml", spec)
    assert run_generator("generate", spec, "--out", out, cwd=tmp_path).returncode == 0
    again = run_generator("generate", spec, "--out", out, cwd=tmp_path)
    assert "sequence: unchanged" in again.stdout and "0 files written" in again.stdout
    assert (tmp_path / ".pyapigen_cache").is_dir()  # the stamps, in the working directory
    client = out / "sequence" / "sequence_api" / "client.py"
    original = client.read_bytes()
    client.write_bytes(original + b"# edited by hand\n")
    restored = run_generator("generate", spec, "--out", out, cwd=tmp_path)
    assert "1 changed (sequence_api/client.py)" in restored.stdout
    assert client.read_bytes() == original
    spec.write_text(spec.read_text().replace("title: Sequence API", "title: Sequence Billing API"))
    changed = run_generator("generate", spec, "--out", out, cwd=tmp_path)
    assert "sequence: unchanged" not in changed.stdout
    assert "Sequence Billing API" in (out / "sequence" / "README.md").read_text()
