"""Wire-service detection: is this article a copy of an AP, Reuters, AFP... story?

Pure functions over ``Article`` records. An article is credited to a wire when
its own text says so (a dateline such as ``PARIS (AP) —`` or
``LONDON, June 3 (Reuters) -``, a credit line such as ``— AFP``,
``Copyright 2026 The Canadian Press`` or ``Reporting by ...; Editing by ...``,
a byline naming the agency) or when its source is the agency itself. A mere
mention (``according to Reuters``) is not a credit, and neither is
``Associated Press contributed to this report``: that is the outlet's own story.
Copies without any credit are attributed through text overlap with a credited
article: see ``group_agency``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from storyline.model import Article
from storyline.typography import DASH_CLASS


@dataclass(frozen=True, slots=True)
class Agency:
    name: str  # canonical name, the value of ``syndicated_from``
    full_names: tuple[str, ...]  # unambiguous names, matched anywhere a credit can be
    short_names: tuple[str, ...]  # ambiguous abbreviations, matched only in datelines and credit tails
    domains: tuple[str, ...]


AGENCIES: tuple[Agency, ...] = (
    Agency("AP", ("Associated Press",), ("AP",), ("apnews.com", "ap.org")),
    Agency("Reuters", ("Reuters", "Thomson Reuters"), (), ("reuters.com",)),
    Agency("AFP", ("Agence France-Presse", "Agence France Presse"), ("AFP",), ("afp.com",)),
    Agency("PA", ("Press Association", "PA Media"), ("PA",), ("pa.media",)),
    Agency("UPI", ("United Press International",), ("UPI",), ("upi.com",)),
    Agency("dpa", ("Deutsche Presse-Agentur",), ("dpa", "DPA"), ("dpa.com",)),
    Agency("Bloomberg", ("Bloomberg News", "Bloomberg"), (), ("bloomberg.com",)),
    Agency("CP", ("Canadian Press",), ("CP",), ("thecanadianpress.com",)),
    Agency("ANI", ("Asian News International",), ("ANI",), ("aninews.in",)),
    Agency("PTI", ("Press Trust of India",), ("PTI",), ("ptinews.com",)),
    Agency("Xinhua", ("Xinhua", "Xinhua News Agency"), (), ("xinhuanet.com", "news.cn")),
    Agency("IANS", ("Indo-Asian News Service",), ("IANS",), ("ians.in",)),
    Agency("Kyodo", ("Kyodo News", "Kyodo"), (), ("kyodonews.net",)),
    Agency("Yonhap", ("Yonhap",), (), ("yna.co.kr",)),
    Agency("AAP", ("Australian Associated Press",), ("AAP",), ("aap.com.au",)),
    Agency("EFE", ("Agencia EFE",), ("EFE",), ("efe.com",)),
    Agency("ANSA", ("Agenzia Nazionale Stampa Associata",), ("ANSA",), ("ansa.it",)),
)


def _alternation(names: Iterable[str]) -> str:
    # Longest first, so "Thomson Reuters" wins over "Reuters".
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


def _as_written_and_upper(names: Iterable[str]) -> list[str]:
    # Names match case-sensitively ("AP", not "ap" in "apple") plus their all-caps form ("REUTERS").
    return [form for n in names for form in (n, n.upper())]


_FULL = {n.lower(): a.name for a in AGENCIES for n in a.full_names}
_SHORT = {form: a.name for a in AGENCIES for form in _as_written_and_upper(a.short_names)}
_NAMES = _alternation(_as_written_and_upper(n for a in AGENCIES for n in (*a.full_names, *a.short_names)))
_THE = r"(?:The\s+|THE\s+|the\s+)?"
_DASH = rf"(?:{DASH_CLASS}|:)"

# "PARIS (AP) —", "LONDON, June 3 (Reuters) -", "(AFP) -"; "(AP/dpa)" too.
_DATELINE = re.compile(rf"\(\s*{_THE}({_NAMES})(?:\s*/\s*[A-Za-z]+)?\s*\)\s*{_DASH}")
# "Associated Press writer Ann Lee contributed to this report."
_CONTRIBUTED = re.compile(
    rf"\b({_NAMES})\b[^.\n]{{0,120}}?\bcontributed\s+(?:reporting|(?:to\s+)?(?:this|the)\s+(?:report|story|article))"
)
# "Copyright 2026 The Associated Press", "(c) 2026 Thomson Reuters", "© AFP"
_COPYRIGHT = re.compile(rf"(?:©|\([cC]\)|[Cc]opyright|COPYRIGHT)\s*(?:\d{{4}}\s*)?{_THE}({_NAMES})\b")
# A closing "— AP", "- Reuters" or "(AFP)" at the very end of the text.
_TAIL_CREDIT = re.compile(rf"(?:{_DASH}\s*|\(\s*)({_NAMES})\s*\)?\s*\.?\s*$")
# Reuters' signature credit line.
_REPORTING_BY = re.compile(r"\bReporting by\b[^;\n)]{1,200};[^)\n]{0,200}\bEditing by\b")
# A first line "By The Associated Press" / "By REUTERS" that names nobody else.
_BY_LINE = re.compile(rf"^\s*(?:By|BY)\s+{_THE}({_NAMES})\s*(?:$|\n|[,|])")
# In a byline field: "Ann Lee, Associated Press", "By Reuters", "Reuters staff", "AP" (not "Michael Bloomberg").
_BYLINE_NAME = re.compile(rf"(?:^|[,;|/(]|\b(?:By|BY|by|for|and)\s)\s*{_THE}({_NAMES})(?![\w-])")

# A dateline opening the text: "PORTVALE, March 15 (GWS) —", "LONDON (XYZ) -", "OSLO, May 2 —".
# Only at the very start, so "(NATO) —" in running text is no credit.
_OPENING_DATELINE = re.compile(
    rf"^\s*[A-Z][A-Z.'\- ]{{1,40}}(?:,\s*[A-Z][A-Za-z.'\- ]{{1,40}}?)?(?P<date>,\s*[A-Z][a-z]{{2,8}}\.?\s+\d{{1,2}})?"
    rf"\s*(?:\((?P<agency>[A-Z][A-Za-z]{{1,15}})\))?\s*{_DASH}"
)


def dateline_end(text: str) -> int | None:
    """Where an opening dateline ("CITY, Month D (AGENCY) —") ends; None when the text has none."""
    m = _OPENING_DATELINE.match(text[:_TOP_CHARS])
    return m.end() if m and (m.group("date") or m.group("agency")) else None

# Every credit names an agency or says "Reporting by": one scan rules most articles out.
_ANY_CREDIT = re.compile(rf"{_NAMES}|Reporting by")

_TOP_CHARS = 400
_TAIL_CHARS = 600


# "Associated Press contributed to this report": the outlet's own story, with help. It names the
# agency but makes no copy of it; only text overlap with a wire copy does.
CONTRIBUTED = "contributed"


@dataclass(frozen=True, slots=True)
class WireSignal:
    """The agency an article is credited to, and why; ``own`` when the source is the agency."""

    agency: str
    evidence: str  # dateline, credit, byline, source or CONTRIBUTED
    own: bool = False


def canonical_agency(name: str) -> str | None:
    """'The Associated Press' -> 'AP', 'REUTERS' -> 'Reuters'; None when the name is no known agency."""
    cleaned = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)
    return _FULL.get(cleaned.lower()) or _SHORT.get(cleaned)


def _agency_of_source(article: Article) -> str | None:
    return _agency_of_outlet(article.source.domain or "", article.source.name)


@lru_cache(maxsize=4096)  # a corpus has far fewer outlets than articles
def _agency_of_outlet(domain: str, name: str) -> str | None:
    domain = domain.lower().removeprefix("www.")
    for agency in AGENCIES:
        if any(domain == d or domain.endswith("." + d) for d in agency.domains):
            return agency.name
    return canonical_agency(name)


def _agency_named(matched: str) -> str:
    """The agency of a name the patterns matched (they only match known names)."""
    name = canonical_agency(matched)
    assert name is not None, matched
    return name


def _from_byline(article: Article) -> str | None:
    if article.byline:
        m = _BYLINE_NAME.search(article.byline)
        if m:
            return _agency_named(m.group(1))
    m = _BY_LINE.match(article.text[:_TOP_CHARS])
    return _agency_named(m.group(1)) if m else None


def _from_credit(tail: str) -> WireSignal | None:
    for pattern in (_COPYRIGHT, _TAIL_CREDIT):
        m = pattern.search(tail)
        if m:
            return WireSignal(_agency_named(m.group(1)), "credit")
    if _REPORTING_BY.search(tail):
        return WireSignal("Reuters", "credit")
    m = _CONTRIBUTED.search(tail)
    return WireSignal(_agency_named(m.group(1)), CONTRIBUTED) if m else None


def wire_signal(article: Article) -> WireSignal | None:
    """The wire service an article credits (or is), from its own fields and text only."""
    own = _agency_of_source(article)
    if own:
        return WireSignal(own, "source", own=True)
    top, tail = article.text[:_TOP_CHARS], article.text[-_TAIL_CHARS:]
    if not (article.byline or _ANY_CREDIT.search(top) or _ANY_CREDIT.search(tail)):
        return _unlisted_agency(article, top)
    m = _DATELINE.search(top)
    if m:
        return WireSignal(_agency_named(m.group(1)), "dateline")
    byline = _from_byline(article)
    if byline:
        return WireSignal(byline, "byline")
    credit = _from_credit(tail)
    if credit is not None and credit.evidence != CONTRIBUTED:
        return credit
    return _unlisted_agency(article, top) or credit


def _unlisted_agency(article: Article, top: str) -> WireSignal | None:
    """An agency known only from an opening dateline; the source is its own copy when its
    name's initials spell the abbreviation (Global Wire Service, GWS)."""
    m = _OPENING_DATELINE.match(top)
    if not m or not m.group("agency") or not m.group("agency").isupper():
        return None
    abbreviation = m.group("agency")
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", article.source.name)).upper()
    return WireSignal(abbreviation, "dateline", own=initials == abbreviation)


def group_agency(signals: Iterable[WireSignal | None]) -> str | None:
    """The agency a near-duplicate group is a copy of: the wire's own copy first, then the most credited.

    Every member gets it, credited or not: a reprint of wire text counts as the
    wire's, not as an independent source. Ties go to the agency named first in
    ``AGENCIES`` order, for determinism.
    """
    present = [s for s in signals if s is not None and s.evidence != CONTRIBUTED]
    if not present:
        return None
    owners = {s.agency for s in present if s.own}
    candidates = owners or {s.agency for s in present}
    counts = {name: sum(1 for s in present if s.agency == name) for name in candidates}
    order = {a.name: i for i, a in enumerate(AGENCIES)}
    return min(candidates, key=lambda name: (-counts[name], order.get(name, len(order))))

