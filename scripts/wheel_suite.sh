#!/usr/bin/env bash
# The whole test suite with nb2post installed from its built wheel, on one pyenv Python:
#   scripts/wheel_suite.sh 3.13 [pytest arguments, default: tests]
# Not part of CI (scripts/test.sh runs a few test files from the wheel on 3.10 and 3.13): run it after a
# change to packaging, dependencies or anything version-sensitive. About 10-15 minutes per Python on
# 2 cores. It tests this checkout's working tree (tracked and untracked, not ignored, files) as it is now.
# The wheel is built from a copy, installed with its test extra into a fresh venv of that Python, and
# the suite runs inside the copy with the venv first on PATH, so neither the checkout nor another
# interpreter's packages are imported. Work files: /tmp/nb2post-wheel-suite-VERSION (or
# $NB2POST_WHEEL_SUITE_DIR), replaced on each run.
set -euo pipefail
version="${1:?usage: scripts/wheel_suite.sh PYTHON_VERSION [pytest arguments]  (e.g. 3.13)}"
shift
source="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${NB2POST_WHEEL_SUITE_DIR:-/tmp/nb2post-wheel-suite-$version}"

pyenv_root="$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")"
interpreter=""
for candidate in "$pyenv_root"/versions/"$version".*/bin/python; do
  if [ -x "$candidate" ]; then interpreter="$candidate"; fi  # the last (newest) patch release
done
if [ -z "$interpreter" ]; then
  echo "wheel suite: no pyenv Python $version under $pyenv_root/versions (pyenv install $version)" >&2
  exit 2
fi

# replaced on each run, but only a folder this script made (it holds its marker)
if [ -e "$work" ] && [ ! -e "$work/.nb2post-wheel-suite" ]; then
  echo "wheel suite: $work exists and was not made by this script; remove it or set NB2POST_WHEEL_SUITE_DIR" >&2
  exit 2
fi
rm -rf "$work"
mkdir -p "$work/copy"
touch "$work/.nb2post-wheel-suite"
# The checkout's files as the working tree has them (deleted ones left out), in a repository of their
# own: tests/test_hook.py and test_action.py copy the project from `git ls-files` of where they run.
git -C "$source" ls-files -z -co --exclude-standard |
  while IFS= read -r -d '' name; do
    if [ -f "$source/$name" ]; then printf '%s\0' "$name"; fi
  done |
  tar -C "$source" --null -T - -cf - | tar -C "$work/copy" -xf -
git -C "$work/copy" init -q
git -C "$work/copy" add -A
git -C "$work/copy" -c user.name=wheel-suite -c user.email=wheel-suite@localhost commit -qm "working tree of $source"
# the tests find the shared corpus beside the checkout, as ../shared
if [ -d "$source/../shared" ]; then ln -s "$(cd "$source/.." && pwd)/shared" "$work/shared"; fi

"$interpreter" -m venv "$work/venv"
python="$work/venv/bin/python"
# pip's output only when it fails (this machine's pip.conf makes it warn about every package otherwise)
pip_quietly() {
  if ! "$python" -m pip "$@" --disable-pip-version-check >"$work/pip.log" 2>&1; then
    cat "$work/pip.log" >&2
    echo "wheel suite: pip $1 failed (above)" >&2
    exit 1
  fi
}
pip_quietly wheel --no-deps -w "$work/dist" "$work/copy"
wheels=("$work"/dist/nb2post-*.whl)
pip_quietly install "${wheels[0]}[test]"

cd "$work/copy"
imported="$("$python" -c 'import nb2post; print(nb2post.__file__)')"
case "$imported" in
  "$work/venv/"*) ;;
  *) echo "wheel suite: nb2post was imported from $imported, not from the wheel in $work/venv" >&2; exit 1 ;;
esac
echo "wheel suite: $(basename "${wheels[0]}") on $("$python" -V 2>&1), imported from $imported" >&2
if [ "$#" -eq 0 ]; then set -- tests; fi
PATH="$work/venv/bin:$PATH" "$python" -m pytest -q -p no:cacheprovider --timeout 900 "$@"
