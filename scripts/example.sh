#!/usr/bin/env bash
# The main job on the bundled example: copy examples/site into a work folder, convert its notebooks
# into posts, and build the site with Jekyll. Usage: bash scripts/example.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

if ! command -v jekyll >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    jekyll jekyll-theme-minima ruby-jekyll-feed ruby-jekyll-seo-tag >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e . >/dev/null

WORK=${1:-$(mktemp -d /tmp/nb2post-example.XXXXXX)}
mkdir -p "$WORK"
rm -rf "$WORK/site"
cp -r "$ROOT/examples/site" "$WORK/site"
cd "$WORK/site"

echo "== converting the example notebooks"
nb2post convert _notebooks
echo "== building the site with Jekyll"
jekyll build -q -d _site --strict_front_matter
echo "== done: posts in $WORK/site/_posts, built site in $WORK/site/_site"
ls _posts
