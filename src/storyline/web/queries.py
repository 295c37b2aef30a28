"""Read queries the web app needs beyond ``Store``: filtered, paginated story and
article lists, per-outlet coverage and per-outlet unique facts.

SQLAlchemy Core over ``storyline.storage.schema`` only, with portable SQL (no JSON
operators), so SQLite and PostgreSQL answer alike. Words are looked up in the word
index of migrations 0003 and 0004: FTS5 on SQLite, a tsvector GIN index on PostgreSQL; both fold
case and accents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable

from sqlalchemy import distinct, false, func, literal_column, select
from sqlalchemy.engine import Connection

from storyline.model import Story
from storyline.storage import Store
from storyline.storage.store import latest_versions, source_match, source_named
from storyline.storage.schema import (
    ARTICLE_TSVECTOR,
    FOLD_FUNCTION,
    analyses,
    articles,
    articles_fts,
    briefs,
    dup_groups,
    stories,
    story_articles,
)

MAX_WORDS = 8  # search words used per query; bounds the SQL a request can cause
WORD = re.compile(r"[^\W_]+")  # letters and digits, any script; everything else separates words


def words_of(query: str) -> list[str]:
    """The words of a search, lower-cased, at most ``MAX_WORDS``: punctuation and FTS syntax separate them."""
    return WORD.findall(query.lower())[:MAX_WORDS]


@dataclass(frozen=True)
class Filters:
    """What the story list, the article list and the API filter on."""

    words: str = ""
    entity: str = ""
    source: str = ""
    since: datetime | None = None
    until: datetime | None = None

    def terms(self) -> list[str]:
        return words_of(self.words)


@dataclass
class Page:
    items: list[Any]
    total: int
    limit: int
    offset: int


def _utc_naive(dt: datetime) -> datetime:
    return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).replace(tzinfo=None)


def _aware(dt: datetime | None) -> datetime | None:
    """A time as the store keeps it (naive UTC) made explicit, as every answer gives times."""
    return dt.replace(tzinfo=timezone.utc) if dt else None


def _has_words(conn: Connection, words: list[str]) -> Any:
    """Articles whose title or text has every word, as a whole word or a word's start, in any case.

    ``words`` come from ``words_of``: letters and digits only, so each is quoted as an FTS5
    string (or tsquery lexeme) and nothing in it can act as query syntax.
    """
    if conn.dialect.name == "sqlite":
        query = " AND ".join(f'"{w}"*' for w in words)
        matching = select(articles_fts.c.rowid).where(articles_fts.c.articles_fts.op("MATCH")(query))
        return literal_column("articles.rowid").in_(matching)
    # Folded by the database, as the index was, then split again: folding may leave ASCII marks ("ʻ" -> "'")
    folded = words_of(conn.scalar(select(getattr(func, FOLD_FUNCTION)(" ".join(words)))) or "")
    if not folded:
        return false()
    query = " & ".join(f"'{w}':*" for w in folded)
    return ARTICLE_TSVECTOR.op("@@")(func.to_tsquery(literal_column("'simple'::regconfig"), query))


def _article_conditions(f: Filters, conn: Connection) -> list:
    """Conditions on ``articles`` for words, outlet, date range and entity."""
    conds: list = []
    if f.terms():
        conds.append(_has_words(conn, f.terms()))
    if f.source:
        conds.append(source_match(f.source))
    if f.since:
        conds.append(articles.c.published_utc >= _utc_naive(f.since))
    if f.until:
        conds.append(articles.c.published_utc <= _utc_naive(f.until))
    if f.entity:
        conds.append(articles.c.id.in_(_ids_naming_entity(conn, f.entity)))
    return conds


def _ids_naming_entity(conn: Connection, entity: str) -> list[str]:
    """Articles whose analysis has an entity with this text or canonical name.

    The word index narrows to articles that have the name's words (an entity's
    words are words of its article); the analyses of those are checked in Python,
    since JSON queries differ between databases. A name without letters or digits
    names no entity.
    """
    wanted = entity.strip().lower()
    if not words_of(wanted):
        return []
    candidates = (
        select(analyses.c.article_id, analyses.c.data)
        .join(articles, articles.c.id == analyses.c.article_id)
        .where(_has_words(conn, words_of(wanted)))
    )
    found = []
    for row in conn.execute(candidates):
        ents = row.data.get("entities", []) if isinstance(row.data, dict) else []
        if any(wanted in (e.get("text", "").lower(), e.get("canonical", "").lower()) for e in ents):
            found.append(row.article_id)
    return found


def _story_conditions(f: Filters, conn: Connection) -> list:
    """Story-level conditions: a story matches when its articles, together, match.

    Each article-level part is run once here and its story ids passed on, so the
    count and the page do not scan the article texts twice.
    """
    parts = [_article_conditions(Filters(words=term), conn) for term in f.terms()]  # each word in some article
    if f.source:
        parts.append([source_match(f.source)])
    if f.entity:
        parts.append(_article_conditions(Filters(entity=f.entity), conn))
    conds: list = [stories.c.id.in_(list(conn.scalars(_member_story_ids(p).distinct()))) for p in parts]
    # A story is in the date range when its span of coverage overlaps it.
    if f.since:
        conds.append(stories.c.last_seen >= _utc_naive(f.since))
    if f.until:
        conds.append(stories.c.first_seen <= _utc_naive(f.until))
    return conds


def _member_story_ids(article_conds: list) -> Any:
    return (
        select(story_articles.c.story_id)
        .join(articles, articles.c.id == story_articles.c.article_id)
        .where(*article_conds)
    )


STORY_ORDERS = {
    "size": (stories.c.size.desc(), stories.c.last_seen.desc(), stories.c.id),
    "recent": (stories.c.last_seen.is_(None), stories.c.last_seen.desc(), stories.c.id),
}


def find_stories(store: Store, f: Filters, order: str, limit: int, offset: int) -> Page:
    """Stories matching the filters, one page of them, with the total count."""
    with store.engine.connect() as conn:
        conds = _story_conditions(f, conn)
        total = conn.scalar(select(func.count()).select_from(stories).where(*conds))
        rows = conn.execute(
            select(stories).where(*conds).order_by(*STORY_ORDERS[order]).limit(limit).offset(offset)
        ).all()
        members = _members(conn, [r.id for r in rows])
    return Page([_story(r, members.get(r.id, [])) for r in rows], total or 0, limit, offset)


def _members(conn: Connection, story_ids: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if story_ids:
        query = select(story_articles).where(story_articles.c.story_id.in_(story_ids)).order_by(story_articles.c.article_id)
        for m in conn.execute(query):
            out.setdefault(m.story_id, []).append(m.article_id)
    return out


def _story(row: Any, ids: list[str]) -> Story:
    return Story(row.id, row.headline, ids, list(row.sources), _aware(row.first_seen), _aware(row.last_seen))


def coverage(store: Store, story_ids: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    """Per story, its outlets with how many of its articles each published, biggest first."""
    ids = list(story_ids)
    out: dict[str, list[tuple[str, int]]] = {i: [] for i in ids}
    if not ids:
        return out
    query = (
        select(story_articles.c.story_id, articles.c.source_name, func.count().label("n"))
        .join(articles, articles.c.id == story_articles.c.article_id)
        .where(story_articles.c.story_id.in_(ids))
        .group_by(story_articles.c.story_id, articles.c.source_name)
    )
    with store.engine.connect() as conn:
        for r in conn.execute(query):
            out[r.story_id].append((r.source_name, r.n))
    for counts in out.values():
        counts.sort(key=lambda c: (-c[1], c[0].lower()))
    return out


ARTICLE_LIST_COLUMNS = (
    articles.c.id,
    articles.c.title,
    articles.c.source_name,
    articles.c.source_domain,
    articles.c.published,
    articles.c.url,
    articles.c.language,
    func.length(articles.c.text).label("chars"),
)


def find_articles(store: Store, f: Filters, limit: int, offset: int) -> Page:
    """Article summaries (no text) matching the filters, newest first, with the total count."""
    with store.engine.connect() as conn:
        conds = _article_conditions(f, conn)
        total = conn.scalar(select(func.count()).select_from(articles).where(*conds))
        query = (
            select(*ARTICLE_LIST_COLUMNS, story_articles.c.story_id)
            .outerjoin(story_articles, story_articles.c.article_id == articles.c.id)
            .where(*conds)
            .order_by(articles.c.published_utc.is_(None), articles.c.published_utc.desc(), articles.c.id)
            .limit(limit)
            .offset(offset)
        )
        rows = [dict(r._mapping) for r in conn.execute(query)]
    return Page(rows, total or 0, limit, offset)


def any_unplaced(store: Store, article_ids: list[str], chunk: int = 500) -> bool:
    """Whether any of the articles is a latest version in no story (its upload stopped before the update)."""
    placed = select(story_articles.c.article_id).where(story_articles.c.article_id == articles.c.id).exists()
    with store.engine.connect() as conn:
        for start in range(0, len(article_ids), chunk):
            rows = conn.execute(select(articles.c.id, articles.c.key).where(articles.c.id.in_(article_ids[start : start + chunk]), ~placed)).all()
            if rows and conn.execute(select(articles.c.id).where(
                articles.c.id.in_([r.id for r in rows]), latest_versions([r.key for r in rows])
            ).limit(1)).first() is not None:
                return True
    return False


def article_story(store: Store, article_id: str) -> str | None:
    with store.engine.connect() as conn:
        return conn.scalar(select(story_articles.c.story_id).where(story_articles.c.article_id == article_id))


def syndication(store: Store, article_ids: Iterable[str]) -> dict[str, str]:
    """The wire service each article was copied from, where dedup found one."""
    ids = list(article_ids)
    if not ids:
        return {}
    query = select(dup_groups.c.article_id, dup_groups.c.syndicated_from).where(
        dup_groups.c.article_id.in_(ids), dup_groups.c.syndicated_from.is_not(None)
    )
    with store.engine.connect() as conn:
        return {r.article_id: r.syndicated_from for r in conn.execute(query)}


# ------------------------------------------------------------------ outlets


@dataclass
class SourceStats:
    name: str
    domains: list[str]
    articles: int
    stories: int
    first: datetime | None
    last: datetime | None
    briefs: int  # cached briefs of its stories that the unique-fact counts come from
    facts: int  # facts in those briefs that this outlet states
    unique_facts: list[dict]  # {"story", "headline", "article", "text"}: facts only this outlet states


def list_sources(store: Store, limit: int, offset: int) -> Page:
    """Outlets by number of articles."""
    name = articles.c.source_name
    with store.engine.connect() as conn:
        total = conn.scalar(select(func.count(distinct(name))))
        query = (
            select(name.label("name"), func.count().label("articles"), func.max(articles.c.published_utc).label("last"))
            .group_by(name)
            .order_by(func.count().desc(), name)
            .limit(limit)
            .offset(offset)
        )
        rows = [{**r._mapping, "last": _aware(r.last)} for r in conn.execute(query)]
    return Page(rows, total or 0, limit, offset)


def source_stats(store: Store, name: str) -> SourceStats | None:
    """What an outlet covered and which facts, in the cached briefs, only it reports."""
    match = source_named(name)
    with store.engine.connect() as conn:
        row = conn.execute(
            select(
                func.count().label("n"),
                func.min(articles.c.published_utc).label("first"),
                func.max(articles.c.published_utc).label("last"),
            ).where(match)
        ).one()
        if not row.n:
            return None
        domains = sorted(d for d in conn.scalars(select(articles.c.source_domain).where(match).distinct()) if d)
        own_ids = set(conn.scalars(select(articles.c.id).where(match)))
        story_ids = list(conn.scalars(_member_story_ids([match]).distinct()))
        cached = conn.execute(
            select(briefs.c.story_id, briefs.c.data).where(briefs.c.story_id.in_(story_ids))
        ).all() if story_ids else []
    facts, unique = _facts_by_outlet(cached, own_ids)
    return SourceStats(name, domains, row.n, len(story_ids), _aware(row.first), _aware(row.last), len(cached), facts, unique)


def _facts_by_outlet(cached: list, own_ids: set[str]) -> tuple[int, list[dict]]:
    """How many brief facts cite the outlet, and the unique facts its articles hold."""
    stated = 0
    unique: list[dict] = []
    for story_id, data in cached:
        if not isinstance(data, dict):
            continue
        for fact in data.get("facts", []):
            if any(s.get("article") in own_ids for s in fact.get("sources", [])):
                stated += 1
        for entry in data.get("unique", []):
            if entry.get("article") in own_ids:
                for fact in entry.get("facts", []):
                    unique.append({"story": story_id, "headline": data.get("headline", ""), "article": entry["article"], "text": fact.get("text", "")})
    return stated + len(unique), unique


def source_stories(store: Store, name: str, limit: int, offset: int) -> Page:
    """The stories an outlet took part in, most recent first."""
    in_source = _member_story_ids([source_named(name)])
    with store.engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(stories).where(stories.c.id.in_(in_source)))
        rows = conn.execute(
            select(stories).where(stories.c.id.in_(in_source)).order_by(*STORY_ORDERS["recent"]).limit(limit).offset(offset)
        ).all()
        members = _members(conn, [r.id for r in rows])
    return Page([_story(r, members.get(r.id, [])) for r in rows], total or 0, limit, offset)


def store_counts(store: Store) -> dict[str, int]:
    """Row counts of the main tables (the ingest page and tests show them)."""
    with store.engine.connect() as conn:
        return {
            "articles": conn.scalar(select(func.count()).select_from(articles)) or 0,
            "stories": conn.scalar(select(func.count()).select_from(stories)) or 0,
            "analyses": conn.scalar(select(func.count()).select_from(analyses)) or 0,
        }

