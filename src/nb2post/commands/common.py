"""Options and reporting shared by the subcommands."""
from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def find_site(start: Path) -> Path:
    """The folder holding ``_config.yml``: ``start`` or one of its parents; else ``start`` itself."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "_config.yml").is_file():
            return folder
    return start


def site_option(function):
    return click.option(
        "--site",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The Jekyll site folder (holding _config.yml). Default: the current folder or the nearest parent with a _config.yml.",
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
        help="Post conventions to follow. Default: 'nb2post: target:' in _config.yml, else jekyll.",
    )(function)


def echo_err(message: str) -> None:
    click.echo(message, err=True)


def warn(message: str, quiet: bool = False) -> None:
    if not quiet:
        click.echo(f"warning: {message}", err=True)


def fail(message: str, code: int = EXIT_FAILED):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def relative(path: Path, base: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(base).resolve()).as_posix()
    except ValueError:
        return str(path)
