"""Slugs, pretty URLs, output paths and the base path. Every URL the site emits comes from here."""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from urllib.parse import quote, urlsplit

_POST_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


@functools.lru_cache(maxsize=8192)  # tags repeat on every post that carries them
def slugify(text: str) -> str:
    """Make a stable, readable slug in any script: "Self-Attention!" -> "self-attention", 深度学习 kept."""
    normal = unicodedata.normalize("NFKC", str(text)).lower()
    slug = _NOT_WORD.sub("-", normal.replace("_", "-")).strip("-")
    return slug or "-".join(f"u{ord(char):x}" for char in normal.strip()) or "untitled"


def split_post_name(stem: str) -> tuple[str, str] | None:
    """Split "2024-03-05-attention" into ("2024-03-05", "attention"), or None."""
    match = _POST_NAME.match(stem)
    if not match:
        return None
    year, month, day, rest = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}", rest


def locale_prefix(code: str, default: str) -> str:
    """Return the URL folder of a locale: "" for the default, "zh-hans/" for zh-Hans."""
    return "" if code == default else code.lower() + "/"


def pretty_dest(path: str) -> str:
    """Turn a page path ("about", "blog/x", "") into its output file ("about/index.html")."""
    path = path.strip("/")
    return f"{path}/index.html" if path else "index.html"


def dest_to_path(dest: str) -> str:
    """Turn an output file into its site path: "about/index.html" -> "about/"."""
    if dest == "index.html":
        return ""
    if dest.endswith("/index.html"):
        return dest[: -len("index.html")]
    return dest


def url_for_dest(dest: str, base_path: str) -> str:
    """Return the public URL of an output file under the base path, percent-encoded."""
    return quote(base_path + dest_to_path(dest), safe="/#%:@!$&'()*+,;=~")


def absolute_url(url: str, base_url: str) -> str:
    """Make a site URL absolute with the scheme and host of base_url."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}{url}"


def is_external(target: str) -> bool:
    """Tell whether a link leaves the site (has a scheme or host) or is not a path at all."""
    parts = urlsplit(target)
    return bool(parts.scheme or parts.netloc) or target.startswith(("mailto:", "tel:", "data:"))


def join_rel(folder: str, target: str) -> str:
    """Resolve a relative link target against a folder relative to content/."""
    joined = posixpath.normpath(posixpath.join(folder, target)) if folder else posixpath.normpath(target)
    return "" if joined == "." else joined


def rebase_root_relative(url: str, base_path: str) -> str:
    """Put a hand-written root-relative link ("/about/") under the base path."""
    if base_path == "/" or not url.startswith("/") or url.startswith("//"):
        return url
    if url.startswith(base_path) or url + "/" == base_path:
        return url
    return base_path + url.lstrip("/")
