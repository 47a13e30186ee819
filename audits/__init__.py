"""gongkai audits."""
