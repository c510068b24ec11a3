"""Child processes that end with the nb2post process that started them."""
from __future__ import annotations

import signal
import sys
from typing import Callable


def parent_death_request(signum: int = signal.SIGTERM) -> Callable[[], None]:
    """A function that, called in a child, asks the kernel to send it ``signum`` when its parent dies
    (Linux ``PR_SET_PDEATHSIG``; elsewhere it does nothing). Made in the parent, so that a ``preexec_fn``
    between fork and exec only calls into libc (loading a library there can deadlock)."""
    if not sys.platform.startswith("linux"):
        return lambda: None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return lambda: None
    pr_set_pdeathsig = 1
    return lambda: prctl(pr_set_pdeathsig, int(signum), 0, 0, 0)


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """In the child itself (a worker): receive ``signum`` when the parent dies."""
    parent_death_request(signum)()
