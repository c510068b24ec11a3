"""Child processes that end with the nb2post process that started them."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable


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


def adopt_orphans() -> bool:
    """Make this process the one that orphaned descendants are given to (Linux ``PR_SET_CHILD_SUBREAPER``),
    so that it can reap them itself: a container's PID 1 may reap late or never, and an unreaped zombie
    still counts as a member of its process group. False where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        pr_set_child_subreaper = 36
        return ctypes.CDLL(None, use_errno=True).prctl(pr_set_child_subreaper, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False
