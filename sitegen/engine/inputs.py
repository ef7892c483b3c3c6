"""The site's input locations: the one list of what a build reads, for build, serve and deploy alike.

`build` hashes these files to tell whether anything changed, the preview's
watcher stamps them to see saves, and `deploy` asks git whether any of them
has uncommitted changes. A new kind of input (data files, bibliographies, a
packaged theme) is one more entry in `input_locations`. Hidden files and
folders (`.DS_Store`, `.ipynb_checkpoints/`, editor swap files) are never
inputs, wherever they are.

Values a build takes from its environment rather than from files (the year
in the footer, from the clock or SOURCE_DATE_EPOCH) are inputs too: they are
listed by `environment_inputs`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sitegen.settings.config import LOCALES_FILE, SETTINGS_FILES, Config

# A Jekyll site's settings, includes and data files, read by the Liquid in its pages.
JEKYLL_CONFIG = "_config.yml"
JEKYLL_FOLDERS = ("_includes", "_data")

# The kinds of input, in the order a burst of changes is reported (settings first).
KINDS = ("config", "template", "static", "content")


@dataclass(frozen=True, slots=True)
class InputLocation:
    """A file or folder the build reads."""

    path: Path  # absolute path on disk
    rel: str  # POSIX path relative to the site root, as messages name it
    kind: str  # one of KINDS
    folder: bool  # True: every file below it (hidden ones excepted)


def input_locations(config: Config) -> tuple[InputLocation, ...]:
    """Return every file and folder a build of this site reads, the packaged theme's included."""
    files = [*((name, "config") for name in SETTINGS_FILES), (LOCALES_FILE, "config"), (JEKYLL_CONFIG, "content")]
    folders = [(config.templates_dir, "template"), (config.static_dir, "static"), (config.content_dir, "content")]
    folders += [(config.data_dir, "content")]  # data files: content that templates read as data.<name>
    folders += [(folder, "content") for folder in JEKYLL_FOLDERS]
    own = (
        *(InputLocation(config.root / rel, rel, kind, False) for rel, kind in files),
        *(InputLocation(config.root / rel, rel.strip("/"), kind, True) for rel, kind in folders),
    )
    return own + theme_locations(config, own)


def theme_locations(config: Config, own: Sequence[InputLocation]) -> tuple[InputLocation, ...]:
    """Return the theme's folders, named theme/templates and theme/static wherever sitegen is installed.

    In the repository the example site's folders are the theme: they are listed once.
    """
    from sitegen.theme import PREFIX, STATIC_PATH, TEMPLATES_PATH

    taken = {location.path.resolve() for location in own}
    theme = ((TEMPLATES_PATH, "templates", "template"), (STATIC_PATH, "static", "static"))
    return tuple(InputLocation(path, PREFIX + name, kind, True) for path, name, kind in theme if path not in taken)


def input_kind(rel: str, config: Config) -> str:
    """Return the kind of input a site-relative path is (content when no location claims it)."""
    for location in input_locations(config):
        if rel == location.rel or (location.folder and rel.startswith(location.rel + "/")):
            return location.kind
    return "content"


def is_hidden(rel: str) -> bool:
    """Tell whether a relative path is hidden (a part starts with a dot): such files are never inputs."""
    return any(part.startswith(".") for part in rel.split("/"))


def walk_inputs(config: Config) -> Iterator[tuple[Path, str]]:
    """Yield (path, site-relative rel) of every input file that exists, locations in order, each folder sorted."""
    for location in input_locations(config):
        if not location.folder:
            if location.path.is_file():
                yield location.path, location.rel
            continue
        yield from walk_folder(location.path, location.rel, config.root)


def walk_folder(folder: Path, rel: str = "", inside: Path | None = None, seen: frozenset[Path] = frozenset()) -> Iterator[tuple[Path, str]]:
    """Yield (path, rel) of the regular files below a folder, sorted, skipping hidden files and folders.

    `rel` is the folder's own relative path, prefixed to what is yielded ("" for paths relative to it).
    With `inside` (the site's folder), a symbolic link that leads out of it is never followed or read;
    a link back to a folder being walked is not followed either.
    """
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    here = seen | {Path(folder).resolve()}
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = f"{rel}/{entry.name}" if rel else entry.name
        if inside is not None and entry.is_symlink() and is_outside_link(Path(entry.path), inside):
            continue
        if entry.is_dir(follow_symlinks=True):
            if Path(entry.path).resolve() not in here:
                yield from walk_folder(Path(entry.path), child, inside, here)
        elif entry.is_file(follow_symlinks=True):
            yield Path(entry.path), child


def is_outside_link(path: Path, root: Path) -> bool:
    """Tell whether a file or folder is a symbolic link that leads out of the site's folder `root`."""
    return path.is_symlink() and not path.resolve().is_relative_to(root.resolve())


def environment_inputs(config: Config) -> Mapping[str, object]:
    """Return the values a build takes from its environment rather than from files.

    The build time itself is not one: it changes every second. What the
    output shows of it is (the year in the footer); which future posts are
    published is tracked apart, as the time the next one becomes due.
    """
    return {"year": config.now.year}
