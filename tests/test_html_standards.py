"""Standards: every page of the example site is valid HTML (Nu checker) and accessible (axe-core),
and every text colour of the theme and of the code highlighting passes WCAG AA in both schemes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from sitegen.markup.highlight import render_pygments_css
from tests.browser.harness import (
    AXE_JS,
    VIEWPORTS,
    VNU_JAR,
    BuiltSite,
    Served,
    browser,
    example,
    site,
)
from tests.conftest import REPO, parse_page, site_config

__all__ = ["browser", "example", "site"]

AA_TEXT = 4.5  # WCAG 2.x 1.4.3, normal text
AA_NON_TEXT = 3.0  # WCAG 2.x 1.4.11, focus indicators and control borders
AXE_PAGE_TYPES = (
    "home", "about", "deep-learning", "blog", "post", "notebook", "tags", "tag", "404", "home-zh-hans",
    "publications", "cv", "archive", "post-citations", "project", "home-fr", "series", "about-fr",
)


@pytest.fixture
def built(example: BuiltSite) -> BuiltSite:
    """The example site the browser tests built for this test process."""
    return example


@pytest.fixture
def served(site: Served) -> Served:
    """The example site the browser tests serve for this test process."""
    return site


# --- Nu HTML checker -------------------------------------------------------------------------


def test_every_page_passes_the_nu_html_checker(built: BuiltSite) -> None:
    java = shutil.which("java")
    if java is None:
        pytest.skip("no 'java' on PATH for the Nu HTML checker (apt-get install default-jre-headless)")
    if not VNU_JAR.is_file():
        pytest.skip(f"no Nu HTML checker at {VNU_JAR.relative_to(REPO)} (npm install --prefix .tools vnu-jar)")
    pages = sorted(built.out.rglob("*.html"))
    assert len(pages) > 20
    # One JVM for every file: starting Java per page would take minutes.
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    problems = [
        f"{Path(m.get('url', '')).as_posix().split('/_site/')[-1]}:{m.get('lastLine', '?')}: {m['type']}: {m['message']}"
        + (f"\n    {m['extract'].strip()}" if m.get("extract") else "")
        for m in messages
    ]
    assert not problems, "\n".join(problems)


def test_every_image_declares_its_size(built: BuiltSite) -> None:
    """Width and height on every <img> let the browser reserve its box: nothing shifts as images load."""
    unsized = sorted(
        f"{path.relative_to(built.out).as_posix()}: {attrs.get('src')}"
        for path in built.out.rglob("*.html")
        for attrs in parse_page(path).find_all("img")
        if not (attrs.get("width") and attrs.get("height"))
    )
    assert not unsized, "images without width and height:\n" + "\n".join(unsized)


# --- axe-core ------------------------------------------------------------------------------


def run_axe(page: Any) -> list[str]:
    """Inject axe-core into the page and return its violations, one line per failing element."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {' '.join(node['target'])}: {node['failureSummary']}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


def require_axe() -> None:
    if not AXE_JS.is_file():
        pytest.skip(f"no axe-core at {AXE_JS.relative_to(REPO)} (npm install --prefix .tools axe-core)")


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", AXE_PAGE_TYPES)
def test_axe_finds_no_violations(browser: Any, built: BuiltSite, served: Served, kind: str, scheme: str) -> None:
    require_axe()
    if kind not in built.pages:
        pytest.skip("the example site has no .ipynb post in content/blog yet, so there is no notebook page to check")
    context = browser.new_context(viewport=VIEWPORTS["desktop"], color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(served.url(built.pages[kind]))
        violations = run_axe(page)
        assert not violations, "\n".join(violations)
    finally:
        context.close()


@pytest.mark.browser
def test_axe_finds_no_violations_after_the_toggle_and_with_search_results_open(
    browser: Any, built: BuiltSite, served: Served
) -> None:
    require_axe()
    context = browser.new_context(viewport=VIEWPORTS["phone"], color_scheme="light")
    try:
        page = context.new_page()
        page.goto(served.url(built.pages["post"]))
        page.get_by_role("button", name="Toggle dark mode").click()
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        page.locator(".menu-button").click()  # on a phone the search box is in the menu
        box = page.get_by_role("searchbox", name="Search")
        box.click()
        box.press_sequentially("gradient", delay=10)
        page.locator(".search-list a").first.wait_for(state="visible")
        violations = run_axe(page)
        assert not violations, "\n".join(violations)
    finally:
        context.close()


# --- colour contrast of the palettes ----------------------------------------------------------


def contrast(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two #rrggbb (or #rgb) colours."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def css_rules(css: str) -> dict[str, dict[str, str]]:
    """Map each selector of a flat stylesheet (media blocks flattened) to its declarations."""
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in RULE.findall(re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)):
        declarations = {
            name.strip(): value.strip() for name, value in (d.split(":", 1) for d in body.split(";") if ":" in d)
        }
        for selector in selectors.split(","):
            name = selector.strip()
            rules.setdefault(name, {}).update(declarations)
    return rules


def theme_palettes() -> dict[str, dict[str, str]]:
    """Return the light and dark custom properties of site.css."""
    rules = css_rules((REPO / "static/css/site.css").read_text(encoding="utf-8"))
    light = {k: v for k, v in rules[":root"].items() if k.startswith("--")}
    dark = {**light, **{k: v for k, v in rules[':root[data-theme="dark"]'].items() if k.startswith("--")}}
    system_dark = {**light, **{k: v for k, v in rules[':root:not([data-theme="light"])'].items() if k.startswith("--")}}
    assert system_dark == dark, "the system-dark and toggled-dark palettes must be the same"
    return {"light": light, "dark": dark}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_theme_text_colours_pass_aa(scheme: str) -> None:
    palette = theme_palettes()[scheme]
    failures = [
        f"{text} {palette[text]} on {ground} {palette[ground]}: {contrast(palette[text], palette[ground]):.2f}"
        for text in ("--fg", "--muted", "--accent", "--accent-visited", *(k for k in palette if k.startswith("--ansi-")))
        for ground in ("--bg", "--surface")
        if contrast(palette[text], palette[ground]) < AA_TEXT
    ]
    if contrast(palette["--mark-fg"], palette["--mark-bg"]) < AA_TEXT:
        failures.append("--mark-fg on --mark-bg")
    failures += [
        f"{part} on {ground}: {contrast(palette[part], palette[ground]):.2f}"
        for part in ("--focus", "--control-border", "--warn", "--error")
        for ground in ("--bg", "--surface")
        if contrast(palette[part], palette[ground]) < AA_NON_TEXT
    ]
    assert failures == []


def highlight_layers(css: str) -> dict[str, dict[str, dict[str, str]]]:
    """Split css/pygments.css into the light rules and the dark rules, keyed by token class."""
    layers: dict[str, dict[str, dict[str, str]]] = {"light": {}, "dark": {}}
    prefixes = {"light": ".highlight", "dark": ':root[data-theme="dark"] .highlight'}
    for selector, declarations in css_rules(css).items():
        for scheme, prefix in prefixes.items():
            if selector == prefix or selector.startswith(prefix + " "):
                layers[scheme][selector[len(prefix) :].strip()] = declarations
    return layers


def effective_token_colours(
    layers: Mapping[str, Mapping[str, Mapping[str, str]]], scheme: str, page_text: str
) -> dict[str, tuple[str, str]]:
    """Return (colour, background) of each token class as the cascade resolves it in a scheme.

    The light rules apply in both schemes; the dark rules override them where they exist, so a
    token the dark style leaves uncoloured keeps its light colour.
    """
    stack = [layers["light"]] if scheme == "light" else [layers["light"], layers["dark"]]
    base: dict[str, str] = {}
    for layer in stack:
        base.update(layer.get("", {}))
    background = base.get("background", base.get("background-color", "#ffffff"))
    text = base.get("color", page_text)
    resolved = {}
    for token in sorted({t for layer in stack for t in layer} - {"", ".hll"}):
        merged: dict[str, str] = {}
        for layer in stack:
            merged.update(layer.get(token, {}))
        resolved[token] = (merged.get("color", text), merged.get("background-color", background))
    resolved[".hll"] = (text, stack[-1].get(".hll", {}).get("background-color", background))
    return resolved


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_syntax_highlighting_colours_pass_aa(scheme: str) -> None:
    config = site_config(REPO)
    css = render_pygments_css(config).data.decode("utf-8")
    page_text = theme_palettes()[scheme]["--fg"]
    colours = effective_token_colours(highlight_layers(css), scheme, page_text)
    assert len(colours) > 20
    failures = [
        f"{token}: {fg} on {bg} is {contrast(fg, bg):.2f}"
        for token, (fg, bg) in colours.items()
        if token != ".w" and fg.startswith("#") and bg.startswith("#") and contrast(fg, bg) < AA_TEXT
    ]
    style = config.pygments_style if scheme == "light" else config.pygments_dark_style
    assert failures == [], f"Pygments style '{style}' fails AA in the {scheme} scheme"
