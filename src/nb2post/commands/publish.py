"""``nb2post publish``: convert, commit exactly nb2post's files, push (never forced), brief."""

from __future__ import annotations

from pathlib import Path

import click

from .common import (
    EXIT_FAILED,
    EXIT_NOT_PUSHED,
    EXIT_OK,
    EXIT_USAGE,
    config_option,
    echo_err,
    epilog,
    fail,
    load_settings,
    locate_site,
    quiet_option,
    require_named_paths,
    site_option,
    to_option,
    verbose_option,
)

LOCK_WAIT_SECONDS = 600  # another publish of the same work tree: wait this long for it to finish

EPILOG = epilog(
    [
        ("nb2post publish", "convert what changed, commit it, push to the upstream"),
        ("nb2post publish -n", "the files it would commit and the push it would make"),
        ("nb2post publish --no-push -m 'Post: $titles'", "commit only, with your message"),
    ],
    "0 also after --no-push or --dry-run; 1: failed before anything was committed (git state, identity, "
    "remote, a notebook, signing): the repository and its index are as they were; 3: your pre-commit (or "
    "commit-msg, prepare-commit-msg) hook refused the commit, nothing committed or staged; or committed but "
    "not pushed (rejected, unreachable, credentials), the local commit is kept: fix the cause and publish "
    "again; 130 (143 for SIGTERM): stopped, git with it; publish again to finish.",
)


@click.command(
    "publish", short_help="Convert, commit exactly the generated files, and push them (never forced).", epilog=EPILOG
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@site_option
@to_option
@config_option
@click.option(
    "--remote", default=None, help="Remote to push to. Default: the branch's upstream, else the only remote or origin."
)
@click.option(
    "--branch",
    "remote_branch",
    default=None,
    help="Branch on the remote. Default: the upstream branch, else the local branch's name.",
)
@click.option(
    "--message",
    "-m",
    default=None,
    help="Commit message template ($subject, $titles, $count, $list). Default: 'nb2post: commit_message:' in _config.yml, else 'Publish $subject'.",
)
@click.option("--include-notebooks", is_flag=True, help="Also commit the source notebooks of the posts.")
@click.option("--no-push", is_flag=True, help="Commit only.")
@click.option(
    "--dry-run", "-n", is_flag=True, help="Print the files it would commit and the push it would make; change nothing."
)
@click.option("--force", is_flag=True, help="Rewrite posts even when unchanged or edited by hand.")
@click.option(
    "--no-verify",
    is_flag=True,
    help="Skip your pre-commit and commit-msg hooks for nb2post's commit (as git commit --no-verify).",
)
@quiet_option("No progress and no notes: errors, the summary and what was committed and pushed.")
@verbose_option("Also list every notebook's outcome, those already up to date included.")
def command(
    paths,
    site,
    target,
    config_files,
    remote,
    remote_branch,
    message,
    include_notebooks,
    no_push,
    dry_run,
    force,
    no_verify,
    quiet,
    verbose,
):
    """Convert notebooks, commit exactly the files nb2post wrote or removed, and push them.

    Whatever else is staged or modified in the repository stays exactly as it was, also when the commit
    fails. Your pre-commit hook runs on the commit (skip it with --no-verify). Never force-pushes.
    After a successful push the share brief of each published post is written (when available).
    """
    import signal

    from ..publish import Interrupted, interruption

    def terminated(signum, frame):
        raise Interrupted(signum)

    try:
        signal.signal(signal.SIGTERM, terminated)
    except ValueError:
        pass  # not the main thread (a test calling the command in a thread): SIGTERM stays the default
    try:
        code = run_publish(
            paths,
            site,
            target,
            remote,
            remote_branch,
            message,
            include_notebooks,
            no_push,
            dry_run,
            force,
            quiet,
            verbose,
            no_verify,
            config_files,
        )
    except KeyboardInterrupt as exc:
        name, code = interruption(exc)
        fail(
            f"stopped by {name}; what was committed stays committed, posts converted stay in place: "
            "publish again to finish",
            code,
        )
    raise SystemExit(code)


def run_publish(
    paths,
    site,
    target,
    remote,
    remote_branch,
    message,
    include_notebooks,
    no_push,
    dry_run,
    force,
    quiet=False,
    verbose=False,
    no_verify=False,
    config_files=None,
) -> int:
    from .. import gitrepo, publish
    from ..jekyll.config import CONFIG_NAME
    from ..templates_text import template_text

    site = locate_site(site, paths)
    require_named_paths(paths)
    settings = load_settings(site, target, config_files)
    configured = settings.option("commit_message")
    if message is not None:
        template, where = message, "--message"
    elif configured:
        template, where = str(configured), f"{site / CONFIG_NAME}: nb2post: commit_message"
    else:
        template, where = template_text("commit_message.txt"), "commit_message.txt"
    publish.check_template(template, where)

    root = publish.repository_root(site, Path.cwd(), settings.facts)
    lock = gitrepo.PublishLock(root)
    if not dry_run and not lock.acquire(LOCK_WAIT_SECONDS, lambda pid: _waiting(pid, root, verbose)):
        raise publish.PublishError(
            f"another nb2post publish (pid {lock.holder()}) has been running in {root} for over "
            f"{LOCK_WAIT_SECONDS // 60} minutes; wait for it to finish (or stop it), then publish again (nothing was changed)",
            EXIT_FAILED,
        )
    repo = gitrepo.open_repo(root)
    try:
        # Everything that can refuse is checked before any notebook is converted: a refusal changes nothing.
        branch, push_to = _preflight(repo, root, remote, remote_branch, no_push, settings.facts.git_dir)
        secrets = push_to.secrets if push_to else ()
        try:
            return _convert_commit_push(
                repo,
                root,
                site,
                settings,
                branch,
                push_to,
                template,
                paths,
                target,
                include_notebooks,
                dry_run,
                force,
                quiet,
                verbose,
                no_verify,
            )
        except gitrepo.GitError as exc:
            raise publish.PublishError(gitrepo.redact(str(exc), secrets), EXIT_FAILED) from None
    finally:
        repo.close()
        lock.release()


def _waiting(pid: str, root: Path, verbose: bool) -> None:
    from ..diagnostics import Reporter

    Reporter(verbose=verbose).note(
        f"another nb2post publish (pid {pid}) is running in {root}; waiting for it to finish"
    )


def _preflight(repo, root: Path, remote, remote_branch, no_push, git_folder: Path | None):
    """(branch, push target or None), or PublishError saying what to fix."""
    from .. import gitrepo
    from ..publish import PublishError

    busy = gitrepo.operation_in_progress(repo)
    if busy:
        raise PublishError(
            f"{busy} is in progress in {root}; finish or abort it, then publish again (nothing was changed)",
            EXIT_FAILED,
        )
    branch = gitrepo.current_branch(git_folder)
    if branch is None:
        raise PublishError(
            f"HEAD is detached in {root} (no branch checked out); switch to the branch you publish from "
            "(e.g. git switch main), then publish again (nothing was changed)",
            EXIT_FAILED,
        )
    problem = gitrepo.identity_problem(repo)
    if problem:
        raise PublishError(f"{problem} (nothing was changed)", EXIT_FAILED)
    if no_push:
        return branch, None
    try:
        return branch, gitrepo.push_target(repo, branch, remote, remote_branch)
    except gitrepo.GitError as exc:
        raise PublishError(f"{exc} (nothing was changed)", EXIT_USAGE if remote else EXIT_FAILED) from None


def _convert_commit_push(
    repo,
    root,
    site,
    settings,
    branch,
    push_to,
    template,
    paths,
    target,
    include_notebooks,
    dry_run,
    force,
    quiet=False,
    verbose=False,
    no_verify=False,
) -> int:
    from .. import gitrepo, publish
    from ..diagnostics import Reporter
    from .convert import run_convert

    secrets = push_to.secrets if push_to else ()
    report = Reporter(quiet, verbose, emit=lambda said: echo_err(gitrepo.redact(said.line(report.cwd), secrets)))

    def say(text: str) -> None:
        click.echo(gitrepo.redact(text, secrets))

    # (a post edited by hand is left out of the commit, with a warning, not a failure of the whole run)
    outcomes, code = run_convert(
        paths, site, target, force, dry_run, None, quiet, verbose, settings=settings, keep_edited=True, report=report
    )
    if code != EXIT_OK:
        raise publish.PublishError(
            "nothing committed: fix the notebooks named above, then publish again "
            "(posts converted now stay in place and are committed then)",
            EXIT_FAILED,
        )
    top = root.resolve()
    plan = publish.plan(outcomes, site, settings.images_dir, top, include_notebooks)
    # A dry run wrote nothing, so what it would write counts as changed without looking at the disk.
    pending = {
        publish.inside_repo(p, top)
        for o in outcomes
        if dry_run and o.status == "would write"
        for p in (*o.written, *o.removed)
    }
    changed = [p for p in plan.paths if p in pending] + gitrepo.changed_paths(
        repo, [p for p in plan.paths if p not in pending]
    )
    changed = publish.confirm(plan, changed, settings, top)
    for path in gitrepo.changed_paths(repo, plan.hand_edited) if plan.hand_edited else []:
        report.warning(f"{path} was edited by hand after nb2post wrote it; left out of the commit (commit it yourself)")

    committed = None
    if changed:
        chosen = set(changed)
        posts = [(o, [p for p in files if p in chosen]) for o, files in plan.by_outcome if chosen.intersection(files)]
        message = publish.commit_message(template, posts)
        subject = message.splitlines()[0]
        if dry_run:
            say(f"would commit {len(changed)} file(s) on {branch}: {subject}")
            for path in changed:
                say(f"  {path}")
        else:
            committed = _commit(root, changed, message, not no_verify, secrets)
            say(f"committed {committed[:7]} on {branch} ({len(changed)} file(s)): {subject}")
    else:
        ahead = gitrepo.commits_not_on(repo, push_to) if push_to else 0
        if push_to is None or ahead == 0 or gitrepo.head_commit(root) is None:
            on_remote = f" and on {push_to.remote}/{push_to.branch}" if push_to else ""
            say(f"nothing to publish: the posts are committed{on_remote}")
            if push_to is not None and ahead == 0:
                _write_briefs(
                    repo, root, site, settings, push_to, [], report, say
                )  # owed by a publish stopped after its push
            return EXIT_OK
        # An earlier publish committed but could not push (say, the remote had moved on): push it now.
        if ahead:
            say(f"nothing new to commit; {ahead} commit(s) of {branch} not yet on {push_to.remote}/{push_to.branch}")
        else:
            say(f"nothing new to commit; {push_to.remote}/{push_to.branch} was never fetched here, so pushing {branch}")
    if push_to is None:
        if not quiet:
            say("not pushed (--no-push)")
        return EXIT_OK
    where = f"{push_to.remote}/{push_to.branch} ({push_to.shown_url})"
    if dry_run:
        say(f"would push {branch} to {where} (never forced)")
        return EXIT_OK

    before = gitrepo.rev(repo, push_to.tracking_ref)
    head = gitrepo.head_commit(root)
    pushed = gitrepo.paths_changed_since(repo, before, head) if head else set()
    post_paths = [publish.inside_repo(o.post_path, top) for o, _ in plan.by_outcome if o.post_path]
    post_paths = [p for p in post_paths if p in pushed]
    folder = settings.facts.git_dir
    publish.set_pending_briefs(folder, publish.pending_briefs(folder) + post_paths)
    try:
        result = gitrepo.push(repo, push_to)
    except KeyboardInterrupt as exc:
        name, code = publish.interruption(exc)
        kept = f"the commit {committed[:7]} is kept" if committed else "the local commits are kept"
        raise publish.PublishError(
            f"stopped by {name} during the push to {where}: git push was stopped; {kept} on "
            f"{branch}: publish again to push it",
            code,
        ) from None
    if not result.ok:
        report.error(result.explanation)
        kept = f"the commit {committed[:7]} is kept" if committed else "the local commits are kept"
        echo_err(f"{kept} on {branch}, not pushed; publish again once that is fixed")
        return EXIT_NOT_PUSHED
    for line in result.remote_lines:
        say(f"remote: {line}")
    say(f"pushed {branch} to {where}" if result.kind == "pushed" else f"{where} already has {branch}")

    _write_briefs(repo, root, site, settings, push_to, post_paths, report, say)
    return EXIT_OK


def _commit(root: Path, changed: list[str], message: str, verify: bool, secrets) -> str:
    """The new commit's sha, or PublishError saying what was left where (the index is always as it was)."""
    from .. import gitrepo, publish

    left = f"{changed[0]}" + (f" and {len(changed) - 1} more file(s)" if len(changed) > 1 else "")
    left = f"nothing was committed or staged, the generated files stay in the work tree: {left}"
    before = gitrepo.head_commit(root)
    try:
        return gitrepo.commit_paths(root, [Path(p) for p in changed], message, verify)
    except gitrepo.HookRefused as exc:
        skip = ", or publish with --no-verify to skip it" if exc.hook in gitrepo.SKIPPED_BY_NO_VERIFY else ""
        if exc.changed:
            left += f"; the hook changed {', '.join(exc.changed)}, put back as nb2post wrote it (keep nb2post's files out of that hook)"
        raise publish.PublishError(
            f"{gitrepo.redact(str(exc), secrets)}; fix what it says and publish again{skip}; {left}", EXIT_NOT_PUSHED
        ) from None
    except gitrepo.GitError as exc:
        raise publish.PublishError(f"{gitrepo.redact(str(exc), secrets)}; {left}", EXIT_FAILED) from None
    except KeyboardInterrupt as exc:
        name, code = publish.interruption(exc)
        after = gitrepo.head_commit(root)
        if after != before:
            left = f"the commit {after[:7]} was made, not pushed: publish again to push it"
        raise publish.PublishError(f"stopped by {name} during git commit; {left}", code) from None


def _write_briefs(repo, root: Path, site: Path, settings, push_to, post_paths: list[str], report, say) -> None:
    """The briefs of the posts just pushed, and of those an earlier publish committed to push whose brief
    it never wrote, once the remote has them (a post whose commit never reached it stays owed)."""
    from .. import gitrepo, publish

    folder = settings.facts.git_dir
    pending = publish.pending_briefs(folder)
    arrived = gitrepo.paths_on(repo, push_to.tracking_ref, [p for p in pending if p not in post_paths])
    owed = list(dict.fromkeys(post_paths + [p for p in pending if p in arrived]))
    if not owed:
        return
    briefs, problems = publish.write_briefs(site, [root / p for p in owed if (root / p).is_file()], settings)
    publish.set_pending_briefs(folder, [p for p in pending if p not in owed])  # a brief that failed is warned once
    for problem in problems:
        report.warning(problem)  # the reporter masks the push URL's credentials
    for path in briefs:
        say(f"brief: {path}")
