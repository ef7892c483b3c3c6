"""Atom feeds of the blog and of each tag (to be written)."""

from __future__ import annotations

from sitegen.config import Config
from sitegen.locales import Locales
from sitegen.model import Output, Site


def feed_dests(site: Site, config: Config, locales: Locales) -> tuple[str, ...]:
    """Return the output paths of every feed, so pages can link to them before they are made."""
    return ()


def render_feeds(site: Site, config: Config, locales: Locales) -> tuple[Output, ...]:
    """Render the Atom feeds."""
    return ()
