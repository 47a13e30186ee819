"""Text normalisation and the jieba tokenizer the models use.

The tokenizer is a module-level function so that fitted pipelines pickle; the jieba dictionary is
loaded once per process, with its cache in the project cache folder and its logging quiet.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata

import jieba
from gongkai.classifiers.paths import RESOURCES, cache_dir

USER_DICT = RESOURCES / "userdict.txt"

_WHITESPACE = re.compile(r"[\s\u3000\u00a0\u2002\u2003]+")
_TITLE_NOISE = re.compile(
    r"[\s\u3000\u00a0\"'“”‘’「」『』·•…\.。,，:：;；!！?？\-—–_/\\|()（）\[\]【】〔〕<>〈〉《》]"
)

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def normalise(text: str | None) -> str:
    """NFKC (full-width digits and brackets to ASCII), whitespace runs collapsed, ends trimmed."""
    if not text:
        return ""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def title_key(title: str | None) -> str:
    """A key under which the same title from two sources compares equal (dedupe, leakage checks)."""
    return _TITLE_NOISE.sub("", normalise(title)).lower()


def tokenizer() -> jieba.Tokenizer:
    """The process-wide jieba tokenizer with the project's user dictionary (loaded on first use)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.tmp_dir = str(cache_dir())
                tok.initialize()
                if USER_DICT.exists():
                    tok.load_userdict(str(USER_DICT))
                _tokenizer = tok
    return _tokenizer


def jieba_words(text: str) -> list[str]:
    """Word tokens without HMM guessing (stable across runs), no whitespace/punctuation-only tokens."""
    return [w for w in tokenizer().lcut(text, HMM=False) if w.strip() and not _TITLE_NOISE.fullmatch(w)]


def split_tokens(text: str) -> list[str]:
    """Space-separated feature tokens (built by our own feature functions)."""
    return text.split()
