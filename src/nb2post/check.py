"""Which posts are out of date: by content hash (notebook bytes + settings), never by mtime.

A notebook is *current* when a post's marker names it and records the hash nb2post would compute for it
now; *missing* when no post names it; *stale* when the recorded hash differs; *edited* when its post is
no longer what nb2post wrote (the marker's hash of the post itself differs); *not adopted* when no post
names it but convert would take a post nb2post did not write for its own (nb2post.render.adopt.owner_posts) and
refuse to write until the two are paired. A post whose notebook no longer exists is an *orphan*.

A stat cache (``nb2post.statcache``, kept in the git directory) spares reading notebooks and posts whose
stat has not changed (an edit changes a post's stat, so it is hashed again at once); it only ever saves
work, the answer is the hash's. The cache is the one file check writes.

This runs on every push, so it stays cheap: the target and folders come from the ``nb2post:`` section's
text (no YAML parser) when that section is plain ``key: value`` lines, nothing is rendered, and a post is
read only when its stat changed.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import gitrepo
from .convert import collector_paused, find_notebooks, key_function, mixed_hash, notebook_key, notebooks_dir
from .jekyll import config
from .paths import appeared_files, missing_files
from .site import keys_by_name, moved_post

MISSING, STALE, EDITED, MOVED, ORPHAN, BROKEN = "missing", "stale", "edited", "moved", "orphan", "broken"
NOT_ADOPTED = "not adopted"  # no post of its own, but a post nb2post did not write is (or looks like) it
_PLAIN_SCALAR = re.compile(r"^(?P<key>[A-Za-z_][\w-]*):[ \t]+(?P<value>[^#\s][^#]*?)[ \t]*(?:#.*)?$")


@dataclass(frozen=True)
class Layout:
    """What the check needs from the settings."""

    site: Path
    target: str
    posts_dir: str
    notebooks_dir: str
    config_files: tuple = ()  # `--config a.yml,b.yml`; empty: _config.yml
    config_texts: tuple | None = None  # the config files' text, as read for the layout (None: not read)


@dataclass(frozen=True)
class Finding:
    kind: str  # missing | stale | edited | moved | orphan | broken | not adopted
    notebook: Path  # for an orphan: where its notebook was
    post: Path | None = None
    edited: bool = False  # the stale post was changed by hand: converting needs --force
    moved_from: str | None = None  # moved: where the notebook was (its post follows it when converted)
    missing_files: tuple = ()  # stale: the images and videos it links that were deleted (site paths)
    appeared_files: tuple = ()  # stale: the local files it links that were missing and exist now (site-relative)
    problem: str = ""  # broken: "cannot be read: …" or "cannot be converted: …" (the fix included)
    images: tuple = ()  # orphan: the images and videos of its post that exist
    owners: tuple = ()  # not adopted: the posts nb2post did not write that convert takes for its post, (path, why)


@dataclass
class Report:
    layout: Layout
    checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    current_posts: list[Path] = field(default_factory=list)  # posts of the checked notebooks that are current
    current_images: list[Path] = field(default_factory=list)  # the images and videos those posts link
    skipped: list[str] = field(default_factory=list)  # things named like notebooks that are not files

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def to_convert(self) -> list[Path]:
        return [f.notebook for f in self.findings if f.kind not in (ORPHAN, BROKEN, NOT_ADOPTED)]

    @property
    def orphans(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == ORPHAN]


def _simple_section(text: str) -> dict[str, str] | None:
    """The top-level scalars of an ``nb2post:`` block written as plain ``key: value`` lines.

    None when the block is written any other way (flow style, anchors, quotes with '#'...): the caller
    then asks the real YAML parser.
    """
    if not text:
        return {}
    header, _, body = text.partition("\n")
    if header.split("#", 1)[0].strip() != "nb2post:":
        return None
    values: dict[str, str] = {}
    indent = None
    for line in body.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        width = len(line) - len(line.lstrip())
        if indent is None:
            indent = width
        if width != indent:
            continue  # nested under an earlier key (front_matter: ...)
        match = _PLAIN_SCALAR.match(stripped)
        if match is None:
            if stripped.endswith(":") or stripped.split("#", 1)[0].rstrip().endswith(":"):
                continue  # a key holding a nested block
            return None
        value = match.group("value")
        if value[0] in "'\"":
            if len(value) < 2 or value[-1] != value[0]:
                return None
            value = value[1:-1]
        elif value[0] in "{[&*!|>%@`":
            return None
        values[match.group("key")] = value
    return values


def layout(site: Path, target: str | None = None, config_files=None) -> Layout:
    """Target and folders for ``site``; raises ``config.ConfigError`` (or ValueError) when they are wrong."""
    from .jekyll.targets import get_target

    site = Path(site)
    config_files = tuple(str(p) for p in config.config_paths(site, config_files)) if config_files else ()
    # Several config files merge key by key: only the YAML reader knows the result.
    texts = None if config_files else config.config_texts(site)  # each file read once, here
    section = None if texts is None else _simple_section(config.raw_section(site, texts=texts))
    if section is None:
        settings = config.load(site, target, config_files)
        chosen, posts_dir, section = settings.target, settings.posts_dir, settings.raw
        texts = list(settings.facts.config_texts)
    else:
        chosen = target or section.get("target") or config.default_target(site, section, texts=texts)
        default = config.default_posts_dir(site, get_target(chosen).DEFAULTS["posts_dir"], texts)
        posts_dir = config._relative(section.get("posts_dir") or default, "posts_dir", site)
    return Layout(site, chosen, posts_dir, notebooks_dir(section, chosen, site), config_files, tuple(texts))


def posts_by_source(place: Layout) -> dict:
    from .site import Site

    return Site(config.Settings(site=place.site, target=place.target, posts_dir=place.posts_dir)).posts_by_source()


def check(
    place: Layout, notebooks: list[Path] | None = None, gone: Sequence[Path] = (), posts: dict | None = None
) -> Report:
    """Check ``notebooks`` (default: every notebook below the site's notebooks folder, and every post's
    notebook for orphans). ``gone``: notebooks known to be deleted (the hook's view of a push).
    ``posts``: ``posts_by_source(place)`` when the caller has read it already."""
    from . import statcache

    report = Report(place)
    with collector_paused():  # (a path or two per file and no cycle: see collector_paused)
        full_scan = notebooks is None
        if full_scan:
            folder = place.site / place.notebooks_dir
            notebooks = find_notebooks([folder], report.skipped)[0] if folder.is_dir() else []
        listed_now = posts is None  # then every post in it was a readable file a moment ago
        if posts is None:
            posts = posts_by_source(place)
        fingerprint = config.settings_fingerprint(
            place.site,
            place.target,
            place.config_files,
            None if place.config_texts is None else list(place.config_texts),
        )
        cache = statcache.for_site(place.site)  # check writes no file but this cache (see nb2post.statcache)
        key_of = key_function(place.site, resolved=full_scan)
        seen: set[str] = set()
        by_name = None  # built when a notebook has no post: keys_by_name(posts)
        listed: dict = {}  # the folders of the posts' images, each listed once (see paths.missing_files)
        for notebook in notebooks:
            key = key_of(notebook)
            seen.add(key)
            report.checked += 1
            known = posts.get(key)
            digest = mixed_hash(cache.content_digest(notebook), fingerprint)
            if known is None and by_name is None:
                by_name = keys_by_name(posts)
            moved = moved_post(key, posts, place.site, by_name) if known is None else None
            if moved is not None and moved[1].is_file():
                # `git mv`: the post follows its notebook when converted (as `convert` does), not an orphan.
                old_key, post, marker = moved
                seen.add(old_key)
                report.findings.append(Finding(MOVED, Path(notebook), post, marker.edited, moved_from=old_key))
            elif known is None or not (listed_now or known[0].is_file()):
                problem = _why_broken(notebook, cache, fingerprint, parse=True)
                report.findings.append(
                    Finding(BROKEN, Path(notebook), problem=problem) if problem else Finding(MISSING, Path(notebook))
                )
            elif known[1].source_hash != digest:
                # (a notebook with a post is not parsed here: only a failure convert remembered tells)
                problem = _why_broken(notebook, cache, fingerprint, parse=False)
                report.findings.append(
                    Finding(BROKEN, Path(notebook), known[0], problem=problem)
                    if problem
                    else Finding(STALE, Path(notebook), known[0], known[1].edited)
                )
            elif known[1].edited:
                report.findings.append(Finding(EDITED, Path(notebook), known[0], True))
            elif known[1].linked and (lost := missing_files(place.site, known[1].linked, listed)):
                report.findings.append(Finding(STALE, Path(notebook), known[0], missing_files=tuple(lost)))
            elif known[1].awaited and (appeared := appeared_files(place.site, known[1].awaited)):
                report.findings.append(Finding(STALE, Path(notebook), known[0], appeared_files=tuple(appeared)))
            else:
                report.current_posts.append(known[0])
                report.current_images += [
                    place.site / folder.lstrip("/") / name for folder, names in known[1].linked for name in names
                ]

    if any(finding.kind == MISSING for finding in report.findings):
        report.findings = _owned(place, report.findings)
    suspects = posts.keys() - seen if full_scan else {notebook_key(p, place.site) for p in gone} - seen
    report.findings += orphans(place.site, posts, suspects)
    cache.save()
    return report


def _owned(place: Layout, findings: list[Finding]) -> list[Finding]:
    """``findings`` with each notebook that has no post yet but whose post convert would find among the
    posts nb2post did not write (and refuse to write over or beside: nb2post.render.adopt.owner_posts) reported
    as not adopted. Only a notebook without a post comes here: the notebook is rendered (as convert would
    see it) only when the site has posts nb2post did not write."""
    from .convert import post_or_error
    from .render import adopt
    from .site import other_generator

    unmarked = adopt.unmarked_posts(place.site / place.posts_dir)
    if not unmarked:
        return findings
    settings = config.load(place.site, place.target, list(place.config_files) or None)
    made: list = []

    def look_alikes():
        if not made:
            made.append(adopt.LookAlikes.of(unmarked))
        return made[0]

    result = []
    for finding in findings:
        if finding.kind == MISSING:
            notebook = finding.notebook
            post, _, _ = post_or_error(
                (notebook, settings, notebook_key(notebook, place.site, settings.facts), "", None)
            )
            owners = (
                adopt.owner_posts(post, notebook, unmarked, look_alikes, other_generator) if post is not None else []
            )
            if owners:
                finding = Finding(
                    NOT_ADOPTED, notebook, owners[0][0] if len(owners) == 1 else None, owners=tuple(owners)
                )
        result.append(finding)
    return result


def orphans(site: Path, posts: dict, keys, facts=None) -> list[Finding]:
    """The posts (of ``posts_by_source``) among ``keys`` whose notebook is gone, with their images.
    ``facts``: the run's ``config.SiteFacts`` (its repository root), when it has them."""
    from .site import notebook_bases

    bases = notebook_bases(site, facts)
    found = []
    for key in sorted(keys):
        if key in posts and not any((base / key).exists() for base in bases):
            images = tuple(
                path
                for folder, names in posts[key][1].linked
                for name in names
                if (path := site / folder.lstrip("/") / name).is_file()
            )
            found.append(Finding(ORPHAN, bases[0] / key, posts[key][0], images=images))
    return found


def orphan_warnings(settings, notebooks: list[Path], cwd: Path) -> list[str]:
    """For a run over every notebook of the site (``notebooks``): one warning per post whose notebook is
    gone, with the command that removes it and its images, as ``check`` reports them."""
    from .paths import relative
    from .site import Site

    posts = Site(settings).posts_by_source()
    key_of = key_function(settings.site, resolved=True, facts=settings.facts)
    seen = {key_of(notebook) for notebook in notebooks}
    return [
        f"{relative(found.post, cwd)}: its notebook {relative(found.notebook, cwd)} is gone; remove the post"
        f"{' and its images' if found.images else ''}: {orphan_fix([found], cwd)} (or restore the notebook)"
        for found in orphans(settings.site, posts, posts.keys() - seen, settings.facts)
    ]


def _why_broken(notebook: Path, cache, fingerprint: str, parse: bool) -> str:
    """Why no post can be made of ``notebook`` ("" when one can, as far as is known): the failure convert
    remembered for these bytes and settings, else (``parse``) what reading it says."""
    for kind, words in (("read", "cannot be read"), ("render", "cannot be converted")):
        remembered = cache.remembered_failure(str(notebook), fingerprint, (kind,))
        if remembered is not None:
            return f"{words}: {remembered.removeprefix(f'{notebook}: ')}"
    if not parse:
        return ""
    from .notebook.reader import NotebookError, read

    try:
        read(notebook)
    except NotebookError as exc:
        return f"cannot be read: {exc.problem.removeprefix('cannot read: ')}"
    return ""


def orphan_fix(found: list[Finding], cwd: Path) -> str:
    """The command that removes orphan posts and their images: ``git rm`` what git tracks, ``rm`` the rest
    (``git rm`` of a file git never had fails)."""
    from .paths import relative

    files = [path for finding in found for path in (finding.post, *finding.images)]
    root = gitrepo.find_root(files[0])
    try:
        tracked = set(gitrepo.tracked(root, files)) if root is not None else set()
    except gitrepo.GitError:
        tracked = set()
    commands = []
    for program, chosen in (
        (["git", "rm", "-q"], [f for f in files if f in tracked]),
        (["rm"], [f for f in files if f not in tracked]),
    ):
        if chosen:
            commands.append(shlex.join([*program, "--", *(relative(f, cwd) for f in chosen)]))
    return " && ".join(commands)


def _not_adopted_line(finding: Finding, shown, program: tuple, target_arg: str | None, config_arg: str | None) -> str:
    """The line for a notebook whose post is one nb2post did not write: the command that pairs them."""
    options = [
        *(["--to", target_arg] if target_arg is not None else []),
        *(["--config", config_arg] if config_arg else []),
    ]
    notebook = shown(finding.notebook)
    if len(finding.owners) == 1:
        ((post, why),) = finding.owners
        pair = shlex.join([*program, "adopt", *options, shown(post), notebook])
        return (
            f"not adopted: {notebook} looks like {shown(post)} (not written by nb2post: it {why}); "
            f"pair them with: {pair}"
        )
    listed = "; ".join(f"{shown(post)} ({why})" for post, why in finding.owners)
    pair = shlex.join([*program, "adopt", *options, "POST", notebook])
    return (
        f"not adopted: {notebook} looks like {len(finding.owners)} posts not written by nb2post: {listed}; "
        f"pair it with one: {pair}"
    )


def describe(
    report: Report,
    cwd: Path,
    site_arg: str | None = None,
    target_arg: str | None = None,
    config_arg: str | None = None,
    program: tuple = ("nb2post",),
) -> list[str]:
    """The findings and the exact commands that fix them, with paths as the user typed them (from ``cwd``).
    ``program``: how the user runs nb2post (``python -m nb2post`` where it is on no PATH)."""
    from .paths import relative

    def shown(path: Path) -> str:
        return relative(path, cwd)

    lines = []
    for finding in report.findings:
        if finding.kind == MISSING:
            lines.append(f"missing: {shown(finding.notebook)} has no post yet")
        elif finding.kind == STALE and finding.missing_files:
            count, first = len(finding.missing_files), finding.missing_files[0].lstrip("/")
            others = f" and {count - 1} more" if count > 1 else ""
            lines.append(
                f"stale:   {shown(finding.post)} links {first}{others}, deleted since it was written "
                f"from {shown(finding.notebook)}"
            )
        elif finding.kind == STALE and finding.appeared_files:
            count, first = len(finding.appeared_files), finding.appeared_files[0]
            others = f" and {count - 1} more" if count > 1 else ""
            lines.append(
                f"stale:   {shown(finding.post)} links {first}{others}, missing when it was written from "
                f"{shown(finding.notebook)} and there now"
            )
        elif finding.kind == STALE:
            edited = " (the post was also edited by hand)" if finding.edited else ""
            lines.append(f"stale:   {shown(finding.post)} is out of date with {shown(finding.notebook)}{edited}")
        elif finding.kind == EDITED:
            lines.append(
                f"edited:  {shown(finding.post)} was edited by hand since nb2post wrote it from "
                f"{shown(finding.notebook)}"
            )
        elif finding.kind == MOVED:
            edited = " (the post was also edited by hand)" if finding.edited else ""
            lines.append(
                f"moved:   {shown(finding.notebook)} was {finding.moved_from}; its post "
                f"{shown(finding.post)} follows it when converted{edited}"
            )
        elif finding.kind == NOT_ADOPTED:
            lines.append(_not_adopted_line(finding, shown, program, target_arg, config_arg))
        elif finding.kind == BROKEN:
            lines.append(f"broken:  {shown(finding.notebook)} {finding.problem}")
        else:
            images = len(finding.images)
            with_images = f" (it links {images} image{'s' if images != 1 else ''})" if images else ""
            lines.append(f"orphan:  {shown(finding.post)}: its notebook {shown(finding.notebook)} is gone{with_images}")
    if report.to_convert:
        command = [*program, "convert"]
        if site_arg is not None:
            command += ["--site", site_arg]
        if target_arg is not None:
            command += ["--to", target_arg]
        if config_arg:
            command += ["--config", config_arg]
        if any(f.edited for f in report.findings):
            command.append("--force")
        command += [shown(p) for p in report.to_convert]
        count = len(report.to_convert)
        lines.append(f"{count} post{'s' if count != 1 else ''} to (re)write. Fix: {shlex.join(command)}")
        if any(f.edited for f in report.findings):
            lines.append("  --force replaces the hand edits: move them into the notebook first")
    if report.orphans:
        count = len(report.orphans)
        fix = orphan_fix(report.orphans, cwd)
        lines.append(
            f"{count} post{'s' if count != 1 else ''} without a notebook. Fix: {fix} "
            f"(or restore the notebook{'s' if count != 1 else ''})"
        )
    return lines
