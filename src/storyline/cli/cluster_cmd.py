"""``storyline cluster``, ``storyline why A B`` and ``storyline eval cluster``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Iterable, Optional

import typer
from rich.table import Table

from storyline.cli.app import OutputFormat, app, console, emit, err_console, eval_app
from storyline.cluster import DocFreq, article_features, choose_model, cluster, explain
from storyline.ingest import read_paths
from storyline.model import Article, IngestError


def read_articles(path: Path) -> list[Article]:
    """Articles from any input ``storyline ingest`` reads (JSONL: id, title, text, published, source)."""
    articles = []
    for item in read_paths([str(path)]):
        if isinstance(item, IngestError):
            err_console.print(f"skipped {item}")
        else:
            articles.append(item)
    return articles


def _analyses(articles: list[Article]) -> list:
    from storyline.analyze import Analyzer

    return list(Analyzer().pipe(articles))


@app.command("cluster")
def cluster_command(
    input: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL: id, title, text, published, source."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table, json or jsonl."),
    stories: bool = typer.Option(False, "--stories", help="Print Story records instead of assignments."),
) -> None:
    """Group the articles into stories; jsonl prints {"id", "story"} per article."""
    articles = read_articles(input)
    result = cluster(articles, _analyses(articles))
    if stories:
        records: Iterable = result.stories
    else:
        order = {a.id: i for i, a in enumerate(articles)}
        records = sorted(result.assignments, key=lambda s: order[s.id])
    if fmt is not OutputFormat.table:
        emit(records, fmt, wrap="stories" if stories else "assignments")
        return
    table = Table("story", "articles", "sources", "first seen", "headline")
    for s in result.stories:
        table.add_row(s.id, str(s.size), str(len(s.sources)), str(s.first_seen or "-"), s.headline)
    console.print(table)
    err_console.print(f"{len(articles)} articles, {len(result.stories)} stories (model: {result.model.name})")


@app.command("why")
def why_command(
    a: str = typer.Argument(..., help="Article id."),
    b: str = typer.Argument(..., help="Article id."),
    input: Path = typer.Option(..., "--input", exists=True, dir_okay=False, help="JSONL holding both articles."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json."),
) -> None:
    """Explain why two articles are (or are not) in the same story: features, weights, score."""
    articles = read_articles(input)
    by_id = {x.id: x for x in articles}
    missing = [i for i in (a, b) if i not in by_id]
    if missing:
        err_console.print(f"not in {input}: {', '.join(missing)}")
        raise typer.Exit(2)
    analyses = _analyses(articles)
    features = {f.id: f for f in (article_features(x, an) for x, an in zip(articles, analyses))}
    model = choose_model(list(features.values()))
    e = explain(features[a], features[b], DocFreq.of(list(features.values())), model)
    result = cluster(articles, analyses, model)
    story_of = {s.id: s.story for s in result.assignments}
    same_story = story_of[a] == story_of[b]
    if fmt is not OutputFormat.table:
        emit([{"explanation": e, "same_story": same_story, "decisions": [result.decisions[a], result.decisions[b]]}],
             OutputFormat.json)
        return
    verdict = "together" if e.together else "apart"
    console.print(f"[bold]{a}[/] vs [bold]{b}[/]  model {e.model}: p = {e.probability:.3f} "
                  f"(join at >= {e.threshold}) -> {verdict}")
    table = Table("feature", "value", "weight x value")
    for k, v in e.features.items():
        table.add_row(k, f"{v:.3f}", f"{e.contributions[k]:+.3f}")
    table.add_row("bias", "", f"{e.bias:+.3f}")
    console.print(table)
    console.print("shared: " + (", ".join(f"{k} ({w:.2f})" for k, w in e.shared) or "nothing"))
    for x in (a, b):
        d = result.decisions[x]
        how = f"joined {d.story}" if d.joined else f"started {d.story}"
        best = f"best candidate {d.best.story} p = {d.best.probability:.3f}" if d.best else "no candidate"
        console.print(f"{x}: {how} ({best}, {d.candidates} candidates); now in {story_of[x]}")
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

