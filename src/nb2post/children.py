"""Child processes that end with the nb2post process that started them."""
from __future__ import annotations

import signal
import sys


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """Ask the kernel to send ``signum`` to this process when its parent dies (Linux ``PR_SET_PDEATHSIG``;
    elsewhere nothing). Call it in the child: a worker, or a ``preexec_fn``."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signum), 0, 0, 0)
    except (OSError, AttributeError):
        pass
