"""The share brief: a post's URL, the words to share it with, what its link's preview card shows, and
a checklist of where to share it, each channel with a link that opens it with the text filled in.

Written as ``_briefs/<slug>.md`` (for a person) and ``_briefs/<slug>.json`` (for tools) in the site.
Jekyll renders no folder whose name starts with ``_`` unless it is a collection, so neither reaches
``_site``. What a person recorded in the checklist's "Posted where" / "Posted when" columns is kept
whenever the brief is written again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import time
from pathlib import Path
from typing import NamedTuple

from .. import __version__
from ..diagnostics import Nb2postError

BRIEFS_DIR = "_briefs"
RECORDED = ("posted_where", "posted_when", "posted_id")  # posted_id: what `nb2post share` was answered
_TABLE_SPLIT = re.compile(r"(?<!\\)\|")


class BriefError(Nb2postError, ValueError):
    pass


# --- facts ----------------------------------------------------------------------------------------


def _notebook_for(site: Path, post_path: Path, facts) -> Path | None:
    """The notebook a post was made from (its marker line), found beside the repository (the root in
    the run's ``config.SiteFacts``) or the site."""
    from ..post import read_marker_from_file

    marker = read_marker_from_file(post_path)
    if marker is None:
        return None
    for base in (facts.root, Path(site)):
        if base is not None and (Path(base) / marker.source).is_file():
            return Path(base) / marker.source
    return None


def brief_slug(post_path: Path) -> str:
    from ..notebook.front_matter import parse_file_name

    try:
        _, slug = parse_file_name(post_path)
    except ValueError:
        slug = post_path.stem
    return slug


def build(site: Path, post_path: Path, settings=None) -> dict:
    """Everything the brief says, as plain data (the JSON twin). ``settings``: the site's, when the
    caller loaded them already (with its --config files); else they are loaded from _config.yml."""
    from ..convert import notebook_key
    from ..jekyll.config import ConfigError, load
    from ..jekyll.urls import UrlError, absolute_url, page_url, post_datetime, read_post_file
    from ..notebook.reader import NotebookError
    from .channels import PASTE, ChannelError, choose, facts_from_post, mastodon_instance, notebook_facts
    from .describe import describe

    site, post_path = Path(site), Path(post_path)
    if not post_path.is_file():
        raise BriefError(f"{post_path}: no such post")
    try:
        settings = settings if settings is not None else load(site)
        # the config and the Jekyll version already read (with --config overrides)
        post_file = read_post_file(site, post_path, settings.site_config, settings.facts.jekyll_build()[0])
        url = absolute_url(settings.site_config, page_url(post_file, settings.site_config))
    except (ConfigError, UrlError) as exc:
        raise BriefError(str(exc)) from None
    front, body = post_file.front_matter, post_file.body
    warnings: list[str] = []
    if not url.startswith(("http://", "https://")):
        warnings.append("_config.yml has no 'url:' (e.g. https://you.github.io), so the URL is only a path; set it")
    else:
        from .twitter_text import is_valid_url

        site_url = str(settings.site_config.get("url") or "")
        if not is_valid_url(site_url):
            warnings.append(
                f"_config.yml: url: {site_url!r} is no valid http(s) URL, so links to the post break; fix it"
            )
    if front.get("published") is False:
        warnings.append("the post has 'published: false': Jekyll does not publish it")
    try:
        when = post_datetime(post_file, front, settings.site_config)
        if when.date() > dt.date.today() and not settings.site_config.get("future"):
            warnings.append(f"the post is dated {when.date()}: Jekyll skips it until then (or set 'future: true')")
    except UrlError as exc:
        warnings.append(str(exc))

    notebook = _notebook_for(site, post_path, settings.facts)
    if notebook is not None:
        try:
            facts = notebook_facts(notebook)
        except NotebookError as exc:
            warnings.append(f"{exc}; channels chosen from the post instead")
            facts = facts_from_post(body)
    else:
        facts = facts_from_post(body)
    try:
        channels, channel_warnings = choose(facts, settings.raw, str(site / "_config.yml"))
    except ChannelError as exc:
        raise BriefError(str(exc)) from None
    warnings.extend(channel_warnings)

    description = describe(front, body, url)
    instance, instance_warning = mastodon_instance(settings.raw, str(site / "_config.yml"))
    if instance_warning:
        warnings.append(instance_warning)
    rows = [
        {
            **dataclasses.asdict(channel),
            "paste": PASTE.get(channel.text, channel.text),
            "share_link": _share_link(channel, description, url, facts.arxiv, instance),
            "posted_where": "",
            "posted_when": "",
        }
        for channel in channels
    ]
    card = preview_card(site, front, settings.site_config, url)
    return {
        "title": str(front.get("title") or brief_slug(post_path)),
        "url": url,
        "post": post_path.resolve().relative_to(site.resolve()).as_posix()
        if site.resolve() in post_path.resolve().parents
        else str(post_path),
        "notebook": notebook_key(notebook, site, settings.facts) if notebook else None,
        "description": description.to_dict(),
        "imports": sorted({name.split(".")[0] for name in facts.imports}),
        "arxiv": facts.arxiv,
        "channels": rows,
        "card": card,
        "warnings": warnings,
        "generated_by": f"nb2post {__version__}",
    }


def _share_link(channel, description, url: str, arxiv: list[str], instance: str) -> str:
    """The channel's one-click link with its text filled in ("" when it has none or lacks a value)."""
    from .channels import share_link

    if not channel.share or not url.startswith(("http://", "https://")):
        return ""
    variants = {variant.channel: variant for variant in description.variants}
    chosen = variants.get(channel.text)
    text = chosen.text if chosen else description.full
    if channel.text == "url":
        text = url
    title_variant = variants.get(channel.text if channel.text in ("hacker_news", "reddit") else "reddit")
    values = {
        "url": url,
        "title": title_variant.text if title_variant else "",
        "text": text,
        # X's intent puts the url= parameter after the text itself
        "text_without_url": " ".join(text.replace(url, " ").split()) if url in text else text,
        "arxiv": arxiv[0] if arxiv else "",
        "instance": instance,
    }
    return share_link(channel.share, values)


# --- the preview card ---------------------------------------------------------------------------

# What the networks recommend for a link's image (their docs, November 2026): X's large card
# (summary_large_image) is 2:1, at least 300×157, at most 4096×4096 and 5 MB; LinkedIn recommends
# 1200×627 (1.91:1); Mastodon and Bluesky show og:image at about 1.91:1 too.
X_MIN = (300, 157)
X_MAX_BYTES = 5 * 1024 * 1024
LINKEDIN_SIZE = (1200, 627)


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in pixels from a PNG, GIF, JPEG or WebP file's header; None for anything else."""
    import struct

    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", data[6:10])
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        kind = data[12:16]
        if kind == b"VP8X":
            return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
        if kind == b"VP8 ":
            width, height = struct.unpack("<HH", data[26:30])
            return width & 0x3FFF, height & 0x3FFF
        if kind == b"VP8L":
            bits = int.from_bytes(data[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        return None
    if data[:2] == b"\xff\xd8":
        index = 2
        while index + 9 <= len(data):
            if data[index] != 0xFF:
                index += 1
                continue
            marker = data[index + 1]
            if marker == 0xFF:
                index += 1
                continue
            if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
                index += 2
                continue
            length = struct.unpack(">H", data[index + 2 : index + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start-of-frame segment
                height, width = struct.unpack(">HH", data[index + 5 : index + 9])
                return width, height
            index += 2 + length
    return None


def _image_path(front: dict) -> str:
    image = front.get("image")
    if isinstance(image, dict):
        image = image.get("path")
    return str(image).strip() if isinstance(image, (str, int, float)) and str(image).strip() else ""


def _image_notes(size: tuple[int, int]) -> list[str]:
    width, height = size
    notes = []
    if width < X_MIN[0] or height < X_MIN[1]:
        notes.append(f"smaller than X's minimum for a large card ({X_MIN[0]}×{X_MIN[1]}): X shows a small card")
    elif abs(width / height - 2) > 0.1:
        notes.append(f"X's large card is 2:1 and this image is {width / height:.2f}:1: X crops it")
    if width < 401:
        notes.append("narrower than 401 px: LinkedIn shows it as a small thumbnail beside the title")
    elif width < LINKEDIN_SIZE[0]:
        notes.append(f"smaller than LinkedIn's recommended {LINKEDIN_SIZE[0]}×{LINKEDIN_SIZE[1]}: it may look blurred")
    if abs(width / height - LINKEDIN_SIZE[0] / LINKEDIN_SIZE[1]) > 0.15 and width >= 401:
        notes.append("LinkedIn, Mastodon and Bluesky show about 1.91:1: they crop it")
    return notes


def preview_card(site: Path, front: dict, site_config: dict, url: str) -> dict:
    """What X, LinkedIn, Mastodon and Bluesky show for the post's link: the title, description and
    image the page's og:/twitter: tags carry (as jekyll-seo-tag writes them from the front matter)."""
    from urllib.parse import unquote, urljoin, urlsplit

    from .describe import markdown_to_text

    title = markdown_to_text(str(front.get("title") or ""))
    description = markdown_to_text(str(front.get("description") or front.get("summary") or ""))
    card: dict = {
        "title": title,
        "description": description,
        "image": "",
        "image_url": "",
        "width": None,
        "height": None,
        "notes": [],
        "problems": [],
    }

    def problem(text: str) -> None:
        """A note that means a channel shows no image for the link: the brief cannot be shared as is.
        It stays among the notes (the brief's own list) and is also listed in ``problems``."""
        card["notes"].append(text)
        card["problems"].append(text)

    plugins = site_config.get("plugins") or site_config.get("gems") or []
    plugins = [str(p) for p in plugins] if isinstance(plugins, list) else []
    themed = site_config.get("theme") or site_config.get("remote_theme")  # minima & co. bring jekyll-seo-tag
    if "jekyll-seo-tag" not in plugins and not themed:
        card["notes"].append(
            "the site does not list jekyll-seo-tag in plugins: its layout must write the og:/twitter: tags "
            "itself (nb2post brief --check-live checks them)"
        )
    if not description:
        card["notes"].append("no description in the front matter: the cards show the post's excerpt or none")
    image = _image_path(front)
    card["image"] = image
    if not image:
        card["notes"].append("no image: X shows a small card without a picture; set 'image:' in the front matter")
        return card
    base = str(site_config.get("url") or "").rstrip("/")
    baseurl = (
        "/" + str(site_config.get("baseurl") or "").strip("/")
        if str(site_config.get("baseurl") or "").strip("/")
        else ""
    )
    if re.match(r"https?://", image):
        card["image_url"] = image
        local = urlsplit(image).path if base and image.startswith(base) else ""
    else:
        path = image if image.startswith("/") else "/" + image
        card["image_url"] = (base + baseurl + path) if base else urljoin(url, baseurl + path)
        local = baseurl + path
    if local:
        if baseurl and local.startswith(baseurl + "/"):
            local = local[len(baseurl) :]
        file = Path(site) / unquote(local).lstrip("/")
        if image.lower().endswith(".svg"):
            problem("an SVG image: X, LinkedIn, Mastodon and Bluesky show no SVG in cards; use a PNG or JPEG")
        elif not file.is_file():
            problem(f"the image {image} is not in the site ({file} is missing)")
        else:
            nbytes = file.stat().st_size
            with file.open("rb") as handle:  # the header is enough: the image may be megabytes
                size = image_size(handle.read(256 * 1024))
            if size is None:
                problem(f"{image} is no PNG, JPEG, GIF or WebP the cards can show")
            else:
                card["width"], card["height"] = size
                card["notes"].extend(_image_notes(size))
                if nbytes > X_MAX_BYTES:
                    problem(
                        f"{image} is {nbytes / 1048576:.1f} MB: over X's 5 MB limit for card images, "
                        "so X shows no image; make it smaller"
                    )
    return card


# --- keeping what a person recorded -------------------------------------------------------------


def _cells(line: str) -> list[str]:
    parts = _TABLE_SPLIT.split(line.strip())
    if parts and parts[0] == "":
        parts = parts[1:]
    if parts and parts[-1] == "":
        parts = parts[:-1]
    return [part.strip().replace("\\|", "|") for part in parts]


def recorded_in_markdown(text: str) -> dict[str, dict[str, str]]:
    """``{channel name (lower case): {"posted_where": ..., "posted_when": ...}}`` from the checklist."""
    found: dict[str, dict[str, str]] = {}
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.lstrip().startswith("|"):
            header = None
            continue
        cells = _cells(line)
        lowered = [c.lower() for c in cells]
        if header is None:
            if "channel" in lowered and "posted where" in lowered and "posted when" in lowered:
                header = lowered
            continue
        if all(re.fullmatch(r":?-{3,}:?", c) for c in cells if c):
            continue
        row = dict(zip(header, cells))
        name = row.get("channel", "").strip()
        values = {"posted_where": row.get("posted where", ""), "posted_when": row.get("posted when", "")}
        if name and any(values.values()):
            found[name.lower()] = {**values, "name": name}
    return found


def recorded_in_json(text: str) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    found: dict[str, dict[str, str]] = {}
    for channel in data.get("channels") or [] if isinstance(data, dict) else []:
        if isinstance(channel, dict) and channel.get("name"):
            values = {key: str(channel.get(key) or "") for key in RECORDED}
            if any(values.values()):
                found[str(channel["name"]).lower()] = values
    return found


def merge_recorded(brief: dict, previous_markdown: str, previous_json: str) -> dict:
    """Fill the new checklist from the old one. The Markdown is what people edit, so its cells win
    over the JSON's; a channel no longer suggested keeps its row when something was recorded for it."""
    recorded = recorded_in_json(previous_json)
    for name, values in recorded_in_markdown(previous_markdown).items():
        merged = dict(recorded.get(name, {}))
        merged.update({key: value for key, value in values.items() if value})
        recorded[name] = merged
    previous_rows = {}
    try:
        previous_rows = {str(c.get("name")).lower(): c for c in json.loads(previous_json).get("channels") or []}
    except (ValueError, AttributeError):
        pass
    for channel in brief["channels"]:
        values = recorded.pop(channel["name"].lower(), {})
        for key in RECORDED:
            channel[key] = values.get(key, "")
    for name, values in recorded.items():
        old = previous_rows.get(name) or {}
        brief["channels"].append(
            {
                "id": old.get("id") or re.sub(r"[^a-z0-9]+", "-", name).strip("-"),
                "name": old.get("name") or values.get("name") or name,
                "where": old.get("where", ""),
                "text": old.get("text", "linkedin"),
                "paste": old.get("paste", ""),
                "share_link": old.get("share_link", ""),
                "tip": "",
                "when": {},
                "why": "kept: recorded earlier, no longer suggested",
                **{key: values.get(key, "") for key in RECORDED},
            }
        )
    return brief


# --- writing ------------------------------------------------------------------------------------


def _cell(value) -> str:
    return " ".join(str(value or "").split()).replace("|", "\\|")


def _fenced(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def render_markdown(brief: dict) -> str:
    from ..templates_text import fill

    description = brief["description"]
    checks = "\n".join(
        f"| {_cell(v['label'])} | {v['count']} | {v['limit']} | {_cell(v['counted_as'])} | {'yes' if v['fits'] else '**no**'} |"
        for v in description["checks"]
    )
    same, different = [], []
    for variant in description["variants"]:
        figure = f"{variant['count']}/{variant['limit']}"
        if variant["text"] == description["full"]:
            same.append(f"{variant['label']} ({figure})")
            continue
        note = f" — {variant['note']}" if variant["note"] else ""
        different.append(
            f"### {variant['label']}: {figure} ({variant['counted_as']}){note}\n\n{_fenced(variant['text'])}"
        )
    variants = "\n\n".join(([f"Same text as the description: {', '.join(same)}."] if same else []) + different)
    checklist = "\n".join(
        "| "
        + " | ".join(
            [
                _cell(channel["name"]),
                _cell(channel["where"]),
                _cell(channel.get("paste") or channel["text"]),
                f"[open]({channel['share_link']})" if channel.get("share_link") else "",
                _cell("; ".join(filter(None, [channel["why"] or "always", channel.get("tip")]))),
                _cell(channel["posted_where"]),
                _cell(channel["posted_when"]),
            ]
        )
        + " |"
        for channel in brief["channels"]
    )
    notes = "".join(f"- **Note:** {_cell(w)}\n" for w in brief["warnings"])
    if brief["arxiv"]:
        notes += "- **Cites:** " + ", ".join(f"[arXiv:{i}](https://arxiv.org/abs/{i})" for i in brief["arxiv"]) + "\n"
    return fill(
        "brief.md",
        title=brief["title"],
        url=brief["url"],
        post=brief["post"],
        notebook=f"`{brief['notebook']}`"
        if brief["notebook"]
        else "not known (the post has no nb2post marker or the notebook is gone)",
        notes=notes,
        origin=f"from the {description['origin']}" + (", shortened" if description["shortened"] else ""),
        description=_fenced(description["full"]),
        checks=checks,
        variants=variants,
        card=render_card(brief.get("card") or {}),
        checklist=checklist,
    )


def render_card(card: dict) -> str:
    """The "Preview card" section: what each network shows for the link, and the image's size."""
    if not card:
        return "Not known."
    title = card.get("title") or "(no title)"
    description = card.get("description") or "(none: the post's excerpt, if the layout writes one)"
    if card.get("image_url"):
        size = f"{card['width']}×{card['height']} px" if card.get("width") else "size not known"
        image = f"{card['image_url']} ({size})"
    else:
        image = "none"
    has_image = bool(card.get("image_url"))
    rows = [
        (
            "X/Twitter",
            "large image card (summary_large_image): the image, with the title and domain"
            if has_image
            else "small summary card: title and description, no picture",
        ),
        ("LinkedIn", "the image, the title and the domain" if has_image else "the title and the domain"),
        ("Mastodon", "the title, the description and the image" if has_image else "the title and the description"),
        ("Bluesky", "the image, the title and the description" if has_image else "the title and the description"),
    ]
    lines = [
        f"- **Title:** {_cell(title)}",
        f"- **Description:** {_cell(description)}",
        f"- **Image:** {_cell(image)} — recommended: X 2:1, at least 300×157; LinkedIn 1200×627",
        "",
        "| Network | Shows |",
        "|---|---|",
        *(f"| {network} | {shows} |" for network, shows in rows),
    ]
    if card.get("notes"):
        lines.append("")
        lines.extend(f"- **Note:** {_cell(note)}" for note in card["notes"])
    return "\n".join(lines)


def brief_paths(site: Path, post_path: Path) -> tuple[Path, Path]:
    """``_briefs/<slug>.md`` and ``.json``; ``<date>-<slug>`` when another post already owns the slug."""
    folder = Path(site) / BRIEFS_DIR
    for stem in (brief_slug(post_path), Path(post_path).stem):
        markdown, twin = folder / f"{stem}.md", folder / f"{stem}.json"
        try:
            owner = json.loads(twin.read_text(encoding="utf-8")).get("post")
        except (OSError, ValueError, AttributeError):
            owner = None
        if owner is None or Path(site, owner).resolve() == Path(post_path).resolve():
            return markdown, twin
    return markdown, twin


def write_brief(site: Path, post_path: Path, settings=None) -> list[Path]:
    """Write (or refresh) the share brief of one post; returns the files written. ``settings``: as for
    ``build``."""
    from ..site import write_all

    site, post_path = Path(site), Path(post_path)
    brief = build(site, post_path, settings)
    markdown_path, json_path = brief_paths(site, post_path)
    previous_markdown = markdown_path.read_text(encoding="utf-8") if markdown_path.is_file() else ""
    previous_json = json_path.read_text(encoding="utf-8") if json_path.is_file() else ""
    merge_recorded(brief, previous_markdown, previous_json)
    files = {
        markdown_path: render_markdown(brief).encode("utf-8"),
        json_path: (json.dumps(brief, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
    }
    write_all(files, inside=site)
    return [markdown_path, json_path]


# --- is it live? --------------------------------------------------------------------------------


def wait_until_live(url: str, timeout: float, interval: float = 1.0) -> tuple[bool, str]:
    """Poll ``url`` until it answers 200 or ``timeout`` seconds pass: (live, a message saying so)."""
    import requests

    start = time.monotonic()
    deadline = start + timeout
    last = "no answer"
    headers = {"User-Agent": f"nb2post/{__version__} (live check)"}
    while True:
        remaining = deadline - time.monotonic()
        try:
            answer = requests.get(url, timeout=max(0.5, min(10.0, remaining)), headers=headers, allow_redirects=True)
            answer.close()
            if answer.status_code == 200:
                return True, f"{url} is live (HTTP 200 after {time.monotonic() - start:.1f} s)"
            last = f"HTTP {answer.status_code}"
        except requests.RequestException as exc:
            last = "connection refused" if "refused" in str(exc).lower() else type(exc).__name__
        if time.monotonic() + interval > deadline:
            return False, (
                f"{url} is not live after {timeout:g} s (last answer: {last}); the site may still be "
                f"building: try again later with a longer --timeout"
            )
        time.sleep(interval)
        interval = min(interval * 1.5, 10.0)


def _meta_tags(html_text: str) -> dict[str, str]:
    """``{property or name: content}`` of a page's <meta> tags (the first of each)."""
    from html.parser import HTMLParser

    found: dict[str, str] = {}

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag != "meta":
                return
            values = dict(attrs)
            key = (values.get("property") or values.get("name") or "").strip().lower()
            if key and key not in found and values.get("content") is not None:
                found[key] = values["content"]

    Collector().feed(html_text)
    return found


class CardCheck(NamedTuple):
    """What ``check_card`` found: ``faults`` break the card (no og:title or twitter:card, a missing or
    unanswering og:image), ``findings`` are every message to fix in order (the faults and the advice),
    ``facts`` what is right (the title read, the image answering)."""

    faults: list
    findings: list
    facts: list

    @property
    def ok(self) -> bool:
        return not self.faults


def check_card(url: str, card: dict, timeout: float = 10.0) -> CardCheck:
    """Fetch the published page and check what the networks read for its card: og:title,
    twitter:card, og:description, and og:image answering HTTP 200."""
    from urllib.parse import urljoin

    import requests

    headers = {"User-Agent": f"nb2post/{__version__} (card check)"}
    try:
        answer = requests.get(url, timeout=timeout, headers=headers)
        page = answer.text
    except requests.RequestException as exc:
        unfetched = f"{url}: cannot fetch the page to check its card ({type(exc).__name__})"
        return CardCheck([unfetched], [unfetched], [])
    tags = _meta_tags(page)
    faults, messages, facts = [], [], []

    def fault(message: str) -> None:
        faults.append(message)
        messages.append(message)

    for key in ("og:title", "twitter:card"):
        if not tags.get(key):
            fault(f"{url}: no {key} tag: the layout must write it (jekyll-seo-tag's {{% seo %}} does)")
    if tags.get("og:title"):
        facts.append(f"{url}: og:title is {tags['og:title']!r}")
    if not tags.get("og:description"):
        messages.append(f"{url}: no og:description: cards show no description")
    image = tags.get("og:image") or tags.get("twitter:image")
    if not image:
        if card.get("image"):
            fault(f"{url}: the post sets image: {card['image']} but the page has no og:image tag")
        return CardCheck(faults, messages, facts)
    image_url = urljoin(url, image)
    if card.get("image") and tags.get("twitter:card") != "summary_large_image":
        messages.append(
            f"{url}: twitter:card is {tags.get('twitter:card')!r}: X shows a small card, not the large image"
        )
    try:
        answer = requests.get(image_url, timeout=timeout, headers=headers, stream=True)
        status: int | str = answer.status_code
        answer.close()
    except requests.RequestException as exc:
        status = type(exc).__name__
    if status == 200:
        facts.append(f"{url}: og:image {image_url} answers HTTP 200")
    else:
        fault(f"{url}: og:image {image_url} does not answer (HTTP {status}): the cards show no picture")
    return CardCheck(faults, messages, facts)
