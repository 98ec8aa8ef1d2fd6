"""schemathesis against each mock, from its spec: all checks, bounded examples, fixed seed.

It generates valid and invalid requests (and requests with wrong or missing credentials)
and checks every answer: no 5xx, responses conform to their schemas, every status code is
declared, invalid data rejected and valid data accepted. One deliberate answer is waived
(tests/schemathesis_hooks.py): the 422 to an Idempotency-Key reused with another body.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support import ROOT, SPECS, VENDORS, serve

pytestmark = pytest.mark.slow

CREDENTIALS: dict[str, tuple[list[str], dict[str, str]]] = {
    "bigcapital": (["-H", "Authorization: Bearer bc_schemathesis"], {"token": "bc_schemathesis"}),
    "chargeover": (["--auth", "user:key"], {"username": "user", "password": "key"}),
    "meteroid": (["-H", "Authorization: Bearer tok"], {"token": "tok"}),
    "sequence": (["--auth", "user:key"], {"username": "user", "password": "key"}),
}
MAX_EXAMPLES = 60


@pytest.mark.parametrize("name", VENDORS)
def test_schemathesis_finds_no_failure(name: str) -> None:
    server = importlib.import_module(f"{name}_api.server")
    arguments, accepted = CREDENTIALS[name]

    def authenticate(credentials: Any) -> bool:
        return all(getattr(credentials, key, None) == value for key, value in accepted.items())

    st = Path(sys.executable).parent / "st"
    with serve(server.create_app(server.InMemoryHandler(), authenticate=authenticate)) as url:
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
    assert run.returncode == 0, report + run.stderr[-2000:]
    assert "No issues found" in run.stdout
