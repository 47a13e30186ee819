"""``import-docs``: documents from elsewhere (JSON lines) into the store, so they can be audited.

Each line holds the extract keys (``title, index_no, doc_no, publisher, written_date,
published_date, disclosure, topic, validity``) plus ``url`` and ``site``, and optionally ``links``,
``is_interpretation``, ``interprets``, ``column`` and ``classification`` (or its short keys
``domain``, ``doc_type``, ``needs_interpretation``). A bad line is reported with its number and
skipped; the rest goes in. Documents without a classification are classified in batches.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.classifiers import classify_records
from gongkai.extractors.values import (
    DATE_FIELDS,
    PRINTED_FIELDS,
    check_doc_no,
    derived_fields,
    normalise_printed,
)
from gongkai.models.errors import GongkaiError
from gongkai.models.records import (
    METADATA_FIELDS,
    Classification,
    DocumentRecord,
    FieldSource,
    InterpretedPolicy,
    Link,
)
from gongkai.models.store import Store
from pydantic import ValidationError

#: The nine metadata fields, as the records define them (one list, not a copy that can drift).
EXTRACT_KEYS = METADATA_FIELDS
OPTIONAL_KEYS = ("url", "site", "links", "is_interpretation", "interprets", "column", "classification")
CLASSIFICATION_KEYS = ("domain", "doc_type", "needs_interpretation")
KNOWN_KEYS = set(EXTRACT_KEYS) | set(OPTIONAL_KEYS) | set(CLASSIFICATION_KEYS)
SITE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class LineError(ValueError):
    """A line that cannot be imported; the message names the field."""


@dataclass
class ImportResult:
    read: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    classified: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.new + self.changed + self.unchanged


def _printed(data: dict[str, Any], key: str) -> str | None:
    """A printed field as given in the line: text (a number is taken as its digits) or None."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        kind = "a date string" if key in DATE_FIELDS else "text"
        raise LineError(f"{key}: expected {kind}, got {type(value).__name__}")
    return str(value)


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int):
        raise LineError(f"{key}: expected text, got {type(value).__name__}")
    text = str(value).strip()
    return text or None


def record_from_line(data: Any, default_site: str | None) -> tuple[DocumentRecord, Classification | None]:
    """One JSON object → a record (and its classification if the line gives one)."""
    if not isinstance(data, dict):
        raise LineError(f"expected a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise LineError(
            f"unknown key(s) {', '.join(unknown)} (expected {', '.join(EXTRACT_KEYS + OPTIONAL_KEYS)})"
        )
    url = _text(data, "url")
    if not url:
        raise LineError("url: missing")
    site = _text(data, "site") or default_site
    if not site:
        raise LineError("site: missing (give it in the line or with --site)")
    if not SITE_NAME.match(site):
        raise LineError(f"site: {site!r} is not a valid site name (lowercase letters, digits, - and _)")
    # The printed values go through the extractor's normaliser: a value means the same whether
    # it was crawled or imported (dates, 公开属性, 文号 and 索引号 defects).
    printed = {key: _printed(data, key) for key in PRINTED_FIELDS}
    normalised = normalise_printed(printed)
    if normalised.not_dates:
        key = normalised.not_dates[0]
        raise LineError(f"{key}: {printed[key]!r} is not a date (use YYYY-MM-DD)")
    values = normalised.values
    sources = {
        key: FieldSource(stage="import", raw=printed[key])
        for key in PRINTED_FIELDS
        if values.get(key) is not None or (key == "disclosure" and normalised.disclosure_raw)
    }
    derived = derived_fields(
        values["doc_no"],
        values["index_no"],
        values["written_date"],
        values["published_date"],
        values["topic"],
    )
    try:
        record = DocumentRecord(
            url=url,
            site=site,
            column=_text(data, "column"),
            disclosure_raw=normalised.disclosure_raw,
            links=[_link(item) for item in _list(data, "links")],
            is_interpretation=bool(data.get("is_interpretation", False)),
            interprets=[_interprets(item) for item in _list(data, "interprets")],
            sources=sources,
            **values,
            **derived,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise LineError(f"{where}: {first['msg']}") from None
    return record, _classification(data)


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise LineError(f"{key}: expected a list, got {type(value).__name__}")
    return value


def _link(item: Any) -> Link:
    if isinstance(item, str):
        return Link(url=item, kind="interpretation")
    if not isinstance(item, dict) or "url" not in item:
        raise LineError("links: each link needs a url")
    return Link.model_validate(item)


def _interprets(item: Any) -> InterpretedPolicy:
    if isinstance(item, str):  # a title or a 文号
        checked = check_doc_no(item)
        return (
            InterpretedPolicy(doc_no=item)
            if checked.normalized and not checked.defects
            else InterpretedPolicy(title=item)
        )
    if not isinstance(item, dict):
        raise LineError("interprets: each entry is a title, a 文号 or {title, doc_no, url}")
    return InterpretedPolicy.model_validate(item)


def _classification(data: dict[str, Any]) -> Classification | None:
    given = data.get("classification")
    short = {k: data[k] for k in CLASSIFICATION_KEYS if k in data}
    if given is None and not short:
        return None
    payload = {**(given or {}), **short}
    try:
        return Classification.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise LineError(f"classification.{'.'.join(str(p) for p in first['loc'])}: {first['msg']}") from None


def read_lines(path: Path) -> Iterator[tuple[int, str | UnicodeDecodeError]]:
    """(line number, text) per line; a line that is not UTF-8 comes as its decoding error."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise GongkaiError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise GongkaiError(f"{path}: is a folder, not a file") from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, exc


def import_documents(
    store: Store,
    path: str | Path,
    *,
    default_site: str | None = None,
    batch_size: int = 1000,
    on_error: Callable[[str], None] | None = None,
) -> ImportResult:
    """Import a JSON-lines file; returns counts and the error lines (also passed to ``on_error``)."""
    path = Path(path)
    result = ImportResult()
    pending: list[tuple[DocumentRecord, Classification | None]] = []

    def flush() -> None:
        if not pending:
            return
        saves = store.save_documents([record for record, _ in pending])
        for save in saves:
            setattr(result, save.status, getattr(result, save.status) + 1)
        missing = [i for i, (_, given) in enumerate(pending) if given is None]
        computed = classify_records([pending[i][0] for i in missing]) if missing else []
        by_index = dict(zip(missing, computed, strict=True))
        store.save_classifications(
            (save.document_id, given if given is not None else by_index[i])
            for i, (save, (_, given)) in enumerate(zip(saves, pending, strict=True))
        )
        result.classified += len(missing)
        pending.clear()

    for number, line in read_lines(path):
        if isinstance(line, UnicodeDecodeError):
            result.read += 1
            _report(result, on_error, f"{path}:{number}: not UTF-8 text ({line.reason} at byte {line.start})")
            continue
        if not line.strip():
            continue
        result.read += 1
        try:
            data = json.loads(line)
            pending.append(record_from_line(data, default_site))
        except json.JSONDecodeError as exc:
            _report(result, on_error, f"{path}:{number}: not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:
            _report(result, on_error, f"{path}:{number}: JSON nested too deeply")
            continue
        except LineError as exc:
            _report(result, on_error, f"{path}:{number}: {exc}")
            continue
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            _report(result, on_error, f"{path}:{number}: {where}: {first['msg']}")
            continue
        except (TypeError, ValueError, AttributeError) as exc:
            # A wrongly typed value that slipped past the checks: this line only, named.
            _report(result, on_error, f"{path}:{number}: bad value ({type(exc).__name__}: {str(exc)[:200]})")
            continue
        if len(pending) >= batch_size:
            flush()
    flush()
    return result


def _report(result: ImportResult, on_error: Callable[[str], None] | None, message: str) -> None:
    result.errors.append(message)
    if on_error:
        on_error(message)
