"""Query parameters shared by the routes: a day is a real calendar date, else the request is a 422."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator

_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _real_day(value: str) -> str:
    if not _SHAPE.fullmatch(value):
        raise ValueError(f"应为 YYYY-MM-DD 日期 (expected a date YYYY-MM-DD): {value!r}")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"不存在的日期 (no such date): {value!r}") from None
    return value


Day = Annotated[str, AfterValidator(_real_day)]
