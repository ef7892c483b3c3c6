"""Browser tests: the built example site in Debian's Chromium, driven by Playwright (marker `browser`)."""

from __future__ import annotations

import pytest

from tests.browser.harness import browser, example, site

__all__ = ["browser", "example", "site"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real Chromium against the built example site")
