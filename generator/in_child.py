"""Work done in a forked child process while this one goes on: the other core's share.

The generator's stages after reading a spec are pure functions of what was read: the
models need only the normalized document, the IR and the client and server templates
nothing from them but the finished package. A child forked with the data in hand starts
at once (sending DigitalOcean's document to another process would cost about what
building its models does) and sends back only its result, pickled, in an unnamed temporary
file: unlike a pipe's, its writing never waits for this process to read.

The child runs the given work and writes its file: it takes no lock another thread of this
process (the formatter's) may hold at the fork. Where the platform cannot fork, or
the child fails in any way, the work is done here, as it would be without this module: a
failure of the child can cost time, never a result.
"""

from __future__ import annotations

import os
import pickle
import signal
import tempfile
from collections.abc import Callable
from typing import BinaryIO, Generic, NoReturn, TypeVar

T = TypeVar("T")


class InChild(Generic[T]):
    """`work()`, running in a forked child; `result()` waits for its value."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._child: tuple[int, BinaryIO] | None = None  # (process id, the file it writes)
        if hasattr(os, "fork"):
            self._child = _start(work)

    def result(self) -> T:
        """What `work()` returned. Raises what it raises."""
        if self._child is not None:
            pid, written = self._child
            self._child = None
            with written:
                _, wait_status = os.waitpid(pid, 0)
                written.seek(0)
                payload = written.read()
            if os.waitstatus_to_exitcode(wait_status) == 0 and payload:
                value: T = pickle.loads(payload)  # our own child's bytes
                return value
        return self._work()

    def discard(self) -> None:
        """Stop the child (the caller failed) and reap it. Nothing to do after `result()`."""
        if self._child is not None:
            pid, written = self._child
            self._child = None
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            written.close()


def _start(work: Callable[[], object]) -> tuple[int, BinaryIO] | None:
    written = tempfile.TemporaryFile()  # noqa: SIM115 - closed by result() or discard(), later
    try:
        pid = os.fork()
    except OSError:  # no memory or process slot for a child: the work is done here
        written.close()
        return None
    if pid == 0:  # the child
        _work_and_write(work, written.fileno())
    return pid, written


def _work_and_write(work: Callable[[], object], descriptor: int) -> NoReturn:
    status = 1  # whatever fails, the parent does the work again and meets it itself
    try:
        payload = memoryview(pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL))
        while payload:
            payload = payload[os.write(descriptor, payload) :]
        status = 0
    finally:
        # At once: no exit handlers, no flushing of buffers the parent owns too.
        os._exit(status)
