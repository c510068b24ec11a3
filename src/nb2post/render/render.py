"""Notebook to :class:`~nb2post.post.Post`: front matter, cell filtering, rendering and assets.

Pure apart from reading the notebook's local images: no file is written here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import liquid
from ..diagnostics import Nb2postError
from ..jekyll import badges
from ..jekyll.config import Settings
from ..notebook import front_matter as fm
from ..notebook.reader import Notebook, cell_source
from ..notebook.visibility import Show, parse_cell
from ..post import Post, post_folder
from ..templates_text import fill
from . import outputs, prose
from .assets import AssetSet, confinement_roots

if TYPE_CHECKING:
    from ..jekyll.themes import Theme

# %%magics that change what language a cell is written in.
_CELL_MAGIC_LANGUAGES = {
    "bash": "bash",
    "sh": "bash",
    "script": "bash",
    "html": "html",
    "javascript": "javascript",
    "js": "javascript",
    "latex": "latex",
    "markdown": "markdown",
    "sql": "sql",
    "writefile": "",
    "ruby": "ruby",
    "perl": "perl",
    "R": "r",
}


@dataclass
class PostInfo:
    """Facts about where the post lives that targets need."""

    nb_path: str  # notebook path relative to the repository (or site) root
    site_config: dict
    site: Path | None = None
    theme: Theme | None = None


class ConversionError(Nb2postError):
    pass


def kernel_language(notebook: Notebook) -> str:
    meta = notebook.metadata
    language = (meta.get("kernelspec") or {}).get("language") or (meta.get("language_info") or {}).get("name")
    if not isinstance(language, str):
        return "python"
    # it becomes a fence's info string: one word, with no newline or backtick that would end the fence
    word = re.sub(r"[^\w+#.-]+", "-", language.strip().split("\n", 1)[0].lower()).strip("-")
    return word or "python"


@dataclass
class Heading:
    """Where a post stands in time and by which name: the front matter values, slug and date."""

    values: dict
    slug: str
    date: dt.date
    date_origin: str


def to_post(
    notebook: Notebook,
    settings: Settings,
    nb_path: str,
    source_hash: str,
    fallback_date: tuple[dt.date, str] | None = None,
    adoption=None,
) -> Post:
    """The stages in order: front matter, body (cells, outputs, assets), table of contents and badges.
    ``adoption`` (nb2post.render.adopt.Adoption): a post taken over, whose name and front matter are kept."""
    from ..jekyll.targets import get_target

    target = get_target(settings.target)
    where = str(notebook.path)
    try:
        found = fm.extract(notebook.cells, notebook.metadata, where)
        head = front_matter_of(notebook, settings, found, fallback_date)
    except fm.FrontMatterError as exc:
        raise ConversionError(str(exc) if str(exc).startswith(where) else f"{where}: {exc}") from None
    values = head.values
    carried, replaced, other_title = _adopted(head, found, adoption) if adoption is not None else ([], [], "")

    assets = post_assets(notebook, settings, target, head)
    keep_liquid = bool(values.pop("liquid_in_prose", settings.liquid_in_prose))
    body, has_math, warnings, notes = render_body(notebook, settings, target, found, assets, keep_liquid)
    if "image" not in carried:  # the owner's card image is theirs, where it is
        _card_image(values, assets, notebook)
    if target.DESCRIPTION_FROM_PROSE and values.get("description") in (None, ""):
        description = prose_description(body)
        if description:
            values["description"] = description
    no_liquid, liquid_warnings = _render_without_liquid(
        values, settings, where, f"{head.date.isoformat()}-{head.slug}.md"
    )
    own_badges = badges.carried_by(notebook.cells)
    # an adopted post shows badges only when the site's settings (nb2post's, or fastpages' default_badges,
    # which its layout draws from) or the post's own front matter ask for them
    asked = adoption is None or "badges" in settings.raw or target.BADGES_IN_FRONT_MATTER
    enabled = settings.badges if asked else ()
    body, site_warnings, site_notes = _navigation(
        body, values, settings, target, nb_path, where, no_liquid, own_badges, enabled
    )
    body, theme_notes = _theme_switches(body, values, settings, has_math)
    info = PostInfo(nb_path=nb_path, site_config=settings.site_config, site=settings.site, theme=settings.theme)
    header = target.header(info)
    if header:
        body = header.rstrip("\n") + "\n\n" + body
    if no_liquid:
        if "{%" in body:  # a tag that was kept on purpose (escaped ones read `{{ "{" }}%`)
            liquid_warnings.append(
                f"{where}: 'render_with_liquid: false' shows Liquid tags as text, so its "
                f"{'callouts and footnotes' if settings.target == 'fastpages' else 'Liquid in prose'} will not render"
            )
        body = liquid.without_liquid(body, settings.site_config.get("baseurl"))
    warnings += liquid_warnings
    return Post(
        source=nb_path,
        slug=head.slug,
        date=head.date,
        front_matter=target.front_matter(values, info),
        body=body,
        target=settings.target,
        source_hash=source_hash,
        assets=assets.files,
        # warnings about the site's repository are not about this notebook: said once per batch
        warnings=notebook.warnings + warnings + [f"{where}: {w}" for w in assets.warnings] + site_warnings,
        # the site's facts (its theme, a repository with no hosted remote) come with every post: said once
        notes=notebook.notes + notes + site_notes + theme_notes,
        date_origin=head.date_origin,
        adopts=adoption.post if adoption is not None else None,
        carried=carried,
        replaced=replaced,
        other_title=other_title,
        adopted_how=adoption.how if adoption is not None else "",
        verbatim=_kept_lines(adoption, carried),
        awaited=tuple(assets.awaited),
    )


def _adopted(head: Heading, found, adoption) -> tuple[list, list, str]:
    """Take over an adopted post's file name and front matter where the notebook sets neither itself
    (its own front matter, or a leading level-1 heading for the title) — and its title, description,
    excerpt and card image even where the notebook sets them (the title unless the adoption takes the
    notebook's). Returns (the keys carried, the owner's keys the notebook replaced, the notebook's own
    title where the owner's was kept instead and differs)."""
    from . import adopt

    own = set(found.values) | ({"title"} if found.first_heading else set())
    notebook_title = "title" in own  # the notebook names a title of its own (before the owner's keys win)
    theirs = set(adoption.front_matter)
    own -= (theirs & set(adopt.OWNER_KEEPS)) - ({"title"} if adoption.notebook_title else set())
    if "slug" not in own:
        head.slug = adoption.slug
    if "date" not in own:
        head.date, head.date_origin = adoption.date, "file name"
    title = head.values.get("title")
    carried = adopt.carry(head.values, own, adoption)
    replaced = [key for key in adoption.front_matter if key in own and key not in adopt.NOT_CARRIED]
    other = title if notebook_title and "title" in carried and str(title) != str(head.values["title"]) else ""
    return carried, replaced, other or ""


def _kept_lines(adoption, carried: list) -> dict:
    if adoption is None:
        return {}
    from . import adopt

    return adopt.kept_lines(adoption, carried)


def post_assets(notebook: Notebook, settings: Settings, target, head: Heading) -> AssetSet:
    """The post's files go to its own folder, named by date and slug so that no two posts share one
    (fastpages keeps its shared ``images/copied_from_nb/<path>`` for local images)."""
    own_folder = f"{settings.images_dir}/{post_folder(head.date, head.slug)}"
    return AssetSet(
        folder=own_folder,
        local_folder=settings.images_dir if target.SHARED_LOCAL_IMAGES else own_folder,
        roots=confinement_roots(settings.site, notebook.path, settings.facts.root),
        site=settings.site,
        site_config=settings.site_config,
    )


def _card_image(values: dict, assets: AssetSet, notebook: Notebook) -> None:
    """``image:`` (social and home-page cards) names the file where it lives now; without one, the
    post's first figure."""
    image = values.get("image")
    if image is None:
        card = assets.card_image()
        if card:
            values["image"] = card
        return
    nested = isinstance(image, dict)  # jekyll-seo-tag's {path: ..., alt: ...}
    written = image.get("path") if nested else image
    moved = assets.front_matter_image(written, notebook.path.parent)
    if moved and moved.lstrip("/") != str(written).lstrip("/"):
        values["image"] = {**image, "path": moved} if nested else moved


def front_matter_of(notebook: Notebook, settings: Settings, found, fallback_date) -> Heading:
    """Merge the sources (site defaults < file name < the notebook's own), then settle slug, date, title."""
    from ..jekyll.targets import get_target

    where = str(notebook.path)
    name_date, name = fm.file_name_parts(notebook.path)
    slug = get_target(settings.target).file_slug(name)
    site_values = fm.normalise(settings.front_matter)
    values = fm.validate({**site_values, **found.values}, where, from_site=set(site_values) - set(found.values))
    if "slug" in values and str(values["slug"]).strip():
        slug = fm.slugify(str(values["slug"]))
    date, date_origin = name_date, "file name"
    if values.get("date") not in (None, ""):
        date, values["date"] = fm.parse_date(values["date"], f"{where}: front matter")
        date_origin = "front matter"
    else:
        values.pop("date", None)
    if date is None:
        if fallback_date is None:
            raise fm.FrontMatterError(f"{where}: no date in the file name or front matter; add 'date: YYYY-MM-DD'")
        date, date_origin = fallback_date
    if values.get("title") in (None, ""):
        values["title"] = found.first_heading or slug.replace("-", " ").replace("_", " ")
    values["title"] = str(values["title"])
    if found.drop_first_heading and found.first_heading != values["title"]:
        found.drop_first_heading = None  # a different heading is content, not a repeated title
    return Heading(values=values, slug=slug, date=date, date_origin=date_origin)


DESCRIPTION_LENGTH = 160  # what search results and social cards show of a description


def prose_description(body: str) -> str:
    """The post's first prose paragraph as plain text, cut at a sentence or word to fit a description."""
    from . import plain_text

    paragraph = plain_text.first_paragraph(liquid.unescape(body))
    short = plain_text.shorten(paragraph, lambda text: len(text) <= DESCRIPTION_LENGTH) if paragraph else None
    return short[0] if short else ""


def _render_without_liquid(values: dict, settings: Settings, where: str, file_name: str) -> tuple[bool, list[str]]:
    """Whether the post is written for ``render_with_liquid: false`` (its own or the site's ``defaults:``),
    and what to say about it.

    Jekyll 4 then shows the post as written, so it must carry no Liquid escapes and no filters. Jekyll 3
    (GitHub Pages' classic builder) ignores the key and runs Liquid anyway: a site known to build with it
    keeps the escaped post, which renders right there. Which Jekyll, and which defaults apply, are read
    as the URL rules read them (nb2post.jekyll.urls), so the two never disagree.
    """
    from ..jekyll.urls import front_matter_defaults

    if "render_with_liquid" in values:
        setting = values["render_with_liquid"]
    else:
        setting = front_matter_defaults(settings.site_config, f"_posts/{file_name}").get("render_with_liquid")
    if setting is not False:
        return False, []
    major, why, guessed = settings.facts.jekyll_build()  # read once per run, with the settings
    if not guessed and major < 4:
        return False, [
            f"{where}: 'render_with_liquid: false' is ignored by Jekyll {major}.x, which this site builds with "
            f"({why}); the post keeps its Liquid escapes so it renders the same"
        ]
    if guessed:
        return True, [
            f"{where}: 'render_with_liquid: false' needs Jekyll 4; Jekyll 3.x (GitHub Pages' classic builder) "
            "ignores it and would run Liquid over the post. Build with Jekyll 4 or drop the key"
        ]
    return True, []


def _navigation(
    body: str,
    values: dict,
    settings: Settings,
    target,
    nb_path: str,
    where: str,
    no_liquid: bool,
    own_badges: list[str],
    enabled_badges: tuple,
):
    """Table of contents and badges, in the site's own style; returns (body, warnings about the site, notes
    about it)."""
    from ..jekyll import toc

    for name in own_badges:  # the notebook shows its own: no second one (unless the post asks for it)
        values.setdefault(f"hide_{name}_badge", True)

    theme_toc = settings.theme.toc_style if settings.theme is not None else None
    try:
        toc_style = toc.post_style(settings.toc, values.get("toc"), target.TOC_STYLE, where, theme_toc)
    except toc.TocError as exc:
        raise ConversionError(str(exc)) from None
    if no_liquid and toc_style == "include":
        toc_style = "kramdown"  # `{% include toc %}` would show as text in a post Liquid does not render
    body = toc.prepare(body, values, toc_style)
    repository = (settings.facts.remote, settings.facts.branch)
    if target.BADGES_IN_FRONT_MATTER:  # the layout draws them (fastpages)
        return body, *badges.for_front_matter(values, enabled_badges, settings.site, settings.site_config, repository)
    badge_block, warnings, notes = badges.for_html(values, enabled_badges, settings.site, nb_path, repository)
    if badge_block:
        body = badge_block + "\n\n" + body
    if not _opens_with_prose(body):
        # Jekyll's excerpt is the first paragraph: badges, a TOC, code or an image would become the
        # og:description, the feed summary and the home page teaser. The post's own words are set instead.
        values.setdefault("excerpt", str(values.get("description") or ""))
    return body, warnings, notes


MATHJAX_URL = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"


def _theme_switches(body: str, values: dict, settings: Settings, has_math: bool):
    """The front matter keys the site's layouts read to switch math, TOC extras and comments on (see
    nb2post.jekyll.themes), or a MathJax loader at the end of the post when its layouts load no math at all.
    Returns (body, [the one note per batch that says what was chosen and why])."""
    from ..jekyll import themes

    theme = settings.theme
    if theme is None:  # settings made without a site (library use)
        if has_math:
            values.setdefault("use_math", True)
        return body, []
    chosen = themes.switch_on(values, theme, has_math, values.get("toc") is True or "{:toc}" in body)
    if has_math and theme.math_script:  # the loader skips itself when the page has MathJax already
        url = str(settings.raw.get("mathjax_url") or MATHJAX_URL).replace('"', "%22").replace("<", "%3C")
        body = body.rstrip("\n") + "\n\n" + outputs.nomarkdown(fill("mathjax.html", url=url)) + "\n"
    if not (has_math or chosen or values.get("toc") is True or "{:toc}" in body):
        return body, []
    return body, [theme_note(settings)]


def theme_note(settings: Settings) -> str:
    """The note that says which theme the posts are written for and what that makes nb2post write."""
    where = ", ".join(settings.config_files) or str(settings.site / "_config.yml")
    return f"{where}: theme {settings.theme.describe()}"


_NOT_PROSE = ("#", "<", "!", "`", "~", "|", "$", "{", ">", "* ", "- ", "+ ", "    ", "\t", "---", "***")


def _opens_with_prose(body: str) -> bool:
    """Whether the post's first block (what Jekyll takes as the excerpt) is a paragraph of words."""
    lead = body.lstrip("\n").split("\n\n", 1)[0]
    return bool(lead.strip()) and not lead.startswith(_NOT_PROSE)


def render_body(notebook: Notebook, settings: Settings, target, found, assets: AssetSet, keep_liquid: bool):
    language = kernel_language(notebook)
    widget_state = (notebook.metadata.get("widgets") or {}).get("application/vnd.jupyter.widget-state+json")
    pieces: list[str] = []
    warnings: list[str] = []
    without_alt: list[int] = []  # the cells that show an image with no words of the author's
    has_math = False
    math = settings.theme.math if settings.theme is not None else None  # the site's renderer's delimiters
    widgets_loaded = False  # the widget state and its script go into a post once
    for index, cell in enumerate(notebook.cells):
        if index in found.consumed_cells:
            continue
        kind = cell.get("cell_type")
        source = cell_source(cell)
        tags = (cell.get("metadata") or {}).get("tags") or []
        if found.drop_first_heading and found.drop_first_heading[0] == index:
            source = _drop_first_heading(source)
        directives = parse_cell(source, tags, code=(kind == "code"))
        warnings.extend(f"{notebook.path}: cell {index + 1}: {w}" for w in directives.warnings)
        vis = directives.visibility
        if vis.cell is Show.HIDDEN:
            continue
        prefix = f"cell{index + 1}"
        if kind == "markdown":
            ctx = prose.ProseContext(
                assets=assets,
                notebook_dir=notebook.path.parent,
                image_prefix=prefix,
                attachments=cell.get("attachments") or {},
                allow_liquid=target.allow_liquid,
                keep_all_liquid=keep_liquid,
                math=math,
            )
            text = prose.convert(directives.source, ctx, hook=target.prose_hook)
            has_math = has_math or ctx.has_math
            if ctx.without_alt:
                without_alt.append(index + 1)
            if text.strip():
                pieces.append(text.strip("\n"))
        elif kind == "raw":
            text = _raw(cell, directives.source, math)
            if text:
                pieces.append(text)
        elif kind == "code":
            cell_pieces: list[str] = []
            code = directives.source
            if code.strip() and vis.input is not Show.HIDDEN:
                block = liquid.escape(outputs.fence(code, _language_of(code, language)))
                cell_pieces.append(_fold(block, vis.input, "input", "Show code"))
            # an empty cell's outputs are left out for fastpages, as nbdev did; one of only whitespace keeps them
            if vis.output is not Show.HIDDEN and (source or target.OUTPUTS_OF_EMPTY_CELLS):
                out_ctx = outputs.OutputContext(
                    assets=assets,
                    image_prefix=prefix,
                    notebook_dir=notebook.path.parent,
                    widget_state=widget_state,
                    widgets_loaded=widgets_loaded,
                    stateless_widgets_as_text=target.WIDGETS_WITHOUT_STATE,
                    math=math,
                    figures=outputs.Figures.of_cell(directives.options, cell.get("metadata") or {}, tags),
                )
                rendered = outputs.render(cell.get("outputs") or [], out_ctx)
                if out_ctx.without_alt:
                    without_alt.append(index + 1)
                widgets_loaded = out_ctx.widgets_loaded
                has_math = has_math or out_ctx.has_math
                warnings.extend(f"{notebook.path}: {w}" for w in out_ctx.warnings)
                if rendered:
                    cell_pieces.append(_fold("\n\n".join(rendered), vis.output, "output", "Show output"))
            pieces.extend(cell_pieces)
        else:
            warnings.append(f"{notebook.path}: cell {index + 1} has unknown type {kind!r}; left out")
    body = "\n\n".join(pieces).strip("\n") + "\n" if pieces else ""
    return body, has_math, warnings, [_without_alt_note(notebook.path, without_alt)] if without_alt else []


def _without_alt_note(where, cells: list[int]) -> str:
    named = ", ".join(map(str, cells[:10])) + (f" and {len(cells) - 10} more" if len(cells) > 10 else "")
    return (
        f"{where}: images with no alt text in cell{'s' if len(cells) > 1 else ''} {named}; describe them "
        "with '#| fig-alt: ...' in the code cell, or in the brackets of ![...](...)"
    )


def _drop_first_heading(source: str) -> str:
    lines = source.lstrip("\n").split("\n")
    setext = len(lines) > 1 and not lines[0].lstrip().startswith("#") and fm.SETEXT_UNDERLINE.match(lines[1])
    return "\n".join(lines[2:] if setext else lines[1:])


def _language_of(code: str, kernel_language: str) -> str:
    first = code.lstrip().split("\n", 1)[0]
    if first.startswith("%%"):
        magic = first[2:].split()[0] if first[2:].split() else ""
        if magic in _CELL_MAGIC_LANGUAGES:
            return _CELL_MAGIC_LANGUAGES[magic]
    return kernel_language


def _fold(block: str, show: Show, part: str, summary: str) -> str:
    if show in (Show.COLLAPSED, Show.EXPANDED):
        return fill(
            "details.md",
            part=part,
            open=" open" if show is Show.EXPANDED else "",
            summary=summary if show is Show.COLLAPSED else summary.replace("Show", "Hide", 1),
            show=summary,
            hide=summary.replace("Show", "Hide", 1),
            body=block,
        ).strip("\n")
    return block


def _raw(cell: dict, source: str, math=None) -> str:
    """Raw cells reach the post only when meant for Markdown or HTML, or untyped or plain text.

    An untyped raw cell is text, not Markdown: Jupyter shows it as written and nbconvert's HTML export
    does not read it as Markdown, whereas kramdown would take ``[x]::y`` lines for link definitions (they
    vanish), pair ``$`` signs as math and link a later ``[x]``. It is shown as written, in a pre block.
    ``math``: the site's renderer's nb2post.jekyll.mathrender.MathStyle, for the dollars of an HTML cell."""
    meta = cell.get("metadata") or {}
    mime = str(meta.get("raw_mimetype") or meta.get("format") or "").lower()
    if not source.strip():
        return ""
    if mime in ("", "text/plain", "plain", "text"):
        return liquid.escape(outputs.fence(source.strip("\n")))
    if mime in ("text/markdown", "markdown", "md"):
        return liquid.escape(prose.contain_markdown_html(source.strip("\n")))
    if mime in ("text/html", "html"):
        html = prose.contain_html(source)  # as an HTML output: closed at its end, its dollars text
        if math is not None and "$" in html:
            from ..jekyll.mathrender import html_dollars

            html = html_dollars(html, math)
        return liquid.escape(outputs.nomarkdown(html))
    return ""
