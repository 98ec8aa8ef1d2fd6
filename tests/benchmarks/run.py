"""`make bench`: every benchmark of the project, printed as figures.

Nothing here asserts a time; the figures are for people to read and compare.
"""

from __future__ import annotations

import platform
import sys

from tests.benchmarks import (
    client_overhead,
    generation,
    hostile,
    hostile_bodies,
    import_time,
    mock_vs_prism,
    pagination,
    server_throughput,
)


def main() -> None:
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {sys.platform}")
    print()
    generation.report()
    print()
    hostile.report()
    print()
    client_overhead.report()
    print()
    pagination.report()
    print()
    import_time.report()
    print()
    server_throughput.report()
    print()
    mock_vs_prism.report()
    print()
    hostile_bodies.report()


if __name__ == "__main__":
    main()
