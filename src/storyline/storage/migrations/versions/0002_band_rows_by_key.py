"""The band index as (key, article number) rows, with each article's keys kept in ``minhash_articles``.

Revision 0001 had one row per (article id, band) with a row id, a primary key
index and a (band, key) index: three B-trees written per band key. Now the
band rows are their (key, article) primary key alone (``WITHOUT ROWID`` on
SQLite; an ordinary table on PostgreSQL) and name articles by a small integer;
``minhash_articles`` gives each indexed article that number and its band keys,
so an article's rows are deleted by key. Stored band keys are carried over.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from itertools import groupby

import numpy as np
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.String(64)
_CHUNK = 500
_STREAM = 5000

_OLD_BANDS = sa.table(
    "minhash_bands", sa.column("article_id", ID), sa.column("band", sa.SmallInteger), sa.column("key", sa.BigInteger)
)
_ARTICLES = sa.table("minhash_articles", sa.column("id", sa.Integer), sa.column("article_id", ID), sa.column("band_keys", sa.LargeBinary))


def _key_blob(keys: list[int]) -> bytes:
    return np.array(keys, dtype="<i8").tobytes()


def _chunks(rows, size: int = _CHUNK):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _streamed(query: sa.Select) -> sa.Select:
    """Rows a few thousand at a time (a server-side cursor on PostgreSQL), not the whole table at once."""
    return query.execution_options(yield_per=_STREAM)


def _insert_tuples(conn: sa.Connection, statement: str, rows) -> None:
    """Many rows through the driver itself (SQLAlchemy's per-row handling would dominate)."""
    if conn.dialect.paramstyle != "qmark":
        statement = statement.replace("?", "%s")
    for chunk in _chunks(rows, 10_000):
        conn.exec_driver_sql(statement, chunk)


def _create_old_bands() -> None:
    op.create_table(
        "minhash_bands",
        sa.Column("article_id", ID, nullable=False),
        sa.Column("band", sa.SmallInteger, nullable=False),
        sa.Column("key", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("article_id", "band", name="pk_minhash_bands"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name="fk_minhash_bands_article_id_articles", ondelete="CASCADE"),
    )
    op.create_index("ix_minhash_bands_band_key", "minhash_bands", ["band", "key"])


def _create_new_bands() -> None:
    op.create_table(
        "minhash_bands",
        sa.Column("key", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("article", sa.Integer, nullable=False, autoincrement=False),
        sa.PrimaryKeyConstraint("key", "article", name="pk_minhash_bands"),
        sqlite_with_rowid=False,
    )


def upgrade() -> None:
    conn = op.get_bind()
    op.create_table(
        "minhash_articles",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("article_id", ID, nullable=False),
        sa.Column("band_keys", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_minhash_articles"),
        sa.UniqueConstraint("article_id", name="uq_minhash_articles_article_id"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name="fk_minhash_articles_article_id_articles", ondelete="CASCADE"),
        sqlite_autoincrement=True,
    )
    # Each article's keys in band order become its blob: the old table is streamed, an article at a time.
    old = conn.execute(_streamed(sa.select(_OLD_BANDS).order_by(_OLD_BANDS.c.article_id, _OLD_BANDS.c.band)))
    owners = ({"article_id": i, "band_keys": _key_blob([r.key for r in rows])} for i, rows in groupby(old, lambda r: r.article_id))
    for chunk in _chunks(owners):
        conn.execute(_ARTICLES.insert(), chunk)
    op.drop_table("minhash_bands")
    _create_new_bands()
    stored = conn.execute(_streamed(sa.select(_ARTICLES.c.id, _ARTICLES.c.band_keys)))
    rows = ((key, n) for n, blob in stored for key in np.unique(np.frombuffer(blob, dtype="<i8")).tolist())
    _insert_tuples(conn, "INSERT INTO minhash_bands (key, article) VALUES (?, ?)", rows)


def downgrade() -> None:
    conn = op.get_bind()
    op.drop_table("minhash_bands")  # minhash_articles still holds every key
    _create_old_bands()
    stored = conn.execute(_streamed(sa.select(_ARTICLES.c.article_id, _ARTICLES.c.band_keys)))
    rows = ((i, band, key) for i, blob in stored for band, key in enumerate(np.frombuffer(blob, dtype="<i8").tolist()))
    _insert_tuples(conn, "INSERT INTO minhash_bands (article_id, band, key) VALUES (?, ?, ?)", rows)
    op.drop_table("minhash_articles")
