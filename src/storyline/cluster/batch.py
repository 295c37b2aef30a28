"""Batch clustering: a whole corpus at once, with the online decision function.

Document frequencies are fitted on the whole corpus, then the articles are fed to the
online clusterer in publication order (ties by id), so for dated articles the result does
not depend on the order of the input and equals an online run over that order. Undated
articles come last, in the order given: without timestamps the arrival order is the only
clock a stream has (a headline feed lists stories as they break), and sorting them by id
would scatter each story over the whole run.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Iterable

from storyline.cluster.features import ArticleFeatures, DocFreq, ScoreModel, article_features
from storyline.cluster.online import Decision, Merge, Move, OnlineClusterer, Split
from storyline.cluster.weights import ARTICLE_MODEL, HEADLINE_MODEL, HEADLINE_UNDATED_MODEL
from storyline.model import Analysis, Article, Story, StoryAssignment

# Below this median number of body content lemmas the input is headlines (UCI and Google News
# headlines have 5-10; the shortest full reports have 25 and more).
HEADLINE_MAX_TERMS = 15


@dataclass(slots=True)
class ClusterResult:
    assignments: list[StoryAssignment]
    stories: list[Story]
    decisions: dict[str, Decision]
    merges: list[Merge]
    model: ScoreModel
    moves: list[Move]
    splits: list[Split]


def model_for(median_terms: float, undated_share: float) -> ScoreModel:
    """Article model for full texts, else (by median length) a headline model: the one trained
    without dates when most of the input is undated, since the dated one leans on time gaps."""
    if median_terms >= HEADLINE_MAX_TERMS:
        return ARTICLE_MODEL
    return HEADLINE_UNDATED_MODEL if undated_share > 0.5 else HEADLINE_MODEL


def fit_corpus(features: Iterable[ArticleFeatures]) -> tuple[DocFreq, ScoreModel, dict[str, int]]:
    """Document frequencies, the model and each article's arrival (its position in publication
    order) for a corpus, in one pass (the features may be a stream)."""
    idf, terms, undated, keys = DocFreq(), [], 0, []
    for position, f in enumerate(features):
        idf.add(f)
        terms.append(sum(f.terms.values()))
        undated += f.published is None
        keys.append((publication_key(f, position), f.id))
    arrivals = {article: arrival for arrival, (_, article) in enumerate(sorted(keys))}
    if not terms:
        return idf, ARTICLE_MODEL, arrivals
    return idf, model_for(statistics.median(terms), undated / len(terms)), arrivals


def choose_model(features: list[ArticleFeatures]) -> ScoreModel:
    """The model ``cluster_features`` would use for these articles."""
    return fit_corpus(features)[1]


def publication_order(features: list[ArticleFeatures]) -> list[ArticleFeatures]:
    """Dated articles by time (ties by id), then the undated ones in input order."""
    return [f for _, f in sorted(enumerate(features), key=lambda pf: publication_key(pf[1], pf[0]))]


def publication_key(f: ArticleFeatures, position: int) -> tuple[bool, float, str | int]:
    """The sort key of ``publication_order`` for the article at ``position`` in the input."""
    return (True, 0.0, position) if f.published is None else (False, f.published, f.id)


def cluster_features(
    features: list[ArticleFeatures], model: ScoreModel | None = None, **options: float
) -> ClusterResult:
    idf, chosen, _ = fit_corpus(features)
    clusterer = OnlineClusterer(model or chosen, idf, **options)  # type: ignore[arg-type]
    ordered = publication_order(features)
    for f in ordered:
        clusterer.add(f)
    clusterer.finish(ordered)
    return ClusterResult(
        clusterer.assignments(), clusterer.story_records(), clusterer.decisions, clusterer.merges, clusterer.model,
        clusterer.moves, clusterer.splits,
    )


def cluster(
    articles: Iterable[Article], analyses: Iterable[Analysis], model: ScoreModel | None = None
) -> ClusterResult:
    """Stories of a corpus; ``analyses`` are matched to articles by id."""
    by_id = {a.article_id: a for a in analyses}
    return cluster_features([article_features(a, by_id[a.id]) for a in articles], model)
