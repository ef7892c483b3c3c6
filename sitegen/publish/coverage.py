"""What is left to translate: per locale, the pages and UI strings that fall back to another locale."""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.model import Site
from sitegen.settings.locales import REQUIRED_STRINGS, Locales


@dataclass(frozen=True, slots=True)
class LocaleGaps:
    """The untranslated parts of one built locale."""

    locale: str
    pages: tuple[str, ...]  # sources shown with fallback text, site-relative
    total: int  # pages and posts listed in the locale
    strings: tuple[str, ...]  # UI string keys taken from the default locale

    def format(self) -> list[str]:
        """Return the report lines of this locale."""
        if not self.pages and not self.strings:
            return [f"{self.locale}: everything is translated ({self.total} pages)"]
        lines = []
        if self.pages:
            lines.append(f"{self.locale}: {len(self.pages)} of {self.total} pages fall back:")
            lines += [f"  {rel}" for rel in self.pages]
        if self.strings:
            lines.append(f"{self.locale}: {len(self.strings)} UI strings fall back: {', '.join(self.strings)}")
        return lines


def translation_gaps(site: Site, locales: Locales) -> tuple[LocaleGaps, ...]:
    """Report, for each built locale but the default, what falls back."""
    gaps = []
    for code in locales.build:
        if code == locales.default:
            continue
        listed = (*site.locales[code].pages, *site.locales[code].posts)
        untranslated = sorted({page.source_rel for page in listed if not page.translated})
        gaps.append(LocaleGaps(code, tuple(untranslated), len(listed), _fallback_strings(code, locales)))
    return tuple(gaps)


def _fallback_strings(code: str, locales: Locales) -> tuple[str, ...]:
    """Return the UI strings no locale in the chain defines before the default one."""
    chain = [link for link in locales.get(code).chain if link != locales.default]
    own = {key for link in chain for key in locales.get(link).own_strings}
    return tuple(key for key in REQUIRED_STRINGS if key not in own)
