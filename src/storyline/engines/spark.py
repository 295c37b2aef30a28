"""The Spark batch engine: dedup and story clustering of a whole corpus on a cluster.

Two jobs over one input (JSONL or Parquet, any Hadoop-compatible URI), written as Parquet:

* dedup: band keys from ``dedup.text_band_keys`` (mapPartitions), candidate pairs from a
  self-join on (band, key), exact verification with ``dedup.DEFAULT_THRESHOLDS.is_copy``,
  connected components (``spark_components``), and per group the parent and wire agency
  from ``dedup.groups.choose_parent`` and ``dedup.syndication.group_agency``: the local
  engine's rules, so the groups are the same.
* stories: features from ``cluster.article_features`` (analysis in mapPartitions with
  one ``Analyzer`` per partition unless the input carries analyses), document frequencies
  and the score model over the whole corpus, candidate pairs from shared index keys
  (``OnlineClusterer.index_keys``: rare terms and entities) inside time-window blocks,
  scored with ``cluster.features.pair_features`` and the model, connected components of
  the pairs that can matter, and the batch clusterer replayed per component
  (``spark_stories.replay_component``).

Session settings are defaults only: anything given by spark-submit (``--conf``,
``--driver-memory``, ``--master``) or by ``--conf`` on ``storyline batch`` wins.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

from storyline.engines.spark_components import DRIVER_MAX_EDGES, connected_components
from storyline.engines.spark_input import FIELDS, features_of, local_name, read_row
from storyline.model import IngestError

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import DataFrame, SparkSession

DEFAULT_CONF = {
    "spark.app.name": "storyline-batch",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.memory": "2g",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "16",
    "spark.sql.adaptive.enabled": "true",
    "spark.python.worker.reuse": "true",
    # Rows carry texts and analyses of tens of KB: Arrow batches of 10,000 (the default)
    # would hold hundreds of MB in a Python worker, and a 100k run with batches of 500
    # once hung with the worker and the JVM each waiting on the other (pyspark 4.3).
    "spark.sql.execution.arrow.maxRecordsPerBatch": "100",
}

# Band buckets with more members than this are boilerplate shared by unrelated texts
# (an empty template, a standard disclaimer): all-pairs inside them would be quadratic.
MAX_BAND_BUCKET = 1000


def spark_session(master: str | None = None, conf: Mapping[str, str] | None = None) -> "SparkSession":
    """A session with quiet, UI-less defaults; spark-submit's and ``conf``'s settings win."""
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark_conf = SparkConf()  # holds what spark-submit passed
    for key, value in DEFAULT_CONF.items():
        spark_conf.setIfMissing(key, value)
    for key, value in (conf or {}).items():
        spark_conf.set(key, value)
    if master:
        spark_conf.setMaster(master)
    elif not spark_conf.contains("spark.master"):
        spark_conf.setMaster("local[2]")
    if spark_conf.get("spark.master").startswith("local"):
        # One machine: stay on loopback rather than whatever address the hostname resolves to.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        spark_conf.setIfMissing("spark.driver.host", "127.0.0.1")
        spark_conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1")
    spark = SparkSession.builder.config(conf=spark_conf).getOrCreate()
    spark.sparkContext.setLogLevel(spark_conf.get("spark.log.level", "WARN"))
    return spark


# ---------------------------------------------------------------- input


def read_input(spark: "SparkSession", path: str) -> "DataFrame":
    """The input rows with the file they came from and the byte where their split of it starts.

    Parquet rows have the batch fields (missing ones null) as text; JSON lines come as
    ``line`` (UTF-8 bytes), parsed in Python by ``spark_input.read_row`` as the local engine
    parses them: a line that is not JSON, or has a value of the wrong type (which Spark's
    JSON reader would turn into text), fails alone.
    """
    from pyspark.sql import functions as F

    if path.rstrip("/").endswith(".parquet") or _is_parquet_dir(spark, path):
        df = spark.read.parquet(path)
        columns = [(F.col(c) if c in df.columns else F.lit(None)).cast("string").alias(c) for c in FIELDS]
    else:
        df = spark.read.text(path)
        columns = [F.col("value").cast("binary").alias("line")]
    where = [F.col("_metadata.file_path").alias("file"), F.col("_metadata.file_block_start").alias("split")]
    return df.select(*columns, *where)


def _is_parquet_dir(spark: "SparkSession", path: str) -> bool:
    jvm = spark.sparkContext._jvm  # the Hadoop FileSystem API: works for any URI Spark can read
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    fs = hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if not fs.exists(hpath) or not fs.getFileStatus(hpath).isDirectory():
        return False
    return any(s.getPath().getName().endswith(".parquet") for s in fs.listStatus(hpath))


ARTICLE_COLUMNS = (
    ("id", "string"), ("position", "long"), ("text", "string"), ("article", "binary"), ("features", "binary"),
    ("failure", "binary"),
)


def read_articles(spark: "SparkSession", path: str) -> "DataFrame":
    """One row per article id: id, input position, text, the pickled ``Article`` and its clustering features;
    and one row per input row that failed, with only its position and ``failure`` (a pickled ``IngestError``) set.

    The features are made here, from the carried analysis (or by running the Analyzer
    when a row has none), so the analyses, tens of KB a row, never travel back to the JVM.
    """
    from pyspark.sql import functions as F

    # Increasing in input order: undated articles are clustered in the order given.
    numbered = read_input(spark, path).withColumn("position", F.monotonically_increasing_id())
    rows = _map_rows(numbered, _article_rows, ARTICLE_COLUMNS)
    # Repeats of an id are one article; failed rows all stay (their id is null) and never hide a good row.
    failed_at = F.when(F.col("failure").isNotNull(), F.col("position"))
    return rows.withColumn("failed_at", failed_at).dropDuplicates(["id", "failed_at"]).drop("failed_at")


def _article_rows() -> Callable[[list[dict]], Iterator[tuple]]:
    number = _row_numbers()

    def convert(records: list[dict]) -> Iterator[tuple]:
        read = [(r, _read(r, number)) for r in records]
        read = [(r, row) for r, row in read if row is not None]
        for (record, _), result in zip(read, features_of(row for _, row in read)):
            if isinstance(result, IngestError):
                yield None, record["position"], None, None, None, pickle.dumps(result)
            else:
                article, f = result
                yield article.id, record["position"], article.text, pickle.dumps(article), pickle.dumps(f), None

    return convert


def _read(record: dict, number: Callable[[str, int, str], str]) -> Any:
    """``read_row`` of a JSON line or Parquet row; None for a blank line (the local reader skips them too)."""
    file = local_name(record["file"])
    line = record.get("line")
    where = number(file, record["split"], "line" if line is not None else "row")
    if line is not None and not line.strip():
        return None
    return read_row(line if line is not None else record, file, where)


def _row_numbers() -> Callable[[str, int, str], str]:
    """"line N" / "row N" within a file, counted as a task reads its rows, in order.

    A task reads whole splits of files; a split that does not start the file (files over
    ``spark.sql.files.maxPartitionBytes``) is numbered from its first byte.
    """
    current: tuple[str, int] | None = None
    n = 0

    def number(file: str, split: int, unit: str) -> str:
        nonlocal current, n
        if current != (file, split):
            current, n = (file, split), 0
        n += 1
        return f"{unit} {n}" if split == 0 else f"{unit} {n} after byte {split}"

    return number


def failure_json(failure: IngestError) -> dict[str, Any]:
    """A failed input row as ``failures.jsonl`` holds it: file, record ("record ID" or "line N"), reason."""
    return {"file": failure.file, "record": failure.locator, "reason": failure.reason}


_ARROW_TYPES = {"string": "string", "binary": "binary", "int": "int32", "long": "int64", "double": "float64"}


def _map_rows(
    df: "DataFrame", make: Callable[[], Callable[[list[dict]], Iterable[tuple]]], columns: tuple[tuple[str, str], ...]
) -> "DataFrame":
    """``make()(rows)`` over ``df``'s rows, as a DataFrame of ``columns`` ((name, SQL type), ...).

    Rows cross between the JVM and Python as Arrow batches: ``DataFrame.rdd`` pickles
    them one at a time, which cost most of the run with the texts and analyses they carry.
    ``make`` runs once per task, so it can build caches and load models.
    """
    ddl = ", ".join(f"{name} {kind}" for name, kind in columns)

    def run(batches: Iterable[Any]) -> Iterator[Any]:
        import pyarrow as pa

        schema = pa.schema([(name, getattr(pa, _ARROW_TYPES[kind])()) for name, kind in columns])
        convert = make()
        for batch in batches:
            out = list(convert(batch.to_pylist()))
            values = list(zip(*out)) if out else [[] for _ in columns]
            yield pa.RecordBatch.from_arrays([pa.array(list(v), f.type) for v, f in zip(values, schema)], schema=schema)

    return df.mapInArrow(run, ddl)


# ---------------------------------------------------------------- dedup


def dedup_job(spark: "SparkSession", rows: "DataFrame", driver_max_edges: int = DRIVER_MAX_EDGES) -> "DataFrame":
    """(id, group, parent, syndicated_from) for every article of ``read_articles`` rows."""
    texts = rows.select("id", "text")
    bands = _map_rows(texts, lambda: _band_rows, (("id", "string"), ("band", "int"), ("key", "long")))
    articles = rows.select("article").rdd.map(lambda r: pickle.loads(r.article))
    pairs = _band_pairs(bands)
    verified = pairs.join(texts.toDF("a", "text_a"), "a").join(texts.toDF("b", "text_b"), "b")
    edges = _kept_pairs(verified, _is_copy_test)
    components = connected_components(edges, driver_max_edges)
    members = articles.map(lambda a: (a.id, _member(a)))
    component_of = components.rdd.map(lambda r: (r.id, r.component))
    grouped = members.leftOuterJoin(component_of).map(lambda kv: (kv[1][1] or kv[0], kv[1][0])).groupByKey()
    return spark.createDataFrame(
        grouped.flatMap(lambda kv: _group_assignments(list(kv[1]))),
        "id string, group string, parent string, syndicated_from string",
    )


def _band_rows(rows: list[dict]) -> Iterator[tuple[str, int, int]]:
    from storyline.dedup import text_band_keys

    for r in rows:
        for band, key in enumerate(text_band_keys(r["text"])):
            yield r["id"], band, key


def _band_pairs(bands: "DataFrame") -> "DataFrame":
    """Distinct (a, b), a < b, sharing a band key, skipping boilerplate buckets."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    sized = bands.withColumn("n", F.count("*").over(Window.partitionBy("band", "key")))
    kept = sized.where(F.col("n") > 1).where(F.col("n") <= MAX_BAND_BUCKET).drop("n")
    left, right = kept.toDF("a", "band", "key"), kept.toDF("b", "band", "key")
    return left.join(right, ["band", "key"]).where("a < b").select("a", "b").distinct()


def _kept_pairs(pairs: "DataFrame", make_test: Callable[[], Callable[[dict], bool]]) -> "DataFrame":
    """(a, b) of the rows ``make_test()`` accepts; ``make_test`` runs once per task."""

    def make() -> Callable[[list[dict]], Iterator[tuple[str, str]]]:
        test = make_test()
        return lambda rows: ((r["a"], r["b"]) for r in rows if test(r))

    return _map_rows(pairs, make, (("a", "string"), ("b", "string")))


def _cached(make: Callable[[Any], Any], limit: int = 4096) -> Callable[[str, Any], Any]:
    """``make(value)`` memoised by id: a task's rows repeat ids; the cache is bounded."""
    cache: dict[str, Any] = {}

    def get(key: str, value: Any) -> Any:
        if key not in cache:
            if len(cache) > limit:
                cache.clear()
            cache[key] = make(value)
        return cache[key]

    return get


def _is_copy_test() -> Callable[[dict], bool]:
    from storyline.dedup import DEFAULT_THRESHOLDS
    from storyline.dedup.minhash import Fingerprint

    fingerprint = _cached(Fingerprint.of)
    return lambda r: DEFAULT_THRESHOLDS.is_copy(fingerprint(r["a"], r["text_a"]), fingerprint(r["b"], r["text_b"]))


def _member(article: Any) -> tuple:
    from storyline.dedup.syndication import wire_signal

    signal = wire_signal(article)
    return article.id, article.published, signal


def _group_assignments(members: list[tuple]) -> list[tuple[str, str, str, str | None]]:
    from storyline.dedup.groups import Member, choose_parent
    from storyline.dedup.syndication import group_agency

    parent = choose_parent(Member(i, published, bool(s and s.own)) for i, published, s in members)
    agency = group_agency(s for _, _, s in members)
    return [(i, parent.id, parent.id, agency) for i, _, _ in members]


# ---------------------------------------------------------------- stories


@dataclass
class StoryOptions:
    window_days: float = 30.0  # OnlineClusterer's window
    max_posting: int = 2000  # (key, window) blocks larger than this give no pairs, like long posting lists
    edge_factor: float = 0.25  # pairs scoring >= edge_factor * min(join, merge, adopt threshold) link components
    driver_max_edges: int = DRIVER_MAX_EDGES


@dataclass
class StoryStats:
    model: str = ""
    pairs: int = 0
    edges: int = 0
    components: int = 0
    largest_component: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def features_rdd(rows: "DataFrame") -> "RDD":
    """(input position, ArticleFeatures) per ``read_articles`` row."""
    return rows.select("position", "features").rdd.map(lambda r: (r.position, pickle.loads(r.features)))


def story_job(
    spark: "SparkSession", positioned: "RDD", options: StoryOptions = StoryOptions()
) -> tuple["DataFrame", "DataFrame", StoryStats]:
    """(id, story) per article and (story, headline, size, sources, first_seen, last_seen) per story.

    ``positioned`` holds (input position, ArticleFeatures), as ``features_rdd`` makes them.
    """
    from pyspark.sql import functions as F

    from storyline.cluster.batch import model_for, publication_key
    from storyline.cluster.features import DocFreq
    from storyline.engines.spark_stories import clock_ranks, median_of_histogram, term_histogram

    sc = spark.sparkContext
    features = positioned.values()
    total = features.count()
    df = features.flatMap(lambda f: [(k, 1) for k in f.keys]).reduceByKey(lambda x, y: x + y).collectAsMap()
    idf = DocFreq(total, Counter(df))
    histogram = features.mapPartitions(term_histogram).reduceByKey(lambda x, y: x + y).collect()
    undated = features.filter(lambda f: f.published is None).count()
    model = model_for(median_of_histogram(histogram), undated / total if total else 0.0)
    shared = sc.broadcast((model, idf, options))
    stats = StoryStats(model=model.name)

    blobs = spark.createDataFrame(
        features.map(lambda f: (f.id, _profile_blob(f, shared.value[1]))), "id string, blob binary"
    ).localCheckpoint()
    keys = spark.createDataFrame(
        features.mapPartitions(lambda fs: _index_rows(fs, shared.value)),
        "id string, key string, bucket long, published double",
    )
    pairs = _window_pairs(keys, options).localCheckpoint()
    stats.pairs = pairs.count()
    scored = pairs.join(blobs.select(F.col("id").alias("a"), F.col("blob").alias("fa")), "a").join(
        blobs.select(F.col("id").alias("b"), F.col("blob").alias("fb")), "b"
    )
    edges = _kept_pairs(scored, lambda: _link_test(shared.value)).localCheckpoint()
    stats.edges = edges.count()
    components = connected_components(edges, options.driver_max_edges)

    ordered = positioned.sortBy(lambda pf: publication_key(pf[1], pf[0])).map(lambda pf: pf[1])
    ranked = ordered.zipWithIndex().map(lambda fr: (fr[0].id, (fr[1], fr[0]))).cache()
    wanted = set(clock_ranks(total))
    clock = sc.broadcast(dict(ranked.values().filter(lambda rf: rf[0] in wanted).map(lambda rf: (rf[0], rf[1].published)).collect()))
    component_of = components.rdd.map(lambda r: (r.id, r.component))
    grouped = ranked.leftOuterJoin(component_of).map(lambda kv: (kv[1][1] or kv[0], kv[1][0])).groupByKey()
    sizes = grouped.map(lambda kv: len(kv[1])).cache()
    stats.components = sizes.filter(lambda n: n > 1).count()
    stats.largest_component = sizes.max() if total else 0
    results = grouped.flatMap(lambda kv: _replay(list(kv[1]), total, shared.value, clock.value)).cache()
    assignments = spark.createDataFrame(
        results.filter(lambda r: r[0] == "a").map(lambda r: r[1]), "id string, story string"
    )
    stories = spark.createDataFrame(
        results.filter(lambda r: r[0] == "s").map(lambda r: r[1]),
        "story string, headline string, size int, sources array<string>, first_seen timestamp, last_seen timestamp",
    )
    return assignments, stories, stats


def _index_rows(features: Iterable[Any], shared: tuple) -> Iterator[tuple[str, str, int | None, float | None]]:
    from storyline.cluster.features import profile
    from storyline.cluster.online import OnlineClusterer

    model, idf, options = shared
    indexer = OnlineClusterer(model, idf, window_days=options.window_days)
    for f in features:
        bucket = int(f.published // indexer.window) if f.published is not None else None
        for key in indexer.index_keys(profile(f, idf)):
            yield f.id, key, bucket, f.published


def _window_pairs(keys: "DataFrame", options: StoryOptions) -> "DataFrame":
    """Distinct (a, b), a < b, sharing an index key and at most the window apart (undated: any time)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    window = options.window_days * 86_400.0
    sized = keys.withColumn("n", F.count("*").over(Window.partitionBy("key", "bucket")))
    kept = sized.where(F.col("n") <= options.max_posting).drop("n").localCheckpoint()
    dated, undated = kept.where("bucket IS NOT NULL"), kept.where("bucket IS NULL")
    left = dated.select(F.col("id").alias("a"), "key", "bucket", F.col("published").alias("ta"))
    right = dated.select(
        F.col("id").alias("b"), "key", F.explode(F.array(F.col("bucket") - 1, F.col("bucket"), F.col("bucket") + 1))
        .alias("bucket"), F.col("published").alias("tb"),
    )
    near = left.join(right, ["key", "bucket"]).where(F.abs(F.col("ta") - F.col("tb")) <= window)
    undated_pairs = undated.select(F.col("id").alias("a"), "key").join(kept.select(F.col("id").alias("b"), "key"), "key")
    both = near.select("a", "b").union(undated_pairs.select("a", "b")).where("a != b")
    ordered = both.select(F.least("a", "b").alias("a"), F.greatest("a", "b").alias("b"))
    return ordered.distinct()


def _profile_blob(f: Any, idf: Any) -> bytes:
    """The pickled ``Profile`` of an article, norms included: made once, scored in many pairs."""
    from storyline.cluster.features import VECTORS, profile

    p = profile(f, idf)
    for name in VECTORS:
        p.norm(name)
    return pickle.dumps(p)


def _link_test(shared: tuple) -> Callable[[dict], bool]:
    from storyline.cluster.features import pair_features

    model, _, options = shared
    bars = [model.join_threshold, model.merge_threshold, model.adopt_threshold]
    threshold = options.edge_factor * min(b for b in bars if b is not None)
    loaded = _cached(pickle.loads)
    return lambda r: model.probability(pair_features(loaded(r["a"], r["fa"]), loaded(r["b"], r["fb"]))) >= threshold


def _replay(members: list[tuple[int, Any]], total: int, shared: tuple, clock: dict) -> Iterator[tuple[str, tuple]]:
    from storyline.engines.spark_stories import replay_component

    model, idf, _ = shared
    assignments, stories = replay_component(members, total, model, idf, clock)
    for a in assignments:
        yield "a", (a.id, a.story)
    for s in stories:
        yield "s", (s.id, s.headline, s.size, s.sources, s.first_seen, s.last_seen)


# ---------------------------------------------------------------- the batch run


@dataclass
class BatchReport:
    engine: str
    input: str
    articles: int = 0
    dup_groups: int = 0  # groups with more than one member
    stories: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    failures: list[IngestError] = field(default_factory=list)  # input rows left out: unreadable or not analysable

    def manifest(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "input": self.input,
            "articles": self.articles,
            "failed": len(self.failures),
            "dup_groups": self.dup_groups,
            "stories": self.stories,
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
            "details": self.details,
            "tables": {"dup_groups": "dup_groups", "story_articles": "story_articles", "stories": "stories"},
            "failures": "failures.jsonl",
        }


def run_spark_batch(
    spark: "SparkSession", input_path: str, out: str, options: StoryOptions = StoryOptions()
) -> BatchReport:
    """Both jobs over ``input_path``; Parquet tables, ``manifest.json`` and ``failures.jsonl`` under ``out``.

    Input rows that cannot be read or analysed are left out of both jobs and listed in
    ``report.failures`` (collected on the driver: they are few).
    """
    from pyspark import StorageLevel

    report = BatchReport("spark", input_path, details={"master": spark.sparkContext.master})
    started = time.perf_counter()
    # One row per article id, like the local engine (ids are content hashes: repeats are the same article).
    read = read_articles(spark, input_path).persist(StorageLevel.MEMORY_AND_DISK)
    failed = read.where("failure IS NOT NULL").select("position", "failure").orderBy("position").collect()
    report.failures = [pickle.loads(r.failure) for r in failed]
    rows = read.where("failure IS NULL")
    report.articles = rows.count()
    report.seconds["read"] = time.perf_counter() - started

    started = time.perf_counter()
    dups = dedup_job(spark, rows, options.driver_max_edges).localCheckpoint()
    dups.write.mode("overwrite").parquet(f"{out}/dup_groups")
    report.dup_groups = dups.where("id != parent").select("group").distinct().count()
    report.seconds["dedup"] = time.perf_counter() - started

    started = time.perf_counter()
    features = features_rdd(rows).persist(StorageLevel.MEMORY_AND_DISK)
    assignments, stories, stats = story_job(spark, features, options)
    assignments.write.mode("overwrite").parquet(f"{out}/story_articles")
    stories.write.mode("overwrite").parquet(f"{out}/stories")
    report.stories = stories.count()
    report.seconds["stories"] = time.perf_counter() - started
    report.details.update(
        model=stats.model, story_pairs=stats.pairs, story_edges=stats.edges,
        story_components=stats.components, largest_component=stats.largest_component,
    )
    features.unpersist()
    read.unpersist()
    write_report(out, report, spark)
    return report


def write_report(out: str, report: BatchReport, spark: "SparkSession | None" = None) -> None:
    """``manifest.json`` and ``failures.jsonl`` beside the tables: plain files for local paths,
    through Spark for other URIs."""
    files = {
        "manifest.json": [json.dumps(report.manifest(), indent=2)],
        "failures.jsonl": [json.dumps(failure_json(f), ensure_ascii=False) for f in report.failures],
    }
    for name, lines in files.items():
        if "://" not in out or out.startswith("file:"):
            from pathlib import Path

            text = "".join(line + "\n" for line in lines)
            Path(out.removeprefix("file://")).joinpath(name).write_text(text, encoding="utf-8")
        else:
            assert spark is not None, "only Spark writes to remote URIs"
            rows = spark.createDataFrame([(line,) for line in lines], "value string")
            rows.coalesce(1).write.mode("overwrite").text(f"{out}/{name}")
