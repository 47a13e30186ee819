"""gongkai flows."""
