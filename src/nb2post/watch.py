"""The watch loop of ``nb2post preview``: the notebooks folder and the site's config files, watched with
watchdog (inotify on Linux, FSEvents on macOS, polling elsewhere), and each path's burst of events
handed on once, when it has been quiet for a moment.

Editors save in several steps (Jupyter writes a temporary file and renames it; others truncate, then
write, then touch), each one or more events: converting on the first would read half a notebook, and
converting on every one would convert three times. Only nb2post preview imports this module (watchdog
costs ~20 ms to import).
"""

from __future__ import annotations

import os
import queue
import time
from dataclasses import dataclass, field
from pathlib import Path

from .convert import DRAFT_DIRS

# Long enough to merge one save's events (they come within a few milliseconds), short enough to be
# unnoticed beside the conversion itself.
QUIET_SECONDS = 0.08


@dataclass
class Debouncer:
    """Paths that changed, each due once no event came for it for ``quiet`` seconds. Pure: the caller
    passes the time (time.monotonic())."""

    quiet: float = QUIET_SECONDS
    last_event: dict[str, float] = field(default_factory=dict)

    def add(self, path: str, now: float) -> None:
        self.last_event[path] = now

    def due(self, now: float) -> list[str]:
        """The paths quiet long enough, in the order they first changed; forgotten once returned."""
        ready = [path for path, when in self.last_event.items() if now - when >= self.quiet]
        for path in ready:
            del self.last_event[path]
        return ready

    def wait(self, now: float) -> float | None:
        """Seconds until the next path is due; None when none is waiting."""
        if not self.last_event:
            return None
        return max(0.0, min(self.last_event.values()) + self.quiet - now)


def is_notebook(path: str, folder: str) -> bool:
    """A notebook the preview converts: ``*.ipynb`` below ``folder``, not in a hidden folder or a
    checkpoint folder or a folder of drafts (never posts), not an editor's hidden temporary file."""
    if not path.endswith(".ipynb"):
        return False
    try:
        parts = Path(os.path.relpath(path, folder)).parts
    except ValueError:
        return False
    if not parts or parts[0] == "..":
        return False
    if DRAFT_DIRS.intersection(parts[:-1]):
        return False
    return not any(part.startswith(".") for part in parts)  # hidden folders: .ipynb_checkpoints, editors' own


class Watcher:
    """Watches ``folder`` (recursively) for notebooks and ``config_files`` for settings; ``next_changes()``
    returns what is due. Start it before the first conversion, so no save is missed meanwhile."""

    def __init__(self, folder: Path, config_files: list[Path], quiet: float = QUIET_SECONDS):
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        self.folder = os.path.abspath(folder)
        self.config_files = {os.path.abspath(path) for path in config_files}
        self.events: queue.Queue[str] = queue.Queue()
        self.debouncer = Debouncer(quiet)
        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event):
                if event.event_type in ("opened", "closed_no_write") or event.is_directory:
                    return
                for path in (event.src_path, getattr(event, "dest_path", "")):
                    if path:
                        watcher._seen(os.fsdecode(path))

        self.observer = Observer()
        self.observer.schedule(Handler(), self.folder, recursive=True)
        for parent in sorted({os.path.dirname(path) for path in self.config_files}):
            if os.path.realpath(parent) != os.path.realpath(self.folder):
                self.observer.schedule(Handler(), parent, recursive=False)

    def _seen(self, path: str) -> None:
        path = os.path.abspath(path)
        if path in self.config_files or is_notebook(path, self.folder):
            self.events.put(path)

    def start(self) -> None:
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        if self.observer.is_alive():
            self.observer.join(timeout=5)

    def next_changes(self, timeout: float | None = None) -> list[str]:
        """Wait (up to ``timeout`` seconds, or for ever) for paths that changed and then were quiet;
        returns them, [] on timeout. Ctrl-C interrupts the wait."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            now = time.monotonic()
            ready = self.debouncer.due(now)
            if ready:
                return ready
            if deadline is not None and now >= deadline:
                return []
            # (a wait without a timeout cannot be interrupted by Ctrl-C on every platform: at most 0.5 s)
            waits = (self.debouncer.wait(now), None if deadline is None else deadline - now, 0.5)
            try:
                path = self.events.get(timeout=min(w for w in waits if w is not None))
            except queue.Empty:
                continue
            self.debouncer.add(path, time.monotonic())
            while True:  # everything queued meanwhile counts as one moment's events
                try:
                    self.debouncer.add(self.events.get_nowait(), time.monotonic())
                except queue.Empty:
                    break

    def is_config(self, path: str) -> bool:
        return path in self.config_files
