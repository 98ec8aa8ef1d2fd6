"""Work done in a forked child process while this one goes on: the other core's share.

The generator's stages after reading a spec are pure functions of what was read: the
models need only the normalized document, the IR and the client and server templates
nothing from them but the finished package. A child forked with the data in hand starts
at once (sending DigitalOcean's document to another process would cost about what
building its models does) and sends back only its result, pickled, through a pipe.

The child runs the given work and writes to its pipe: it takes no lock another thread of
this process (the formatter's) may hold at the fork. Where the platform cannot fork, or
the child fails in any way, the work is done here, as it would be without this module: a
failure of the child can cost time, never a result.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Generic, NoReturn, TypeVar

T = TypeVar("T")


class InChild(Generic[T]):
    """`work()`, running in a forked child; `result()` waits for its value."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._child: tuple[int, int] | None = None  # (process id, the pipe's reading end)
        if hasattr(os, "fork"):
            self._child = _start(work)

    def result(self) -> T:
        """What `work()` returned. Raises what it raises."""
        if self._child is not None:
            pid, reading = self._child
            self._child = None
            with os.fdopen(reading, "rb") as pipe:
                payload = pipe.read()
            _, wait_status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(wait_status) == 0 and payload:
                value: T = pickle.loads(payload)  # our own child's bytes
                return value
        return self._work()

    def discard(self) -> None:
        """Stop waiting (the caller failed): the child, whose writing to the closed pipe
        fails, ends, and is reaped. Nothing to do after `result()`."""
        if self._child is not None:
            pid, reading = self._child
            self._child = None
            os.close(reading)
            os.waitpid(pid, 0)


def _start(work: Callable[[], object]) -> tuple[int, int] | None:
    reading, writing = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no memory or process slot for a child: the work is done here
        os.close(reading)
        os.close(writing)
        return None
    if pid == 0:  # the child
        os.close(reading)
        _work_and_send(work, writing)
    os.close(writing)
    return pid, reading


def _work_and_send(work: Callable[[], object], writing: int) -> NoReturn:
    status = 1  # whatever fails, the parent does the work again and meets it itself
    try:
        payload = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writing, "wb") as pipe:
            pipe.write(payload)
        status = 0
    finally:
        # At once: no exit handlers, no flushing of buffers the parent owns too.
        os._exit(status)
