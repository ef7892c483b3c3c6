"""Resolve the links a page's body makes: relative paths, page sources and root-relative URLs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from sitegen.errors import Problem, warning
from sitegen.model import Page
from sitegen.urls import is_external, join_rel, rebase_root_relative

_LINK = re.compile(r'(\s(?:href|src|poster)=")([^"]*)(")')


@dataclass(frozen=True, slots=True)
class LinkTable:
    """Where each content path and page id of one locale is published."""

    pages_by_source: Mapping[str, Page]  # content_rel of the source -> page
    pages_by_id: Mapping[str, Page]
    files: Mapping[str, str]  # content_rel of an asset or static file -> URL
    special: Mapping[str, str]  # "blog", "tags", "feed", "home" -> URL
    base_path: str

    def url_of(self, page_id: str) -> str | None:
        """Return the URL of a page id or a special page, or None."""
        page_id = page_id.strip("/")
        if page_id in self.special:
            return self.special[page_id]
        page = self.pages_by_id.get(page_id)
        return page.url if page else None

    def resolve(self, folder: str, target: str) -> str | None:
        """Return the URL a relative link from `folder` points at, or None if nothing is there."""
        path = join_rel(folder, unquote(target))
        if path in self.files:
            return self.files[path]
        if path in self.pages_by_source:
            return self.pages_by_source[path].url
        for candidate in (path, path.removesuffix("/index.html"), path.removesuffix(".html")):
            found = self.url_of(candidate) if candidate and not candidate.startswith("..") else None
            if found:
                return found
        return None


def rewrite_links(body: str, page: Page, table: LinkTable, source_text: str) -> tuple[str, tuple[Problem, ...]]:
    """Point relative links at their published URLs and root-relative ones under the base path."""
    problems: list[Problem] = []

    def replace(match: re.Match[str]) -> str:
        target = match.group(2)
        rewritten = _rewrite(target, page, table)
        if rewritten is None:
            line = _line_of(source_text, target, page.document.body_line)
            problems.append(warning(f"link target '{target}' does not exist", page.source_rel, line))
            return match.group(0)
        return match.group(1) + rewritten + match.group(3)

    return _LINK.sub(replace, body), tuple(problems)


ATTACHMENT = "attachment:"


def attachment_dest(page: Page, name: str) -> str:
    """Return where a reader-made file of a page is written: beside the page's index.html."""
    return page.dest.rpartition("/")[0] + "/" + name if "/" in page.dest else name


def _rewrite(target: str, page: Page, table: LinkTable) -> str | None:
    if target.startswith(ATTACHMENT):
        return page.url.rpartition("/")[0] + "/" + quote(target[len(ATTACHMENT) :])
    if not target or target.startswith(("#", "?")) or is_external(target):
        return target
    if target.startswith("/"):
        return rebase_root_relative(target, table.base_path)
    parts = urlsplit(target)
    url = table.resolve(page.document.source.folder, parts.path)
    if url is None:
        return None
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return url + query + fragment


def _line_of(source_text: str, target: str, fallback: int) -> int:
    for number, line in enumerate(source_text.splitlines(), start=1):
        if target in line or quote(target) in line:
            return number
    return fallback
