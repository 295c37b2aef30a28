"""The embedded store: migrations, idempotent ingest, versions, crash safety, the CLI over it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, inspect, select, text

from storyline.model import Analysis, Article, DupAssignment, Entity, Provenance, Source
from storyline.storage import Store, resolve_url
from storyline.storage.schema import SCHEMA_REVISION, metadata, minhash_articles, minhash_bands

STORYLINE = [sys.executable, "-m", "storyline.cli"]


def _article(text: str, url: str = "https://x.example/a", **kw) -> Article:
    return Article(text=text, source=Source("X News", "x.example"), provenance=Provenance("t"), url=url, title="T", **kw)


def test_migrations_create_exactly_the_schema(store):
    inspector = inspect(store.engine)
    for table in metadata.sorted_tables:
        assert {c["name"] for c in inspector.get_columns(table.name)} == set(table.columns.keys()), table.name
    assert "alembic_version" in inspector.get_table_names()


def test_schema_revision_is_the_newest_migration(store):
    from alembic.script import ScriptDirectory

    from storyline.storage.schema import SCHEMA_REVISION

    assert ScriptDirectory.from_config(store.alembic_config()).get_current_head() == SCHEMA_REVISION
    assert store.schema_revision() == SCHEMA_REVISION


def test_same_article_twice_is_stored_once(store):
    a = _article("Body one.")
    assert store.add_articles([a, a]) == 1
    assert store.add_articles([_article("Body one.")]) == 0
    assert store.count_articles() == 1


def test_recrawl_with_changed_text_is_a_linked_version(store):
    first, second = _article("Body one."), _article("Body one, corrected.")
    store.add_articles([first])
    store.add_articles([second])
    stored = store.get_article(second.id)
    assert stored.version_of == first.id and stored.key == first.key
    assert [a.id for a in store.iter_articles(latest_only=True)] == [second.id]


def test_the_latest_version_is_the_one_published_last_in_one_batch_or_backfilled(tmp_path):
    day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)  # noqa: E731
    older, newer = _article("Body one.", published=day(1)), _article("Body one, corrected.", published=day(2))
    same_batch, backfill = Store(str(tmp_path / "a.db")), Store(str(tmp_path / "b.db"))
    same_batch.add_articles([older, newer])
    backfill.add_articles([newer])
    backfill.add_articles([older])
    for store in (same_batch, backfill):
        assert [a.id for a in store.iter_articles(latest_only=True)] == [newer.id]
    edited = [Article(text=t, source=Source("X News", "x.example"), provenance=Provenance("t"), title="Mill fire",
                      published=day(3)) for t in ("The fire killed 12.", "The fire killed 14.")]
    same_batch.add_articles(edited[:1])  # no URL: outlet and title name the document...
    same_batch.add_articles(edited[1:])  # ...and a later ingest of it (the file edited) is its new version
    assert [a.id for a in same_batch.iter_articles(latest_only=True) if a.title == "Mill fire"] == [edited[1].id]
    briefing = [Article(text=t, source=Source("X News", "x.example"), provenance=Provenance("t"), title="Briefing")
                for t in ("Monday's briefing.", "Tuesday's briefing.")]
    same_batch.add_articles(briefing)  # arriving together, they are two reports that share a title
    assert {a.id for a in briefing} <= {a.id for a in same_batch.iter_articles(latest_only=True)}


def test_only_the_latest_version_of_a_recrawled_article_is_in_a_story(store):
    from storyline.engines.local import LocalEngine

    text = "A ferry struck the pier in Portvale on Saturday, injuring {} people, the harbour master said."
    first = _article(text.format(37), url="https://gazette.example/ferry")
    other = _article(text.format(41), url="https://post.example/ferry")
    store.add_articles([first, other])
    engine = LocalEngine(store)
    engine.update()
    store.add_articles([_article(text.format(41) + " Updated with new figures.", url="https://gazette.example/ferry")])
    stories = engine.update()
    members = {a for s in stories for a in s.article_ids}
    assert first.id not in members and len(members) == 2


def test_article_round_trip_keeps_offset_and_fields(store):
    published = datetime.fromisoformat("2026-03-17T09:30:00+01:00")
    a = _article("Body.", published=published, byline="By A", language="en")
    store.add_articles([a])
    b = store.get_article(a.id[:8])
    assert b.published == published and b.published.utcoffset() == published.utcoffset()
    assert (b.text, b.byline, b.language, b.source, b.provenance) == (a.text, a.byline, a.language, a.source, a.provenance)


def test_filters_by_source_and_date(store):
    store.add_articles(
        [
            _article("A.", url="https://x.example/1", published=datetime(2026, 3, 1, tzinfo=timezone.utc)),
            _article("B.", url="https://x.example/2", published=datetime(2026, 3, 9, tzinfo=timezone.utc)),
            Article(text="C.", source=Source("Y", "y.example"), provenance=Provenance("t")),
        ]
    )
    assert [a.text for a in store.iter_articles(since=datetime(2026, 3, 5, tzinfo=timezone.utc))] == ["B."]
    assert [a.text for a in store.iter_articles(source="y.example")] == ["C."]
    assert [a.text for a in store.iter_articles()] == ["A.", "B.", "C."]  # undated last


def test_analyses_round_trip_and_reanalysis_on_version_change(store):
    a = _article("Ana Ruiz spoke.")
    store.add_articles([a])
    assert store.ids_needing_analysis("v1") == [a.id]
    store.save_analyses([Analysis(a.id, "v1", [(0, 15)], [Entity("Ana Ruiz", "PERSON", 0, 8, "Ana Ruiz")])])
    assert store.ids_needing_analysis("v1") == []
    assert store.ids_needing_analysis("v2") == [a.id]
    assert store.get_analyses([a.id])[a.id].entities[0].canonical == "Ana Ruiz"


def test_db_url_resolution(monkeypatch, tmp_path):
    monkeypatch.delenv("STORYLINE_DB", raising=False)
    assert resolve_url(None) == "sqlite:///storyline.db"
    monkeypatch.setenv("STORYLINE_DB", str(tmp_path / "env.db"))
    assert resolve_url(None).endswith("env.db")
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def _jsonl(path: Path, n: int) -> None:
    with path.open("w") as fh:
        for i in range(n):
            fh.write(json.dumps({"title": f"Story {i}", "text": f"Paragraph number {i} about the harbour. " * 20, "source": "x.example", "url": f"https://x.example/{i}"}) + "\n")


def _count(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*), count(distinct key) from articles").fetchone()


def test_sigkill_half_way_then_rerun_loses_and_duplicates_nothing(tmp_path):
    src, db = tmp_path / "big.jsonl", tmp_path / "kill.db"
    _jsonl(src, 2000)
    cmd = STORYLINE + ["ingest", str(src), "--db", str(db), "--batch-size", "20"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Kill as soon as part of the file is committed (the poll bounds how long we wait, it asserts nothing).
    for _ in range(600):
        if db.exists() and proc.poll() is None:
            try:
                if 0 < _count(db)[0]:
                    break
            except sqlite3.OperationalError:
                pass
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _count(db)[0] < 2000, "the ingest finished before it could be killed"
    subprocess.run(cmd, check=True, capture_output=True)
    assert _count(db) == (2000, 2000)


def test_cli_ingest_errors_exit_code_and_strict(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("title: Good\n\nA good body.\n")
    bad = tmp_path / "bad.bin"
    bad.write_bytes(bytes(range(256)) * 10)
    db = str(tmp_path / "cli.db")
    run = subprocess.run(STORYLINE + ["ingest", str(bad), str(good), "--db", db], capture_output=True, text=True)
    assert run.returncode == 1
    assert f"error: {bad}: binary file" in run.stderr
    assert "1 new" in run.stdout
    strict = subprocess.run(STORYLINE + ["ingest", "--strict", str(bad), str(good), "--db", str(tmp_path / "s.db")], capture_output=True, text=True)
    assert strict.returncode == 1
    assert Store(str(tmp_path / "s.db")).count_articles() == 0


def test_an_id_stored_with_another_text_is_an_error_not_a_silent_drop(tmp_path):
    db = str(tmp_path / "ids.db")
    first, second = tmp_path / "v1.jsonl", tmp_path / "v2.jsonl"
    first.write_text(json.dumps({"id": "d1", "title": "Budget", "text": "The council approved the budget."}) + "\n")
    second.write_text(json.dumps({"id": "d1", "title": "Budget", "text": "The council approved the budget."}) + "\n"
                      + json.dumps({"id": "d1", "title": "Fire", "text": "A fire broke out at the mill."}) + "\n"
                      + json.dumps({"id": "d2", "title": "Ferry", "text": "The ferry strike ended."}) + "\n")
    subprocess.run(STORYLINE + ["ingest", str(first), "--db", db], check=True, capture_output=True)
    run = subprocess.run(STORYLINE + ["ingest", str(second), "--db", db], capture_output=True, text=True)
    assert run.returncode == 1
    assert f"error: {second}:line 2: id 'd1' is already stored with another text" in run.stderr
    assert "2 articles read from 1 files: 1 new, 1 already stored, 1 errors" in run.stdout
    store = Store(db)
    assert store.get_article("d1").text == "The council approved the budget." and store.count_articles() == 2


def test_cli_user_errors_are_one_line_and_ids_with_markup_print_as_text(tmp_path):
    db = str(tmp_path / "mk.db")
    src = tmp_path / "markup.jsonl"
    src.write_text(json.dumps({"id": "[/]", "title": "Budget", "text": "The council approved the budget."}) + "\n"
                   + json.dumps({"id": "[bold]x[/bold]", "title": "Mill", "text": "The mill will close."}) + "\n")
    subprocess.run(STORYLINE + ["ingest", str(src), "--db", db], check=True, capture_output=True)
    listing = subprocess.run(STORYLINE + ["articles", "--db", db], capture_output=True, text=True)
    assert listing.returncode == 0 and "[/]" in listing.stdout and "[bold]x[/bold]" in listing.stdout
    for args, message in [
        (["articles", "--db", str(tmp_path / "missing" / "x.db")], "unable to open database file"),
        (["brief", "--db", db, "--format", "html", "-o", str(tmp_path / "missing" / "b.html")], "No such file or directory"),
        (["import-results", str(tmp_path / "missing"), "--db", db], "not a directory written by `storyline batch`"),
    ]:
        run = subprocess.run(STORYLINE + args, capture_output=True, text=True)
        assert run.returncode == 1 and message in run.stderr and "Traceback" not in run.stderr, args


def test_cli_cluster_reports_bad_records_and_clusters_the_store_without_input(tmp_path):
    src = tmp_path / "in.jsonl"
    good = [{"id": f"c{n}", "title": f"Ferry strike ends ({n})", "text": "The ferry strike in Portvale ended on Tuesday."} for n in (1, 2)]
    src.write_text("\n".join(json.dumps(g) for g in good) + '\n{"id": "c3", "title": "x", "text": ""}\n{broken\n')
    run = subprocess.run(STORYLINE + ["cluster", str(src), "--format", "jsonl"], capture_output=True, text=True)
    assert run.returncode == 1
    assert [json.loads(line)["id"] for line in run.stdout.splitlines()] == ["c1", "c2"]
    assert f"error: {src}:line 3: empty body" in run.stderr and f"error: {src}:line 4: invalid JSON" in run.stderr
    db = str(tmp_path / "c.db")
    subprocess.run(STORYLINE + ["ingest", str(src), "--db", db], capture_output=True)
    stored = subprocess.run(STORYLINE + ["cluster", "--db", db, "--format", "jsonl"], capture_output=True, text=True)
    assert stored.returncode == 0 and {json.loads(line)["id"] for line in stored.stdout.splitlines()} == {"c1", "c2"}


def test_cli_source_filter_finds_an_outlet_with_accents(tmp_path):
    src, db = tmp_path / "e.jsonl", str(tmp_path / "e.db")
    src.write_text(json.dumps({"title": "Summit", "text": "The summit was confirmed.", "source": "Élysée Times (elysee.example)"}) + "\n")
    subprocess.run(STORYLINE + ["ingest", str(src), "--db", db], check=True, capture_output=True)
    run = subprocess.run(STORYLINE + ["articles", "--db", db, "--source", "Élysée Times", "--format", "json"], capture_output=True, text=True)
    assert [a["title"] for a in json.loads(run.stdout)] == ["Summit"]  # SQLite's lower() folds ASCII only


def test_cli_analyze_table_is_a_summary_of_each_article(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "a1", "title": "Mill", "text": "The mill will close, Ana Ruiz said on Tuesday."}) + "\n")
    run = subprocess.run(STORYLINE + ["analyze", str(src), "--format", "table"], capture_output=True, text=True)
    assert run.returncode == 0 and "sentences" in run.stdout and "a1" in run.stdout and "{" not in run.stdout


def test_cli_articles_and_show_json(tmp_path):
    src = tmp_path / "a.jsonl"
    _jsonl(src, 3)
    db = str(tmp_path / "cli.db")
    subprocess.run(STORYLINE + ["ingest", str(src), "--db", db], check=True, capture_output=True)
    listing = subprocess.run(STORYLINE + ["articles", "--db", db, "--format", "jsonl"], check=True, capture_output=True, text=True)
    rows = [json.loads(line) for line in listing.stdout.splitlines()]
    assert len(rows) == 3 and {r["source"] for r in rows} == {"x.example"}
    shown = subprocess.run(STORYLINE + ["show", rows[0]["id"], "--db", db, "--format", "json"], check=True, capture_output=True, text=True)
    assert json.loads(shown.stdout)["text"].startswith("Paragraph number")
    env = dict(os.environ, STORYLINE_DB=db)
    via_env = subprocess.run(STORYLINE + ["articles", "--format", "json"], check=True, capture_output=True, text=True, env=env)
    assert len(json.loads(via_env.stdout)) == 3


def test_every_command_has_help():
    from storyline.cli.app import app

    import typer.main

    group = typer.main.get_command(app)
    for name in group.list_commands(None):
        run = subprocess.run(STORYLINE + [name, "--help"], capture_output=True, text=True)
        assert run.returncode == 0 and "Usage" in run.stdout, name


# ------------------------------------------------------------------ migration 0002: the band index by key


def _report(n: int, outlet: str = "X News") -> Article:
    """A fictional report of 80 seeded words, one outlet and URL each."""
    import random

    rng = random.Random(n)
    words = [f"{c}{v}{e}" for c in "bdfgklmnprst" for v in "aeiou" for e in ("n", "r", "s", "")]
    text = " ".join(rng.choice(words) for _ in range(80)) + "."
    return Article(text=text, source=Source(outlet), provenance=Provenance("t"), url=f"https://x.example/{outlet}/{n}", title=f"R{n}")


def _store_at(revision: str, url: str, articles: list[Article]) -> Store:
    """A store migrated only up to ``revision``, holding ``articles``."""
    old = Store(url, migrate=False)
    _alembic(old, "upgrade", revision)
    old.add_articles(articles)
    return old


def _backend_url(tmp_path, request, backend: str) -> str:
    return str(tmp_path / "old.db") if backend == "sqlite" else request.getfixturevalue("pg_url")


def _alembic(store: Store, action: str, revision: str) -> None:
    from alembic import command

    with store.engine.begin() as conn:
        cfg = store.alembic_config()
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)


def _old_band_rows(store: Store) -> set[tuple]:
    with store.engine.connect() as conn:
        return set(conn.exec_driver_sql("SELECT article_id, band, key FROM minhash_bands").all())


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migration_0002_carries_the_band_index_over_and_back(tmp_path, request, backend):
    from storyline.dedup import find_duplicates, text_band_keys
    from storyline.storage.bands import SqlIndex

    url = _backend_url(tmp_path, request, backend)
    reports = [_report(n) for n in range(3)]
    old = _store_at("0001", url, reports)
    rows = [(a.id, band, key) for a in reports for band, key in enumerate(text_band_keys(a.text))]
    with old.engine.begin() as conn:  # what revision 0001's index wrote: a row per (article, band), a group each
        statement = "INSERT INTO minhash_bands (article_id, band, key) VALUES (?, ?, ?)"
        conn.exec_driver_sql(statement if backend == "sqlite" else statement.replace("?", "%s"), rows)
    old.save_dup_groups([DupAssignment(a.id, a.id, a.id, None) for a in reports])
    old.engine.dispose()

    store = Store(url)  # migrates to the newest revision
    assert store.schema_revision() == SCHEMA_REVISION
    with store.engine.connect() as conn:
        stored = dict(conn.execute(select(minhash_articles.c.article_id, minhash_articles.c.band_keys)).all())
        assert conn.scalar(select(func.count()).select_from(minhash_bands)) == len(rows)
    assert {i: np.frombuffer(blob, dtype="<i8").tolist() for i, blob in stored.items()} == {
        a.id: text_band_keys(a.text) for a in reports
    }

    copy = Article(text=reports[1].text + " Copyright Valley Herald.", source=Source("Valley Herald"), provenance=Provenance("t"))
    store.add_articles([copy])
    with SqlIndex(store) as index:
        assert index.unindexed_ids() == [copy.id]
        found = {d.id: d for d in find_duplicates(store.get_articles([copy.id]), index)}
    assert found[copy.id].group == reports[1].id  # the migrated keys find the stored original

    _alembic(store, "downgrade", "0001")
    assert _old_band_rows(store) == set(rows) | {(copy.id, band, key) for band, key in enumerate(text_band_keys(copy.text))}
    store.engine.dispose()


# ------------------------------------------------------------------ migration 0003: the word index


def _word_hits(store: Store, words: str) -> set[str]:
    from storyline.web.queries import Filters, find_articles

    return {r["title"] for r in find_articles(store, Filters(words=words), 100, 0).items}


def _word_index_objects(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            return set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name LIKE 'articles_fts%' AND type != 'index'").scalars())
        return {i["name"] for i in inspect(conn).get_indexes("articles") if i["name"] == "ix_articles_fts"}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migration_0003_indexes_the_stored_articles_and_goes_back(tmp_path, request, backend):
    url = _backend_url(tmp_path, request, backend)
    reports = [_report(n) for n in range(3)]
    _store_at("0002", url, reports).engine.dispose()

    store = Store(url)  # migrates to the newest revision
    assert store.schema_revision() == SCHEMA_REVISION
    word = reports[1].text.split()[0]
    expected = {a.title for a in reports if any(w.startswith(word) for w in a.text.rstrip(".").split())}  # word starts
    assert _word_hits(store, word) == expected and _word_hits(store, f"{word} {reports[1].title}") == {reports[1].title}
    store.add_articles([_report(3)])  # stored after the migration: the index keeps up
    assert _word_hits(store, _report(3).title) == {_report(3).title}

    _alembic(store, "downgrade", "0002")
    assert _word_index_objects(store) == set()
    store.add_articles([_report(4)])  # no triggers left behind that write to a dropped table
    _alembic(store, "upgrade", "head")
    assert _word_hits(store, _report(4).title) == {_report(4).title}  # filled again from the table
    if backend == "sqlite":  # FTS5 checks its index against the articles; an error if they differ
        with store.begin() as conn:
            conn.exec_driver_sql("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
    expected = {"articles_fts", "articles_fts_insert", "articles_fts_update", "articles_fts_delete"} if backend == "sqlite" else {"ix_articles_fts"}
    assert expected <= _word_index_objects(store)  # (with FTS5's own tables on SQLite)
    store.engine.dispose()


# ------------------------------------------------------------------ migration 0004: accents folded on PostgreSQL

CAFE = Article(text="Talks resumed at the Café Lumière in Zürich on Monday.", title="Talks at the café",
               source=Source("Kellsport Courier"), provenance=Provenance("t"), url="https://kellsport.example/cafe")


def _fold_function(store: Store) -> str | None:
    with store.engine.connect() as conn:
        return conn.scalar(text("SELECT prosrc FROM pg_proc WHERE proname = 'storyline_fold'"))


@pytest.mark.postgres
def test_migration_0004_folds_the_stored_articles_and_goes_back(pg_url):
    _store_at("0003", pg_url, [CAFE]).engine.dispose()

    store = Store(pg_url)  # migrates to the newest revision
    assert "unaccent" in _fold_function(store)
    assert _word_hits(store, "cafe lumiere zurich") == _word_hits(store, "CAFÉ") == {CAFE.title}

    _alembic(store, "downgrade", "0003")
    assert _fold_function(store) is None and _word_index_objects(store) == {"ix_articles_fts"}
    store.engine.dispose()


@pytest.mark.postgres
def test_a_role_that_may_not_create_the_extension_still_gets_word_search(pg_url, capfd):
    """unaccent is a trusted extension, but creating one takes the CREATE privilege on the database."""
    owner = Store(pg_url, migrate=False)
    with owner.begin() as conn:
        conn.exec_driver_sql("CREATE ROLE reporter LOGIN")
        conn.exec_driver_sql("GRANT USAGE, CREATE ON SCHEMA public TO reporter")
    owner.engine.dispose()

    store = Store(pg_url.replace("storyline@", "reporter@"))
    assert store.schema_revision() == SCHEMA_REVISION
    assert "will not fold accents" in capfd.readouterr().err
    assert _fold_function(store).strip() == "SELECT $1"
    store.add_articles([CAFE])
    assert _word_hits(store, "Lumière Zürich") == {CAFE.title}
    assert _word_hits(store, "lumiere") == set()  # as stored, without folding
    store.engine.dispose()
    with owner.begin() as conn:  # roles belong to the whole server, which the session shares
        conn.exec_driver_sql("DROP OWNED BY reporter")
        conn.exec_driver_sql("DROP ROLE reporter")
    owner.engine.dispose()
