"""Keep Liquid from touching notebook text.

Jekyll runs Liquid over the whole post before kramdown sees it, code fences and HTML included. Wrapping
text in ``{% raw %}`` fails for text that itself contains ``{% endraw %}`` and, on some Liquid versions,
for an unclosed ``{{``. So every ``{`` that would open a Liquid tag or output (``{{`` or ``{%``) is
replaced by the Liquid expression ``{{ "{" }}``, which renders a single ``{``. This works on every Liquid
version (GitHub Pages' Jekyll 3 included), for any input, and leaves all other text byte-for-byte alone.

Deliberate Liquid in prose (``{% include note.html %}``, ``{% fn 1 %}``) is kept only when a caller
passes an ``allow`` predicate that accepts that tag.
"""

from __future__ import annotations

import re
from collections.abc import Callable

OPEN_BRACE = '{{ "{" }}'
_OPENER = re.compile(r"\{(?=[{%])")
# A whole Liquid tag or output, used when some of them may be kept.
_LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)


def escape(text: str) -> str:
    """Make every Liquid opener in ``text`` literal."""
    if "{" not in text:
        return text
    return _OPENER.sub(OPEN_BRACE, text)


def escape_except(text: str, allow: Callable[[str], bool] | None) -> str:
    """Escape Liquid in ``text`` but keep whole tags that ``allow`` accepts."""
    if allow is None or "{" not in text:
        return escape(text)
    out: list[str] = []
    position = 0
    for match in _LIQUID.finditer(text):
        if allow(match.group(0)):
            out.append(escape(text[position : match.start()]))
            out.append(match.group(0))
            position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


_RELATIVE_URL = re.compile(r'\{\{ "([^"]*)" \| relative_url \}\}')


def linked_files(text: str, own_folder: str | None = None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The files nb2post linked in ``text`` with ``relative_url`` (a post's images and videos), by folder:
    ``(("/assets/images/x", ("a.png", "b.png")), ...)``, each once. ``own_folder``: the site path of the
    post's own image folder, whose files are found also where they are linked without Liquid (a post for
    ``render_with_liquid: false`` has the site's baseurl written in instead, see :func:`without_liquid`)."""
    folders: dict[str, dict[str, None]] = {}
    for match in _RELATIVE_URL.finditer(text):
        folder, _, name = match.group(1).replace("%22", '"').rpartition("/")
        folders.setdefault(folder, {})[name] = None
    if own_folder:
        plain = re.compile(
            r"""(?:\]\(|\b(?:src|href|poster)=["']?)[^\s"'()<>]*?%s/([^\s"'()<>/?#]+)""" % re.escape(own_folder)
        )
        for match in plain.finditer(text):
            folders.setdefault(own_folder, {})[match.group(1)] = None
    return tuple((folder, tuple(names)) for folder, names in folders.items())


def unescape(text: str) -> str:
    """The exact inverse of :func:`escape`."""
    return text.replace(OPEN_BRACE, "{")


def without_liquid(body: str, baseurl) -> str:
    """A post for ``render_with_liquid: false``: Jekyll shows it as written, so no escapes and no filters.

    Links nb2post wrote as ``{{ "/x.png" | relative_url }}`` get the site's ``baseurl`` written in;
    escaped text gets its braces back. Escaped text never contains such a link (each of its ``{{`` opens
    an escape), so the two steps cannot mistake one for the other.
    """
    prefix = str(baseurl or "").strip().rstrip("/")
    if prefix and not prefix.startswith("/"):
        prefix = "/" + prefix
    return unescape(_RELATIVE_URL.sub(lambda m: prefix + m.group(1), body))
