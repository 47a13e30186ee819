"""A list item: what a column's list page (or JSON API) says about one document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ListItem:
    url: str
    title: str
    date: date | None
