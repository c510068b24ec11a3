"""The site writes posts: all-or-nothing per post, never over a person's edits.

Every file of a post (the Markdown and its images) is first written to a temporary file beside its
destination; only when all of them are written are they renamed into place.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import gitrepo
from .config import Settings
from .post import Marker, Post, edited_by_hand, read_marker, read_marker_from_file, with_marker


class HandEditedError(Exception):
    pass


@dataclass
class WriteResult:
    post_path: Path
    status: str  # "written", "unchanged", "would write"
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


def post_text(post: Post) -> str:
    from . import front_matter as fm  # here, not at the top: `nb2post check` reads posts without it

    text = "---\n" + fm.dump(post.front_matter) + "---\n\n" + post.body
    return with_marker(text, post.source, post.source_hash)


def notebook_gone(key: str, site: Path) -> bool:
    """True when the notebook a post names (``key``: relative to the repository, else the site) is not there."""
    bases = [b for b in (gitrepo.find_root(site), Path(site).resolve()) if b is not None]
    return not any((base / key).exists() for base in bases)


def moved_post(key: str, posts: dict[str, tuple[Path, Marker]], site: Path) -> tuple[str, Path, Marker] | None:
    """(old key, post, marker) when the notebook ``key`` looks moved (``git mv a/x.ipynb b/x.ipynb``): exactly
    one post names a notebook of the same file name that no longer exists. The post then follows it."""
    name = PurePosixPath(key).name
    found = [
        (old, path, marker)
        for old, (path, marker) in posts.items()
        if old != key and PurePosixPath(old).name == name and notebook_gone(old, site)
    ]
    return found[0] if len(found) == 1 else None


class Site:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = Path(settings.site)
        self.posts_dir = self.root / settings.posts_dir
        self._by_source: dict[str, tuple[Path, Marker]] | None = None

    def posts_by_source(self) -> dict[str, tuple[Path, Marker]]:
        """Posts nb2post wrote, by the notebook they came from (read from each post's marker line)."""
        if self._by_source is None:
            found: dict[str, tuple[Path, Marker]] = {}
            if self.posts_dir.is_dir():
                for path in sorted(self.posts_dir.glob("*.md")):
                    marker = read_marker_from_file(path)
                    if marker is not None:
                        found[marker.source] = (path, marker)
            self._by_source = found
        return self._by_source

    def previous_post(self, key: str) -> tuple[Path, Marker] | None:
        """The post made earlier from notebook ``key`` — or from the path it was moved from."""
        posts = self.posts_by_source()
        if key in posts:
            return posts[key]
        moved = moved_post(key, posts, self.root)
        return (moved[1], moved[2]) if moved else None

    def write(self, post: Post, force: bool = False, dry_run: bool = False) -> WriteResult:
        target = self.posts_dir / post.file_name
        text = post_text(post)
        previous = self.previous_post(post.source)
        stale = previous[0] if previous and previous[0] != target else None
        moved_from = previous_source = None
        if previous is not None and previous[1].source != post.source:
            moved_from = previous_source = previous[1].source

        if stale is not None and not force and os.path.lexists(stale):
            if gitrepo.in_head(stale):
                raise HandEditedError(
                    f"{stale}: would be renamed {stale.name} → {target.name}, which changes its published URL "
                    f"(links to it break); not renamed. Keep the name with 'date:'/'slug:' in {post.source}, "
                    f"or run again with --force to rename it"
                )
        for path in filter(None, (target if os.path.lexists(target) else None, stale)):
            if path.is_symlink():
                if force:
                    continue  # write_all replaces the link itself; what it points to is left alone
                raise HandEditedError(
                    f"{path}: is a symbolic link (to {os.readlink(path)}), not a post nb2post wrote; not "
                    f"overwritten. Remove the link, or run again with --force to replace the link (not the "
                    f"file it points to) with the post"
                )
            current = path.read_text(encoding="utf-8", errors="replace")
            if path == target and current == text:
                continue
            owner = read_marker(current)[0]
            if owner is not None and owner.source not in (post.source, previous_source) and not force:
                raise HandEditedError(
                    f"{path}: already holds the post made from {owner.source}; two notebooks give the same "
                    f"date and name. Rename one of them or set 'slug:' in its front matter"
                )
            if edited_by_hand(current) and not force:
                why = "was edited by hand" if "nb2post:" in current else "was not written by nb2post"
                raise HandEditedError(
                    f"{path}: {why}; not overwritten. Move your changes into {post.source} "
                    f"or run again with --force to replace the post"
                )

        # Images first, the post last: a post on disk never links to an image that is not there yet.
        changes: dict[Path, bytes] = {}
        for site_path, data in post.assets.items():
            destination = self.root / site_path
            if not destination.is_file() or destination.read_bytes() != data:
                changes[destination] = data
        if target.is_symlink() or not (target.exists() and target.read_bytes() == text.encode("utf-8")):
            changes[target] = text.encode("utf-8")
        removed = [stale] if stale is not None and os.path.lexists(stale) else []
        if not changes and not removed:
            return WriteResult(target, "unchanged")
        for destination in changes:
            confined(destination, self.root)  # a folder linked out of the site: refused, dry run or not
        if dry_run:
            return WriteResult(target, "would write", written=list(changes), removed=removed)
        write_all(changes, inside=self.root)
        for path in removed:
            path.unlink()
        if self._by_source is not None:
            if moved_from is not None:
                self._by_source.pop(moved_from, None)
            self._by_source[post.source] = (target, Marker(post.source, post.source_hash, ""))
        return WriteResult(target, "written", written=list(changes), removed=removed)


class OutsideSiteError(ValueError):
    """A destination that leaves the site through a symbolic link (or '..')."""


def confined(destination: Path, root: Path) -> Path:
    """Where to write ``destination``: its folder with links resolved, which must lie inside ``root``
    (resolved), and its own name *not* resolved — a link there is replaced, never written through."""
    root = Path(root).resolve()
    destination = Path(destination)
    folder = destination.parent.resolve()
    if folder == root or root in folder.parents:
        return folder / destination.name
    # Name the first part of the path that leads out, so the fix is obvious.
    try:
        parts = destination.absolute().relative_to(root).parts
        base = root
    except ValueError:
        parts, base = (), None
    for index in range(len(parts) - 1):
        step = base.joinpath(*parts[: index + 1])
        resolved = step.resolve()
        if resolved != root and root not in resolved.parents:
            shown = Path(*parts[: index + 1]).as_posix()
            raise OutsideSiteError(
                f"{step}: {shown} is a link to {resolved}, outside the site {root}; nb2post writes only inside "
                f"the site. Make {shown} a real folder (or point it inside the site)"
            )
    raise OutsideSiteError(f"refusing to write {destination}: outside the site {root}")


def write_all(files: dict[Path, bytes], inside: Path) -> None:
    """Write every file or none: temporary files first, then renames.

    A destination that is a symbolic link is replaced by the file, never written through: a link in
    ``_posts`` must not turn a post into ``_config.yml``.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        destinations = [(confined(destination, inside), data) for destination, data in files.items()]
        for destination, data in destinations:
            destination.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".nb2post-", suffix=".tmp", dir=destination.parent)
            staged.append((Path(temporary), destination))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temporary, 0o644)
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    try:
        for temporary, destination in staged:
            os.replace(temporary, destination)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
