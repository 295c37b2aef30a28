"""The store: articles, analyses and stage results in any SQLAlchemy database.

SQLite (a ``storyline.db`` file) is the default; PostgreSQL works with the same
schema and migrations. Writes are idempotent (insert-or-ignore on content-derived
ids), so an ingest killed half-way and run again ends with neither duplicates
nor losses.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import Engine, and_, create_engine, delete, event, func, inspect, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from storyline.model import (
    Analysis,
    Article,
    DupAssignment,
    Provenance,
    Source,
    Story,
    StoryAssignment,
    from_jsonable,
    to_jsonable,
)
from storyline.storage.schema import SCHEMA_REVISION, analyses, articles, briefs, dup_groups, stories, story_articles

DEFAULT_DB = "storyline.db"
ENV_VAR = "STORYLINE_DB"


def resolve_url(url: str | None) -> str:
    """``--db`` value, else $STORYLINE_DB, else ./storyline.db; a bare path means SQLite."""
    url = url or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser()}"
    elif url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def source_named(name: str) -> Any:
    """Articles of the outlet called ``name``, in any case; SQLite's ``lower`` folds ASCII only, so the
    exact name (what pages link to) also matches: "Élysée Times"."""
    return or_(articles.c.source_name == name, func.lower(articles.c.source_name) == name.lower())


def source_match(name: str) -> Any:
    """Articles of the outlet given by its name (``source_named``) or its domain, in any case."""
    return or_(source_named(name), func.lower(articles.c.source_domain) == name.lower())


def latest_versions(keys: Sequence[str] | None = None) -> Any:
    """Articles no other version supersedes.

    With a URL, the versions of one outlet's URL are ranked: the one published last, else ingested
    last (two crawls in one batch are ingested at once), else the highest id. Without one, the
    document is the outlet and title, and only a later ingest supersedes (a file edited and read
    again): articles that arrive together are different reports that share a title. ``keys``
    limits the ranking to those documents (a few articles' versions, not the whole store).
    """
    in_keys = [articles.c.key.in_(keys)] if keys is not None else []
    ranked = select(
        articles.c.id,
        func.row_number().over(
            partition_by=articles.c.key,
            order_by=(articles.c.published_utc.is_(None), articles.c.published_utc.desc(),
                      articles.c.ingested_at.desc(), articles.c.id.desc()),
        ).label("rank"),
    ).where(articles.c.url.is_not(None), *in_keys).subquery()
    newer = articles.alias("newer")
    # NOT EXISTS, not NOT IN: PostgreSQL plans it as an anti-join at any size
    outranked = select(ranked.c.id).where(ranked.c.id == articles.c.id, ranked.c.rank > 1).exists()
    ingested_later = select(newer.c.id).where(
        articles.c.url.is_(None), newer.c.key == articles.c.key, newer.c.ingested_at > articles.c.ingested_at
    ).exists()
    return and_(~outranked, ~ingested_later)


def _utc_naive(dt: datetime | None) -> datetime | None:
    return dt.astimezone(timezone.utc).replace(tzinfo=None) if dt else None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


class Store:
    """One database; ``Store(url)`` migrates it to the current schema when needed."""

    def __init__(self, url: str | None = None, migrate: bool = True):
        self.url = resolve_url(url)
        self.engine: Engine = create_engine(self.url, future=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        if migrate:
            self.migrate()

    # ------------------------------------------------------------ schema

    def alembic_config(self) -> "Config":
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(resources.files("storyline.storage") / "migrations"))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        return cfg

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.scalar(text("SELECT version_num FROM alembic_version"))

    def migrate(self) -> None:
        """Bring the schema to the newest migration; Alembic is loaded only when there is work."""
        if self.schema_revision() == SCHEMA_REVISION:
            return
        from alembic import command

        cfg = self.alembic_config()
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Serialise concurrent first runs from several processes.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7261)")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def _insert_ignore(self, table: Any, rows: Sequence[dict], keys: Sequence[str]) -> int:
        """Insert rows, skipping those whose key exists; returns how many were new."""
        if not rows:
            return 0
        dialect = self.engine.dialect.name
        if dialect == "postgresql":
            stmt = postgresql.insert(table).on_conflict_do_nothing(index_elements=list(keys))
        elif dialect == "sqlite":
            stmt = sqlite.insert(table).on_conflict_do_nothing(index_elements=list(keys))
        else:  # portable fallback: filter out what exists, then insert
            with self.engine.connect() as conn:
                col = table.c[keys[0]]
                have = set(conn.scalars(select(col).where(col.in_([r[keys[0]] for r in rows]))))
            rows = [r for r in rows if r[keys[0]] not in have]
            stmt = table.insert()
            if not rows:
                return 0
        with self.engine.begin() as conn:
            result = conn.execute(stmt.returning(table.c[keys[0]]), list(rows))
            return len(result.fetchall())

    def _upsert(self, conn: Connection, table: Any, rows: Sequence[dict], keys: Sequence[str]) -> None:
        """Replace rows by key: delete then insert, portable and idempotent."""
        if not rows:
            return
        key = table.c[keys[0]]
        conn.execute(delete(table).where(key.in_([r[keys[0]] for r in rows])))
        conn.execute(table.insert(), list(rows))

    # ------------------------------------------------------------ articles

    def add_articles(self, batch: Sequence[Article]) -> int:
        """Store a batch in one transaction; returns how many were new.

        An article whose key (outlet + URL) is stored with other text becomes a
        new version linked to the first one.
        """
        unique: dict[str, Article] = {}
        for a in batch:
            unique.setdefault(a.id, a)
        if not unique:
            return 0
        keys = {a.key for a in unique.values()}
        with self.engine.connect() as conn:
            first_versions = dict(
                conn.execute(
                    select(articles.c.key, func.min(articles.c.id))
                    .where(articles.c.key.in_(keys), articles.c.version_of.is_(None))
                    .group_by(articles.c.key)
                ).all()
            )
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        rows = []
        for a in unique.values():
            first = first_versions.get(a.key)
            if first is None:
                first_versions[a.key] = a.id
            a.version_of = first if first and first != a.id else None
            rows.append(self._article_row(a, now))
        return self._insert_ignore(articles, rows, ["id"])

    def id_clashes(self, batch: Sequence[Article]) -> list[Article]:
        """The articles of ``batch`` whose id is stored, or taken earlier in the batch, with another text."""
        first: dict[str, str] = {}
        in_batch = {id(a) for a in batch if first.setdefault(a.id, a.content_hash) != a.content_hash}
        if not first:
            return []
        with self.engine.connect() as conn:
            stored = dict(conn.execute(select(articles.c.id, articles.c.content_hash).where(articles.c.id.in_(list(first)))).all())
        return [a for a in batch if id(a) in in_batch or stored.get(a.id, a.content_hash) != a.content_hash]

    @staticmethod
    def _article_row(a: Article, now: datetime) -> dict:
        return {
            "id": a.id,
            "key": a.key,
            "version_of": a.version_of,
            "url": a.url,
            "source_name": a.source.name,
            "source_domain": a.source.domain,
            "title": a.title,
            "byline": a.byline,
            "published": a.published.isoformat() if a.published else None,
            "published_utc": _utc_naive(a.published),
            "language": a.language,
            "text": a.text,
            "content_hash": a.content_hash,
            "source_file": a.provenance.file,
            "source_locator": a.provenance.locator,
            "ingested_at": now,
        }

    @staticmethod
    def _article(row: Any) -> Article:
        return Article(
            id=row.id,
            key=row.key,
            version_of=row.version_of,
            url=row.url,
            source=Source(row.source_name, row.source_domain),
            title=row.title,
            byline=row.byline,
            published=datetime.fromisoformat(row.published) if row.published else None,
            language=row.language,
            text=row.text,
            provenance=Provenance(row.source_file, row.source_locator),
        )

    def get_article(self, article_id: str) -> Article | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(articles).where(articles.c.id == article_id)).first()
            if row is None and len(article_id) >= 4:  # unique prefix, as git does
                found = conn.execute(select(articles).where(articles.c.id.like(f"{article_id}%")).limit(2)).all()
                row = found[0] if len(found) == 1 else None
        return self._article(row) if row else None

    def get_articles(self, ids: Iterable[str]) -> list[Article]:
        ids = list(ids)
        found: dict[str, Article] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(ids, 500):
                for row in conn.execute(select(articles).where(articles.c.id.in_(chunk))):
                    found[row.id] = self._article(row)
        return [found[i] for i in ids if i in found]

    def iter_articles(
        self,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        latest_only: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> Iterator[Article]:
        """Articles in publication order (undated last), filtered by outlet and date range."""
        query = select(articles).where(*self._article_filters(source, since, until, latest_only))
        query = query.order_by(articles.c.published_utc.is_(None), articles.c.published_utc, articles.c.id)
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        with self.engine.connect() as conn:
            for row in conn.execute(query.execution_options(yield_per=500)):
                yield self._article(row)

    def count_articles(
        self, source: str | None = None, since: datetime | None = None, until: datetime | None = None
    ) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(
                select(func.count()).select_from(articles).where(*self._article_filters(source, since, until))
            )

    @staticmethod
    def _article_filters(source: str | None, since: datetime | None, until: datetime | None, latest_only: bool = False) -> list:
        filters = []
        if source:
            filters.append(source_match(source))
        if since:
            filters.append(articles.c.published_utc >= _utc_naive(_aware(since)))
        if until:
            filters.append(articles.c.published_utc <= _utc_naive(_aware(until)))
        if latest_only:
            filters.append(latest_versions())
        return filters

    # ------------------------------------------------------------ analyses

    def save_analyses(self, batch: Sequence[Analysis]) -> None:
        rows = [{"article_id": a.article_id, "analyzer": a.analyzer, "data": to_jsonable(a)} for a in batch]
        with self.engine.begin() as conn:
            self._upsert(conn, analyses, rows, ["article_id"])

    def get_analyses(self, ids: Iterable[str]) -> dict[str, Analysis]:
        out: dict[str, Analysis] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(list(ids), 500):
                for row in conn.execute(select(analyses.c.article_id, analyses.c.data).where(analyses.c.article_id.in_(chunk))):
                    out[row.article_id] = from_jsonable(Analysis, row.data)
        return out

    def analyzer_versions(self, ids: Iterable[str]) -> dict[str, str]:
        """Which analyzer version analysed each article, without decoding the analyses."""
        out: dict[str, str] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(list(ids), 500):
                out.update(conn.execute(select(analyses.c.article_id, analyses.c.analyzer).where(analyses.c.article_id.in_(chunk))).all())
        return out

    def ids_needing_analysis(self, analyzer: str) -> list[str]:
        """Articles with no analysis, or one made by another analyzer version."""
        query = (
            select(articles.c.id)
            .outerjoin(analyses, analyses.c.article_id == articles.c.id)
            .where((analyses.c.article_id.is_(None)) | (analyses.c.analyzer != analyzer))
            .order_by(articles.c.published_utc.is_(None), articles.c.published_utc, articles.c.id)
        )
        with self.engine.connect() as conn:
            return list(conn.scalars(query))

    # ------------------------------------------------------------ dedup and stories

    def save_dup_groups(self, assignments: Sequence[DupAssignment]) -> None:
        rows = [
            {"article_id": d.id, "group_id": d.group, "parent_id": d.parent, "syndicated_from": d.syndicated_from}
            for d in assignments
        ]
        with self.engine.begin() as conn:
            self._upsert(conn, dup_groups, rows, ["article_id"])

    def get_dup_groups(self, ids: Iterable[str] | None = None) -> dict[str, DupAssignment]:
        query = select(dup_groups)
        out: dict[str, DupAssignment] = {}
        with self.engine.connect() as conn:
            chunks = [None] if ids is None else _chunks(list(ids), 500)
            for chunk in chunks:
                q = query if chunk is None else query.where(dup_groups.c.article_id.in_(chunk))
                for r in conn.execute(q):
                    out[r.article_id] = DupAssignment(r.article_id, r.group_id, r.parent_id, r.syndicated_from)
        return out

    def save_stories(self, found: Sequence[Story], replace_all: bool = False) -> None:
        """Store stories and their membership; ``replace_all`` drops stories not in ``found``."""
        with self.engine.begin() as conn:
            if replace_all:
                conn.execute(delete(story_articles))
                conn.execute(delete(stories))
            story_rows = [
                {
                    "id": s.id,
                    "headline": s.headline,
                    "size": s.size,
                    "sources": s.sources,
                    "first_seen": _utc_naive(s.first_seen),
                    "last_seen": _utc_naive(s.last_seen),
                }
                for s in found
            ]
            member_rows = [{"article_id": a, "story_id": s.id} for s in found for a in s.article_ids]
            self._upsert(conn, stories, story_rows, ["id"])
            self._upsert(conn, story_articles, member_rows, ["article_id"])

    def get_story_assignments(self) -> list[StoryAssignment]:
        with self.engine.connect() as conn:
            return [StoryAssignment(r.article_id, r.story_id) for r in conn.execute(select(story_articles))]

    def get_story(self, story_id: str) -> Story | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(stories).where(stories.c.id == story_id)).first()
            if row is None:
                return None
            ids = list(conn.scalars(select(story_articles.c.article_id).where(story_articles.c.story_id == story_id)))
        return self._story(row, ids)

    def list_stories(self, limit: int | None = None, offset: int = 0, order: str = "size") -> list[Story]:
        order_by = {
            "size": (stories.c.size.desc(), stories.c.last_seen.desc(), stories.c.id),
            "recent": (stories.c.last_seen.is_(None), stories.c.last_seen.desc(), stories.c.id),
        }[order]
        query = select(stories).order_by(*order_by).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            members: dict[str, list[str]] = {r.id: [] for r in rows}
            for chunk in _chunks(list(members), 500):
                for m in conn.execute(select(story_articles).where(story_articles.c.story_id.in_(chunk))):
                    members[m.story_id].append(m.article_id)
        return [self._story(r, sorted(members[r.id])) for r in rows]

    # ------------------------------------------------------------ cached briefs

    def get_brief(self, story_id: str, fingerprint: str) -> dict | None:
        with self.engine.connect() as conn:
            return conn.scalar(select(briefs.c.data).where(briefs.c.story_id == story_id, briefs.c.fingerprint == fingerprint))

    def save_brief(self, story_id: str, fingerprint: str, data: dict) -> None:
        row = {"story_id": story_id, "fingerprint": fingerprint, "data": data, "built_at": datetime.now(timezone.utc).replace(tzinfo=None)}
        with self.engine.begin() as conn:
            self._upsert(conn, briefs, [row], ["story_id"])

    @staticmethod
    def _story(row: Any, ids: list[str]) -> Story:
        return Story(
            id=row.id,
            headline=row.headline,
            article_ids=ids,
            sources=list(row.sources),
            first_seen=row.first_seen.replace(tzinfo=timezone.utc) if row.first_seen else None,
            last_seen=row.last_seen.replace(tzinfo=timezone.utc) if row.last_seen else None,
        )


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
