"""Report files written in a forked child while the parent writes the others.

A large report spends most of its time in two independent writers: WeasyPrint laying out the PDF
and openpyxl streaming the XLSX (≈ 13–18 and ≈ 16 CPU s for 51,246 findings). Both read the same
report model and nothing else, so on a machine with more than one core the XLSX is written by a
child forked once the model is built, and so is the large report's evidence page (every finding,
≈ 5 CPU s), while the parent renders the HTML and lays out the PDF. The child gets the model by
copy-on-write, with no pickling, and sends back one line per file, its error or nothing.

The child runs its writers and exits; the parent waits for it with a timeout and terminates it
when the wait fails or is interrupted, so no process outlives the report. A writer that fails (or a
child that dies) is one clear error for its file; the parent's formats land all the same.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

#: How long the parent waits for the child's file once its own formats are written. Generous:
#: a 51,246-finding workbook takes ≈ 16 CPU s, and a loaded machine can stretch that severalfold.
WAIT_SECONDS = 1800.0


def can_fork() -> bool:
    """Fork is what makes the hand-over cheap (the model is shared, not pickled); where the
    platform has none (Windows) or one core only, the report stays in one process. So it does
    when called from a worker thread (a Prefect task, a thread pool): the child gets only the
    calling thread, and a lock some other busy thread of the pipeline holds would stay held
    there. From the main thread (the CLI, whose only other thread is its spinner) it forks."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and (os.cpu_count() or 1) > 1
        and threading.current_thread() is threading.main_thread()
    )


def error_line(exc: BaseException) -> str:
    """A failed file's one error line."""
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


#: What a side process writes: a file name's kind ("xlsx", "evidence") → the writer and its file.
Jobs = dict[str, tuple[Callable[[Path], None], Path]]


def _run(jobs: Jobs, pipe: Connection) -> None:
    try:
        for kind, (write, target) in jobs.items():
            try:
                write(target)
            except Exception as exc:  # the parent reports it as this file's one error line
                pipe.send((kind, error_line(exc)))
            else:
                pipe.send((kind, None))
    finally:
        pipe.close()


class SideWriter:
    """Each ``write(target)`` of ``jobs`` run in turn in one forked child; ``results()`` waits
    for them and gives each kind's error (None when its file was written). ``stop()``
    (idempotent) terminates a child still running, for when the parent fails before it waits."""

    def __init__(self, jobs: Jobs) -> None:
        context = multiprocessing.get_context("fork")
        self.jobs = jobs
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_run, args=(jobs, send), name="report-side-writer", daemon=True
        )
        self._process.start()
        send.close()  # the child's end: once the child exits, a recv() here ends with EOFError

    def results(self, timeout: float = WAIT_SECONDS) -> dict[str, str | None]:
        deadline = time.monotonic() + timeout
        answers: dict[str, str | None] = {}
        try:
            while len(answers) < len(self.jobs):
                if not self._receive.poll(max(0.0, deadline - time.monotonic())):
                    missing = f"TimeoutError: the writer process gave no answer within {timeout:.0f} s"
                    break
                try:
                    kind, error = self._receive.recv()
                except EOFError:
                    self._process.join(max(0.0, deadline - time.monotonic()))
                    missing = f"the writer process died (exit code {self._process.exitcode})"
                    break
                answers[kind] = error
            else:
                self._process.join(max(0.0, deadline - time.monotonic()))
                return answers
            return {kind: answers.get(kind, missing) for kind in self.jobs}
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
