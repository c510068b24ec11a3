"""Code cell outputs to kramdown pieces.

For each rich output one representation is chosen (``PRIORITY``). HTML, and the interactive kinds that
become HTML (widgets with saved state, Vega-Lite, Plotly), go in ``{::nomarkdown}`` blocks: kramdown
copies those verbatim, where an ordinary HTML block with an unclosed tag can swallow the rest of the
post. Nothing is dropped silently: an output that has no representation a web page can show becomes a
note in the post and a warning.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import liquid
from ..notebook.reader import text_of
from ..templates_text import fill
from .assets import EXTENSIONS, AssetSet, cell_label, liquid_link

if TYPE_CHECKING:
    from ..jekyll.mathrender import MathStyle

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")

PRIORITY = (
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.vegalite.v5+json",
    "application/vnd.vegalite.v4+json",
    "application/vnd.vegalite.v3+json",
    "application/vnd.vegalite.v2+json",
    "application/vnd.vegalite.v1+json",
    "application/vnd.vega.v5+json",
    "application/vnd.vega.v4+json",
    "application/vnd.vega.v3+json",
    "application/vnd.plotly.v1+json",
    "text/html",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "text/markdown",
    "text/latex",
    "application/javascript",
    "text/plain",
)

WIDGETS_SCRIPT = "https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@^1.0.1/dist/embed.js"


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def apply_control_characters(text: str) -> str:
    """What a terminal would show: ``\\r`` returns to the line start, ``\\b`` deletes a character."""
    if "\r" not in text and "\b" not in text:
        return text
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if "\r" in line:
            parts = line.split("\r")
            shown = ""
            for part in parts:
                shown = part + shown[len(part) :]
            line = shown
        while "\b" in line:
            line = re.sub(r"[^\b]\b", "", line, count=1) if re.search(r"[^\b]\b", line) else line.replace("\b", "")
        lines.append(line)
    return "\n".join(lines)


def fence(text: str, language: str = "") -> str:
    """A fenced block that no backtick run inside ``text`` can close early."""
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=0)
    marker = "`" * max(3, longest + 1)
    body = text if text.endswith("\n") else text + "\n"
    return f"{marker}{language}\n{body}{marker}"


def nomarkdown(html: str) -> str:
    """Raw HTML that kramdown passes through untouched."""
    html = html.replace("{:/nomarkdown}", "{:&#47;nomarkdown}").replace("{:/}", "{:&#47;}")
    return "{::nomarkdown}\n" + html.strip("\n") + "\n{:/nomarkdown}"


@dataclass
class Figures:
    """The words a cell gives its image outputs: Quarto's ``#| fig-cap:`` / ``#| fig-alt:`` (a text, or a
    list with one entry per figure), or the same keys in the cell's metadata or tags (``fig-cap: text``),
    or MyST-NB's ``mystnb: {figure: {caption}, image: {alt}}``. A single alt text describes every image
    of the cell, a single caption goes under the first; an image with a caption and no alt text takes
    the caption as its alt text."""

    captions: list[str] = field(default_factory=list)
    alts: list[str] = field(default_factory=list)
    shown: int = 0  # image outputs of the cell so far

    @classmethod
    def of_cell(cls, options: dict, metadata: dict, tags) -> Figures:
        words = {"fig_cap": options.get("fig_cap"), "fig_alt": options.get("fig_alt")}
        mystnb = metadata.get("mystnb") if isinstance(metadata.get("mystnb"), dict) else {}
        nested = {
            "fig_cap": mystnb["figure"].get("caption") if isinstance(mystnb.get("figure"), dict) else None,
            "fig_alt": mystnb["image"].get("alt") if isinstance(mystnb.get("image"), dict) else None,
        }
        for key in words:
            for found in (
                metadata.get(key.replace("_", "-")),
                metadata.get(key),
                nested[key],
                *(str(tag).split(":", 1)[1] for tag in tags or [] if str(tag).startswith(key.replace("_", "-") + ":")),
            ):
                if words[key] in (None, "", []) and found not in (None, ""):
                    words[key] = found
        return cls(captions=_texts(words["fig_cap"]), alts=_texts(words["fig_alt"]))

    def next(self) -> tuple[str, str]:
        """(alt text, caption) of the cell's next image output; "" where the cell gives none."""
        index, self.shown = self.shown, self.shown + 1
        caption = self.captions[index] if index < len(self.captions) else ""
        alt = self.alts[0] if len(self.alts) == 1 else self.alts[index] if index < len(self.alts) else ""
        return alt or caption, caption


def _texts(value) -> list[str]:
    values = value if isinstance(value, list) else [] if value is None else [value]
    return [" ".join(str(item).split()) for item in values]


@dataclass
class OutputContext:
    assets: AssetSet
    image_prefix: str  # e.g. "cell12"
    notebook_dir: Path = Path(".")  # local images a Markdown output refers to are found from here
    widget_state: dict | None = None
    counter: int = 0
    has_math: bool = False
    widgets_loaded: bool = False
    stateless_widgets_as_text: bool = True  # False: a widget whose state was not saved is left out
    figures: Figures = field(default_factory=Figures)
    without_alt: int = 0  # image outputs shown with no words of the author's
    warnings: list[str] = field(default_factory=list)
    math: MathStyle | None = None  # how math is written for the site's renderer


def render(outputs: list[dict], ctx: OutputContext) -> list[str]:
    pieces: list[str] = []
    for output in _merge_streams(outputs):
        kind = output.get("output_type")
        if kind == "stream":
            text = apply_control_characters(strip_ansi(text_of(output.get("text"))))
            if text.strip():
                pieces.append(liquid.escape(fence(text.rstrip("\n"))))
        elif kind == "error":
            trace = "\n".join(text_of(line) for line in output.get("traceback") or [])
            if not trace and output.get("ename"):
                trace = f"{output['ename']}: {output.get('evalue', '')}"
            # An error with no traceback and no name (a bash kernel's non-zero exit) shows nothing in Jupyter.
            if strip_ansi(trace).strip():
                pieces.append(liquid.escape(fence(strip_ansi(trace).rstrip("\n"))))
        elif kind in ("execute_result", "display_data"):
            piece = _rich(output.get("data") or {}, ctx)
            if piece:
                pieces.append(piece)
        else:
            ctx.warnings.append(f"{cell_label(ctx.image_prefix)}: output of unknown type {kind!r} left out")
    return pieces


def _merge_streams(outputs: list[dict]) -> list[dict]:
    merged: list[dict] = []
    for output in outputs or []:
        if (
            output.get("output_type") == "stream"
            and merged
            and merged[-1].get("output_type") == "stream"
            and merged[-1].get("name") == output.get("name")
        ):
            merged[-1] = {**merged[-1], "text": text_of(merged[-1].get("text")) + text_of(output.get("text"))}
        else:
            merged.append(output)
    return merged


def _rich(data: dict, ctx: OutputContext) -> str | None:
    ctx.counter += 1
    warned = len(ctx.warnings) + len(ctx.assets.warnings)
    for mime in PRIORITY:
        if mime not in data:
            continue
        piece = _RENDERERS[_family(mime)](mime, data[mime], ctx)
        if piece is not None:
            return piece
    others = sorted(data)
    if others:
        if (
            len(ctx.warnings) + len(ctx.assets.warnings) == warned
        ):  # else a renderer said already why this output is not shown: one line
            ctx.warnings.append(
                f"{cell_label(ctx.image_prefix)}: output of type {', '.join(others)} has no form a web page can show; "
                "left out (an HTML comment stands in)"
            )
        return f"<!-- nb2post: output of type {liquid.escape(', '.join(others)).replace('--', '- -')} not shown -->"
    return None


def _family(mime: str) -> str:
    if mime.startswith("application/vnd.vegalite") or mime.startswith("application/vnd.vega."):
        return "vega"
    if mime.startswith("image/"):
        return "image"
    return mime


def _widget(mime, value, ctx: OutputContext) -> str | None:
    model_id = value.get("model_id") if isinstance(value, dict) else None
    state = (ctx.widget_state or {}).get("state", {}) if ctx.widget_state else {}
    if not isinstance(model_id, str) or model_id not in state:
        # its text fallback (`0%|  | 0/6995 [00:00<?, ?it/s]`, `HBox(children=...)`) or nothing at all
        return None if ctx.stateless_widgets_as_text else ""
    parts = []
    if not ctx.widgets_loaded:
        ctx.widgets_loaded = True
        parts.append(f'<script src="{WIDGETS_SCRIPT}" crossorigin="anonymous"></script>')
        parts.append(
            '<script type="application/vnd.jupyter.widget-state+json">\n'
            + _script_json(ctx.widget_state)
            + "\n</script>"
        )
    parts.append('<script type="application/vnd.jupyter.widget-view+json">\n' + _script_json(value) + "\n</script>")
    return liquid.escape(nomarkdown("\n".join(parts)))


def _script_json(value) -> str:
    # "</" would end the <script> element early.
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def _vega(mime, value, ctx: OutputContext) -> str | None:
    mode = "vega" if mime.startswith("application/vnd.vega.") else "vega-lite"
    return _chart("vega", value, ctx, lambda spec: {"spec": _script_json(spec), "mode": mode})


def _plotly(mime, value, ctx: OutputContext) -> str | None:
    return _chart(
        "plotly",
        value,
        ctx,
        lambda figure: {
            key: _script_json(figure.get(key, default))
            for key, default in (("data", []), ("layout", {}), ("config", {}))
        },
    )


def _chart(kind: str, value, ctx: OutputContext, fields) -> str | None:
    """An interactive chart from its JSON, drawn by the library's embed script (templates/embed_<kind>.html)."""
    spec = value if isinstance(value, dict) else _json_or_none(value)
    if not isinstance(spec, dict):
        return None
    element = f"nb2post-{kind}-{ctx.image_prefix}-{ctx.counter}"
    return liquid.escape(nomarkdown(fill(f"embed_{kind}.html", element=element, **fields(spec))))


def _json_or_none(value):
    try:
        return json.loads(text_of(value))
    except (TypeError, ValueError):
        return None


def _html(mime, value, ctx: OutputContext) -> str | None:
    """HTML as Jupyter shows it, closed at its end; the local files its media elements name (IPython's
    ``Video``, ``Audio(url=…)``, ``Image(url=…)``, ``IFrame``) are published with the post."""
    html = text_of(value)
    if not html.strip():
        return None
    from .prose import Holder, contain_html, html_media_files

    where = cell_label(ctx.image_prefix)
    links = Holder()  # the links are Liquid the escaping below must leave alone
    html = contain_html(
        html_media_files(html, lambda src: ctx.assets.add_local(ctx.notebook_dir, src, where), links.hold)
    )
    if ctx.math is not None and "$" in html:  # a renderer that pairs dollars, or shows the backslash of \$
        from ..jekyll.mathrender import html_dollars

        html = html_dollars(html, ctx.math)
    return links.restore(liquid.escape(nomarkdown(f'<div class="nb2post-output-html">\n{html}\n</div>')))


def _image(mime, value, ctx: OutputContext) -> str | None:
    """An image output as a file; data that is not the image it claims to be falls back to the next type."""
    name = f"{ctx.image_prefix}-output{ctx.counter}{EXTENSIONS.get(mime, '.img')}"
    site_path = ctx.assets.add_image(name, mime, value, cell_label(ctx.image_prefix), "an image output")
    if site_path is None:
        return None
    alt, caption = ctx.figures.next()
    if not alt:
        ctx.without_alt += 1
        return f"![output]({liquid_link(site_path)})"
    if not caption:
        return f"![{liquid.escape(_markdown_text(alt))}]({liquid_link(site_path)})"
    from html import escape

    return nomarkdown(
        f'<figure class="nb2post-figure"><img src="{liquid_link(site_path)}" alt="{liquid.escape(escape(alt))}">'
        f"<figcaption>{liquid.escape(escape(caption))}</figcaption></figure>"
    )


def _markdown_text(text: str) -> str:
    """Text that kramdown shows as written inside ``![...]``."""
    return re.sub(r"([\\\[\]`*_<>{}])", r"\\\1", text)


def _markdown(mime, value, ctx: OutputContext) -> str | None:
    """Jupyter renders a Markdown output like a Markdown cell: same math, pipes, fences and Liquid rules."""
    from . import prose

    text = text_of(value).replace("\r\n", "\n")
    if not text.strip():
        return None
    prose_ctx = prose.ProseContext(
        assets=ctx.assets,
        notebook_dir=ctx.notebook_dir,
        image_prefix=f"{ctx.image_prefix}-output{ctx.counter}",
        math=ctx.math,
    )
    converted = prose.convert(text, prose_ctx).strip("\n")
    ctx.has_math = ctx.has_math or prose_ctx.has_math
    return converted or None


def _latex(mime, value, ctx: OutputContext) -> str | None:
    text = text_of(value).strip()
    if not text:
        return None
    ctx.has_math = True
    if text.startswith("$$") and text.endswith("$$"):
        text = text[2:-2]
    elif text.startswith("$") and text.endswith("$"):
        text = text[1:-1]
    from ..jekyll.mathrender import block

    return liquid.escape(block([line for line in text.strip().split("\n") if line.strip()], ctx.math))


def _javascript(mime, value, ctx: OutputContext) -> str | None:
    script = text_of(value)
    if not script.strip():
        return None
    return liquid.escape(nomarkdown("<script>\n" + script.replace("</script", "<\\/script") + "\n</script>"))


def _plain(mime, value, ctx: OutputContext) -> str | None:
    text = strip_ansi(text_of(value))
    if not text.strip():
        return None
    return liquid.escape(fence(text.rstrip("\n")))


_RENDERERS = {
    "application/vnd.jupyter.widget-view+json": _widget,
    "vega": _vega,
    "application/vnd.plotly.v1+json": _plotly,
    "text/html": _html,
    "image": _image,
    "text/markdown": _markdown,
    "text/latex": _latex,
    "application/javascript": _javascript,
    "text/plain": _plain,
}
