"""Trained models as data: vocabularies and coefficients in JSON + NPZ, rebuilt into predictors at load.

Loading executes no code from the files: JSON is parsed, arrays are read with
``np.load(..., allow_pickle=False)``, and the only callables a model can name (its preprocessors and
tokenizers) come from :data:`CALLABLES`, an allow-list of the project's own feature functions.

The layout (one folder, two files):

- ``classifiers.json``: per feature view its vectorizers (analyzer settings, the callables by
  name, the vocabulary in column order, whether an idf vector exists) and weights; per model its
  feature view, classes and sigmoid calibrators;
- ``classifiers.npz``: the idf vectors and the models' sparse coefficients (CSR parts, the
  values as float16 and the column indices delta-coded per row, which compresses three times
  better) and intercepts. The figures in the card are measured on the models as stored here.

:func:`export` turns fitted scikit-learn pipelines (``FeatureUnion`` of ``TfidfVectorizer`` s,
then ``CalibratedClassifierCV`` over a linear model with sigmoid calibration) into that form;
:func:`rebuild` gives objects with the same ``transform`` / ``predict_proba`` / ``classes_``.
A test checks that the rebuilt predictor gives the fitted pipeline's probabilities.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from gongkai.classifiers import features as _features
from gongkai.classifiers import text as _text
from gongkai.classifiers import topic_features as _topic_features
from scipy import sparse
from scipy.special import expit
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

SPEC = "classifiers.json"
ARRAYS = "classifiers.npz"
PORTABLE_FORMAT = 1

#: The only functions a stored model may name. Anything else in a spec is refused.
CALLABLES: dict[str, Callable[..., Any]] = {
    "row_title": _features.row_title,
    "structure_tokens": _features.structure_tokens,
    "jieba_words": _text.jieba_words,
    "split_tokens": _text.split_tokens,
    "row_subject": _topic_features.row_subject,
    "row_agency_tokens": _topic_features.row_agency_tokens,
    "topic_lexicon_tokens": _topic_features.topic_lexicon_tokens,
}
_NAMES = {id(function): name for name, function in CALLABLES.items()}
#: Vectorizer settings carried over as plain values (everything else must be at its default).
_PLAIN = ("analyzer", "ngram_range", "lowercase", "token_pattern", "binary")
_TFIDF = ("norm", "use_idf", "sublinear_tf")


class PortableFormatError(ValueError):
    """A stored model names something outside the allow-list or is inconsistent."""


@dataclass
class Vectorizer:
    counts: CountVectorizer
    idf: np.ndarray | None
    norm: str | None
    sublinear_tf: bool

    def transform(self, rows: Sequence[Any]) -> sparse.csr_matrix:
        x = self.counts.transform(rows).astype(np.float32)
        if self.sublinear_tf:
            np.log(x.data, x.data)
            x.data += 1.0
        if self.idf is not None:
            x = x @ sparse.diags(self.idf.astype(np.float32))
        if self.norm:
            x = normalize(x, norm=self.norm, copy=False)
        return sparse.csr_matrix(x, dtype=np.float32)


@dataclass
class FeatureView:
    parts: list[tuple[str, Vectorizer, float]]

    def transform(self, rows: Sequence[Any]) -> sparse.csr_matrix:
        blocks = []
        for _name, vectorizer, weight in self.parts:
            block = vectorizer.transform(rows)
            blocks.append(block * np.float32(weight) if weight != 1.0 else block)
        return sparse.hstack(blocks, format="csr", dtype=np.float32)


@dataclass
class LinearMember:
    coef: sparse.csr_matrix  # (k or 1, n_features)
    intercept: np.ndarray
    #: Per decision column (class index it calibrates, a, b): p = expit(-(a·d + b)).
    calibrators: list[tuple[int, float, float]]


@dataclass
class CalibratedLinear:
    """``CalibratedClassifierCV(method="sigmoid")`` over linear models, as numbers."""

    classes_: np.ndarray
    members: list[LinearMember]

    def predict_proba(self, x: sparse.csr_matrix) -> np.ndarray:
        n, k = x.shape[0], len(self.classes_)
        total = np.zeros((n, k), dtype=np.float64)
        for member in self.members:
            decision = np.asarray((x @ member.coef.T).todense(), dtype=np.float64) + member.intercept
            proba = np.zeros((n, k), dtype=np.float64)
            for column, (index, a, b) in enumerate(member.calibrators):
                proba[:, index] = expit(-(a * decision[:, column] + b))
            if k == 2:
                proba[:, 0] = 1.0 - proba[:, 1]
            else:
                denominator = proba.sum(axis=1, keepdims=True)
                uniform = np.full_like(proba, 1.0 / k)
                proba = np.divide(proba, denominator, out=uniform, where=denominator != 0)
            proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
            total += proba
        return total / len(self.members)

    def predict(self, x: sparse.csr_matrix) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(x), axis=1)]


@dataclass
class PortablePipeline:
    """What :mod:`classifiers.predict` needs of a pipeline: ``named_steps`` features and model."""

    named_steps: dict[str, Any]

    def predict_proba(self, rows: Sequence[Any]) -> np.ndarray:
        return self.named_steps["model"].predict_proba(self.named_steps["features"].transform(list(rows)))  # type: ignore[no-any-return]

    def predict(self, rows: Sequence[Any]) -> np.ndarray:
        return self.named_steps["model"].predict(self.named_steps["features"].transform(list(rows)))  # type: ignore[no-any-return]


# --- export ------------------------------------------------------------------------------------


def _callable_name(function: Any) -> str | None:
    if function is None:
        return None
    name = _NAMES.get(id(function))
    if name is None:
        raise PortableFormatError(f"{function!r} is not an allow-listed feature function")
    return name


def _export_vectorizer(vec: Any, key: str, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    params = vec.get_params()
    if callable(params["analyzer"]):
        raise PortableFormatError("callable analyzers cannot be stored")
    if params.get("max_features") is not None:
        # scikit-learn's own cut breaks ties by the CPU's sort: fix it with classifiers.vocabulary.
        raise PortableFormatError(
            "a max_features cut must be made by classifiers.vocabulary.fixed_vocabulary"
        )
    spec: dict[str, Any] = {p: params[p] for p in _PLAIN}
    spec["ngram_range"] = list(params["ngram_range"])
    spec.update({p: params[p] for p in _TFIDF})
    spec["preprocessor"] = _callable_name(params["preprocessor"])
    spec["tokenizer"] = _callable_name(params["tokenizer"])
    terms = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
    spec["vocabulary"] = terms
    if params["use_idf"]:
        arrays[f"{key}.idf"] = np.asarray(vec.idf_, dtype=np.float32)
    return spec


def _export_view(union: Any, key: str, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    weights = union.transformer_weights or {}
    parts = []
    for name, vec in union.transformer_list:
        parts.append(
            {
                "name": name,
                "weight": float(weights.get(name, 1.0)),
                "vectorizer": _export_vectorizer(vec, f"{key}.{name}", arrays),
            }
        )
    return {"parts": parts}


def _export_model(model: Any, key: str, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    """A fitted :class:`classifiers.modeling.OutOfFoldSigmoid` as numbers."""
    classes = [str(c) for c in model.classes_]
    coef = sparse.csr_matrix(model.estimator_.coef_, dtype=np.float32)
    coef.eliminate_zeros()
    coef.sort_indices()
    prefix = f"{key}.m0"
    arrays[f"{prefix}.data"] = coef.data.astype(np.float16)
    arrays[f"{prefix}.indices"] = _delta_encode(coef.indices, coef.indptr)
    arrays[f"{prefix}.indptr"] = coef.indptr.astype(np.int64)
    arrays[f"{prefix}.intercept"] = np.asarray(model.estimator_.intercept_, dtype=np.float64)
    calibrators = [[int(i), float(a), float(b)] for i, a, b in model.calibrators_]
    return {"classes": classes, "members": [{"shape": list(coef.shape), "calibrators": calibrators}]}


def _delta_encode(indices: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Sorted column indices as differences within each row (each row's first index as is)."""
    out = indices.astype(np.int64).copy()
    out[1:] = np.diff(out)
    starts = indptr[:-1][np.diff(indptr) > 0]
    out[starts] = indices[starts]
    return out.astype(np.uint32)


def _delta_decode(deltas: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    total = np.cumsum(deltas.astype(np.int64))
    lengths = np.diff(indptr)
    before = np.where(indptr[:-1] > 0, total[np.maximum(indptr[:-1] - 1, 0)] if len(total) else 0, 0)
    return (total - np.repeat(before, lengths)).astype(np.int32)


def export(pipelines: dict[str, Any]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(spec, arrays) for fitted pipelines; heads sharing a feature union share one view."""
    arrays: dict[str, np.ndarray] = {}
    views: dict[int, str] = {}
    spec: dict[str, Any] = {"format": PORTABLE_FORMAT, "views": {}, "models": {}}
    for name, pipeline in pipelines.items():
        union = pipeline.named_steps["features"]
        if id(union) not in views:
            view_key = f"view{len(views)}"
            views[id(union)] = view_key
            spec["views"][view_key] = _export_view(union, view_key, arrays)
        model_spec = _export_model(pipeline.named_steps["model"], f"model.{name}", arrays)
        model_spec["view"] = views[id(union)]
        spec["models"][name] = model_spec
    return spec, arrays


def write(folder: Path, pipelines: dict[str, Any]) -> list[Path]:
    spec, arrays = export(pipelines)
    folder.mkdir(parents=True, exist_ok=True)
    spec_path, arrays_path = folder / SPEC, folder / ARRAYS
    spec_path.write_text(json.dumps(spec, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    np.savez_compressed(arrays_path, **arrays)  # type: ignore[arg-type]
    return [spec_path, arrays_path]


# --- load --------------------------------------------------------------------------------------


def _resolve(name: Any) -> Callable[..., Any] | None:
    if name is None:
        return None
    if not isinstance(name, str) or name not in CALLABLES:
        raise PortableFormatError(f"stored model names an unknown function {name!r}")
    return CALLABLES[name]


def _rebuild_vectorizer(spec: dict[str, Any], key: str, arrays: Any) -> Vectorizer:
    analyzer = spec["analyzer"]
    if analyzer not in ("word", "char", "char_wb"):
        raise PortableFormatError(f"{key}: unknown analyzer {analyzer!r}")
    terms = spec["vocabulary"]
    counts = CountVectorizer(
        analyzer=analyzer,
        ngram_range=tuple(spec["ngram_range"]),
        lowercase=bool(spec["lowercase"]),
        token_pattern=spec["token_pattern"],
        binary=bool(spec["binary"]),
        preprocessor=_resolve(spec["preprocessor"]),
        tokenizer=_resolve(spec["tokenizer"]),
        vocabulary={term: i for i, term in enumerate(terms)},
        dtype=np.float32,
    )
    idf = None
    if spec["use_idf"]:
        idf = np.asarray(arrays[f"{key}.idf"], dtype=np.float32)
        if idf.shape != (len(terms),):
            raise PortableFormatError(f"{key}: idf does not match the vocabulary")
    norm = spec["norm"]
    if norm not in (None, "l1", "l2"):
        raise PortableFormatError(f"{key}: unknown norm {norm!r}")
    return Vectorizer(counts, idf, norm, bool(spec["sublinear_tf"]))


def rebuild(spec: dict[str, Any], arrays: Any) -> dict[str, PortablePipeline]:
    if spec.get("format") != PORTABLE_FORMAT:
        raise PortableFormatError(f"unknown portable model format {spec.get('format')!r}")
    views: dict[str, tuple[FeatureView, int]] = {}
    for key, view in spec["views"].items():
        parts = [
            (
                part["name"],
                _rebuild_vectorizer(part["vectorizer"], f"{key}.{part['name']}", arrays),
                float(part["weight"]),
            )
            for part in view["parts"]
        ]
        width = sum(len(part["vectorizer"]["vocabulary"]) for part in view["parts"])
        views[key] = (FeatureView(parts), width)
    out: dict[str, PortablePipeline] = {}
    for name, model in spec["models"].items():
        view, width = views[model["view"]]
        key = f"model.{name}"
        members = []
        for m, member in enumerate(model["members"]):
            prefix = f"{key}.m{m}"
            shape = tuple(member["shape"])
            if shape[1] != width:
                raise PortableFormatError(f"{key}: coefficients do not match the feature view")
            indptr = np.asarray(arrays[f"{prefix}.indptr"], dtype=np.int64)
            indices = _delta_decode(np.asarray(arrays[f"{prefix}.indices"]), indptr)
            if len(indices) and (indices.min() < 0 or indices.max() >= width):
                raise PortableFormatError(f"{key}: coefficient indices out of range")
            data = np.asarray(arrays[f"{prefix}.data"], dtype=np.float32)
            coef = sparse.csr_matrix((data, indices, indptr), shape=shape)
            calibrators = [(int(i), float(a), float(b)) for i, a, b in member["calibrators"]]
            members.append(LinearMember(coef, np.asarray(arrays[f"{prefix}.intercept"]), calibrators))
        classifier = CalibratedLinear(np.asarray(model["classes"], dtype=object), members)
        out[name] = PortablePipeline({"features": view, "model": classifier})
    return out


def read(folder: Path) -> dict[str, PortablePipeline]:
    """Rebuild the predictors stored in ``folder`` (JSON + NPZ; nothing is unpickled)."""
    spec = json.loads((folder / SPEC).read_text(encoding="utf-8"))
    with np.load(folder / ARRAYS, allow_pickle=False) as arrays:
        loaded = {key: arrays[key] for key in arrays.files}
    return rebuild(spec, loaded)
