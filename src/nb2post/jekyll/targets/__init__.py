"""Output targets: interchangeable modules with one small interface.

Each target module provides:

``NAME``                       the name users pass to ``--to``
``DEFAULTS``                   ``posts_dir``, ``images_dir``, ``notebooks_dir``
``file_slug(name) -> str``     the post's file name (after the date) from the notebook's
``allow_liquid(tag) -> bool``  which Liquid written in prose survives escaping
``prose_hook(text, holder)``   a last rewrite of a markdown cell (fastpages' callouts)
``front_matter(values, info)`` the final keys, defaults and order
``header(info) -> str``        text between the front matter and the body
``TOC_STYLE``                  the table of contents style a post gets when the site chooses none
``BADGES_IN_FRONT_MATTER``     True: the layout draws badges from front matter keys; False: HTML in the body
``SHARED_LOCAL_IMAGES``        True: local images keep their path under images_dir (not under the slug)
``OUTPUTS_OF_EMPTY_CELLS``     False: a code cell with an empty source shows no output (fastpages)
``WIDGETS_WITHOUT_STATE``      False: a widget with no saved state is left out, not shown as its text
``DESCRIPTION_FROM_PROSE``     True: a post without a summary gets its first paragraph as ``description``
"""

from __future__ import annotations

import importlib

TARGETS = ("jekyll", "fastpages")


def get_target(name: str):
    if name not in TARGETS:
        raise ValueError(f"unknown target {name!r}; choose one of: {', '.join(TARGETS)}")
    return importlib.import_module(f"{__name__}.{name}")
