"""Page models: the brief and the article turned into what the templates show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from markupsafe import Markup

from storyline.brief.render import outlet_labels
from storyline.model import Analysis, Article, Brief, BriefArticle, Fact, QuoteGroup, Story
from storyline.storage import Store
from storyline.web import queries, render


@dataclass
class ClaimView:
    articles: list[str]  # every article making the claim in this very sentence (wire copies share one)
    value: str
    sentence: Markup


@dataclass
class VariantView:
    outlets: list[str]  # the articles quoting it this way
    text: Markup  # the base as it is, the others as a word diff against it
    base: bool


@dataclass
class ArticleRow:
    meta: BriefArticle
    url: str | None
    syndicated_from: str | None
    unique: list[Fact] = field(default_factory=list)


@dataclass
class StoryView:
    story: Story
    brief: Brief | None
    error: str | None
    sources: dict[str, str]  # article id -> outlet name, "(copy)" after a near-duplicate's
    contradictions: list[tuple[str, str, list[ClaimView]]] = field(default_factory=list)  # kind, about, claims
    quotes: list[tuple[QuoteGroup, list[VariantView]]] = field(default_factory=list)
    articles: list[ArticleRow] = field(default_factory=list)
    timeline: Markup = Markup("")

    def chips(self, article_ids: Iterable[str]) -> Markup:
        """One chip per distinct article, naming its outlet."""
        ids = dict.fromkeys(article_ids)
        return Markup("").join(render.chip(self.sources.get(a, a), a) for a in ids)


def story_view(store: Store, story: Story, brief: Brief | None, error: str | None) -> StoryView:
    if brief is None:
        metas = [
            BriefArticle(a.id, a.source.name, a.title, a.published, a.url, None)
            for a in sorted(store.get_articles(story.article_ids), key=lambda a: (a.published is None, a.published or 0))
        ]
        view = StoryView(story, None, error, {m.id: m.source for m in metas})
        view.articles = _article_rows(store, metas, [])
        return view
    view = StoryView(story, brief, error, outlet_labels(brief))
    view.contradictions = _contradictions(store, brief)
    view.quotes = [(g, _variants(g)) for g in brief.quotes]
    view.articles = _article_rows(store, brief.articles, brief.unique)
    view.timeline = render.timeline_svg(brief.timeline)
    return view


def _contradictions(store: Store, brief: Brief) -> list[tuple[str, str, list[ClaimView]]]:
    """Each claim in the sentence it sits in, read from the article text; copies of one sentence share a row.

    Sentence bounds come from the punctuation: the stored analyses have them too,
    but decoding whole analyses would cost more than the rest of the page.
    """
    ids = {c.article for x in brief.contradictions for c in x.claims}
    texts = {a.id: a.text for a in store.get_articles(ids)}
    out = []
    for x in brief.contradictions:
        rows: dict[tuple[str, str], ClaimView] = {}
        for c in x.claims:
            sentence = render.in_sentence(texts.get(c.article, ""), c.start, c.end) or Markup("<mark>{}</mark>").format(c.text)
            row = rows.setdefault((c.value, str(sentence)), ClaimView([], c.value, sentence))
            row.articles.append(c.article)
        out.append((x.kind, x.about, list(rows.values())))
    return out


def _variants(group: QuoteGroup) -> list[VariantView]:
    """One card per distinct wording; outlets that quote it word for word share the card."""
    cards: dict[str, VariantView] = {}
    for v in group.variants:
        if v.text in cards:
            cards[v.text].outlets.append(v.article)
            continue
        base = not cards
        text = Markup("{}").format(v.text) if base else render.word_diff(group.variants[0].text, v.text)
        cards[v.text] = VariantView([v.article], text, base)
    return list(cards.values())


def _article_rows(store: Store, metas: list[BriefArticle], unique: list) -> list[ArticleRow]:
    wire = queries.syndication(store, [m.id for m in metas])
    facts = {u.article: u.facts for u in unique}
    return [ArticleRow(m, render.safe_url(m.url), wire.get(m.id), facts.get(m.id, [])) for m in metas]


@dataclass
class ArticleView:
    article: Article
    analysis: Analysis | None
    body: Markup
    url: str | None
    story_id: str | None
    entities: list[tuple[str, str, int]]  # canonical, label, mentions


def article_view(store: Store, article: Article, analysis: Analysis | None) -> ArticleView:
    counts: dict[tuple[str, str], int] = {}
    for e in analysis.entities if analysis else []:
        if e.label not in render.NAMED:
            continue
        counts[(e.canonical, e.label)] = counts.get((e.canonical, e.label), 0) + 1
    entities = sorted(((c, lab, n) for (c, lab), n in counts.items()), key=lambda t: (-t[2], t[0]))
    body = render.highlight(article.text, render.analysis_spans(analysis))
    return ArticleView(article, analysis, body, render.safe_url(article.url), queries.article_story(store, article.id), entities)
