"""``storyline batch`` (dedup + stories of a whole corpus, on Spark or locally) and ``storyline import-results``."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

import typer

from storyline.cli.app import OutputFormat, app, console, db_option, emit, err_console, fail, report_error

if TYPE_CHECKING:
    from storyline.engines.spark import BatchReport


class Engine(str, enum.Enum):
    spark = "spark"
    local = "local"


def _conf(pairs: list[str]) -> dict[str, str]:
    conf = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise typer.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--conf")
        conf[key.strip()] = value.strip()
    return conf


@app.command("batch")
def batch_command(
    input: str = typer.Argument(..., help="JSONL or Parquet (file or directory; any URI Spark reads for --engine spark)."),
    out: str = typer.Option(..., "--out", help="Result directory: Parquet tables, manifest.json, and failures.jsonl (the input rows left out, one JSON object each)."),
    engine: Engine = typer.Option(Engine.spark, "--engine", help="spark, or local (the local engine, for comparison)."),
    master: Optional[str] = typer.Option(None, "--master", help="Spark master; default: spark-submit's, else local[2]."),
    conf: List[str] = typer.Option([], "--conf", help="Extra Spark setting KEY=VALUE (repeatable)."),
    fmt: OutputFormat = typer.Option(OutputFormat.json, "--format", help="json or jsonl manifest on stdout."),
) -> None:
    """Near-duplicate groups and stories of a whole corpus, written as Parquet.

    An input row that cannot be read (not JSON, a value of the wrong type) or analysed
    (a malformed carried analysis, an analyser error) is left out: one line per such row on
    stderr (FILE:record ID: reason, or FILE:line N: reason for a row without an id), the
    same in OUT/failures.jsonl as {"file", "record", "reason"} objects; the other rows'
    results are written as if the row were not there, and the exit code is 1.
    """
    if engine is Engine.local:
        from storyline.engines.spark_results import run_local_batch

        report = run_local_batch(input, out)
    else:
        report = _run_on_spark(input, out, master, _conf(conf))
    for failure in report.failures:
        report_error(str(failure))
    emit([report.manifest()], fmt if fmt is not OutputFormat.table else OutputFormat.json)
    if report.failures:
        raise typer.Exit(1)


def _run_on_spark(input: str, out: str, master: Optional[str], conf: dict[str, str]) -> "BatchReport":
    from pyspark.sql import SparkSession

    from storyline.engines.spark import run_spark_batch, spark_session

    running = SparkSession.getActiveSession()  # a session this process already runs is not ours to stop
    spark = spark_session(master, conf)
    try:
        return run_spark_batch(spark, input, out)
    finally:
        if running is None:
            spark.stop()


@app.command("import-results")
def import_results_command(
    results: str = typer.Argument(..., help="A directory written by `storyline batch`."),
    db: Optional[str] = db_option(),
    input: Optional[str] = typer.Option(
        None, "--input", help="The batch input: import its articles (and carried analyses) first."
    ),
) -> None:
    """Load batch results into a store: duplicate groups, and stories replacing the stored ones.

    The articles must be in the store already (``storyline ingest`` of the same files), or
    be imported from the batch input with ``--input``. Input rows that cannot be read (or
    whose carried analysis is malformed) are reported one per line on stderr, the rest is
    imported, and the exit code is 1.
    """
    from storyline.engines.spark_results import import_input, read_dup_groups, read_stories
    from storyline.model import IngestError
    from storyline.storage import Store

    if "://" not in results and not (Path(results) / "dup_groups").exists():
        fail(f"{results}: not a directory written by `storyline batch` (no dup_groups in it)")
    store = Store(db)
    failed = 0
    if input:

        def input_failed(failure: IngestError) -> None:
            nonlocal failed
            failed += 1
            report_error(str(failure))

        read, new = import_input(store, input, input_failed)
        err_console.print(f"imported {read} articles from {input} ({new} new)")
    dups = read_dup_groups(results)
    stories = read_stories(results)
    ids = [d.id for d in dups]
    stored = {a.id for a in store.get_articles(ids)}
    missing = [i for i in ids if i not in stored]
    if missing:
        fail(
            f"{len(missing)} of {len(ids)} result articles are not in the store (first: {missing[0]}):"
            " ingest them first, or pass the batch input with --input"
        )
    store.save_dup_groups(dups)
    store.save_stories(stories, replace_all=True)
    console.print(json.dumps({"dup_assignments": len(dups), "stories": len(stories)}))
    if failed:
        raise typer.Exit(1)
