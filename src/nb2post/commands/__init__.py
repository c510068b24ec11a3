"""One module per subcommand; each defines ``command``."""

from ..diagnostics import (EXIT_FAILED, EXIT_INTERRUPTED, EXIT_NOT_PUSHED, EXIT_OK,  # noqa: F401  (re-exported)
                           EXIT_TERMINATED, EXIT_USAGE)

# Every command's exit status, the same table in each --help and in the README ("Exit status").
EXIT_STATUS = """\b
Exit status:
  0    done, or nothing to do
  1    some notebook or post failed (check: some post is out of date); each is named
  2    usage or settings error; nothing was done
  3    git refused (publish): a hook refused the commit, or the push failed (a commit made is kept)
  130  interrupted (Ctrl-C); what was written is whole, run again to go on
  143  terminated (SIGTERM): as 130 (preview, whose usual stop it is, exits 130)"""
