#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine (Python 3.11, root), then run it.
# Debian packages are installed only when missing; Python packages into the current interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_needed=()
command -v jekyll >/dev/null 2>&1 || apt_needed+=(jekyll jekyll-theme-minima ruby-jekyll-feed ruby-jekyll-seo-tag)
command -v chromium >/dev/null 2>&1 || apt_needed+=(chromium)
# fastpages' post layout draws its TOC with the jekyll-toc plugin (tests/test_fastpages.py, test_toc.py)
[ "$(gem list -i jekyll-toc 2>/dev/null)" = "true" ] || apt_needed+=(ruby-jekyll-toc)
# a post must never take a URL a redirect_from: page serves (tests/test_migration_blog.py builds with the plugin)
[ "$(gem list -i jekyll-redirect-from 2>/dev/null)" = "true" ] || apt_needed+=(ruby-jekyll-redirect-from)
command -v shellcheck >/dev/null 2>&1 || apt_needed+=(shellcheck)
# MathJax 2.7 served locally, so tests/test_browser.py sees math typeset without a CDN
[ -f /usr/share/javascript/mathjax/MathJax.js ] || apt_needed+=(libjs-mathjax)
command -v git >/dev/null 2>&1 || apt_needed+=(git)
# npm fetches MathJax 3 and KaTeX (tests/test_math_renderers.py) and Bluesky's reference PDS
# (tests/test_share.py), whose better-sqlite3 builds with g++
command -v npm >/dev/null 2>&1 || apt_needed+=(nodejs npm)
command -v g++ >/dev/null 2>&1 || apt_needed+=(g++ make)
if [ ${#apt_needed[@]} -gt 0 ]; then
  echo "installing Debian packages: ${apt_needed[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_needed[@]}" >/dev/null
fi

# MathJax 3 and KaTeX served locally for tests/test_math_renderers.py (npm's registry; Debian packages
# neither in the versions sites load). Kept in a cache folder between runs; the tests skip without them.
export NB2POST_MATH_JS="${NB2POST_MATH_JS:-$HOME/.cache/nb2post/math-js}"
if [ ! -f "$NB2POST_MATH_JS/node_modules/mathjax/es5/tex-chtml.js" ] || [ ! -f "$NB2POST_MATH_JS/node_modules/katex/dist/katex.min.js" ]; then
  mkdir -p "$NB2POST_MATH_JS"
  npm install --silent --no-audit --no-fund --prefix "$NB2POST_MATH_JS" mathjax@3 katex@0.16 >/dev/null ||
    echo "could not install mathjax@3 and katex@0.16 with npm: the math renderer tests will skip" >&2
fi

PYTHON="${PYTHON:-python3}"
"$PYTHON" -m pip install -q --disable-pip-version-check -e '.[test]'
# @atproto/dev-env (a PDS and a PLC directory) outside the checkout, shared by worktrees: ~6 minutes once
ATPROTO_DIR="${NB2POST_ATPROTO_DIR:-$HOME/.cache/nb2post-tests/atproto}"
if [ ! -d "$ATPROTO_DIR/node_modules/@atproto/dev-env" ]; then
  echo "installing Bluesky's reference PDS (@atproto/dev-env) into $ATPROTO_DIR" >&2
  mkdir -p "$ATPROTO_DIR"
  (cd "$ATPROTO_DIR" && npm install -q --no-audit --no-fund @atproto/dev-env@0.3.215 >/dev/null)
fi
status=0
# The habits before the tests (both read their settings from pyproject.toml): lint, and types
"$PYTHON" -m ruff check src || status=$?
"$PYTHON" -m ruff format --check src || status=$?
"$PYTHON" -m mypy || status=$?
"$PYTHON" -m pytest "$@" || status=$?

# The built wheel on the oldest and newest supported Python (pyenv's 3.10 and 3.13): the wheel, not
# the checkout, is imported (the tests run from a copy outside it), so a missing package file or a
# dependency that breaks on a newer Python shows here. Runs after a whole-suite run (no test paths
# given) or with NB2POST_WHEEL_TESTS=1; NB2POST_WHEEL_TESTS=0 skips it.
WHEEL_TESTS=(test_describe.py test_twitter_text.py test_brief.py test_convert.py test_memory.py test_replay.py)
paths_given=0
for arg in "$@"; do case "$arg" in -*) ;; *) paths_given=1 ;; esac; done
want="${NB2POST_WHEEL_TESTS:-$((1 - paths_given))}"
if [ "$want" = "1" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  if ! "$PYTHON" -m pip wheel -q --disable-pip-version-check --no-deps -w "$work/dist" . >/dev/null; then
    echo "wheel tests: could not build the wheel (pip wheel . failed)" >&2
    exit 1
  fi
  wheels=("$work"/dist/nb2post-*.whl)
  wheel="${wheels[0]}"
  # the copy sits in its own folder with ../shared beside it, as the tests expect of a checkout
  mkdir -p "$work/copy"
  cp -r tests "$work/copy/tests"
  rm -rf "$work/copy/tests/__pycache__"
  if [ -d ../shared ]; then ln -s "$(cd .. && pwd)/shared" "$work/shared"; fi
  pyenv_root="$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")"
  venvs="${NB2POST_WHEEL_VENVS:-$work/venvs}"  # set it to a folder of your own to reuse the venvs
  for version in 3.10 3.13; do
    interpreter=""
    for candidate in "$pyenv_root"/versions/"$version".*/bin/python; do
      if [ -x "$candidate" ]; then interpreter="$candidate"; fi  # any patch release does
    done
    if [ -z "$interpreter" ]; then
      echo "wheel tests: skipped on Python $version (no pyenv Python $version under $pyenv_root/versions)" >&2
      continue
    fi
    venv="$venvs/py$version"
    [ -x "$venv/bin/python" ] || "$interpreter" -m venv "$venv"
    echo "wheel tests: $(basename "$wheel") on $("$venv/bin/python" -V 2>&1)" >&2
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel" pytest pytest-timeout
    (cd "$work/copy" && "$venv/bin/python" -c 'import nb2post, sys; sys.exit("nb2post" in sys.modules and "site-packages" not in nb2post.__file__)' &&
        "$venv/bin/python" -m pytest -q -p no:cacheprovider --timeout 900 \
        "${WHEEL_TESTS[@]/#/tests/}") || status=$?
  done
fi
exit "$status"
