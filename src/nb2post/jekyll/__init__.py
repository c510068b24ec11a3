"""What the site is: its settings, theme, Jekyll version, URL rules, TOC style, badges and targets.

Mirrors Jekyll, kramdown and the themes; read by the render stage, never reading it.
"""
