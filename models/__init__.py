"""gongkai's typed contract: the records every stage speaks, and the store that keeps them."""

from gongkai.models.errors import ConfigError, GongkaiError, StoreError
from gongkai.models.records import (
    DISCLOSURE_VALUES,
    METADATA_FIELDS,
    Attachment,
    Classification,
    ColumnConfig,
    CrawlPolicy,
    DocumentRecord,
    Evidence,
    FetchedPage,
    FieldSource,
    Finding,
    InterpretedPolicy,
    Link,
    SiteColumn,
    SiteConfig,
    SiteHints,
)

__all__ = [
    "DISCLOSURE_VALUES",
    "METADATA_FIELDS",
    "Attachment",
    "Classification",
    "ColumnConfig",
    "ConfigError",
    "CrawlPolicy",
    "DocumentRecord",
    "Evidence",
    "FetchedPage",
    "FieldSource",
    "Finding",
    "GongkaiError",
    "InterpretedPolicy",
    "Link",
    "SiteColumn",
    "SiteConfig",
    "SiteHints",
    "StoreError",
]
