from __future__ import annotations

import sys

import pytest

from tests.events_api_support import events_api, events_package  # noqa: F401 (fixtures of the Events API tests)
from tests.shop_api_support import shop, shop_api, shop_server  # noqa: F401 (fixtures of the Shop API tests)
from tests.support import PACKAGES, VENDORS

# The generated packages are imported from generated/ as they are committed, exactly as
# `pip install generated/<name>` would install them (or from PYAPIGEN_TEST_PACKAGES: see support).
for _name in VENDORS:
    _path = str(PACKAGES / _name)
    if _path not in sys.path:
        sys.path.insert(0, _path)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--corpus-full",
        action="store_true",
        help="corpus tests: schemathesis on every operation with more examples (make corpus)",
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The models differential's summaries (schemas compared, values tried, disagreements
    by kind), after the run, passed or not."""
    differential = sys.modules.get("tests.model_differential")  # imported only where its tests ran
    if differential is not None and differential.REPORTS:
        terminalreporter.write_sep("-", "models differential: builtin vs datamodel-code-generator")
        for report in differential.REPORTS:
            terminalreporter.write_line(report)
