"""nb2post: Jupyter notebooks to Jekyll and fastpages posts, published and shared."""

__version__ = "0.1.0"
