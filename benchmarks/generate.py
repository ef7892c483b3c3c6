"""Write a large, deterministic benchmark site: posts with prose, code, a table and math.

    python benchmarks/generate.py FOLDER [--posts 1000] [--words 750] [--seed 4]

Each post has about `--words` words of prose in sections, two fenced code
blocks, a table, inline math and a display equation, and two or three tags
from a small set. The theme (templates/, static/) and locales.yaml are the
repository's own, so the benchmark builds what a real site builds. The same
seed always gives the same files.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
POSTS = 1000
WORDS = 750
SEED = 4

TAGS = ("attention", "optimisation", "numpy", "transformers", "derivations", "efficiency", "notebooks", "embeddings")
_VOCABULARY_TEXT = (
    "gradient loss batch tensor layer weight bias activation softmax attention head query key value "
    "embedding token sequence model training step learning rate schedule warmup decay norm residual "
    "projection matrix vector scalar dimension shape broadcast kernel memory cache throughput latency "
    "sample noise variance mean estimate error curve epoch checkpoint parameter initialisation scale "
    "the a of to and in is that for with as on we it this by from be are which when each one more "
    "small large fast slow simple careful exact first second next every both only also still then"
)
VOCABULARY = _VOCABULARY_TEXT.split()
INLINE_MATH = (r"$x_i$", r"$\alpha = 0.1$", r"$W \in \mathbb{R}^{d \times k}$", r"$\sigma(z)$", r"$\|w\|_2$", r"$\hat{y}_i$")
DISPLAY_MATH = (
    r"\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_{j=1}^{n} e^{z_j}}",
    r"\mathcal{L}(w) = \frac{1}{n} \sum_{i=1}^{n} (y_i - w^\top x_i)^2",
    r"\operatorname{Attention}(Q, K, V) = \operatorname{softmax}\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V",
)
CODE = (
    (
        "```python\nimport numpy as np\n\n\ndef softmax(z):\n    z = z - z.max(axis=-1, keepdims=True)\n"
        "    e = np.exp(z)\n    return e / e.sum(axis=-1, keepdims=True)\n```\n"
    ),
    (
        "```python\nfor step in range(steps):\n    loss, grad = loss_and_grad(w, x, y)\n"
        "    w -= learning_rate * grad\n    if step % 100 == 0:\n        print(f\"{step:5d} {loss:.4f}\")\n```\n"
    ),
    "```bash\npython train.py --batch-size 64 --lr 3e-4 --epochs 10\n```\n",
)
SETTINGS = """\
[tool.sitegen]
title = "Benchmark Site"
author = "Bench Marker"
description = "A large generated site for timing sitegen."
base_url = "https://bench.example.org/"
posts_per_page = 10
menu = ["about", "blog"]
"""


def generate_site(folder: Path, posts: int = POSTS, words: int = WORDS, seed: int = SEED) -> list[Path]:
    """Write the site into `folder` (replacing its content/) and return the post files, sorted."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("templates", "static"):
        shutil.copytree(REPO / name, folder / name, dirs_exist_ok=True)
    shutil.copy2(REPO / "locales.yaml", folder / "locales.yaml")
    (folder / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    shutil.rmtree(folder / "content", ignore_errors=True)
    (folder / "content/blog").mkdir(parents=True)
    (folder / "content/about.md").write_text("---\ntitle: About\n---\nA generated site.\n", encoding="utf-8")
    rng = random.Random(seed)
    paths = []
    for number in range(posts):
        day = date(2016, 1, 1) + timedelta(days=number * 3)
        path = folder / f"content/blog/{day.isoformat()}-post-{number:04d}.md"
        path.write_text(render_post(rng, number, words), encoding="utf-8")
        paths.append(path)
    return paths


def render_post(rng: random.Random, number: int, words: int) -> str:
    """Return one post: front matter, an intro, sections of prose with math, code and a table."""
    tags = " ".join(sorted(rng.sample(TAGS, rng.randint(2, 3))))
    title = f"{_sentence(rng, 4).rstrip('.').title()} {number}"
    sections = [_paragraph(rng, 40), "<!--more-->"]
    per_section = max(20, (words - 40) // 4)
    for index in range(4):
        sections.append(f"## {_sentence(rng, 3).rstrip('.').capitalize()}")
        sections += [_paragraph(rng, per_section // 2), _paragraph(rng, per_section - per_section // 2)]
        if index == 0:
            sections.append(f"$$\n{rng.choice(DISPLAY_MATH)}\n$$")
        if index in (1, 3):
            sections.append(rng.choice(CODE).rstrip("\n"))
        if index == 2:
            sections.append(_table(rng))
    return f"---\ntitle: {title}\ntags: {tags}\n---\n" + "\n\n".join(sections) + "\n"


def edit_post(path: Path, revision: int) -> None:
    """Change one post's body (not its title or tags), as a writer fixing a sentence would."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"\nEdited paragraph, revision {revision}.\n", encoding="utf-8")


def _sentence(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(count)).capitalize() + "."


def _paragraph(rng: random.Random, count: int) -> str:
    words: list[str] = []
    while len(words) < count:
        sentence = _sentence(rng, rng.randint(8, 16)).split()
        if rng.random() < 0.3:
            sentence.insert(rng.randrange(1, len(sentence)), rng.choice(INLINE_MATH))
        words += sentence
    return "\n".join(" ".join(words[i : i + 12]) for i in range(0, len(words), 12))


def _table(rng: random.Random) -> str:
    rows = ["| Model | Parameters | Loss | Tokens/s |", "|---|---:|---:|---:|"]
    for index in range(5):
        rows.append(f"| model-{index} | {rng.randint(1, 900)}M | {rng.uniform(1, 4):.3f} | {rng.randint(1000, 90000)} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--posts", type=int, default=POSTS)
    parser.add_argument("--words", type=int, default=WORDS)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    paths = generate_site(args.folder, args.posts, args.words, args.seed)
    print(f"Wrote {len(paths)} posts to {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
