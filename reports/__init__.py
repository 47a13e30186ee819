"""gongkai reports."""
