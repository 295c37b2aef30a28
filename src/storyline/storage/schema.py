"""The relational schema, in SQLAlchemy Core, portable across SQLite and PostgreSQL.

Alembic migrations under ``migrations/versions`` create exactly these tables;
a test checks that the two never drift apart.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    column,
    literal_column,
    table,
)

ID = String(64)

# The newest migration under migrations/versions; a test keeps the two in step.
SCHEMA_REVISION = "0005"

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

articles = Table(
    "articles",
    metadata,
    Column("id", ID, primary_key=True),
    Column("key", ID, nullable=False, index=True),  # same document across versions
    Column("version_of", ID, ForeignKey("articles.id"), nullable=True),
    Column("url", Text),
    Column("source_name", Text, nullable=False),
    Column("source_domain", Text, index=True),
    Column("title", Text),
    Column("byline", Text),
    # The original offset is kept as text; the UTC value is for filtering and sorting.
    Column("published", Text),
    Column("published_utc", DateTime, index=True),
    Column("language", String(16)),
    Column("text", Text, nullable=False),
    Column("content_hash", ID, nullable=False),
    Column("source_file", Text, nullable=False),
    Column("source_locator", Text),
    Column("ingested_at", DateTime, nullable=False),
)

analyses = Table(
    "analyses",
    metadata,
    Column("article_id", ID, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("analyzer", String(128), nullable=False),
    Column("data", JSON, nullable=False),
)

# The dedup band index. Each indexed article gets a small integer (``id``) and keeps its band keys as one
# blob (little-endian int64, band order), so its rows can be found again without an index on the article.
minhash_articles = Table(
    "minhash_articles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # never reused (SQLite: AUTOINCREMENT)
    Column("article_id", ID, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("band_keys", LargeBinary, nullable=False),
    sqlite_autoincrement=True,
)

# One row per (band key, article): the primary key is the lookup index. Keys are xxh3 hashes seeded by the
# band number, so the key alone names (band, key). No row id on SQLite: the table is its key's B-tree.
# No foreign key either (SQLite would check one per row): rows of an article deleted from ``articles`` are
# left behind and match nothing, since lookups join ``minhash_articles`` and its numbers are never reused.
minhash_bands = Table(
    "minhash_bands",
    metadata,
    Column("key", BigInteger, primary_key=True, autoincrement=False),
    Column("article", Integer, primary_key=True, autoincrement=False),  # minhash_articles.id
    sqlite_with_rowid=False,
)

dup_groups = Table(
    "dup_groups",
    metadata,
    Column("article_id", ID, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ID, nullable=False, index=True),
    Column("parent_id", ID, nullable=False),
    Column("syndicated_from", Text),
)

stories = Table(
    "stories",
    metadata,
    Column("id", ID, primary_key=True),
    Column("headline", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("sources", JSON, nullable=False),
    Column("first_seen", DateTime, index=True),
    Column("last_seen", DateTime, index=True),
)

story_articles = Table(
    "story_articles",
    metadata,
    Column("article_id", ID, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("story_id", ID, nullable=False, index=True),
)

# Uploads the web app ingests in the background (migration 0005): any server process answers for any job.
jobs = Table(
    "jobs",
    metadata,
    Column("id", ID, primary_key=True),
    Column("state", String(16), nullable=False),  # queued, running, done, failed
    Column("files", JSON, nullable=False),  # the uploaded files' names
    Column("worker", String(300), nullable=False),  # "host:pid:incarnation" of the process that runs it
    Column("submitted_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("outcome", JSON),  # IngestOutcome.to_json() once done
    Column("error", Text),
)

# A brief is derived data: cached so the web app serves it without recomputing.
briefs = Table(
    "briefs",
    metadata,
    Column("story_id", ID, primary_key=True),
    Column("fingerprint", ID, nullable=False),  # changes when the story's articles or analyses change
    Column("data", JSON, nullable=False),
    Column("built_at", DateTime, nullable=False),
)


# The word index over article titles and texts (migration 0003), outside ``metadata``: Core cannot
# describe an FTS5 table or an expression index. SQLite: the FTS5 table, matched by ``articles.rowid``;
# its hidden column of the table's own name takes the MATCH query.
articles_fts = table("articles_fts", column("rowid"), column("articles_fts"))
# PostgreSQL: the expression of the GIN index (accents folded by the function of migration 0004, ASCII
# punctuation as spaces, then 'simple' words), written exactly as the index has it so the planner uses it.
# Query words are folded by the same function.
FOLD_FUNCTION = "storyline_fold"
ARTICLE_TSVECTOR = literal_column(
    f"to_tsvector('simple'::regconfig, regexp_replace({FOLD_FUNCTION}(coalesce(articles.title, '') || ' ' || "
    "articles.text), '[!-/:-@[-`{-~]+', ' ', 'g'))"
)
