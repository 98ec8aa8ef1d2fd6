"""Work done in a forked child process while this one goes on: the other core's share.

The generator's stages after reading a spec are pure functions of what was read: the
models need only the normalized document, the IR and the client and server templates
nothing from them but the finished package. A child forked with the data in hand starts
at once (sending DigitalOcean's document to another process would cost about what
building its models does) and sends back only its result, pickled, in an unnamed temporary
file: unlike a pipe's, its writing never waits for this process to read.

One child can do two pieces of work in turn (`InChild.pair`): the first result is there
as soon as the first is done, which a byte on a pipe says.

The child runs the given work and writes its file: it takes no lock another thread of this
process (the formatter's) may hold at the fork. Where the platform cannot fork, or
the child fails in any way, the work is done here, as it would be without this module: a
failure of the child can cost time, never a result.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import tempfile
import time
from collections.abc import Callable, Sequence
from typing import BinaryIO, Generic, NoReturn, TypeVar

T = TypeVar("T")
A = TypeVar("A")
B = TypeVar("B")


class InChild(Generic[T]):
    """`work()`, running in a forked child; `result()` waits for its value."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._child = _Child.start([work])
        self._index = 0

    @staticmethod
    def pair(first: Callable[[], A], second: Callable[[], B]) -> tuple[InChild[A], InChild[B]]:
        """`first()` and then `second()`, in one forked child."""
        child = _Child.start([first, second])
        return InChild._of(first, child, 0), InChild._of(second, child, 1)

    @staticmethod
    def _of(work: Callable[[], T], child: _Child | None, index: int) -> InChild[T]:
        made: InChild[T] = InChild.__new__(InChild)
        made._work, made._child, made._index = work, child, index
        return made

    def result(self) -> T:
        """What `work()` returned. Raises what it raises."""
        child, self._child = self._child, None
        payload = child.take(self._index) if child is not None else None
        if payload:
            value: T = pickle.loads(payload)  # our own child's bytes
            return value
        return self._work()

    def discard(self) -> None:
        """Stop the child (the caller failed) and reap it. Nothing to do after `result()`.
        The child of a pair is stopped with the other's work: that is then done here."""
        child, self._child = self._child, None
        if child is not None:
            child.stop()


class _Child:
    """A forked process doing pieces of work in turn: each result is pickled into a file
    of its own, and then one byte on a pipe says that file is complete."""

    def __init__(self, pid: int, files: Sequence[BinaryIO], progress: int) -> None:
        self.pid = pid
        self._running = True  # until reaped
        self._files: list[BinaryIO | None] = list(files)
        self._progress: int | None = progress  # the pipe's reading end, until the child has gone
        self._done = 0  # results known to be complete

    @staticmethod
    def start(works: Sequence[Callable[[], object]]) -> _Child | None:
        """The child doing `works`, or None where no child is made (the work is then done
        here): where the platform cannot fork, where no file, pipe or process can be had,
        and inside a child, whose work is already the other core's share (a child of its
        own would outlive it when it is stopped)."""
        if not hasattr(os, "fork") or _in_a_child:
            return None
        files: list[BinaryIO] = []
        try:
            files += [tempfile.TemporaryFile() for _ in works]  # noqa: SIM115 - closed by take() or stop()
            progress, told = os.pipe()
        except OSError:
            _close(files)
            return None
        try:
            pid = os.fork()
        except OSError:  # no memory or process slot for a child: the work is done here
            _close(files)
            os.close(progress)
            os.close(told)
            return None
        if pid == 0:  # the child
            _work_and_write(works, [file.fileno() for file in files], told)
        os.close(told)
        return _Child(pid, files, progress)

    def take(self, index: int) -> bytes | None:
        """The pickled result of work `index`, waiting for it; None if the child failed first."""
        written = self._files[index]
        self._files[index] = None
        if written is None:
            return None
        with written:
            while self._done <= index and self._progress is not None:
                said = os.read(self._progress, 16)
                if not said:  # the child has gone
                    self._reap()
                    break
                self._done += len(said)
            if self._done <= index:
                return None
            if index == len(self._files) - 1:
                self._reap()  # it has written its last file: it is ending
            written.seek(0)
            return written.read()

    def stop(self) -> None:
        """Ask the child to stop, and kill it if it has not within `_STOP_PATIENCE_SECONDS`:
        asked, it unwinds, so what it made on the way (ruff's batch directory, ruff itself)
        is removed as after a failure."""
        if self._running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + _STOP_PATIENCE_SECONDS
            while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                if time.monotonic() > deadline:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
                    break
                time.sleep(0.005)
            self._running = False
        self._reap()
        _close([file for file in self._files if file is not None])
        self._files = [None] * len(self._files)

    def _reap(self) -> None:
        if self._running:
            os.waitpid(self.pid, 0)
            self._running = False
        if self._progress is not None:
            os.close(self._progress)
            self._progress = None


def _close(files: Sequence[BinaryIO]) -> None:
    for file in files:
        file.close()


# True in a forked child: it forks no child of its own (see `_Child.start`).
_in_a_child = False
# How long a child asked to stop may take before it is killed.
_STOP_PATIENCE_SECONDS = 2.0


def _stopped(signal_number: int, frame: object) -> NoReturn:
    raise SystemExit(1)  # unwinding: `finally` blocks on the way run


def _work_and_write(works: Sequence[Callable[[], object]], descriptors: Sequence[int], told: int) -> NoReturn:
    global _in_a_child  # this process's, from now on
    _in_a_child = True
    status = 1  # whatever fails, the parent does the work again and meets it itself
    try:
        signal.signal(signal.SIGTERM, _stopped)  # how `_Child.stop` asks
        for work, descriptor in zip(works, descriptors, strict=True):
            payload = memoryview(pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL))
            while payload:
                payload = payload[os.write(descriptor, payload) :]
            os.write(told, b".")  # a byte fits any pipe: it never waits
        status = 0
    finally:
        # At once: no exit handlers, no flushing of buffers the parent owns too.
        os._exit(status)
