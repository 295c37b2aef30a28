"""Quote fidelity on PolNeAR: are altered quotes grouped with their original, and only with it?

Quotes: the words inside quotation marks of each PolNeAR attribution whose
Content has double quotation marks (first annotator's .ann), at least
``MIN_WORDS`` words and no square brackets, keyed by speaker (the Source's last capitalised word, so
"Donald Trump" and "Mr. Trump" in other articles are one speaker; pronoun
sources are left out). Quotes that are versions of a longer quote by the same
speaker (nested or repeated annotations) are dropped, so that the negatives
are different remarks. For each speaker, one synthetic article holds all
originals and, per alteration type, another holds the altered versions; both
go through ``group_quotes``. Other quotes by the same speaker, from the same
and other articles, are the hard negatives.

- recall: altered quote in the same group as its original;
- precision: of the (original, altered) pairs grouped together, the share that
  are the same quote; neg_grouped: hard-negative pairs grouped / all of them;
- classified: groups whose difference kinds are exactly the alteration's kind
  (and, for a changed word, whose detail names both words), over found pairs.

Run: python benchmarks/quotes_fidelity_polnear.py [--split dev] [--limit N] [--max-per-speaker N]
Thresholds in storyline.compare.quotes were tuned on the train split.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from storyline.compare.quotes import QuoteSource, group_quotes, same_quotation, tokenize
from storyline.eval.quotes import default_data_path, load_split
from storyline.model import Quote

MIN_WORDS = 5
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "his", "her", "their"}
SUBSTITUTES = ["scheme", "matter", "really", "nation", "people", "policy", "strong"]
_WORD = re.compile(r"\w+(?:['’.\-]\w+)*")
_QUOTED = re.compile(r"[\"“]([^\"“”]+)[\"”]")


@dataclass(frozen=True)
class Altered:
    pieces: tuple[str, ...]  # more than one: split around a cue
    kind: str
    detail: str | None = None  # the expected detail, when the check includes it


def quoted_text(text: str, segments: list[tuple[int, int]]) -> str:
    content = " ".join(text[a:b] for a, b in segments)
    return " ".join(m.group(1).strip() for m in _QUOTED.finditer(content)).strip()


def speaker_key(text: str, segments: list[tuple[int, int]]) -> str | None:
    words = re.findall(r"[A-Z][\w’'-]+", " ".join(text[a:b] for a, b in segments))
    words = [w for w in words if w.lower() not in PRONOUNS and w not in ("Mr", "Mrs", "Ms", "Dr", "The")]
    return words[-1] if words else None


def load_quotes(split: str, limit: int | None) -> dict[str, list[str]]:
    by_speaker: dict[str, list[str]] = defaultdict(list)
    for doc in load_split(default_data_path(), split, limit):
        for gold in doc.gold:
            quote = quoted_text(doc.text, gold.content)
            speaker = speaker_key(doc.text, gold.source)
            if speaker and len(_WORD.findall(quote)) >= MIN_WORDS and "[" not in quote:
                by_speaker[speaker].append(quote)
    return {speaker: distinct(quotes) for speaker, quotes in by_speaker.items()}


def distinct(quotes: list[str]) -> list[str]:
    """Longest first, leaving out a quote that is a version of one kept (nested annotations repeat words)."""
    kept: list[str] = []
    for q in sorted(set(quotes), key=len, reverse=True):
        words = tokenize([q]).plain()
        if not any(same_quotation(words, tokenize([k]).plain()) for k in kept):
            kept.append(q)
    return kept


# ---------------------------------------------------------------- alterations


def _words(q: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(q))


def alter_case(q: str, rng: random.Random) -> Altered | None:
    if not q[:1].isalpha():
        return None
    return Altered((q[0].swapcase() + q[1:],), "case")


def alter_sic(q: str, rng: random.Random) -> Altered:
    w = _words(q)
    at = w[rng.randrange(len(w) - 1)].end()
    return Altered((q[:at] + " [sic]" + q[at:],), "editorial")


def alter_ellipsis(q: str, rng: random.Random) -> Altered:
    w = _words(q)
    n = max(1, len(w) // 3)
    first = rng.randrange(1, len(w) - n)
    return Altered((q[: w[first - 1].end()] + " ... " + q[w[first + n - 1].end() :].lstrip(" ,;:"),), "omission")


def alter_cut(q: str, rng: random.Random) -> Altered:
    w = _words(q)
    n = max(1, len(w) // 4)
    if rng.random() < 0.5:
        return Altered((q[w[n].start() :],), "omission")
    return Altered((q[: w[-n - 1].end()],), "omission")


def alter_word(q: str, rng: random.Random) -> Altered | None:
    w = [m for m in _words(q)[1:-1] if m.group().isalpha() and m.group().islower() and len(m.group()) >= 4]
    if not w:
        return None
    m = rng.choice(w)
    new = next(s for s in SUBSTITUTES if s not in q.lower())
    return Altered((q[: m.start()] + new + q[m.end() :],), "substitution", f'"{m.group()}" -> "{new}"')


def alter_punctuation(q: str, rng: random.Random) -> Altered:
    w = _words(q)
    commas = [i for i in range(len(w) - 1) if q[w[i].end() : w[i + 1].start()] == ", "]
    if commas:
        i = rng.choice(commas)
        return Altered((q[: w[i].end()] + " " + q[w[i + 1].start() :],), "punctuation")
    i = rng.randrange(len(w) - 1)
    return Altered((q[: w[i].end()] + "," + q[w[i].end() :],), "punctuation")


def alter_split(q: str, rng: random.Random) -> Altered:
    w = _words(q)
    at = rng.randrange(2, len(w) - 1)
    first = q[: w[at - 1].end()].rstrip()
    return Altered((first + ",", q[w[at].start() :]), "split")


ALTERATIONS: dict[str, Callable[[str, random.Random], Altered | None]] = {
    "case": alter_case,
    "sic": alter_sic,
    "ellipsis": alter_ellipsis,
    "cut_end": alter_cut,
    "changed_word": alter_word,
    "punctuation": alter_punctuation,
    "split": alter_split,
}


# ---------------------------------------------------------------- articles


def article(name: str, quotes: list[tuple[int, tuple[str, ...]]], speaker: str) -> tuple[QuoteSource, dict]:
    """Synthetic text with one paragraph per quote; returns the source and quote index -> original index."""
    text, records, owner = "", [], {}
    for original, pieces in quotes:
        for k, piece in enumerate(pieces):
            text += "“" if k == 0 else " “"
            records.append(Quote(piece, len(text), len(text) + len(piece), speaker=speaker, cue="said"))
            owner[len(records) - 1] = original
            text += piece + ("”" if k == len(pieces) - 1 else "” she said,")
        text += f" {speaker} said.\n\n"
    return QuoteSource(name, text, records), owner


@dataclass
class Tally:
    tried: int = 0
    found: int = 0
    pairs_right: int = 0
    pairs_wrong: int = 0
    negatives: int = 0
    classified: int = 0


def run_speaker(speaker: str, quotes: list[str], name: str, alter, rng: random.Random, tally: Tally) -> None:
    altered = {i: a for i, q in enumerate(quotes) if (a := alter(q, rng)) is not None}
    if not altered:
        return
    original, orig_owner = article("orig", [(i, (q,)) for i, q in enumerate(quotes)], speaker)
    variant, var_owner = article(name, [(i, a.pieces) for i, a in altered.items()], speaker)
    groups = group_quotes([original, variant])
    tally.tried += len(altered)
    tally.negatives += len(altered) * (len(quotes) - 1)
    for g in groups:
        origs = {orig_owner[_index(original, v.start)] for v in g.variants if v.article == "orig"}
        alts = {var_owner[_index(variant, v.start)] for v in g.variants if v.article == name}
        for i in origs:
            for j in alts:
                if i == j:
                    tally.pairs_right += 1
                else:
                    tally.pairs_wrong += 1
        for i in origs & alts:
            tally.found += 1
            tally.classified += _classified_right(g, altered[i])


def _index(source: QuoteSource, start: int) -> int:
    return next(k for k, q in enumerate(source.quotes) if q.start == start)


def _classified_right(group, altered: Altered) -> bool:
    kinds = {d.kind for d in group.differences}
    if kinds != {altered.kind}:
        return False
    return altered.detail is None or any(d.detail == altered.detail for d in group.differences)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev")
    ap.add_argument("--limit", type=int, default=None, help="read only the first N articles of the split")
    ap.add_argument("--max-per-speaker", type=int, default=40, help="bound the quadratic grouping per speaker")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    root = default_data_path()
    if not (root / "data" / args.split).is_dir():
        print(f"{root}/data/{args.split} not found: set STORYLINE_SHARED_DATA", file=sys.stderr)
        return 2
    started = time.perf_counter()
    by_speaker = load_quotes(args.split, args.limit)
    quotes_total = sum(min(len(q), args.max_per_speaker) for q in by_speaker.values())
    tallies: dict[str, Tally] = {}
    for name, alter in ALTERATIONS.items():
        rng = random.Random(args.seed)
        tally = tallies[name] = Tally()
        for speaker, quotes in sorted(by_speaker.items()):
            run_speaker(speaker, quotes[: args.max_per_speaker], name, alter, rng, tally)
    print(f"PolNeAR {args.split}: {quotes_total} quotes by {len(by_speaker)} speakers "
          f"(>= {MIN_WORDS} words, <= {args.max_per_speaker} per speaker); {time.perf_counter() - started:.1f}s")
    print(format_table(tallies))
    return 0


def format_table(tallies: dict[str, Tally]) -> str:
    header = ("alteration", "tried", "found", "recall", "precision", "neg_pairs", "neg_grouped", "classified")
    lines = ["  ".join(f"{h:>12}" for h in header)]
    total = Tally()
    rows = list(tallies.items())
    for _, t in rows:
        for f in ("tried", "found", "pairs_right", "pairs_wrong", "negatives", "classified"):
            setattr(total, f, getattr(total, f) + getattr(t, f))
    for name, t in rows + [("all", total)]:
        grouped = t.pairs_right + t.pairs_wrong
        values = (
            name, t.tried, t.found,
            f"{t.found / t.tried:.3f}" if t.tried else "-",
            f"{t.pairs_right / grouped:.3f}" if grouped else "-",
            t.negatives,
            f"{t.pairs_wrong / t.negatives:.4f}" if t.negatives else "-",
            f"{t.classified / t.found:.3f}" if t.found else "-",
        )  # fmt: skip
        lines.append("  ".join(f"{v:>12}" for v in values))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
