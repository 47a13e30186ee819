"""Where the package's own files are: one place decides, for a checkout and an installed wheel alike.

Everything a command reads at run time is package data of ``gongkai.corpus`` and is found through
:mod:`importlib.resources`, never by a path relative to a checkout. Wheels install unpacked, so
the traversable is a real folder and plain :class:`~pathlib.Path` operations work on it.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path


def corpus_path(*parts: str) -> Path:
    """A file or folder of the package's ``corpus`` data (``corpus_path("reports", "weights.yaml")``)."""
    return Path(str(files("gongkai.corpus"))).joinpath(*parts)


def checkout_root() -> Path | None:
    """The repository root when running from a checkout (an editable install), else None.

    Only defaults that make sense beside a checkout use it (``../shared/data`` for training and
    evaluation); nothing the installed package needs to run depends on it.
    """
    root = corpus_path().parent
    return root if (root / "pyproject.toml").is_file() else None


def data_dir() -> Path:
    """The real data folder (training, evaluation, refreshing the demo facts): ``GONGKAI_DATA``
    (or the older ``GONGKAI_SHARED_DATA``), else ``../shared/data`` beside a checkout, else
    ``./shared/data``. It may not exist: callers that need it say so in one line."""
    configured = os.environ.get("GONGKAI_DATA") or os.environ.get("GONGKAI_SHARED_DATA")
    if configured:
        return Path(configured)
    root = checkout_root()
    return (root.parent if root else Path.cwd()) / "shared" / "data"
