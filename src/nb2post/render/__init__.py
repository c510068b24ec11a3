"""The render stage: a notebook (read by nb2post.notebook) to a Post, prose, outputs and assets."""
