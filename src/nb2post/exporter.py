"""nbconvert exporters: ``jupyter nbconvert --to jekyll nb.ipynb`` (and ``--to fastpages``).

Registered through the ``nbconvert.exporters`` entry point. They run the same pipeline as
``nb2post convert`` (:func:`nb2post.convert.build_post`), so the Markdown they return is byte for byte the
post ``nb2post convert`` writes, marker line included, and the output file gets the post's name
(``YYYY-MM-DD-slug.md``). The site is the nearest folder above the notebook holding ``_config.yml``
(``--JekyllExporter.site=PATH`` to choose). Where the files go, as ``nb2post convert`` would put them:

- no ``--output-dir``, inside a site: the post into the site's posts folder, its images into the site,
  where its links point;
- ``--output-dir`` inside the site: the post there, the images into the site;
- ``--output-dir`` elsewhere: the post there and its images below it at the paths the post links to
  (``OUT/assets/images/<slug>/...``): they move together, nothing is written into the site;
- ``--stdout``: the post on stdout and no file at all.

nbconvert's FilesWriter, not the exporter, writes the output file, and it overwrites whatever is there.
Under ``jupyter nbconvert`` the exporter therefore looks at the application's writer to learn where the
post will land and refuses (one error line, exit status 1) when a post there was edited by hand or not
written by nb2post, unless ``--JekyllExporter.force=True`` (``--FastpagesExporter.force=True``). Used as a
library (say a download from Jupyter), the images are written into the site and nothing is checked.
"""

from __future__ import annotations

import os
from pathlib import Path

from nbconvert.exporters import Exporter
from traitlets import Bool, Unicode

from .diagnostics import Nb2postError


class ExportError(Nb2postError, ValueError):
    """A notebook that cannot become a post; the message is one line naming the file."""


class JekyllExporter(Exporter):
    """A notebook as a post for a plain Jekyll site."""

    export_from_notebook = "Jekyll post (nb2post)"
    output_mimetype = "text/markdown"
    target = "jekyll"

    site = Unicode(
        "",
        help="The Jekyll site folder (holding _config.yml). Default: the nearest one above the notebook.",
    ).tag(config=True)

    force = Bool(
        False,
        help="Overwrite a post in the output folder even when it was edited by hand or not written by nb2post.",
    ).tag(config=True)

    def _file_extension_default(self):
        return ".md"

    def from_filename(self, filename, resources=None, **kw):
        resources = {} if resources is None else resources
        resources["nb2post_source"] = os.path.abspath(filename)
        return super().from_filename(filename, resources=resources, **kw)

    def from_notebook_node(self, nb, resources=None, **kw):
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        source = self._source_file(resources)
        try:
            post, site, found, warnings = self._post(source, nb_copy)
            beside_notebook = Path((resources.get("metadata") or {}).get("path") or ".")
            folder, images = _destination(site.root, site.posts_dir if found else beside_notebook)
            if not self.force and folder is not None:
                self._refuse_to_overwrite_hand_edits(folder / post.file_name)
        except ExportError as exc:
            app = _running_app()
            if app is None:
                raise
            app.log.error("%s", exc)  # one line instead of a traceback
            app.exit(1)
        self._report(warnings)
        from .site import post_text, write_all

        if images == "site":  # where the post's links point
            changed = {}
            for site_path, data in post.assets.items():
                destination = site.root / site_path
                if not destination.is_file() or destination.read_bytes() != data:
                    changed[destination] = data
            if changed:
                write_all(changed, inside=site.root)
        elif images == "output":  # beside the post, at the same site paths: the two move together
            resources.setdefault("outputs", {}).update({str(path): data for path, data in post.assets.items()})
        if folder is not None and found and not _output_dir():
            # No --output-dir inside a site: the post goes where 'nb2post convert' writes it.
            folder.mkdir(parents=True, exist_ok=True)
            resources.setdefault("metadata", {})["path"] = str(folder)
        resources["unique_key"] = Path(post.file_name).stem
        resources["output_extension"] = ".md"
        return post_text(post), resources

    def _report(self, diagnostics) -> None:
        """Each diagnostic once on the application's log at its level, as nb2post convert prints them; the
        notes at DEBUG (shown with --debug, as convert shows them with -v: INFO is nbconvert's default)."""
        from .diagnostics import ERROR, NOTE, Reporter

        log = {ERROR: self.log.error, NOTE: self.log.debug}
        Reporter(verbose=True, emit=lambda said: log.get(said.level, self.log.warning)("%s", said.message)).report_all(
            diagnostics
        )

    def _refuse_to_overwrite_hand_edits(self, destination: Path | None) -> None:
        from .post import edited_by_hand

        if destination is None or not destination.is_file():
            return
        if edited_by_hand(destination.read_text(encoding="utf-8", errors="replace")):
            raise ExportError(
                f"{destination}: this post was edited by hand or not written by nb2post; not overwritten. "
                f"Move the edits into the notebook, or pass --{type(self).__name__}.force=True to replace it"
            )

    @staticmethod
    def _source_file(resources) -> Path | None:
        if resources.get("nb2post_source"):
            return Path(resources["nb2post_source"])
        meta = resources.get("metadata") or {}
        if meta.get("name"):
            candidate = Path(meta.get("path") or ".") / f"{meta['name']}.ipynb"
            if candidate.is_file():
                return candidate.resolve()
        return None

    def _post(self, source: Path | None, nb):
        from . import convert
        from .jekyll.config import ConfigError, load
        from .notebook import reader
        from .notebook.front_matter import FrontMatterError
        from .paths import find_site
        from .render import render
        from .site import Site

        if source is None:
            # Only a notebook in memory (stdin): stand it next to the current folder under its own name.
            import nbformat

            source = Path.cwd() / "notebook.ipynb"
            data = nbformat.writes(nb).encode("utf-8")
        else:
            data = source.read_bytes()
        found = Path(self.site) if self.site else find_site(source.parent)
        site_root = found or source.parent  # outside any site: nbconvert's own habit, beside the notebook
        try:
            settings = load(site_root, self.target)
            jekyll, about_site = convert.site_warnings(settings) if found else (None, [])
        except (ConfigError, ValueError) as exc:
            raise ExportError(str(exc)) from None
        site = Site(settings)
        key = convert.notebook_key(source, settings.site, settings.facts)
        digest = convert.source_hash(data, settings.fingerprint())
        previous = site.posts_by_source().get(key)
        try:
            if source.is_file():
                post = convert.build_post(source, settings, key, digest, previous[0] if previous else None)
            else:
                notebook = reader.parse(data, source)
                post = render.to_post(notebook, settings, key, digest, convert.fallback_date(source, None))
        except (reader.NotebookError, render.ConversionError, FrontMatterError) as exc:
            raise ExportError(str(exc)) from None
        from .diagnostics import NOTE, about_notebooks, site_wide

        about_post = list(post.warnings)
        if jekyll is not None:  # what in its front matter gives the post a surprising URL, as convert says it
            from .jekyll.urls import post_warnings_for

            about_post += post_warnings_for(
                site.root, site.posts_dir / post.file_name, post.front_matter, settings.site_config, jekyll
            )
        said = site_wide(about_site) + about_notebooks(about_post, source) + about_notebooks(post.notes, source, NOTE)
        return post, site, found is not None, said


def _running_app():
    """The ``jupyter nbconvert`` application this exporter runs under, or None (used as a library)."""
    from nbconvert.nbconvertapp import NbConvertApp

    return NbConvertApp.instance() if NbConvertApp.initialized() else None


def _output_dir() -> str:
    """``--output-dir`` of the running ``jupyter nbconvert`` ('' when not given or not running)."""
    writer = getattr(_running_app(), "writer", None)
    return getattr(writer, "build_directory", "") or ""


def _destination(site_root: Path, default_folder: Path) -> tuple[Path | None, str]:
    """(the folder ``jupyter nbconvert`` writes the post into, or None when it writes no file; where the
    post's images go: "site", "output" (beside the post) or "none").

    Without ``--output-dir``: ``default_folder`` (the site's posts folder, or beside a notebook in no site). ``--output-dir``
    inside the site: the images go into the site, where the post links to them; elsewhere, they go along
    with the post. ``--stdout`` writes nothing at all. As a library (no application): the images go into
    the site and no file is written by the caller that nbconvert knows of."""
    from nbconvert.writers import FilesWriter

    app = _running_app()
    if app is None:
        return None, "site"
    writer = getattr(app, "writer", None)
    if not isinstance(writer, FilesWriter):
        return None, "none"
    if writer.build_directory:
        folder = Path(writer.build_directory).resolve()
        root = Path(site_root).resolve()
        return folder, "site" if folder == root or root in folder.parents else "output"
    return Path(default_folder), "site"


class FastpagesExporter(JekyllExporter):
    """A notebook as a post for a fastpages blog."""

    export_from_notebook = "fastpages post (nb2post)"
    target = "fastpages"
