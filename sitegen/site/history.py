"""The date of a post that names none: when the file entered the site's git history.

Notebook series (`03.01-Introducing-Pandas-Objects.ipynb`, `03.02-Data-Indexing.ipynb`)
carry no date in their names or metadata, yet they are posts that link to one
another (issue 12). Such a post is dated by the first commit that added the
file (author date, following renames). A notebook not committed yet is dated
by its modification time, so that a series dropped into the blog builds at
once (a notebook has no front matter block to add `date:` to without an
editor); a Markdown post with no date anywhere stays an error. Front matter
`date:` and a `YYYY-MM-DD-` file name come first and always win.
"""

from __future__ import annotations

import functools
import logging
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)


def undated_post_date(path: Path, zone: ZoneInfo, *, modified_time: bool) -> datetime | None:
    """Return when a file entered the git history, else its modification time if allowed, else None."""
    added = first_commit_date(path)
    if added is not None or not modified_time:
        return added
    return datetime.fromtimestamp(int(path.stat().st_mtime), tz=zone)


@functools.lru_cache(maxsize=4096)
def first_commit_date(path: Path) -> datetime | None:
    """Return the author date of the commit that added a file, or None outside git or before its first commit."""
    try:
        result = subprocess.run(
            ["git", "log", "--follow", "--diff-filter=A", "--format=%aI", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.debug("no git history for %s: %s", path, exc)
        return None
    dates = result.stdout.split()
    if result.returncode != 0 or not dates:
        return None
    return datetime.fromisoformat(dates[-1])
