"""Images that are broken, huge or rotated: the build goes on, and every srcset names files that exist."""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from sitegen.settings import limits
from tests.conftest import MakeSite, build_root


def png_bytes(width: int, height: int, colour: tuple[int, int, int] = (200, 30, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def bomb_png(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size, in a few dozen bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b"")


def rotated_jpeg() -> bytes:
    """A 1200×600 JPEG whose EXIF says to show it turned a quarter (as phones write portrait photos)."""
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    Image.new("RGB", (1200, 600), (0, 120, 200)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def build_with_images(make_site: MakeSite, images: dict[str, bytes]) -> tuple[Path, str]:
    body = "\n\n".join(f"![{name}](/img/{name})" for name in images)
    files: dict[str, str | bytes] = {"content/about.md": "About\n", "content/blog/2024-01-01-images.md": f"---\ntitle: Images\n---\n\nFirst.\n\n{body}\n"}
    files.update({f"static/img/{name}": data for name, data in images.items()})
    root = make_site(files)
    build_root(root)
    return root, (root / "_site/blog/images/index.html").read_text(encoding="utf-8")


def srcset_files(html: str) -> list[str]:
    return [candidate.split()[0] for srcset in re.findall(r'srcset="([^"]*)"', html) for candidate in srcset.split(",")]


def test_broken_and_bomb_images_are_served_as_they_are(make_site: MakeSite, caplog: pytest.LogCaptureFixture) -> None:
    whole = png_bytes(800, 500)
    root, html = build_with_images(make_site, {
        "truncated.png": whole[: len(whole) // 2],
        "bomb.png": bomb_png(30000, 30000),
        "good.png": whole,
    })
    for name in ("truncated.png", "bomb.png"):
        assert re.search(rf'<img [^>]*src="/img/{name}"', html)
        assert f"/img/{name.removesuffix('.png')}-320w" not in html
        assert (root / "_site/img" / name).is_file()
    assert "/img/good-320w.png 320w" in html
    for url in srcset_files(html):
        assert (root / "_site" / url.lstrip("/")).is_file(), url
    warnings = "\n".join(record.getMessage() for record in caplog.records)
    assert "img/truncated.png: cannot be decoded, served as it is without smaller copies" in warnings
    assert "img/bomb.png: not a readable image, served as it is" in warnings


def test_an_image_above_the_pixel_limit_gets_no_copies(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sitegen.publish.images.MAX_IMAGE_PIXELS", 1000 * 600)
    assert limits.MAX_IMAGE_PIXELS == 64_000_000
    root, html = build_with_images(make_site, {"large.png": png_bytes(1200, 600), "small.png": png_bytes(900, 600)})
    assert "large-320w" not in html and not (root / "_site/img/large-320w.png").exists()
    assert "/img/small-320w.png 320w" in html


def test_a_rotated_photo_keeps_its_upright_size_in_every_copy(make_site: MakeSite) -> None:
    root, html = build_with_images(make_site, {"portrait.jpg": rotated_jpeg()})
    tag = re.search(r'<img [^>]*src="/img/portrait.jpg"[^>]*>', html)
    assert tag and 'width="600"' in tag.group(0) and 'height="1200"' in tag.group(0)
    with Image.open(root / "_site/img/portrait-320w.jpg") as copy:
        assert copy.size == (320, 640)
    with Image.open(root / "_site/img/portrait.webp") as copy:
        assert copy.size == (600, 1200)
