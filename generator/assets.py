"""Where the built-in templates and the generated packages' runtime are.

In a checkout they are the repository's `templates/` and `runtime/`, beside `generator/`.
An installed generator carries them inside itself, as `generator/_templates` and
`generator/_runtime` (`[tool.setuptools.package-dir]` maps them there), since a wheel
can only hold what is under its packages.
"""

from __future__ import annotations

from pathlib import Path

_GENERATOR_DIR = Path(__file__).resolve().parent


def _located(checkout_name: str, installed_name: str) -> Path:
    checkout = _GENERATOR_DIR.parent / checkout_name
    return checkout if checkout.is_dir() else _GENERATOR_DIR / installed_name


GENERATOR_DIR = _GENERATOR_DIR
TEMPLATES_DIR = _located("templates", "_templates")
# The generated packages' fixed code: plain Python, copied unchanged into every package
# with a client and a server (its `__init__.py` describes the directory and stays here).
RUNTIME_DIR = _located("runtime", "_runtime")
