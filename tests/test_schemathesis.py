"""schemathesis against each mock, from its spec: all checks, bounded examples, fixed seed.

Each mock runs as its README documents, `python -m <package>.server` with the credentials
to accept in the client's environment variables, and schemathesis drives it over HTTP.

It generates valid and invalid requests (and requests with wrong or missing credentials)
and checks every answer: no 5xx, responses conform to their schemas, every status code is
declared, invalid data rejected and valid data accepted. One deliberate answer is waived
(tests/schemathesis_hooks.py): the 422 to an Idempotency-Key reused with another body.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT, SPECS, VENDORS
from tests.test_mock_server import _startup_lines, mock_process

pytestmark = pytest.mark.slow

# The credentials each mock is told to accept, as the generated README says: the client's
# environment variables. schemathesis sends them, and others to check that they are refused.
CREDENTIALS: dict[str, tuple[list[str], dict[str, str]]] = {
    "bigcapital": (["-H", "Authorization: Bearer bc_schemathesis"], {"BIGCAPITAL_TOKEN": "bc_schemathesis"}),
    "chargeover": (["--auth", "user:key"], {"CHARGEOVER_USERNAME": "user", "CHARGEOVER_PASSWORD": "key"}),
    "meteroid": (["-H", "Authorization: Bearer tok"], {"METEROID_TOKEN": "tok"}),
    "sequence": (["--auth", "user:key"], {"SEQUENCE_USERNAME": "user", "SEQUENCE_PASSWORD": "key"}),
}
MAX_EXAMPLES = 60


@pytest.mark.parametrize("name", VENDORS)
def test_schemathesis_finds_no_failure(name: str) -> None:
    arguments, environment = CREDENTIALS[name]
    st = Path(sys.executable).parent / "st"
    with mock_process(f"{name}_api", environment=environment) as (url, process):
        run = subprocess.run(
            [
                str(st),
                "run",
                str(SPECS / f"{name}.yaml"),
                "--url",
                url,
                "--checks",
                "all",
                "--max-examples",
                str(MAX_EXAMPLES),
                "--seed",
                "20261121",
                "--no-color",
                *arguments,
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT), "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks"},
        )
    report = run.stdout[run.stdout.find("FAILURES") :] if "FAILURES" in run.stdout else run.stdout[-3000:]
    assert run.returncode == 0, report + run.stderr[-2000:] + _startup_lines(process)[-3000:]
    assert "No issues found" in run.stdout
