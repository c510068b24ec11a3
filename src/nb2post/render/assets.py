"""Files that a post carries: output images, pasted attachments, data URIs, local images and media.

Every file lands under ``<images_dir>/<folder>/`` inside the site with a sanitised name, so nothing is
ever written outside the site folder whatever the notebook says. ``<folder>`` is the post's date and
slug (:func:`nb2post.post.post_folder`), so two posts never share one. Links use Jekyll's ``relative_url`` filter so
they work under any ``baseurl``.

A notebook is untrusted input, and whatever lands in the site gets published. So a local file a notebook
names is copied only when it resolves (symlinks followed) inside the repository (:func:`confinement_roots`),
is a regular file, and is an image, a video or audio by its content — not by its name. Anything else
keeps its link as written and gets a warning.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from ..diagnostics import Nb2postError
from ..post import safe_segment

EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/jpg": ".jpg",
    "image/gif": ".gif",
    "image/svg+xml": ".svg",
    "image/webp": ".webp",
    "image/bmp": ".bmp",
    "image/avif": ".avif",
    "image/x-icon": ".ico",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
    "video/quicktime": ".mov",
    "audio/mp4": ".m4a",
    "audio/ogg": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/wav": ".wav",
    "audio/flac": ".flac",
}
# Other names a file of each type may carry (a copy keeps its name when it already says its type).
_OTHER_EXTENSIONS = {
    "image/jpeg": {".jpeg", ".jpe", ".jfif"},
    "image/svg+xml": {".svgz"},
    "image/x-icon": {".cur"},
    "video/mp4": {".m4v", ".mp4v"},
    "audio/mp4": {".mp4", ".aac"},
    "audio/ogg": {".oga", ".ogv", ".opus", ".ogx"},
    "video/webm": {".weba"},
    "audio/wav": {".wave"},
}
# The order Jupyter (classic notebook and JupyterLab's rendermime) prefers image types in a bundle.
IMAGE_PRIORITY = ("image/svg+xml", "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp")
# GitHub's sizes for one file, in MiB as its own messages count them: a push warns over 50 and is refused
# over 100. GitHub Pages serves no Git LFS files, so LFS is no way round them for a post's images.
GITHUB_WARNING_BYTES = 50 * 1024 * 1024
GITHUB_LIMIT_BYTES = 100 * 1024 * 1024
# Web pages cannot show these as a preview card's picture (X, LinkedIn, Facebook read raster images).
_CARD_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


# --- What a file is, by its content -------------------------------------------------------------------

_SVG_PROLOGUE = re.compile(rb"\A(?:\s|<\?xml[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<svg[\s>/]", re.S | re.I)


_BMP_HEADERS = {12, 40, 52, 56, 64, 108, 124}  # the sizes of the DIB headers that exist


def sniff(data: bytes) -> str | None:
    """The media type of ``data`` from its first bytes (images, videos, audio), or None."""
    head = data[:64]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[:2] == b"BM" and head[6:10] == b"\0\0\0\0" and int.from_bytes(head[14:18], "little") in _BMP_HEADERS:
        return "image/bmp"
    if head[:4] in (b"\x00\x00\x01\x00", b"\x00\x00\x02\x00") and head[4:6] != b"\0\0" and head[9:10] == b"\0":
        return "image/x-icon"
    if head[4:8] == b"ftyp" and 8 <= int.from_bytes(head[:4], "big") <= 512:
        brands = {head[8:12]} | {
            head[i : i + 4] for i in range(16, min(len(head), int.from_bytes(head[:4], "big") or 32), 4)
        }
        if brands & {b"avif", b"avis"}:
            return "image/avif"
        if head[8:12] == b"qt  ":
            return "video/quicktime"
        if head[8:11] == b"M4A":
            return "audio/mp4"
        return "video/mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm"
    if head[:5] == b"OggS\x00":
        return "audio/ogg"
    if head[:4] == b"fLaC":
        return "audio/flac"
    if _mp3(head):
        return "audio/mpeg"
    text = data[:16384].lstrip(b"\xef\xbb\xbf")
    if _SVG_PROLOGUE.match(text):
        return "image/svg+xml"
    return None


def _mp3(head: bytes) -> bool:
    """An ID3 tag, or an MPEG audio layer III frame header. Strict on purpose: ``FF FE`` also starts
    every UTF-16 text file."""
    if head[:3] == b"ID3":
        return head[3:4] in (b"\x02", b"\x03", b"\x04") and head[4:5] == b"\x00" and all(b < 0x80 for b in head[6:10])
    return (
        len(head) >= 4
        and head[0] == 0xFF
        and head[1] in (0xFB, 0xFA, 0xF3, 0xF2, 0xE3, 0xE2)
        and 0 < head[2] >> 4 < 15
        and (head[2] >> 2) & 3 != 3
    )


def _normal_mime(mime: str) -> str:
    mime = mime.lower().strip()
    return {
        "image/jpg": "image/jpeg",
        "image/svg": "image/svg+xml",
        "image/vnd.microsoft.icon": "image/x-icon",
        "audio/x-wav": "audio/wav",
        "audio/wave": "audio/wav",
        "audio/mp3": "audio/mpeg",
    }.get(mime, mime)


def is_media(mime: str | None) -> bool:
    return bool(mime) and mime.split("/")[0] in ("image", "video", "audio")


def decode_image(mime: str, payload) -> tuple[bytes | None, str | None]:
    """The bytes of image data stored in a notebook (base64, or SVG as text) and the type they really
    have. (None, None) when they are not an image at all."""
    text = "".join(payload) if isinstance(payload, list) else str(payload)
    mime = _normal_mime(mime)
    if mime == "image/svg+xml" and text.lstrip("\ufeff \t\r\n")[:1] == "<":
        data = text.encode("utf-8")
        found = sniff(data)
        return (data, found) if found == "image/svg+xml" else (None, None)
    try:
        data = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        try:
            data = base64.b64decode(text, validate=False)
        except (binascii.Error, ValueError):
            return None, None
    found = sniff(data)
    return (data, found) if found and found.startswith("image/") else (None, None)


# --- Where a post's files go ----------------------------------------------------------------------------


def safe_relative(path: str) -> str:
    """A relative POSIX path with only safe segments: no '..', no absolute part, no odd characters."""
    parts = [safe_segment(p) for p in PurePosixPath(path.replace("\\", "/")).parts if p not in ("", ".", "..", "/")]
    return "/".join(parts) or "image"


def confinement_roots(site: Path, notebook: Path, repository: Path | None) -> tuple[Path, ...]:
    """The folders a notebook's local references may reach: the site's repository (``repository``, its
    root as the run found it; None: the site is in none) else the site.

    A notebook kept outside them (``nb2post convert ~/nb.ipynb --site blog``) may also use files of its
    own repository, else of its own folder.
    """
    from ..gitrepo import find_root

    site_root = (repository or Path(site)).resolve()
    notebook_dir = Path(os.path.realpath(Path(notebook).parent))
    if notebook_dir == site_root or site_root in notebook_dir.parents:
        return (site_root,)
    return (site_root, (find_root(notebook_dir) or notebook_dir).resolve())


def published_path(site: Path, file: Path, site_config: dict | None = None) -> str | None:
    """The site path (``/images/x.png``) Jekyll publishes ``file`` under, or None when it does not
    (outside the site, in a ``_folder`` or ``.folder``, or excluded in ``_config.yml``)."""
    try:
        relative = file.relative_to(Path(site).resolve())
    except ValueError:
        return None
    parts = relative.parts
    if not parts or any(p.startswith(("_", ".", "#", "~")) for p in parts) or relative.name.endswith("~"):
        return None
    from ..jekyll.published import excluded_path

    path = relative.as_posix()
    return None if excluded_path(site_config or {}, path) else "/" + path


# --- The files of one post ------------------------------------------------------------------------------


def cell_label(prefix: str) -> str:
    """``cell3-output1`` -> ``cell 3``: how warnings name the cell."""
    match = re.match(r"cell(\d+)", prefix)
    return f"cell {match.group(1)}" if match else prefix


class Refused(Nb2postError):
    """A local reference that must not be copied; the message says why."""


@dataclass
class AssetSet:
    """The files of one post. ``folder`` is site-relative (``assets/images/2024-05-01-my-post``).

    ``roots`` are the folders local references must stay inside; ``site`` lets files the site already
    publishes be linked where they are instead of copied.
    """

    folder: str
    local_folder: str | None = None  # where copies of local files go (default: folder)
    roots: tuple[Path, ...] = ()
    site: Path | None = None
    site_config: dict = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # site-relative path -> content
    types: dict[str, str] = field(default_factory=dict)  # site path (/a/b.png) -> media type
    figures: list[str] = field(default_factory=list)  # site paths of images, in the order the post shows them
    warnings: list[str] = field(default_factory=list)
    awaited: list[str] = field(default_factory=list)  # local files linked but missing (site-relative; Post.awaited)

    def add(
        self, name: str, data: bytes, folder: str | None = None, mime: str | None = None, keep_name: bool = False
    ) -> str:
        """Store ``data`` under a unique safe name; return the site path (``/assets/images/x/a.png``).

        The name gets the extension of the type the data has, except ``keep_name`` (a copied local file,
        whose path fastpages' ``image:`` keys name) keeps its own unless a browser needs it (SVG)."""
        folder = folder or self.folder
        relative = safe_relative(name)
        mime = mime or sniff(data)
        if mime and (not keep_name or mime == "image/svg+xml"):
            relative = _with_extension(relative, mime)
        stem, dot, ext = relative.rpartition(".")
        if not dot or "/" in ext:
            stem, ext = relative, ""
        candidate = relative
        counter = 2
        while f"{folder}/{candidate}" in self.files and self.files[f"{folder}/{candidate}"] != data:
            candidate = f"{stem}-{counter}.{ext}" if ext else f"{stem}-{counter}"
            counter += 1
        site_path = f"{folder}/{candidate}"
        self.files[site_path] = data
        return self._shown("/" + site_path, mime)

    def _shown(self, site_path: str, mime: str | None) -> str:
        if mime:
            self.types[site_path] = mime
        if mime and mime.startswith("image/") and site_path not in self.figures:
            self.figures.append(site_path)
        return site_path

    def add_image(self, name: str, mime: str, payload, where: str, what: str = "") -> str | None:
        """Image data stored in the notebook (an output or an attachment), named by the type it really has.
        ``where`` names the cell and ``what`` the image (``attachment 'x.png'``) in warnings."""
        data, found = decode_image(mime, payload)
        declared = _normal_mime(mime)
        what = what or name
        if data is None:
            self.warnings.append(f"{where}: {what} is declared {declared} but is not an image; left out")
            return None
        if found != declared:
            self.warnings.append(f"{where}: {what} is declared {declared} but holds {found}; written as {found}")
        return self.add(name, data, mime=found)

    def add_data_uri(self, name_stem: str, uri: str, where: str = "") -> str | None:
        match = re.match(r"data:([\w/+.-]+)?((?:;[\w=.-]+)*?)(;base64)?,(.*)", uri, re.S)
        if not match:
            return None
        mime = _normal_mime(match.group(1) or "application/octet-stream")
        ext = EXTENSIONS.get(mime, mimetypes.guess_extension(mime) or ".bin")
        if match.group(3):
            return self.add_image(name_stem + ext, mime, match.group(4), where or name_stem, "a data: URI")
        data = unquote(match.group(4)).encode("utf-8")
        if not is_media(sniff(data)):
            self.warnings.append(
                f"{where or name_stem}: a data: URI of type {mime} is not an image; link left as written"
            )
            return None
        return self.add(name_stem + ext, data)

    def add_local(self, notebook_dir: Path, reference: str, where: str = "") -> str | None:
        """A local file a markdown cell refers to, as a site path: copied into the post's folder, or
        where the site already publishes it. None (and a warning) when it may not or cannot be used."""
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", reference) or reference.startswith(("/", "#", "{", "\\")):
            return None
        said = f"{where}: " if where else ""
        found = None
        for clean in dict.fromkeys((unquote(reference), unquote(reference.split("#", 1)[0].split("?", 1)[0]))):
            if clean and os.path.lexists(Path(notebook_dir) / clean):
                found = clean
                break
        if found is None:
            self._await(notebook_dir, (unquote(reference.split("#", 1)[0].split("?", 1)[0]),))
            self.warnings.append(f"{said}'{reference}' not found next to the notebook; link left as written")
            return None
        try:
            source, data, mime = self._read_confined(Path(notebook_dir) / found)
        except Refused as why:
            self.warnings.append(f"{said}'{reference}' {why}; link left as written")
            return None
        published = published_path(self.site, source, self.site_config) if self.site is not None else None
        if published is not None:  # the site publishes it already (../images/x.png from _notebooks/)
            return self._shown(published, mime)
        return self.add(found, data, folder=self.local_folder, mime=mime, keep_name=True)

    def _await(self, notebook_dir: Path, references) -> None:
        """Remember the missing local files ``references`` (relative to the notebook's folder) name: the post
        is written again once one appears (see nb2post.paths.appeared_files)."""
        if self.site is None:
            return
        for reference in references:
            if reference:
                path = Path(os.path.relpath(os.path.join(notebook_dir, reference), self.site)).as_posix()
                if path not in self.awaited:
                    self.awaited.append(path)

    def _read_confined(self, path: Path) -> tuple[Path, bytes, str]:
        """(real path, bytes, media type) of a local file, or Refused. Never opens a FIFO or a device."""
        real = Path(os.path.realpath(path))
        if not any(root == real or root in real.parents for root in self.roots):
            raise Refused("resolves outside the repository")
        if ".git" in real.parts:
            raise Refused("is inside the .git folder")
        try:
            info = os.stat(real)
        except OSError as exc:
            raise Refused(f"cannot be read ({exc.strerror})") from None
        if not stat.S_ISREG(info.st_mode):
            raise Refused("is not a regular file")
        try:
            # O_NONBLOCK: should the file have been swapped for a FIFO since the stat, opening it does not hang
            handle = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            raise Refused(f"cannot be read ({exc.strerror})") from None
        with os.fdopen(handle, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise Refused("is not a regular file")
            head = stream.read(16384)
            mime = sniff(head)
            if not is_media(mime):
                raise Refused("is not an image, video or audio file by its content")
            data = head + stream.read()
        return real, data, mime

    def front_matter_image(self, value, notebook_dir: Path) -> str | None:
        """Where the image a post's ``image:`` names lives now (a site path), or None to keep it as written.

        fastpages wrote ``images/copied_from_nb/<path next to the notebook>``; others write a path
        relative to the notebook. A path the site itself publishes is kept.
        """
        if not isinstance(value, str) or not value.strip():
            return None
        value = value.strip()
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//|^\{", value):
            return None
        if self.site is not None:
            in_site = Path(os.path.realpath(Path(self.site) / unquote(value.lstrip("/"))))
            if in_site.is_file() and published_path(self.site, in_site, self.site_config):
                return None  # a file the site publishes: Jekyll's plugins read the path as a site path already
        candidates = [value]
        marker = "images/copied_from_nb/"
        if value.lstrip("/").startswith(marker):
            candidates.insert(0, value.lstrip("/")[len(marker) :])
        for candidate in candidates:
            if candidate.startswith("/") or not os.path.lexists(Path(notebook_dir) / unquote(candidate)):
                continue
            before = list(self.figures)
            site_path = self.add_local(notebook_dir, candidate, where="front matter image")
            self.figures[:] = before  # the card's own image is not one of the post's figures
            return site_path
        self._await(notebook_dir, [unquote(candidate) for candidate in candidates if not candidate.startswith("/")])
        self.warnings.append(
            f"front matter image '{value}' names no file in the site or next to the notebook; left as written"
        )
        return None

    def card_image(self) -> str | None:
        """The post's first figure a preview card can show (raster, not SVG), as a site path."""
        return next((p for p in self.figures if self.types.get(p) in _CARD_TYPES), None)


def _with_extension(relative: str, mime: str) -> str:
    """The name with an extension that says its type: browsers show an SVG only when it is served as one."""
    wanted = EXTENSIONS.get(mime)
    if not wanted:
        return relative
    stem, dot, ext = relative.rpartition(".")
    current = f".{ext.lower()}" if dot and "/" not in ext else ""
    if current == wanted or current in _OTHER_EXTENSIONS.get(mime, ()):
        return relative
    if current and (mimetypes.guess_type("x" + current)[0] or "").split("/")[0] in ("image", "video", "audio"):
        return stem + wanted  # an image named by another type's extension: name it by the real one
    return relative + wanted


def liquid_link(site_path: str) -> str:
    """A link that works under the site's baseurl."""
    return '{{ "%s" | relative_url }}' % site_path.replace('"', "%22")
