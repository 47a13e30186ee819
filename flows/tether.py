"""Child processes that die with their parent, whatever kills the parent (kill -9, SIGTERM).

A Prefect server we (or Prefect's temporary-server code) start is a separate process of ~230 MB:
if the crawl that started it is killed, nothing stops it. So it runs under a small *tether*:

    python -m gongkai.flows.tether FD -- COMMAND ARGS…

A thread of the tether blocks reading FD, the read end of a pipe whose only write end stays open
in the parent. When the parent dies — however — the kernel closes that write end, the read
returns, and the command is stopped (SIGTERM, then SIGKILL after a grace period). No signal
handler, thread or ``atexit`` in the parent is needed, and it works the same whichever thread
started the child (unlike ``PR_SET_PDEATHSIG``, which fires when that *thread* ends).

``python -m MODULE …`` (Prefect's servers) runs inside the tether process itself, so the
parent's normal ``terminate()``/``kill()`` reach the server directly; any other command runs in
its own process group, which the tether stops (and to which it passes SIGTERM/SIGINT).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

#: Seconds the command has to stop after SIGTERM before it is killed.
GRACE_SECONDS = 5.0

_pipe_lock = threading.Lock()
_read_fd: int | None = None
_write_fd: int | None = None
_owner_pid = -1


def _parent_pipe() -> int:
    """The read end of this process's tether pipe (one per process; the write end is kept open)."""
    with _pipe_lock:
        if _read_fd is None or _owner_pid != os.getpid():  # none yet, or inherited by a fork
            _new_pipe()
        assert _read_fd is not None
        return _read_fd


def _new_pipe() -> None:
    global _read_fd, _write_fd, _owner_pid
    read_fd, write_fd = os.pipe()  # both non-inheritable: only pass_fds hands the read end on
    _read_fd, _write_fd, _owner_pid = read_fd, write_fd, os.getpid()


def tethered(command: Sequence[str]) -> tuple[list[str], tuple[int, ...]]:
    """``command`` wrapped in a tether to this process: (argv, fds to pass to ``Popen``)."""
    read_fd = _parent_pipe()
    argv = [sys.executable, "-m", "gongkai.flows.tether", str(read_fd), "--", *command]
    return argv, (read_fd,)


def popen(command: Sequence[str], **kwargs: Any) -> subprocess.Popen[Any]:
    """``subprocess.Popen`` of ``command`` under a tether (same keyword arguments)."""
    argv, fds = tethered(command)
    pass_fds = tuple(kwargs.pop("pass_fds", ())) + fds
    return subprocess.Popen(argv, pass_fds=pass_fds, **kwargs)


def _watch_parent(read_fd: int, on_gone: Any) -> None:
    """Block on the pipe; when the parent is gone (EOF), call ``on_gone``."""

    def watch() -> None:
        while True:
            try:
                if not os.read(read_fd, 1024):
                    break
            except InterruptedError:
                continue
            except OSError:
                break
        on_gone()

    threading.Thread(target=watch, name="tether", daemon=True).start()


def _stop_self() -> None:
    # The command runs in this very process: ask it to stop as `docker stop` would, then make sure.
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(GRACE_SECONDS)
    os._exit(143)


def _run_module(read_fd: int, module: str, args: list[str]) -> int:
    """``python -m module args`` in this process, tethered: Prefect's server is the process
    itself, so the parent's own stop()/kill() (SIGTERM, SIGKILL) reach it directly."""
    import runpy

    _watch_parent(read_fd, _stop_self)
    sys.argv = [module, *args]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def _run_group(read_fd: int, command: list[str]) -> int:
    """Any other command: started in its own process group, which is stopped with the parent."""
    process = subprocess.Popen(command, start_new_session=True)

    def stop(*_args: object) -> None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                return
            try:
                process.wait(timeout=GRACE_SECONDS)
                return
            except subprocess.TimeoutExpired:
                continue

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _watch_parent(read_fd, stop)
    code = process.wait()
    return code if code >= 0 else 128 - code


def main(argv: Sequence[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python -m gongkai.flows.tether FD -- COMMAND [ARGS…]", file=sys.stderr)
        return 2
    read_fd, command = int(argv[0]), list(argv[2:])
    if len(command) >= 3 and command[0] == sys.executable and command[1] == "-m":
        return _run_module(read_fd, command[2], command[3:])
    return _run_group(read_fd, command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
