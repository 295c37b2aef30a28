"""The Spark batch engine against the local engine on the same input (real local[2] Spark)."""

from __future__ import annotations

import json
import pickle
import random
import shutil
import statistics
from datetime import datetime, timedelta, timezone

import pytest

from storyline.engines.spark_input import record_of
from storyline.engines.spark_results import read_dup_groups, read_stories, read_story_assignments, run_local_batch
from storyline.engines.spark_stories import _multiples_between, clock_ranks, median_of_histogram
from storyline.eval.cluster import bcubed
from storyline.model import Article, Provenance, Source

from conftest import EXAMPLES

pytestmark = pytest.mark.spark


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark", reason="pyspark is not installed: pip install 'storyline[spark]'")
    if shutil.which("java") is None:
        pytest.skip("Java is not installed: Spark needs a JDK (apt-get install openjdk-17-jre-headless)")
    from storyline.engines.spark import spark_session

    session = spark_session("local[2]", {"spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2"})
    yield session
    session.stop()


# ---------------------------------------------------------------- inputs


def write_jsonl(path, articles, analyses=None):
    with open(path, "w", encoding="utf-8") as f:
        for i, a in enumerate(articles):
            f.write(json.dumps(record_of(a, analyses[i] if analyses else None)) + "\n")
    return str(path)


STORIES = [
    dict(event="ferry collision", place="Quillhaven", person="Marta Oyelaran", org="Tidewater Lines", n=41,
         words="hull pier captain passengers harbour tugboat inspectors"),
    dict(event="library fire", place="Brackenford", person="Tomas Eskildsen", org="Civic Archive Trust", n=3,
         words="manuscripts blaze firefighters shelves smoke restoration archivists"),
    dict(event="bridge closure", place="Olvermouth", person="Priya Nandakumar", org="Roads Authority", n=12,
         words="cracks girders traffic engineers detour commuters steel"),
    dict(event="mill strike", place="Dunmere", person="Grace Achterberg", org="Weavers Union", n=600,
         words="wages looms pickets shifts management ballot overtime"),
    dict(event="museum theft", place="Sallowby", person="Henrik Valcourt", org="Sallowby Gallery", n=7,
         words="paintings alarm thieves canvases curator insurers vault"),
    dict(event="flood warning", place="Ashcombe", person="Lena Okonkwo", org="River Board", n=250,
         words="levees rainfall sandbags evacuation pumps meadows reservoir"),
]
TEMPLATES = [
    "Officials in {place} said the {event} left {n} people needing help on {day}.",
    "{person} of the {org} said the {event} was being investigated and that {w0} and {w1} were examined.",
    "Residents of {place} described {w2} and {w3} in the hours after the {event}.",
    "The {org} said it had sent {w4} to {place} and would report within a week.",
    "\"We have never seen anything like this {event},\" {person} told reporters in {place}.",
    "Local councillors asked the {org} to explain why the {w5} had not been checked before the {event}.",
    "By evening, {w6} and {w0} were still being assessed across {place}, {person} said.",
    "The {event} is the second such incident in {place} in two years, according to the {org}.",
]
LEXICON = dict(
    adj="quiet narrow busy early eastern ordinary brief late crowded familiar steady modest".split(),
    noun="market square council lane school station bakery committee workshop garden hall clinic".split(),
    verb="opened visited reviewed described praised watched delayed supported noted measured".split(),
)
OUTLETS = ["Harbour Gazette", "Evening Star", "Northern Ledger", "Island Voice", "Coastline Daily", "Portvale Post"]


def _report(story, rng, day):
    """Three of the story's facts among four sentences of the outlet's own: reports differ, copies do not."""
    words = story["words"].split()
    fill = dict(story, day=day.strftime("%A"), **{f"w{i}": w for i, w in enumerate(words)})
    facts = [t.format(**fill) for t in rng.sample(TEMPLATES, 3)]
    own = [_filler(rng, story["place"]) for _ in range(4)]
    return "\n\n".join(facts[:1] + own[:2] + facts[1:] + own[2:])


def _filler(rng, place):
    pick = lambda kind: rng.choice(LEXICON[kind])  # noqa: E731
    return (f"The {pick('adj')} {pick('noun')} {pick('verb')} the {pick('adj')} {pick('noun')} near {place}, "
            f"and a {pick('noun')} {pick('verb')} the {pick('noun')} on the {pick('adj')} {pick('noun')}.")


def synthetic_articles(seed: int = 7) -> list[Article]:
    """Six fictional stories, four independent reports each, and copies: re-headlined, trimmed, wire-credited."""
    rng = random.Random(seed)
    start = datetime(2031, 3, 1, 8, tzinfo=timezone.utc)
    articles = []
    for s, story in enumerate(STORIES):
        day = start + timedelta(days=11 * s)
        for r in range(4):
            when = day + timedelta(hours=5 * r + rng.randint(0, 3))
            text = _report(story, rng, when)
            if r == 0:
                text = f"{story['place'].upper()} (AP) — " + text
            outlet = OUTLETS[(s + r) % len(OUTLETS)]
            title = f"{story['event'].title()} in {story['place']}: {rng.choice(['latest', 'what we know', 'update'])}"
            articles.append(_article(text, title, outlet, when, f"https://{outlet.replace(' ', '').lower()}.example/{s}-{r}"))
            if r in (0, 1):  # copies of the first two reports
                copy_when = when + timedelta(hours=2)
                other = OUTLETS[(s + r + 3) % len(OUTLETS)]
                trimmed = text.rsplit("\n\n", 1)[0] if r else text + "\n\nThe Associated Press contributed to this report."
                articles.append(_article(trimmed, f"{story['place']} {story['event']}", other, copy_when,
                                         f"https://{other.replace(' ', '').lower()}.example/copy-{s}-{r}"))
    return articles


def _article(text, title, outlet, when, url):
    return Article(text=text, title=title, source=Source(outlet), published=when, url=url,
                   provenance=Provenance("synthetic"))


# ---------------------------------------------------------------- runs (one per engine and corpus)


@pytest.fixture(scope="module")
def example_runs(spark, tmp_path_factory):
    """The example corpus, analysed by each engine itself (Spark: spaCy in mapPartitions)."""
    from storyline.engines.spark import run_spark_batch
    from storyline.ingest import read_paths

    tmp = tmp_path_factory.mktemp("example")
    articles = [a for a in read_paths([str(EXAMPLES)]) if isinstance(a, Article)]
    path = write_jsonl(tmp / "example.jsonl", articles)
    return run_local_batch(path, str(tmp / "local")), run_spark_batch(spark, path, str(tmp / "spark")), tmp


@pytest.fixture(scope="module")
def synthetic_runs(spark, tmp_path_factory):
    """The synthetic corpus with analyses carried in the input, as the benchmark does."""
    from storyline.analyze import Analyzer
    from storyline.engines.spark import StoryOptions, run_spark_batch

    tmp = tmp_path_factory.mktemp("synthetic")
    articles = synthetic_articles()
    path = write_jsonl(tmp / "synthetic.jsonl", articles, list(Analyzer().pipe(articles)))
    local = run_local_batch(path, str(tmp / "local"))
    # driver_max_edges=0: components by label propagation in DataFrames, not on the driver
    remote = run_spark_batch(spark, path, str(tmp / "spark"), StoryOptions(driver_max_edges=0))
    return local, remote, tmp


def _same_dups(tmp):
    local = {d.id: d for d in read_dup_groups(str(tmp / "local"))}
    remote = {d.id: d for d in read_dup_groups(str(tmp / "spark"))}
    assert local.keys() == remote.keys()
    assert {i: d for i, d in remote.items() if d != local[i]} == {}
    return local


def _agreement(tmp):
    local, remote = read_story_assignments(str(tmp / "local")), read_story_assignments(str(tmp / "spark"))
    assert local.keys() == remote.keys()
    return bcubed(local, remote)


def test_example_corpus_dup_groups_equal_local(example_runs):
    local_report, spark_report, tmp = example_runs
    dups = _same_dups(tmp)
    assert spark_report.articles == local_report.articles == len(dups)
    assert spark_report.dup_groups == local_report.dup_groups >= 1


def test_example_corpus_stories_agree_with_local(example_runs):
    local_report, spark_report, tmp = example_runs
    scores = _agreement(tmp)
    assert scores.precision >= 0.98 and scores.recall >= 0.98
    assert spark_report.stories == local_report.stories


def test_synthetic_dup_groups_equal_local(synthetic_runs):
    _, spark_report, tmp = synthetic_runs
    dups = _same_dups(tmp)
    copies = [d for d in dups.values() if d.id != d.parent]
    assert len(copies) >= 10  # the fixture has 12 copies; the comparison is not vacuous
    assert spark_report.dup_groups >= 10
    assert any(d.syndicated_from == "AP" for d in copies)


def test_synthetic_stories_agree_with_local(synthetic_runs):
    local_report, spark_report, tmp = synthetic_runs
    scores = _agreement(tmp)
    assert scores.precision >= 0.98 and scores.recall >= 0.98
    assert 1 < spark_report.stories < spark_report.articles
    assert {s.headline for s in read_stories(str(tmp / "spark"))} == {s.headline for s in read_stories(str(tmp / "local"))}


def undated_headline_stream(seed: int = 3, between: int = 300) -> list[Article]:
    """A feed without timestamps: one story's headlines, ``between`` unrelated ones, then a follow-up of it."""
    rng = random.Random(seed)
    story = STORIES[0]

    def ferry(i: int) -> Article:
        detail = rng.choice(["hull", "pier", "passengers"])
        return _headline(f"{story['place']} {story['event']}: {story['person']} on {detail}", f"ferry-{i}")

    def follow_up(i: int) -> Article:
        blamed = rng.choice(["inspectors", "captain", "tugboat"])
        return _headline(f"{story['org']} report on {story['place']} {story['event']} blames {blamed}", f"ferry-{i}")

    def filler(i: int) -> Article:
        pick = lambda kind: rng.choice(LEXICON[kind])  # noqa: E731
        return _headline(f"{pick('adj').title()} {pick('noun')} {pick('verb')} the {pick('noun')}", f"other-{i}")

    return [ferry(i) for i in range(5)] + [filler(i) for i in range(between)] + [follow_up(i) for i in range(5, 10)]


def _headline(title: str, key: str) -> Article:
    return Article(text=title, title=title, source=Source("Wire Feed"), url=f"https://feed.example/{key}",
                   provenance=Provenance("synthetic"))


def test_undated_stream_stories_equal_local(spark, tmp_path):
    """Undated headlines are compared by their arrivals: Spark's replay must number them as the local pass does."""
    from storyline.analyze import Analyzer
    from storyline.cluster import DocFreq, OnlineClusterer, article_features, choose_model
    from storyline.engines.spark import run_spark_batch

    articles = undated_headline_stream()
    analyses = list(Analyzer().pipe(articles))
    path = write_jsonl(tmp_path / "feed.jsonl", articles, analyses)
    run_local_batch(path, str(tmp_path / "local"))
    run_spark_batch(spark, path, str(tmp_path / "spark"))
    local, remote = read_story_assignments(str(tmp_path / "local")), read_story_assignments(str(tmp_path / "spark"))
    assert remote == local
    ids = {a.url.rsplit("/", 1)[1]: a.id for a in articles}
    first, later = ({local[ids[f"ferry-{i}"]] for i in part} for part in (range(5), range(5, 10)))
    assert len(first) == len(later) == 1 and first != later  # 300 arrivals on, the follow-up is a story of its own
    # ... which it is not when every article arrives at once: the arrivals decided it
    features = [article_features(a, an) for a, an in zip(articles, analyses)]
    timeless = OnlineClusterer(choose_model(features), DocFreq.of(features))
    for f in features:
        timeless.add(f, arrival=0)
    timeless.finish()
    assert timeless.story_of[ids["ferry-0"]] == timeless.story_of[ids["ferry-9"]]


def test_spark_reads_parquet_input_like_jsonl(spark, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from storyline.engines.spark import read_articles

    def articles(path):
        return {a.id: a for a in (pickle.loads(r.article) for r in read_articles(spark, str(path)).collect())}

    records = [record_of(a) for a in synthetic_articles(seed=3)[:8]]
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "in.parquet")
    write_jsonl(tmp_path / "in.jsonl", synthetic_articles(seed=3)[:8])
    from_parquet, from_json = articles(tmp_path / "in.parquet"), articles(tmp_path / "in.jsonl")
    assert from_parquet.keys() == from_json.keys() == {r["id"] for r in records}
    assert all(from_parquet[i].published == from_json[i].published for i in from_json)


def test_components_by_propagation_equal_driver_union_find(spark):
    from storyline.engines.spark_components import connected_components

    rng = random.Random(5)
    ids = [f"n{i:03d}" for i in range(120)]
    edges = [(rng.choice(ids), rng.choice(ids)) for _ in range(90)] + [("x1", "x2"), ("x3", "x2")]
    df = spark.createDataFrame(edges, "a string, b string")
    on_driver = {r.id: r.component for r in connected_components(df).collect()}
    propagated = {r.id: r.component for r in connected_components(df, driver_max_edges=0).collect()}
    assert on_driver == propagated
    assert on_driver["x3"] == on_driver["x2"] == "x1"
    members: dict[str, list[str]] = {}
    for i, c in on_driver.items():
        members.setdefault(c, []).append(i)
    assert all(c == min(m) for c, m in members.items())  # labelled by the smallest id


def test_import_results_loads_groups_and_stories(synthetic_runs, tmp_path):
    from typer.testing import CliRunner

    import storyline.cli.batch_cmd  # noqa: F401  (registers the commands)
    from storyline.cli.app import app
    from storyline.storage import Store

    _, _, tmp = synthetic_runs
    db = str(tmp_path / "s.db")
    refused = CliRunner().invoke(app, ["import-results", str(tmp / "spark"), "--db", db])
    assert refused.exit_code == 1 and "not in the store" in refused.output
    done = CliRunner().invoke(app, ["import-results", str(tmp / "spark"), "--db", db, "--input", str(tmp / "synthetic.jsonl")])
    assert done.exit_code == 0, done.output
    store = Store(db)
    assert store.get_dup_groups() == {d.id: d for d in read_dup_groups(str(tmp / "spark"))}
    stored = {a.id: a.story for a in store.get_story_assignments()}
    assert stored == read_story_assignments(str(tmp / "spark"))


def test_median_of_histogram_equals_statistics_median():
    rng = random.Random(1)
    for n in (1, 2, 7, 50):
        values = [rng.randint(0, 40) for _ in range(n)]
        histogram = {v: values.count(v) for v in set(values)}
        assert median_of_histogram(histogram.items()) == statistics.median(values)


def test_merge_passes_counted_at_global_positions():
    assert list(_multiples_between(1, 101, 100)) == [100]  # after the 100th article of the corpus
    assert list(_multiples_between(101, 200, 100)) == []
    assert list(_multiples_between(99, 401, 100)) == [100, 200, 300, 400]
    assert list(_multiples_between(5, 9, 0)) == []
    # the replay's clock: the article before each merge pass, and the last one
    assert clock_ranks(250, 100) == [99, 199, 249]
    assert clock_ranks(200, 100) == [99, 199]
    assert clock_ranks(0, 100) == []


# ---------------------------------------------------------------- bad input rows


def _mixed_lines(good: list[dict]) -> tuple[list[str], list[str]]:
    """The good rows with broken ones among them, and what each engine must report for those, in order."""
    g = [json.dumps(r) for r in good]
    bad_json = json.dumps(dict(good[2], analysis='{"sentences": [[0, 4]'))  # repeats a good row's id, comes first
    bad_fields = json.dumps(dict(good[3], id="bad-fields", text="Another text entirely.", analysis={"sentences": []}))
    bad_text = json.dumps(dict(good[0], id="bad-text", text=5))
    bad_source = json.dumps(dict(good[4], id="bad-source", source={"name": {"en": "Harbour Gazette"}}))
    cut_off = '{"text": "half a li'  # no id: named by its line
    lines = [bad_json, *g[:3], bad_fields, *g[3:5], bad_text, bad_source, *g[5:7], cut_off, *g[7:]]
    expected = [
        f"record {good[2]['id']}: analysis is not valid JSON: ",
        "record bad-fields: analysis is not an Analysis: TypeError: ",
        "record bad-text: text is an integer, not a string",
        "record bad-source: source.name is an object, not a string",
        f"line {lines.index(cut_off) + 1}: the line is not valid JSON: Unterminated string",
    ]
    return lines, expected


@pytest.fixture(scope="module")
def bad_rows_input(tmp_path_factory):
    """Two stories (with copies) with analyses carried, alone and with broken rows mixed in."""
    from storyline.analyze import Analyzer

    tmp = tmp_path_factory.mktemp("bad_rows")
    articles = synthetic_articles(seed=11)[:12]
    good = [record_of(a, an) for a, an in zip(articles, Analyzer().pipe(articles))]
    lines, expected = _mixed_lines(good)
    (tmp / "good.jsonl").write_text("".join(json.dumps(r) + "\n" for r in good), encoding="utf-8")
    (tmp / "mixed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp, len(good), expected


def _reported(stderr: str | list[str], file: str, expected: list[str]) -> list[str]:
    """The error lines, checked against the expected "locator: reason" starts."""
    reported = stderr.splitlines() if isinstance(stderr, str) else stderr
    assert len(reported) == len(expected), reported
    assert all(line.startswith(f"error: {file}:{start}") for line, start in zip(reported, expected)), reported
    return reported


def _batch_cli(*args):
    from typer.testing import CliRunner

    import storyline.cli.batch_cmd  # noqa: F401  (registers the commands)
    from storyline.cli.app import app

    return CliRunner().invoke(app, ["batch", *args])


@pytest.mark.parametrize("engine", ["local", "spark"])
def test_bad_rows_are_reported_and_left_out(spark, bad_rows_input, engine):
    from storyline.engines.spark import run_spark_batch

    tmp, good, expected = bad_rows_input
    mixed, alone = tmp / f"{engine}-mixed", tmp / f"{engine}-alone"
    result = _batch_cli(str(tmp / "mixed.jsonl"), "--out", str(mixed), "--engine", engine)
    if engine == "local":
        run_local_batch(str(tmp / "good.jsonl"), str(alone))
    else:
        run_spark_batch(spark, str(tmp / "good.jsonl"), str(alone))

    assert result.exit_code == 1, result.output
    file = str(tmp / "mixed.jsonl")
    reported = _reported(result.stderr, file, expected)
    written = [json.loads(line) for line in (mixed / "failures.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [f"{f['file']}:{f['record']}: {f['reason']}" for f in written] == [r.removeprefix("error: ") for r in reported]
    (manifest,) = json.loads(result.stdout)
    assert manifest["failed"] == len(expected) and manifest["articles"] == good
    # the good rows' results are exactly those of a run without the bad rows
    assert read_dup_groups(str(mixed)) == read_dup_groups(str(alone))
    assert read_story_assignments(str(mixed)) == read_story_assignments(str(alone))
    assert sorted(map(repr, read_stories(str(mixed)))) == sorted(map(repr, read_stories(str(alone))))
    assert len({d.group for d in read_dup_groups(str(alone))}) < good  # copies were found: not vacuous
    assert (alone / "failures.jsonl").read_text() == ""


def test_import_results_leaves_out_bad_rows(bad_rows_input, tmp_path):
    from typer.testing import CliRunner

    import storyline.cli.batch_cmd  # noqa: F401  (registers the commands)
    from storyline.cli.app import app
    from storyline.storage import Store

    tmp, good, expected = bad_rows_input
    run_local_batch(str(tmp / "mixed.jsonl"), str(tmp_path / "out"))
    db = str(tmp_path / "s.db")
    done = CliRunner().invoke(app, ["import-results", str(tmp_path / "out"), "--db", db, "--input", str(tmp / "mixed.jsonl")])
    assert done.exit_code == 1, done.output
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    _reported(errors, str(tmp / "mixed.jsonl"), expected)
    store = Store(db)
    ids = {a.id for a in store.iter_articles()}
    assert ids == set(read_story_assignments(str(tmp_path / "out"))) and len(ids) == good
    assert set(store.get_analyses(ids)) == ids  # the good row repeating a broken row's id brought its analysis
