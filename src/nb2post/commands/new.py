"""``nb2post new``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    config_option,
    epilog,
    fail,
    load_settings,
    locate_site,
    relative,
    site_option,
    to_option,
)


def _date(ctx, param, value):
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD, e.g. 2024-05-01") from None


@click.command(
    "new",
    short_help="Start a post: a dated notebook with the site's front matter, in its notebooks folder.",
    epilog=epilog(
        [
            ('nb2post new "My first post"', "_notebooks/<today>-my-first-post.ipynb"),
            ('nb2post new "Plots" --date 2024-05-01 -c python -c plots --toc', ""),
            ('jupyter lab "$(nb2post new "Draft")"', "open it at once"),
        ],
        "1: a notebook of that name exists already (it is never overwritten) or cannot be written.",
    ),
)
@click.argument("title")
@click.option(
    "--date",
    "when",
    default=None,
    metavar="YYYY-MM-DD",
    callback=_date,
    help="The post's date, in its file name. Default: today.",
)
@click.option(
    "--description",
    "-d",
    default="",
    help="The post's summary line. Default: empty (nb2post then takes the post's first paragraph).",
)
@click.option("--category", "-c", "categories", multiple=True, help="A category (repeat for more).")
@click.option("--toc/--no-toc", default=False, help="Ask for a table of contents. Default: none.")
@click.option("--kernel", default="python3", show_default=True, help="The Jupyter kernel the notebook runs with.")
@site_option
@to_option
@config_option
def command(title, when, description, categories, toc, kernel, site, target, config_files):
    """Write a new notebook for a post titled TITLE: <notebooks folder>/YYYY-MM-DD-<slug>.ipynb, with
    the front matter in the site's style (fastpages' title cell on a fastpages blog, a YAML raw cell
    elsewhere) and a kernel. Prints its path. An existing notebook is never overwritten."""
    from ..convert import notebooks_dir
    from ..diagnostics import Reporter
    from ..notebook.new import Draft, NewError, file_name, kernelspec, notebook_text, write_new

    if not title.strip():
        fail('the title is empty; give the post\'s title, e.g. nb2post new "My first post"', EXIT_USAGE)
    site = locate_site(site)
    settings = load_settings(site, target, config_files)
    folder = site / notebooks_dir(settings.raw, settings.target, site)
    draft = Draft(title.strip(), when, description.strip(), [c.strip() for c in categories if c.strip()], toc)
    spec, problem = kernelspec(kernel)
    fastpages = settings.target == "fastpages" or getattr(settings.theme, "name", "") == "fastpages"
    path = folder / file_name(draft)
    try:
        write_new(path, notebook_text(draft, fastpages, spec))
    except NewError as exc:
        fail(str(exc).replace(str(path), relative(path, Path.cwd()), 1), EXIT_FAILED)
    if problem:
        Reporter().warning(problem)
    click.echo(relative(path, Path.cwd()))
    raise SystemExit(EXIT_OK)
