"""``nb2post adopt POST NOTEBOOK``."""

from __future__ import annotations

from pathlib import Path

import click

from .common import config_option, epilog, fail, load_settings, locate_site, quiet_option, to_option, verbose_option


@click.command(
    "adopt",
    short_help="Make an existing post (by hand, nbconvert, jekyllnb) a notebook's post, keeping its URL.",
    epilog=epilog(
        [
            ("nb2post adopt _posts/2019-03-04-svd.md _notebooks/gcn-notebook.ipynb", ""),
            ("nb2post adopt -n _posts/2019-03-04-svd.md nb.ipynb", "show what would be kept and changed"),
        ],
        "1: the notebook failed or the post is another notebook's.",
    ),
)
@click.argument("post", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("notebook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@to_option
@config_option
@click.option("--force", is_flag=True, help="Rename the post even when that moves its published URL.")
@click.option(
    "--replace-owner-text",
    is_flag=True,
    help="Replace the post even when headings, paragraphs, formulas, code, images or links in it are not in what the notebook gives (--dry-run lists them).",
)
@click.option(
    "--notebook-title",
    is_flag=True,
    help="Take the notebook's title (its front matter or leading '# Title') instead of keeping the post's.",
)
@click.option(
    "--dry-run", "-n", is_flag=True, help="Show what would be kept and every URL that would change; write nothing."
)
@quiet_option("Errors and the summary line only.")
@verbose_option("Also list the notebook's outcome.")
def command(post, notebook, target, config_files, force, replace_owner_text, notebook_title, dry_run, quiet, verbose):
    """Make POST, a post nb2post did not write, the post of NOTEBOOK: the post is rewritten from the
    notebook at once (with nb2post's marker, so later converts keep the pairing), keeping its file name
    (so its date, slug and URL), its title, description, excerpt and card image, and every other front
    matter key its owner set that the notebook does not set itself. What was kept and what came from the
    notebook is listed. A post with text the notebook does not have (a section, a
    fixed typo, a formula) is not replaced without --replace-owner-text; --dry-run lists that text.
    """
    from ..post import read_marker_from_file
    from ..render.adopt import from_post
    from .convert import run_convert

    site = locate_site(None, [post])
    settings = load_settings(site, target, config_files)
    marker = read_marker_from_file(post)
    if marker is not None:
        from ..convert import notebook_key

        if marker.source != notebook_key(notebook, site, settings.facts):
            fail(
                f"{post}: is nb2post's post of {marker.source}, not a post to adopt; name a post nb2post did not write"
            )
    adoption = from_post(
        site, post, settings.site_config, notebook_title=notebook_title, jekyll=settings.facts.known_jekyll
    )
    _, code = run_convert(
        [notebook],
        site,
        target,
        force,
        dry_run,
        1,
        quiet,
        verbose,
        config_files,
        adoptions={notebook.resolve(): adoption},
        settings=settings,
        replace_owner_text=replace_owner_text,
        notebook_title=notebook_title,
    )
    raise SystemExit(code)
