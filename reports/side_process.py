"""One report format written in a forked child while the parent writes the others.

A large report spends most of its time in two independent writers: WeasyPrint laying out the PDF
and openpyxl streaming the XLSX (≈ 13–18 and ≈ 16 CPU s for 51,246 findings). Both read the same
report model and nothing else, so on a machine with more than one core the XLSX is written by a
child forked once the model is built: the child gets the model by copy-on-write, with no pickling,
and sends back only one line, its error or nothing.

The child runs one function and exits; the parent waits for it with a timeout and terminates it
when the wait fails or is interrupted, so no process outlives the report. A child that fails (or
dies) is one clear error for its format; the parent's formats land all the same.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

#: How long the parent waits for the child's file once its own formats are written. Generous:
#: a 51,246-finding workbook takes ≈ 16 CPU s, and a loaded machine can stretch that severalfold.
WAIT_SECONDS = 1800.0


def can_fork() -> bool:
    """Fork is what makes the hand-over cheap (the model is shared, not pickled); where the
    platform has none (Windows) or one core only, the report stays in one process."""
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def _run(write: Callable[[Path], None], target: Path, pipe: Connection) -> None:
    try:
        write(target)
    except BaseException as exc:  # the parent reports it as this format's one error line
        pipe.send(f"{type(exc).__name__}: {exc}".splitlines()[0])
    else:
        pipe.send(None)
    finally:
        pipe.close()


class SideWriter:
    """``write(target)`` run in a forked child; ``result()`` waits for it and gives its error
    (None when the file was written). ``stop()`` (idempotent) terminates a child still running,
    for when the parent fails before it waits."""

    def __init__(self, write: Callable[[Path], None], target: Path) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_run, args=(write, target, send), name=f"report-{target.suffix[1:]}", daemon=True
        )
        self._process.start()
        send.close()  # the child's end: once the child exits, a recv() here ends with EOFError

    def result(self, timeout: float = WAIT_SECONDS) -> str | None:
        deadline = time.monotonic() + timeout
        try:
            if not self._receive.poll(timeout):
                return f"TimeoutError: the writer process gave no answer within {timeout:.0f} s"
            try:
                error: str | None = self._receive.recv()
            except EOFError:
                self._process.join(max(0.0, deadline - time.monotonic()))
                return f"the writer process died (exit code {self._process.exitcode})"
            self._process.join(max(0.0, deadline - time.monotonic()))
            return error
        finally:
            self.stop()

    def stop(self) -> None:
        """The child gone: terminated if still running, reaped, its pipe closed."""
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        self._receive.close()
