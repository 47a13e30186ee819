"""gongkai classifiers: topic (主题分类), the 26 standard domains, document type, needs 解读."""

from gongkai.classifiers.api import ClassifierInput, classify_inputs, classify_records

__all__ = ["ClassifierInput", "classify_inputs", "classify_records"]
