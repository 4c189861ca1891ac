"""The console ends when its terminal goes away (issue 17, fix17).

Closing a terminal window, or ``tmux kill-server``, hangs up the console's tty. The kernel sends
SIGHUP only to the session leader (``make run``'s make, a shell), not always to the console
below it, and Textual's input thread then reads end-of-file from the dead tty over and over:
the console stayed alive, burning a core. Here the console listens for SIGHUP and checks its
tty every ``CHECK_EVERY`` seconds (a hung-up tty polls as hung up without being read), and
either way leaves as ``q`` does: a form not yet saved is dropped, never half-written (a write
already under way is one SQLite transaction, committed whole or not at all).
"""

from __future__ import annotations

import asyncio
import select
import signal
import sys
from collections.abc import Callable, Iterable

#: Seconds between two checks that the terminal is still there.
CHECK_EVERY = 1.0

#: What ``poll`` says of a terminal that is gone (hung up, closed, or an error).
_GONE = select.POLLHUP | select.POLLERR | select.POLLNVAL


def terminal_gone(fds: Iterable[int]) -> bool:
    """Whether any of ``fds`` polls as hung up, in error or closed (reads nothing).

    Args:
        fds: file descriptors of the terminal (stdin, stdout).

    Returns:
        True when the terminal is gone.
    """
    poller = select.poll()
    for fd in fds:
        poller.register(fd, 0)  # no events asked for: hang-up and errors are always told
    return any(event & _GONE for _fd, event in poller.poll(0))


def watch(leave: Callable[[], None], set_interval: Callable[..., object]) -> None:
    """Call ``leave`` once when the terminal hangs up (SIGHUP) or polls as gone.

    Args:
        leave: what ends the console (on the UI thread).
        set_interval: the app's ``set_interval``, for the periodic check.
    """
    left: list[bool] = []

    def once() -> None:
        if not left:
            left.append(True)
            leave()

    fds = [stream.fileno() for stream in (sys.__stdin__, sys.__stdout__) if stream is not None]
    asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, once)

    def check() -> None:
        if terminal_gone(fds):
            once()

    set_interval(CHECK_EVERY, check)
