"""The first schema: articles, analyses, band index, duplicate groups, stories, cached briefs.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", ID, primary_key=True),
        sa.Column("key", ID, nullable=False),
        sa.Column("version_of", ID, sa.ForeignKey("articles.id", name="fk_articles_version_of_articles"), nullable=True),
        sa.Column("url", sa.Text),
        sa.Column("source_name", sa.Text, nullable=False),
        sa.Column("source_domain", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("byline", sa.Text),
        sa.Column("published", sa.Text),
        sa.Column("published_utc", sa.DateTime),
        sa.Column("language", sa.String(16)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("content_hash", ID, nullable=False),
        sa.Column("source_file", sa.Text, nullable=False),
        sa.Column("source_locator", sa.Text),
        sa.Column("ingested_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_articles"),
    )
    op.create_index("ix_articles_key", "articles", ["key"])
    op.create_index("ix_articles_source_domain", "articles", ["source_domain"])
    op.create_index("ix_articles_published_utc", "articles", ["published_utc"])

    op.create_table(
        "analyses",
        sa.Column("article_id", ID, nullable=False),
        sa.Column("analyzer", sa.String(128), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("article_id", name="pk_analyses"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name="fk_analyses_article_id_articles", ondelete="CASCADE"),
    )

    op.create_table(
        "minhash_bands",
        sa.Column("article_id", ID, nullable=False),
        sa.Column("band", sa.SmallInteger, nullable=False),
        sa.Column("key", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("article_id", "band", name="pk_minhash_bands"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name="fk_minhash_bands_article_id_articles", ondelete="CASCADE"),
    )
    op.create_index("ix_minhash_bands_band_key", "minhash_bands", ["band", "key"])

    op.create_table(
        "dup_groups",
        sa.Column("article_id", ID, nullable=False),
        sa.Column("group_id", ID, nullable=False),
        sa.Column("parent_id", ID, nullable=False),
        sa.Column("syndicated_from", sa.Text),
        sa.PrimaryKeyConstraint("article_id", name="pk_dup_groups"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name="fk_dup_groups_article_id_articles", ondelete="CASCADE"),
    )
    op.create_index("ix_dup_groups_group_id", "dup_groups", ["group_id"])

    op.create_table(
        "stories",
        sa.Column("id", ID, nullable=False),
        sa.Column("headline", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sources", sa.JSON, nullable=False),
        sa.Column("first_seen", sa.DateTime),
        sa.Column("last_seen", sa.DateTime),
        sa.PrimaryKeyConstraint("id", name="pk_stories"),
    )
    op.create_index("ix_stories_first_seen", "stories", ["first_seen"])
    op.create_index("ix_stories_last_seen", "stories", ["last_seen"])

    op.create_table(
        "story_articles",
        sa.Column("article_id", ID, nullable=False),
        sa.Column("story_id", ID, nullable=False),
        sa.PrimaryKeyConstraint("article_id", name="pk_story_articles"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name="fk_story_articles_article_id_articles", ondelete="CASCADE"),
    )
    op.create_index("ix_story_articles_story_id", "story_articles", ["story_id"])

    op.create_table(
        "briefs",
        sa.Column("story_id", ID, nullable=False),
        sa.Column("fingerprint", ID, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("built_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("story_id", name="pk_briefs"),
    )


def downgrade() -> None:
    for table in ("briefs", "story_articles", "stories", "dup_groups", "minhash_bands", "analyses", "articles"):
        op.drop_table(table)
