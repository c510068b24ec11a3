"""Image files that a post carries: output images, pasted attachments, data URIs, local images.

Every file lands under ``<images_dir>/<slug>/`` inside the site with a sanitised name, so nothing is
ever written outside the site folder whatever the notebook says. Links use Jekyll's ``relative_url``
filter so they work under any ``baseurl``.
"""
from __future__ import annotations

import base64
import binascii
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/jpg": ".jpg",
    "image/gif": ".gif",
    "image/svg+xml": ".svg",
    "image/webp": ".webp",
    "image/bmp": ".bmp",
}


def safe_segment(name: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return name or "image"


def safe_relative(path: str) -> str:
    """A relative POSIX path with only safe segments: no '..', no absolute part, no odd characters."""
    parts = [safe_segment(p) for p in PurePosixPath(path.replace("\\", "/")).parts if p not in ("", ".", "..", "/")]
    return "/".join(parts) or "image"


@dataclass
class AssetSet:
    """The files of one post. ``folder`` is site-relative (``assets/images/my-post``)."""

    folder: str
    local_folder: str | None = None  # where copies of local image files go (default: folder)
    files: dict[str, bytes] = field(default_factory=dict)  # site-relative path -> content
    warnings: list[str] = field(default_factory=list)

    def add(self, name: str, data: bytes, folder: str | None = None) -> str:
        """Store ``data`` under a unique safe name; return the site path (``/assets/images/x/a.png``)."""
        folder = folder or self.folder
        relative = safe_relative(name)
        stem, dot, ext = relative.rpartition(".")
        if not dot:
            stem, ext = relative, ""
        candidate = relative
        counter = 2
        while f"{folder}/{candidate}" in self.files and self.files[f"{folder}/{candidate}"] != data:
            candidate = f"{stem}-{counter}.{ext}" if ext else f"{stem}-{counter}"
            counter += 1
        site_path = f"{folder}/{candidate}"
        self.files[site_path] = data
        return "/" + site_path

    def add_base64(self, name: str, payload) -> str | None:
        if isinstance(payload, list):
            payload = "".join(payload)
        try:
            data = base64.b64decode(str(payload).strip(), validate=False)
        except (binascii.Error, ValueError):
            self.warnings.append(f"image {name} is not valid base64; left out")
            return None
        return self.add(name, data)

    def add_data_uri(self, name_stem: str, uri: str) -> str | None:
        match = re.match(r"data:([\w/+.-]+)?((?:;[\w=.-]+)*?)(;base64)?,(.*)", uri, re.S)
        if not match:
            return None
        mime = (match.group(1) or "application/octet-stream").lower()
        ext = EXTENSIONS.get(mime, mimetypes.guess_extension(mime) or ".bin")
        if match.group(3):
            return self.add_base64(name_stem + ext, match.group(4))
        return self.add(name_stem + ext, unquote(match.group(4)).encode("utf-8"))

    def add_local(self, notebook_dir: Path, reference: str) -> str | None:
        """Copy a local file a markdown cell refers to. None when it is not a local file that exists."""
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", reference) or reference.startswith(("/", "#", "{")):
            return None
        clean = unquote(reference.split("#", 1)[0].split("?", 1)[0])
        source = (notebook_dir / clean).resolve()
        if not source.is_file():
            self.warnings.append(f"image '{reference}' not found next to the notebook; link left as written")
            return None
        return self.add(clean, source.read_bytes(), folder=self.local_folder)


def liquid_link(site_path: str) -> str:
    """A link that works under the site's baseurl."""
    return '{{ "%s" | relative_url }}' % site_path.replace('"', "%22")
