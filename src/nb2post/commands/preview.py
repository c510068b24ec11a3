"""``nb2post preview``."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import click

from .common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    config_option,
    echo_err,
    epilog,
    fail,
    load_settings,
    locate_site,
    quiet_option,
    relative,
    site_option,
    to_option,
    verbose_option,
)

DEFAULT_PORT, DEFAULT_LIVERELOAD_PORT = 4000, 35729  # Jekyll's own
START_SECONDS = 120  # a big site's first build, before Jekyll serves


@click.command(
    "preview",
    short_help="Serve the site with Jekyll and convert each notebook as you save it (live reload).",
    epilog=epilog(
        [
            ("nb2post preview", "in the site's folder; open the URL it prints"),
            ("nb2post preview --port 4001", "beside another server"),
            ("nb2post preview --host 0.0.0.0", "reachable from other machines on the network"),
        ],
        "130: stopped with Ctrl-C (or SIGTERM), its usual end; 1: Jekyll failed to start or stopped; 2: also "
        "Jekyll not installed or a port in use.",
    ),
)
@site_option
@to_option
@config_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address the server listens on.")
@click.option(
    "--port",
    "-P",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="The web server's port.",
)
@click.option(
    "--livereload-port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_LIVERELOAD_PORT,
    show_default=True,
    help="The port of Jekyll's LiveReload, which reloads the page in the browser.",
)
@quiet_option("Post URLs and errors only, not Jekyll's own output.")
@verbose_option("Also say each save that changed nothing, and the server's process.")
def command(site, target, config_files, host, port, livereload_port, quiet, verbose):
    """Preview the site while you write: convert the notebooks whose posts are stale, start Jekyll's
    own server ('jekyll serve --livereload --drafts --future', with 'bundle exec' when the site has a
    Gemfile), then watch the notebooks folder and convert each notebook when it is saved, printing the
    post's URL; the open page reloads by itself. A notebook that does not convert gives one error line
    and its last good post stays. A change to _config.yml converts what it affects and restarts Jekyll
    (which reads it only when it starts). Ctrl-C stops it all.
    """
    from ..convert import notebooks_dir
    from ..diagnostics import Reporter
    from ..jekyll.config import config_paths
    from ..preview import (
        PreviewError,
        Server,
        Session,
        browse_host,
        ignore_config,
        install_stop_signals,
        port_problem,
        says_problem,
        server_command,
        warm_up,
    )
    from ..statcache import cache_path
    from ..watch import Watcher
    from .convert import run_convert

    site = locate_site(site)
    cwd = Path.cwd()
    settings = load_settings(site, target, config_files)
    folder = site / notebooks_dir(settings.raw, settings.target, site)
    configs = config_paths(site, settings.config_files)
    if not folder.is_dir():
        fail(
            f"the site has no {relative(folder, cwd)}/ folder to watch (the 'nb2post: notebooks_dir:' setting); "
            "make it, or start a post with 'nb2post new \"Title\"'",
            EXIT_USAGE,
        )
    ports = ((port, "the web server", "--port"), (livereload_port, "LiveReload", "--livereload-port"))
    for number, what, option in ports:
        problem = port_problem(host, number, what, option)
        if problem:
            fail(problem, EXIT_USAGE)
    if port == livereload_port:
        fail(f"--port and --livereload-port are both {port}; give them different ports", EXIT_USAGE)
    scratch = Path(tempfile.mkdtemp(prefix="nb2post-preview-"))
    extra_config = scratch / "_config.nb2post-preview.yml"
    try:
        jekyll_configs = [str(path.resolve()) for path in configs] + [str(extra_config)]
        command_line = server_command(site, host, port, livereload_port, jekyll_configs)
    except PreviewError:  # reported by the CLI
        scratch.rmdir()
        raise

    def show_jekyll(line: str) -> None:
        if not quiet or says_problem(line):  # -q: Jekyll's errors still, not its progress
            click.echo(line, err=True)

    session = Session(settings, host, port, cwd)
    watcher = Watcher(folder, configs)
    server = Server(command_line, site, show_jekyll)
    baseurl = str(settings.site_config.get("baseurl") or "").strip("/")
    address = f"http://{browse_host(host)}:{port}/{baseurl + '/' if baseurl else ''}"

    def serve() -> None:
        """(Re)start Jekyll, its watcher told to ignore the notebooks and nb2post's own files; wait until it serves."""
        ignored = ignore_config(site, session.settings.site_config, folder, [cache_path(site)])
        extra_config.write_text(ignored, encoding="utf-8")
        server.start()
        report.note(f"{' '.join(command_line[:2])} runs as process {server.pid}")
        if not server.wait_ready(START_SECONDS):
            raise _StartFailed(
                f"jekyll serve did not start ({server.last_line()}); run '{' '.join(command_line)}' to see why"
            )
        echo_err(f"preview: {address}  (saves are converted as you make them; Ctrl-C stops)")

    install_stop_signals()
    report = Reporter(quiet, verbose, cwd, once=False)  # a save may say again what an earlier one said
    code = EXIT_INTERRUPTED
    try:
        watcher.start()  # before the first batch: a save meanwhile is converted after it
        run_convert(
            [folder], site, target, False, False, None, quiet, verbose, config_files, settings=settings, report=report
        )
        threading.Thread(target=warm_up, name="nb2post-warm-up", daemon=True).start()
        serve()
        while True:
            changes = watcher.next_changes(timeout=0.5)
            if not server.alive():
                report.error(f"jekyll serve stopped (exit status {server.process.returncode}): {server.last_line()}")
                code = EXIT_FAILED
                break
            if any(watcher.is_config(path) for path in changes):
                problems = session.reload_settings(target, config_files)
                _show(problems, report)
                moved = site / notebooks_dir(session.settings.raw, session.settings.target, site)
                if not problems and moved != folder:
                    problems = [
                        (
                            "warning",
                            f"the notebooks folder is now {relative(moved, cwd)}/: stop the preview "
                            f"and start it again to watch it (it still watches {relative(folder, cwd)}/)",
                        )
                    ]
                    _show(problems, report)
                if not problems:
                    run_convert(
                        [folder],
                        site,
                        target,
                        False,
                        False,
                        None,
                        quiet,
                        verbose,
                        config_files,
                        settings=session.settings,
                        report=report,
                    )
                    report.note(
                        f"{', '.join(relative(p, cwd) for p in configs)} changed: restarting Jekyll, "
                        "which reads it only when it starts"
                    )
                    server.stop()
                    serve()
            for path in changes:
                if not watcher.is_config(path):
                    notebook = Path(path)
                    _show(session.saved(notebook) if notebook.is_file() else session.deleted(notebook), report)
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    except _StartFailed as exc:
        report.error(str(exc))
        code = EXIT_FAILED
    finally:
        watcher.stop()
        server.stop()
        extra_config.unlink(missing_ok=True)
        scratch.rmdir()
    if code == EXIT_INTERRUPTED and not quiet:
        echo_err("preview stopped")
    raise SystemExit(code)


class _StartFailed(Exception):
    pass


def _show(lines, report) -> None:
    """Each post's URL on stdout; the rest through the preview's reporter (notes with -v, each said once)."""
    from ..diagnostics import Diagnostic

    for line in lines:
        if isinstance(line, Diagnostic):
            report.report(line)
        elif line[0] == "url":
            click.echo(line[1])
        else:
            report.report(Diagnostic(*line))
