"""Typed contradictions on ECB+ with planted changes.

For each ECB+ document of the chosen split, a copy gets exactly one fact
changed -- a date, a number, an age, a person's name or a place, picked among
the values the analysis found, with a seeded RNG -- and the pair (original,
copy) goes through ``storyline.compare.compare_story`` as two outlets. A found
contradiction is correct when it has the planted kind and its claim in the
copy covers the changed text; anything else reported on a pair is a false
alarm. Control pairs carry meaning-preserving edits only (reporting verbs
paraphrased, sentences reordered, a count rounded within tolerance: "312" ->
"about 300"); a control with any contradiction is a false alarm.

Also reported, for information: contradictions found between each original and
a different article of the same seminal event (real cross-outlet variation;
no gold, so no score).

Split: the Cybulska setup (ecbplus/cybulska_setup: train topics 1-35 minus the
dev topics 2 5 12 18 21 23 34 35; test topics 36-45). Thresholds were set
looking at the train split only; the default run reports the test split.

    python benchmarks/contradictions_ecbplus.py [--split test|train|dev] [--limit N] [--seed S] [--show N]
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from storyline.eval import shared_data_dir
from storyline.analyze import Analyzer
from storyline.compare import compare_story
from storyline.compare.values import date_interval
from storyline.model import Analysis, Article, Contradiction, Provenance, Source, stable_hash

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "benchmarks" / "out"
KINDS = ("date", "number", "age", "name", "place")
CONTROLS = ("verbs", "reorder", "rounding")
MONTHS = "January February March April May June July August September October November December".split()
WORD_NUMBERS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
# Replacements for a planted name or place (one the document does not mention is picked).
OTHER_PEOPLE = ["Marta Kowalski", "Daniel Osei", "Priya Raman", "Tomas Lindqvist", "Grace Okafor", "Luis Herrera",
                "Hannah Becker", "Kenji Watanabe", "Sofia Marino", "Peter Hollis"]
OTHER_PLACES = ["Denver", "Ohio", "Kenya", "Lisbon", "Manitoba", "Bavaria", "Tasmania", "Quebec", "Nairobi", "Oslo",
                "Peru", "Glasgow"]
REPORTING = [(r"\bsaid\b", "stated"), (r"\bsays\b", "states"), (r"\btold\b", "informed")]


# ---------------------------------------------------------------- data


def load_split(split: str) -> dict[str, list[Article]]:
    """Documents of one Cybulska split, grouped by seminal event (subtopic)."""
    base = shared_data_dir() / "ecbplus"
    if not base.exists():
        sys.exit(f"{base} not found: see ../shared/data (or set STORYLINE_SHARED_DATA)")
    topics = set()
    for line in (base / "cybulska_setup" / f"ECB_{split.title()}_corpus.txt").open():
        if line.strip():
            topics.add(int(line.split("_", 1)[0]))
    events: dict[str, list[Article]] = defaultdict(list)
    for line in (base / "ecbplus_docs.jsonl").open():
        d = json.loads(line)
        if d["topic"] in topics:
            events[d["subtopic"]].append(_article(d["text"], d["doc_id"], "a"))
    return dict(sorted(events.items()))


def _article(text: str, doc_id: str, outlet: str) -> Article:
    return Article(text=text, source=Source(f"outlet-{outlet}"), provenance=Provenance("ecbplus_docs.jsonl", doc_id),
                   id=f"{doc_id}:{outlet}:{stable_hash(text)[:8]}")


class AnalysisCache:
    """Analyses by text, pickled under benchmarks/out so reruns skip spaCy."""

    def __init__(self, analyzer: Analyzer):
        self.analyzer = analyzer
        self.path = OUT / f"contradictions_analyses_{analyzer.version}.pkl".replace("/", "_")
        self.by_text: dict[str, Analysis] = pickle.loads(self.path.read_bytes()) if self.path.exists() else {}
        self.dirty = False

    def get(self, articles: list[Article]) -> list[Analysis]:
        missing = [a for a in articles if stable_hash(a.text) not in self.by_text]
        for article, analysis in zip(missing, self.analyzer.pipe(missing)):
            self.by_text[stable_hash(article.text)] = analysis
            self.dirty = True
        out = []
        for a in articles:
            cached = self.by_text[stable_hash(a.text)]
            out.append(Analysis(**{**{f: getattr(cached, f) for f in cached.__slots__}, "article_id": a.id}))
        return out

    def save(self) -> None:
        if self.dirty:
            OUT.mkdir(parents=True, exist_ok=True)
            self.path.write_bytes(pickle.dumps(self.by_text))


# ---------------------------------------------------------------- edits


@dataclass
class Edit:
    kind: str  # a planted kind, or a control name
    start: int  # the changed span in the copy (empty for controls)
    end: int
    text: str  # the copy
    detail: str


def _replace(text: str, start: int, end: int, new: str, kind: str) -> Edit:
    return Edit(kind, start, start + len(new), text[:start] + new + text[end:], f"{text[start:end]!r} -> {new!r}")


def plant_date(text: str, a: Analysis, rng: random.Random) -> Edit | None:
    """Another day, month or year in a calendar date the analysis found."""
    options = []
    for t in a.timexes:
        if t.type != "DATE" or not t.resolved or date_interval(t.value) is None:
            continue
        for m in re.finditer(r"\b(\d{4})\b|\b(\d{1,2})\b|\b(" + "|".join(MONTHS) + r")\b", t.text):
            options.append((t.start + m.start(), t.start + m.end(), m))
    if not options:
        return None
    start, end, m = rng.choice(options)
    if m.group(1):
        new = str(int(m.group(1)) + rng.choice([-3, -2, -1, 1, 2, 3]))
    elif m.group(2):
        new = str(rng.choice([d for d in range(1, 29) if d != int(m.group(2))]))
    else:
        new = rng.choice([x for x in MONTHS if x != m.group(3)])
    return _replace(text, start, end, new, "date")


def plant_number(text: str, a: Analysis, rng: random.Random, kind: str) -> Edit | None:
    """A count, amount or age changed well beyond any rounding tolerance."""
    wanted = (lambda n: n.kind == "age") if kind == "age" else (lambda n: n.kind != "age")
    options = []
    for n in a.numbers:
        if not wanted(n):
            continue
        m = re.search(r"\d[\d,]*(?:\.\d+)?|\b(" + "|".join(WORD_NUMBERS) + r")\b", n.text, re.I)
        if m:
            options.append((n, m))
    if not options:
        return None
    n, m = rng.choice(options)
    written = m.group(0)
    if kind == "age":
        new_value = int(n.value) + rng.choice([-9, -5, -3, -2, 2, 3, 4, 7])
        new = str(max(new_value, 1) if new_value != n.value else new_value + 2)
    elif written.lower() in WORD_NUMBERS:
        new = rng.choice([w for w, v in WORD_NUMBERS.items() if abs(v - WORD_NUMBERS[written.lower()]) >= 2 and v > 0])
    else:
        value = float(written.replace(",", ""))
        factor = rng.choice([0.4, 0.5, 1.6, 2.0, 3.0])
        new_value = value * factor if value else rng.randint(2, 9)
        new = f"{new_value:,.{len(written.split('.')[1]) if '.' in written else 0}f}"
        if "," not in written:
            new = new.replace(",", "")
    return _replace(text, n.start + m.start(), n.start + m.end(), new, kind)


def plant_name(text: str, a: Analysis, rng: random.Random, others: list[str]) -> Edit | None:
    """A person's name misspelt (one letter of the surname) or replaced by someone else's."""
    people = [e for e in a.entities if e.label == "PERSON" and re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)+", e.text)]
    if not people:
        return None
    e = rng.choice(people)
    first, surname = e.text.rsplit(" ", 1)
    if rng.random() < 0.5 and len(surname) >= 4:
        i = rng.randrange(1, len(surname) - 1)
        letter = rng.choice([c for c in "aeioulnrst" if c != surname[i]])
        new = f"{first} {surname[:i]}{letter}{surname[i + 1:]}"
    else:
        new = rng.choice([o for o in others if o.split()[-1] != surname and o.split()[-1] not in text])
    return _replace(text, e.start, e.end, new, "name")


def plant_place(text: str, a: Analysis, rng: random.Random, others: list[str]) -> Edit | None:
    places = [e for e in a.entities if e.label in ("GPE", "LOC") and e.text[:1].isupper()]
    if not places:
        return None
    e = rng.choice(places)
    new = rng.choice([o for o in others if o not in text])
    return _replace(text, e.start, e.end, new, "place")


def control_verbs(text: str, a: Analysis, rng: random.Random) -> Edit | None:
    new, count = text, 0
    for pattern, repl in REPORTING:
        new, k = re.subn(pattern, repl, new)
        count += k
    return Edit("verbs", 0, 0, new, f"{count} reporting verbs") if count else None


def control_reorder(text: str, a: Analysis, rng: random.Random) -> Edit | None:
    sentences = [text[s:e] for s, e in a.sentences]
    if len(sentences) < 3:
        return None
    order = list(range(len(sentences)))
    while order == sorted(order):
        rng.shuffle(order)
    return Edit("reorder", 0, 0, " ".join(sentences[i] for i in order), "sentences shuffled")


def control_rounding(text: str, a: Analysis, rng: random.Random) -> Edit | None:
    """An exact count of at least 20 written as "about" its value rounded to one or two significant digits."""
    options = [n for n in a.numbers if n.kind == "count" and not n.approximate and n.value >= 20
               and (m := re.match(r"\d[\d,]*", n.text)) and float(m.group(0).replace(",", "")) == n.value]
    if not options:
        return None
    n = rng.choice(options)
    written = re.match(r"\d[\d,]*", n.text).group(0)
    digits = len(str(int(n.value)))
    rounded = int(round(n.value, -(digits - rng.choice([1, 2])))) if digits > 2 else int(round(n.value, -1))
    if rounded == n.value:
        return None
    new = "about " + (f"{rounded:,}" if "," in written else str(rounded))
    return Edit("rounding", 0, 0, text[: n.start] + new + text[n.start + len(written) :], f"{written!r} -> {new!r}")


# ---------------------------------------------------------------- scoring


def planted_found(c: Contradiction, copy_id: str, edit: Edit) -> bool:
    return c.kind == edit.kind and any(
        cl.article == copy_id and cl.start < edit.end and edit.start < cl.end for cl in c.claims
    )


def run(split: str, limit: int | None, seed: int, show: int) -> None:
    events = load_split(split)
    originals = [a for docs in events.values() for a in docs][: limit or None]
    analyzer = Analyzer()
    cache = AnalysisCache(analyzer)
    analyses = dict(zip((a.id for a in originals), cache.get(originals)))

    cases: list[tuple[Article, Edit]] = []
    for a in originals:
        an = analyses[a.id]
        planters = {
            "date": lambda r: plant_date(a.text, an, r),
            "number": lambda r: plant_number(a.text, an, r, "number"),
            "age": lambda r: plant_number(a.text, an, r, "age"),
            "name": lambda r: plant_name(a.text, an, r, OTHER_PEOPLE),
            "place": lambda r: plant_place(a.text, an, r, OTHER_PLACES),
            "verbs": lambda r: control_verbs(a.text, an, r),
            "reorder": lambda r: control_reorder(a.text, an, r),
            "rounding": lambda r: control_rounding(a.text, an, r),
        }
        for name, plant in planters.items():
            edit = plant(random.Random(f"{seed}:{a.provenance.locator}:{name}"))
            if edit is not None:
                cases.append((a, edit))

    copies = [_article(e.text, a.provenance.locator or a.id, "b") for a, e in cases]
    copy_analyses = cache.get(copies)
    cache.save()

    found, planted, reported, correct = Counter(), Counter(), Counter(), Counter()
    controls, alarms = Counter(), Counter()
    misses, false_alarms = [], []
    for (a, edit), copy, copy_an in zip(cases, copies, copy_analyses):
        _, contradictions = compare_story([a, copy], [analyses[a.id], copy_an])
        hits = [c for c in contradictions if edit.kind in KINDS and planted_found(c, copy.id, edit)]
        for c in contradictions:
            reported[c.kind] += 1
            correct[c.kind] += c in hits
            if c not in hits:
                false_alarms.append((edit, c))
        if edit.kind in KINDS:
            planted[edit.kind] += 1
            found[edit.kind] += bool(hits)
            if not hits:
                misses.append((a, edit))
        else:
            controls[edit.kind] += 1
            alarms[edit.kind] += bool(contradictions)

    print(f"ECB+ {split} split: {len(originals)} documents, topics "
          f"{' '.join(sorted({e.rstrip('ecbplus') for e in events}, key=int))}; seed {seed}")
    print()
    print(f"{'kind':<8}{'planted':>9}{'found':>7}{'recall':>8}{'reported':>10}{'correct':>9}{'precision':>11}")
    for kind in (*KINDS, "quote"):
        if planted[kind] or reported[kind]:
            print(f"{kind:<8}{planted[kind]:>9}{found[kind]:>7}{_ratio(found[kind], planted[kind]):>8}"
                  f"{reported[kind]:>10}{correct[kind]:>9}{_ratio(correct[kind], reported[kind]):>11}")
    tp, n, r = sum(found.values()), sum(planted.values()), sum(reported.values())
    print(f"{'overall':<8}{n:>9}{tp:>7}{_ratio(tp, n):>8}{r:>10}{sum(correct.values()):>9}{_ratio(sum(correct.values()), r):>11}")
    print()
    print(f"{'control':<10}{'pairs':>7}{'with a contradiction':>22}{'rate':>8}")
    for kind in CONTROLS:
        print(f"{kind:<10}{controls[kind]:>7}{alarms[kind]:>22}{_ratio(alarms[kind], controls[kind]):>8}")
    print(f"{'all':<10}{sum(controls.values()):>7}{sum(alarms.values()):>22}{_ratio(sum(alarms.values()), sum(controls.values())):>8}")

    real_pairs(events, originals, analyses, cache, show)
    for a, edit in misses[:show]:
        print(f"  missed {edit.kind}: {edit.detail} in {a.provenance.locator}")
    for edit, c in false_alarms[:show]:
        print(f"  false alarm on {edit.kind} ({edit.detail}): {c.kind} {c.about!r} {[cl.value for cl in c.claims]}")


def real_pairs(events: dict[str, list[Article]], originals: list[Article], analyses: dict[str, Analysis],
               cache: AnalysisCache, show: int) -> None:
    """Each original against the next article of its event: what real variation gets flagged."""
    kept = {a.id for a in originals}
    counts: Counter = Counter()
    examples = []
    pairs = 0
    for docs in events.values():
        docs = [d for d in docs if d.id in kept]
        for a, b in zip(docs, docs[1:]):
            b = Article(text=b.text, source=Source("outlet-c"), provenance=b.provenance, id=b.id + ":c")
            b_an = cache.get([b])[0]
            _, contradictions = compare_story([a, b], [analyses[a.id], b_an])
            pairs += 1
            for c in contradictions:
                counts[c.kind] += 1
                examples.append(c)
    print()
    print(f"real cross-outlet pairs (same event, different article; information only): {pairs} pairs, "
          f"{sum(counts.values())} contradictions " + " ".join(f"{k}={counts[k]}" for k in (*KINDS, "quote") if counts[k]))
    for c in examples[:show]:
        print(f"  {c.kind} {c.about!r}: " + " | ".join(f"{cl.text!r}" for cl in c.claims))


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "-"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--split", choices=("train", "dev", "test"), default="test")
    p.add_argument("--limit", type=int, default=None, help="only the first N documents of the split")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--show", type=int, default=0, help="print N misses, false alarms and real-pair contradictions")
    args = p.parse_args()
    run(args.split, args.limit, args.seed, args.show)


if __name__ == "__main__":
    main()
