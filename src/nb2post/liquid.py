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
from typing import Callable

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
