"""``nb2post init``: the settings section, the GitHub workflow and (optionally) the hook, for a new site.

Every step leaves what is already there alone, so running it again changes nothing. The settings are
added to ``_config.yml`` as a text edit checked by reading the file as Jekyll does: the user's comments,
key order, quoting, indentation and duplicate keys stay as they were.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .config import CONFIG_NAME, ConfigError

WORKFLOW_PATH = ".github/workflows/nb2post.yml"
# The action is this project's repository; the tag matches the nb2post that wrote the workflow.
ACTION_REPOSITORY = "nb2post/nb2post"


def default_action() -> str:
    return f"{ACTION_REPOSITORY}@v{__version__}"


@dataclass
class InitResult:
    changed: list[Path] = field(default_factory=list)
    kept: list[tuple[Path, str]] = field(default_factory=list)  # what was already there, and why it was left alone


def _yaml_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def workflow_text(action: str, site_from_root: str, notebooks: str, target: str) -> str:
    from .templates_text import fill

    return fill("workflow.yml", action=action, site=_yaml_string(site_from_root), notebooks=_yaml_string(notebooks),
                target=_yaml_string(target))


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
    from .config import read_yaml, section_match

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
            new_text = None if match is None else (
                text[: match.start()] + _section_text(wanted).split("\n", 1)[1] + text[match.end():])
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
        raise ConfigError(f"{path}: could not edit the nb2post: section without touching other settings; "
                          f"set it by hand: 'nb2post: {{{flow}}}'")
    from .site import write_all

    if crlf:
        new_text = new_text.replace("\n", "\r\n")
    write_all({path: (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")}, inside=site)
    return True


def _default_target(site: Path, config: dict) -> str:
    """A fastpages blog keeps fastpages' post conventions, which its layouts read; any other site: jekyll."""
    from .themes import recognise

    return "fastpages" if recognise(site, config)[0] == "fastpages" else "jekyll"


def _section_text(values: dict) -> str:
    """A new ``nb2post:`` section, written by a YAML emitter (quoting done right), with its comment."""
    from ruamel.yaml.comments import CommentedMap

    addition = CommentedMap(nb2post=CommentedMap(values))
    addition.yaml_set_start_comment("nb2post: notebooks to posts (added by `nb2post init`)")
    return _dump(_round_trip(), addition)


def _set_target_line(text: str, target: str) -> str | None:
    """The file with the section's ``target:`` line set (or added first in the section), edited as text."""
    from .config import section_match

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
    return text[: match.start()] + "\n".join(lines) + text[match.end():]


def init(site: Path, root: Path, target: str | None, notebooks: str, action: str, hook_mode: str | None, workflow: bool = True) -> InitResult:
    result = InitResult()
    site = Path(site)
    config_changed = add_settings(site, target)
    if config_changed:
        result.changed.append(site / CONFIG_NAME)
    else:
        result.kept.append((site / CONFIG_NAME, "already has an nb2post: section"))

    if workflow:
        site_from_root = Path(site).resolve().relative_to(Path(root).resolve()).as_posix()
        path = Path(root) / WORKFLOW_PATH
        text = workflow_text(action, site_from_root, notebooks, target or "")
        if path.exists():
            same = path.read_text(encoding="utf-8", errors="replace") == text
            result.kept.append((path, "already written" if same else "exists (yours now); not overwritten"))
        else:
            from .site import write_all

            write_all({path: text.encode("utf-8")}, inside=Path(root))
            result.changed.append(path)

    if hook_mode is not None:
        from .hook import install

        hook_path, changed = install(root, site, hook_mode)
        if changed:
            result.changed.append(hook_path)
        else:
            result.kept.append((hook_path, "already installed"))
    return result
