"""Time expressions on TBAQ-cleaned (TimeBank + AQUAINT), TempEval-3 strict/relaxed/value F1, and speed.

    python benchmarks/timex_tbaq.py [--data PATH] [--limit N]

The same scoring code as ``storyline eval timex``. AQUAINT is split in two
halves by a stable hash of the document name: rules were developed on TimeBank
and AQUAINT-dev; AQUAINT-test is held out (never looked at beyond its totals).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from storyline.analyze.nlp import load_nlp
from storyline.analyze.timex import find_timexes
from storyline.eval.timex import (
    PROTOCOL_NOTE,
    SUBCORPORA,
    default_data_path,
    evaluate,
    format_table,
    iter_corpus,
    split_aquaint,
    summarise,
)


def timex_speed(data: Path, limit: int | None) -> tuple[int, float]:
    """Documents and seconds spent in find_timexes alone (parsing excluded)."""
    nlp = load_nlp()
    docs = [d for sub in SUBCORPORA for d in iter_corpus(data, sub, limit)]
    parsed = list(nlp.pipe(d.text for d in docs))
    started = time.perf_counter()
    for doc in parsed:
        find_timexes(doc, None)
    return len(parsed), time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=None, help="files per sub-corpus")
    args = parser.parse_args()
    data = args.data or default_data_path()
    if not data.is_dir():
        print(f"no TimeML data at {data}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    table = summarise(split_aquaint(evaluate(data, limit=args.limit)))
    elapsed = time.perf_counter() - started
    print(format_table(table))
    print(PROTOCOL_NOTE)
    docs, seconds = timex_speed(data, args.limit)
    print(f"\nevaluation incl. spaCy parse: {table['combined'].docs} docs in {elapsed:.1f} s")
    print(f"find_timexes alone: {docs} docs in {seconds:.3f} s = {docs / seconds:.0f} docs/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
