"""Assemble the training and evaluation sets from the real data, with weak labels where none exist."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from gongkai.classifiers.data import (
    DataFiles,
    DevTitle,
    LabelledTitle,
    evaluation_keys,
    is_check_source,
    is_topic_eval,
    leaks,
    read_catalog,
    read_dev,
    read_govcn,
    read_govcn_pages,
    read_hebei,
    read_titles,
)
from gongkai.classifiers.labels import OTHER_DOMAIN
from gongkai.classifiers.text import title_key
from gongkai.classifiers.titles import parse_title
from gongkai.classifiers.weak import doc_type_rule, domain_vote, needs_interpretation_rule


@dataclass
class TrainingCorpus:
    files: DataFiles
    #: Titles with a full set of (weak or given) labels for domain, doc_type and needs 解读.
    pool: list[LabelledTitle]
    #: Extra labelled texts for the domain model only (catalog item names).
    domain_extra: list[LabelledTitle]
    topic_train: list[LabelledTitle]
    topic_eval: list[LabelledTitle]
    dev: list[DevTitle]
    #: Rows dropped from training because their title is an evaluation title.
    leaked: int

    def label_counts(self) -> dict[str, dict[str, int]]:
        return {
            "topic_train": dict(Counter(t.topic or "" for t in self.topic_train).most_common()),
            "domain": dict(Counter(t.domain or "" for t in self.pool + self.domain_extra).most_common()),
            "doc_type": dict(Counter(t.doc_type or "" for t in self.pool).most_common()),
            "needs_interpretation": dict(
                Counter(str(t.needs_interpretation) for t in self.pool).most_common()
            ),
        }


def weak_label(item: LabelledTitle) -> LabelledTitle:
    """Fill the labels the source does not give from the documented rules (classifiers.weak)."""
    parts = parse_title(item.title)
    doc_type = item.doc_type or doc_type_rule(item.title, parts)
    domain = item.domain or domain_vote(item.title).domain
    needs = item.needs_interpretation
    if needs is None:
        needs = needs_interpretation_rule(item.title, doc_type, item.doc_no, parts)
    return replace(item, doc_type=doc_type, domain=domain, needs_interpretation=needs)


@dataclass
class TopicRows:
    """The topic task's labelled rows: what trains, the gov.cn hold-out, and the leaks dropped."""

    train: list[LabelledTitle]
    held_out: list[LabelledTitle]
    dev: list[DevTitle]
    keys: set[str]
    leaked: int


def topic_rows(files: DataFiles, hebei: list[LabelledTitle] | None = None) -> TopicRows:
    """Topic rows only (seconds): what ``build_corpus`` uses, and what a cheap retraining check needs."""
    dev = read_dev(files)
    govcn = read_govcn(files)
    hebei = read_hebei(files) if hebei is None else hebei
    topic_eval = [item for item, url in govcn if item.topic and not item.doc_type and is_topic_eval(url)]
    keys = evaluation_keys(dev, topic_eval)
    leaked = 0

    topic_train: list[LabelledTitle] = []
    for item, url in govcn:
        if item.topic and not item.doc_type and not is_topic_eval(url):
            if leaks(item.title, keys):
                leaked += 1
                continue
            topic_train.append(item)
    # The gov.cn detail pages carry the same 主题分类; some are also library rows (kept once).
    known = {title_key(t.title) for t in topic_train}
    for item, _url in read_govcn_pages(files):
        if leaks(item.title, keys):
            leaked += 1
        elif title_key(item.title) not in known:
            known.add(title_key(item.title))
            topic_train.append(item)
    for item in hebei:
        if item.topic:
            if leaks(item.title, keys):
                leaked += 1
                continue
            topic_train.append(item)
    return TopicRows(topic_train, topic_eval, dev, keys, leaked)


def build_corpus(files: DataFiles) -> TrainingCorpus:
    hebei = read_hebei(files)
    topic = topic_rows(files, hebei)
    dev, keys, leaked = topic.dev, topic.keys, topic.leaked
    topic_train, topic_eval = topic.train, topic.held_out
    govcn = read_govcn(files)
    titles = read_titles(files)
    catalog = read_catalog(files)

    pool: list[LabelledTitle] = []
    seen: set[str] = set()
    # gov.cn rows first: they carry publisher and 文号, which the duplicates elsewhere lack.
    # The check sources' titles never train (classifiers.data.is_check_source).
    titles = [t for t in titles if not is_check_source(t.source.removeprefix("titles:"))]
    candidates = [item for item, url in govcn if not (item.topic and is_topic_eval(url))] + hebei + titles
    for item in candidates:
        key = title_key(item.title)
        if key in seen or len(key) < 4:
            continue
        seen.add(key)
        if leaks(item.title, keys):
            leaked += 1
            continue
        pool.append(weak_label(item))
    domain_extra = [replace(c, domain=c.domain or OTHER_DOMAIN) for c in catalog]
    return TrainingCorpus(files, pool, domain_extra, topic_train, topic_eval, dev, leaked)
