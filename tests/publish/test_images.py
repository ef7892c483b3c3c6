"""Responsive images: copies at smaller widths and in WebP, offered through srcset, cached by content hash."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from sitegen.publish import images
from sitegen.publish.images import ImageSet, Variant, plan_variants, responsive_images
from tests.conftest import DEFAULT_SETTINGS, MakeSite, build_root, parse_page


def photo_png(width: int = 1600, height: int = 1000) -> bytes:
    """Return a PNG with smooth gradients and some noise, compressing like a real plot or photo."""
    red = Image.linear_gradient("L").resize((width, height))
    green = Image.radial_gradient("L").resize((width, height))
    blue = Image.effect_noise((width, height), 24)
    image = Image.merge("RGB", (red, green, blue))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


POST = """\
---
title: Plots
date: 2024-01-01
---
![Loss curve](chart.png){ width=240 height=150 }

Some text.

![Same chart, full size](chart.png)

![A diagram](diagram.svg)
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


@pytest.fixture(scope="module")
def png() -> bytes:
    return photo_png()


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One cache for the module's sites, so the copies are encoded once."""
    return f'cache_dir = "{tmp_path_factory.mktemp("image-cache").as_posix()}"\n'


def make_plots_site(make_site: MakeSite, png: bytes, settings: str = DEFAULT_SETTINGS) -> Path:
    return make_site(
        {
            "content/blog/2024-01-01-plots.md": POST,
            "content/blog/chart.png": png,
            "content/blog/diagram.svg": SVG,
            "content/about.md": "---\ntitle: About\n---\nHi.\n",
        },
        settings=settings,
    )


def test_images_get_copies_in_srcset_and_webp_in_a_picture(make_site: MakeSite, png: bytes, shared_cache: str) -> None:
    root = make_plots_site(make_site, png, DEFAULT_SETTINGS + shared_cache)
    build_root(root)
    out = root / "_site"
    page = parse_page(out / "blog/plots/index.html")
    first, second, svg = page.find_all("img")
    widths = "320w, 640w, 960w, 1280w"
    assert first["srcset"] == ", ".join(f"/blog/chart-{w[:-1]}w.png {w}" for w in widths.split(", ")) + ", /blog/chart.png 1600w"
    assert first["sizes"] == "(max-width: 240px) 100vw, 240px"
    assert (first["width"], first["height"], first["decoding"]) == ("240", "150", "async")
    assert "loading" not in first  # the first image is on the first screen
    assert (second["width"], second["height"], second["loading"]) == ("1600", "1000", "lazy")
    assert second["sizes"] == "(max-width: 1600px) 100vw, 1600px"
    sources = page.find_all("source")
    assert [s["type"] for s in sources] == ["image/webp", "image/webp"]
    assert sources[0]["srcset"].endswith("/blog/chart-1280w.webp 1280w, /blog/chart.webp 1600w")
    assert svg == {"src": "/blog/diagram.svg", "alt": "A diagram", "decoding": "async", "loading": "lazy"}
    assert (out / "blog/diagram.svg").read_text(encoding="utf-8") == SVG
    for width in (320, 640, 960, 1280):
        for suffix in ("png", "webp"):
            with Image.open(out / f"blog/chart-{width}w.{suffix}") as copy:
                assert copy.size == (width, round(1000 * width / 1600))
                assert copy.format == suffix.upper()
    with Image.open(out / "blog/chart.webp") as full:
        assert full.size == (1600, 1000)
    assert (out / "blog/chart.png").read_bytes() == png


def test_the_copy_a_retina_phone_picks_for_a_240_pixel_slot_is_70_percent_smaller(
    make_site: MakeSite, png: bytes, shared_cache: str
) -> None:
    root = make_plots_site(make_site, png, DEFAULT_SETTINGS + shared_cache)
    build_root(root)
    # At twice the density a 240 px slot needs 480 px: the browser picks the 640w WebP.
    picked = (root / "_site/blog/chart-640w.webp").stat().st_size
    assert picked <= 0.3 * len(png), f"{picked} bytes instead of {len(png)}"


def test_a_rebuild_converts_nothing(make_site: MakeSite, png: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_plots_site(make_site, png)
    build_root(root)
    first = (root / "_site/blog/chart-640w.webp").read_bytes()
    (root / "content/about.md").write_text("---\ntitle: About\n---\nHello again.\n", encoding="utf-8")

    def refuse(data: bytes, variant: Variant) -> bytes:
        raise AssertionError(f"{variant.dest} was encoded again")

    monkeypatch.setattr(images, "encode_variant", refuse)
    build_root(root, output=root / "elsewhere")  # a fresh output folder: every copy comes from the cache
    assert (root / "elsewhere/blog/chart-640w.webp").read_bytes() == first


def test_a_setting_turns_it_off(make_site: MakeSite, png: bytes) -> None:
    root = make_plots_site(make_site, png, DEFAULT_SETTINGS + "responsive_images = false\n")
    build_root(root)
    out = root / "_site"
    first = parse_page(out / "blog/plots/index.html").find_all("img")[0]
    assert first == {"alt": "Loss curve", "height": "150", "src": "/blog/chart.png", "width": "240"}
    assert not list(out.glob("blog/chart-*"))
    assert not (out / "blog/chart.webp").exists()


def test_an_image_narrower_than_every_width_gets_only_a_webp_copy() -> None:
    assert plan_variants("a/b.png", 300, 200, "PNG") == (Variant("a/b.webp", 300, 200, "WEBP"),)


def test_urls_outside_the_base_path_and_author_srcsets_are_left_alone() -> None:
    sets = {"x.png": ImageSet("x.png", 800, 600, "PNG", plan_variants("x.png", 800, 600, "PNG"))}
    body = '<img src="/x.png" alt="a"><img src="https://example.com/x.png" alt="b"><img src="/sub/x.png" srcset="/sub/x.png 1x" alt="c">'
    rewritten = responsive_images(body, sets, "/sub/")
    assert rewritten == (
        '<img decoding="async" src="/x.png" alt="a">'
        '<img decoding="async" loading="lazy" src="https://example.com/x.png" alt="b">'
        '<img src="/sub/x.png" srcset="/sub/x.png 1x" alt="c">'
    )


def test_a_template_image_gets_its_copies_its_own_shape_and_the_slot_the_template_gives(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/images/plot.png": photo_png(),
            "content/images/logo.svg": SVG,
            "templates/page.html": (
                "<!DOCTYPE html><html lang=\"en\"><title>t</title><main>"
                "{{ image(asset('images/plot.png'), 'A plot', class='tile', width='480', height='320', sizes='(max-width: 40rem) 100vw, 30rem') }}"
                "{{ image(asset('images/logo.svg'), 'A logo', width='480', height='320', sizes='30rem', lazy=False) }}</main></html>"
            ),
            "content/about.md": "---\ntitle: About\nlayout: page\n---\nHi.\n",
        }
    )
    build_root(root)
    page = parse_page(root / "_site/about/index.html")
    names = [name for name, _ in page.tags if name in ("picture", "source", "img")]
    assert names == ["picture", "source", "img", "img"]  # the SVG has no copies: no <picture>
    source = page.find_all("source")[0]
    plot, logo = page.find_all("img")
    assert source["type"] == "image/webp" and "/images/plot-640w.webp 640w" in source["srcset"]
    assert (plot["width"], plot["height"], plot["class"]) == ("1600", "1000", "tile")  # its own shape, not 480×320
    assert plot["sizes"] == source["sizes"] == "(max-width: 40rem) 100vw, 30rem"
    assert "/images/plot-640w.png 640w" in plot["srcset"] and plot["loading"] == "lazy"
    assert (logo["width"], logo["height"], logo.get("loading")) == ("480", "320", None)  # an SVG keeps the given size
    assert "srcset" not in logo and "sizes" not in logo  # sizes without srcset is invalid HTML


def test_a_pages_own_image_is_offered_to_link_previews_1200_wide_in_its_own_format(make_site: MakeSite) -> None:
    small = io.BytesIO()
    Image.new("RGB", (800, 500), "teal").save(small, "JPEG")
    root = make_site(
        {
            "content/blog/2024-01-01-big.md": "---\ntitle: Big\nimage: plot.png\nimage_alt: A plot\n---\nText.\n",
            "content/blog/plot.png": photo_png(),
            "content/blog/2024-01-02-small.md": "---\ntitle: Small\nimage: /images/small.jpg\n---\nText.\n",
            "content/images/small.jpg": small.getvalue(),
            "content/blog/2024-01-03-remote.md": "---\ntitle: Remote\nimage: https://example.com/x.png\n---\nText.\n",
            "content/blog/2024-01-04-unused.md": "---\ntitle: Unused\n---\n![Plot](unused.png)\n",
            "content/blog/unused.png": photo_png(),
            "content/about.md": "---\ntitle: About\n---\nHi.\n",
        }
    )
    build_root(root)
    out = root / "_site"

    def meta(dest: str) -> dict[str, str]:
        return {tag.get("property") or tag.get("name", ""): tag.get("content", "") for tag in parse_page(out / dest).find_all("meta")}

    big = meta("blog/big/index.html")
    assert big["og:image"] == big["twitter:image"] == "https://example.org/blog/plot-1200w.png"
    assert (big["og:image:width"], big["og:image:height"], big["og:image:alt"]) == ("1200", "750", "A plot")
    with Image.open(out / "blog/plot-1200w.png") as preview:
        assert (preview.format, preview.size) == ("PNG", (1200, 750))
    small_meta = meta("blog/small/index.html")
    assert small_meta["og:image"] == "https://example.org/images/small.jpg"  # narrower than 1200: the original
    assert (small_meta["og:image:width"], small_meta["og:image:height"]) == ("800", "500")
    remote = meta("blog/remote/index.html")
    assert remote["og:image"] == "https://example.com/x.png" and "og:image:width" not in remote
    assert not (out / "blog/unused-1200w.png").exists()  # only a page's own social image gets the copy
