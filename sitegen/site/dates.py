"""Dates in front matter and file names: a day, or a time with or without a UTC offset."""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

_FORMATS = (
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d %H:%M%z",
    "%Y-%m-%d %H:%M %z",
    "%Y-%m-%dT%H:%M%z",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class DateFormatError(ValueError):
    """A value that is not a date."""


def parse_date(value: Any, zone: ZoneInfo) -> datetime:
    """Turn a YAML date, datetime or string into an aware datetime (naive ones are in `zone`)."""
    moment = _parse_date(value, zone)
    if not 1 < moment.year < 9999:  # a day away from the ends, so converting to UTC cannot overflow
        raise DateFormatError(f"must be a date between the years 2 and 9998, got {value!r}")
    return moment


def _parse_date(value: Any, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=zone)
    if not isinstance(value, str):
        raise DateFormatError(f"must be a date like 2024-03-05, got {value!r}")
    if _ISO_DAY.fullmatch(value):  # the common case (every dated file name), without trying each format
        with contextlib.suppress(ValueError):  # an impossible day is reported below, as before
            return datetime.combine(date.fromisoformat(value), time(0, 0), tzinfo=zone)
    text = re.sub(r"\s+", " ", value.strip()).replace("Z", "+00:00")
    text = re.sub(r"([+-]\d\d):(\d\d)$", r"\1\2", text)
    for fmt in _FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    raise DateFormatError(f"must be a date like 2024-03-05 or 2024-03-05 14:30:00 +01:00, got {value!r}")
