"""``nb2post convert``."""

from __future__ import annotations

from pathlib import Path

import click

from ..diagnostics import NOTE
from .common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    config_option,
    echo_err,
    epilog,
    load_settings,
    locate_site,
    quiet_option,
    relative,
    require_named_paths,
    require_notebooks_folder,
    site_option,
    to_option,
    verbose_option,
)


def run_convert(
    paths,
    site,
    target,
    force,
    dry_run,
    jobs,
    quiet,
    verbose,
    config_files=None,
    adopt=False,
    adoptions=None,
    settings=None,
    shard=None,
    replace_owner_text=False,
    notebook_title=False,
    new_posts=None,
    keep_edited=False,
    all_files=False,
    report=None,
):
    """Convert and report; returns (outcomes, exit code). Shared with ``publish`` and ``adopt``, which pass
    the ``settings`` they loaded already (the same site, target and config files). ``shard``: (K, N)
    converts only shard K of N (see nb2post.convert.in_shard); ``keep_edited``: see nb2post.convert.convert;
    ``all_files``: list every file written and every tracked file removed, not only the posts;
    ``report``: the caller's nb2post.diagnostics.Reporter (preview's, which outlives one batch).

    stdout carries the results (each post written, one path per line, so the output can be piped);
    stderr the diagnostics: a progress bar on a terminal, warnings grouped by notebook, errors, and one
    summary line. ``-q`` leaves errors (and the summary when there are some); ``-v`` also lists every
    notebook's outcome."""
    from ..convert import Interrupted, convert, notebooks_dir, site_warnings
    from ..diagnostics import Reporter, about_notebooks
    from .progress import ProgressBar

    site = locate_site(site, paths)
    cwd = Path.cwd()
    if settings is None:
        settings = load_settings(site, target, config_files)
    folder = site / notebooks_dir(settings.raw, settings.target, site)
    whole_site = not paths  # then posts whose notebook is gone are reported too, as check does
    if not paths:
        require_notebooks_folder(folder, cwd)
        paths = [folder]
    require_named_paths(paths)
    from ..jekyll.urls import post_warnings_for

    jekyll, about_site = site_warnings(settings)  # once per batch: they are about the site, not one notebook
    report = report or Reporter(quiet, verbose, cwd)

    bar = None

    def progress(outcome, done, total):
        nonlocal bar
        if quiet:
            return
        if bar is None:
            bar = ProgressBar(total)
        bar.update(done, relative(outcome.notebook, cwd))

    skipped: list[str] = []  # FIFOs and the like named *.ipynb: never opened
    interrupted = False
    try:
        outcomes, problems = convert(
            paths,
            settings,
            force=force,
            dry_run=dry_run,
            jobs=jobs,
            progress=progress,
            skipped=skipped,
            adopt=adopt,
            adoptions=adoptions,
            shard=shard,
            replace_owner_text=replace_owner_text,
            notebook_title=notebook_title,
            new_posts=new_posts,
            keep_edited=keep_edited,
        )
    except Interrupted as stopped:  # reported as usual, as far as it got; then exit 130
        outcomes, problems, interrupted = stopped.outcomes, stopped.problems, True
    if bar is not None:
        bar.clear()
    about_site += skipped
    if whole_site and shard is None and not interrupted:
        from ..check import orphan_warnings

        about_site += orphan_warnings(settings, [outcome.notebook for outcome in outcomes], cwd)
    for outcome in outcomes:
        if outcome.post is not None and outcome.post_path is not None:
            outcome.warnings.extend(
                post_warnings_for(site, outcome.post_path, outcome.post.front_matter, settings.site_config, jekyll)
            )

    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    for outcome in outcomes:
        for note in outcome.notes:  # adoptions and URL changes: results in a dry run, diagnostics otherwise
            click.echo(note, err=not dry_run)
        if outcome.status == "written" and all_files:
            for path in [*outcome.written, *tracked_removals(outcome.removed)]:
                click.echo(relative(path, cwd))
        elif outcome.status == "written":
            click.echo(relative(outcome.post_path, cwd))
        elif outcome.status == "would write":
            for path in outcome.written:
                click.echo(f"would write {relative(path, site)}")
            for path in outcome.removed:
                click.echo(f"would remove {relative(path, site)}")
    waiting = [relative(outcome.notebook, cwd) for outcome in outcomes if outcome.status == "new"]
    if waiting:  # --adopt converts what it pairs; a new post is published only when asked
        shown = ", ".join(waiting[:5]) + (f", … ({len(waiting) - 5} more)" if len(waiting) > 5 else "")
        click.echo(
            f"{len(waiting)} notebook{'s have' if len(waiting) != 1 else ' has'} no post yet: {shown}; "
            f"run again with --new-posts to publish {'them' if len(waiting) != 1 else 'it'} too",
            err=not dry_run,
        )
    math = getattr(settings.theme, "math", None)
    math_note = ""
    if math is not None and math.note:  # the site's renderer, found once per run: named by its file
        math_note = f"{relative(Path(math.where) if math.where else _config_file(settings), cwd)}: {math.note}"
        report.note(math_note, site_wide=True)
    for note in _changed_choice(settings, outcomes, math_note, remember=not dry_run) if not quiet else []:
        report.note(note, site_wide=True, without_v=True)  # the theme chosen, when it changed: said once
    if verbose and not quiet:
        for outcome in outcomes:
            if outcome.status != "failed":
                where = relative(outcome.post_path, cwd) if outcome.post_path else "-"
                echo_err(f"{outcome.status}: {where}  (from {relative(outcome.notebook, cwd)})")
    for outcome in outcomes:  # the site's notes (its theme, its remote) come with every post: said once
        report.report_all(
            about_notebooks(outcome.post.notes if outcome.post is not None else [], outcome.notebook, NOTE)
        )
    report.report_all(grouped_warnings(about_site, outcomes))
    for problem in problems:
        report.error(problem)
    for outcome in outcomes:  # a folder linked out of the site fails every post alike: said once
        if outcome.error:
            report.error(outcome.error, outcome.notebook)
    if not outcomes and not problems and not interrupted:
        where = ", ".join(relative(p, cwd) for p in paths)
        report.warning(
            f"no notebooks found in {where}"
            if shard is None
            else f"none of the notebooks in {where} is in shard {shard[0]}/{shard[1]}"
        )
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing converted"
    if interrupted:
        echo_err(f"interrupted: {summary}; run the same command again to convert the rest")
        raise SystemExit(EXIT_INTERRUPTED)
    failed = counts.get("failed", 0) or problems
    if failed or not quiet:  # -q: quiet when all is well (clig.dev), the count beside the errors otherwise
        echo_err(summary)
    return outcomes, (EXIT_FAILED if failed else EXIT_OK)


def tracked_removals(removed: list) -> list:
    """The removed files git tracks: listed, ``git add`` stages their removal (a removed file git never
    had would make it fail: "pathspec did not match")."""
    from .. import gitrepo

    root = gitrepo.find_root(removed[0].parent) if removed else None
    try:
        return gitrepo.tracked(root, removed) if root is not None else []
    except gitrepo.GitError:  # no git to ask: the files written are listed all the same
        return []


def _config_file(settings) -> Path:
    return Path(settings.config_files[0]) if settings.config_files else settings.site / "_config.yml"


def _changed_choice(settings, outcomes, math_note: str, remember: bool) -> list[str]:
    """The theme's note (and the math renderer's), said without -v once: when posts of this run were written
    for a theme choice other than the one the last run said (remembered in the site's stat cache)."""
    noted = [outcome.post.notes for outcome in outcomes if outcome.post is not None and outcome.post.notes]
    if settings.theme is None or not noted:
        return []  # (before render is imported: a run answered from the stat cache loads no notebook reader)
    from ..render.render import theme_note

    said = theme_note(settings)
    if not any(said in notes for notes in noted):
        return []  # no post of this run has math or a table of contents: the choice made no difference
    from ..statcache import for_settings

    math = settings.theme.math
    cache, choice = for_settings(settings), f"{settings.theme.describe()}\n{math.note if math is not None else ''}"
    if not cache.choice_changed(choice):
        return []
    if remember:
        cache.remember_choice(choice)
        cache.save()
    return [said] + ([math_note] if math_note else [])


def grouped_warnings(about_site, outcomes) -> list:
    """The warnings about the site first, each once (one about the site's repository comes with every
    notebook), then each notebook's warnings together."""
    from ..diagnostics import about_notebooks, site_wide

    by_notebook = [
        diagnostic for outcome in outcomes for diagnostic in about_notebooks(outcome.warnings, outcome.notebook)
    ]
    return site_wide(about_site) + sorted(by_notebook, key=lambda diagnostic: not diagnostic.site_wide)


def _shard(value):
    from ..convert import parse_shard

    try:
        return None if value is None else parse_shard(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[1]) from None


@click.command(
    "convert",
    short_help="Convert notebooks into posts for a Jekyll or fastpages site.",
    epilog=epilog(
        [
            ("nb2post convert", "every notebook of the site you are in"),
            ("nb2post convert docs/_notebooks/x.ipynb", "one notebook; the site is found above it"),
            ("nb2post convert -n", "list what would be written, adopted, and URLs that would change"),
            ("nb2post convert --adopt", "take over the posts you made that match notebooks, keeping URLs"),
            ("nb2post convert | xargs git add", "the posts written, one path per line"),
        ],
        "1 also when a post edited by hand was kept (--force replaces it); 2 also when a "
        "notebook named does not exist.",
    ),
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@site_option
@to_option
@config_option
@click.option(
    "--force",
    is_flag=True,
    help="Rewrite nb2post's posts even when unchanged or edited by hand. A post "
    "nb2post did not write is replaced only by adoption (--adopt, nb2post adopt), never by --force.",
)
@click.option(
    "--dry-run",
    "-n",
    is_flag=True,
    help="List what would be written, adopted, and every URL that would change; write nothing (but nb2post's stat cache).",
)
@click.option(
    "--adopt",
    is_flag=True,
    help="Take over the posts nb2post did not write that match a notebook (same date and name, or naming the notebook), keeping their URL and front matter.",
)
@click.option(
    "--replace-owner-text",
    is_flag=True,
    help="With --adopt: replace a post even when headings, paragraphs, formulas, code, images or links in it are not in what its notebook gives (--dry-run lists them); without it such a post is kept and reported.",
)
@click.option(
    "--new-posts",
    is_flag=True,
    help="With --adopt: also write the posts of notebooks that have none yet (without it --adopt converts only the notebooks it pairs with a post, and lists the others).",
)
@click.option(
    "--notebook-title",
    is_flag=True,
    help="With --adopt: a post adopted takes the notebook's title (its front matter or leading '# Title'); without it the post keeps its own, and --dry-run shows the notebook's.",
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@quiet_option("No progress bar, no warnings and no summary line unless something failed: the posts and errors only.")
@verbose_option("Also list every notebook's outcome, those already up to date included.")
@click.option(
    "--shard",
    default=None,
    metavar="K/N",
    callback=lambda ctx, param, value: _shard(value),
    help="Convert only shard K of N (a stable hash of each notebook's path), for a CI job matrix; "
    "see templates/workflow_sharded.yml.",
)
@click.option(
    "--all-files",
    is_flag=True,
    help="List every file written or removed (each post and its images), not "
    "only the posts, for 'git add --pathspec-from-file=-'.",
)
def command(
    paths,
    site,
    target,
    config_files,
    force,
    dry_run,
    adopt,
    replace_owner_text,
    new_posts,
    notebook_title,
    jobs,
    quiet,
    verbose,
    shard,
    all_files,
):
    """Convert notebooks (files or folders, searched recursively) into posts in the site's _posts folder.

    The site is the nearest folder with a _config.yml above the notebooks (or above the current folder
    when none is named); without PATHS every notebook below its notebooks folder (the 'nb2post:
    notebooks_dir:' setting, default _notebooks) is converted, except those below folders of drafts
    (_drafts, draft, drafts), which are never posts, even when named. Unchanged notebooks are skipped by content hash. A post edited by hand
    after nb2post wrote it (anywhere, also below its marker line) is never overwritten without --force;
    a post nb2post did not write, only when adopted.

    The posts written are printed on stdout, one path per line (with --all-files also their images, and
    the files removed that git tracks: 'nb2post convert --all-files | git add --pathspec-from-file=-'
    stages all of it); progress, warnings and errors go to stderr.
    """
    _, code = run_convert(
        paths,
        site,
        target,
        force,
        dry_run,
        jobs,
        quiet,
        verbose,
        config_files,
        adopt,
        shard=shard,
        replace_owner_text=replace_owner_text,
        notebook_title=notebook_title,
        new_posts=True if new_posts else None,
        all_files=all_files,
    )
    raise SystemExit(code)
