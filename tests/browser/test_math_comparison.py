"""sitegen's MathML beside KaTeX's rendering of the same TeX, in Chromium.

Forty expressions come from the example's posts and the third-party corpus (its
display formulas first, then the longest inline ones), and a few more exercise
what the math feature promises (matrices, cases, align, gather, alphabets).
Each row is screenshotted; test-output/math-comparison/ holds the shots and a
report with the measured sizes. A row fails when sitegen's formula is missing,
shows a MathML error, or differs in size from KaTeX's so much that one of them
must be laid out wrong. KaTeX (npm) is used only here, never by the site.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from sitegen.markup.math import MathSpan, extract_math
from sitegen.markup.mathml import number_equations, render_math
from sitegen.publish.pages_server import serve_site
from tests.browser.harness import TOOLS
from tests.conftest import CORPUS, REPO

pytestmark = pytest.mark.browser

KATEX = Path(os.environ.get("SITEGEN_KATEX", TOOLS / "katex"))
REPORT = REPO / "test-output" / "math-comparison"
SAMPLE = 40
FEATURES = (
    r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
    r"\det \begin{vmatrix} 1 & x \\ 0 & 1 \end{vmatrix} = 1",
    r"f(x) = \begin{cases} x & \text{if } x > 0 \\ 0 & \text{otherwise} \end{cases}",
    r"\begin{align*} a &= b + c \\ d &= e \end{align*}",
    r"\begin{gather*} a = b \\ c = d + e \end{gather*}",
    r"\operatorname{argmax}_{\theta} \; \mathbb{E}_{x \sim \mathcal{D}} \left[ \log p_{\boldsymbol{\theta}}(x) \right]",
    r"\left( \frac{a}{b} \right)^2 + \left\| \frac{x}{\sqrt{d}} \right\|",
    r"\int_0^1 x^2 \, \mathrm{d}x = \tfrac{1}{3}",
    r"\mathcal{L}(\boldsymbol{\theta}) = \sum_{i=1}^{n} \ell(y_i, \hat{y}_i) \quad \text{for all } n \in \mathbb{N}",
    r"\begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix} \begin{bmatrix} x \\ y \end{bmatrix}",
    r"\begin{align} f(x) &= \int_0^x g(t) \, dt \\ \hat{y}_i &= -\log p(y_i \mid x) \nonumber \\ \left\| v \right\| &= \sqrt{v^\top v} \end{align}",
    r"\begin{gather} a = b \\ \tilde{x}_j = \bar{v}_k / 2 \tag{G} \end{gather}",
)


def collect_expressions() -> list[tuple[str, bool, str]]:
    """Return (tex, display, where) for the sample: display formulas first, then the longest inline ones."""
    roots = [REPO / "content"] + ([CORPUS] if CORPUS.is_dir() else [])
    found: dict[tuple[str, bool], str] = {}
    for root in roots:
        for path in sorted(root.rglob("*.md")):
            _, spans = extract_math(path.read_text(encoding="utf-8", errors="replace"))
            for span in spans:
                where = path.relative_to(root.parent).as_posix()
                found.setdefault((span.tex, span.display), where)
    display = [(tex, True, where) for (tex, is_display), where in found.items() if is_display]
    inline = sorted(((tex, False, where) for (tex, is_display), where in found.items() if not is_display), key=lambda row: -len(row[0]))
    sample = (display + inline)[:SAMPLE]
    return sample + [(tex, True, "feature") for tex in FEATURES]


def comparison_page(rows: list[tuple[str, bool, str]]) -> str:
    """Return an HTML page with one row per expression: sitegen's MathML and an empty cell for KaTeX."""
    body = []
    for number, (tex, display, where) in enumerate(rows):
        span = MathSpan(tex, display, tex, 0)
        mathml, failure = render_math(span, number_equations([span]), 0)
        assert failure is None, f"row {number} ({where}): {failure.message}"
        body.append(
            f'<tr id="row{number}"><td class="where">{number}. {html.escape(where)}</td>'
            f'<td class="sitegen">{mathml}</td>'
            f'<td class="katex-cell" data-tex="{html.escape(tex, quote=True)}" data-display="{str(display).lower()}"></td></tr>'
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Math comparison</title>'
        '<link rel="stylesheet" href="css/site.css"><link rel="stylesheet" href="css/math.css">'
        '<link rel="stylesheet" href="katex/katex.min.css"><script src="katex/katex.min.js"></script>'
        "<style>table{display:table;width:100%}td{vertical-align:middle;padding:4px 8px}.where{font-size:12px;width:12rem}"
        ".sitegen,.katex-cell{width:44%}</style></head><body><table>"
        + "".join(body)
        + "</table></body></html>"
    )


def measure(page: Any) -> list[dict[str, Any]]:
    """Render KaTeX into its cells and return the size of both renderings of each row."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('tr')].map(row => {
                const cell = row.querySelector('.katex-cell');
                let error = '';
                try { katex.render(cell.dataset.tex, cell, {displayMode: cell.dataset.display === 'true', throwOnError: true}); }
                catch (e) { error = String(e.message || e); }
                // The ink of each rendering, not its box: a display formula's box is as wide as the column.
                const tight = element => { const range = document.createRange(); range.selectNodeContents(element); return range.getBoundingClientRect(); };
                const ours = tight(row.querySelector('.sitegen math'));
                const theirs = tight(cell.querySelector('.katex-html') || cell);
                return {id: row.id, error, merror: !!row.querySelector('.sitegen merror'),
                        ours: [ours.width, ours.height], theirs: [theirs.width, theirs.height]};
            })"""
        )
    )


def test_sitegen_math_is_on_par_with_katex(browser: Any, tmp_path: Path) -> None:
    if not (KATEX / "dist" / "katex.min.js").is_file():
        pytest.skip(f"KaTeX is not installed at {KATEX} (npm install --prefix .tools katex)")
    rows = collect_expressions()
    assert len(rows) == SAMPLE + len(FEATURES)
    folder = tmp_path / "compare"
    shutil.copytree(KATEX / "dist", folder / "katex")
    shutil.copytree(REPO / "static" / "css", folder / "css")
    shutil.copytree(REPO / "static" / "fonts", folder / "fonts")
    (folder / "index.html").write_text(comparison_page(rows), encoding="utf-8")
    if REPORT.exists():
        shutil.rmtree(REPORT)
    REPORT.mkdir(parents=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    try:
        page = context.new_page()
        with serve_site(folder, "/") as served:
            # The math font is font-display: optional, used when it is there at first layout (a visitor's
            # second page); the first load puts it in the cache.
            page.goto(served.url("index.html"), wait_until="load")
            page.evaluate("document.fonts.load('1em \"Sitegen Math\"')")
            page.reload(wait_until="load")
            assert page.evaluate("document.fonts.check('1em \"Sitegen Math\"')"), "the math font did not load"
            sizes = measure(page)
            for number in range(len(rows)):
                page.locator(f"#row{number}").screenshot(path=str(REPORT / f"{number:02d}.png"), animations="disabled")
            page.screenshot(path=str(REPORT / "all.png"), full_page=True)
    finally:
        context.close()
    verdicts = [judge(size) for size in sizes]
    write_report(rows, sizes, verdicts)
    wrong = [f"{rows[n][0][:60]!r}: {verdict}" for n, verdict in enumerate(verdicts) if verdict]
    assert wrong == []


def judge(size: dict[str, Any]) -> str:
    """Return why a row looks wrong (empty when it looks right)."""
    ours_width, ours_height = size["ours"]
    theirs_width, theirs_height = size["theirs"]
    if size["merror"] or ours_width < 1 or ours_height < 1:
        return "sitegen shows nothing or an error"
    if size["error"]:
        return ""  # KaTeX cannot render it: nothing to compare with
    width, height = ours_width / theirs_width, ours_height / theirs_height
    if not 0.6 <= width <= 1.6 or not 0.55 <= height <= 1.8:
        return f"size differs from KaTeX's: width x{width:.2f}, height x{height:.2f}"
    return ""


def write_report(rows: list[tuple[str, bool, str]], sizes: list[dict[str, Any]], verdicts: list[str]) -> None:
    """Write report.md (a table with a screenshot per row) and sizes.json beside the shots."""
    lines = ["# sitegen MathML beside KaTeX", "", "| # | source | display | sitegen w×h | KaTeX w×h | verdict | shot |", "|---|---|---|---|---|---|---|"]
    for number, ((tex, display, where), size, verdict) in enumerate(zip(rows, sizes, verdicts, strict=True)):
        ours = "×".join(f"{value:.0f}" for value in size["ours"])
        theirs = "KaTeX error" if size["error"] else "×".join(f"{value:.0f}" for value in size["theirs"])
        lines.append(f"| {number} | {where} | {'yes' if display else 'no'} | {ours} | {theirs} | {verdict or 'ok'} | ![{number}]({number:02d}.png) |")
    (REPORT / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = [{"tex": tex, "display": display, "where": where, **size, "verdict": verdict} for (tex, display, where), size, verdict in zip(rows, sizes, verdicts, strict=True)]
    (REPORT / "sizes.json").write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
