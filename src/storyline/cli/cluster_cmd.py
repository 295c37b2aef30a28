"""``storyline cluster``, ``storyline why A B`` and ``storyline eval cluster``."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

import typer
from rich.markup import escape
from rich.table import Table

from storyline.cli.app import (
    OutputFormat, analyse_stored, app, console, db_option, emit, err_console, eval_app, fail, id_table, read_articles,
)
from storyline.cluster import ArticleFeatures, Decision, DocFreq, ScoreModel, article_features, cluster, explain
from storyline.cluster.batch import fit_corpus
from storyline.cluster.online import Move, Split
from storyline.model import Article
from storyline.storage import Store


def _analyses(articles: list[Article]) -> list:
    from storyline.analyze import Analyzer

    return list(Analyzer().pipe(articles))


@app.command("cluster")
def cluster_command(
    input: Optional[Path] = typer.Argument(
        None, exists=True, help="JSONL (id, title, text, published, source) or any ingest format, a file or a directory. "
        "Without it: the store, brought up to date first (analysis, dedup, stories)."),
    db: Optional[str] = db_option(),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table, json or jsonl."),
    stories: bool = typer.Option(False, "--stories", help="Print Story records instead of assignments."),
) -> None:
    """Group the articles into stories; jsonl prints {"id", "story"} per article."""
    errors = 0
    if input is None:
        from storyline.engines.local import LocalEngine

        store = Store(db)
        engine = LocalEngine(store)
        errors = analyse_stored(engine)
        engine.dedup()
        found = engine.cluster(leave_out=[f.article_id for f in engine.analysis_failures])
        assignments = store.get_story_assignments()
        model_name, count = "stored", len({a.id for a in assignments})
    else:
        articles, errors = read_articles([str(input)])
        result = cluster(articles, _analyses(articles))
        order = {a.id: i for i, a in enumerate(articles)}
        found, assignments = result.stories, sorted(result.assignments, key=lambda s: order[s.id])
        model_name, count = result.model.name, len(articles)
    records: Iterable = found if stories else assignments
    if fmt is not OutputFormat.table:
        emit(records, fmt, wrap="stories" if stories else "assignments")
    else:
        table = id_table("story", "articles", "sources", "first seen", "headline", ids=["story"])
        for s in found:
            table.add_row(s.id, str(s.size), str(len(s.sources)), str(s.first_seen or "-"), escape(s.headline))
        console.print(table)
        err_console.print(f"{count} articles, {len(found)} stories (model: {model_name})", highlight=False)
    if errors:
        raise typer.Exit(1)


@dataclass
class WhyInputs:
    """The two articles' features, the corpus statistics and model, and each article's story."""

    features: dict[str, ArticleFeatures]
    idf: DocFreq
    model: ScoreModel
    story_of: dict[str, str]
    decisions: list[Decision]  # only when clustered here (--input)
    moves: list[Move]  # the two articles' moves at the end, only when clustered here
    splits: list[Split]  # splits at the end of the stories the two articles are in, only when clustered here
    arrivals: dict[str, int]  # the two articles' positions in the corpus's publication order


def why_from_file(ids: tuple[str, str], path: Path) -> WhyInputs:
    """Both articles from a JSONL file, clustered with the rest of it."""
    articles, _ = read_articles([str(path)])
    missing = [i for i in ids if i not in {x.id for x in articles}]
    if missing:
        fail(f"not in {path}: {', '.join(missing)}", code=2)
    analyses = _analyses(articles)
    features = {f.id: f for f in (article_features(x, an) for x, an in zip(articles, analyses))}
    idf, model, arrivals = fit_corpus(features.values())
    result = cluster(articles, analyses, model)
    story_of = {s.id: s.story for s in result.assignments}
    theirs = {story_of[i] for i in ids}
    return WhyInputs({i: features[i] for i in ids}, idf, model, story_of, [result.decisions[i] for i in ids],
                     [m for m in result.moves if m.article in ids],
                     [s for s in result.splits if {s.story, s.new} & theirs], {i: arrivals[i] for i in ids})


def why_from_store(ids: tuple[str, str], store: Store) -> WhyInputs:
    """Both articles and analyses from the store (ids may be unique prefixes); IDF and model from
    every stored analysed article, as ``LocalEngine.cluster`` computes them; the stored stories."""
    articles = [store.get_article(i) for i in ids]
    missing = [i for i, x in zip(ids, articles) if x is None]
    if missing:
        fail(f"not in the store: {', '.join(missing)}", code=2)
    found = [x for x in articles if x is not None]
    analyses = store.get_analyses(x.id for x in found)
    unanalysed = [x.id for x in found if x.id not in analyses]
    if unanalysed:
        fail(f"not analysed yet: {', '.join(unanalysed)} (run storyline analyze)", code=2)
    idf, model, arrivals = fit_corpus(_stored_features(store))
    features = {x.id: article_features(x, analyses[x.id]) for x in found}
    wanted = set(features)
    story_of = {s.id: s.story for s in store.get_story_assignments() if s.id in wanted}
    return WhyInputs(features, idf, model, story_of, [], [], [], {i: arrivals[i] for i in features})


def _stored_features(store: Store, chunk: int = 500) -> Iterator[ArticleFeatures]:
    """Features of every stored article that has an analysis, streamed in chunks."""
    batch: list[Article] = []
    for article in store.iter_articles(latest_only=True):
        batch.append(article)
        if len(batch) == chunk:
            yield from _features_of(store, batch)
            batch = []
    yield from _features_of(store, batch)


def _features_of(store: Store, articles: list[Article]) -> Iterator[ArticleFeatures]:
    analyses = store.get_analyses(a.id for a in articles)
    yield from (article_features(a, analyses[a.id]) for a in articles if a.id in analyses)


@app.command("why")
def why_command(
    a: str = typer.Argument(..., help="Article id (with --db, a unique prefix is enough)."),
    b: str = typer.Argument(..., help="Article id (with --db, a unique prefix is enough)."),
    input: Optional[Path] = typer.Option(None, "--input", exists=True, dir_okay=False,
                                         help="JSONL holding both articles; without it, the store is used."),
    db: Optional[str] = db_option(),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json."),
) -> None:
    """Explain why two articles are (or are not) in the same story: features, weights, score.

    With --input the file is analysed and clustered here; otherwise the articles, their
    analyses, the document frequencies and the stories come from the store (--db)."""
    inputs = why_from_file((a, b), input) if input else why_from_store((a, b), Store(db))
    if len(inputs.features) != 2:
        fail(f"{a} and {b} are the same article: give two different ones", code=2)
    fa, fb = inputs.features.values()
    e = explain(fa, fb, inputs.idf, inputs.model, (inputs.arrivals[fa.id], inputs.arrivals[fb.id]))
    stories = [inputs.story_of.get(x.id) for x in (fa, fb)]
    same_story = stories[0] is not None and stories[0] == stories[1]
    if fmt is not OutputFormat.table:
        emit([{"explanation": e, "same_story": same_story, "stories": dict(zip((fa.id, fb.id), stories)),
               "decisions": inputs.decisions, "moves": inputs.moves, "splits": inputs.splits}], OutputFormat.json)
        return
    verdict = "together" if e.together else "apart"
    console.print(f"[bold]{escape(fa.id)}[/] vs [bold]{escape(fb.id)}[/]  model {e.model}: p = {e.probability:.3f} "
                  f"(join at >= {e.threshold}) -> {verdict}")
    table = Table("feature", "value", "weight x value")
    for k, v in e.features.items():
        table.add_row(k, f"{v:.3f}", f"{e.contributions[k]:+.3f}")
    table.add_row("bias", "", f"{e.bias:+.3f}")
    console.print(table)
    console.print("shared: " + (", ".join(f"{k} ({w:.2f})" for k, w in e.shared) or "nothing"))
    for d in inputs.decisions:
        how = f"joined {d.story}" if d.joined else f"started {d.story}"
        best = f"best candidate {d.best.story} p = {d.best.probability:.3f}" if d.best else "no candidate"
        console.print(f"{d.article}: {how} ({best}, {d.candidates} candidates); now in {inputs.story_of[d.article]}")
    for m in inputs.moves:
        console.print(f"{m.article}: moved at the end from {m.left} to {m.joined} "
                      f"(p = {m.probability:.3f} there, {m.stay:.3f} to stay)")
    for s in inputs.splits:
        console.print(f"{s.story} was split at the end (its articles fell apart in two groups: connectivity "
                      f"{s.connectivity:.3f} < {inputs.model.split_below}): {len(s.articles)} went to {s.new}")
    if not inputs.decisions:
        for x, story in zip((fa.id, fb.id), stories):
            console.print(f"{x}: stored in story {story or '- (not clustered yet: run storyline brief)'}")
    console.print(f"clustering puts them in {'the same story' if same_story else 'different stories'}")


def _read_partition(lines: Iterable[str]) -> dict[str, str]:
    """id -> story from JSON lines {"id", "story"} (``subtopic``/``cluster`` accepted for gold files)."""
    partition = {}
    for line in lines:
        if line.strip():
            d = json.loads(line)
            label = next(d[k] for k in ("story", "subtopic", "cluster", "clusterNo") if k in d)
            partition[str(d["id"])] = str(label)
    return partition


@eval_app.command("cluster")
def eval_cluster_command(
    pred_file: Optional[Path] = typer.Argument(None, exists=True, dir_okay=False, help="Predictions JSONL."),
    gold: Path = typer.Option(..., "--gold", exists=True, dir_okay=False, help="Gold JSONL: id -> story."),
    pred: Optional[str] = typer.Option(None, "--pred", help="Predictions JSONL path, or - for stdin."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json."),
) -> None:
    """B-cubed, pairwise P/R/F1, NMI and ARI of predicted stories against gold."""
    from storyline.eval.cluster import score_clustering

    source = pred or (str(pred_file) if pred_file else "-")
    lines = sys.stdin if source == "-" else Path(source).open(encoding="utf-8")
    scores = score_clustering(_read_partition(Path(gold).open(encoding="utf-8")), _read_partition(lines))
    if fmt is not OutputFormat.table:
        emit([scores], OutputFormat.json)
        return
    table = Table("metric", "precision", "recall", "F1")
    for name, prf in (("B-cubed", scores.bcubed), ("pairwise", scores.pairwise)):
        table.add_row(name, f"{prf.precision:.4f}", f"{prf.recall:.4f}", f"{prf.f1:.4f}")
    console.print(table)
    console.print(f"NMI {scores.nmi:.4f}  ARI {scores.ari:.4f}  items {scores.items} "
                  f"(gold stories {scores.gold_clusters}, predicted {scores.pred_clusters}, missing {scores.missing})")

