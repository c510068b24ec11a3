"""``nb2post preview``: Jekyll's own server (``jekyll serve --livereload``) on the site, and each saved
notebook converted into its post as it is saved, so the open page reloads with the new post.

The server: ``bundle exec jekyll serve`` when the site has a Gemfile (its gems, as GitHub builds it),
else ``jekyll serve``; drafts and future-dated posts shown; in a session of its own, so nb2post stops it
(and everything it started) whatever stops the preview. Jekyll is told to ignore the notebooks folder
and nb2post's stat cache: a save then rebuilds the site once, when the post is written, not also for the
notebook itself (which would reload the page with the old post first).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from .diagnostics import EXIT_USAGE, Nb2postError

STOP_SECONDS = 5.0  # how long Jekyll gets to stop on SIGINT before it is killed


class PreviewError(Nb2postError):
    """The preview cannot start (nothing was done): one line with the fix."""

    exit_code = EXIT_USAGE


INSTALL_JEKYLL = (
    "Jekyll is not installed: install it with 'sudo apt-get install jekyll' (Debian, Ubuntu), "
    "'gem install jekyll', or 'bundle install' in a site with a Gemfile"
)
INSTALL_BUNDLER = (
    "the site has a Gemfile but Bundler is not installed: install it with 'sudo apt-get install "
    "ruby-bundler' (Debian, Ubuntu) or 'gem install bundler', then run 'bundle install'"
)


def server_command(site: Path, host: str, port: int, livereload_port: int, config_files: list[str]) -> list[str]:
    """The command that serves ``site``. PreviewError when the program it needs is not installed."""
    site = Path(site).resolve()  # (the server runs in the site's folder: a relative --site would not be found)
    if (site / "Gemfile").is_file():
        if shutil.which("bundle") is None:
            raise PreviewError(INSTALL_BUNDLER)
        start = ["bundle", "exec", "jekyll"]
    else:
        if shutil.which("jekyll") is None:
            raise PreviewError(INSTALL_JEKYLL)
        start = ["jekyll"]
    return [
        *start,
        "serve",
        "--livereload",
        "--drafts",
        "--future",
        "--host",
        host,
        "--port",
        str(port),
        "--livereload-port",
        str(livereload_port),
        "--source",
        str(site),
        "--destination",
        str(site / "_site"),
        "--config",
        ",".join(config_files),
    ]


def port_problem(host: str, port: int, what: str, option: str) -> str | None:
    """A line saying ``port`` on ``host`` cannot be listened on (in use, or not allowed), else None.
    Binds as Jekyll's server does (SO_REUSEADDR: a port in TIME_WAIT is free to it)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return f"--host {host}: not an address of this machine ({exc.strerror}); use 127.0.0.1"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
                return (
                    f"port {port} on {host} ({what}) is in use, maybe by another jekyll serve or nb2post "
                    f"preview; stop it or pass {option} with another port"
                )
            return (
                f"cannot listen on {host} port {port} ({what}): {exc.strerror or exc}; pass {option} with another port"
            )
    return None


def ignore_config(site: Path, site_config: dict, notebooks: Path, others: list[Path]) -> str:
    """An extra Jekyll config (YAML) whose ``exclude:`` adds the notebooks folder and ``others`` (nb2post's
    own files) to the site's: Jekyll's watcher ignores what is excluded. (Jekyll adds its default
    excludes itself.)"""
    import json

    exclude = [str(item) for item in (site_config.get("exclude") or []) if item is not None]
    root = Path(site).resolve()
    for path in (notebooks, *others):
        try:
            relative = Path(path).resolve().relative_to(root).as_posix()
        except ValueError:
            continue  # outside the site: Jekyll does not watch it
        if relative not in exclude:
            exclude.append(relative)
    return "exclude: " + json.dumps(exclude) + "\n"  # JSON is YAML


class Server:
    """``jekyll serve`` for the preview: started (again, after a config change) and stopped by nb2post,
    its output relayed to ``echo`` line by line."""

    def __init__(self, command: list[str], cwd: Path, echo):
        self.command, self.cwd, self.echo = command, cwd, echo
        self.process: subprocess.Popen | None = None
        self.ready = threading.Event()
        self.lines: list[str] = []

    def start(self) -> None:
        """Start it in a session of its own (a terminal's Ctrl-C reaches nb2post, which stops it); ``ready``
        is set once it says it serves."""
        self.ready = threading.Event()
        self.lines = []
        self.process = subprocess.Popen(
            [*_with_parent(), *self.command],
            cwd=self.cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            text=True,
            errors="replace",
            bufsize=1,
        )
        threading.Thread(
            target=self._relay, args=(self.process, self.ready, self.lines), name="nb2post-jekyll-output", daemon=True
        ).start()

    def _relay(self, process, ready, lines) -> None:
        for line in process.stdout:
            line = line.rstrip("\n")
            lines.append(line)
            del lines[:-50]
            if "Server running" in line:
                ready.set()
            self.echo(line)
        process.stdout.close()

    def wait_ready(self, seconds: float) -> bool:
        """True once it serves; False when it exited first or did not say so within ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.ready.wait(0.1):
                return True
            if not self.alive():
                return self.ready.wait(0.5)  # (its last lines may still be on their way)
        return False

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def last_line(self) -> str:
        """What it said last (why it stopped, mostly)."""
        return next((line.strip() for line in reversed(self.lines) if line.strip()), "no output")

    def stop(self) -> None:
        """SIGINT to its session (Jekyll's own Ctrl-C), SIGKILL after STOP_SECONDS; then reaped."""
        if self.process is None:
            return
        if self.process.poll() is None:
            _signal_group(self.process, signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                pass
        _signal_group(
            self.process, getattr(signal, "SIGKILL", signal.SIGTERM)
        )  # whatever it started that is still there
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:  # pragma: no cover - a process SIGKILL cannot stop
            pass


def _with_parent() -> list[str]:
    """A prefix that makes the server die with nb2post even when nb2post cannot stop it (SIGKILL): on
    Linux, util-linux's ``setpriv --pdeathsig`` (it then becomes the server, same process). The kernel
    signals when the thread that started it ends: the main thread, here, which ends only with nb2post."""
    setpriv = shutil.which("setpriv") if sys.platform.startswith("linux") else None
    return [setpriv, "--pdeathsig", "TERM", "--"] if setpriv else []


def _signal_group(process: subprocess.Popen, number: int) -> None:
    """Signal the server's session (Jekyll and anything it started); where there are no sessions
    (Windows), the process itself."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, number)
        elif process.poll() is None:
            process.terminate()
    except (ProcessLookupError, PermissionError):
        pass


def says_problem(line: str) -> bool:
    """Whether a line of Jekyll's output reports a problem (an error, a Liquid exception, a warning)."""
    lowered = line.lower()
    return any(word in lowered for word in ("error", "exception", "warning"))


def browse_host(host: str) -> str:
    """The host to put in URLs for a server listening on ``host``."""
    if host in ("0.0.0.0", "::", ""):
        return "localhost"
    return f"[{host}]" if ":" in host else host


def local_url(site: Path, post_path: Path, site_config: dict, host: str, port: int) -> str:
    """Where the preview serves the post: Jekyll's URL for it (permalink, baseurl) on this server."""
    from .jekyll.urls import page_url, read_post_file

    baseurl = str(site_config.get("baseurl") or "").rstrip("/")
    if baseurl and not baseurl.startswith("/"):
        baseurl = "/" + baseurl
    path = page_url(read_post_file(site, post_path, site_config), site_config)
    return f"http://{browse_host(host)}:{port}{baseurl}{path}"


class Session:
    """What the preview knows between saves: the site's settings (loaded once, again when a config file
    changes) and where it serves. Each method returns the lines to show, as (kind, text): kind "url" (the
    post's address, for stdout), or a level of nb2post.diagnostics ("error", "warning", or "note", shown
    with -v); or a Diagnostic."""

    def __init__(self, settings, host: str, port: int, cwd: Path):
        self.settings = settings
        self.host, self.port, self.cwd = host, port, cwd

    def saved(self, notebook: Path) -> list[tuple[str, str]]:
        """Convert the notebook just saved; its post's URL, or one error line (its last good post stays)."""
        from .paths import relative

        outcome = convert_notebook(notebook, self.settings)
        shown = relative(outcome.notebook, self.cwd)
        lines: list = [
            ("warning", message.replace(str(outcome.notebook), shown))  # (and Diagnostics: _show)
            for message in dict.fromkeys(outcome.warnings)
        ]
        if outcome.post is not None:  # worth knowing about the post, or the site (its theme, its remote: said once)
            from .diagnostics import NOTE, about_notebooks

            lines += about_notebooks(outcome.post.notes, outcome.notebook, NOTE)
        if outcome.status == "failed":
            return [("error", (outcome.error or f"{notebook}: not converted").replace(str(outcome.notebook), shown))]
        if outcome.status == "unchanged":
            return lines + [("note", f"{shown}: saved without changes; its post is current")]
        from .jekyll.urls import UrlError

        try:
            url = local_url(
                Path(self.settings.site), outcome.post_path, self.settings.site_config, self.host, self.port
            )
        except UrlError as exc:  # the post is written; only its address is unknown
            written = relative(outcome.post_path, self.cwd)
            return lines + [("warning", f"{written}: written, but its URL is unknown ({exc})")]
        return lines + [("url", url)]

    def deleted(self, notebook: Path) -> list[tuple[str, str]]:
        """A notebook gone (deleted, or renamed away): its post is left alone, and the user told so."""
        from .convert import notebook_key
        from .paths import relative
        from .site import Site

        previous = Site(self.settings).previous_post(notebook_key(notebook, self.settings.site, self.settings.facts))
        shown = relative(notebook, self.cwd)
        if previous is None:
            return []
        return [
            (
                "note",
                f"{shown} is gone; its post {relative(previous[0], self.cwd)} is left alone "
                "(delete the post to unpublish it)",
            )
        ]

    def reload_settings(self, target, config_files) -> list[tuple[str, str]]:
        """Read the settings again after a config file changed; a broken config keeps the settings in
        use, with one error line."""
        from .jekyll.config import ConfigError, load

        try:
            self.settings = load(Path(self.settings.site), target, config_files)
        except ConfigError as exc:
            return [("error", f"{exc}; the preview goes on with the settings it had")]
        return []


def convert_notebook(notebook: Path, settings):
    """Convert one notebook (in this process: a pool costs more than one notebook): its Outcome."""
    from .convert import convert

    outcomes, problems = convert([notebook], settings, jobs=1)
    if problems:
        from .convert import Outcome

        return Outcome(Path(notebook), "failed", error=problems[0])
    return outcomes[0]


def warm_up() -> None:
    """Import what converting a notebook needs, so the first save is as fast as the others (a current site's
    first batch converts nothing and imports none of it). Runs in a thread while Jekyll starts."""
    from . import site  # noqa: F401
    from .notebook import reader  # noqa: F401
    from .render import render  # noqa: F401


def install_stop_signals() -> None:
    """SIGTERM and SIGHUP stop the preview as Ctrl-C does (the server is stopped too)."""

    def stop(number, frame):
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
