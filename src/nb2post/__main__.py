"""``python -m nb2post``: the same command as ``nb2post`` (what a hook prints when nb2post is on no PATH)."""

from .cli import main

if __name__ == "__main__":  # pragma: no cover
    main(prog_name="nb2post")
