"""The floor for a cold build: Python-Markdown and Jinja alone, one page per post, on every core.

    python benchmarks/floor.py SITE OUTPUT [--jobs 2] [--math]

Reads each post under SITE/content/blog/, splits off its YAML front matter,
converts the body with the same Markdown extensions and options sitegen uses
(taken from sitegen.markup.markdown, so the two cannot drift apart), renders it into a
small Jinja template and writes OUTPUT/<name>/index.html, in a process pool.
No listings, tags, feeds, sitemap, links or caches: what is left is the work
no static site generator for this content can skip. With --math the TeX is also
converted to MathML the way sitegen does it (sitegen.markup.math), to show how much
of a build that takes.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

import jinja2
import markdown
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sitegen.markup.markdown import _extensions  # after the path is set
from sitegen.markup.math import extract_math, restore_math
from sitegen.markup.mathml import render_math

TEMPLATE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ title }}</title><link rel="stylesheet" href="/css/site.css"></head>
<body>
<header><a href="/">Benchmark Site</a></header>
<main><article>
<h1>{{ title }}</h1>
<ul class="tags">{% for tag in tags %}<li><a href="/blog/tags/{{ tag }}/">{{ tag }}</a></li>{% endfor %}</ul>
{{ body | safe }}
</article></main>
</body>
</html>
"""


def render_posts(paths: list[Path], output: Path, math: bool = False) -> int:
    """Render each post into output/<name>/index.html; return how many were written."""
    names, configs = _extensions("default")
    converter = markdown.Markdown(extensions=names, extension_configs=configs, output_format="html")
    template = jinja2.Environment(autoescape=True).from_string(TEMPLATE)
    for path in paths:
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        converter.reset()
        if math:
            tokenised, spans = extract_math(body)
            html = restore_math(converter.convert(tokenised), [render_math(span)[0] for span in spans])
        else:
            html = converter.convert(body)
        page = template.render(title=meta["title"], tags=str(meta["tags"]).split(), body=html)
        target = output / path.stem / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
    return len(paths)


def _render_chunk(job: tuple[list[Path], Path, bool]) -> int:
    return render_posts(*job)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--math", action="store_true", help="also convert TeX math to MathML as sitegen does")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = sorted((args.site / "content/blog").glob("*.md"))
    # Small chunks keep both workers busy to the end; each chunk reuses one converter.
    chunks = [(paths[i : i + 20], args.output, args.math) for i in range(0, len(paths), 20)]
    with multiprocessing.Pool(args.jobs) as pool:
        written = sum(pool.imap_unordered(_render_chunk, chunks))
    print(f"Rendered {written} posts with Markdown and Jinja on {args.jobs} processes in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
