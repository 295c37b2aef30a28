"""Scoring time expressions against TimeML gold (TBAQ-cleaned: TimeBank + AQUAINT), TempEval-3 style.

- strict: system and gold extents are identical;
- relaxed: the extents overlap (each gold and system expression matched once);
- value / type: TE3 attribute F1 — an attribute counts as right only on a
  relaxed match with an equal value (type), so P = right / system count and
  R = right / gold count; type accuracy is right / relaxed matches.

The text is the plain text of each file's TEXT element (tags stripped) and
offsets are computed over it; the DCT (functionInDocument=CREATION_TIME) is the
publication date and is not scored.

AQUAINT is split in two halves by a stable hash of the document name
(``aquaint_half``): AQUAINT-dev, whose errors rules may be developed on, and
AQUAINT-test, held out (only its totals are ever looked at).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from storyline.eval import shared_data_dir
from storyline.model import Timex

SUBCORPORA = ("TimeBank", "AQUAINT")
DEFAULT_DATA = Path("tbaq_cleaned")
AQUAINT_DEV, AQUAINT_TEST = "AQUAINT-dev", "AQUAINT-test"


@dataclass(frozen=True, slots=True)
class GoldTimex:
    start: int
    end: int
    type: str
    value: str
    text: str


@dataclass(slots=True)
class TimemlDoc:
    name: str
    text: str
    dct: date | None
    gold: list[GoldTimex]


def default_data_path() -> Path:
    return shared_data_dir() / DEFAULT_DATA


def read_timeml(path: Path) -> TimemlDoc:
    """The TEXT element's plain text, its TIMEX3 spans, and the document creation date."""
    root = ET.parse(path).getroot()
    dct = None
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == "CREATION_TIME":
            dct = date.fromisoformat((timex.get("value") or "")[:10])
            break
    body = root.find("TEXT")
    plain = _PlainText()
    if body is not None:
        plain.walk(body)
    return TimemlDoc(path.stem, "".join(plain.parts), dct, plain.gold)


class _PlainText:
    """Concatenates an element's text with tags stripped, noting where each TIMEX3 lies."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.gold: list[GoldTimex] = []

    def add(self, piece: str | None) -> None:
        if piece:
            self.parts.append(piece)
            self.length += len(piece)

    def walk(self, element: ET.Element) -> None:
        start = self.length
        self.add(element.text)
        for child in element:
            self.walk(child)
            self.add(child.tail)
        if element.tag == "TIMEX3" and element.get("functionInDocument") != "CREATION_TIME":
            text = "".join(element.itertext())
            self.gold.append(GoldTimex(start, self.length, element.get("type", ""), element.get("value", ""), text))


def iter_corpus(data: Path, subcorpus: str, limit: int | None = None) -> Iterator[TimemlDoc]:
    files = sorted((data / subcorpus).glob("*.tml"))
    for path in files[:limit] if limit else files:
        yield read_timeml(path)


@dataclass(slots=True)
class Counts:
    docs: int = 0
    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0
    type: int = 0

    def add(self, other: "Counts") -> None:
        for name in self.__slots__:  # type: ignore[attr-defined]
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def prf(self, hits: int) -> tuple[float, float, float]:
        p = hits / self.system if self.system else 0.0
        r = hits / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def as_dict(self) -> dict:
        out: dict = {"docs": self.docs, "gold": self.gold, "system": self.system}
        for name in ("strict", "relaxed", "value", "type"):
            p, r, f = self.prf(getattr(self, name))
            out[name] = {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "hits": getattr(self, name)}
        out["type_accuracy"] = round(self.type / self.relaxed, 4) if self.relaxed else 0.0
        return out


@dataclass(slots=True)
class Comparison:
    name: str
    counts: Counts
    pairs: list[tuple[GoldTimex, Timex]] = field(default_factory=list)  # relaxed matches
    missed: list[GoldTimex] = field(default_factory=list)
    spurious: list[Timex] = field(default_factory=list)


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    """Extent without surrounding whitespace, so a trailing space is not a strict-match miss."""
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())


def compare(doc: TimemlDoc, system: list[Timex]) -> Comparison:
    """Match system expressions to gold one to one, in text order, by overlap."""
    counts = Counts(docs=1, gold=len(doc.gold), system=len(system))
    out = Comparison(doc.name, counts)
    matched: set[int] = set()
    golds = sorted(doc.gold, key=lambda g: g.start)
    for s in sorted(system, key=lambda t: t.start):
        hit = next(
            (i for i, g in enumerate(golds) if i not in matched and g.start < s.end and s.start < g.end), None
        )
        if hit is None:
            out.spurious.append(s)
            continue
        matched.add(hit)
        g = golds[hit]
        out.pairs.append((g, s))
        counts.relaxed += 1
        counts.strict += _stripped(doc.text, g.start, g.end) == _stripped(doc.text, s.start, s.end)
        counts.value += g.value == (s.value or "")
        counts.type += g.type == s.type
    out.missed = [g for i, g in enumerate(golds) if i not in matched]
    return out


def evaluate(
    data: Path, subcorpora: Iterable[str] = SUBCORPORA, limit: int | None = None, nlp=None
) -> dict[str, list[Comparison]]:
    """Per sub-corpus, one comparison per document, running the real analysis (spaCy + find_timexes)."""
    from storyline.analyze.nlp import load_nlp
    from storyline.analyze.timex import find_timexes

    nlp = nlp or load_nlp()
    results: dict[str, list[Comparison]] = {}
    for sub in subcorpora:
        docs = list(iter_corpus(data, sub, limit))
        comparisons = []
        for tml, parsed in zip(docs, nlp.pipe(d.text for d in docs)):
            published = datetime(tml.dct.year, tml.dct.month, tml.dct.day, tzinfo=timezone.utc) if tml.dct else None
            comparisons.append(compare(tml, find_timexes(parsed, published)))
        results[sub] = comparisons
    return results


def aquaint_half(name: str) -> str:
    """AQUAINT-dev or AQUAINT-test for an AQUAINT document, by a stable hash of its name (about half each)."""
    return AQUAINT_DEV if zlib.crc32(name.encode("utf-8")) % 2 == 0 else AQUAINT_TEST


def split_aquaint(results: dict[str, list[Comparison]]) -> dict[str, list[Comparison]]:
    """The same results with AQUAINT replaced by its dev and test halves (in that order, where it stood)."""
    out: dict[str, list[Comparison]] = {}
    for sub, comparisons in results.items():
        if sub != "AQUAINT":
            out[sub] = comparisons
            continue
        for half in (AQUAINT_DEV, AQUAINT_TEST):
            out[half] = [c for c in comparisons if aquaint_half(c.name) == half]
    return out


def summarise(results: dict[str, list[Comparison]]) -> dict[str, Counts]:
    """Counts per sub-corpus plus 'combined'."""
    table: dict[str, Counts] = {}
    combined = Counts()
    for sub, comparisons in results.items():
        counts = Counts()
        for c in comparisons:
            counts.add(c.counts)
        table[sub] = counts
        combined.add(counts)
    table["combined"] = combined
    return table


PROTOCOL_NOTE = (
    "Rules developed on TimeBank and AQUAINT-dev (AQUAINT documents whose crc32(name) is even);"
    " AQUAINT-test is held out.\nValue F1 = TE3 attribute F1 over relaxed matches."
)


def format_table(table: dict[str, Counts]) -> str:
    width = max(10, *(len(name) for name in table))
    header = f"{'corpus':<{width}} {'docs':>4} {'gold':>5} {'sys':>5}  " + "  ".join(
        f"{name + ' P/R/F1':<20}" for name in ("strict", "relaxed", "value")
    ) + "  type-acc"
    lines = [header, "-" * len(header)]
    for name, c in table.items():
        cells = []
        for attr in ("strict", "relaxed", "value"):
            p, r, f = c.prf(getattr(c, attr))
            cells.append(f"{p:.3f}/{r:.3f}/{f:.3f}".ljust(20))
        acc = c.type / c.relaxed if c.relaxed else 0.0
        lines.append(f"{name:<{width}} {c.docs:>4} {c.gold:>5} {c.system:>5}  " + "  ".join(cells) + f"  {acc:.3f}")
    return "\n".join(lines)
