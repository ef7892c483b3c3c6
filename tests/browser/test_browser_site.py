"""The example site as a reader sees it in Chromium: pages load cleanly, and the parts people use work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.harness import (
    PROJECT_BASE,
    VIEWPORTS,
    BuiltSite,
    Served,
    build_example,
    has_notebook_source,
    save_screenshot,
    serve,
    watch,
)

pytestmark = pytest.mark.browser

PAGE_TYPES = (
    "home",
    "about",
    "deep-learning",
    "blog",
    "blog-page-2",
    "post",
    "notebook",
    "tags",
    "tag",
    "404",
    "home-zh-hans",
    "about-fr",
    "publications",
    "cv",
    "archive",
    "post-citations",
    "project",
    "series",
)
MATHML = "http://www.w3.org/1998/Math/MathML"

# Runs before any script of the page; records the theme and background of the first frame.
FIRST_FRAME_PROBE = """
window.__firstFrame = null;
requestAnimationFrame(function () {
  window.__firstFrame = {
    theme: document.documentElement.getAttribute("data-theme"),
    background: document.body ? getComputedStyle(document.body).backgroundColor : null,
  };
});
"""


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser context (own storage) with the light scheme at desktop size."""
    created = browser.new_context(viewport=VIEWPORTS["desktop"], color_scheme="light")
    created.set_default_timeout(10_000)
    yield created
    created.close()


def page_dest(example: BuiltSite, kind: str) -> str:
    """Return the dest of one page type, skipping only a notebook post the example does not have."""
    if kind == "notebook" and kind not in example.pages:
        if has_notebook_source():
            pytest.fail("content/blog has a notebook, but no built post links its .ipynb")
        pytest.skip("the example site has no .ipynb post in content/blog yet, so there is no notebook page to load")
    return example.pages[kind]


def is_dark(css_colour: str) -> bool:
    """Tell whether a computed rgb()/rgba() colour is dark."""
    red, green, blue = (float(part) for part in css_colour[css_colour.index("(") + 1 : -1].split(",")[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue < 128


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_loads_cleanly_and_fits_the_screen(
    browser: Any, example: BuiltSite, site: Served, kind: str, viewport: str, scheme: str
) -> None:
    dest = page_dest(example, kind)
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)
    try:
        page = context.new_page()
        problems = watch(page)
        response = page.goto(site.url(dest), wait_until="load")
        assert response is not None
        assert response.status == (404 if kind == "404" else 200)
        if kind == "404":  # the 404 status of the missing page itself is expected; the rest must be clean
            document = site.url(dest)
            problems.failed = [line for line in problems.failed if line != f"HTTP 404: {document}"]
            problems.console = [line for line in problems.console if not (" 404 " in line and line.endswith(f"[{document}]"))]
        assert problems.all() == []
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{dest} is {overflow}px wider than a {viewport} screen"
        assert page.evaluate("getComputedStyle(document.body).color") != ""
        assert is_dark(page.evaluate("getComputedStyle(document.body).backgroundColor")) == (scheme == "dark")
        save_screenshot(page, f"{kind}-{viewport}-{scheme}")
    finally:
        context.close()


@pytest.mark.parametrize("kind", ["home", "post", "deep-learning", "blog", "about-fr"])
def test_nothing_overflows_at_320_pixels(browser: Any, example: BuiltSite, site: Served, kind: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        page.goto(site.url(page_dest(example, kind)))
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                 .filter(el => !el.closest('pre, table, math, .highlight, .search-results'))
                 .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
                 .map(el => el.tagName + '.' + el.className)"""
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert wide == []
    finally:
        context.close()


def test_theme_toggle_remembers_the_choice_and_applies_it_before_the_first_paint(
    context: Any, example: BuiltSite, site: Served
) -> None:
    page = context.new_page()
    problems = watch(page)
    page.goto(site.url(example.pages["post"]))
    toggle = page.get_by_role("button", name="Toggle dark mode")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert not is_dark(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    toggle.click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert toggle.get_attribute("aria-pressed") == "true"
    assert is_dark(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    assert is_dark(page.evaluate("getComputedStyle(document.querySelector('.highlight')).backgroundColor"))
    assert page.evaluate("localStorage.getItem('theme')") == "dark"

    page.add_init_script(FIRST_FRAME_PROBE)
    page.goto(site.url(example.pages["about"]))
    page.wait_for_function("window.__firstFrame !== null")
    first = page.evaluate("window.__firstFrame")
    assert first["theme"] == "dark"
    assert first["background"] is None or is_dark(first["background"])

    page.get_by_role("button", name="Toggle dark mode").click()
    page.reload()
    page.wait_for_function("window.__firstFrame !== null")
    assert page.evaluate("window.__firstFrame")["theme"] == "light"
    assert not is_dark(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    assert problems.all() == []


def test_the_system_dark_setting_is_followed_until_the_reader_chooses(browser: Any, example: BuiltSite, site: Served) -> None:
    context = browser.new_context(color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(site.url(example.pages["home"]))
        assert page.evaluate("document.documentElement.dataset.theme") is None
        assert is_dark(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        toggle = page.get_by_role("button", name="Toggle dark mode")
        assert toggle.get_attribute("aria-pressed") == "true"
        toggle.click()
        assert not is_dark(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        assert toggle.get_attribute("aria-pressed") == "false"
    finally:
        context.close()


def test_language_switcher_moves_between_translations(context: Any, example: BuiltSite, site: Served) -> None:
    page = context.new_page()
    problems = watch(page)

    def switch(label: str, language: str) -> None:
        """Open the compact switcher (its summary names the current language), then follow a link in it."""
        page.locator(".language-switcher > summary").click()
        page.get_by_role("navigation", name=label).get_by_role("link", name=language).click()

    page.goto(site.url(example.pages["about"]))
    switch("Language", "Français")
    page.wait_for_url(site.url("fr/about/index.html"))
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.locator("h1").inner_text() == "À propos"
    switch("Langue", "简体中文")
    page.wait_for_url(site.url("zh-hans/about/index.html"))
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    switch("语言", "English")
    page.wait_for_url(site.url("about/index.html"))
    assert page.evaluate("document.documentElement.lang") == "en"
    assert problems.all() == []


def test_table_of_contents_links_jump_to_their_headings(browser: Any, example: BuiltSite, site: Served) -> None:
    context = browser.new_context(viewport=VIEWPORTS["phone"], reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(site.url(example.pages["post"]))
        links = page.locator(".toc a")
        assert links.count() >= 2
        for index in (links.count() - 1, 0):
            link = links.nth(index)
            anchor = link.get_attribute("href")
            assert anchor and anchor.startswith("#")
            link.click()
            page.wait_for_function(f"location.hash === {anchor!r}")
            top = page.evaluate(f"document.getElementById({anchor[1:]!r}).getBoundingClientRect().top")
            assert 0 <= top <= 60, f"{anchor} is at {top}px after its link was clicked"
    finally:
        context.close()


def test_search_finds_posts_by_typing_and_opens_them(context: Any, example: BuiltSite, site: Served) -> None:
    page = context.new_page()
    problems = watch(page)
    page.goto(site.url(example.pages["home"]))
    box = page.get_by_role("searchbox", name="Search")
    box.click()
    box.press_sequentially("attention", delay=20)
    results = page.locator(".search-list a")
    # Results update as each letter arrives: wait for the full word's answer, not the first one shown.
    page.locator('.search-list a[href*="self-attention"]').first.wait_for(state="visible")
    hrefs = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
    assert any("self-attention" in href for href in hrefs), hrefs
    assert all(href.startswith("/") and not href.startswith(("/fr/", "/zh-hans/")) for href in hrefs), hrefs
    assert page.locator(".search-list mark").count() > 0
    assert "Results: " in page.locator("#search-status").inner_text()
    box.press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('search-title')")
    page.keyboard.press("Escape")
    assert page.locator(".search-results").is_hidden()
    box.press("Enter")  # Enter takes the reader to the first result link
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == hrefs[0]
    page.locator(f".search-list a[href='{hrefs[0]}']").click()
    page.wait_for_url(site.origin + hrefs[0])
    assert page.locator("h1").count() == 1
    assert problems.all() == []


def test_search_with_no_match_says_so(context: Any, example: BuiltSite, site: Served) -> None:
    page = context.new_page()
    page.goto(site.url(example.pages["about"]))
    box = page.get_by_role("searchbox", name="Search")
    box.click()
    box.press_sequentially("щщщщщ", delay=10)
    message = page.locator(".search-message", has_text="“щщщщщ”")
    message.wait_for(state="visible")
    assert message.inner_text() == "No results for “щщщщщ”"
    assert page.locator(".search-list li").count() == 0


@pytest.mark.parametrize(
    ("kind", "label", "query", "expected"),
    [("home-zh-hans", "搜索", "关于", "/zh-hans/about/"), ("about-fr", "Rechercher", "Mira", "/fr/about/")],
)
def test_search_answers_in_the_page_language(
    context: Any, example: BuiltSite, site: Served, kind: str, label: str, query: str, expected: str
) -> None:
    page = context.new_page()
    page.goto(site.url(example.pages[kind]))
    box = page.get_by_role("searchbox", name=label)
    box.click()
    box.press_sequentially(query, delay=20)
    results = page.locator(".search-list a")
    # Results update as each letter arrives: wait for the full query's answer, not the first one shown.
    page.locator(f'.search-list a[href="{expected}"]').first.wait_for(state="visible")
    hrefs = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
    prefix = "/" + expected.split("/")[1] + "/"
    assert expected in hrefs and all(href.startswith(prefix) for href in hrefs), hrefs


def test_math_renders_as_mathml_with_a_size(context: Any, example: BuiltSite, site: Served) -> None:
    page = context.new_page()
    page.goto(site.url(example.pages["post"]))
    formulas = page.evaluate(
        f"""() => [...document.getElementsByTagNameNS({MATHML!r}, 'math')]
              .filter(el => el.checkVisibility())
              .map(el => {{ const box = el.getBoundingClientRect();
                return {{display: el.getAttribute('display'), width: box.width, height: box.height}}; }})"""
    )
    assert len(formulas) >= 2
    assert any(formula["display"] == "block" for formula in formulas)
    assert all(formula["width"] > 0 and formula["height"] > 0 for formula in formulas), formulas


def test_notebook_images_load(context: Any, example: BuiltSite, site: Served) -> None:
    dest = page_dest(example, "notebook")
    page = context.new_page()
    problems = watch(page)
    page.goto(site.url(dest))
    sizes = page.evaluate(
        """async () => Promise.all([...document.querySelectorAll('main img')].map(async img => {
             img.loading = 'eager';
             try { await img.decode(); } catch (e) { return {src: img.src, width: 0}; }
             return {src: img.src, width: img.naturalWidth};
           }))"""
    )
    assert sizes, f"{dest} shows no image"
    assert all(size["width"] > 0 for size in sizes), sizes
    assert problems.all() == []


def test_code_blocks_scroll_by_keyboard_instead_of_widening_the_page(browser: Any, example: BuiltSite, site: Served) -> None:
    context = browser.new_context(viewport=VIEWPORTS["phone"], reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(site.url(example.pages["post"]))
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        index = page.evaluate(
            "[...document.querySelectorAll('.highlight pre')].findIndex(pre => pre.scrollWidth > pre.clientWidth)"
        )
        assert index >= 0, "no code block is wider than a phone screen; the check needs one"
        block = page.locator(".highlight pre").nth(index)
        assert block.get_attribute("tabindex") == "0"
        block.focus()
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        page.wait_for_function(f"document.querySelectorAll('.highlight pre')[{index}].scrollLeft > 0")
    finally:
        context.close()


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(context: Any, example: BuiltSite, site: Served) -> None:
    page = context.new_page()
    page.goto(site.url(example.pages["post"]))
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0 and box["width"] > 0
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#content'")
    assert page.evaluate("document.activeElement.id") == "content"


@pytest.fixture(scope="module")
def project_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The example built for a project site (under /portfolio/) and without a search index."""
    built = build_example(
        tmp_path_factory.mktemp("project-site"), base_url=f"https://example.org{PROJECT_BASE}", search=False
    )
    assert not (built.out / "pagefind").exists()
    with serve(built) as served:
        yield served


def test_project_site_asks_for_nothing_outside_its_base_path(browser: Any, project_site: Served) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        problems = watch(page)
        for dest in ("index.html", "about/index.html", "blog/index.html"):
            page.goto(project_site.url(dest), wait_until="networkidle")
        outside = [path for path in project_site.requests if not path.startswith(PROJECT_BASE)]
        assert outside == [], "the browser asked for paths outside the base path (a /favicon.ico?)"
        assert page.locator("link[rel=icon]").get_attribute("href") == f"{PROJECT_BASE}favicon.svg"
        assert problems.all() == []
    finally:
        context.close()


def test_search_box_degrades_when_the_index_is_absent(browser: Any, project_site: Served) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        problems = watch(page)
        page.goto(project_site.url("index.html"), wait_until="networkidle")
        assert problems.all() == [], "a page must not ask for the search index before the box is used"
        box = page.get_by_role("searchbox", name="Search")
        box.click()
        box.press_sequentially("attention", delay=10)
        message = page.locator(".search-message")
        message.wait_for(state="visible")
        assert message.inner_text() == "Search is not available on this copy of the site."
        assert problems.errors == []  # the failed import is caught; nothing is thrown at the reader
    finally:
        context.close()



@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BuiltSite, Served]]:
    """The example with its search index split into shards of two pages (a large site's layout)."""
    from sitegen.publish.search import index_site, indexed_pages, split_shards

    built = build_example(tmp_path_factory.mktemp("sharded-site"))
    index_site(built.out, shard_size=2)
    shards = split_shards(indexed_pages(built.out), {}, 2)
    assert len(shards) > 2 and all((built.out / f"pagefind-{number}/pagefind-entry.json").is_file() for number in shards if number)
    with serve(built) as served:
        yield built, served


@pytest.mark.parametrize(
    ("kind", "label", "query", "expected"),
    [
        ("home", "Search", "attention", "/blog/self-attention-from-scratch-in-numpy/"),
        ("home-zh-hans", "搜索", "关于", "/zh-hans/about/"),
        ("about-fr", "Rechercher", "Mira", "/fr/about/"),
    ],
)
def test_search_merges_every_shard_of_the_page_language(
    browser: Any, sharded_site: tuple[BuiltSite, Served], kind: str, label: str, query: str, expected: str
) -> None:
    from sitegen.publish.search import indexed_pages, split_shards

    built, served = sharded_site
    shards = split_shards(indexed_pages(built.out), {}, 2)
    holding = [number for number, pages in shards.items() if expected.lstrip("/") + "index.html" in pages]
    assert holding and holding[0] != 0, "the page looked for is in a shard other than the first"
    context = browser.new_context()
    try:
        page = context.new_page()
        problems = watch(page)
        page.goto(served.url(built.pages[kind]))
        box = page.get_by_role("searchbox", name=label)
        box.click()
        box.press_sequentially(query, delay=20)
        page.locator(f'.search-list a[href="{expected}"]').first.wait_for(state="visible")
        results = page.locator(".search-list a")
        hrefs = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
        prefix = "/" + expected.split("/")[1] + "/" if kind != "home" else "/"
        assert all(href.startswith(prefix) for href in hrefs), hrefs
        if kind == "home":  # English results only: no page of another language's shards
            assert not any(href.startswith(("/fr/", "/zh-hans/")) for href in hrefs), hrefs
        asked = {url.split("/")[3] for url in problems.requested if "/pagefind" in url}
        assert len(asked) > 1, "the search read more than one shard"
        assert problems.all() == []
    finally:
        context.close()
