"""Where the classifiers find their inputs and keep their outputs.

Everything is a project path or one the user names: models are loaded with joblib, which runs
code on load, so they are only ever read from these trusted folders.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Seed vocabularies, weak-labelling rules and user dictionaries written for the project.
RESOURCES = PROJECT_ROOT / "corpus" / "classifiers"
#: Trained models and their cards (the binaries are derived from the real data and not committed).
DEFAULT_MODEL_DIR = PROJECT_ROOT / "corpus" / "models"
#: The real data beside every checkout, read in place.
DEFAULT_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"
BASELINE_FILE = PROJECT_ROOT / "corpus" / "eval" / "classify_baseline.json"


def model_dir() -> Path:
    """``GONGKAI_MODELS`` if set, else ``corpus/models`` in the project."""
    return Path(os.environ.get("GONGKAI_MODELS") or DEFAULT_MODEL_DIR)


def data_dir() -> Path:
    """``GONGKAI_DATA`` if set, else ``../shared/data`` beside the project."""
    return Path(os.environ.get("GONGKAI_DATA") or DEFAULT_DATA_DIR)


def cache_dir() -> Path:
    """A project cache (jieba's dictionary cache); never the system temp dir, which jieba trusts blindly."""
    path = Path(os.environ.get("GONGKAI_CACHE") or (PROJECT_ROOT / ".cache"))
    path.mkdir(parents=True, exist_ok=True)
    return path
