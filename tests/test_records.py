"""The typed contract: unknown fields are rejected, hashes track content, configs validate."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from gongkai.models import Classification, DocumentRecord, FetchedPage, Finding, SiteConfig
from gongkai.models.records import METADATA_FIELDS
from pydantic import ValidationError


def test_every_record_rejects_unknown_fields() -> None:
    with pytest.raises(ValidationError, match="extra"):
        DocumentRecord(url="http://a/1", titel="typo")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Classification(domain="就业", colour="red")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Finding(rule_id="x", subject="s", detail="d", legal_basis="b", oops=1)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        FetchedPage(url="u", final_url="u", status=200, fetched_at=datetime.now(UTC), body=b"")  # type: ignore[call-arg]


def test_assignment_is_validated() -> None:
    record = DocumentRecord(url="http://a/1")
    with pytest.raises(ValidationError):
        record.disclosure = "公开"  # type: ignore[assignment]
    record.written_date = "2020-09-15"  # type: ignore[assignment]
    assert record.written_date == date(2020, 9, 15)


def test_metadata_has_the_nine_fields_in_order_with_iso_dates() -> None:
    record = DocumentRecord(url="u", title="关于…的通知", written_date=date(2020, 9, 15))
    meta = record.metadata()
    assert tuple(meta) == METADATA_FIELDS
    assert meta["written_date"] == "2020-09-15"
    assert meta["doc_no"] is None


def test_content_hash_ignores_when_and_how_it_was_fetched() -> None:
    a = DocumentRecord(url="u", title="t", fetched_at=datetime(2025, 1, 1, tzinfo=UTC), page_sha256="a" * 64)
    b = DocumentRecord(url="u", title="t", fetched_at=datetime(2025, 2, 1, tzinfo=UTC), page_sha256="b" * 64)
    c = DocumentRecord(url="u", title="t2")
    assert a.content_hash() == b.content_hash()
    assert a.content_hash() != c.content_hash()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Has Spaces"),
        ("start_urls", []),
        ("start_urls", ["ftp://127.0.0.1/x"]),
        ("delay_seconds", -1),
        ("max_pages", 0),
    ],
)
def test_site_config_rejects_bad_values(field: str, value: object) -> None:
    data = {
        "name": "hongshan",
        "start_urls": ["http://127.0.0.1:8801/xxgk/"],
        "allowed_hosts": ["127.0.0.1:8801"],
    }
    SiteConfig.model_validate(data)
    with pytest.raises(ValidationError):
        SiteConfig.model_validate({**data, field: value})
