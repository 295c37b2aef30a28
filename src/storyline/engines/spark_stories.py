"""The batch clusterer's decisions, replayed one independent component at a time.

``storyline.cluster.batch`` is one online pass over the whole corpus in publication
order with document frequencies fitted on the whole corpus. An article can only join a
story that shares an index key with it inside the time window, so once Spark has found
every candidate pair (shared index key, inside the window) and scored it with the
cluster package's ``pair_features`` and model, the corpus falls apart into connected
components that the pass never crosses. Replaying the pass inside each component, in
the same global order, with the same frozen ``DocFreq`` and model, and with the merge
passes at the same global positions (every ``merge_every`` articles of the WHOLE corpus),
reproduces the global pass's decisions for that component.

What can still differ (measured by the B-cubed agreement in tests and benchmark):
an article-to-story score above the join threshold between two components whose
article pairs all scored below the edge threshold, and the online clusterer's
``max_posting`` / ``max_candidates`` caps, which count stories of the whole corpus.
"""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Iterable, Iterator, Mapping

from storyline.cluster.features import ArticleFeatures, DocFreq, ScoreModel
from storyline.cluster.online import OnlineClusterer
from storyline.model import Story, StoryAssignment

MERGE_EVERY = 100  # OnlineClusterer's default


def median_of_histogram(histogram: Iterable[tuple[int, int]]) -> float:
    """``statistics.median`` of the values a {value: count} histogram describes."""
    counts = sorted(histogram)
    n = sum(c for _, c in counts)
    if n == 0:
        return 0.0
    wanted = [(n - 1) // 2, n // 2]
    found: list[float] = []
    seen = 0
    for value, count in counts:
        while wanted and wanted[0] < seen + count:
            found.append(value)
            wanted.pop(0)
        seen += count
    return statistics.fmean(found)


def clock_ranks(total: int, merge_every: int = MERGE_EVERY) -> list[int]:
    """The global ranks whose publication times a replay needs: before each merge pass, and the last."""
    ranks = list(range(merge_every - 1, total, merge_every)) if merge_every else []
    return ranks + [total - 1] if total and (not ranks or ranks[-1] != total - 1) else ranks


def replay_component(
    members: list[tuple[int, ArticleFeatures]],
    total: int,
    model: ScoreModel,
    idf: DocFreq,
    clock: Mapping[int, float | None],
    merge_every: int = MERGE_EVERY,
) -> tuple[list[StoryAssignment], list[Story]]:
    """The online pass over one component; ``members`` are (global rank, features), ``total`` the corpus size.

    ``clock`` holds the publication time at each of ``clock_ranks``: the global pass has
    seen those articles before its merge passes and its finish, so its posting lists have
    expired what they make old, and the replay advances its clock to the same times.
    """
    clusterer = OnlineClusterer(model, idf, merge_every=0)
    members = sorted(members, key=lambda m: m[0])
    for i, (rank, features) in enumerate(members):
        clusterer.add(features, arrival=rank)
        next_count = members[i + 1][0] + 1 if i + 1 < len(members) else total + 1
        _merge_passes(clusterer, _multiples_between(rank + 1, next_count, merge_every), clock)
    _advance(clusterer, clock.get(total - 1))
    clusterer.finish(features for _, features in members)
    return clusterer.assignments(), clusterer.story_records()


def _multiples_between(low: int, high: int, step: int) -> range:
    """The multiples of ``step`` in [low, high): the article counts after which the global pass merged."""
    return range((low + step - 1) // step * step, high, step) if step else range(0)


def _advance(clusterer: OnlineClusterer, now: float | None) -> None:
    if now is not None:
        clusterer.advance(now)


def _merge_passes(clusterer: OnlineClusterer, counts: range, clock: Mapping[int, float | None]) -> None:
    for count in counts:
        _advance(clusterer, clock.get(count - 1))
        before = len(clusterer.merges)
        clusterer.merge_pass()
        # A pass that merges nothing leaves no story dirty, so the passes after it change nothing.
        if len(clusterer.merges) == before:
            return


def term_histogram(features: Iterable[ArticleFeatures]) -> Iterator[tuple[int, int]]:
    """(body term count, articles) pairs: what ``median_of_histogram`` needs."""
    yield from Counter(sum(f.terms.values()) for f in features).items()
