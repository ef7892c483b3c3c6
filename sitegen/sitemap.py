"""sitemap.xml, robots.txt, .nojekyll and CNAME (to be written)."""

from __future__ import annotations

from collections.abc import Sequence

from sitegen.config import Config
from sitegen.locales import Locales
from sitegen.model import Output, Site


def render_site_files(site: Site, pages: Sequence[Output], config: Config, locales: Locales) -> tuple[Output, ...]:
    """Render the files a published site needs besides its pages."""
    return ()
