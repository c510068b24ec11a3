"""fastpages blogs: the post conventions its layouts read (see shared/FASTPAGES.md)."""
from __future__ import annotations

import re

from ..templates_text import fill

NAME = "fastpages"
DEFAULTS = {"posts_dir": "_posts", "images_dir": "images/copied_from_nb", "notebooks_dir": "_notebooks"}
LEADING_KEYS = ("keywords", "description", "title")
DEFAULT_VALUES = {"toc": False, "comments": False, "hide": False, "badges": True, "search_exclude": False}

# fastpages' own Liquid in prose: footnotes and the callout/embed includes its theme ships.
_ALLOWED = re.compile(
    r"^\{%-?\s*(fn\s+\w+|include\s+(note|warning|tip|important|info|alert|youtube|screenshot|image|twitter)"
    r"\.html\b.*|twitter\s+\S+.*)-?%\}$|^\{\{-?\s*(['\"]).*\3\s*\|\s*fndetail:\s*\w+\s*-?\}\}$",
    re.S,
)
_CALLOUT = re.compile(r"^>[ \t]*(Note|Warning|Tip|Important)[ \t]*:[ \t]*(.+)$", re.M)
_EMBED = re.compile(r"^>[ \t]*(youtube|twitter)[ \t]*:[ \t]*(\S+)[ \t]*$", re.M | re.I)


def allow_liquid(tag: str) -> bool:
    return bool(_ALLOWED.match(tag.strip()))


def _argument(text: str) -> str:
    """Text inside a Liquid string argument: no quote of ours, no tag delimiters."""
    return (
        text.replace("'", "&#39;").replace("{%", "&#123;%").replace("%}", "%&#125;").replace("{{", "&#123;&#123;")
    )


def prose_hook(text: str, holder) -> str:
    """fastpages' callout shortcuts. Each is one quote line on its own, so an ordinary quote followed by a
    later ``key: value`` line is left alone (fastpages' regex rewrote those)."""

    def callout(match: re.Match) -> str:
        kind = match.group(1).lower()
        return holder.hold("{%% include %s.html content='%s' %%}" % (kind, _argument(match.group(2).strip())))

    def embed(match: re.Match) -> str:
        kind, url = match.group(1).lower(), match.group(2)
        if kind == "youtube":
            link = _argument(f'<a href="{url}">{url}</a>')
            return holder.hold("{%% include youtube.html content='%s' %%}" % link)
        return holder.hold("{%% twitter %s %%}" % _argument(url))

    text = _CALLOUT.sub(callout, text)
    return _EMBED.sub(embed, text)


def front_matter(values: dict, info) -> dict:
    values = dict(values)
    values.setdefault("keywords", "fastai")
    values.pop("layout", None)
    values.pop("nb_path", None)
    ordered = {key: values.pop(key) for key in LEADING_KEYS if key in values}
    for key, default in DEFAULT_VALUES.items():
        values.setdefault(key, default)
    ordered.update(values)
    ordered["nb_path"] = info.nb_path
    ordered["layout"] = "notebook"
    return ordered


def header(info) -> str:
    return fill("fastpages_banner.md", nb_path=info.nb_path)
