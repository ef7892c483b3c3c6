"""`sitegen deploy` (to be written)."""

from __future__ import annotations

import argparse

from sitegen.errors import SitegenError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the command's options."""


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    raise SitegenError("'sitegen deploy' is not available yet")
