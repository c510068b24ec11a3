"""Plain Jekyll sites (kramdown Markdown, any theme)."""
from __future__ import annotations

from .. import themes
from ..prose import kramdown_footnotes

NAME = "jekyll"
DEFAULTS = {"posts_dir": "_posts", "images_dir": "assets/images", "notebooks_dir": "_notebooks"}
TOC_STYLE = "kramdown"  # used when the site chooses none and a post asks for a TOC
BADGES_IN_FRONT_MATTER = False  # badges go into the body as HTML
SHARED_LOCAL_IMAGES = False  # local images referenced by a notebook go under the post's own folder
FIRST_KEYS = ("layout", "title", "description", "date", "categories", "tags")


def allow_liquid(tag: str) -> bool:
    return False


def prose_hook(text: str, holder) -> str:
    """A fastpages notebook moved to a plain site: its footnotes become kramdown's."""
    return kramdown_footnotes(text)


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
