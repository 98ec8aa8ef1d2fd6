"""The command line as a user runs it: generate, check, validate; atomic on failure."""

from __future__ import annotations

import shutil
from pathlib import Path

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
