"""What nb2post tells a person besides its results: one value for each thing said, one reporter that
prints them, and one error class that carries its exit status.

- ``Diagnostic``: a level (``error``: that notebook or post failed; ``warning``: done, but the user should
  act; ``note``: information, shown with -v), the message (one line, naming the file and the fix), the
  file it is about, the cell, and whether it is about the whole site rather than one notebook.
- ``Reporter``: prints each diagnostic once as ``level: message`` on stderr (``-q`` keeps only errors,
  notes need ``-v``), the file shown as typed from the current folder, and counts what it printed.
- ``Nb2postError``: the base of every error nb2post raises on purpose; the CLI turns one into its
  ``error:`` line and its exit status in one place (nb2post.cli), as git's ``die()`` does.

Exit statuses (the table every ``--help`` prints is EXIT_STATUS of the CLI layer) live here, so the modules
that raise need not import the CLI.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOT_PUSHED, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 3, 130, 143

ERROR, WARNING, NOTE = "error", "warning", "note"
LEVELS = (ERROR, WARNING, NOTE)


class Nb2postError(Exception):
    """An error nb2post means: its message is the one ``error:`` line (naming the file and the fix), and
    ``exit_code`` the exit status a command ends with when nothing catches it (a subclass sets its own,
    an instance may pass ``code``)."""

    exit_code = EXIT_FAILED

    def __init__(self, *args, code: int | None = None):
        super().__init__(*args)
        if code is not None:
            self.exit_code = code


class UsageError(Nb2postError):
    """A wrong name or setting: nothing was done."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class Diagnostic:
    level: str
    message: str
    path: Path | str | None = None  # the notebook, post or config file it is about, as the message names it
    cell: int | None = None
    site_wide: bool = False  # about the site (its settings, theme, repository), not one notebook

    def __post_init__(self):
        if self.level not in LEVELS:
            raise ValueError(f"a diagnostic's level is one of {', '.join(LEVELS)}, not {self.level!r}")

    def text(self, cwd: Path | None = None) -> str:
        """The message with its file as the user types it from ``cwd`` (as named otherwise)."""
        if self.path is None or cwd is None:
            return self.message
        from .paths import relative

        return self.message.replace(str(self.path), relative(Path(self.path), cwd))

    def line(self, cwd: Path | None = None) -> str:
        return f"{self.level}: {self.text(cwd)}"


def about_notebooks(messages: Iterable[str], notebook: Path, level: str = WARNING) -> list[Diagnostic]:
    """Diagnostics from a notebook's messages: one that names the notebook is about it; one that does not
    came with it from the site (its repository, its theme), the same for every notebook of the run."""
    return [
        Diagnostic(level, message, notebook) if str(notebook) in message else Diagnostic(level, message, site_wide=True)
        for message in messages
    ]


def site_wide(messages: Iterable[str], level: str = WARNING) -> list[Diagnostic]:
    return [Diagnostic(level, message, site_wide=True) for message in messages]


class Reporter:
    """Prints diagnostics: each once, ``-q`` only errors, notes only with ``-v``; counts what it printed.

    ``emit`` receives each diagnostic to show (default: its ``level: message`` line on stderr); the
    nbconvert exporter passes its log instead. ``once=False`` (a long-running preview, where the same
    line may be news again) says only the site-wide diagnostics once."""

    def __init__(
        self,
        quiet: bool = False,
        verbose: bool = False,
        cwd: Path | None = None,
        emit: Callable[[Diagnostic], None] | None = None,
        once: bool = True,
    ):
        self.quiet, self.verbose, self.once = quiet, verbose, once
        self.cwd = Path.cwd() if cwd is None else cwd
        self.emit = emit or self._print
        self.counts: Counter = Counter()
        self._said: set[tuple[str, str]] = set()

    def shows(self, level: str) -> bool:
        if level == ERROR:
            return True
        return not self.quiet and (level == WARNING or self.verbose)

    def report(self, diagnostic: Diagnostic, without_v: bool = False) -> bool:
        """Show ``diagnostic`` unless its level is hidden or it was said already; True when shown.
        ``without_v``: a note a user needs to see once even without -v (not with -q)."""
        key = (diagnostic.level, diagnostic.text(self.cwd))
        hidden = self.quiet if without_v and diagnostic.level == NOTE else not self.shows(diagnostic.level)
        if hidden or key in self._said:
            return False
        if self.once or diagnostic.site_wide:
            self._said.add(key)
        self.counts[diagnostic.level] += 1
        self.emit(diagnostic)
        return True

    def report_all(self, diagnostics: Iterable[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            self.report(diagnostic)

    def error(self, message: str, path=None, cell=None) -> bool:
        return self.report(Diagnostic(ERROR, message, path, cell))

    def warning(self, message: str, path=None, cell=None, site_wide: bool = False) -> bool:
        return self.report(Diagnostic(WARNING, message, path, cell, site_wide))

    def note(self, message: str, path=None, cell=None, site_wide: bool = False, without_v: bool = False) -> bool:
        return self.report(Diagnostic(NOTE, message, path, cell, site_wide), without_v)

    def _print(self, diagnostic: Diagnostic) -> None:
        import click  # the commands have it loaded already; the exporter never prints this way

        click.echo(diagnostic.line(self.cwd), err=True)
