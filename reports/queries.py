"""The named queries of ``corpus/reports/queries.yaml``, and the one way to run them.

A query is plain SQL with a title and a description (Datasette's canned-query shape). Callers
narrow it with the filters, orders and groups the query itself declares; values are always bound
parameters, and only names declared in the file can choose SQL fragments. The same definitions
become Datasette canned queries for the explorer (:func:`datasette_canned_queries`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
import yaml
from gongkai.models.errors import ConfigError, GongkaiError
from gongkai.models.store_reads import ReadsStore, normalise_rows
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gongkai.resources import corpus_path

QUERIES_FILE = corpus_path("reports", "queries.yaml")

_PARAM = re.compile(r":value\b")


class QueryError(GongkaiError):
    """A caller asked for a filter, order or group the query does not declare."""


class FilterSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    clause: str = Field(pattern=r":value\b")
    match: Literal["exact", "contains"] = "exact"
    label: str
    #: What an empty explorer form field means (None: no restriction); ``all`` then lifts it.
    #: The findings list shows confirmed findings unless asked (issue #12).
    explorer_default: str | None = Field(default=None, pattern=r"^[a-z_]+$")


class NamedQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    title: str
    summary: str = ""
    description: str
    sql: str
    portable: bool = False
    explorer: bool = False
    #: The explorer database the query runs in (``gongkai``: the store).
    database: str = "gongkai"
    filters: dict[str, FilterSpec] = Field(default_factory=dict)
    sorts: dict[str, str] = Field(default_factory=dict)
    default_sort: list[str] = Field(default_factory=list)
    groups: dict[str, str] = Field(default_factory=dict)
    labels: dict[str, str] = Field(default_factory=dict)

    def params(self) -> list[str]:
        """Named parameters the SQL itself uses (explorer-only queries take them from the form)."""
        return sorted(set(re.findall(r"(?<!:):([a-z_][a-z0-9_]*)", self.sql)))


@lru_cache(maxsize=4)
def load_queries(path: Path = QUERIES_FILE) -> dict[str, NamedQuery]:
    """Every named query in the file, validated (a malformed entry is one clear error)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the named queries: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of query names")
    queries: dict[str, NamedQuery] = {}
    for name, body in raw.items():
        try:
            query = NamedQuery.model_validate({"name": name, **(body or {})})
        except (ValidationError, TypeError) as exc:
            raise ConfigError(f"{path}: query {name!r} is malformed: {exc}") from None
        for sort in query.default_sort:
            if sort not in query.sorts:
                raise ConfigError(f"{path}: query {name!r}: default sort {sort!r} is not in its sorts")
        queries[name] = query
    return queries


def get_query(name: str) -> NamedQuery:
    queries = load_queries()
    if name not in queries:
        raise QueryError(f"no named query {name!r} (known: {', '.join(sorted(queries))})")
    return queries[name]


FilterValue = str | int | date | Sequence[str | int | date] | None


def _as_list(value: FilterValue) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str | int | date):
        return [value]
    return [v for v in value if v not in (None, "")]


def _bindable(value: Any) -> Any:
    # Dates go in as ISO text: SQLite stores them so, and PostgreSQL casts text to the column's type.
    return value.isoformat() if isinstance(value, date) else value


def _like(value: Any) -> str:
    text = str(value)
    for ch in ("!", "%", "_"):
        text = text.replace(ch, "!" + ch)
    return f"%{text}%"


def build_where(query: NamedQuery, filters: Mapping[str, FilterValue]) -> tuple[str, dict[str, Any]]:
    """``WHERE …`` over the query's output (empty when no filter applies) and its bound values.

    Several values for one filter are alternatives (OR); different filters all apply (AND).
    """
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for name, value in filters.items():
        values = _as_list(value)
        if not values:
            continue
        spec = query.filters.get(name)
        if spec is None:
            known = ", ".join(sorted(query.filters)) or "none"
            raise QueryError(f"query {query.name!r} has no filter {name!r} (filters: {known})")
        alternatives = []
        for index, item in enumerate(values):
            param = f"p_{name}_{index}"
            params[param] = _like(item) if spec.match == "contains" else _bindable(item)
            alternatives.append(_PARAM.sub(f":{param}", spec.clause))
        clauses.append("(" + " OR ".join(alternatives) + ")")
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def build_order(query: NamedQuery, sort: Sequence[str] | None) -> str:
    """``ORDER BY …`` from sort names; a leading ``-`` sorts descending."""
    names = list(sort) if sort else list(query.default_sort)
    parts = []
    for name in names:
        descending = name.startswith("-")
        key = name.lstrip("-")
        if key not in query.sorts:
            known = ", ".join(sorted(query.sorts)) or "none"
            raise QueryError(f"query {query.name!r} cannot sort by {key!r} (sorts: {known})")
        parts.append(f"{query.sorts[key]} {'DESC' if descending else 'ASC'}")
    return " ORDER BY " + ", ".join(parts) if parts else ""


#: Where a named query runs: the store (``Store.read_rows``, the way the reports read), or an open
#: connection (the explorer's snapshot, tests).
Reader = ReadsStore | sa.Connection


def _rows(reader: Reader, sql: str, bound: dict[str, Any]) -> list[dict[str, Any]]:
    if isinstance(reader, sa.Connection):
        return normalise_rows(reader.execute(sa.text(sql), bound))
    return reader.read_rows(sql, bound)


def select(
    reader: Reader,
    name: str,
    filters: Mapping[str, FilterValue] | None = None,
    sort: Sequence[str] | None = None,
    limit: int | None = None,
    params: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Run a named query with filters and order; rows as dicts of JSON-ready values."""
    query = get_query(name)
    where, bound = build_where(query, filters or {})
    sql = f"SELECT * FROM ({query.sql}) AS named{where}{build_order(query, sort)}"
    if limit is not None:
        sql += " LIMIT :p_limit"
        bound["p_limit"] = int(limit)
    bound.update(params or {})
    return _rows(reader, sql, bound)


def group_counts(
    reader: Reader, name: str, by: str, filters: Mapping[str, FilterValue] | None = None
) -> list[tuple[Any, int]]:
    """``(group value, count)`` for one of the query's declared groups, largest first."""
    query = get_query(name)
    if by not in query.groups:
        known = ", ".join(sorted(query.groups)) or "none"
        raise QueryError(f"query {query.name!r} cannot count by {by!r} (groups: {known})")
    where, bound = build_where(query, filters or {})
    expr = query.groups[by]
    sql = (
        f"SELECT {expr} AS grp, COUNT(*) AS n FROM ({query.sql}) AS named{where} "
        f"GROUP BY {expr} ORDER BY n DESC, grp"
    )
    return [(row["grp"], int(row["n"])) for row in _rows(reader, sql, bound)]


def datasette_sql(query: NamedQuery) -> str:
    """The query as a Datasette canned query on SQLite: filters become optional form fields."""
    if not query.filters and not query.labels:
        return query.sql.strip()
    columns = ", ".join(f'{col} AS "{label}"' for col, label in query.labels.items()) or "*"
    conditions = []
    for name, spec in query.filters.items():
        value = f"'%' || :{name} || '%'" if spec.match == "contains" else f":{name}"
        clause = _PARAM.sub(value, spec.clause.replace(" ESCAPE '!'", ""))
        if spec.explorer_default is None:
            conditions.append(f"(:{name} = '' OR {clause})")
        else:
            default = _PARAM.sub(f"'{spec.explorer_default}'", spec.clause.replace(" ESCAPE '!'", ""))
            chosen = f"(:{name} NOT IN ('', 'all') AND {clause})"
            conditions.append(f"((:{name} = '' AND {default}) OR :{name} = 'all' OR {chosen})")
    where = (" WHERE " + "\n  AND ".join(conditions)) if conditions else ""
    return f"SELECT {columns}\nFROM (\n{query.sql.strip()}\n) AS named{where}{build_order(query, None)}"


def datasette_canned_queries(database: str = "gongkai") -> dict[str, dict[str, Any]]:
    """The explorer's canned queries of one of its databases, in Datasette's metadata shape."""
    out: dict[str, dict[str, Any]] = {}
    for name, query in load_queries().items():
        if not query.explorer or query.database != database:
            continue
        out[name] = {
            "title": query.title,
            "description": " ".join(f"{query.summary} {query.description}".split()),
            "sql": datasette_sql(query),
        }
    return out
