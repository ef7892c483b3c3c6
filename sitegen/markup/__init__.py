"""Markdown to HTML: the Markdown pipeline, math to MathML, code fences and syntax highlighting."""
