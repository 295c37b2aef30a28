"""``storyline analyze``: sentences, entities, quotes, time expressions and numbers per article."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator, List, Optional

import typer
from rich.markup import escape

from storyline.cli.app import OutputFormat, analyse_stored, app, console, db_option, emit, fail, id_table, report_error
from storyline.engines.local import LocalEngine
from storyline.ingest import read_paths
from storyline.model import Analysis, Article, IngestError, to_jsonable
from storyline.storage import Store

if TYPE_CHECKING:  # spaCy is imported only by the commands that analyse, to keep the CLI quick to start
    from storyline.analyze import AnalysisFailure, Analyzer


def analysis_json(a: Analysis) -> dict:
    """The documented per-article object; tokens stay internal."""
    data = to_jsonable(a)
    return {
        "id": a.article_id,
        "published": data["published"],
        "sentences": data["sentences"],
        "entities": data["entities"],
        "quotes": data["quotes"],
        "timexes": data["timexes"],
        "numbers": data["numbers"],
    }


def _summary(analysed: Iterable[Analysis]) -> None:
    """What was found in each article, counted."""
    table = id_table("id", "sentences", "entities", "quotes", "timexes", "numbers", ids=["id"])
    for a in analysed:
        table.add_row(escape(a.article_id), *(str(len(x)) for x in (a.sentences, a.entities, a.quotes, a.timexes, a.numbers)))
    console.print(table)


def _analyzer(processes: int, batch_size: int) -> "Analyzer":
    from storyline.analyze import Analyzer
    from storyline.analyze.nlp import ModelNotFound

    try:
        return Analyzer(n_process=processes, batch_size=batch_size)
    except ModelNotFound as e:
        fail(str(e))
        raise  # unreachable: fail() exits


@app.command()
def analyze(
    paths: List[str] = typer.Argument(None, help="Inputs to analyse without storing them (any ingest format; JSONL with id, text, published works for any corpus). Without paths, the store is analysed."),
    db: Optional[str] = db_option(),
    processes: int = typer.Option(1, "--processes", "-j", min=1, help="Worker processes, each running spaCy and the extractors."),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Texts per spaCy batch."),
    fmt: OutputFormat = typer.Option(None, "--format", help="jsonl/json: print one analysis per article; table: a summary. Default: jsonl for paths, table for the store."),
) -> None:
    """Analyse articles: sentences, entities (aliases merged), direct quotes with speakers,
    time expressions normalised to TIMEX3 values, and numeric facts, all with character
    offsets into the article text as stored (`storyline show ID --format json`).

    The store keeps results: an article is analysed again only when its text or the
    analyser's version changes.
    """
    analyzer = _analyzer(processes, batch_size)
    if paths:
        failed = False

        def articles() -> Iterator[Article]:
            nonlocal failed
            for item in read_paths(paths):
                if isinstance(item, IngestError):
                    failed = True
                    report_error(str(item))
                else:
                    yield item

        def analysis_failed(failure: "AnalysisFailure") -> None:
            nonlocal failed
            failed = True
            report_error(str(failure))

        analysed = analyzer.pipe(articles(), on_error=analysis_failed)
        if fmt is OutputFormat.table:
            _summary(analysed)
        else:
            emit((analysis_json(a) for a in analysed), fmt or OutputFormat.jsonl)
        if failed:
            raise typer.Exit(1)
        return
    store = Store(db)
    engine = LocalEngine(store, analyzer=analyzer)
    to_do = len(store.ids_needing_analysis(analyzer.version))
    failures = analyse_stored(engine)
    done = to_do - failures
    if fmt in (None, OutputFormat.table):
        up_to_date = store.count_articles() - done - failures
        console.print(f"{done} articles analysed; {up_to_date} were up to date"
                      + (f"; {failures} failed (see above)" if failures else ""), highlight=False)
    else:
        emit(_stored(store), fmt)
    if failures:
        raise typer.Exit(1)


def _stored(store: Store) -> Iterable[dict]:
    ids = [a.id for a in store.iter_articles()]
    for start in range(0, len(ids), 200):
        found = store.get_analyses(ids[start : start + 200])
        for i in ids[start : start + 200]:
            if i in found:
                yield analysis_json(found[i])
