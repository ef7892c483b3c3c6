"""Responsive images: smaller copies and WebP beside every raster image, and `<img>` tags that offer them.

Every PNG and JPEG the site publishes (content assets, static files, notebook
outputs) is measured with Pillow and written again at the widths in `WIDTHS`
that are narrower than the original, in its own format and as WebP. Each
variant is cached under the hash of the original's bytes and the options, so a
rebuild converts nothing. Pages then get `srcset`, `sizes`, `width`/`height`,
`decoding="async"` and `loading="lazy"` (for every image but the first of a
page, which is usually on the first screen). SVG and other formats pass
through untouched.
"""

from __future__ import annotations

import html
import io
import logging
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

from sitegen.engine.cache import Cache, cache_key
from sitegen.model import Output, Site
from sitegen.settings.limits import MAX_IMAGE_PIXELS

log = logging.getLogger(__name__)

WIDTHS = (320, 640, 960, 1280, 1920)
# A page's own social image (front-matter `image:`) is offered to link previews at this width, in its
# own format: the sites that show previews take JPEG and PNG, not always WebP.
SOCIAL_WIDTH = 1200
RASTER = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
CACHE_FOLDER = "images"
# Changing how variants are encoded changes every cache key.
ENCODING = "png:z6;jpeg:q82,progressive;webp:q80,m4;upright;v2"
_ORIENTATION = 0x0112  # the EXIF tag
_QUARTER_TURNS = {5, 6, 7, 8}  # orientations that swap width and height
_IMG = re.compile(r"<img\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\s([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


@dataclass(frozen=True, slots=True)
class Variant:
    """One resized or re-encoded copy of an image."""

    dest: str
    width: int
    height: int
    format: str  # "PNG", "JPEG" or "WEBP"


@dataclass(frozen=True, slots=True)
class ImageSet:
    """A published raster image, its size and the copies written beside it."""

    dest: str
    width: int
    height: int
    format: str
    variants: tuple[Variant, ...]  # narrowest first; WebP copies include the full width

    def social(self) -> tuple[str, int, int]:
        """Return (dest, width, height) of the copy for link previews: 1200 px wide, or the original when narrower."""
        found = [v for v in self.variants if v.width == SOCIAL_WIDTH and v.format == self.format]
        return (found[0].dest, found[0].width, found[0].height) if found else (self.dest, self.width, self.height)

    def candidates(self, image_format: str) -> tuple[tuple[str, int], ...]:
        """Return (dest, width) of every copy in one format, the original included for its own format."""
        found = [(v.dest, v.width) for v in self.variants if v.format == image_format]
        if image_format == self.format:
            found.append((self.dest, self.width))
        return tuple(sorted(found, key=lambda item: item[1]))


@dataclass(frozen=True, slots=True)
class RasterFile:
    """A raster image the site publishes, with its bytes."""

    dest: str
    data: bytes


def is_raster(dest: str) -> bool:
    """Tell whether a published file is an image this module makes copies of."""
    return dest.rpartition(".")[2].lower() in {suffix[1:] for suffix in RASTER}


def measure_images(files: Iterable[RasterFile], social: Collection[str] = ()) -> dict[str, ImageSet]:
    """Read each image's size as shown (only the header) and plan its copies; unreadable files are skipped.

    The images in `social` (pages' own social images) also get a copy for link previews.
    """
    from PIL import Image, UnidentifiedImageError

    sets: dict[str, ImageSet] = {}
    for file in files:
        try:
            with Image.open(io.BytesIO(file.data)) as image:
                width, height, image_format = image.width, image.height, image.format or ""
                # A phone photo is shown upright. (Only JPEG: reading a PNG's EXIF would decode it all.)
                if image_format == "JPEG" and image.getexif().get(_ORIENTATION) in _QUARTER_TURNS:
                    width, height = height, width
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
            # Pillow's message names an in-memory stream by its address: say what it is instead.
            reason = "not an image format Pillow knows" if isinstance(exc, UnidentifiedImageError) else str(exc)
            log.warning("%s: not a readable image, served as it is (%s)", file.dest, reason)
            continue
        if width * height > MAX_IMAGE_PIXELS:
            log.warning("%s: %d×%d is too large to resize, served as it is", file.dest, width, height)
        elif image_format in MIME:
            variants = plan_variants(file.dest, width, height, image_format, social=file.dest in social)
            sets[file.dest] = ImageSet(file.dest, width, height, image_format, variants)
    return dict(sorted(sets.items()))


def plan_variants(dest: str, width: int, height: int, image_format: str, *, social: bool = False) -> tuple[Variant, ...]:
    """Return the copies of an image: each narrower width in its format and WebP, plus a full-width WebP.

    A social image wider than SOCIAL_WIDTH also gets a copy that wide in its own format.
    """
    stem, _, suffix = dest.rpartition(".")
    variants: list[Variant] = []
    if social and width > SOCIAL_WIDTH:
        scaled = max(1, round(height * SOCIAL_WIDTH / width))
        variants.append(Variant(f"{stem}-{SOCIAL_WIDTH}w.{suffix}", SOCIAL_WIDTH, scaled, image_format))
    for target in [w for w in WIDTHS if w < width] + [width]:
        scaled = max(1, round(height * target / width))
        if target < width:
            variants.append(Variant(f"{stem}-{target}w.{suffix}", target, scaled, image_format))
            variants.append(Variant(f"{stem}-{target}w.webp", target, scaled, "WEBP"))
        else:
            variants.append(Variant(f"{stem}.webp", width, height, "WEBP"))
    return tuple(sorted(variants, key=lambda variant: (variant.width, variant.format != image_format)))


@dataclass(frozen=True, slots=True)
class Variants:
    """The copies made, how many were encoded now, and the image sets whose copies all exist."""

    outputs: tuple[Output, ...]
    encoded: int
    sets: dict[str, ImageSet]


def render_variants(files: Sequence[RasterFile], sets: Mapping[str, ImageSet], cache: Cache) -> Variants:
    """Make every copy, encoding only those the cache lacks; an image that cannot be decoded keeps no copy."""
    outputs: list[Output] = []
    kept: dict[str, ImageSet] = {}
    encoded = 0
    for file in files:
        image_set = sets.get(file.dest)
        if image_set is None:
            continue
        made: list[Output] = []
        for variant in image_set.variants:
            key = cache_key(file.data, ENCODING, variant.format, str(variant.width), _pillow_version())
            data = cache.get(key)
            if data is None:
                data = _encode_or_none(file, variant)
                if data is None:
                    break
                cache.put(key, data)
                encoded += 1
            made.append(Output(variant.dest, data, frozenset({file.dest})))
        else:
            outputs += made
            kept[file.dest] = image_set
    return Variants(tuple(outputs), encoded, kept)


def _encode_or_none(file: RasterFile, variant: Variant) -> bytes | None:
    """Encode a variant, or warn and return None when the original cannot be decoded (a truncated file)."""
    from PIL import Image

    try:
        return encode_variant(file.data, variant)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        log.warning("%s: cannot be decoded, served as it is without smaller copies (%s)", file.dest, exc)
        return None


def encode_variant(data: bytes, variant: Variant) -> bytes:
    """Resize an image to the variant's size and encode it in its format, with no metadata."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as original:
        upright = ImageOps.exif_transpose(original)  # the copies carry no EXIF, so turn the pixels instead
        image = upright.convert("RGBA") if upright.mode in ("P", "LA", "PA") else upright.copy()
    if (image.width, image.height) != (variant.width, variant.height):
        image = image.resize((variant.width, variant.height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if variant.format == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=82, progressive=True, optimize=True)
    elif variant.format == "PNG":
        image.save(out, "PNG", compress_level=6)
    else:
        image.save(out, "WEBP", quality=80, method=4)
    return out.getvalue()


def _pillow_version() -> str:
    import PIL

    return str(PIL.__version__)


def responsive_images(body: str, sets: Mapping[str, ImageSet], base_path: str) -> str:
    """Rewrite each `<img>` of a page body: copies in `srcset`, WebP in a `<picture>`, size and loading hints.

    The first image of the body loads at once (it is usually on the first screen); the others are lazy.
    """
    seen = 0

    def rewrite(match: re.Match[str]) -> str:
        nonlocal seen
        first = seen == 0
        seen += 1
        return _rewrite_img(match.group(0), match.group(1), sets, base_path, lazy=not first)

    return _IMG.sub(rewrite, body)


def _rewrite_img(tag: str, attributes_text: str, sets: Mapping[str, ImageSet], base_path: str, *, lazy: bool) -> str:
    attributes = parse_attributes(attributes_text)
    if "srcset" in attributes:
        return tag  # the author chose the candidates
    image_set = sets.get(_dest_of(attributes.get("src", ""), base_path))
    if image_set is None:
        attributes = {name: value for name, value in attributes.items() if name != "sizes"}  # sizes needs a srcset
        hints = {"decoding": "async", **({"loading": "lazy"} if lazy else {}), **attributes}
        return "<img" + _format_attributes(hints) + ">"
    width, height = _slot(attributes, image_set)
    sizes = attributes.get("sizes") or f"(max-width: {width}px) 100vw, {width}px"
    img = {
        **attributes,
        "srcset": _srcset(image_set.candidates(image_set.format), base_path),
        "sizes": sizes,
        "width": str(width),
        "height": str(height),
        "decoding": "async",
        **({"loading": "lazy"} if lazy else {}),
    }
    webp = image_set.candidates("WEBP")
    source = f'<source type="image/webp" srcset="{_srcset(webp, base_path)}" sizes="{sizes}">' if webp else ""
    return f"<picture>{source}<img{_format_attributes(img)}></picture>"


def render_image(src: str, attributes: Mapping[str, str], sets: Mapping[str, ImageSet], base_path: str, *, lazy: bool = True) -> str:
    """Return the `<img>` (in a `<picture>` when it has copies) a template shows for an image URL.

    A measured image's own size gives `width` and `height` (so the box has its shape before it
    loads); the given ones are kept for others, such as an SVG. `sizes` says how wide the slot is.
    """
    if _dest_of(src, base_path) in sets:
        attributes = {name: value for name, value in attributes.items() if name not in ("width", "height")}
    return _rewrite_img("", _format_attributes({"src": src, **attributes}), sets, base_path, lazy=lazy)


def _slot(attributes: Mapping[str, str], image_set: ImageSet) -> tuple[int, int]:
    """Return the width and height the image is shown at: the author's, else its own size."""
    width = _pixels(attributes.get("width"))
    height = _pixels(attributes.get("height"))
    if width and height:
        return width, height
    if width:
        return width, max(1, round(image_set.height * width / image_set.width))
    if height:
        return max(1, round(image_set.width * height / image_set.height)), height
    return image_set.width, image_set.height


def _pixels(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and int(value) > 0 else None


def _srcset(candidates: Sequence[tuple[str, int]], base_path: str) -> str:
    return ", ".join(f"{base_path}{quote(dest)} {width}w" for dest, width in candidates)


def _dest_of(src: str, base_path: str) -> str:
    """Return the dest a root-relative URL under the base path points at, or "" for any other URL."""
    src = html.unescape(src).split("#")[0].split("?")[0]
    if not src.startswith(base_path):
        return ""
    return unquote(src[len(base_path) :])


def parse_attributes(text: str) -> dict[str, str]:
    """Return the attributes of a start tag's inside, values unescaped, in their order."""
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(text):
        value = next((group for group in match.groups()[1:] if group is not None), "")
        found.setdefault(match.group(1).lower(), html.unescape(value))
    return found


def _format_attributes(attributes: Mapping[str, str]) -> str:
    return "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in attributes.items())


def image_dest(target: str, folder: str, base_path: str) -> str:
    """Return the dest a page's `image:` names: a path from the site root (base path or not) or from the page's folder.

    A URL with a scheme (https://…) names no file of the site: "".
    """
    if ":" in target:
        return ""
    target = unquote(target.split("#")[0].split("?")[0])
    if base_path != "/" and target.startswith(base_path):
        target = target[len(base_path) - 1 :]
    segments: list[str] = []
    for segment in (target if target.startswith("/") else f"{folder}/{target}").split("/"):
        if segment == "..":
            segments = segments[:-1]
        elif segment and segment != ".":
            segments.append(segment)
    return "/".join(segments)


def social_images(site: Site, base_path: str, site_image: str = "") -> frozenset[str]:
    """Return the dests of the raster images pages name as their own social image (and the site's)."""
    found = {image_dest(site_image, "", base_path)} if site_image else set()
    for locale_site in site.locales.values():
        for page in (*locale_site.pages, *locale_site.posts):
            target = page.fields.get("image")
            if isinstance(target, str) and target:
                found.add(image_dest(target, page.document.source.folder, base_path))
    return frozenset(dest for dest in found if is_raster(dest))


def raster_files(site: Site) -> tuple[RasterFile, ...]:
    """Return every PNG and JPEG the site publishes: assets, static files and notebook outputs."""
    from sitegen.site.links import attachment_dest

    found = {asset.content_rel: RasterFile(asset.content_rel, asset.path.read_bytes()) for asset in site.assets if is_raster(asset.content_rel)}
    for locale_site in site.locales.values():
        for page in (*locale_site.pages, *locale_site.posts):
            for attachment in page.document.attachments if page.translated else ():
                dest = attachment_dest(page, attachment.name)
                if is_raster(dest):
                    found.setdefault(dest, RasterFile(dest, attachment.data))
    return tuple(found[dest] for dest in sorted(found))
