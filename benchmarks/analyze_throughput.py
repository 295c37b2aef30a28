"""Analysis throughput on the ECB+ article texts: storyline's Analyzer against bare spaCy.

    python benchmarks/analyze_throughput.py [--limit N] [--batch-size 32] [--processes 1 2]

All on the same texts in the same run:

1. Cost of each pipeline component (single process), for the pipeline as packaged and
   for storyline's (the same, with the attribute ruler done by lookup): the tokenizer
   and then every component in turn over the same batches.
2. For each process count: bare ``nlp.pipe`` of the pipeline as packaged, and the full
   ``Analyzer(...).pipe`` (spaCy and every extractor) in articles/s, and the storyline
   overhead (analyzer time over bare spaCy time, minus one; target <= 30%).
3. The Analyzer at a few batch sizes with the largest process count.

Data: ``$STORYLINE_SHARED_DATA/ecbplus/ecbplus_docs.jsonl`` (default
``../shared/data`` next to the repository).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from spacy.language import Language

from storyline.analyze import AnalysisInput, Analyzer
from storyline.analyze.nlp import load_nlp, load_packaged_nlp, model_version
from storyline.eval import shared_data_dir

DOCS = shared_data_dir() / "ecbplus" / "ecbplus_docs.jsonl"


def load_texts(limit: int | None) -> list[str]:
    if not DOCS.exists():
        sys.exit(f"{DOCS} not found: set STORYLINE_SHARED_DATA or put shared/data next to the repository")
    with DOCS.open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    return texts[:limit] if limit else texts


def seconds(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def bare_spacy(nlp: Language, texts: list[str], batch_size: int, n_process: int) -> float:
    def run() -> None:
        for _ in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
            pass

    return seconds(run)


def full_analysis(nlp: Language, texts: list[str], batch_size: int, n_process: int) -> float:
    analyzer = Analyzer(nlp, n_process=n_process, batch_size=batch_size)
    inputs = [AnalysisInput(str(i), t) for i, t in enumerate(texts)]

    def run() -> None:
        for _ in analyzer.pipe(inputs):
            pass

    return seconds(run)


def component_costs(nlp: Language, texts: list[str], batch_size: int) -> dict[str, float]:
    """Seconds per enabled component, each run over the output of the ones before it."""
    costs = {"tokenizer": 0.0} | {name: 0.0 for name in nlp.pipe_names}
    for start in range(0, len(texts), batch_size):
        batch = texts[start : start + batch_size]
        t0 = time.perf_counter()
        docs = [nlp.make_doc(t) for t in batch]
        costs["tokenizer"] += time.perf_counter() - t0
        for name in nlp.pipe_names:
            t0 = time.perf_counter()
            component = nlp.get_pipe(name)
            docs = list(component.pipe(docs, batch_size=batch_size)) if hasattr(component, "pipe") else list(map(component, docs))
            costs[name] += time.perf_counter() - t0
    return costs


def print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    print(f"\n{title}")
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip(), flush=True)


def _cost_cells(costs: dict[str, float], name: str, total: float) -> list[str]:
    """Seconds and share of one component, or dashes for a component the pipeline lacks."""
    if name not in costs:
        return ["-", "-"]
    return [f"{costs[name]:.2f}", f"{costs[name] / total:.0%}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--sweep", type=int, nargs="*", default=[16, 64, 128], help="batch sizes for table 3")
    args = parser.parse_args()

    texts = load_texts(args.limit)
    packaged, ours = load_packaged_nlp(), load_nlp()
    n = len(texts)
    print(f"{n} articles, {sum(map(len, texts)):,} characters, model {model_version(ours)}, {os.cpu_count()} CPUs,"
          f" load average {os.getloadavg()[0]:.1f} at start")

    # Warm up (lazy initialisation, caches) outside the timings.
    full_analysis(ours, texts[:20], args.batch_size, 1)
    bare_spacy(packaged, texts[:20], args.batch_size, 1)

    packaged_costs = component_costs(packaged, texts, args.batch_size)
    our_costs = component_costs(ours, texts, args.batch_size)
    totals = sum(packaged_costs.values()), sum(our_costs.values())
    print_table(
        "Component cost, single process (seconds, share)",
        ["component", "as packaged", "share", "storyline", "share"],
        [[name, *_cost_cells(packaged_costs, name, totals[0]), *_cost_cells(our_costs, name, totals[1])]
         for name in dict.fromkeys([*our_costs, *packaged_costs])]
        + [["total", f"{totals[0]:.2f}", "", f"{totals[1]:.2f}", ""]],
    )

    rows = []
    for n_process in args.processes:
        spacy_s = bare_spacy(packaged, texts, args.batch_size, n_process)
        full_s = full_analysis(ours, texts, args.batch_size, n_process)
        rows.append([str(n_process), f"{n / spacy_s:.1f}", f"{n / full_s:.1f}", f"{full_s / spacy_s - 1:+.0%}"])
    print_table(
        f"Throughput, batch size {args.batch_size} (target: analysis >= 40 articles/s, overhead <= 30%)",
        ["processes", "bare spaCy art/s", "storyline analysis art/s", "overhead"],
        rows,
    )

    most = max(args.processes)
    sweep = [[str(b), f"{n / full_analysis(ours, texts, b, most):.1f}"] for b in args.sweep]
    print_table(f"storyline analysis by batch size ({most} processes)", ["batch size", "articles/s"], sweep)


if __name__ == "__main__":
    main()
