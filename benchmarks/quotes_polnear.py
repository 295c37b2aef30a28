"""Direct quotations vs PolNeAR attributions: python benchmarks/quotes_polnear.py [--split dev] [--limit N]."""

from __future__ import annotations

import argparse
import time

from storyline.eval.quotes import evaluate, format_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    began = time.perf_counter()
    scores = evaluate(args.split, limit=args.limit)
    print(format_table([scores]))
    print(f"{scores.docs} articles in {time.perf_counter() - began:.1f}s (spaCy parsing included); rules tuned on train")


if __name__ == "__main__":
    main()
