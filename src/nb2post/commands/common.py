"""Options and reporting shared by the subcommands."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click

from ..diagnostics import Nb2postError
from ..paths import find_site, relative  # noqa: F401  (re-exported for the subcommands)
from . import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_NOT_PUSHED, EXIT_OK, EXIT_STATUS, EXIT_USAGE  # noqa: F401  (re-exported)


def locate_site(site: Path | None, paths=()) -> Path:
    """The site to work on: ``--site`` when given, else the nearest folder with a ``_config.yml`` above
    the named notebooks (or the current folder when none is named), as git finds its repository.
    Exits 2 with one line when there is none, or when the notebooks belong to different sites."""
    if site is not None:
        if not Path(site).is_dir():
            fail(f"--site {site}: no such folder; pass --site the folder holding _config.yml", EXIT_USAGE)
        return Path(site)
    starts = [Path(p) for p in paths] or [Path.cwd()]
    found: dict = {}
    for start in starts:
        if not start.exists():
            continue  # named but missing: the command reports it with the other bad paths
        found.setdefault(find_site(start), start)
    if not found:
        found[find_site(Path.cwd())] = Path.cwd()
    if None in found:
        where = found[None]
        place = "the current folder" if where == Path.cwd() else (where if where.is_dir() else where.parent)
        fail(
            f"no _config.yml in {place} or any folder above it: run nb2post inside a Jekyll site, "
            "or pass --site FOLDER",
            EXIT_USAGE,
        )
    if len(found) > 1:
        named = ", ".join(f"{start} (site {folder})" for folder, start in found.items())
        fail(
            f"the notebooks belong to different sites: {named}; convert each site on its own or pass --site", EXIT_USAGE
        )
    return next(iter(found))


def site_option(function):
    return click.option(
        "--site",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The Jekyll site folder (holding _config.yml). Default: the nearest folder with a _config.yml above the notebooks named, or above the current folder.",
    )(function)


def config_option(function):
    return click.option(
        "--config",
        "config_files",
        default=None,
        metavar="FILES",
        help="Jekyll config files, comma-separated, later ones overriding earlier ones, as with "
        "'jekyll build --config _config.yml,_config_dev.yml'. Default: _config.yml.",
    )(function)


def to_option(function):
    return click.option(
        "--to",
        "target",
        type=click.Choice(["jekyll", "fastpages"]),
        default=None,
        help="Post conventions to follow. Default: 'nb2post: target:' in _config.yml, else fastpages on a "
        "fastpages blog, else jekyll.",
    )(function)


def quiet_option(help_text: str = "Print errors and the summary only."):
    return click.option("--quiet", "-q", is_flag=True, help=help_text)


def verbose_option(help_text: str):
    return click.option("--verbose", "-v", is_flag=True, help=help_text)


def epilog(examples: list[tuple[str, str]], details: str = "") -> str:
    """An epilog: examples kept as written (click's ``\\b`` marks a paragraph it must not rewrap), the
    shared exit status table, then what its codes mean for this command (``details``, optional)."""
    width = max(len(command) for command, _ in examples)
    lines = [f"  {command.ljust(width)}  # {what}" if what else f"  {command}" for command, what in examples]
    return "\b\nExamples:\n" + "\n".join(lines) + "\n\n" + EXIT_STATUS + ("\n\n" + details if details else "")


def echo_err(message: str) -> None:
    click.echo(message, err=True)


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    """Stop the command: the CLI prints ``error: message`` and exits with ``code`` (nb2post.cli)."""
    raise Nb2postError(message, code=code)


@contextmanager
def settings_errors():
    """A ValueError while the settings are read (a value a setting cannot take, found below them: a
    date format, a URL) is a settings error: ConfigError, exit status 2, reported by the CLI."""
    from ..jekyll.config import ConfigError

    try:
        yield
    except ConfigError:
        raise
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def load_settings(site: Path, target=None, config_files=None):
    """The site's settings (nb2post.jekyll.config.load); what is wrong with them, a settings error."""
    from ..jekyll.config import load

    with settings_errors():
        return load(site, target, config_files)


def require_notebooks_folder(folder: Path, cwd: Path) -> None:
    """With no notebooks named, convert and check read the site's notebooks folder: it must exist."""
    if not folder.is_dir():
        fail(
            f"no notebooks named and the site has no {relative(folder, cwd)}/ folder (the 'nb2post: "
            "notebooks_dir:' setting); name notebooks or folders",
            EXIT_USAGE,
        )


def require_named_paths(paths) -> None:
    """Every path named must be a notebook or a folder: a wrong name is a usage error and nothing is done
    (as git add refuses a pathspec that matches nothing), all of them said on one line."""
    from ..convert import named_path_problem

    named = [problem for problem in map(named_path_problem, map(Path, paths)) if problem]
    if named:
        fail("; ".join(named), EXIT_USAGE)
