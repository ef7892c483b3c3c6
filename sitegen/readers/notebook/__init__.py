"""Jupyter notebooks: loading and validating, front matter, cells, outputs, images and optional execution."""
