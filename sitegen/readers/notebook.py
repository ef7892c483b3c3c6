"""Jupyter notebooks (placeholder until the notebook reader lands)."""

from __future__ import annotations

from sitegen.config import Config
from sitegen.errors import ContentError
from sitegen.model import Document, Source


def read(source: Source, config: Config) -> Document:
    """Read a notebook into a Document."""
    raise ContentError("notebooks are not supported yet", source.rel)
