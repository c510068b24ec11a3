"""Site settings: the ``nb2post:`` section of the site's ``_config.yml`` over the target's defaults.

``_config.yml`` example::

    nb2post:
      target: jekyll            # or fastpages
      posts_dir: _posts
      images_dir: assets/images # images land in <images_dir>/<slug>/
      liquid_in_prose: false    # true keeps {% ... %} / {{ ... }} written in markdown cells
      front_matter:             # defaults for every post (a post's own values win)
        layout: post
      toc: kramdown             # or frontmatter, include, off; a post's 'toc:' overrides
      badges: {colab: false}    # true (default), false, or per badge: github, binder, colab, deepnote
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__

CONFIG_NAME = "_config.yml"
_SECTION = re.compile(r"^nb2post:[^\n]*\n(?:(?:[ \t]+[^\n]*|[ \t]*)(?:\n|\Z))*", re.M)


_BADGES_OFF = re.compile(r"^[ \t]+badges:[ \t]*(false|no|off)[ \t]*(#.*)?$", re.M | re.I)


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    site: Path
    target: str = "jekyll"
    posts_dir: str = "_posts"
    images_dir: str = "assets/images"
    liquid_in_prose: bool = False
    front_matter: dict = field(default_factory=dict)
    site_config: dict = field(default_factory=dict)  # the whole _config.yml, for URL rules and the like
    raw: dict = field(default_factory=dict)  # the nb2post section as written
    toc: str | None = None  # table of contents style (None: the site does not choose), see nb2post.toc
    badges: tuple = ("github", "binder", "colab", "deepnote")  # badges switched on site-wide

    def fingerprint(self) -> str:
        return settings_fingerprint(self.site, self.target)

    def option(self, key: str, default=None):
        return self.raw.get(key, default)


def raw_section(site: Path) -> str:
    """The ``nb2post:`` block of ``_config.yml`` as text, found without a YAML parser (fast path)."""
    try:
        text = (site / CONFIG_NAME).read_text(encoding="utf-8-sig")
    except OSError:
        return ""
    match = _SECTION.search(text)
    return match.group(0) if match else ""


def settings_fingerprint(site: Path, target: str) -> str:
    """Changes whenever something that shapes a post changes: nb2post itself, the target, the section."""
    digest = hashlib.sha256()
    digest.update(f"{__version__}\0{target}\0".encode())
    section = raw_section(site)
    digest.update(section.encode("utf-8"))
    if not _BADGES_OFF.search(section):
        # Badge links name the repository and branch: switching either makes posts stale. File reads only.
        from .badges import fingerprint_input

        digest.update(b"\0" + fingerprint_input(site).encode("utf-8"))
    return digest.hexdigest()


def load_site_config(site: Path) -> dict:
    path = site / CONFIG_NAME
    if not path.is_file():
        return {}
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8-sig"))
    except YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {' '.join(str(exc).split())[:200]}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected 'key: value' settings at the top level")
    return data


def load(site: Path, target: str | None = None) -> Settings:
    from .targets import get_target

    site = Path(site)
    config = load_site_config(site)
    section = config.get("nb2post") or {}
    if not isinstance(section, dict):
        raise ConfigError(f"{site / CONFIG_NAME}: 'nb2post:' must hold 'key: value' settings")
    chosen = target or section.get("target") or "jekyll"
    module = get_target(chosen)
    defaults = module.DEFAULTS
    front = section.get("front_matter") or {}
    if not isinstance(front, dict):
        raise ConfigError(f"{site / CONFIG_NAME}: 'nb2post: front_matter:' must hold 'key: value' settings")
    return Settings(
        site=site,
        target=chosen,
        posts_dir=_relative(section.get("posts_dir", _default_posts_dir(config, defaults)), "posts_dir", site),
        images_dir=_relative(section.get("images_dir", defaults["images_dir"]), "images_dir", site),
        liquid_in_prose=bool(section.get("liquid_in_prose", False)),
        front_matter=dict(front),
        site_config=config,
        raw=dict(section),
        toc=_toc_style(section.get("toc"), module, site),
        badges=_badges(section.get("badges", True), site),
    )


def _default_posts_dir(config: dict, defaults: dict) -> str:
    # With collections_dir set, Jekyll reads posts only from <collections_dir>/_posts.
    folder = str(config.get("collections_dir") or "").strip("/")
    return f"{folder}/{defaults['posts_dir']}" if folder else defaults["posts_dir"]


_COLLECTIONS_DIR = re.compile(r"""^collections_dir:[ \t]*(["']?)([^"'#\r\n]*?)\1[ \t]*(?:#.*)?$""", re.M)


def default_posts_dir(site: Path, target_default: str) -> str:
    """``_default_posts_dir`` read without a YAML parser (the fast path of ``nb2post check``)."""
    try:
        text = (site / CONFIG_NAME).read_text(encoding="utf-8-sig")
    except OSError:
        return target_default
    match = _COLLECTIONS_DIR.search(text)
    return _default_posts_dir({"collections_dir": match.group(2) if match else ""}, {"posts_dir": target_default})


def _toc_style(value, target_module, site: Path) -> str:
    from .toc import TocError, site_style

    try:
        return site_style(value, getattr(target_module, "TOC_STYLE", "kramdown"), str(site / CONFIG_NAME))
    except TocError as exc:
        raise ConfigError(str(exc)) from None


def _badges(value, site: Path) -> tuple:
    from .badges import NAMES

    if isinstance(value, bool) or value is None:
        return NAMES if value is not False else ()
    if not isinstance(value, dict) or any(k not in NAMES for k in value) or any(not isinstance(v, bool) for v in value.values()):
        raise ConfigError(
            f"{site / CONFIG_NAME}: nb2post: badges: must be true, false or switches such as "
            f"{{colab: false}} for {', '.join(NAMES)}; got {value!r}"
        )
    return tuple(name for name in NAMES if value.get(name, True))


def _relative(value, key: str, site: Path) -> str:
    text = str(value).strip().strip("/")
    parts = [p for p in text.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise ConfigError(f"{site / CONFIG_NAME}: nb2post: {key}: must be a folder inside the site, got {value!r}")
    return "/".join(parts)
