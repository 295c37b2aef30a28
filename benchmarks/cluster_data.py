"""Loaders for the story-clustering datasets in ../shared/data, with cached analyses.

Each loader returns ``(articles, gold)`` where ``gold`` maps article id -> story label, plus
dataset-specific split information. Analyses are pickled under ``benchmarks/out/`` because
running spaCy over a corpus takes most of a benchmark's time.
"""

from __future__ import annotations

import csv
import json
import pickle
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from storyline.eval import shared_data_dir
from storyline.model import Analysis, Article, Provenance, Source, stable_hash

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "benchmarks" / "out"


@dataclass
class Dataset:
    name: str
    articles: list[Article]
    gold: dict[str, str]  # article id -> story label
    group: dict[str, str] = field(default_factory=dict)  # article id -> split/topic tag


def _require(path: Path) -> Path:
    if not path.exists():
        sys.exit(f"{path} not found: see ../shared/data (or set STORYLINE_SHARED_DATA)")
    return path


def load_ecbplus() -> Dataset:
    """ECB+ documents; ``group`` is the Cybulska split of the document's topic."""
    base = shared_data_dir() / "ecbplus"
    split_of: dict[int, str] = {}
    for split in ("Train", "Dev", "Test"):
        for line in _require(base / "cybulska_setup" / f"ECB_{split}_corpus.txt").open():
            if line.strip():
                split_of[int(line.split("_", 1)[0])] = split.lower()
    articles, gold, group = [], {}, {}
    for line in _require(base / "ecbplus_docs.jsonl").open():
        d = json.loads(line)
        a = Article(
            # 61 documents are one sentence, kept as the title with an empty text: like a headline
            # feed item (see load_uci), that sentence is also the text, so it is analysed
            text=d["text"] or d["title"], title=d["title"], source=Source("ecbplus"),
            provenance=Provenance("ecbplus_docs.jsonl", d["doc_id"]), id=d["doc_id"],
        )
        articles.append(a)
        gold[a.id] = d["subtopic"]
        group[a.id] = split_of[int(d["topic"])]
    # The file lists the documents subtopic by subtopic, and undated articles are clustered in
    # input order: fed as they are, the order would give the gold stories away. By id instead.
    articles.sort(key=lambda a: a.id)
    return Dataset("ECB+", articles, gold, group)


def load_uci() -> Dataset:
    """UCI headlines in file order; the text of an article is its headline."""
    path = _require(shared_data_dir() / "uci_news_aggregator_subset" / "uci-news-aggregator_first6366rows.csv")
    articles, gold = [], {}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if not row.get("TIMESTAMP") or not row["TIMESTAMP"].isdigit() or not row.get("STORY"):
                continue  # the truncated last line
            when = datetime.fromtimestamp(int(row["TIMESTAMP"]) / 1000, tz=timezone.utc)
            a = Article(
                text=row["TITLE"], title=row["TITLE"], url=row["URL"], published=when,
                source=Source(row["PUBLISHER"], row["HOSTNAME"]),
                provenance=Provenance(path.name, f"row {row['ID']}"), id=f"uci-{row['ID']}",
            )
            articles.append(a)
            gold[a.id] = row["STORY"]
    return Dataset("UCI", articles, gold)


def load_googlenews() -> Dataset:
    """News-T in stream order; the cleaned token string is both title and text."""
    path = _require(shared_data_dir() / "googlenews_mstream" / "News-T.jsonl")
    articles, gold = [], {}
    for i, line in enumerate(path.open()):
        d = json.loads(line)
        a = Article(
            text=d["textCleaned"], title=d["textCleaned"], source=Source("googlenews"),
            provenance=Provenance(path.name, f"line {i + 1}"), id=f"gn-{d['Id']}",
        )
        articles.append(a)
        gold[a.id] = str(d["clusterNo"])
    return Dataset("Google News", articles, gold)


def load_gedikli() -> tuple[Dataset, dict[tuple[str, str], int]]:
    """The 100 articles and the labels of all their pairs (url pairs -> 0/1)."""
    base = shared_data_dir() / "gedikli-story-chains"
    csv.field_size_limit(10**8)
    articles = []
    path = _require(base / "gedikli-business_energy_news_dataset-2021-06-29-article_texts.csv")
    with path.open(newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            when = datetime.fromisoformat(row["date"]).replace(tzinfo=timezone.utc) if row["date"] else None
            articles.append(Article(
                text=row["text"], title=row["title"], url=row["url"], published=when,
                source=Source(row["paperurl"]), provenance=Provenance(path.name, row["url"]), id=row["url"],
            ))
    pairs: dict[tuple[str, str], int] = {}
    with (base / "gedikli-business_energy_news_dataset-2021-06-29.csv").open(newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f, delimiter=";"):
            pairs[(row["url1"], row["url2"])] = int(row["relation"])
    return Dataset("Gedikli", articles, {}), pairs


def analyses(dataset: Dataset) -> list[Analysis]:
    """Analyses of ``dataset.articles`` in order, computed once and cached by analyzer version and texts."""
    from storyline.analyze import Analyzer

    analyzer = Analyzer()
    OUT.mkdir(parents=True, exist_ok=True)
    key = dataset.name.lower().replace(" ", "_").replace("+", "plus")
    texts = stable_hash(*(part for a in dataset.articles for part in (a.id, a.text)))[:8]
    cache = OUT / f"analyses_{key}_{analyzer.version}_{texts}.pkl"
    ids = [a.id for a in dataset.articles]
    if cache.exists():
        cached: dict[str, Analysis] = pickle.loads(cache.read_bytes())
        if all(i in cached for i in ids):
            return [cached[i] for i in ids]
    result = list(analyzer.pipe(dataset.articles))
    cache.write_bytes(pickle.dumps({a.article_id: a for a in result}))
    return result


def features(dataset: Dataset) -> list:
    """Clustering features of every article, in dataset order."""
    from storyline.cluster.features import article_features

    return [article_features(a, an) for a, an in zip(dataset.articles, analyses(dataset))]


def stream_halves(dataset: Dataset) -> tuple[list[Article], list[Article]]:
    """First and second half of the stream in publication order (input order when undated)."""
    ordered = sorted(dataset.articles, key=lambda a: a.published.timestamp() if a.published else 0.0)
    half = len(ordered) // 2
    return ordered[:half], ordered[half:]
