"""The generated mock's requests per second next to Prism's mock, on the same spec.

Both mock Meteroid from `specs/meteroid.yaml` on this machine, each started as its users
start it (`python -m meteroid_api.server`, `prism mock`), and both are driven over real
HTTP by the same load generator: a few keep-alive connections, each sending one request
after another for a fixed time. Two requests: a valid PATCH, and a PATCH whose body has a
wrong type (both mocks refuse it). Prism (`@stoplight/prism-cli`) comes from `make prism`,
which installs it into `.prism/`; without it the bench says so and times our mock alone.

The load generator is a small asyncio client that writes prepared requests and reads the
answers by Content-Length (or chunks): cheaper than a full client, so that the mocks, not
the generator, set the pace.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support import GENERATED, ROOT, SPECS

PRISM = ROOT / ".prism" / "node_modules" / ".bin" / "prism"
CONNECTIONS = 8
WARM_UP_SECONDS = 0.5
SECONDS = 2.0
# Rounds taken in turn by both mocks, both running: the best round of each counts, so that
# other work on the machine weighs on neither more than on the other.
ROUNDS = 3
PATH = "/api/v1/customers/cus_1"
VALID = {"name": "Acme", "currency": "EUR"}
INVALID = {"name": 5}


def _request(body: dict[str, object]) -> bytes:
    content = json.dumps(body).encode()
    head = (
        f"PATCH {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer tok\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(content)}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode() + content


async def _read_answer(reader: asyncio.StreamReader) -> int:
    """One answer read off a keep-alive connection; its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


@dataclass
class Figures:
    """One round against one mock: requests per second of wall time and of the server's
    own CPU time (what the machine's other work does not change), and the statuses."""

    rate: float
    cpu_rate: float
    statuses: Counter[int]


def _cpu_seconds(pid: int) -> float:
    """The CPU time a process and its descendants have used (Linux /proc), 0 elsewhere."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    stats = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = entry.read_text().rpartition(")")[2].split()
            stats[int(entry.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    family, total = {pid}, 0
    for _ in range(8):  # a few generations of children
        family |= {child for child, (parent, _) in stats.items() if parent in family}
    total = sum(stats[member][1] for member in family if member in stats)
    return total / tick


async def _drive(port: int, request: bytes) -> tuple[float, Counter[int]]:
    """Requests per second over CONNECTIONS connections for SECONDS, after a warm-up."""
    statuses: Counter[int] = Counter()
    counting = False
    done = 0
    stop_at = time.perf_counter() + WARM_UP_SECONDS + SECONDS

    async def connection() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < stop_at:
                writer.write(request)
                status = await _read_answer(reader)
                if counting:
                    done += 1
                    statuses[status] += 1
        finally:
            writer.close()

    async def clock() -> None:
        nonlocal counting
        await asyncio.sleep(WARM_UP_SECONDS)
        counting = True

    started = time.perf_counter() + WARM_UP_SECONDS
    await asyncio.gather(clock(), *(connection() for _ in range(CONNECTIONS)))
    return done / (time.perf_counter() - started), statuses


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def _running(command: list[str], port: int, env: dict[str, str] | None = None) -> Iterator[int]:
    """A server started with `command`, until it answers on `port`."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not start") from None
                time.sleep(0.1)
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)


def _servers() -> dict[str, tuple[list[str], dict[str, str] | None, int]]:
    ours = _free_port()
    env = {**os.environ, "PYTHONPATH": str(GENERATED / "meteroid"), "METEROID_TOKEN": "tok"}
    servers: dict[str, tuple[list[str], dict[str, str] | None, int]] = {
        "generated mock": ([sys.executable, "-m", "meteroid_api.server", "--port", str(ours)], env, ours),
    }
    if PRISM.exists() and shutil.which("node"):
        theirs = _free_port()
        command = [str(PRISM), "mock", str(SPECS / "meteroid.yaml"), "--host", "127.0.0.1", "--port", str(theirs)]
        servers["prism"] = (command, None, theirs)
    return servers


def run() -> dict[str, dict[str, Figures]]:
    """The best round of each mock, by request."""
    figures: dict[str, dict[str, Figures]] = {}
    requests = {"valid PATCH": _request(VALID), "invalid PATCH": _request(INVALID)}
    with contextlib.ExitStack() as stack:
        ports = {}
        for name, (command, env, port) in _servers().items():
            try:
                pid = stack.enter_context(_running(command, port, env))
            except RuntimeError as exc:
                print(f"  {name} could not be run ({exc}): left out")
                continue
            ports[name] = (port, pid)
        for _ in range(ROUNDS):
            for name, (port, pid) in ports.items():
                for request, data in requests.items():
                    cpu = _cpu_seconds(pid)
                    rate, statuses = asyncio.run(_drive(port, data))
                    used = _cpu_seconds(pid) - cpu
                    done = rate * (SECONDS + WARM_UP_SECONDS)  # the warm-up's requests used CPU too
                    round_figures = Figures(rate, done / used if used else 0.0, statuses)
                    best = figures.setdefault(name, {}).get(request)
                    if best is None or round_figures.rate > best.rate:
                        figures[name][request] = round_figures
    return figures


def report() -> None:
    print(
        f"mock throughput vs Prism (Meteroid PATCH over HTTP, {CONNECTIONS} keep-alive connections, "
        f"best of {ROUNDS} rounds of {SECONDS:g} s; goal: ours ≥ 2× Prism)"
    )
    if not PRISM.exists():
        print("  prism is absent (`make prism` installs it into .prism/): our mock alone")
    figures = run()
    print(f"  {'server':<16}{'request':<16}{'requests/s':>12}{'per CPU s':>11}  statuses")
    for name, by_request in figures.items():
        for request, found in by_request.items():
            shown = ", ".join(f"{status}×{count}" for status, count in sorted(found.statuses.items()))
            print(f"  {name:<16}{request:<16}{found.rate:>12.0f}{found.cpu_rate:>11.0f}  {shown}")
    if "prism" in figures and "generated mock" in figures:
        ours, theirs = figures["generated mock"], figures["prism"]
        for request in ("valid PATCH", "invalid PATCH"):
            ratio = ours[request].rate / max(theirs[request].rate, 1e-9)
            cpu_ratio = ours[request].cpu_rate / max(theirs[request].cpu_rate, 1e-9)
            print(f"  ours / prism, {request}: {ratio:.2f}× requests/s, {cpu_ratio:.2f}× requests per CPU second")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    report()
