"""The notebook stage: read a notebook, its front matter and what each cell shows."""
