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
command -v shellcheck >/dev/null 2>&1 || apt_needed+=(shellcheck)
# MathJax 2.7 served locally, so tests/test_browser.py sees math typeset without a CDN
[ -f /usr/share/javascript/mathjax/MathJax.js ] || apt_needed+=(libjs-mathjax)
command -v git >/dev/null 2>&1 || apt_needed+=(git)
if [ ${#apt_needed[@]} -gt 0 ]; then
  echo "installing Debian packages: ${apt_needed[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_needed[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
"$PYTHON" -m pip install -q --disable-pip-version-check -e '.[test]'
exec "$PYTHON" -m pytest "$@"
