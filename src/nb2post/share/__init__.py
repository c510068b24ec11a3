"""The share stage's posting half: ``nb2post share`` posts a post's brief text to the channels a site
configures (``nb2post: share:``), once each, and records where in the brief's ledger.

``settings`` reads the configuration, ``web`` makes every request (one line per failure, never a
credential), ``mastodon`` and ``bluesky`` speak the two networks' documented HTTP APIs, ``ledger``
keeps what was posted in the brief, and ``post`` puts them together for one post.
"""
