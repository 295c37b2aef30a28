"""Assembling a story's brief from its articles, their analyses and the dedup groups."""

from __future__ import annotations

from datetime import date
from typing import Iterable, Sequence

from storyline.compare import compare_story
from storyline.compare.quotes import QuoteSource, group_quotes
from storyline.compare.summary import SummarySource, summarize
from storyline.compare.timeline import TimelineSource, build_timeline
from storyline.model import Analysis, Article, Brief, BriefArticle, DupAssignment, Story


def brief_article(article: Article, dup: DupAssignment | None) -> BriefArticle:
    duplicate_of = dup.parent if dup is not None and dup.parent != article.id else None
    return BriefArticle(article.id, article.source.name, article.title, article.published, article.url, duplicate_of)


def build_brief(
    story: Story, articles: Sequence[Article], analyses: Iterable[Analysis], dups: Iterable[DupAssignment] = ()
) -> Brief:
    """The brief of one story. ``analyses`` hold one per article (matched by id); any dup may be missing.

    Quotes and the timeline use every article, so that an outlet's edit of a
    wire copy shows; the summary uses one copy per near-duplicate group.
    """
    by_id = {a.article_id: a for a in analyses}
    dup_of = {d.id: d for d in dups}
    ordered = sorted(articles, key=lambda a: (a.published is None, a.published.timestamp() if a.published else 0.0))
    listed = [brief_article(a, dup_of.get(a.id)) for a in ordered]
    originals = [a for a, b in zip(ordered, listed) if b.duplicate_of is None]

    quotes = group_quotes([QuoteSource(a.id, a.text, by_id[a.id].quotes, a.published) for a in ordered])
    alignment, contradictions = compare_story(ordered, [by_id[a.id] for a in ordered], dup_of.values(), quotes)
    summary = summarize([SummarySource(a.id, a.text, by_id[a.id]) for a in originals], alignment.facts)
    timeline = build_timeline(
        [TimelineSource(a.id, a.text, by_id[a.id], a.published) for a in ordered], _story_start(story, ordered)
    )
    return Brief(
        id=story.id,
        headline=story.headline,
        articles=listed,
        summary=summary,
        facts=alignment.agreed(),
        unique=alignment.unique(),
        contradictions=contradictions,
        quotes=quotes,
        timeline=timeline,
    )


def _story_start(story: Story, articles: Sequence[Article]) -> date | None:
    dated = [a.published.date() for a in articles if a.published is not None]
    if story.first_seen is not None:
        dated.append(story.first_seen.date())
    return min(dated, default=None)
