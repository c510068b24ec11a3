"""How a batch reports itself, as click, pip and pre-commit do: a progress bar redrawn in place on a
terminal's stderr, nothing at all when stderr is a pipe or a log (the summary line says it all there) or
the terminal is TERM=dumb (Emacs shells, some CI consoles: no cursor movement, so a redrawn line piles up)."""

from __future__ import annotations

import os
import sys
import time


class ProgressBar:
    """``[#####-----] 3/10 00:04 _notebooks/x.ipynb`` on one line of stderr, for batches on a terminal."""

    WIDTH = 20

    def __init__(self, total: int, stream=None, enabled: bool | None = None):
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = total > 1 and _is_terminal(self.stream) and os.environ.get("TERM") != "dumb"
        self.enabled = enabled
        self.started = time.monotonic()
        self.drawn = False

    def update(self, done: int, name: str) -> None:
        if not self.enabled:
            return
        filled = self.WIDTH * done // max(self.total, 1)
        seconds = int(time.monotonic() - self.started)
        line = f"[{'#' * filled}{'-' * (self.WIDTH - filled)}] {done}/{self.total} {seconds // 60:02d}:{seconds % 60:02d} {name}"
        import shutil  # (here: shutil costs 1.5 ms to import, and a quiet or unchanged run draws no bar)

        columns = shutil.get_terminal_size((80, 24)).columns
        if len(line) >= columns:
            line = line[: max(columns - 2, 10)] + "…"
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        """Erase the bar, so what is printed next starts on a clean line."""
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
