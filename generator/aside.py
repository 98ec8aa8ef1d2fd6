"""Running one piece of work on the other core while this process goes on with the next.

The work runs in a forked child, which sees the process's data as it was at the fork
(copy-on-write) and sends its result back pickled through a pipe. Where forking is not
safe or not possible (no `os.fork`, or threads running: a child could inherit a lock held
by one of them), the work simply runs here, first.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Aside(Generic[T]):
    """`work()` started now, in a child process when possible; `result()` waits for it."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._pid: int | None = None
        self._read_end: int | None = None
        self._value: T
        if not hasattr(os, "fork") or threading.active_count() > 1:
            self._value = work()
            return
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: compute, send, and leave without running the parent's exit code
            try:
                os.close(read_end)
                payload = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(payload)
            finally:
                os._exit(0)
        os.close(write_end)
        self._pid, self._read_end = pid, read_end

    def result(self) -> T:
        if self._read_end is None:
            return self._value
        with os.fdopen(self._read_end, "rb") as pipe:
            payload = pipe.read()
        self._read_end = None
        if self._pid is not None:
            os.waitpid(self._pid, 0)
        try:
            self._value = pickle.loads(payload)
        except Exception:  # the child failed before sending anything: do the work here
            self._value = self._work()
        return self._value
