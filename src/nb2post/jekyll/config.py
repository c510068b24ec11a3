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
      theme: minimal-mistakes   # only when nb2post cannot tell (see nb2post.jekyll.themes)
      mathjax_url: https://...  # the MathJax a post loads itself when the site's layouts load none

The file is read as Jekyll reads it (see ``read_yaml``), also as several files merged in order
(``--config _config.yml,_config_dev.yml``). Unknown keys are warned about, wrong types are errors.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..diagnostics import UsageError

if TYPE_CHECKING:
    from .themes import Theme

CONFIG_NAME = "_config.yml"
_SECTION = re.compile(r"^nb2post:[^\n]*\n(?:(?:[ \t]+[^\n]*|[ \t]*)(?:\n|\Z))*", re.M)


_BADGES_OFF = re.compile(r"^[ \t]+badges:[ \t]*(false|no|off)[ \t]*(#.*)?$", re.M | re.I)


class ConfigError(UsageError, ValueError):
    """A setting nb2post cannot use (exit status 2: nothing was done)."""


@dataclass(frozen=True)
class SiteFacts:
    """What a run knows of the site besides its settings: read once, by ``load``, and handed to every
    worker with the settings. Rendering, badges, assets, URLs, the brief and publish read these and
    never look them up again (the copies that did drifted apart)."""

    root: Path | None = None  # the git work tree holding the site (resolved); None outside git
    git_dir: Path | None = None  # its git folder (a worktree's own; see gitrepo.git_dir)
    remote: str | None = None  # the URL badges link to (may hold credentials: never print it)
    branch: str | None = None  # the branch on that remote (see gitrepo.remote_and_branch)
    jekyll: int = 4  # the Jekyll major version that builds the site, after every override (urls.site_jekyll)
    jekyll_why: str = ""  # how nb2post knows, for messages
    jekyll_guessed: bool = False  # nothing says: GitHub Pages' own build (Jekyll 3.10) is assumed
    jekyll_problem: str | None = None  # 'nb2post: jekyll:' is neither 3 nor 4 (what urls.UrlError says)
    config_texts: tuple = ()  # the config files' text as read, in order (for the settings fingerprint)

    @property
    def known_jekyll(self) -> int | None:
        """``jekyll``, or None when the setting is wrong (a reader given None then says so itself)."""
        return None if self.jekyll_problem is not None else self.jekyll

    def jekyll_build(self) -> tuple[int, str, bool]:
        """(major version, why, guessed), as ``urls.site_jekyll_guessed`` gives it; UrlError when the
        site's ``nb2post: jekyll:`` is wrong."""
        if self.jekyll_problem is not None:
            from .urls import UrlError

            raise UrlError(self.jekyll_problem)
        return self.jekyll, self.jekyll_why, self.jekyll_guessed


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
    toc: str | None = None  # table of contents style (None: the site does not choose), see nb2post.jekyll.toc
    badges: tuple = ("github", "binder", "colab", "deepnote")  # badges switched on site-wide
    config_files: tuple = ()  # named config files (`--config a.yml,b.yml`); empty: _config.yml
    theme: Theme | None = None  # what the site's layouts draw and the keys they read
    warnings: tuple = ()  # about the settings themselves (unknown keys), said once
    facts: SiteFacts | None = None  # read with the settings (``load``); None for settings made by hand

    def fingerprint(self) -> str:
        facts = self.facts
        if facts is None:
            return settings_fingerprint(self.site, self.target, self.config_files)
        return settings_fingerprint(
            self.site, self.target, self.config_files, list(facts.config_texts), (facts.remote, facts.branch)
        )

    def option(self, key: str, default=None):
        return self.raw.get(key, default)


def section_match(text: str) -> re.Match | None:
    """The last top-level ``nb2post:`` block of a config file's text: with duplicate keys Jekyll keeps the last."""
    found = None
    for found in _SECTION.finditer(text):  # noqa: B007 (the last one is wanted)
        pass
    return found


def raw_section(site: Path, config_files: tuple = (), texts: list[str] | None = None) -> str:
    """The ``nb2post:`` block(s) of the site's config file(s) as text, found without a YAML parser (fast
    path). ``texts``: the files' text (``config_texts``), when the caller read it already."""
    return _sections(config_texts(site, config_files) if texts is None else texts)


def config_texts(site: Path, config_files: tuple = ()) -> list[str]:
    """The text of each config file (``config_paths``) that can be read, in order."""
    texts = []
    for path in config_paths(site, config_files):
        try:
            texts.append(path.read_text(encoding="utf-8-sig"))
        except OSError:
            continue
    return texts


def _as_text(data: bytes) -> str:
    """A config file's bytes as ``Path.read_text(encoding="utf-8-sig")`` gives them (newlines made \\n)."""
    return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def _sections(texts: list[str]) -> str:
    matches = [section_match(text) for text in texts]
    return "\n".join(match.group(0) for match in matches if match)


def config_paths(site: Path, config_files=()) -> list[Path]:
    """The config files in the order Jekyll reads them: ``_config.yml``, or the ones named (as with
    ``jekyll build --config a.yml,b.yml``: later files override earlier ones). A relative name is found
    in the current folder (as Jekyll does) or else in the site."""
    if not config_files:
        default = Path(site) / CONFIG_NAME
        alternative = Path(site) / "_config.yaml"  # Jekyll reads it when there is no _config.yml
        return [alternative if not default.is_file() and alternative.is_file() else default]
    if isinstance(config_files, str):
        config_files = [config_files]
    paths = []
    for item in config_files:
        for name in str(item).split(","):
            name = name.strip()
            if not name:
                continue
            path = Path(name)
            if not path.is_absolute() and not path.exists() and (Path(site) / path).exists():
                path = Path(site) / path
            paths.append(path)
    return paths


def settings_fingerprint(
    site: Path, target: str, config_files: tuple = (), texts: list[str] | None = None, repository: tuple | None = None
) -> str:
    """Changes whenever something that shapes a post changes: nb2post itself, the target, the section.
    ``texts`` (the config files' text) and ``repository`` (remote URL, branch): as read already with the
    settings (``SiteFacts``); else they are read here (``nb2post check`` does, without a YAML parser)."""
    digest = hashlib.sha256()
    digest.update(f"{__version__}\0{target}\0".encode())
    texts = config_texts(site, config_files) if texts is None else texts
    section = _sections(texts)
    digest.update(section.encode("utf-8"))
    from .themes import fingerprint_input as theme_input  # file reads only

    digest.update(b"\0" + theme_input(site, texts, section, target).encode("utf-8"))
    if not _BADGES_OFF.search(section):
        # Badge links name the repository and branch: switching either makes posts stale. File reads only.
        from .badges import fingerprint_input

        if repository is None:
            from ..gitrepo import remote_and_branch

            repository = remote_and_branch(site)
        digest.update(b"\0" + fingerprint_input(*repository).encode("utf-8"))
    return digest.hexdigest()


# --- Reading YAML the way Jekyll does -----------------------------------------------------------------
# Jekyll reads _config.yml with Ruby's Psych (YAML 1.1, libyaml's scanner). Real files rely on what it
# accepts: every fastpages blog has two `exclude:` keys (Psych keeps the last), `yes`/`on`/`off` are
# booleans (but `y`/`n` are strings), and tabs after `key:` or inside a value are fine. ruamel.yaml's safe
# loader is taught those rules below; what it reads is then what Jekyll reads.

_PSYCH_BOOL = re.compile(r"^(?:yes|true|on|no|false|off)$", re.I)
_PSYCH_NULL = re.compile(r"^(?:~|null|)$", re.I)
_PSYCH_FLOAT = re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


def _psych_yaml():
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import SafeConstructor
    from ruamel.yaml.resolver import VersionedResolver, implicit_resolvers
    from ruamel.yaml.scanner import Scanner

    class PsychScanner(Scanner):
        def scan_to_next_token(self):
            # libyaml skips tabs as well as spaces wherever a tab cannot be indentation: in flow
            # context and after an indicator on the same line (`key:<TAB>value`).
            reader = self.reader
            if reader.index == 0 and reader.peek() == "\ufeff":
                reader.forward()
            while True:
                blanks = " \t" if self.flow_level or not self.allow_simple_key else " "
                while reader.peek() in blanks:
                    reader.forward()
                if reader.peek() == "#":
                    while reader.peek() not in "\0\r\n\x85\u2028\u2029":
                        reader.forward()
                if self.scan_line_break():
                    if not self.flow_level:
                        self.allow_simple_key = True
                else:
                    return None

        def scan_plain_spaces(self, indent, start_mark):
            # ruamel's own, with tabs as blanks (as libyaml): `a: x<TAB>y` is the value "x<TAB>y".
            reader = self.reader
            length = 0
            while reader.peek(length) in " \t":
                length += 1
            whitespaces = reader.prefix(length)
            reader.forward(length)
            if reader.peek() not in "\r\n\x85\u2028\u2029":
                return [whitespaces] if whitespaces else []
            line_break = self.scan_line_break()
            self.allow_simple_key = True
            if reader.prefix(3) in ("---", "...") and reader.peek(3) in "\0 \t\r\n\x85\u2028\u2029":
                return None
            breaks = []
            while reader.peek() in " \t\r\n\x85\u2028\u2029":
                if reader.peek() in " \t":
                    reader.forward()
                else:
                    breaks.append(self.scan_line_break())
                    if reader.prefix(3) in ("---", "...") and reader.peek(3) in "\0 \t\r\n\x85\u2028\u2029":
                        return None
            chunks = []
            if line_break != "\n":
                chunks.append(line_break)
            elif not breaks:
                chunks.append(" ")
            chunks.extend(breaks)
            return chunks

    class PsychResolver(VersionedResolver):
        @property
        def versioned_resolver(self):
            table = self._version_implicit_resolver.get("psych")
            if table is None:
                table = {}
                for versions, tag, regexp, first in implicit_resolvers:
                    if (1, 1) not in versions:
                        continue
                    if tag.endswith(":bool"):
                        regexp = _PSYCH_BOOL
                    elif tag.endswith(":float"):
                        regexp = _PSYCH_FLOAT  # Psych: a float has a '.', so `1e3` stays a string
                    elif tag.endswith(":null"):
                        regexp, first = _PSYCH_NULL, ["~", "n", "N", ""]
                    for char in first:
                        table.setdefault(char, []).append((tag, regexp))
                self._version_implicit_resolver["psych"] = table
            return table

    class PsychConstructor(SafeConstructor):
        def check_mapping_key(self, node, key_node, mapping, key, value):
            mapping.pop(key, None)  # a repeated key: the last one wins, as in Psych
            return True

    yaml = YAML(typ="safe", pure=True)
    yaml.Scanner, yaml.Resolver, yaml.Constructor = PsychScanner, PsychResolver, PsychConstructor
    yaml.version = (1, 1)  # `017` is octal
    return yaml


def read_yaml(text: str, where: str):
    """``text`` as Jekyll's YAML reader sees it; ConfigError naming ``where`` when it is not YAML."""
    from ruamel.yaml.error import YAMLError

    text = text.lstrip("\ufeff")
    try:
        return _psych_yaml().load(text)
    except YAMLError as exc:
        from ..notebook.front_matter import yaml_problem

        raise ConfigError(f"{where}: not valid YAML: {yaml_problem(exc, text)}") from None


def read_config_file(path: Path, data: bytes | None = None) -> dict:
    """One config file as a dict ({} when it is empty); ConfigError when it cannot be read as settings.
    ``data``: its bytes, when the caller read them already."""
    try:
        text = _as_text(Path(path).read_bytes() if data is None else data)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    data = read_yaml(text, str(path))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected 'key: value' settings at the top level")
    return data


def deep_merge(base: dict, override: dict) -> dict:
    """Jekyll's ``Utils.deep_merge_hashes``: mappings merge key by key, anything else is replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_site_config(site: Path, config_files: tuple = ()) -> dict:
    """The site's configuration as Jekyll assembles it: ``_config.yml`` (absent: empty), or the named
    files merged in order."""
    return _read_site_config(site, config_files)[0]


def _read_site_config(site: Path, config_files: tuple = (), cache_place: tuple = ()) -> tuple[dict, list[str]]:
    """(``load_site_config``, the files' text as ``config_texts`` gives it): each file is read once.
    ``cache_place``: (the git folder of the site's repository,) when known, for ``statcache.for_site``."""
    paths = config_paths(site, config_files)
    if not config_files and not paths[0].is_file():
        return {}, []
    contents: list[bytes | None] = []
    for path in paths:
        try:
            contents.append(Path(path).read_bytes())
        except OSError:
            contents.append(None)
    key = _config_bytes_key(paths, contents)
    config = _parsed_before(site, key, cache_place)
    if config is None:
        config = {}
        for path, data in zip(paths, contents):
            if not path.is_file():
                raise ConfigError(f"{path}: no such config file (named with --config)")
            config = deep_merge(config, read_config_file(path, data))  # (ConfigError for bytes not UTF-8)
        if key is not None:  # (the very bytes parsed: a file changed meanwhile is keyed by what was read)
            _remember_parsed(site, key, config, cache_place)
    return config, [_as_text(data) for data in contents if data is not None]


def _config_bytes_key(paths: list[Path], contents: list[bytes | None]) -> str | None:
    """A digest of the config files' names and exact bytes (None when one cannot be read)."""
    digest = hashlib.sha256(f"{__version__}\0".encode())
    for path, data in zip(paths, contents):
        if data is None:
            return None
        digest.update(f"{path}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()


def _parsed_before(site: Path, key: str | None, cache_place: tuple = ()) -> dict | None:
    """The parsed config when these exact bytes parsed cleanly before: a run with nothing to convert
    then needs no YAML parser (ruamel's import alone costs more than the rest of such a run)."""
    from .. import statcache

    known = statcache.MISSING if key is None else statcache.for_site(site, *cache_place).parsed_config(key)
    return None if known is statcache.MISSING or not isinstance(known, dict) else known


def _remember_parsed(site: Path, key: str, config: dict, cache_place: tuple = ()) -> None:
    from .. import statcache

    statcache.for_site(site, *cache_place).remember_config(key, config)


# The settings nb2post reads, with the types they take. A key not here is a typo (or a setting of a newer
# nb2post): a warning names the nearest known key.
KNOWN_SETTINGS = {
    "target": (str,),
    "posts_dir": (str,),
    "images_dir": (str,),
    "notebooks_dir": (str,),
    "liquid_in_prose": (bool,),
    "front_matter": (dict,),
    "toc": (str, bool),
    "badges": (bool, dict),
    "channels": (dict,),
    "commit_message": (str,),
    "theme": (str,),
    "mathjax_url": (str,),
    "jekyll": (int, str),  # which Jekyll builds the site: 3 (GitHub Pages' builder) or 4, see nb2post.jekyll.version
    "mastodon_instance": (str,),  # the brief's one-click Mastodon share link
    "share": (dict,),  # the accounts nb2post share posts to, see nb2post.share.settings
}
_TYPE_NAMES = {str: "text", bool: "true or false", dict: "'key: value' settings", int: "a number"}


def check_section(section: dict, where: str) -> list[str]:
    """Warnings for unknown keys (with the nearest known name); ConfigError for a value of the wrong type."""
    warnings = []
    for key, value in section.items():
        if key not in KNOWN_SETTINGS:
            import difflib  # here: its import compiles regexes, which every run would pay

            # 0.75: a typo (targt, badge, theem) is well above it; an unrelated word (frobnicate vs
            # front_matter: 0.64) is not, and gets the list instead of a wrong guess
            near = difflib.get_close_matches(str(key), KNOWN_SETTINGS, n=1, cutoff=0.75)
            hint = f"did you mean '{near[0]}'?" if near else f"known settings: {', '.join(KNOWN_SETTINGS)}"
            warnings.append(f"{where}: nb2post: {key}: is not a setting nb2post knows; ignored ({hint})")
            continue
        types = KNOWN_SETTINGS[key]
        if value is None or isinstance(value, types) and not (bool not in types and isinstance(value, bool)):
            continue
        wanted = " or ".join(_TYPE_NAMES[t] for t in types)
        raise ConfigError(f"{where}: nb2post: {key}: must be {wanted}, got {value!r}")
    return warnings


_FASTPAGES_SETTING = re.compile(r"^default_badges:", re.M)


def fastpages_marks(site: Path, config: dict | None = None, texts: list[str] | None = None) -> str:
    """Why ``site`` is a fastpages blog (its notebook layout, its Actions files, its ``default_badges``
    setting, from the parsed ``config`` or else the config ``texts``), or "" when it is not one."""
    site = Path(site)
    if (site / "_layouts" / "notebook.html").is_file():
        return "_layouts/notebook.html (fastpages' notebook layout)"
    if config is not None:
        has_setting = isinstance(config.get("default_badges"), dict)
    else:
        has_setting = any(
            _FASTPAGES_SETTING.search(text) for text in (texts if texts is not None else config_texts(site))
        )
    if has_setting or (site / "_action_files").is_dir():
        return "fastpages' settings (default_badges) in _config.yml"
    return ""


def default_target(site: Path, section: dict, config: dict | None = None, texts: list[str] | None = None) -> str:
    """The target when neither ``--to`` nor ``nb2post: target:`` says: a fastpages blog gets the posts
    its layouts read (unless ``nb2post: theme:`` names another theme), any other site plain Jekyll's."""
    theme = str(section.get("theme") or "fastpages").strip().lower()
    if theme in ("fastpages", "fastai/fastpages") and fastpages_marks(site, config, texts):
        return "fastpages"
    return "jekyll"


def load(site: Path, target: str | None = None, config_files=()) -> Settings:
    from .. import gitrepo
    from .targets import get_target
    from .themes import detect

    site = Path(site)
    config_files = tuple(str(p) for p in config_paths(site, config_files)) if config_files else ()
    root = gitrepo.find_root(site)  # the run's one look for the repository (see SiteFacts)
    git_folder = gitrepo.git_dir(root) if root is not None else None
    config, texts = _read_site_config(site, config_files, (git_folder,))
    where = ", ".join(config_files) if config_files else str(site / CONFIG_NAME)
    section = config.get("nb2post") or {}
    if not isinstance(section, dict):
        raise ConfigError(f"{where}: 'nb2post:' must hold 'key: value' settings")
    warnings = check_section(section, where)
    chosen = target or section.get("target") or default_target(site, section, config)
    try:
        module = get_target(chosen)
    except ValueError as exc:
        raise ConfigError(f"{where}: nb2post: target: {exc}") from None
    defaults = module.DEFAULTS
    front = section.get("front_matter") or {}
    return Settings(
        site=site,
        target=chosen,
        posts_dir=_relative(section.get("posts_dir") or _default_posts_dir(config, defaults), "posts_dir", site),
        images_dir=_relative(section.get("images_dir") or defaults["images_dir"], "images_dir", site),
        liquid_in_prose=bool(section.get("liquid_in_prose", False)),
        front_matter=dict(front),
        site_config=config,
        raw=dict(section),
        toc=_toc_style(section.get("toc"), module, site),
        badges=_badges(section.get("badges", True), site),
        config_files=config_files,
        theme=detect(site, config, section.get("theme"), chosen),
        warnings=tuple(warnings),
        facts=_site_facts(site, config, chosen, root, git_folder, texts),
    )


def _site_facts(site: Path, config: dict, target: str, root, git_folder, texts: list[str]) -> SiteFacts:
    from ..gitrepo import remote_and_branch_of
    from .urls import UrlError, site_jekyll_guessed

    remote, branch = remote_and_branch_of(git_folder)
    try:
        jekyll, why, guessed = site_jekyll_guessed(site, config, target, root=root)
        problem = None
    except UrlError as exc:
        jekyll, why, guessed, problem = 4, "", False, str(exc)
    return SiteFacts(
        root=root,
        git_dir=git_folder,
        remote=remote,
        branch=branch,
        jekyll=jekyll,
        jekyll_why=why,
        jekyll_guessed=guessed,
        jekyll_problem=problem,
        config_texts=tuple(texts),
    )


def _default_posts_dir(config: dict, defaults: dict) -> str:
    # With collections_dir set, Jekyll reads posts only from <collections_dir>/_posts.
    folder = str(config.get("collections_dir") or "").strip("/")
    return f"{folder}/{defaults['posts_dir']}" if folder else defaults["posts_dir"]


_COLLECTIONS_DIR = re.compile(r"""^collections_dir:[ \t]*(["']?)([^"'#\r\n]*?)\1[ \t]*(?:#.*)?$""", re.M)


def default_posts_dir(site: Path, target_default: str, texts: list[str] | None = None) -> str:
    """``_default_posts_dir`` read without a YAML parser (the fast path of ``nb2post check``). ``texts``:
    the config file's text (``config_texts``), when the caller read it already."""
    if texts is None:
        try:
            texts = [(site / CONFIG_NAME).read_text(encoding="utf-8-sig")]
        except OSError:
            texts = []
    if not texts:
        return target_default
    match = _COLLECTIONS_DIR.search(texts[0])
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
    if (
        not isinstance(value, dict)
        or any(k not in NAMES for k in value)
        or any(not isinstance(v, bool) for v in value.values())
    ):
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
