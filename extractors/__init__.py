"""gongkai extractors."""
