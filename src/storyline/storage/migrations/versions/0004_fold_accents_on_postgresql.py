"""Word search folds accents on PostgreSQL too, as FTS5 does on SQLite: "Jose" finds "José".

The GIN index of 0003 is rebuilt over the same text folded by ``storyline_fold`` before its ASCII
punctuation becomes space, and queries fold their words with the same function
(``storyline.storage.schema.ARTICLE_TSVECTOR``, ``FOLD_FUNCTION``). ``storyline_fold`` wraps the ``unaccent`` extension, which ships with
PostgreSQL and is trusted since version 13, so a database owner may create it. An index needs
an IMMUTABLE function, and ``unaccent(text)`` is only STABLE (it reads its dictionary by
search_path); the wrapper names the extension's schema and dictionary outright, which is what
makes it safe to declare immutable. Where the extension cannot be created (an older server, or a
role that may not), the function returns the text as it is: search works, without folding, and
the migration says so on stderr. Once the extension can be created, re-create the function with
its body as above and ``REINDEX INDEX ix_articles_fts``.

SQLite: nothing to do (``unicode61 remove_diacritics 2`` folds already).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

import sys

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FOLD = "storyline_fold"
PUNCTUATION = "'[!-/:-@[-`{-~]+'"
TSVECTOR_0003 = f"to_tsvector('simple'::regconfig, regexp_replace(coalesce(title, '') || ' ' || text, {PUNCTUATION}, ' ', 'g'))"
# Folded before punctuation becomes space: unaccent maps some letters to ASCII marks ("Hawaiʻi" -> "Hawai'i").
TSVECTOR = f"to_tsvector('simple'::regconfig, regexp_replace({FOLD}(coalesce(title, '') || ' ' || text), {PUNCTUATION}, ' ', 'g'))"


def _unaccent_schema(bind: sa.engine.Connection) -> str | None:
    """The schema of the ``unaccent`` extension, created here if need be; None when it cannot be."""
    schema = bind.scalar(sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                                 "WHERE e.extname = 'unaccent'"))
    if schema is not None:
        return schema
    try:
        with bind.begin_nested():  # a failure rolls back to here, not the whole migration
            bind.exec_driver_sql("CREATE EXTENSION unaccent")
    except sa.exc.DBAPIError as e:
        reason = str(e.orig).splitlines()[0] if e.orig else str(e)
        print(f"storyline: word search will not fold accents on this PostgreSQL server: {reason}", file=sys.stderr)
        return None
    return _unaccent_schema(bind)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = _unaccent_schema(bind)
    body = f'"{schema}".unaccent(\'"{schema}".unaccent\'::regdictionary, $1)' if schema else "$1"
    op.execute(f"CREATE FUNCTION {FOLD}(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
               f"AS $$ SELECT {body} $$")
    op.drop_index("ix_articles_fts", "articles")
    op.create_index("ix_articles_fts", "articles", [sa.text(TSVECTOR)], postgresql_using="gin")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_articles_fts", "articles")
    op.create_index("ix_articles_fts", "articles", [sa.text(TSVECTOR_0003)], postgresql_using="gin")
    op.execute(f"DROP FUNCTION {FOLD}(text)")  # the extension stays: other code may use it
