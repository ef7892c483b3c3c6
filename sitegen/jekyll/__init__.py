"""Jekyll sites: Liquid in content, Jekyll front matter and URLs, and `sitegen import jekyll`.

Owns the Liquid environment (filters, tags, `_includes/`), the Jekyll view of
the site (`site.*`, `page.*`), permalink styles, redirect pages and the
importer. It may import settings, model, errors, markup and site/urls; the
readers and the index call into it through a few small hooks.
"""
