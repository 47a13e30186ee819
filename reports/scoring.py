"""The assessment score: a documented weighting of the indicators. The default weights are the
rules' own (``Rule.weight``); ``corpus/reports/weights.yaml`` writes them out as a file to copy.

Every point deducted belongs to a finding. For a share indicator, each failing document's
findings share ``weight / eligible`` points; for a counted indicator each finding deducts its
``points`` until the indicator's weight is used up. The deductions are then expressed on the
report's scale, so the score is ``scale − Σ deductions`` and each finding shows its own share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from gongkai.audits.rules import default_weights
from gongkai.models.errors import ConfigError
from gongkai.reports.indicators import BY_ID, Result
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gongkai.resources import corpus_path

WEIGHTS_FILE = corpus_path("reports", "weights.yaml")
DISCLAIMER = (
    "权重说明：中国社会科学院政府透明度指数、清华大学政府网站绩效评估等第三方评估均未公布指标权重"
    "（公开数据无法反推唯一权重），国办秘函〔2019〕19号的扣分细则亦未取得。本报告采用 gongkai 默认权重"
    "（corpus/reports/weights.yaml，可替换），并非官方评分方案。"
)


class WeightSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weight: float = Field(ge=0)
    method: Literal["rate", "per_finding"]
    points: float = Field(default=1.0, gt=0)


class WeightsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scale: float = Field(default=100.0, gt=0)
    indicators: dict[str, WeightSpec]

    @model_validator(mode="after")
    def _known_indicators(self) -> WeightsConfig:
        unknown = sorted(set(self.indicators) - set(BY_ID))
        if unknown:
            raise ValueError(f"unknown indicator(s) {', '.join(unknown)}; known: {', '.join(BY_ID)}")
        for name, spec in self.indicators.items():
            counted = BY_ID[name].level != "document"
            if counted and spec.method != "per_finding":
                raise ValueError(f"{name} counts findings, its method must be per_finding")
            if not counted and spec.method != "rate":
                raise ValueError(f"{name} is a share of documents, its method must be rate")
        if sum(spec.weight for spec in self.indicators.values()) <= 0:
            raise ValueError("the weights add up to nothing")
        return self


_METHODS: dict[str, Literal["rate", "per_finding"]] = {
    "document": "rate",
    "column": "per_finding",
    "catalog": "per_finding",
}


def default_weights_config() -> WeightsConfig:
    """The default weights, as the rules carry them (``Rule.weight``, summed per indicator)."""
    return WeightsConfig(
        indicators={
            name: WeightSpec(
                weight=weight, method="rate" if BY_ID[name].level == "document" else "per_finding"
            )
            for name, weight in default_weights().items()
        }
    )


def load_weights(path: Path | None = None) -> WeightsConfig:
    """The weights of ``path`` (a file as ``corpus/reports/weights.yaml``), or the rules' defaults."""
    if path is None:
        return default_weights_config()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such weights file") from None
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the weights: {exc}") from None
    try:
        return WeightsConfig.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None


@dataclass
class IndicatorScore:
    indicator: str
    weight: float
    assessed: bool
    #: Points deducted on the report's scale.
    deduction: float
    #: finding id → points it deducts on the report's scale.
    per_finding: dict[int, float] = field(default_factory=dict)


@dataclass
class Score:
    scale: float
    score: float | None
    indicators: dict[str, IndicatorScore]
    #: Indicators left out because nothing was assessed (their weight is redistributed).
    not_assessed: list[str]

    def deduction_of(self, finding_id: int) -> float:
        return sum(s.per_finding.get(finding_id, 0.0) for s in self.indicators.values())


def score(results: dict[str, Result], weights: WeightsConfig, only: set[str] | None = None) -> Score:
    """Score one scope from its indicator results (``only``: the indicators to use, e.g. documents)."""
    assessed_weight = 0.0
    raw: dict[str, tuple[WeightSpec, dict[int, float], bool]] = {}
    for name, spec in weights.indicators.items():
        if only is not None and name not in only:
            continue
        result = results.get(name)
        if result is None:
            continue
        assessed = result.eligible > 0 if spec.method == "rate" else result.assessed
        per_finding: dict[int, float] = {}
        if assessed and spec.weight > 0:
            if spec.method == "rate" and result.finding_ids:
                # One finding per document and rule (docs/contracts.md), so each finding carries
                # weight / eligible; should a document ever carry several, they share its part.
                each = spec.weight * result.failing / result.eligible / len(result.finding_ids)
                per_finding = dict.fromkeys(result.finding_ids, each)
            elif spec.method == "per_finding":
                left = spec.weight
                for fid in result.finding_ids:
                    take = min(spec.points, left)
                    per_finding[fid] = take
                    left -= take
        if assessed:
            assessed_weight += spec.weight
        raw[name] = (spec, per_finding, assessed)
    if assessed_weight <= 0:
        return Score(weights.scale, None, {}, sorted(raw))
    factor = weights.scale / assessed_weight
    indicators = {}
    for name, (spec, per_finding, assessed) in raw.items():
        scaled = {fid: points * factor for fid, points in per_finding.items()}
        indicators[name] = IndicatorScore(name, spec.weight, assessed, sum(scaled.values()), scaled)
    total = weights.scale - sum(s.deduction for s in indicators.values())
    not_assessed = [name for name, (_, _, assessed) in raw.items() if not assessed]
    return Score(weights.scale, max(0.0, total), indicators, not_assessed)
