"""Collisions: two sources that would write the same output file, or a source that would replace a generated one.

Nothing is dropped silently: every collision is an error naming both sides, and all
of them are reported together (issue 15).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence

from sitegen.errors import Problem
from sitegen.model import Document, LocaleSite, Source
from sitegen.site.translations import translation_key

# Generated files and folders by name (the search index is a folder the indexer fills).
_NAMED = {
    "sitemap.xml": "the generated sitemap",
    "robots.txt": "the generated robots.txt",
    ".nojekyll": "the generated .nojekyll",
    "CNAME": "the generated CNAME",
    "css/pygments.css": "the generated code highlighting stylesheet",
    "404.html": "the generated 404 page",
}
# The search index's folders: pagefind/ and its shards beside it, pagefind-1/, pagefind-2/... (publish/search.py).
_SEARCH_FOLDERS = re.compile(r"pagefind(?:-[1-9][0-9]*)?/")


def duplicate_documents(documents: Sequence[Document]) -> list[Problem]:
    """Report files that are the same page in the same language: dup.md beside dup.html or dup.ipynb."""
    by_page: dict[tuple[str, str], list[str]] = {}
    for document in documents:
        source = document.source
        by_page.setdefault((translation_key(source), source.locale), []).append(source.rel)
    return [
        Problem(f"{' and '.join(sorted(rels))} are the same page '{key}': one would replace the other", min(rels))
        for (key, _locale), rels in sorted(by_page.items())
        if len(rels) > 1
    ]


def source_collisions(sites: Iterable[LocaleSite], assets: Sequence[Source]) -> list[Problem]:
    """Report every output path that two sources (pages, posts, assets, static files) would write."""
    owners: dict[str, list[str]] = {}
    for site in sites:
        for page in (*site.pages, *site.posts):
            if page.translated:
                owners.setdefault(page.dest, []).append(page.source_rel)
    for asset in assets:
        owners.setdefault(asset.content_rel, []).append(asset.rel)
    return [
        Problem(f"'{dest}' would be written by {' and '.join(sorted(set(rels)))}", min(rels))
        for dest, rels in sorted(owners.items())
        if len(set(rels)) > 1
    ]


def generated_collisions(planned: Iterable[tuple[str, str]], search: bool) -> list[Problem]:
    """Report sources that would write a file sitegen makes itself, and files needed as folders.

    `planned` holds (dest, source rel) for every output the build makes; the source rel is
    "" for what sitegen generates (listings, tag pages, homes, feeds, sitemap, stylesheet).
    """
    sources: dict[str, set[str]] = {}
    made: dict[str, list[str]] = {}
    for dest, rel in planned:
        if rel:
            sources.setdefault(dest, set()).add(rel)
        else:
            made.setdefault(dest, []).append(describe_generated(dest))
    problems = [
        Problem(f"'{dest}' would be written by {' and '.join(sorted(sources[dest]))} and by {made[dest][0]}", min(sources[dest]))
        for dest in sorted(sources.keys() & made.keys())
    ]
    problems += _file_folder_clashes(sources, made)
    if search:
        problems += [
            Problem(f"'{dest}' would be written by {min(rels)} inside the generated search index {found.group(0)}", min(rels))
            for dest, rels in sorted(sources.items())
            if (found := _SEARCH_FOLDERS.match(dest))
        ]
    return problems


def _file_folder_clashes(sources: dict[str, set[str]], made: dict[str, list[str]]) -> list[Problem]:
    """Report a file whose name another output needs as a folder: feed.xml beside feed.xml/index.html."""
    owners = {dest: sorted(rels) for dest, rels in sources.items()}
    for dest, names in made.items():
        owners.setdefault(dest, []).append(names[0])
    problems = []
    for dest in sorted(owners):
        parts = dest.split("/")
        for end in range(1, len(parts)):
            folder = "/".join(parts[:end])
            if folder in owners:
                both = sorted({*owners[folder], *owners[dest]})
                rel = min((name for name in both if not name.startswith(("the ", "a "))), default=None)
                problems.append(Problem(f"'{folder}' would be both a file and the folder of '{dest}' ({' and '.join(both)})", rel))
                break
    return problems


def describe_generated(dest: str) -> str:
    """Name a generated output for a message: "the generated Atom feed", "the generated tag page"."""
    if dest in _NAMED:
        return _NAMED[dest]
    name = posixpath.basename(dest)
    if name == "feed.xml":
        return "the generated Atom feed"
    if "/tags/" in f"/{dest}":
        return "the generated tag pages"
    if "blog/" in dest:
        return "the generated blog listing"
    return "the generated home page of a locale" if name == "index.html" else "a generated file"
