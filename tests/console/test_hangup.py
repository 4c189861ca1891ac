"""The console exits when its terminal goes away (fix17): after ``tmux kill-server`` the console
below ``make run`` stayed alive on its dead tty, burning a core (Textual read end-of-file over
and over; the kernel's SIGHUP went to make, the session leader, not to the console). Here a
real console runs on a pseudo-terminal, which is then closed or hung up."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from store.db import Store

#: Generous bounds for a loaded two-core machine; they bound the wait, they time nothing.
DRAWN_WITHIN = 90.0
GONE_WITHIN = 30.0


def _console(db: Path) -> tuple[subprocess.Popen[bytes], int]:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="24")
    command = [sys.executable, "-m", "commands.cli", "--db", str(db)]
    console = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, start_new_session=True, env=env
    )
    os.close(slave)
    return console, master


def _read(master: int, seconds: float, until: bytes | None = None) -> bytes:
    """What the console writes for ``seconds`` (or until it wrote ``until``): a terminal
    reads all the time, and a console whose writes are not read blocks in them."""
    seen = b""
    deadline = time.monotonic() + seconds
    waiting = select.poll()  # not select(): a long test process holds descriptors past 1024
    waiting.register(master, select.POLLIN)
    while (until is None or until not in seen) and time.monotonic() < deadline:
        if waiting.poll(100):
            try:
                seen += os.read(master, 65536)
            except OSError:  # the console has gone and closed its side
                break
    return seen


def _wait(console: subprocess.Popen[bytes], master: int | None) -> int | None:
    deadline = time.monotonic() + GONE_WITHIN
    while console.poll() is None and time.monotonic() < deadline:
        if master is None:
            time.sleep(0.1)
        else:
            _read(master, 0.2)
    return console.poll()


@pytest.mark.parametrize("how", ["close the terminal", "hang up"])
def test_the_console_exits_when_its_terminal_goes_away(demo_store: Store, how: str) -> None:
    db = demo_store.path
    demo_store.close()
    console, master = _console(db)
    try:
        assert b"OPS-01" in _read(master, DRAWN_WITHIN, until=b"OPS-01")
        _read(master, 1.5)  # past its mount: the console now runs on the terminal
        if how == "close the terminal":
            os.close(master)  # as tmux kill-server: the tty hangs up, no signal reaches it
            assert _wait(console, None) == 0
        else:
            console.send_signal(signal.SIGHUP)
            assert _wait(console, master) == 0
    finally:
        if console.poll() is None:
            console.kill()
            console.wait()
        if how != "close the terminal":
            os.close(master)
