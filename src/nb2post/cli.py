"""The ``nb2post`` command. Thin: each subcommand lives in ``nb2post.commands.<name>`` and is imported
only when it runs, so ``nb2post check`` never pays for what ``nb2post convert`` needs.

Exit codes shared by every command: nb2post.commands.EXIT_STATUS, printed in each --help.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from . import __version__
from .commands import EXIT_INTERRUPTED, EXIT_STATUS
from .diagnostics import Nb2postError

COMMANDS = {
    "adopt": ("nb2post.commands.adopt", "Make an existing post a notebook's post, keeping its URL and front matter."),
    "brief": ("nb2post.commands.brief", "Write a post's share brief: URL, description, where to share it."),
    "convert": ("nb2post.commands.convert", "Convert notebooks into posts for a Jekyll or fastpages site."),
    "check": ("nb2post.commands.check", "Report notebooks whose post is missing or stale (fast; for hooks and CI)."),
    "hook": ("nb2post.commands.hook", "Install, remove or run the git pre-push hook."),
    "publish": (
        "nb2post.commands.publish",
        "Convert, commit exactly the generated files, and push them (never forced).",
    ),
    "new": (
        "nb2post.commands.new",
        "Start a post: a dated notebook with the site's front matter, in its notebooks folder.",
    ),
    "preview": (
        "nb2post.commands.preview",
        "Serve the site with Jekyll and convert each notebook as you save it (live reload).",
    ),
    "share": ("nb2post.commands.share", "Post a post to Mastodon and Bluesky once it is live, once, and record where."),
    "init": ("nb2post.commands.init", "Set up a site: the nb2post: settings, a GitHub workflow, optionally the hook."),
}
# The commands answered from the record of their last run with nothing to do (nb2post.replay); the
# others start without loading it.
REPLAYED = ("convert", "check")


class LazyGroup(click.Group):
    def main(self, args=None, *more, **options):
        """Run the command; ``convert`` and ``check`` run as their own process answer from the record of
        the same run when nothing it looked at changed, and keep such a record (see nb2post.replay)."""
        argv = sys.argv[1:]
        own_run = args is None and options.get("standalone_mode", True)  # not main(args) from a test
        if not (own_run and argv[:1] and argv[0] in REPLAYED) or os.environ.get("NB2POST_NO_CACHE"):
            return super().main(args, *more, **options)
        from . import replay

        try:
            replayed = replay.replay(argv)
        except Exception:  # a record that cannot be read is only a run in full
            replayed = None
        if replayed is not None:
            sys.exit(replayed)
        recorder = replay.Recorder(argv)
        recorder.start()
        code = "no exit status"  # a run that raised something else than SystemExit (a crash) is never recorded
        try:
            super().main(args, *more, **options)
        except SystemExit as exc:
            code = exc.code
            raise
        finally:
            recorder.finish(code)

    def invoke(self, ctx):
        """The one place an error becomes an exit status: an ``Nb2postError`` any command raises is its one
        ``error:`` line (credentials in URLs masked) and the status it carries. Ctrl-C ends any command with
        exit status 130, as a shell reports a command stopped by SIGINT (click's own handling prints
        "Aborted!" and exits 1). ``convert`` says what it wrote first."""
        try:
            return super().invoke(ctx)
        except Nb2postError as exc:
            from .gitrepo import redact

            click.echo(f"error: {redact(str(exc))}", err=True)
            raise click.exceptions.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            click.echo("\ninterrupted", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[name][0])
        return module.command

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name][1]) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


EPILOG = (
    """\b
Examples:
  nb2post new "Title"       # start a post: a dated notebook with the site's front matter
  nb2post preview           # serve the site; each notebook save converted, the page reloaded
  nb2post convert           # every notebook of the site you are in, into its _posts/
  nb2post check             # are the posts current? (for hooks and CI)
  nb2post publish           # convert, commit exactly those files, push
  nb2post COMMAND --help    # each command's options and examples

\b
Shell completion (bash; use zsh_source or fish_source for those shells):
  eval "$(_NB2POST_COMPLETE=bash_source nb2post)"

"""
    + EXIT_STATUS
)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.version_option(__version__, prog_name="nb2post")
def main():
    """Turn Jupyter notebooks into blog posts, publish them with git, and brief you on sharing them."""


if __name__ == "__main__":  # pragma: no cover
    main()
