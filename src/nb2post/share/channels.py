"""Which places to share a post at: the channel list in ``templates/channels.yml``, picked by what the
notebook imports and cites, then extended or trimmed by the site's ``nb2post: channels:`` setting.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import UsageError

# What to paste at a channel, in the words the checklist's "Paste" column uses
PASTE = {
    "x": "the X/Twitter text",
    "mastodon": "the Mastodon text",
    "bluesky": "the Bluesky text",
    "threads": "the Threads text",
    "linkedin": "the long text (description, link and hashtags)",
    "hacker_news": "the Hacker News title and the link",
    "reddit": "the Reddit title and the link",
    "url": "just the link (the preview card shows the rest)",
    "crosspost": "the whole post, with canonical_url set to the post's URL",
}
TEXT_KINDS = tuple(PASTE)
SHARE_PLACEHOLDERS = ("url", "title", "text", "text_without_url", "arxiv", "instance")
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w. \t,]+?)(?:[ \t]+as[ \t]+\w+)?[ \t]*(?:#.*)?$", re.M)
_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+([\w.]+)[ \t]+import\b", re.M)
_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z][a-z.\-]*(?:\.[A-Z]{2})?/\d{7}"
_ARXIV = re.compile(
    rf"arxiv\.org/(?:abs|pdf|html|format)/({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?"
    rf"|\barxiv:\s*({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?",
    re.I,
)


class ChannelError(UsageError, ValueError):
    pass


@dataclass
class Channel:
    id: str
    name: str
    where: str = ""
    text: str = "linkedin"
    tip: str = ""
    when: dict = field(default_factory=dict)
    why: str = ""  # why it is on this post's list
    share: str = ""  # a link template that opens the channel with the text filled in
    source: str = ""  # where the facts about the channel come from


@dataclass
class NotebookFacts:
    """What the checklist is chosen by: modules imported, the code, arXiv papers cited."""

    imports: list[str] = field(default_factory=list)
    code: str = ""
    arxiv: list[str] = field(default_factory=list)


def imports_in(code: str) -> list[str]:
    """Module names imported by Python code (``import a.b as c, d`` / ``from a.b import c``)."""
    found: list[str] = []
    for match in _IMPORT.finditer(code):
        for part in match.group(1).split(","):
            name = part.strip().split()[0] if part.strip() else ""
            if name:
                found.append(name)
    found.extend(m.group(1) for m in _FROM_IMPORT.finditer(code) if not m.group(1).startswith("."))
    return list(dict.fromkeys(found))


def arxiv_ids(text: str) -> list[str]:
    return list(dict.fromkeys((m.group(1) or m.group(2)) for m in _ARXIV.finditer(text)))


def notebook_facts(notebook_path: Path) -> NotebookFacts:
    """Imports from the code cells; arXiv ids from all of the notebook's text (cells and text outputs)."""
    from ..notebook.reader import NotebookError, cell_source, decode, read, text_of

    try:
        # plain JSON is enough to read cells; nbformat (slow) only upgrades old formats
        content = json.loads(decode(Path(notebook_path).read_bytes(), notebook_path))
        cells = content["cells"] if content.get("nbformat", 0) >= 4 else read(notebook_path).cells
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise NotebookError(notebook_path, "cannot read its cells") from None
    code_parts: list[str] = []
    text_parts: list[str] = []
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        source = cell_source(cell)
        text_parts.append(source)
        if cell.get("cell_type") == "code":
            # IPython magics and shell lines are not Python; blank them so they do not hide imports
            code_parts.append(re.sub(r"(?m)^[ \t]*[%!].*$", "", source))
            for output in cell.get("outputs") or []:
                if not isinstance(output, dict):
                    continue
                text_parts.append(text_of(output.get("text")))
                data = output.get("data") or {}
                for mime in ("text/plain", "text/markdown", "text/html"):
                    text_parts.append(text_of(data.get(mime)))
    code = "\n".join(code_parts)
    return NotebookFacts(imports=imports_in(code), code=code, arxiv=arxiv_ids("\n".join(text_parts)))


def facts_from_post(body: str) -> NotebookFacts:
    """For a post whose notebook is not at hand: fenced code and links in the post itself."""
    code = "\n".join(re.findall(r"^```[^\n]*\n(.*?)^```", body, re.S | re.M))
    return NotebookFacts(imports=imports_in(code), code=code, arxiv=arxiv_ids(body))


def _load_list(data, where: str) -> list[Channel]:
    channels = []
    for index, entry in enumerate(data or [], 1):
        channels.append(_channel(entry, f"{where} entry {index}"))
    return channels


def _channel(entry, where: str) -> Channel:
    if isinstance(entry, str) and entry.strip():
        entry = {"name": entry.strip()}
    if not isinstance(entry, dict) or not str(entry.get("name") or "").strip():
        raise ChannelError(f"{where}: a channel needs at least a 'name' (or is just a name)")
    name = str(entry["name"]).strip()
    text = str(entry.get("text") or "linkedin")
    if text not in TEXT_KINDS:
        raise ChannelError(f"{where}: text {text!r} is not one of {', '.join(TEXT_KINDS)}")
    when = entry.get("when") or {}
    if not isinstance(when, dict) or set(when) - {"imports", "uses", "arxiv"}:
        raise ChannelError(f"{where}: 'when' may hold only imports, uses and arxiv")
    for pattern in when.get("uses") or []:
        try:
            re.compile(str(pattern))
        except re.error as exc:
            raise ChannelError(
                f"{where}: 'uses' pattern {pattern!r} is not a valid regular expression ({exc})"
            ) from None
    share = str(entry.get("share") or "")
    if share:
        unknown = sorted(set(re.findall(r"\{(\w*)\}", share)) - set(SHARE_PLACEHOLDERS))
        if not share.startswith(("https://", "http://")) or unknown:
            raise ChannelError(
                f"{where}: share {share!r} must be an http(s) link using only the placeholders "
                + ", ".join("{" + p + "}" for p in SHARE_PLACEHOLDERS)
            )
    ident = str(entry.get("id") or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"))
    return Channel(
        ident,
        name,
        str(entry.get("where") or ""),
        text,
        str(entry.get("tip") or ""),
        dict(when),
        share=share,
        source=str(entry.get("source") or ""),
    )


def share_link(template: str, values: dict[str, str]) -> str:
    """The template with each placeholder URL-encoded; "" when a value it needs is missing."""
    from urllib.parse import quote

    needed = re.findall(r"\{(\w+)\}", template)
    if not template or any(not values.get(name) for name in needed):
        return ""
    return re.sub(
        r"\{(\w+)\}",
        lambda m: values[m.group(1)] if m.group(1) == "instance" else quote(values[m.group(1)], safe=""),
        template,
    )


def mastodon_instance(site_section: dict | None, config_name: str = "_config.yml") -> tuple[str, str]:
    """(host, warning) from ``nb2post: mastodon_instance:`` ("sigmoid.social", a URL or "@me@host")."""
    value = str((site_section or {}).get("mastodon_instance") or "").strip()
    if not value:
        return "", ""
    host = re.sub(r"^https?://", "", value).rstrip("/").rsplit("@", 1)[-1]
    if not re.fullmatch(
        r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+(?::\d+)?", host
    ):
        return (
            "",
            f"{config_name}: nb2post: mastodon_instance: {value!r} is no host name (e.g. mastodon.social); no Mastodon link",
        )
    return host.lower(), ""


@functools.lru_cache(maxsize=1)
def _channel_data():
    """templates/channels.yml's list. Parsing it (pure-Python YAML) took a seventh of a one-post brief, so
    the result is kept as JSON in the user's cache, keyed by the file's text (NB2POST_NO_CACHE: not)."""
    import hashlib
    import os

    from ..paths import user_cache
    from ..templates_text import template_text

    text = template_text("channels.yml")
    kept = user_cache() / f"channels_{hashlib.sha256(text.encode()).hexdigest()[:16]}.json"
    use_cache = not os.environ.get("NB2POST_NO_CACHE")
    if use_cache:
        try:
            return json.loads(kept.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # none yet, or damaged: parsed again and replaced
            pass
    from ..notebook.front_matter import load_yaml

    data = (load_yaml(text, "templates/channels.yml") or {}).get("channels")
    try:
        written = json.dumps(data, ensure_ascii=False)
        if use_cache and json.loads(written) == data:  # (YAML that JSON cannot hold as it is is not kept)
            kept.parent.mkdir(parents=True, exist_ok=True)
            temporary = kept.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(written, encoding="utf-8")
            os.replace(temporary, kept)
    except (OSError, TypeError, ValueError):  # no writable cache: parsed again next time
        pass
    return data


def default_channels() -> list[Channel]:
    """Fresh objects every call (callers fill in ``why``); the file is parsed once."""
    return _load_list(copy.deepcopy(_channel_data()), "templates/channels.yml: channels:")


def _why(channel: Channel, facts: NotebookFacts) -> str | None:
    """Why the channel suits this notebook, or None when it does not."""
    when = channel.when
    if not when:
        return ""
    reasons: list[str] = []
    wanted = [str(m) for m in when.get("imports") or []]
    hits = [i for i in facts.imports if any(i == m or i.startswith(m + ".") for m in wanted)]
    if hits:
        reasons.append("imports " + ", ".join(dict.fromkeys(h.split(".")[0] for h in hits)))
    for pattern in when.get("uses") or []:
        match = re.search(str(pattern), facts.code)
        if match:
            reasons.append(f"code uses {match.group(0)}")
            break
    if when.get("arxiv") and facts.arxiv:
        reasons.append("cites arXiv " + ", ".join(facts.arxiv[:3]) + (" …" if len(facts.arxiv) > 3 else ""))
    return "; ".join(reasons) if reasons else None


def choose(
    facts: NotebookFacts, site_section: dict | None = None, config_name: str = "_config.yml"
) -> tuple[list[Channel], list[str]]:
    """The channels for a post, and warnings (e.g. a ``remove:`` entry that matches nothing)."""
    section = (site_section or {}).get("channels") or {}
    where = f"{config_name}: nb2post: channels:"
    if not isinstance(section, dict) or set(section) - {"add", "remove"}:
        raise ChannelError(f"{where} must hold 'add:' and/or 'remove:' lists")
    for key in ("add", "remove"):
        if section.get(key) is not None and not isinstance(section[key], list):
            raise ChannelError(f"{where} {key}: must be a list")
    warnings: list[str] = []
    chosen: list[Channel] = []
    for channel in default_channels() + _load_list(section.get("add"), f"{where} add:"):
        reason = _why(channel, facts)
        if reason is None:
            continue
        channel.why = reason
        chosen = [c for c in chosen if c.id != channel.id] + [channel]  # a site's entry replaces ours
    known = {c.id for c in default_channels()}
    for item in section.get("remove") or []:
        key = str(item).strip().lower()
        kept = [c for c in chosen if key not in (c.id.lower(), c.name.lower())]
        if len(kept) == len(chosen) and key not in known:
            warnings.append(f"{where} remove: {item!r} matches no channel (ids: see templates/channels.yml)")
        chosen = kept
    return chosen, warnings
