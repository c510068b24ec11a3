"""Text templates (post pieces, briefs, workflows, hooks). Data only: installed as ``nb2post.templates``."""
