"""gongkai classifiers."""
