"""The same store on a real PostgreSQL server: migrations, ingest, concurrency, briefs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import inspect, text

from conftest import EXAMPLES
from storyline.engines.local import LocalEngine
from storyline.storage import Store
from storyline.storage.schema import SCHEMA_REVISION, metadata

pytestmark = pytest.mark.postgres
STORYLINE = [sys.executable, "-m", "storyline.cli"]


def test_migrations_from_an_empty_database(pg_url):
    store = Store(pg_url)
    assert store.engine.dialect.name == "postgresql"
    inspector = inspect(store.engine)
    for table in metadata.sorted_tables:
        assert {c["name"] for c in inspector.get_columns(table.name)} == set(table.columns.keys())
    assert store.schema_revision() == SCHEMA_REVISION
    Store(pg_url)  # a second open is a no-op, not an error
    with store.engine.connect() as conn:
        assert conn.scalar(text("select count(*) from alembic_version")) == 1


def test_ingest_example_corpus_idempotent(pg_url):
    first = subprocess.run(STORYLINE + ["ingest", str(EXAMPLES), "--db", pg_url, "--format", "json"], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["new"] == summary["articles"] > 10
    again = json.loads(subprocess.run(STORYLINE + ["ingest", str(EXAMPLES), "--db", pg_url, "--format", "json"], capture_output=True, text=True, check=True).stdout)
    assert again["new"] == 0 and again["already_stored"] == summary["articles"]
    assert Store(pg_url).count_articles() == summary["articles"]


def test_four_concurrent_ingests_neither_duplicate_nor_lose(pg_url, tmp_path):
    src = tmp_path / "shared.jsonl"
    with src.open("w") as fh:
        for i in range(600):
            fh.write(json.dumps({"title": f"T{i}", "text": f"Body {i} about the harbour.", "source": "x.example", "url": f"https://x.example/{i}"}) + "\n")
    Store(pg_url)  # migrate once; concurrent first migrations are serialised by an advisory lock anyway
    procs = [subprocess.Popen(STORYLINE + ["ingest", str(src), "--db", pg_url, "--batch-size", "25", "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [p.communicate() for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outputs]
    new_total = sum(json.loads(out)["new"] for out, _ in outputs)
    assert new_total == 600
    with Store(pg_url).engine.connect() as conn:
        assert conn.execute(text("select count(*), count(distinct id), count(distinct key) from articles")).one() == (600, 600, 600)


def test_concurrent_first_migrations(pg_url):
    code = f"from storyline.storage import Store; Store({pg_url!r})"
    procs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True) for _ in range(4)]
    assert all(p.wait() == 0 for p in procs), [p.stderr.read() for p in procs]
    assert Store(pg_url).schema_revision() == SCHEMA_REVISION


def test_fetching_a_brief(pg_url):
    engine = LocalEngine(Store(pg_url))
    engine.ingest([str(EXAMPLES)])
    stories = engine.update()
    biggest = max(stories, key=lambda s: s.size)
    brief = engine.brief(biggest.id)
    assert brief is not None and brief.id == biggest.id and len(brief.articles) == biggest.size
    cached = engine.brief(biggest.id)  # second fetch comes from the briefs table
    assert cached == brief


def test_word_search_uses_the_gin_index(pg_url):
    """The query's tsvector expression is the index's: PostgreSQL only uses an expression index it matches."""
    from sqlalchemy import select

    from storyline.storage.schema import articles
    from storyline.web.queries import _has_words

    store = Store(pg_url)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")  # a near-empty table would be scanned otherwise
        query = select(articles.c.id).where(_has_words(conn, ["bridg", "vogt"]))
        plan = "\n".join(conn.execute(text("EXPLAIN " + str(query.compile(conn, compile_kwargs={"literal_binds": True})))).scalars())
    assert "ix_articles_fts" in plan, plan


def test_a_background_upload_is_tracked_in_the_database(pg_url):
    """Any server process can answer for a job: its state is a row, here on PostgreSQL."""
    import time

    from fastapi.testclient import TestClient

    from storyline.web import create_app

    client = TestClient(create_app(pg_url, "pg-token"))
    files = [("files", (p.name, p.read_bytes())) for p in sorted(EXAMPLES.glob("*.jsonl"))]
    r = client.post("/api/articles", params={"wait": "false"}, files=files, headers={"Authorization": "Bearer pg-token"})
    assert r.status_code == 202, r.text
    while (job := client.get(r.json()["url"]).json())["state"] not in ("done", "failed"):
        time.sleep(0.05)
    assert job["state"] == "done" and job["outcome"]["new"] > 0 and job["outcome"]["update_error"] is None
    assert client.get("/api/stories").json()["total"] == job["outcome"]["stories"]
