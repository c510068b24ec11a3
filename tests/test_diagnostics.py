"""The diagnostics model: one Reporter decides what -q and -v show and says each thing once; every error
nb2post raises on purpose derives from Nb2postError and carries the exit status the CLI ends with."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import nb2post
from nb2post.diagnostics import EXIT_USAGE, NOTE, WARNING, Diagnostic, Nb2postError, Reporter, about_notebooks

# Exceptions that are no error line: a stop carrying what a batch did so far, one the preview catches itself.
NOT_ERRORS = {"nb2post.convert.Interrupted", "nb2post.commands.preview._StartFailed"}


def _said(**options):
    lines: list[str] = []
    return Reporter(cwd=Path("/site"), emit=lambda d: lines.append(d.line(Path("/site"))), **options), lines


def test_the_reporter_says_each_once_hides_notes_without_v_and_all_but_errors_with_q():
    for options, shown in (({}, ["error", "warning"]), ({"verbose": True}, ["error", "warning", "note"]),
                           ({"quiet": True, "verbose": True}, ["error"])):
        report, lines = _said(**options)
        for _ in range(2):
            report.error("/site/_notebooks/a.ipynb: broken JSON", "/site/_notebooks/a.ipynb")
            report.warning("a warning")
            report.note("a note")
        assert [line.split(":", 1)[0] for line in lines] == shown, options
        assert dict(report.counts) == {level: 1 for level in shown}
    assert lines == ["error: _notebooks/a.ipynb: broken JSON"], "the file as typed from the current folder"


def test_a_long_running_reporter_says_again_what_is_news_again_but_the_sites_once():
    report, lines = _said(verbose=True, once=False)
    for _ in range(2):
        report.report_all(about_notebooks(["/site/_notebooks/a.ipynb: saved without changes",
                                           "the repository of /site has no git remote"], Path("/site/_notebooks/a.ipynb"), NOTE))
    assert lines == ["note: _notebooks/a.ipynb: saved without changes", "note: the repository of /site has no git remote",
                     "note: _notebooks/a.ipynb: saved without changes"]


def test_a_level_is_one_of_three():
    with pytest.raises(ValueError):
        Diagnostic("info", "x")
    assert Diagnostic(WARNING, "x").line() == "warning: x"


def test_every_error_class_derives_from_one_base_that_carries_its_exit_status():
    classes = {}
    for module in pkgutil.walk_packages(nb2post.__path__, "nb2post."):
        if module.name.endswith(("__main__", "exporter")):
            continue  # (the exporter's needs nbconvert; it is checked below)
        for name, value in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            if issubclass(value, BaseException) and value.__module__.startswith("nb2post"):
                classes[f"{value.__module__}.{value.__qualname__}"] = value
    from nb2post.exporter import ExportError

    classes["nb2post.exporter.ExportError"] = ExportError
    assert len(classes) > 20
    loose = sorted(name for name, value in classes.items() if name not in NOT_ERRORS and not issubclass(value, Nb2postError)
                   and not issubclass(value, KeyboardInterrupt))
    assert loose == [], "error classes outside nb2post.diagnostics.Nb2postError"
    from nb2post.jekyll.config import ConfigError

    assert ConfigError("x").exit_code == EXIT_USAGE and Nb2postError("x", code=3).exit_code == 3
