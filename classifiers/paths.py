"""Where the classifiers find their inputs and keep their outputs.

Everything is a project path or one the user names. Trained models are JSON + NPZ
(:mod:`classifiers.portable`): loading them runs no code, so they ship inside the package.
"""

from __future__ import annotations

import os
from pathlib import Path

from gongkai.resources import checkout_root, corpus_path
from gongkai.resources import data_dir as real_data_dir

#: Seed vocabularies, weak-labelling rules and user dictionaries written for the project.
RESOURCES = corpus_path("classifiers")
#: Trained models and their cards (shipped: made from the real data, described by their cards).
DEFAULT_MODEL_DIR = corpus_path("models")
BASELINE_FILE = corpus_path("eval", "classify_baseline.json")


def model_dir() -> Path:
    """``GONGKAI_MODELS`` if set, else ``corpus/models`` in the project."""
    return Path(os.environ.get("GONGKAI_MODELS") or DEFAULT_MODEL_DIR)


def data_dir() -> Path:
    """``GONGKAI_DATA`` if set, else ``../shared/data`` beside the checkout (which may not exist)."""
    return real_data_dir()


def cache_dir() -> Path:
    """A project cache (jieba's dictionary cache); never the system temp dir, which jieba trusts blindly."""
    root = checkout_root()
    default = root / ".cache" if root else Path.home() / ".cache" / "gongkai"
    path = Path(os.environ.get("GONGKAI_CACHE") or default)
    path.mkdir(parents=True, exist_ok=True)
    return path
