"""spaCy entity patterns over document text: 文号, 《…》 titles and agency names.

A blank ``zh`` pipeline (jieba segmenter, nothing downloaded) with one registered component
(``gongkai_doc_entities_v1``) that marks ``DOC_NO`` and ``QUOTED_TITLE`` spans by regular
expression on the text (jieba splits 文号 such as 青 | 政办发, so token patterns would miss
them) and ``AGENCY`` spans with a PhraseMatcher over the agency gazetteer in
``corpus/classifiers/agencies.txt``. The classifier uses them on body text: the 文号 printed under
the title when the metadata gave none.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

from gongkai.classifiers.paths import RESOURCES, cache_dir

AGENCIES = RESOURCES / "agencies.txt"
#: 发文机关代字 + 〔year〕 + number + 号 (brackets as printed, including the common wrong ones), or a 令.
DOC_NO_PATTERN = re.compile(
    r"[\u4e00-\u9fa5A-Za-z]{1,12}[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\d{1,5}\s*号"
    r"|[\u4e00-\u9fa5]{1,20}令第?\s*\d{1,4}\s*号"
)
QUOTED_PATTERN = re.compile(r"《[^《》\n]{2,80}》")

_lock = threading.Lock()
_nlp: Any = None


@dataclass(frozen=True)
class TextEntities:
    doc_nos: tuple[str, ...]
    quoted_titles: tuple[str, ...]
    agencies: tuple[str, ...]


def _register() -> None:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc, Span
    from spacy.util import filter_spans

    if "gongkai_doc_entities_v1" in Language.factories:
        return

    @Language.factory(
        "gongkai_doc_entities_v1",
        assigns=["doc.ents"],
        default_config={"agencies": []},
    )
    def make_doc_entities(nlp: Language, name: str, agencies: list[str]) -> Any:
        matcher = PhraseMatcher(nlp.vocab)
        if agencies:
            matcher.add("AGENCY", [nlp.make_doc(a) for a in agencies])

        def doc_entities(doc: Doc) -> Doc:
            spans = []
            for label, pattern in (("DOC_NO", DOC_NO_PATTERN), ("QUOTED_TITLE", QUOTED_PATTERN)):
                for match in pattern.finditer(doc.text):
                    span = doc.char_span(match.start(), match.end(), label=label, alignment_mode="expand")
                    if span is not None:
                        spans.append(span)
            for _, start, end in matcher(doc):
                spans.append(Span(doc, start, end, label="AGENCY"))
            doc.ents = filter_spans(spans)
            return doc

        return doc_entities


def pipeline() -> Any:
    """The blank Chinese pipeline with the entity component (built once per process)."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                import jieba
                import spacy

                jieba.setLogLevel(logging.WARNING)
                jieba.dt.tmp_dir = str(cache_dir())
                _register()
                nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
                agencies = []
                if AGENCIES.exists():
                    agencies = [
                        line.strip()
                        for line in AGENCIES.read_text(encoding="utf-8").splitlines()
                        if line.strip() and not line.startswith("#")
                    ]
                nlp.add_pipe("gongkai_doc_entities_v1", config={"agencies": agencies})
                _nlp = nlp
    return _nlp


def text_entities(texts: list[str], batch_size: int = 64) -> list[TextEntities]:
    out = []
    for doc in pipeline().pipe(texts, batch_size=batch_size):
        by_label: dict[str, list[str]] = {"DOC_NO": [], "QUOTED_TITLE": [], "AGENCY": []}
        for ent in doc.ents:
            by_label.setdefault(ent.label_, []).append(ent.text)
        out.append(
            TextEntities(
                doc_nos=tuple(by_label["DOC_NO"]),
                quoted_titles=tuple(t.strip("《》") for t in by_label["QUOTED_TITLE"]),
                agencies=tuple(dict.fromkeys(by_label["AGENCY"])),
            )
        )
    return out
