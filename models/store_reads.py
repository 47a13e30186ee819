"""Read-only SELECTs for the reports: the named queries of ``corpus/reports/queries.yaml`` run
through the store (issue #18: the store is the only door into the tables).

Rows come back as dicts of JSON-ready values, the same on SQLite and PostgreSQL: the JSON columns
decoded, booleans as booleans, dates and times as ISO text.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from gongkai.models.errors import GongkaiError
from gongkai.models.store_base import StoreBase

#: Columns that hold JSON text on SQLite (PostgreSQL's driver already decodes them).
JSON_COLUMNS = frozenset({"evidence", "config"})
#: Columns that hold booleans (SQLite gives 0/1).
BOOL_COLUMNS = frozenset({"provisional"})

_READ_ONLY = re.compile(r"^\s*(SELECT|WITH)\b", re.IGNORECASE)


class ReadError(GongkaiError):
    """A statement given to a read method that is not a query."""


def normalise_rows(result: sa.CursorResult[Any]) -> list[dict[str, Any]]:
    """Every row of ``result`` as a dict of JSON-ready values, converting only the columns that
    need it: a driver gives one type per column, so the first value that is not None tells which
    columns hold dates (a report reads hundreds of thousands of rows here)."""
    keys = tuple(result.keys())
    rows = [dict(zip(keys, row, strict=True)) for row in result.fetchall()]
    if not rows:
        return rows
    json_keys = [k for k in keys if k in JSON_COLUMNS]
    bool_keys = [k for k in keys if k in BOOL_COLUMNS]
    date_keys = [
        k
        for k in keys
        if k not in JSON_COLUMNS
        and k not in BOOL_COLUMNS
        and isinstance(next((r[k] for r in rows if r[k] is not None), None), date)
    ]
    if not (json_keys or bool_keys or date_keys):
        return rows
    for row in rows:
        for key in json_keys:
            value = row[key]
            if isinstance(value, str | bytes):
                # An unreadable value is shown as it is, not dropped.
                with contextlib.suppress(ValueError):
                    row[key] = json.loads(value)
        for key in bool_keys:
            if row[key] is not None:
                row[key] = bool(row[key])
        for key in date_keys:
            value = row[key]
            if isinstance(value, date):  # datetimes too (a subclass)
                row[key] = value.isoformat()
    return rows


class ReadsStore(StoreBase):
    # --- read-only queries (the reports' named queries) ------------------------------------------

    def read_rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one query (``SELECT``/``WITH``, bound parameters); rows as dicts of JSON-ready
        values (:func:`normalise_rows`). The statement check guards against a slip, not an attack:
        callers pass SQL of their own (the named queries), never a user's."""
        if not _READ_ONLY.match(sql):
            raise ReadError("read_rows runs queries only (SELECT or WITH)")
        with self.engine.connect() as conn:
            return normalise_rows(conn.execute(sa.text(sql), dict(params or {})))
