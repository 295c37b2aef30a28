"""Page models: the brief and the article turned into what the templates show."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from storyline.model import Analysis, Article, Brief, BriefArticle, Fact, QuoteGroup, SpanRef, Story
from storyline.storage import Store
from storyline.web import queries, render


@dataclass
class ClaimView:
    source: str
    article: str
    value: str
    sentence: Markup


@dataclass
class VariantView:
    source: str
    article: str
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
    sources: dict[str, str]  # article id -> outlet name
    contradictions: list[tuple[str, str, list[ClaimView]]] = field(default_factory=list)  # kind, about, claims
    quotes: list[tuple[QuoteGroup, list[VariantView]]] = field(default_factory=list)
    articles: list[ArticleRow] = field(default_factory=list)
    timeline: Markup = Markup("")

    def chips(self, refs: list[SpanRef]) -> list[tuple[str, str]]:
        """(outlet, article id) per distinct article a fact cites."""
        seen: dict[str, str] = {}
        for r in refs:
            seen.setdefault(r.article, self.sources.get(r.article, r.article))
        return [(name, art) for art, name in seen.items()]


def story_view(store: Store, story: Story, brief: Brief | None, error: str | None) -> StoryView:
    if brief is None:
        metas = [
            BriefArticle(a.id, a.source.name, a.title, a.published, a.url, None)
            for a in sorted(store.get_articles(story.article_ids), key=lambda a: (a.published is None, a.published or 0))
        ]
        view = StoryView(story, None, error, {m.id: m.source for m in metas})
        view.articles = _article_rows(store, metas, [])
        return view
    view = StoryView(story, brief, error, {a.id: a.source for a in brief.articles})
    view.contradictions = _contradictions(store, brief, view.sources)
    view.quotes = [(g, _variants(g, view.sources)) for g in brief.quotes]
    view.articles = _article_rows(store, brief.articles, brief.unique)
    view.timeline = render.timeline_svg(brief.timeline)
    return view


def _contradictions(store: Store, brief: Brief, sources: dict[str, str]) -> list[tuple[str, str, list[ClaimView]]]:
    """Each claim in the sentence it sits in, read from the article text."""
    ids = {c.article for x in brief.contradictions for c in x.claims}
    texts = {a.id: a.text for a in store.get_articles(ids)}
    sentences = queries.sentences(store, ids)
    out = []
    for x in brief.contradictions:
        claims = []
        for c in x.claims:
            text = texts.get(c.article, "")
            sentence = render.in_sentence(text, c.start, c.end, sentences.get(c.article, ()))
            claims.append(ClaimView(sources.get(c.article, c.article), c.article, c.value, sentence or Markup("<mark>{}</mark>").format(c.text)))
        out.append((x.kind, x.about, claims))
    return out


def _variants(group: QuoteGroup, sources: dict[str, str]) -> list[VariantView]:
    if not group.variants:
        return []
    base = group.variants[0].text
    return [
        VariantView(sources.get(v.article, v.article), v.article, render.word_diff(base, v.text) if i else Markup("{}").format(v.text), i == 0)
        for i, v in enumerate(group.variants)
    ]


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
