"""Analysis throughput on the ECB+ article texts: storyline's Analyzer against bare spaCy.

    python benchmarks/analyze_throughput.py [--limit N] [--batch-size 32] [--processes 1 2]

Three tables, all on the same texts in the same run:

1. Cost of each enabled pipeline component (single process): the tokenizer and then
   every component in turn over the same batches, so the seconds add up to one
   full run. Components that are loaded but disabled (``senter``) are timed too.
2. For each pipeline configuration and process count: bare ``nlp.pipe`` and the
   full ``Analyzer(...).pipe`` in articles/s, and the storyline overhead
   (analyzer time over spaCy time, minus one; target <= 30%).
3. Bare spaCy at a few batch sizes for the first configuration, single process.

Data: ``$STORYLINE_SHARED_DATA/ecbplus/ecbplus_docs.jsonl`` (default
``../shared/data`` next to the repository).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from typing import Iterator

from spacy.language import Language

from storyline.analyze import AnalysisInput, Analyzer
from storyline.analyze.nlp import load_nlp, model_version
from storyline.eval import shared_data_dir

DOCS = shared_data_dir() / "ecbplus" / "ecbplus_docs.jsonl"

# name -> components run, in pipeline order
CONFIGS = {
    "full (parser)": ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"),
    "senter, no parser": ("tok2vec", "tagger", "senter", "attribute_ruler", "lemmatizer", "ner"),
}


def load_texts(limit: int | None) -> list[str]:
    if not DOCS.exists():
        sys.exit(f"{DOCS} not found: set STORYLINE_SHARED_DATA or put shared/data next to the repository")
    with DOCS.open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    return texts[:limit] if limit else texts


@contextlib.contextmanager
def configured(nlp: Language, components: tuple[str, ...]) -> Iterator[Language]:
    """Run exactly ``components``; the pipeline's previous state is restored afterwards."""
    was_disabled = set(nlp.disabled)
    for name in nlp.component_names:
        if name in components:
            nlp.enable_pipe(name)
        else:
            nlp.disable_pipe(name)
    try:
        yield nlp
    finally:
        for name in nlp.component_names:
            if name in was_disabled:
                nlp.disable_pipe(name)
            else:
                nlp.enable_pipe(name)


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


def component_costs(nlp: Language, texts: list[str], batch_size: int) -> list[tuple[str, float]]:
    """Seconds per enabled component, each run over the output of the ones before it.

    Disabled components (senter) are left out: running senter over parsed docs crashes spaCy.
    """
    costs = {"tokenizer": 0.0} | {name: 0.0 for name in nlp.pipe_names}
    for start in range(0, len(texts), batch_size):
        batch = texts[start : start + batch_size]
        t0 = time.perf_counter()
        docs = [nlp.make_doc(t) for t in batch]
        costs["tokenizer"] += time.perf_counter() - t0
        for name in nlp.pipe_names:
            t0 = time.perf_counter()
            docs = list(nlp.get_pipe(name).pipe(docs, batch_size=batch_size))
            costs[name] += time.perf_counter() - t0
    return list(costs.items())


def print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    print(f"\n{title}")
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip(), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--sweep", type=int, nargs="*", default=[8, 32, 128], help="batch sizes for table 3")
    args = parser.parse_args()

    texts = load_texts(args.limit)
    nlp = load_nlp()
    n = len(texts)
    print(f"{n} articles, {sum(map(len, texts)):,} characters, model {model_version(nlp)}, {os.cpu_count()} CPUs")

    # Warm up (lazy initialisation, caches) outside the timings.
    full_analysis(nlp, texts[:20], args.batch_size, 1)

    costs = component_costs(nlp, texts, args.batch_size)
    total = sum(s for _, s in costs)
    print_table(
        "Component cost, single process (default pipeline)",
        ["component", "seconds", "share"],
        [[name, f"{s:.1f}", f"{s / total:.0%}"] for name, s in costs],
    )

    rows = []
    for config, components in CONFIGS.items():
        with configured(nlp, components):
            for n_process in args.processes:
                spacy_s = bare_spacy(nlp, texts, args.batch_size, n_process)
                full_s = full_analysis(nlp, texts, args.batch_size, n_process)
                rows.append(
                    [config, str(n_process), f"{n / spacy_s:.1f}", f"{n / full_s:.1f}", f"{full_s / spacy_s - 1:+.0%}"]
                )
    print_table(
        f"Throughput, batch size {args.batch_size} (target: analysis >= 40 articles/s, overhead <= 30%)",
        ["pipeline", "processes", "spaCy art/s", "analysis art/s", "overhead"],
        rows,
    )

    first, components = next(iter(CONFIGS.items()))
    with configured(nlp, components):
        sweep = [[str(b), f"{n / bare_spacy(nlp, texts, b, 1):.1f}"] for b in args.sweep]
    print_table(f"Bare spaCy by batch size ({first}, single process)", ["batch size", "articles/s"], sweep)


if __name__ == "__main__":
    main()
