#!/bin/sh
# nb2post pre-push hook ($mode mode): written by `nb2post hook install`; `nb2post hook uninstall` removes it.
# nb2post-managed-hook
# git gives the remote's name and URL as arguments and one line per pushed ref on stdin; nb2post reads both.
python=$python
if [ -x "$$python" ]; then
  exec "$$python" -m nb2post.cli hook run --mode $mode --site $site -- "$$@"
fi
if command -v nb2post >/dev/null 2>&1; then
  exec nb2post hook run --mode $mode --site $site -- "$$@"
fi
echo "nb2post pre-push hook: nb2post is not installed ($$python is gone and nb2post is not on PATH);" >&2
echo "  install it again, remove the hook with 'nb2post hook uninstall', or skip once with 'git push --no-verify'" >&2
exit 1
