"""The markers tests/conftest.py sets from what each test uses, so that `-m "not jekyll and not browser and not
act and not pds"` leaves out exactly the tests that need those (the README's quick local loop)."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def collected(marker: str, *files: str) -> set[str]:
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "-m", marker, *files], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 5), done.stdout + done.stderr  # 5: none collected
    return {line.split("[")[0] for line in done.stdout.splitlines() if "::" in line}


def test_each_test_is_marked_by_what_it_reaches():
    jekyll = collected("jekyll", "tests/test_edits.py", "tests/test_preview.py", "tests/test_fuzz.py")
    assert {
        "tests/test_edits.py::test_two_notebooks_of_one_run_never_share_a_url",  # subprocess.run(["jekyll", "build"...
        "tests/test_edits.py::test_the_destinations_nb2post_reads_are_the_pages_jekyll_writes",  # jekyll_build
        "tests/test_preview.py::test_a_site_jekyll_cannot_build_is_one_error_and_no_process",  # Preview
        "tests/test_preview.py::test_jekyll_dies_with_a_killed_preview",  # the previews fixture
        "tests/test_fuzz.py::test_generated_notebooks_convert_and_build",  # a @given test, through a helper
    } <= jekyll
    assert "tests/test_preview.py::test_debouncer_hands_a_burst_on_once" not in jekyll
    assert "tests/test_edits.py::test_a_post_whose_images_or_videos_were_deleted_is_stale_and_written_again" not in jekyll
    assert "tests/test_browser.py::test_example_posts_in_headless_chromium" in collected("browser", "tests/test_browser.py")
    assert collected("act", "tests/test_shard.py") and collected("pds", "tests/test_share.py")
    quick = collected("not jekyll and not browser and not act and not pds", "tests/test_share.py")
    assert {
        "tests/test_share.py::test_facets_sit_at_utf8_byte_offsets_after_accents_cjk_and_emoji",
        "tests/test_share.py::test_a_broken_share_setting_is_one_line_and_exit_2",
    } <= quick
    assert not {
        "tests/test_share.py::test_share_posts_once_per_channel_records_it_and_a_second_run_skips",  # the pds fixture
        "tests/test_share.py::test_a_live_page_without_og_tags_is_not_shared",  # jekyll_build
    } & quick
