"""``nb2post init``: the settings section, the GitHub workflow and (optionally) the hook, for a new site.

Every step leaves what is already there alone, so running it again changes nothing. The settings are
added to ``_config.yml`` as a text edit checked by reading the file as Jekyll does: the user's comments,
key order, quoting, indentation and duplicate keys stay as they were.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .jekyll.config import CONFIG_NAME, ConfigError

WORKFLOW_PATH = ".github/workflows/nb2post.yml"
# Where nb2post lives, and so its action (action.yml at the repository's root): the one setting that
# `init`, the README, the pre-commit docs and the package's URLs all use (tests/test_init.py checks
# that they agree). A fork or mirror is chosen per site with `nb2post init --action OWNER/REPO@REF`.
ACTION_REPOSITORY = "nb2post/nb2post"
PROJECT_URL = f"https://github.com/{ACTION_REPOSITORY}"
DEPLOY_CHOICES = ("pages",)
_ACTION_REFERENCE = re.compile(
    r"(?:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_./-]+)?@[A-Za-z0-9_./-]+|\./[^\s]*)\Z"
)
# fastpages' own CI converts _notebooks with this action; blogs made from its template still run it.
_FASTPAGES_ACTION = re.compile(r"^\s*-?\s*uses:\s*['\"]?fastai/fastpages@", re.M)


def default_action() -> str:
    """The action of this nb2post's release: the tag matches the version that writes the workflow."""
    return f"{ACTION_REPOSITORY}@v{__version__}"


def check_action_reference(action: str) -> str | None:
    """What is wrong with a ``uses:`` value given to ``--action`` (None when it is usable)."""
    if _ACTION_REFERENCE.match(action):
        return None
    return (
        f"--action {action!r}: expected OWNER/REPO@REF (e.g. {default_action()}, or a full commit sha "
        f"after the @) or a local path starting with ./"
    )


@dataclass
class InitResult:
    changed: list[Path] = field(default_factory=list)
    kept: list[tuple[Path, str]] = field(default_factory=list)  # what was already there, and why it was left alone
    warnings: list[str] = field(default_factory=list)


def _yaml_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sharded_workflow_text(site_from_root: str, branch: str) -> str:
    """templates/workflow_sharded.yml for this site (a file pipx users do not have): its folder, its branch,
    and this nb2post's version to install. The template is a file people also copy by hand, so it has no
    placeholders (its shell ``$SITE`` would be one): its three lines are replaced."""
    from .templates_text import template_text

    text = template_text("workflow_sharded.yml")
    for line, filled in (
        (
            "  SITE: .      # the Jekyll site folder (holding _config.yml)\n",
            f"  SITE: {_yaml_string(site_from_root)}  # the Jekyll site folder (holding _config.yml)\n",
        ),
        ("    branches: [main]\n", f"    branches: [{_yaml_string(branch)}]\n"),
        (
            "        run: python -m pip install nb2post\n",
            f"        run: python -m pip install 'nb2post=={__version__}'\n",
        ),
        (
            "# together. Copy this file to .github/workflows/ and adjust SITE and how nb2post is installed.\n",
            "# together. Written by `nb2post init --sharded`.\n",
        ),
    ):
        if line not in text:
            raise AssertionError(f"templates/workflow_sharded.yml no longer has the line {line.strip()!r}")
        text = text.replace(line, filled, 1)
    return text


def workflow_text(
    action: str, site_from_root: str, notebooks: str, target: str, deploy: str | None = None, branch: str = "main"
) -> str:
    """The workflow: conversion alone, or (``deploy="pages"``) conversion, Jekyll build and Pages deploy,
    or (``deploy="sharded"``) templates/workflow_sharded.yml, a job matrix for a very large site."""
    from .templates_text import fill

    if deploy == "sharded":
        return sharded_workflow_text(site_from_root, branch)

    values = dict(
        action=action, site=_yaml_string(site_from_root), notebooks=_yaml_string(notebooks), target=_yaml_string(target)
    )
    if deploy == "pages":
        return fill("workflow_pages.yml", branch=_yaml_string(branch), **values)
    return fill("workflow.yml", **values)


def fastpages_converters(root: Path) -> list[Path]:
    """The repository's workflows that still run fastpages' converter (``uses: fastai/fastpages@...``)."""
    folder = Path(root) / ".github" / "workflows"
    found = []
    for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]) if folder.is_dir() else []:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if _FASTPAGES_ACTION.search(text):
            found.append(path)
    return found


def fastpages_warning(workflow: Path, root: Path, deploy: str | None) -> str:
    where = workflow.relative_to(root).as_posix()
    then = (
        f"; it also builds and deploys the site (to the gh-pages branch), which the nb2post workflow now "
        f"does: delete {where} altogether and set Settings > Pages > Source to 'GitHub Actions'"
        if deploy == "pages"
        else f" (its build then publishes the posts nb2post commits; or run `nb2post init --deploy pages` "
        f"and delete {where})"
    )
    return (
        f"{where} runs fastai/fastpages, which converts the notebooks too: two converters would now write "
        f"the same posts. Retire fastpages' one: delete its step 'uses: fastai/fastpages@master' "
        f'("convert notebooks and word docs to posts"; nb2post does not convert _word/*.docx){then}'
    )


def _round_trip():
    from ruamel.yaml import YAML

    yaml = YAML()  # round trip: comments, key order and (with this) quoting survive
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the user's long lines
    return yaml


def _dump(yaml, data) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def add_settings(site: Path, target: str | None) -> bool:
    """Add an ``nb2post:`` section (or set its target when one is asked for). True when the file changed.

    The file is edited as text — a new section is appended, a target line is set inside the section —
    so everything else stays byte for byte as the user wrote it, duplicate keys included (every fastpages
    blog has two ``exclude:``, which a YAML round trip would not keep). The result is read again the way
    Jekyll reads it to prove that only the ``nb2post:`` settings changed.
    """
    from .jekyll.config import read_yaml, section_match

    path = site / CONFIG_NAME
    raw = path.read_bytes() if path.is_file() else b""
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig") if raw else ""
    crlf = "\r\n" in text  # edited with \n line ends, written back with the file's own
    text = text.replace("\r\n", "\n")
    data = read_yaml(text, str(path)) if text.strip() else None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected 'key: value' settings at the top level")
    section = data.get("nb2post")
    if section is None:
        wanted = {"target": target or _default_target(site, data)}
        separator = "" if not text.strip() else ("\n" if text.endswith("\n") else "\n\n")
        if "nb2post" in data:  # an empty `nb2post:` key: fill it in place
            match = section_match(text)
            new_text = (
                None
                if match is None
                else (text[: match.start()] + _section_text(wanted).split("\n", 1)[1] + text[match.end() :])
            )
        else:
            new_text = text + separator + _section_text(wanted)
    elif not isinstance(section, dict):
        raise ConfigError(f"{path}: 'nb2post:' must hold 'key: value' settings")
    elif target is not None and section.get("target") != target:
        wanted = {**section, "target": target}
        new_text = _set_target_line(text, target)
    else:
        return False
    expected = {**data, "nb2post": wanted}
    if new_text is None or read_yaml(new_text, str(path)) != expected:
        flow = ", ".join(f"{key}: {value}" for key, value in wanted.items())
        raise ConfigError(
            f"{path}: could not edit the nb2post: section without touching other settings; "
            f"set it by hand: 'nb2post: {{{flow}}}'"
        )
    from .site import write_all

    if crlf:
        new_text = new_text.replace("\n", "\r\n")
    write_all({path: (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")}, inside=site)
    return True


def _default_target(site: Path, config: dict) -> str:
    """A fastpages blog keeps fastpages' post conventions, which its layouts read; any other site: jekyll."""
    from .jekyll.themes import recognise

    return "fastpages" if recognise(site, config)[0] == "fastpages" else "jekyll"


def _section_text(values: dict) -> str:
    """A new ``nb2post:`` section, written by a YAML emitter (quoting done right), with its comment."""
    from ruamel.yaml.comments import CommentedMap

    addition = CommentedMap(nb2post=CommentedMap(values))
    addition.yaml_set_start_comment("nb2post: notebooks to posts (added by `nb2post init`)")
    return _dump(_round_trip(), addition)


def _set_target_line(text: str, target: str) -> str | None:
    """The file with the section's ``target:`` line set (or added first in the section), edited as text."""
    from .jekyll.config import section_match

    match = section_match(text)
    if match is None:
        return None
    lines = match.group(0).split("\n")
    children = [line for line in lines[1:] if line.strip() and not line.lstrip().startswith("#")]
    indent = (len(children[0]) - len(children[0].lstrip())) if children else 2
    for number, line in enumerate(lines[1:], start=1):
        if line.startswith(" " * indent + "target:"):
            lines[number] = f"{' ' * indent}target: {target}"
            break
    else:
        lines.insert(1, f"{' ' * indent}target: {target}")
    return text[: match.start()] + "\n".join(lines) + text[match.end() :]


def posts_fastpages_wrote(site: Path) -> list[Path]:
    """Posts in the site's posts folder that fastpages converted from a notebook: their front matter has
    fastpages' ``nb_path:`` and they carry no nb2post marker, so nb2post will not overwrite them.

    Front matter is read with python-frontmatter, whose YAML (PyYAML, YAML 1.1) reads values the way
    Jekyll's Psych does; a post whose front matter does not parse is not fastpages' and is skipped.
    """
    import frontmatter

    from .jekyll.config import load
    from .post import read_marker_from_file

    try:
        folder = Path(site) / load(site).posts_dir
    except ConfigError:
        folder = Path(site) / "_posts"
    found = []
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
        try:
            front = frontmatter.load(str(path)).metadata
        except Exception:  # noqa: BLE001 - broken YAML or encoding: not a post fastpages wrote
            continue
        if front.get("nb_path") and read_marker_from_file(path) is None:
            found.append(path)
    return found


def fastpages_posts_warning(posts: list[Path], site: Path) -> str:
    """What ``convert`` will do with the posts fastpages wrote (as nb2post.site.Site.write decides): a post
    whose banner names its notebook is taken over when that notebook is converted, without a flag; one
    without such a banner is left alone until adopted."""
    from .site import fastpages_notebook, other_generator

    taken: list[Path] = []
    kept: list[Path] = []
    for path in posts:
        text = path.read_text(encoding="utf-8", errors="replace")
        named = fastpages_notebook(text)
        (taken if named and other_generator(text, named, None)[1] else kept).append(path)
    folder = posts[0].parent.relative_to(site).as_posix()
    said = []
    if taken:
        count = len(taken)
        said.append(
            f"{folder}/ holds {count} post{'s' if count != 1 else ''} that fastpages converted from notebooks "
            f"(e.g. {taken[0].name}): `nb2post convert` replaces each with its own post when it converts "
            f"the notebook the post's banner names (no flag needed; a rename that would move a published URL "
            f"is refused); review `git diff` after"
        )
    if kept:
        count = len(kept)
        said.append(
            f"{folder}/ holds {count} post{'s' if count != 1 else ''} with fastpages' nb_path: but no banner "
            f"naming {'their' if count != 1 else 'its'} notebook (e.g. {kept[0].name}): `nb2post convert` keeps "
            f"{'them' if count != 1 else 'it'} and reports 'not written by nb2post'; take "
            f"{'them' if count != 1 else 'it'} over with `nb2post convert --adopt` (see --dry-run first)"
        )
    return "; ".join(said)


def init(
    site: Path,
    root: Path,
    target: str | None,
    notebooks: str,
    action: str,
    hook_mode: str | None,
    workflow: bool = True,
    deploy: str | None = None,
) -> InitResult:
    result = InitResult()
    site = Path(site)
    config_changed = add_settings(site, target)
    if config_changed:
        result.changed.append(site / CONFIG_NAME)
    else:
        result.kept.append((site / CONFIG_NAME, "already has an nb2post: section"))

    if workflow:
        from .gitrepo import current_branch, git_dir

        site_from_root = Path(site).resolve().relative_to(Path(root).resolve()).as_posix()
        path = Path(root) / WORKFLOW_PATH
        folder = git_dir(Path(root))
        branch = (current_branch(folder) if folder else None) or "main"
        text = workflow_text(action, site_from_root, notebooks, target or "", deploy, branch)
        existing = path.read_text(encoding="utf-8", errors="replace") if path.exists() else None
        # The plain workflow exactly as init wrote it (nobody edited it) is replaced by the deploying one.
        upgradable = deploy is not None and existing == workflow_text(action, site_from_root, notebooks, target or "")
        if existing is not None and not upgradable:
            same = existing == text
            result.kept.append((path, "already written" if same else "exists (yours now); not overwritten"))
        else:
            from .site import write_all

            write_all({path: text.encode("utf-8")}, inside=Path(root))
            result.changed.append(path)
        result.warnings += [fastpages_warning(found, Path(root), deploy) for found in fastpages_converters(Path(root))]
    if posts := posts_fastpages_wrote(site):
        result.warnings.append(fastpages_posts_warning(posts, site))

    if hook_mode is not None:
        from .hook import install

        hook_path, changed = install(root, site, hook_mode)
        if changed:
            result.changed.append(hook_path)
        else:
            result.kept.append((hook_path, "already installed"))
    return result
