"""The files a post carries: confined to the repository, images (and media) by content, one folder per
post, attachment bundles as Jupyter shows them, `image:` for preview cards. Real git, real Jekyll."""
from __future__ import annotations

import base64
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import frontmatter
import pytest

from conftest import cell, git, jekyll_build, make_site, png, run_cli, write_notebook
from site_kits import built_page, init_repo

from nb2post import post as post_module
from nb2post.render import assets

SECRET = "nb2post-test-secret-7f3a9c"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def png_output(data: bytes) -> dict:
    return {"output_type": "display_data", "metadata": {}, "data": {"image/png": b64(data), "text/plain": "<Figure>"}}


def convert(site: Path, *paths: Path, extra=(), env=None, timeout=120) -> subprocess.CompletedProcess:
    """The real command, with a timeout of its own: a FIFO must never make it hang."""
    return subprocess.run(
        [sys.executable, "-m", "nb2post.cli", "convert", "--site", str(site), *map(str, paths), *extra],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})},
    )


def everything_under(folder: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in folder.rglob("*") if p.is_file() and not p.is_symlink() and ".git" not in p.parts)


# --- 1. Confinement -----------------------------------------------------------------------------------


def test_a_notebook_publishes_only_images_from_its_own_repository(tmp_path):
    repo = init_repo(tmp_path / "repo")
    site = make_site(repo / "site")
    notebooks = site / "_notebooks"
    (notebooks / "pics").mkdir(parents=True)
    (notebooks / "pics" / "ok.png").write_bytes(png((0, 128, 0)))
    os.symlink(notebooks / "pics" / "ok.png", notebooks / "inside-link.png")  # a link within the repo is fine
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(png(trailer=SECRET.encode()))  # an image, but not the repository's
    os.symlink(outside / "secret.png", notebooks / "outside-link.png")
    os.symlink(outside, notebooks / "outside-folder")
    (notebooks / "notes.png").write_text(f"TOKEN={SECRET}\n")  # a text file named like an image
    os.mkfifo(notebooks / "pipe.png")  # opening it would block for ever
    up = "../" * (len(notebooks.resolve().parts) + 2)
    nb = write_notebook(
        notebooks / "2024-01-02-attack.ipynb",
        [
            cell("markdown", f"![passwd]({up}etc/passwd) and ![env]({up}proc/self/environ)"),
            cell("markdown", f'<img src="{up}etc/passwd" width=10> <img src=\'../../../../../../../../../../proc/self/environ\'>'),
            cell("markdown", "![link](outside-link.png) ![folder](outside-folder/secret.png) ![notes](notes.png) ![fifo](pipe.png)"),
            cell("markdown", "![fine](pics/ok.png) ![linked](inside-link.png)"),
        ],
    )
    git(repo, "add", "-A")
    done = convert(site, nb, env={"NB2POST_TEST_TOKEN": SECRET})

    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "link left as written" in line]
    assert all(str(nb) in line for line in warnings), warnings
    expect = {
        "etc/passwd'": "outside the repository",
        "proc/self/environ'": "outside the repository",
        "'outside-link.png'": "outside the repository",
        "'outside-folder/secret.png'": "outside the repository",
        "'notes.png'": "not an image",
        "'pipe.png'": "not a regular file",
    }
    for reference, why in expect.items():
        said = [line for line in warnings if reference in line]
        assert said and why in said[0], f"{reference}: {warnings}"
    assert re.search(r"cell 1: '(\.\./)+etc/passwd' resolves outside the repository", done.stderr)

    post = (site / "_posts" / "2024-01-02-attack.md").read_text()
    assert f"![passwd]({up}etc/passwd)" in post and "![fifo](pipe.png)" in post, "refused links stay as written"
    copied = sorted(p.name for p in (site / "assets" / "images").rglob("*") if p.is_file())
    assert copied == ["inside-link.png", "ok.png"], copied

    built = jekyll_build(site)
    everything = b"".join(everything_under(site / part) for part in ("_posts", "assets", "_site"))  # what gets published
    assert SECRET.encode() not in everything, "a secret reached the site"
    assert b"root:x:0:0" not in everything and b"NB2POST_TEST_TOKEN" not in everything
    page = built_page(built, "attack")
    sources = re.findall(r'<img[^>]*src="(/assets/images/[^"]+)"', page)
    assert len(sources) == 2 and all((built / s.lstrip("/")).read_bytes() == png((0, 128, 0)) for s in sources)


def test_without_git_the_site_folder_is_the_boundary(tmp_path):
    site = make_site(tmp_path / "site")
    (tmp_path / "beside.png").write_bytes(png())  # beside the site, in no repository
    (site / "_notebooks").mkdir()
    nb = write_notebook(site / "_notebooks" / "2024-01-03-x.ipynb", [cell("markdown", "![a](../../beside.png)")])
    done = convert(site, nb)
    assert done.returncode == 0 and "'../../beside.png' resolves outside the repository" in done.stderr
    assert not (site / "assets").exists()


@pytest.mark.parametrize(
    "data, expected",
    [
        (png(), "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b'<?xml version="1.0"?>\n<!-- made by hand -->\n<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "image/avif"),
        (b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00", "image/bmp"),
        (b"\x00\x00\x01\x00\x01\x00\x10\x10\x00\x00\x01\x00", "image/x-icon"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", "video/mp4"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01", "video/webm"),
        (b"OggS\x00\x02", "audio/ogg"),
        (b"ID3\x03\x00\x00\x00\x00\x00\x21", "audio/mpeg"),
        (b"\xff\xfb\x90\x64\x00", "audio/mpeg"),
        ("TOKEN=secret\n".encode("utf-16"), None),  # FF FE: looks like an MPEG frame to a loose check
        (b"ID3 tags hold a song's title", None),
        (b"abc ftyp is not a video", None),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"BMW cars are fast, says this text file", None),
        (b"<html><body><svg></svg></body></html>", None),
        (b"TOKEN=abc\n", None),
        (b"", None),
    ],
)
def test_sniffing_reads_content_not_names(data, expected):
    assert assets.sniff(data) == expected


# --- 2. One folder per post -----------------------------------------------------------------------------


def test_posts_never_share_an_image_folder(tmp_path):
    site = make_site(tmp_path / "site")
    red, blue, green, black = png((255, 0, 0)), png((0, 0, 255)), png((0, 255, 0)), png((0, 0, 0))
    books = [
        write_notebook(site / "_notebooks" / "june" / "2024-06-01-weekly.ipynb", [cell("code", "plot()", outputs=[png_output(red)])]),
        write_notebook(site / "_notebooks" / "july" / "2024-07-01-weekly.ipynb", [cell("code", "plot()", outputs=[png_output(blue)])]),
        write_notebook(site / "_notebooks" / "2024-08-01-日本-post.ipynb", [cell("code", "plot()", outputs=[png_output(green)])]),
        write_notebook(site / "_notebooks" / "2024-08-01-中文-post.ipynb", [cell("code", "plot()", outputs=[png_output(black)])]),
    ]
    for nb in books:  # one at a time, as separate runs: the later must not overwrite the earlier
        assert convert(site, nb).returncode == 0
    folders = sorted(p.name for p in (site / "assets" / "images").iterdir())
    assert len(folders) == 4, folders
    assert "2024-06-01-weekly" in folders and "2024-07-01-weekly" in folders
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", f) for f in folders), folders

    built = jekyll_build(site)
    shown = {}
    for post in (site / "_posts").glob("*.md"):
        (src,) = re.findall(r'"(/assets/images/[^"]+)"', post.read_text())
        shown[post.stem] = (built / src.lstrip("/")).read_bytes()
    assert shown == {
        "2024-06-01-weekly": red, "2024-07-01-weekly": blue, "2024-08-01-日本-post": green, "2024-08-01-中文-post": black,
    }

    before = sorted(p.relative_to(site).as_posix() for p in (site / "assets").rglob("*") if p.is_file())
    assert convert(site, site / "_notebooks", extra=["--force"]).returncode == 0
    after = sorted(p.relative_to(site).as_posix() for p in (site / "assets").rglob("*") if p.is_file())
    assert after == before, "the same folders on every run"


def test_folder_names_are_ascii_unique_and_stable():
    day = dt.date(2024, 8, 1)
    first, second = post_module.post_folder(day, "日本-post"), post_module.post_folder(day, "中文-post")
    assert first != second and first.startswith("2024-08-01-post-") and second.startswith("2024-08-01-post-")
    assert post_module.post_folder(day, "日本-post") == first
    assert post_module.post_folder(day, "plain-post") == "2024-08-01-plain-post"
    assert post_module.post_folder(day, "a b") != post_module.post_folder(day, "a-b")


def test_a_failed_write_leaves_no_empty_image_folders(tmp_path):
    site = make_site(tmp_path / "site")
    nb = write_notebook(site / "2024-02-03-post.ipynb", [cell("code", "x", outputs=[png_output(png())])])
    (site / "_posts").write_text("a file where the posts folder should be")
    done = convert(site, nb)
    assert done.returncode == 1 and "2024-02-03-post" in done.stderr
    assert not (site / "assets").exists(), sorted(p.as_posix() for p in site.rglob("*"))
    assert list(site.rglob("*.tmp")) == []


# --- 3. Attachments and image data --------------------------------------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="red"/></svg>'
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////"
    "////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA="
)


def test_attachment_bundles_and_odd_names(tmp_path):
    site = make_site(tmp_path / "site")
    cells = [
        # Jupyter shows the SVG of this bundle; the SVG is stored base64-encoded
        cell("markdown", "![both](attachment:shot.png)", attachments={"shot.png": {"image/png": b64(png()), "image/svg+xml": b64(SVG.encode())}}),
        # a name with spaces and a name with '?', as Jupyter pastes them (unencoded)
        cell("markdown", '![spaced](attachment:my shot.png "a title") and <img src="attachment:my shot.png">',
             attachments={"my shot.png": {"image/png": b64(png((0, 0, 255)))}}),
        cell("markdown", "![asked](attachment:why?.png)", attachments={"why?.png": {"image/png": b64(png((0, 255, 0)))}}),
        # declared PNG, holds a JPEG: written as what it is, with a warning
        cell("markdown", "![jpeg](attachment:photo.png)", attachments={"photo.png": {"image/png": b64(JPEG)}}),
        # declared PNG, holds text: left out, with a warning
        cell("markdown", "![junk](attachment:junk.png)", attachments={"junk.png": {"image/png": b64(b"just some text")}}),
        cell("markdown", "![gone](attachment:missing name.png)"),
        cell("code", "plot()", outputs=[{"output_type": "display_data", "metadata": {}, "data": {"image/png": b64(b"not a png"), "text/plain": "<Figure 1>"}}]),
    ]
    nb = write_notebook(site / "_notebooks" / "2024-03-01-attach.ipynb", cells)
    done = convert(site, nb)
    assert done.returncode == 0, done.stderr
    folder = site / "assets" / "images" / "2024-03-01-attach"
    assert (folder / "cell1-shot.svg").read_bytes() == SVG.encode(), "the SVG, decoded, named by its type"
    assert not (folder / "cell1-shot.png").exists()
    assert (folder / "cell2-my-shot.png").read_bytes() == png((0, 0, 255))
    assert (folder / "cell4-photo.jpg").read_bytes() == JPEG
    assert "cell 4: attachment 'photo.png' is declared image/png but holds image/jpeg" in done.stderr
    assert "cell 5: attachment 'junk.png' is declared image/png but is not an image; left out" in done.stderr
    assert "cell 6: attachment 'missing name.png' is referenced but not stored" in done.stderr
    assert "cell 7: an image output is declared image/png but is not an image" in done.stderr
    assert all(str(nb) in line for line in done.stderr.splitlines() if "declared" in line)
    post = (site / "_posts" / "2024-03-01-attach.md").read_text()
    assert "<Figure 1>" in post, "bad image data falls back to the output's text"

    built = jekyll_build(site)
    page = built_page(built, "attach")
    sources = re.findall(r'<img[^>]*src="(/[^"]+)"', page)
    assert len(sources) == 5, sources  # svg, spaced ×2, asked, jpeg
    for src in sources:
        assert (built / src.lstrip("/")).is_file(), src
    assert 'title="a title"' in page


# --- 4 and 5. image: for preview cards; the site's own images ------------------------------------------


def test_front_matter_image_follows_the_image_and_site_images_are_linked(tmp_path):
    site = make_site(tmp_path / "site", strict=False, extra_config="url: https://blog.example.org\n")
    notebooks = site / "_notebooks"
    (notebooks / "my_icons").mkdir(parents=True)
    (notebooks / "my_icons" / "logo.png").write_bytes(png((1, 2, 3)))
    (site / "images").mkdir()
    (site / "images" / "diagram.png").write_bytes(png((4, 5, 6)))
    fastpages_style = write_notebook(
        notebooks / "2024-04-01-moved.ipynb",
        [
            cell("markdown", "# Moved from fastpages\n> A summary\n\n- image: images/copied_from_nb/my_icons/logo.png"),
            cell("markdown", "The site's own picture: ![diagram](../images/diagram.png)"),
        ],
    )
    relative = write_notebook(
        notebooks / "2024-04-02-relative.ipynb",
        [cell("markdown", "# Relative\n\n- image: my_icons/logo.png"), cell("markdown", "text")],
    )
    site_image = write_notebook(
        notebooks / "2024-04-03-site-image.ipynb", [cell("markdown", "# Site image\n\n- image: images/diagram.png"), cell("markdown", "text")]
    )
    figure = write_notebook(
        notebooks / "2024-04-04-figure.ipynb",
        [
            cell("markdown", "# First figure"),
            cell("code", "svg()", outputs=[{"output_type": "display_data", "metadata": {}, "data": {"image/svg+xml": SVG}}]),
            cell("code", "plot()", outputs=[png_output(png((7, 8, 9)))]),
        ],
    )
    escape = write_notebook(
        notebooks / "2024-04-05-escape.ipynb", [cell("markdown", "# Escape\n\n- image: ../../../../../../etc/passwd"), cell("markdown", "x")]
    )
    done = convert(site, notebooks)
    assert done.returncode == 0, done.stderr

    def image_of(slug):
        return frontmatter.loads(next((site / "_posts").glob(f"*-{slug}.md")).read_text()).metadata.get("image")

    assert image_of("moved") == "/assets/images/2024-04-01-moved/my_icons/logo.png"
    assert image_of("relative") == "/assets/images/2024-04-02-relative/my_icons/logo.png"
    assert image_of("site-image") == "images/diagram.png", "a file the site publishes stays as written"
    assert image_of("figure") == "/assets/images/2024-04-04-figure/cell3-output1.png", "the first raster figure"
    assert image_of("escape") == "../../../../../../etc/passwd"
    assert "front matter image: '../../../../../../etc/passwd' resolves outside the repository" in done.stderr
    assert str(escape) in done.stderr
    moved_post = (site / "_posts" / "2024-04-01-moved.md").read_text()
    assert '{{ "/images/diagram.png" | relative_url }}' in moved_post, "the site's own image is linked, not copied"
    assert not list((site / "assets").rglob("diagram.png"))

    built = jekyll_build(site)
    for slug, picture in (("moved", png((1, 2, 3))), ("relative", png((1, 2, 3))), ("figure", png((7, 8, 9)))):
        page = built_page(built, slug)
        card = re.search(r'<meta property="og:image" content="https://blog\.example\.org(/[^"]+)"', page)
        assert card, f"{slug}: no og:image"
        assert (built / card.group(1).lstrip("/")).read_bytes() == picture
    assert '<img src="/images/diagram.png" alt="diagram"' in built_page(built, "moved")
    assert b"root:x:0:0" not in everything_under(site)
    warned = [line for line in done.stderr.splitlines() if line.startswith("warning:") and ".ipynb" in line]
    assert len(warned) == 1, warned  # only the escape: the others found their image


# --- 6. Videos and audio ---------------------------------------------------------------------------------

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def wav(seconds: float = 0.2) -> bytes:
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x10" * int(8000 * seconds))
    return buffer.getvalue()


def test_videos_and_audio_are_copied_under_the_same_rules(tmp_path):
    site = make_site(tmp_path / "site")
    media = site / "_notebooks" / "media"
    media.mkdir(parents=True)
    (media / "wave.mp4").write_bytes(MP4_HEAD)
    (media / "tone.wav").write_bytes(wav())
    (media / "fake.mp4").write_text(f"not a video {SECRET}")
    (media / "poster.png").write_bytes(png())
    nb = write_notebook(
        site / "_notebooks" / "2024-05-01-media.ipynb",
        [
            cell("markdown", '<video src="media/wave.mp4" poster="media/poster.png" controls></video>'),
            cell("markdown", '<video controls>\n  <source src="media/wave.mp4" type="video/mp4">\n</video>'),
            cell("markdown", "<audio controls src='media/tone.wav'></audio>"),
            cell("markdown", "A clip: ![the clip](media/wave.mp4) and a sound ![](media/tone.wav)"),
            cell("markdown", '<video src="media/fake.mp4"></video>'),
        ],
    )
    done = convert(site, nb)
    assert done.returncode == 0, done.stderr
    assert "'media/fake.mp4' is not an image, video or audio file by its content" in done.stderr
    folder = site / "assets" / "images" / "2024-05-01-media" / "media"
    assert sorted(p.name for p in folder.iterdir()) == ["poster.png", "tone.wav", "wave.mp4"]
    built = jekyll_build(site)
    page = built_page(built, "media")
    sources = re.findall(r'<(?:video|audio|source)[^>]*\ssrc="([^"]+)"', page)
    assert sources.count("/assets/images/2024-05-01-media/media/wave.mp4") == 3, sources
    assert sources.count("/assets/images/2024-05-01-media/media/tone.wav") == 2, sources
    assert 'poster="/assets/images/2024-05-01-media/media/poster.png"' in page
    assert 'src="media/fake.mp4"' in page
    assert SECRET.encode() not in b"".join(everything_under(site / part) for part in ("_posts", "assets", "_site"))


# Chromium's own MediaRecorder makes the test video: a real WebM of a few frames, no fixture file needed.
RECORD_WEBM = """async () => {
  const canvas = document.createElement('canvas'); canvas.width = 32; canvas.height = 32;
  document.body.appendChild(canvas);
  const draw = canvas.getContext('2d'), recorder = new MediaRecorder(canvas.captureStream(10), {mimeType: 'video/webm'});
  const parts = []; recorder.ondataavailable = e => parts.push(e.data);
  let frame = 0; const timer = setInterval(() => { draw.fillStyle = frame++ % 2 ? 'red' : 'blue'; draw.fillRect(0, 0, 32, 32); }, 50);
  recorder.start(); await new Promise(r => setTimeout(r, 600));
  recorder.stop(); await new Promise(r => recorder.onstop = r); clearInterval(timer);
  const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
  let text = ''; for (const b of bytes) text += String.fromCharCode(b); return btoa(text);
}"""


def record_webm(browser, path: Path) -> None:
    maker = browser.new_page()
    maker.set_content("<body></body>")
    path.write_bytes(base64.b64decode(maker.evaluate(RECORD_WEBM)))
    maker.close()


def settled_media(browser, built: Path, page_path: str) -> tuple[list, list]:
    """The built site served on 127.0.0.1 and ``page_path`` opened in Chromium until its media settled:
    ([tag, source, readyState, error code] of each video and audio, [src, naturalWidth] of each image)."""
    from site_kits import serve_folder

    with serve_folder(built) as base:
        page = browser.new_page()
        page.goto(f"{base}/{page_path}")
        page.wait_for_function(
            # settled: metadata loaded, or failed (an error, or no source it could use)
            "() => [...document.querySelectorAll('video, audio')].every(m => m.readyState > 0 || m.error || m.networkState === 3)",
            timeout=20000,
        )
        states = page.eval_on_selector_all(
            "video, audio", "ms => ms.map(m => [m.tagName, m.currentSrc || m.getAttribute('src'), m.readyState, m.error && m.error.code])"
        )
        images = page.eval_on_selector_all("img", "is => is.map(i => [i.getAttribute('src'), i.complete && i.naturalWidth])")
    return states, images


def test_copied_video_and_audio_play_in_chromium(tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    site = make_site(tmp_path / "site")
    media = site / "_notebooks" / "media"
    media.mkdir(parents=True)
    (media / "tone.wav").write_bytes(wav())
    nb = write_notebook(
        site / "_notebooks" / "2024-05-02-playing.ipynb",
        [
            cell("markdown", '<video id="tag" src="media/wave.webm" controls></video>'),
            cell("markdown", '<video id="source" controls>\n  <source src="media/wave.webm" type="video/webm">\n</video>'),
            cell("markdown", "The clip: ![the clip](media/wave.webm)\n\n<audio id=\"sound\" controls src='media/tone.wav'></audio>"),
        ],
    )
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        try:
            record_webm(browser, media / "wave.webm")
            assert convert(site, nb).returncode == 0
            states, _ = settled_media(browser, jekyll_build(site), "2024/05/02/playing.html")
        finally:
            browser.close()
    assert len(states) == 4, states
    for tag, src, ready, error in states:
        assert ready > 0 and error is None, states
        assert "/assets/images/2024-05-02-playing/media/" in src, states


def html_output(html_text: str, plain: str = "<IPython.core.display.HTML object>") -> dict:
    return {"output_type": "display_data", "metadata": {}, "data": {"text/html": html_text, "text/plain": plain}}


# What IPython 8 writes for a video, a sound, an image and a page given by a local path (embed=False).
VIDEO_OUTPUT = html_output('<video src="media/wave.webm" controls  >\n      Your browser does not support the <code>video</code> '
                           "element.\n    </video>", "<IPython.core.display.Video object>")
AUDIO_OUTPUT = html_output('\n                <audio  controls="controls" >\n                    <source src="media/tone.wav" '
                           'type="audio/x-wav" />\n                    Your browser does not support the audio element.\n'
                           "                </audio>\n              ", "<IPython.lib.display.Audio object>")
IMAGE_URL_OUTPUT = html_output('<img src="media/dot.png"/>', "<IPython.core.display.Image object>")
IFRAME_OUTPUT = html_output('\n        <iframe\n            width="300"\n            height="200"\n            src="media/plot.html"\n'
                            '            frameborder="0"\n            allowfullscreen\n            \n        ></iframe>\n        ',
                            "<IPython.lib.display.IFrame at 0x7f>")


def test_media_that_outputs_name_are_published_with_the_post_and_play_in_chromium(tmp_path):
    """IPython's Video, Audio(url=...), Image(url=...), Image(filename=...) and IFrame outputs name files
    next to the notebook: the media are copied under the same rules as a markdown cell's, the rest is
    warned about, and the video plays in Chromium from its copy after a real Jekyll build."""
    playwright = pytest.importorskip("playwright.sync_api")
    site = make_site(tmp_path / "site")
    media = site / "_notebooks" / "media"
    media.mkdir(parents=True)
    (media / "tone.wav").write_bytes(wav())
    (media / "dot.png").write_bytes(png((1, 2, 3)))
    (media / "plot.html").write_text("<p>a page of its own</p>")
    (site / "_notebooks" / "outside.webm").symlink_to("/etc/hostname")
    nb = write_notebook(
        site / "_notebooks" / "2024-05-03-outputs.ipynb",
        [
            cell("code", "Video('media/wave.webm')", outputs=[VIDEO_OUTPUT]),
            cell("code", "Audio(url='media/tone.wav')", outputs=[AUDIO_OUTPUT]),
            cell("code", "Image(url='media/dot.png')", outputs=[IMAGE_URL_OUTPUT]),
            cell("code", "Image(filename='media/dot.png')", outputs=[{
                "output_type": "execute_result", "execution_count": 4, "metadata": {},
                "data": {"image/png": b64(png((1, 2, 3))), "text/plain": "<IPython.core.display.Image object>"}}]),
            cell("code", "IFrame('media/plot.html', 300, 200)", outputs=[IFRAME_OUTPUT]),
            cell("code", "Video('outside.webm')", outputs=[html_output('<video src="outside.webm" controls></video>')]),
        ],
    )
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        try:
            record_webm(browser, media / "wave.webm")
            done = convert(site, nb)
            assert done.returncode == 0, done.stderr
            built = jekyll_build(site)
            states, images = settled_media(browser, built, "2024/05/03/outputs.html")
        finally:
            browser.close()
    folder = "/assets/images/2024-05-03-outputs"
    video, audio, outside = states
    assert video[0] == "VIDEO" and video[1].endswith(f"{folder}/media/wave.webm") and video[2] >= 1 and video[3] is None, states
    assert audio[0] == "AUDIO" and audio[1].endswith(f"{folder}/media/tone.wav") and audio[2] >= 1 and audio[3] is None, states
    assert outside[1].endswith("/outside.webm") and outside[2] == 0, "a file outside the repository is not published"
    assert images[0] == [f"{folder}/media/dot.png", 1] and images[1][1] == 1, images
    assert (site / folder.lstrip("/") / "media" / "dot.png").read_bytes() == png((1, 2, 3))
    assert "cell 5: 'media/plot.html' is not an image, video or audio file by its content; link left as written" in done.stderr
    assert "cell 6: 'outside.webm' resolves outside the repository; link left as written" in done.stderr
    assert 'src="media/plot.html"' in built_page(built, "outputs")


@pytest.mark.parametrize("to", [None, "fastpages", "jekyll"])
def test_a_front_matter_image_beside_the_notebook_is_published_with_the_post(tmp_path, to):
    """fastpages' own post (2020-02-20-test) names `image: images/chart-preview.png`; blogs name icons kept
    beside the notebook in _notebooks/, which Jekyll does not publish: the file goes with the post."""
    from conftest import CORPUS
    from site_kits import fastpages_site

    site = init_repo(fastpages_site(tmp_path / "site"), remote="https://github.com/octo-org/nb-blog.git")
    icon = CORPUS / "fastai__fastpages" / "my_icons" / "fastai_logo.png"
    (site / "_notebooks" / "my_icons").mkdir(parents=True)
    (site / "_notebooks" / "my_icons" / "fastai_logo.png").write_bytes(icon.read_bytes())
    nb = write_notebook(site / "_notebooks" / "2024-06-03-icon.ipynb", [
        cell("markdown", "# Icon\n> A post with a card image\n\n- image: my_icons/fastai_logo.png"), cell("markdown", "Text.")])
    done = convert(site, nb, extra=["--to", to] if to else [])
    assert done.returncode == 0 and "names no file" not in done.stderr, done.stderr
    image = frontmatter.loads((site / "_posts" / "2024-06-03-icon.md").read_text()).metadata["image"]
    built = jekyll_build(site, "--config", f"{site / '_config.yml'},{site / '_config_test.yml'}")
    assert (built / image.lstrip("/")).read_bytes() == icon.read_bytes(), image


def test_fastpages_image_paths_stay_fastpages_paths(tmp_path):
    """--to fastpages keeps images/copied_from_nb/<path>, now with the file there; the nested form follows too."""
    site = make_site(tmp_path / "site")
    (site / "_notebooks" / "my_icons").mkdir(parents=True)
    (site / "_notebooks" / "my_icons" / "logo.png").write_bytes(png((9, 9, 9)))
    flat = write_notebook(
        site / "_notebooks" / "2024-06-01-flat.ipynb",
        [cell("markdown", "# Flat\n\n- image: images/copied_from_nb/my_icons/logo.png"), cell("markdown", "text")],
    )
    nested = write_notebook(
        site / "_notebooks" / "2024-06-02-nested.ipynb",
        [cell("raw", "---\ntitle: Nested\nimage:\n  path: my_icons/logo.png\n  alt: The logo\n---"), cell("markdown", "text")],
    )
    assert convert(site, flat, extra=["--to", "fastpages"]).returncode == 0
    assert convert(site, nested).returncode == 0
    flat_meta = frontmatter.loads((site / "_posts" / "2024-06-01-flat.md").read_text()).metadata
    assert flat_meta["image"] == "images/copied_from_nb/my_icons/logo.png"
    assert (site / "images" / "copied_from_nb" / "my_icons" / "logo.png").read_bytes() == png((9, 9, 9))
    nested_meta = frontmatter.loads((site / "_posts" / "2024-06-02-nested.md").read_text()).metadata
    assert nested_meta["image"] == {"path": "/assets/images/2024-06-02-nested/my_icons/logo.png", "alt": "The logo"}
    assert (site / "assets" / "images" / "2024-06-02-nested" / "my_icons" / "logo.png").is_file()


def _large_video(path: Path, size: int) -> Path:
    """A video file of ``size`` bytes (a real MP4 header, then a sparse hole): big without costing the disk."""
    with path.open("wb") as stream:
        stream.write(MP4_HEAD)
        stream.truncate(size)
    return path


def test_github_file_sizes_a_file_over_50_mb_warns_and_one_over_100_mb_fails_its_post(tmp_path):
    site = make_site(tmp_path / "site")
    media = site / "_notebooks" / "media"
    media.mkdir(parents=True)
    mb = 1024 * 1024
    _large_video(media / "long.mp4", 51 * mb)
    _large_video(media / "huge.mp4", 100 * mb + 1)
    (media / "poster.png").write_bytes(png())
    long = write_notebook(site / "_notebooks" / "2024-05-01-long.ipynb",
                          [cell("markdown", '<video src="media/long.mp4" controls></video>')])
    huge = write_notebook(site / "_notebooks" / "2024-05-02-huge.ipynb",
                          [cell("markdown", '![poster](media/poster.png)\n<video src="media/huge.mp4" controls></video>')])
    try:
        done = convert(site, long, huge)
        again = convert(site, huge)
        written = site / "assets" / "images" / "2024-05-01-long" / "media" / "long.mp4"
        assert written.stat().st_size == 51 * mb
    finally:
        for big in site.rglob("*.mp4"):  # ~150 MB: not left for pytest's kept temporary folders
            big.unlink()
    assert done.returncode == 1, done.stderr
    problems = [line for line in done.stderr.splitlines() if "GitHub's" in line]
    assert problems == [
        f"warning: {long}: assets/images/2024-05-01-long/media/long.mp4 (of "
        "_posts/2024-05-01-long.md) is 51.0 MB, over GitHub's 50 MB warning size, and a push with it warns; make it "
        "smaller (shorter, re-encoded, fewer pixels), or host it elsewhere and link to its URL",
        f"error: {huge}: its file assets/images/2024-05-02-huge/media/huge.mp4 is 100.0 MB, "
        "over GitHub's 100 MB limit, and GitHub refuses a push with it; _posts/2024-05-02-huge.md is not written: make it "
        "smaller (shorter, re-encoded, fewer pixels), or host it elsewhere and link to its URL",
    ], problems
    assert (site / "_posts" / "2024-05-01-long.md").is_file()
    # nothing of the refused post: neither the post nor its other (small) image
    assert not (site / "_posts" / "2024-05-02-huge.md").exists()
    assert not (site / "assets" / "images" / "2024-05-02-huge").exists()
    assert again.returncode == 1 and "over GitHub's 100 MB limit" in again.stderr


def test_github_file_sizes_hold_for_the_post_itself(tmp_path):
    site = make_site(tmp_path / "site")
    mb = 1024 * 1024

    def printing(name: str, size: int):
        text = ("x" * 1023 + "\n") * (size // 1024)
        output = {"output_type": "stream", "name": "stdout", "text": text}
        return write_notebook(site / "_notebooks" / f"{name}.ipynb", [cell("code", "print()", outputs=[output])])

    long, huge = printing("2024-05-01-long", 51 * mb), printing("2024-05-02-huge", 101 * mb)
    try:
        done = convert(site, long, huge)
        post = site / "_posts" / "2024-05-01-long.md"
        assert 51 * mb < post.stat().st_size < 52 * mb
    finally:
        for big in [*site.rglob("*.ipynb"), *site.rglob("*.md")]:  # ~300 MB: not left for pytest's kept folders
            big.unlink()
    assert done.returncode == 1, done.stderr
    problems = [line for line in done.stderr.splitlines() if "GitHub's" in line]
    assert problems == [
        f"warning: {long}: _posts/2024-05-01-long.md is 51.0 MB, over GitHub's 50 MB warning size, and a push with it "
        "warns; make the notebook's outputs smaller (or clear the largest)",
        f"error: {huge}: its post _posts/2024-05-02-huge.md would be 101.0 MB, over GitHub's 100 MB limit, and GitHub "
        "refuses a push with it; not written: make the notebook's outputs smaller (or clear the largest)",
    ], problems
    assert not (site / "_posts" / "2024-05-02-huge.md").exists()
