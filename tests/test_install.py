"""Each generated package installs with pip into a clean virtual environment and works there.

The mock is started with `python -m <package>.server` from that environment, and the
package README's example for each operation runs against it over 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from generator.ir.ir_builder import build_api
from generator.load.bundle import bundle
from generator.normalize.normalize import normalize
from tests.support import GENERATED, SPECS, VENDORS

pytestmark = pytest.mark.slow

_EXAMPLE = re.compile(r"```python\n(from \w+ import Client\n\nwith Client\(\) as client:\n.*?)```", re.DOTALL)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(name: str, base_url: str) -> dict[str, str]:
    """Credentials and base URL for the README examples, in the variables the README names."""
    loaded, _ = bundle(SPECS / f"{name}.yaml")
    normalize(loaded.document)
    api, _ = build_api(loaded.document, loaded, name, "")
    variables = {c.environment_variable: "bc_example" for s in api.security_schemes for c in s.credentials}
    return {"PATH": os.environ.get("PATH", ""), f"{api.environment_prefix}_BASE_URL": base_url, **variables}


@pytest.mark.parametrize("name", VENDORS)
def test_package_installs_in_a_clean_environment_and_its_examples_run(name: str, tmp_path: Path) -> None:
    package = tmp_path / name
    shutil.copytree(GENERATED / name, package)  # build outside the repository
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", f"{package}[server]"], capture_output=True, text=True, check=False
    )
    assert install.returncode == 0, install.stderr

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [python, "-m", f"{name}_api.server", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base_url}/openapi.json").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.communicate()[0]
            assert time.monotonic() < deadline, "the mock did not start"
            time.sleep(0.1)

        examples = _EXAMPLE.findall((package / "README.md").read_text())
        assert examples, "the README has no runnable example"
        for example in examples:
            script = example + "print('TYPE', type(result).__module__, type(result).__name__)\n"
            run = subprocess.run(
                [python, "-c", script],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                env=_environment(name, base_url),
                check=False,
            )
            assert run.returncode == 0, run.stderr
            assert f"TYPE {name}_api.models." in run.stdout  # a submodule of the models package
    finally:
        server.terminate()
        server.wait(timeout=10)
