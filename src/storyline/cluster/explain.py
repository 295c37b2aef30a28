"""Why two articles are (not) one story: the features, each one's contribution and the score."""

from __future__ import annotations

from dataclasses import dataclass

from storyline.cluster.features import (
    FEATURES,
    ArticleFeatures,
    DocFreq,
    ScoreModel,
    pair_features,
    profile,
    shared_keys,
)


@dataclass(frozen=True, slots=True)
class Explanation:
    a: str
    b: str
    model: str
    features: dict[str, float]
    contributions: dict[str, float]  # weight x value, per feature
    bias: float
    probability: float
    threshold: float
    together: bool
    shared: list[tuple[str, float]]  # keys that drive the similarity, with their share of it


def explain(
    a: ArticleFeatures, b: ArticleFeatures, idf: DocFreq, model: ScoreModel,
    arrivals: tuple[int, int] | None = None,
) -> Explanation:
    """``arrivals``: the two articles' positions in the stream, which undated articles are compared by."""
    first, second = arrivals if arrivals is not None else (None, None)
    pa, pb = profile(a, idf, first), profile(b, idf, second)
    feats = pair_features(pa, pb)
    probability = model.probability(feats)
    return Explanation(
        a=a.id,
        b=b.id,
        model=model.name,
        features={k: round(feats[k], 4) for k in FEATURES},
        contributions={k: round(model.weights.get(k, 0.0) * feats[k], 4) for k in FEATURES},
        bias=model.bias,
        probability=round(probability, 4),
        threshold=model.join_threshold,
        together=probability >= model.join_threshold,
        shared=shared_keys(pa, pb),
    )
