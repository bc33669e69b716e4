"""A time budget per document: no page and no user rule (a regex like `(a+)+$`) can stall a batch.

A real-time interval timer interrupts the work with TimeBudgetExceeded, between Python bytecodes and inside
the `re` module's matching loop alike. Signals reach the main thread only, where Luigi runs its tasks (in
the command's process with one worker, in each worker process otherwise); elsewhere the budget is not
enforced and `within` says so by returning False.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class TimeBudgetExceeded(BaseException):
    """The work ran past its time budget. Not an Exception: no `except Exception` inside the work can
    swallow it and carry on."""


@contextmanager
def within(seconds: float) -> Iterator[bool]:
    """Run the block with at most `seconds` of wall time, else raise TimeBudgetExceeded; yields whether
    the budget is enforced (only in the main thread)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield False
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeBudgetExceeded(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
