"""Building the models in a child process while the parent builds the IR and the clients.

The model builder needs only the normalized document, and the IR and the client and
server templates need nothing from it but the finished package: the two are the largest
stages after reading the spec, and they run on both cores at once. The child is forked,
so it starts with the document in hand instead of having it sent (sending DigitalOcean's
would cost about what building its models does); it sends back the package and the
warnings, pickled, through a pipe.

The child runs only the model builder and writes to its pipe: it takes no lock another
thread of the parent (the formatter's) may hold at the fork. Where the platform cannot
fork, or the child fails in any way, the models are built in the parent, as they would be
without this module: a failure here can cost time, never a result.
"""

from __future__ import annotations

import os
import pickle
from typing import Any, NoReturn

from generator.diagnostics import Diagnostic
from generator.ir.ir import ModelPackage
from generator.render.model_builder import Locate, build_models

Built = tuple[ModelPackage, list[Diagnostic]]


class BackgroundModels:
    """The models of a normalized document, being built; `result()` waits for them."""

    def __init__(self, document: dict[str, Any], locate: Locate) -> None:
        self._document, self._locate = document, locate
        self._child: tuple[int, int] | None = None  # (process id, the pipe's reading end)
        if hasattr(os, "fork"):
            self._child = _start(document, locate)

    def result(self) -> Built:
        """The package and the builder's warnings. Raises what the builder raises."""
        if self._child is not None:
            pid, reading = self._child
            self._child = None
            built = _collect(pid, reading)
            if built is not None:
                return built
        return build_models(self._document, self._locate)

    def discard(self) -> None:
        """Stop waiting for the models (the generation failed): the child, whose writing to
        the closed pipe fails, ends, and is reaped. Nothing to do after `result()`."""
        if self._child is not None:
            pid, reading = self._child
            self._child = None
            os.close(reading)
            os.waitpid(pid, 0)


def _start(document: dict[str, Any], locate: Locate) -> tuple[int, int] | None:
    reading, writing = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no memory or process slot for a child: build in the parent
        os.close(reading)
        os.close(writing)
        return None
    if pid == 0:  # the child
        os.close(reading)
        _build_and_send(document, locate, writing)  # never returns
    os.close(writing)
    return pid, reading


def _build_and_send(document: dict[str, Any], locate: Locate, writing: int) -> NoReturn:
    status = 1  # whatever fails, the parent builds the models again and meets it itself
    try:
        payload = pickle.dumps(build_models(document, locate), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writing, "wb") as pipe:
            pipe.write(payload)
        status = 0
    finally:
        # At once: no exit handlers, no flushing of buffers the parent owns too.
        os._exit(status)


def _collect(pid: int, reading: int) -> Built | None:
    """What the child sent, or None when it sent nothing whole."""
    with os.fdopen(reading, "rb") as pipe:
        payload = pipe.read()
    _, wait_status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(wait_status) != 0 or not payload:
        return None
    built: Built = pickle.loads(payload)
    return built
