"""fastpages blogs: the post conventions its layouts read (see shared/FASTPAGES.md)."""

from __future__ import annotations

import re

from ... import liquid
from ...templates_text import fill

NAME = "fastpages"
DEFAULTS = {"posts_dir": "_posts", "images_dir": "images/copied_from_nb", "notebooks_dir": "_notebooks"}
# fastpages' layouts draw the TOC (jekyll-toc, from `toc: true`) and the badges (from `badges`, `branch`,
# `nb_path`, `hide_<name>_badge`) themselves.
TOC_STYLE = "frontmatter"
BADGES_IN_FRONT_MATTER = True
# fastpages copied local images to images/copied_from_nb/<their path next to the notebook>, and posts'
# `image:` keys (social cards) point there: keep that path.
SHARED_LOCAL_IMAGES = True
# fastpages (nbconvert) showed no output of a code cell with an empty source, and no widget whose state
# was not saved (a progress bar would be frozen text such as `0%|  | 0/6995 [00:00<?, ?it/s]`).
OUTPUTS_OF_EMPTY_CELLS = False
WIDGETS_WITHOUT_STATE = False
# fastpages shows `description` as the post's subtitle: only a summary the author wrote goes there
DESCRIPTION_FROM_PROSE = False
LEADING_KEYS = ("keywords", "description", "title")
# Keys every fastpages post header carries, in its order, with fastpages' defaults.
DEFAULT_VALUES = {"toc": False, "comments": False, "hide": False, "badges": True, "search_exclude": False}

# fastpages' own Liquid in prose: footnotes (`{% fn 1 %}`, `{{ 'text' | fndetail: 1 }}`), the callout and
# embed includes its theme ships, and jekyll-twitter-plugin's tag.
_ALLOWED_TAG = re.compile(
    r"^\{%-?\s*(?:fn\s+\w+|include\s+(?:note|warning|tip|important|info|alert|youtube|screenshot|image|twitter)"
    r"\.html(?:\s.*)?|twitter\s+\S+.*?)\s*-?%\}$",
    re.S,
)
_ALLOWED_OUTPUT = re.compile(r"^\{\{-?\s*(['\"])(?:(?!\1).)*\1\s*\|\s*fndetail:\s*\w+\s*-?\}\}$", re.S)
_LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_CALLOUT = re.compile(r"^>[ \t]*(Note|Warning|Tip|Important)[ \t]*:[ \t]*(.*)$")
_EMBED = re.compile(r"^>[ \t]*(youtube|twitter)[ \t]*:[ \t]*(\S+)[ \t]*$", re.I)
# `{% raw %}...{% endraw %}` an author wrote in prose: under fastpages Liquid ran first and the wrapper
# vanished, showing the text inside as written.
_RAW_WRAPPER = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.S)
_QUOTE_LINE = re.compile(r"^>[ \t]?(.*)$")
# A YouTube link's video id (youtu.be/ID, youtube.com/watch?v=ID, /embed/ID, /shorts/ID, /live/ID).
_YOUTUBE_ID = re.compile(
    r"(?:youtu\.be/|youtube(?:-nocookie)?\.com/(?:watch\?(?:[^#\s]*&)?v=|embed/|shorts/|live/))([\w-]{11})(?![\w-])"
)


def youtube_id(url: str) -> str | None:
    found = _YOUTUBE_ID.search(url)
    return found.group(1) if found else None


def file_slug(name: str) -> str:
    """fastpages named a post after its notebook with only the spaces replaced, so
    ``Active Learning, Data Selection.ipynb`` keeps its commas: the same name keeps the published URL.
    Only what cannot stand in a file name or a URL path is replaced too: control characters, slashes, and
    `#`, `?`, `%`, which cut or garble the URL (such a post was unreachable under fastpages anyway)."""
    slug = re.sub(r"[\x00-\x1f\x7f/\\#?%]", "-", name.replace(" ", "-"))
    return slug.strip("-.") or "post"


def allow_liquid(tag: str) -> bool:
    tag = tag.strip()
    return bool(_ALLOWED_TAG.match(tag) or _ALLOWED_OUTPUT.match(tag))


def _argument(text: str) -> str:
    """Text inside a Liquid string argument: no quote of ours, no tag delimiters."""
    return text.replace("'", "&#39;").replace("{%", "&#123;%").replace("%}", "%&#125;").replace("{{", "&#123;&#123;")


def _callout(kind: str, text: str) -> str:
    """fastpages' include for a callout. The text goes through ``capture`` (no quoting problem whatever it
    holds) and ``markdownify`` (links, emphasis and code render inside the include's HTML block)."""
    text = liquid.escape_except(text, allow_liquid)
    return (
        "{%% capture nb2post_callout %%}%s{%% endcapture %%}"
        '{%% assign nb2post_callout = nb2post_callout | markdownify | remove: "<p>" | remove: "</p>" | strip %%}'
        "{%% include %s.html content=nb2post_callout %%}" % (text, kind)
    )


def _hold_allowed(tag: str, holder) -> str:
    """Keep fastpages' Liquid whole; a `|` in it was escaped as a table pipe by then, so undo that."""
    original = tag.replace("\\|", "|")
    return holder.hold(original) if allow_liquid(original) else tag


def _split_indent(line: str) -> tuple[str, str]:
    """A quote may start up to three spaces in (fastpages read `  > youtube: URL` too)."""
    stripped = line.lstrip(" ")
    indent = line[: len(line) - len(stripped)]
    return (indent, stripped) if len(indent) <= 3 else ("", line)


def prose_hook(text: str, holder) -> str:
    """fastpages' callout shortcuts, read as whole block quotes.

    A quote whose first line is ``> Note: ...`` (Warning, Tip, Important) becomes the include, all its
    lines included; ``> youtube: URL`` and ``> twitter: URL`` alone in a quote become embeds. Any other
    quote is left alone, also when a ``key: value`` line follows later (fastpages rewrote those). A quote
    may start a few spaces in. ``{% raw %}`` wrappers are dropped and the text inside shown as written.
    """
    text = _RAW_WRAPPER.sub(lambda m: holder.hold(liquid.escape(m.group(1).replace("\\|", "|"))), text)
    text = _LIQUID.sub(lambda m: _hold_allowed(m.group(0), holder), text)
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        indent, line = _split_indent(lines[index])
        starts_block = index == 0 or not lines[index - 1].lstrip(" \t").startswith(">")
        if not (starts_block and line.startswith(">")):
            out.append(lines[index])
            index += 1
            continue
        end = index
        while end < len(lines) and lines[end].strip():
            end += 1  # a quote runs to the next blank line (continuation lines need no '>')
        block = [line, *lines[index + 1 : end]]
        callout, embed = _CALLOUT.match(block[0]), _EMBED.match(block[0])
        embed = embed if len(block) == 1 else None
        if (callout or embed) and out and out[-1].strip():
            out.append("")  # an include renders as an HTML block: it must not continue a paragraph
        if callout:
            rest = [_QUOTE_LINE.sub(r"\1", item.lstrip(" ")) for item in block[1:]]
            body = "\n".join([callout.group(2), *rest]).strip()
            out.append(indent + holder.hold(_callout(callout.group(1).lower(), body)))
        elif embed:
            kind, url = embed.group(1).lower(), embed.group(2)
            if kind == "youtube":
                # fastpages' include takes the id as the link's last path segment: `watch?v=ID&list=...`
                # would embed a page that does not exist, so the include gets the short link to the video
                video = youtube_id(url)
                url = f"https://youtu.be/{video}" if video else url
                link = _argument(f'<a href="{url}">{url}</a>')
                out.append(indent + holder.hold("{%% include youtube.html content='%s' %%}" % link))
            else:
                out.append(indent + holder.hold("{%% twitter %s %%}" % _argument(url)))
        else:
            out.extend(lines[index:end])
        index = end  # the block ends at a blank line or at the end of the cell
    return "\n".join(out)


def front_matter(values: dict, info) -> dict:
    """fastpages' header: keywords, description, title, its five switches with their defaults, the
    notebook's own keys in order, then nb_path and layout (its layouts read both)."""
    values = dict(values)
    values.setdefault("keywords", "fastai")
    values.pop("layout", None)
    values.pop("nb_path", None)
    ordered = {key: values.pop(key) for key in LEADING_KEYS if key in values}
    for key, default in DEFAULT_VALUES.items():
        ordered[key] = values.pop(key, default)
    ordered.update(values)
    ordered["nb_path"] = info.nb_path
    ordered["layout"] = "notebook"
    return ordered


def header(info) -> str:
    # the banner is an HTML comment that Liquid still reads: the path must neither close it nor hold Liquid
    return fill("fastpages_banner.md", nb_path=liquid.escape(info.nb_path.replace("-->", "--&gt;")))
