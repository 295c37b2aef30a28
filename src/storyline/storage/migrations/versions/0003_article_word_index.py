"""A full-text index over article titles and texts, for the web app's word search.

SQLite: an FTS5 table ``articles_fts(title, text)`` with external content on
``articles`` (matched by rowid), so the texts are not stored twice and
``'rebuild'`` fills it from the table. Triggers keep it current on insert,
update and delete. The ``unicode61`` tokenizer with ``remove_diacritics 2``
folds case and accents in any script. ``articles`` has no INTEGER PRIMARY KEY,
so its rowids are implicit: VACUUM keeps them, but a later migration that
recreates ``articles`` (batch mode) drops the triggers and renumbers the rows,
and must then recreate the triggers and rebuild the index.

PostgreSQL: a GIN expression index on the title and text as a ``simple``
tsvector (lower-cased words, no stemming, no stop words); queries must use the
same expression (``storyline.storage.schema.ARTICLE_TSVECTOR``). ASCII
punctuation becomes a space first: PostgreSQL's parser would otherwise keep
"3.5", "example.com" or "a@b.org" as one word, where FTS5 and the query side
see two or three; its own idea of a letter is left alone, since the regex
classes ([[:alnum:]]) know only ASCII letters in a database with the C locale.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TSVECTOR = "to_tsvector('simple'::regconfig, regexp_replace(coalesce(title, '') || ' ' || text, '[!-/:-@[-`{-~]+', ' ', 'g'))"

_FTS_DELETE = "INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);"
_FTS_INSERT = "INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);"
_SQLITE_UP = [
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN {_FTS_INSERT} END",
    f"CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN {_FTS_DELETE} END",
    f"CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN {_FTS_DELETE} {_FTS_INSERT} END",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",  # the articles stored so far
]
_SQLITE_DOWN = [
    "DROP TRIGGER articles_fts_update",
    "DROP TRIGGER articles_fts_delete",
    "DROP TRIGGER articles_fts_insert",
    "DROP TABLE articles_fts",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_UP:
            op.execute(statement)
    elif dialect == "postgresql":
        op.create_index("ix_articles_fts", "articles", [sa.text(TSVECTOR)], postgresql_using="gin")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_DOWN:
            op.execute(statement)
    elif dialect == "postgresql":
        op.drop_index("ix_articles_fts", "articles")
