"""gongkai extractors: pure functions ``bytes + url → DocumentRecord`` (no network, no database)."""

from extractors.document import extract

__all__ = ["extract"]
