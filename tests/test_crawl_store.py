"""What the crawler writes through the store: columns (栏目) on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime

from gongkai.models.records import SiteColumn
from gongkai.models.store import Store


def test_save_columns_upserts_per_site_and_url(store: Store) -> None:
    checked = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    columns = [
        SiteColumn(url="http://127.0.0.1:8801/xxgk/zcwj/", name="政策文件", kind="policy", item_count=12,
                   latest_item_date=date(2026, 10, 9), checked_at=checked),
        SiteColumn(url="http://127.0.0.1:8801/xxgk/gzdt/", name="工作动态", kind="news", item_count=0),
    ]  # fmt: skip
    assert store.save_columns("town", columns) == 2
    assert store.save_columns("other", columns[:1]) == 1
    stored = store.list_columns("town")
    assert [c.url for c in stored] == sorted(c.url for c in columns)
    policy = next(c for c in stored if c.kind == "policy")
    assert (policy.name, policy.item_count, policy.latest_item_date, policy.checked_at) == (
        "政策文件", 12, date(2026, 10, 9), checked,
    )  # fmt: skip
    empty = next(c for c in stored if c.kind == "news")
    assert empty.item_count == 0 and empty.latest_item_date is None and empty.checked_at is not None
    # a later crawl updates the same row
    store.save_columns("town", [columns[0].model_copy(update={"item_count": 13, "latest_item_date": None})])
    again = {c.url: c for c in store.list_columns("town")}
    assert len(again) == 2 and again[columns[0].url].item_count == 13
    assert again[columns[0].url].latest_item_date is None
    assert len(store.list_columns()) == 3 and len(store.list_columns("other")) == 1
