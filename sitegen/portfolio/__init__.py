"""The practitioner's portfolio: data files, projects, publications, citations, CV and reader listings.

It owns `data/` (YAML, JSON, TOML and BibTeX files loaded and checked), the
values made from it (projects, publications grouped by year, formatted
citations) and the listings readers expect (related posts, series, archive by
year). It may import `sitegen.model`, `sitegen.errors`, `sitegen.settings` and
`sitegen.site`; the engine imports it, never the other way round.
"""
