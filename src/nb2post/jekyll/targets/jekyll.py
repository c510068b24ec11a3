"""Plain Jekyll sites (kramdown Markdown, any theme)."""

from __future__ import annotations

import re

from .. import themes

# The prose renderer is imported by prose_hook, not here: `nb2post check` imports this module for its
# DEFAULTS and must not load the renderer.

NAME = "jekyll"
DEFAULTS = {"posts_dir": "_posts", "images_dir": "assets/images", "notebooks_dir": "_notebooks"}
TOC_STYLE = "kramdown"  # used when the site chooses none and a post asks for a TOC
BADGES_IN_FRONT_MATTER = False  # badges go into the body as HTML
SHARED_LOCAL_IMAGES = False  # local images referenced by a notebook go under the post's own folder
OUTPUTS_OF_EMPTY_CELLS = True  # as Jupyter shows them
WIDGETS_WITHOUT_STATE = True  # as their text/plain fallback
DESCRIPTION_FROM_PROSE = True  # a post without a summary is described by its first paragraph
FIRST_KEYS = ("layout", "title", "description", "date", "categories", "tags")


def file_slug(name: str) -> str:
    """The post's name from the notebook's (after the date): a URL-safe slug."""
    from ...notebook.front_matter import slugify

    return slugify(name)


def allow_liquid(tag: str) -> bool:
    return False


# fastpages' footnote Liquid (its own plugin). Compiled (and cached by re) when a post is converted, not
# when `nb2post check` imports this module.
_FASTPAGES_FN = r"\{%-?\s*fn\s+(\w+)\s*-?%\}"
# `|` was escaped as a table pipe before the targets' hooks run, so `\|` is read as the filter's pipe too.
_FASTPAGES_FNDETAIL = r"\{\{-?\s*(['\"])(.*?)\1\s*\\?\|\s*fndetail:\s*(\w+)\s*-?\}\}"


def kramdown_footnotes(text: str) -> str:
    """fastpages' footnotes (``{% fn 1 %}``, ``{{ 'text' | fndetail: 1 }}``, Liquid of its own plugin) as
    kramdown footnotes (``[^1]``, ``[^1]: text``), which any Jekyll site renders as linked notes."""
    if "fn" not in text:
        return text
    text = re.sub(_FASTPAGES_FN, lambda m: f"[^{m.group(1)}]", text)
    return re.sub(
        _FASTPAGES_FNDETAIL,
        lambda m: "\n\n[^%s]: %s\n\n" % (m.group(3), " ".join(m.group(2).split())),
        text,
        flags=re.S,
    )


_YOUTUBE_EMBED = (
    '<div class="nb2post-youtube"><iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/%s" '
    'title="YouTube video" frameborder="0" allowfullscreen></iframe></div>'
)


def prose_hook(text: str, holder) -> str:
    """A fastpages notebook moved to a plain site: its footnotes become kramdown's, and a quote that is
    only ``> youtube: URL`` becomes the embedded video, as fastpages showed it (other quotes, callouts
    and tweets included, stay quotes: they read as written on any theme)."""
    text = kramdown_footnotes(text)
    if "youtube" not in text.lower():
        return text
    from .fastpages import _EMBED, _split_indent, youtube_id

    lines = text.split("\n")
    out: list[str] = []
    for index, line in enumerate(lines):
        indent, stripped = _split_indent(line)
        embed = _EMBED.match(stripped)
        video = youtube_id(embed.group(2)) if embed and embed.group(1).lower() == "youtube" else None
        alone = (index == 0 or not lines[index - 1].lstrip().startswith(">")) and (
            index + 1 == len(lines) or not lines[index + 1].strip()
        )
        if video and alone:
            if out and out[-1].strip():
                out.append("")  # an HTML block must not continue a paragraph
            out.append(indent + holder.hold(_YOUTUBE_EMBED % video))
        else:
            out.append(line)
    return "\n".join(out)


def _site_sets_post_layout(site_config: dict) -> bool:
    for entry in site_config.get("defaults") or []:
        if not isinstance(entry, dict):
            continue
        scope = entry.get("scope") or {}
        values = entry.get("values") or {}
        if "layout" in values and (scope.get("type") in ("posts", None) and scope.get("path", "") in ("", "_posts")):
            return True
    return False


def front_matter(values: dict, info) -> dict:
    values = dict(values)
    theme = getattr(info, "theme", None)
    layout = values.get("layout")
    if theme is not None and isinstance(layout, str) and not themes.draws_layout(info.site, theme, layout):
        del values["layout"]  # a fastpages notebook's `layout: post` on minimal-mistakes: the site's own choice applies
    if "layout" not in values and not _site_sets_post_layout(info.site_config):
        values["layout"] = themes.post_layout(theme)
    ordered = {key: values.pop(key) for key in FIRST_KEYS if key in values}
    ordered.update(values)
    return ordered


def header(info) -> str:
    return ""
