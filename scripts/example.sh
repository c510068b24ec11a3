#!/usr/bin/env bash
# The main job on the bundled example: copy examples/site into a work folder that is a git repository
# with a local bare remote, then `nb2post publish` converts the notebooks into posts, commits exactly
# those files and pushes them (and writes the share brief when nb2post has it); finally Jekyll builds
# the site. Usage: bash scripts/example.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

if ! command -v jekyll >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    git jekyll jekyll-theme-minima ruby-jekyll-feed ruby-jekyll-seo-tag >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e . >/dev/null

WORK=${1:-$(mktemp -d /tmp/nb2post-example.XXXXXX)}
mkdir -p "$WORK"
rm -rf "$WORK/site" "$WORK/remote.git"
cp -r "$ROOT/examples/site" "$WORK/site"
git init -q --bare "$WORK/remote.git"
cd "$WORK/site"

echo "== a blog repository: the site's own files committed, a local bare remote as origin"
git init -q
git symbolic-ref HEAD refs/heads/main
# An identity for this example repository only, when the machine has none.
git config user.name >/dev/null || git config user.name "nb2post example"
git config user.email >/dev/null || git config user.email "example@nb2post.invalid"
printf '_site/\n.jekyll-cache/\n' > .gitignore
git add .gitignore _config.yml index.md _includes _notebooks
git commit -q -m "The blog before nb2post"
# The remote is named like a GitHub repository, so the post gets real Colab/Binder/GitHub badges;
# git's insteadOf sends the pushes to the local bare repository, as there is no network here.
git remote add origin "https://github.com/nb2post-example/blog.git"
git config "url.$WORK/remote.git.insteadOf" "https://github.com/nb2post-example/blog.git"
git push -q -u origin main

echo "== nb2post publish: convert, commit exactly the generated files, push"
nb2post publish _notebooks | tee "$WORK/publish.log"

echo "== building the site with Jekyll"
jekyll build -q -d _site --strict_front_matter

echo "== done"
echo "posts:       $WORK/site/_posts"
for post in _posts/*.md; do echo "  ${post#_posts/}"; done
echo "pushed to:   $WORK/remote.git ($(git -C "$WORK/remote.git" log --oneline -1 main))"
echo "built site:  $WORK/site/_site"
if grep -q '^brief: ' "$WORK/publish.log"; then
  echo "brief:"
  sed -n 's/^brief: /  /p' "$WORK/publish.log"
else
  echo "brief:       (not written: this nb2post has no share brief yet)"
fi
