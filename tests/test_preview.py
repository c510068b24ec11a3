"""``nb2post preview``: the real command, a real ``jekyll serve --livereload`` on a free port, real saves
of a notebook, the page fetched over HTTP (and, for the live reload, open in Chromium)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import cell, free_port, make_site, run_cli, write_notebook

from nb2post.watch import Debouncer, is_notebook

WAIT = 90  # seconds: Jekyll on a busy two-core machine


def children_of(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(entry))
    return found


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Preview:
    """``nb2post preview -v`` running on ``site``; its output lines collected as they come."""

    def __init__(self, site: Path, *args: str, env: dict | None = None, cwd: Path | None = None,
                 own_group: bool = False):
        self.port, self.livereload_port = free_port(), free_port()
        while self.livereload_port == self.port:
            self.livereload_port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "nb2post.cli", "preview", "-v", "--port", str(self.port), "--livereload-port",
             str(self.livereload_port), *args],
            cwd=cwd or site, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
            start_new_session=own_group)
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=self._collect, args=(stream, lines), daemon=True).start()

    @staticmethod
    def _collect(stream, lines):
        for line in stream:
            lines.append(line.rstrip("\n"))

    def wait_for(self, found, seconds: float = WAIT, what: str = ""):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = found()
            if value:
                return value
            if self.process.poll() is not None:
                time.sleep(0.3)
                value = found()
                if value:
                    return value
                break
            time.sleep(0.05)
        pytest.fail(f"waited for {what}; exit {self.process.poll()}\nstdout:\n" + "\n".join(self.out)
                    + "\nstderr:\n" + "\n".join(self.err))

    def started(self):
        self.wait_for(lambda: any(line.startswith("preview: http://") for line in self.err), what="the server")
        return f"http://127.0.0.1:{self.port}"

    def jekyll_pids(self) -> list[int]:
        """Each server it started (-v says so: 'note: jekyll serve runs as process N')."""
        return [int(line.rsplit(" ", 1)[1]) for line in self.err
                if line.startswith("note: ") and " runs as process " in line]

    def jekyll_pid(self) -> int:
        return self.jekyll_pids()[-1]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()


@pytest.fixture
def previews():
    started: list[Preview] = []

    def start(site, *args, **options):
        preview = Preview(site, *args, **options)
        started.append(preview)
        return preview

    yield start
    for preview in started:
        preview.stop()
        for pid in preview.jekyll_pids():  # a preview that failed to stop its Jekyll must not leave it running
            if running(pid):
                os.killpg(pid, signal.SIGKILL)


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def save(path: Path, text: str) -> None:
    """Save as Jupyter does: a temporary file beside it, renamed over it."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["cells"][1]["source"] = text
    temporary = path.with_name(f".~{path.name}")
    temporary.write_text(json.dumps(data), encoding="utf-8")
    os.replace(temporary, path)


def blog(tmp_path: Path) -> tuple[Path, Path]:
    site = make_site(tmp_path / "site", strict=False, extra_config="nb2post:\n  badges: false\n")
    notebook = write_notebook(site / "_notebooks" / "2024-05-01-live.ipynb",
                              [cell("markdown", "# Live post\n> Watched."), cell("markdown", "First words.")])
    return site, notebook


POST_URL_PATH = "/2024/05/01/live.html"


def test_saves_are_served_a_broken_save_keeps_the_last_good_post_and_ctrl_c_leaves_no_process(tmp_path, previews):
    site, notebook = blog(tmp_path)
    preview = previews(site)
    base = preview.started()
    assert "_posts/2024-05-01-live.md" in preview.out  # the stale notebook, converted before serving
    page = base + POST_URL_PATH
    assert "First words." in fetch(page)
    assert f":{preview.livereload_port}/livereload.js" in fetch(page)  # Jekyll's LiveReload client, injected
    jekyll = preview.jekyll_pid()
    assert running(jekyll)

    save(notebook, "Second words, saved.")
    preview.wait_for(lambda: page in preview.out, what="the post's URL after a save")
    preview.wait_for(lambda: "Second words, saved." in fetch(page), what="the new text served")

    notebook.write_text('{"cells": [', encoding="utf-8")  # saved half-written
    preview.wait_for(lambda: any(line.startswith("error: _notebooks/2024-05-01-live.ipynb: ") for line in preview.err),
                     what="the error line")
    errors = [line for line in preview.err if line.startswith("error:")]
    assert len(errors) == 1, errors
    time.sleep(1.5)  # Jekyll would have rebuilt by now had anything been written
    assert "Second words, saved." in fetch(page)
    assert "Second words, saved." in (site / "_posts" / "2024-05-01-live.md").read_text(encoding="utf-8")

    write_notebook(notebook, [cell("markdown", "# Live post\n> Watched."), cell("markdown", "Fixed again.")])
    preview.wait_for(lambda: "Fixed again." in fetch(page), what="the fixed notebook served")
    assert preview.out.count(page) == 2

    children = children_of(preview.process.pid)
    assert jekyll in children
    assert preview.stop() == 130
    assert not running(jekyll)
    assert not any(running(pid) for pid in children)
    assert preview.err[-1] == "preview stopped"
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", preview.port), timeout=1).close()


def test_a_saved_posts_notes_show_with_v_and_the_sites_once(tmp_path, previews, corpus):
    """What convert says with -v about a post (an old nbformat read) the preview says on its save too; a
    note about the site (no git remote) comes with every post but is said once in the whole session."""
    site = make_site(tmp_path / "site", strict=False)  # badges on, and no repository: the remote note
    write_notebook(site / "_notebooks" / "2024-05-01-live.ipynb", [cell("markdown", "# Live post\n> Watched.")])
    preview = previews(site)
    base = preview.started()
    shutil.copyfile(corpus / "jupyter__nbformat" / "test3.ipynb", site / "_notebooks" / "2024-05-03-v3.ipynb")
    said = "note: _notebooks/2024-05-03-v3.ipynb: upgraded from nbformat 3 to 4"
    preview.wait_for(lambda: said in preview.err, what="the saved post's note")
    shutil.copyfile(corpus / "jupyter__nbformat" / "test3.ipynb", site / "_notebooks" / "2024-05-04-again.ipynb")
    again = "note: _notebooks/2024-05-04-again.ipynb: upgraded from nbformat 3 to 4"
    preview.wait_for(lambda: again in preview.err, what="the second save's note")
    assert len([line for line in preview.err if "has no git remote" in line]) == 1, preview.err
    assert base and preview.stop() == 130


def test_quick_saves_convert_once_and_a_deleted_notebook_keeps_its_post(tmp_path, previews):
    site, notebook = blog(tmp_path)
    preview = previews(site)
    base = preview.started()
    page = base + POST_URL_PATH
    for words in ("one", "two", "three"):  # an editor writing three times in a row
        save(notebook, f"Burst {words}.")
    preview.wait_for(lambda: page in preview.out, what="the URL")
    time.sleep(1.0)
    assert preview.out.count(page) == 1, preview.out
    assert "Burst three." in (site / "_posts" / "2024-05-01-live.md").read_text(encoding="utf-8")

    save(notebook, "Burst three.")  # the same bytes again: nothing to convert
    preview.wait_for(lambda: any("saved without changes" in line for line in preview.err), what="the unchanged note")
    assert preview.out.count(page) == 1

    second = write_notebook(site / "_notebooks" / "2024-05-02-new-one.ipynb", [cell("markdown", "# New one"), cell("markdown", "Hi.")])
    preview.wait_for(lambda: base + "/2024/05/02/new-one.html" in preview.out, what="a new notebook converted")
    second.unlink()
    preview.wait_for(lambda: any(line.startswith("note: _notebooks/2024-05-02-new-one.ipynb is gone; its post "
                                                 "_posts/2024-05-02-new-one.md is left alone") for line in preview.err),
                     what="the note about the deleted notebook")
    assert (site / "_posts" / "2024-05-02-new-one.md").is_file()
    assert preview.stop() == 130


def test_a_settings_change_reconverts_and_restarts_jekyll(tmp_path, previews):
    site, notebook = blog(tmp_path)
    preview = previews(site)
    preview.started()
    first = preview.jekyll_pid()
    config = site / "_config.yml"
    config.write_text(config.read_text() + "  front_matter:\n    author: Ada\n", encoding="utf-8")
    preview.wait_for(lambda: sum(line.startswith("preview: http://") for line in preview.err) == 2, what="the restart")
    assert "author: Ada" in (site / "_posts" / "2024-05-01-live.md").read_text(encoding="utf-8")
    assert not running(first)
    assert preview.stop() == 130


def test_an_open_page_reloads_by_itself_after_a_save(tmp_path, previews):
    playwright = pytest.importorskip("playwright.sync_api")
    from site_kits import launch_chromium

    site, notebook = blog(tmp_path)
    preview = previews(site)
    page_url = preview.started() + POST_URL_PATH
    with playwright.sync_playwright() as driver:
        browser = launch_chromium(driver)
        try:
            page = browser.new_page()
            page.goto(page_url)
            assert "First words." in page.inner_text("body")
            # Jekyll's LiveReload client (livereload.js) listens once its websocket is open and greeted
            page.wait_for_function("() => window.LiveReload && window.LiveReload.connector._isSocketConnected() "
                                   "&& window.LiveReload.connector.protocol != null", timeout=WAIT * 1000)
            page.evaluate("() => { window.nb2postMark = 1 }")
            save(notebook, "Reloaded words.")
            page.wait_for_function("() => document.body && document.body.innerText.includes('Reloaded words.')",
                                   timeout=WAIT * 1000)
            assert page.evaluate("() => window.nb2postMark") is None  # a new page: it reloaded itself
        finally:
            browser.close()
    assert preview.stop() == 130


def test_jekyll_missing_is_one_line_and_nothing_is_done(tmp_path):
    site, _ = blog(tmp_path)
    empty = tmp_path / "bin"
    empty.mkdir()
    done = run_cli("preview", "--port", str(free_port()), cwd=site, env={"PATH": str(empty)})
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "error: Jekyll is not installed: install it with 'sudo apt-get install jekyll' (Debian, Ubuntu), "
        "'gem install jekyll', or 'bundle install' in a site with a Gemfile"]
    assert not (site / "_posts").exists()


def test_a_port_in_use_is_a_clear_error(tmp_path):
    site, _ = blog(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli("preview", "--port", str(port), cwd=site)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"error: port {port} on 127.0.0.1 (the web server) is in use, maybe by another jekyll serve or nb2post "
        "preview; stop it or pass --port with another port"]
    assert not (site / "_posts").exists()


def test_debouncer_hands_a_burst_on_once():
    debouncer = Debouncer(quiet=0.5)  # (binary fractions: exact sums)
    debouncer.add("a", 0.0)
    debouncer.add("a", 0.25)
    debouncer.add("b", 0.375)
    assert debouncer.due(0.5) == []
    assert debouncer.wait(0.5) == 0.25
    assert debouncer.due(0.75) == ["a"]
    assert debouncer.due(0.875) == ["b"]
    assert debouncer.due(10) == [] and debouncer.wait(10) is None


def test_only_notebooks_below_the_folder_count():
    assert is_notebook("/s/_notebooks/a.ipynb", "/s/_notebooks")
    assert is_notebook("/s/_notebooks/sub/a.ipynb", "/s/_notebooks")
    assert not is_notebook("/s/_notebooks/.~a.ipynb", "/s/_notebooks")
    assert not is_notebook("/s/_notebooks/.ipynb_checkpoints/a-checkpoint.ipynb", "/s/_notebooks")
    assert not is_notebook("/s/_notebooks/a.md", "/s/_notebooks")
    for drafts in ("_drafts", "draft", "drafts"):  # never posts (nb2post.convert.DRAFT_DIRS)
        assert not is_notebook(f"/s/_notebooks/{drafts}/a.ipynb", "/s/_notebooks")
        assert not is_notebook(f"/s/_notebooks/sub/{drafts}/b/a.ipynb", "/s/_notebooks")
    assert is_notebook("/s/_notebooks/drafts.ipynb", "/s/_notebooks")
    assert not is_notebook("/s/other/a.ipynb", "/s/_notebooks")


@pytest.mark.parametrize("args", [["--version"], ["check"], ["new", "--help"], ["--help"]])
def test_other_commands_do_not_load_the_watcher(tmp_path, args):
    site = make_site(tmp_path / "site")
    (site / "_notebooks").mkdir()
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "nb2post.cli", *args], cwd=site,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    imported = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "click" in imported
    assert not {name for name in imported if name.split(".")[0] == "watchdog" or name in ("nb2post.watch", "nb2post.preview")}


def test_a_site_jekyll_cannot_build_is_one_error_and_no_process(tmp_path):
    site, _ = blog(tmp_path)
    (site / "index.md").write_text("---\n---\n{% if %}\n", encoding="utf-8")  # a Liquid syntax error
    preview = Preview(site)
    try:
        code = preview.process.wait(timeout=WAIT)
    finally:
        preview.stop()
    time.sleep(0.3)
    assert code == 1
    errors = [line for line in preview.err if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: jekyll serve did not start ("), preview.err
    assert not running(preview.jekyll_pid())


def test_a_broken_config_keeps_the_preview_and_its_settings(tmp_path, previews):
    site, notebook = blog(tmp_path)
    preview = previews(site, "--site", "site", cwd=tmp_path)  # (a relative --site: Jekyll runs in the site)
    page = preview.started() + POST_URL_PATH
    jekyll = preview.jekyll_pid()
    config = site / "_config.yml"
    good = config.read_text()
    config.write_text(good + "nb2post: [\n", encoding="utf-8")
    preview.wait_for(lambda: any(line.startswith("error:") and "goes on with the settings it had" in line
                                 for line in preview.err), what="the config error")
    assert running(jekyll)
    save(notebook, "Still converting.")
    preview.wait_for(lambda: "Still converting." in fetch(page), what="a save served with the old settings")
    assert preview.stop() == 130


def test_a_site_with_a_gemfile_is_served_by_bundle_exec(tmp_path, previews):
    site, notebook = blog(tmp_path)
    (site / "Gemfile").write_text('source "https://rubygems.org"\ngem "jekyll"\ngem "minima"\ngem "jekyll-feed"\n'
                                  'gem "jekyll-seo-tag"\n', encoding="utf-8")  # Debian's gems satisfy it offline
    preview = previews(site)
    page = preview.started() + POST_URL_PATH
    assert any(line.startswith("note: bundle exec runs as process ") for line in preview.err)
    save(notebook, "Through Bundler.")
    preview.wait_for(lambda: "Through Bundler." in fetch(page), what="the save served")
    assert preview.stop() == 130


def test_the_printed_url_is_where_jekyll_serves_the_post_on_a_fastpages_blog_with_a_baseurl(tmp_path, previews):
    from site_kits import make_fastpages_site

    site = make_fastpages_site(tmp_path / "blog", extra_config='baseurl: "/nb-blog"\n')
    made = run_cli("new", "Charts: a look", "--date", "2024-05-03", "-c", "plots", "-c", "data", cwd=site, check=True)
    notebook = site / made.stdout.strip()
    preview = previews(site)
    preview.started()
    assert any(line.startswith(f"preview: http://127.0.0.1:{preview.port}/nb-blog/") for line in preview.err)
    data = json.loads(notebook.read_text(encoding="utf-8"))
    data["cells"][1]["source"] = "Words under categories."
    notebook.write_text(json.dumps(data), encoding="utf-8")
    url = preview.wait_for(lambda: next((line for line in preview.out if line.startswith("http://")), None), what="the URL")
    assert url == f"http://127.0.0.1:{preview.port}/nb-blog/plots/data/2024/05/03/charts-a-look.html"
    preview.wait_for(lambda: "Words under categories." in fetch(url), what="the page at the printed URL")
    assert preview.stop() == 130


def test_quiet_keeps_jekylls_errors_and_drops_its_progress():
    from nb2post.preview import says_problem

    assert says_problem("  Liquid Exception: Liquid syntax error (line 3): 'if' tag was never closed in index.md")
    assert says_problem("             Error: Run jekyll build --trace for more information.")
    assert not says_problem("      Regenerating: 1 file(s) changed at 2026-12-07 22:51:01")
    assert not says_problem("                    ...done in 0.150429684 seconds.")


def test_a_moved_notebooks_folder_is_said_and_not_followed(tmp_path, previews):
    site, _ = blog(tmp_path)
    (site / "writing").mkdir()
    preview = previews(site)
    preview.started()
    jekyll = preview.jekyll_pid()
    config = site / "_config.yml"
    config.write_text(config.read_text() + "  notebooks_dir: writing\n", encoding="utf-8")
    preview.wait_for(lambda: "warning: the notebooks folder is now writing/: stop the preview and start it again to "
                             "watch it (it still watches _notebooks/)" in preview.err, what="the warning")
    assert running(jekyll)
    assert preview.stop() == 130


@pytest.mark.parametrize("how", ["Ctrl-C in a terminal", "SIGTERM"])
def test_every_way_of_stopping_leaves_no_process(tmp_path, previews, how):
    site, _ = blog(tmp_path)
    preview = previews(site, own_group=True)
    preview.started()
    jekyll = preview.jekyll_pid()
    if how == "SIGTERM":
        preview.process.send_signal(signal.SIGTERM)
    else:  # a terminal signals its whole foreground process group
        os.killpg(preview.process.pid, signal.SIGINT)
    assert preview.process.wait(timeout=30) == 130
    time.sleep(0.2)
    assert not running(jekyll)


def test_jekyll_dies_with_a_killed_preview(tmp_path, previews):
    site, _ = blog(tmp_path)
    preview = previews(site)
    preview.started()
    jekyll = preview.jekyll_pid()
    preview.process.kill()  # SIGKILL: nb2post cannot stop anything itself
    preview.process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while running(jekyll) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not running(jekyll)
