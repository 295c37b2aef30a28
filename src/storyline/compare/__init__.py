"""Compare a story's articles: aligned facts, single-source facts, typed contradictions.

``compare_story`` is the entry point for the brief: it aligns the sentences
of the story's articles into facts (``align``) and finds where they disagree
on dates, numbers, ages, names, places and quotations (``contradictions``).
"""

from __future__ import annotations

from typing import Iterable, Sequence

from storyline.compare.align import Alignment, Embedder, Publishers, align_story, load_embedder
from storyline.compare.contradictions import claims_agree, find_contradictions, quote_contradictions
from storyline.model import Analysis, Article, Contradiction, DupAssignment, QuoteGroup

__all__ = [
    "Alignment",
    "Embedder",
    "Publishers",
    "align_story",
    "compare_story",
    "find_contradictions",
    "load_embedder",
    "quote_contradictions",
]


def compare_story(
    articles: Sequence[Article],
    analyses: Iterable[Analysis],
    dups: Iterable[DupAssignment] = (),
    quote_groups: Iterable[QuoteGroup] = (),
    embed: Embedder | None = None,
) -> tuple[Alignment, list[Contradiction]]:
    """Facts and contradictions of one story; ``alignment.agreed()`` / ``alignment.unique()`` feed the brief.

    A fact keeps one value of each contradiction among its sources (``Alignment.separate_disputes``).
    """
    analyses = list(analyses)
    alignment = align_story(articles, analyses, dups, embed)
    contradictions = find_contradictions(alignment, articles, analyses, quote_groups)
    alignment.separate_disputes(contradictions, claims_agree)  # after: the contradictions are read on the unsplit facts
    for c in contradictions:
        values = dict.fromkeys(k.value for k in c.claims)
        c.publishers = {v: alignment.publishers.count(k.article for k in c.claims if k.value == v) for v in values}
    return alignment, contradictions
