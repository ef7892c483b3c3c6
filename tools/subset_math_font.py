"""Split Asana-Math.otf into the two WOFF2 files the theme serves: the glyphs most formulas use, and the rest.

A phone on a slow network spends over a second on the whole 235 KB font before the first
formula can be drawn (Lighthouse's mobile LCP), so the theme preloads only the common part
(about 80 KB: ASCII, Greek, math italic, bold, bold italic Greek, script and double-struck
letters, the usual operators, arrows and delimiters, with every size variant and glyph assembly the OpenType MATH table gives them). The other glyphs
are a second face of the same family, limited by `unicode-range`, which a browser fetches only
for a page that uses one of them. Stretchy characters and the MATH constants must be in the
first face: Chromium lays out MathML with the MATH table of the face that holds the space.
The CFF hints stay: without them Chromium drew some formulas at nearly twice their height.

The licence reserves the name "Asana Math", so the subsets are renamed "Sitegen Math".

    pip install fonttools brotli
    python tools/subset_math_font.py Asana-Math.otf   # Debian: fonts-oflb-asana-math

writes static/fonts/math-core.woff2, static/fonts/math-extra.woff2 and prints the
`unicode-range` of each for static/css/math.css.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"
FAMILY = "Sitegen Math"
CORE = (
    "20-7E,A0,AC,AF,B1,B7,D7,F7,2C6,2C7,2D8-2DC,300-30C,391-3A9,3B1-3C9,3D1,3D5,3D6,3F0,3F1,3F5,"
    "2016,2026,2032-2034,203E,2061-2064,2102-2138,2190-2194,21A6,21D0-21D4,"
    "2200-221E,2223-2230,2234,2235,223C,2243,2245,2248,2260-2265,226A,226B,2282-2287,228E,2295,2297,"
    "22A4,22A5,22C0-22C6,22EE-22F1,2308-230B,23DC-23E1,27E8-27E9,27F6,27F9,1D400-1D467,1D49C-1D4B5,1D538-1D551,1D6A4-1D6A5,1D6E2-1D71B,1D736-1D74F,1D7CE-1D7D7"
)


def parse_ranges(text: str) -> list[int]:
    """Turn "20-7E,A0" into code points."""
    points: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        points += range(int(first, 16), int(last or first, 16) + 1)
    return points


def css_ranges(points: Iterable[int]) -> str:
    """Turn code points into a compact CSS unicode-range value."""
    spans: list[list[int]] = []
    for point in sorted(points):
        if spans and point == spans[-1][1] + 1:
            spans[-1][1] = point
        else:
            spans.append([point, point])
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in spans)


def write_subset(source: Path, points: Sequence[int], dest: Path) -> None:
    """Keep the glyphs of these code points (and their MATH variants), rename the family, save WOFF2."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM", "morx", "feat", "prop"]
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=points)
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = FAMILY if record.nameID != 4 else f"{FAMILY} Regular"
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "") + "-Regular"
    font.flavor = "woff2"
    font.save(dest)


def main(argv: Sequence[str]) -> int:
    """Write both subsets and print their unicode-range values."""
    source = Path(argv[0])
    everything = set(TTFont(source).getBestCmap())
    core = sorted(everything & set(parse_ranges(CORE)))
    extra = sorted(everything - set(core))
    write_subset(source, core, FONTS / "math-core.woff2")
    write_subset(source, extra, FONTS / "math-extra.woff2")
    print("core:", css_ranges(core))
    print("extra:", css_ranges(extra))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
