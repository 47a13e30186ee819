"""gongkai crawler."""
