"""Typed contradictions between the articles of a story.

Values are compared only where the articles talk about the same thing, and a
pair of values is a contradiction only when the rules in ``values`` say they
cannot both be right. Precision comes first, so each kind asks for more than a
shared type:

* **number** (counts, money, percentages, durations): two aligned units
  (similarity >= ``NUMBER_MIN``), the same kind and unit ("people", "USD"),
  and the same ``about`` (the governing verb or noun: "injure"). Values that
  agree are paired off first; a left-over value is compared only with the one
  left-over value of the other unit that has its ``about``. Without a shared
  ``about`` it takes a closer alignment (``NUMBER_STRONG``) and a single value
  of that kind and unit on each side. A value each article states once only
  under its kind, unit and ``about`` is compared on a looser alignment
  (``STATED_ONCE_MIN``), since there is no other statement of it to confuse
  it with: "injuring 37 people" / "41 people were injured".
* **age**: the same person (same name, or a near-identical spelling) anywhere
  in the two articles, or, for "a 52-year-old man", aligned units with the
  same noun. See ``values.ages_agree`` for the one-year allowance.
* **date**: aligned units (``DATE_MIN``), calendar dates only, agreeing dates
  paired off; a conflict needs exactly one left-over date on each side. As for
  numbers, a date each article gives once only for the same predicate (the
  verb before it: "discovered missing on March 10" / "missing early on
  Tuesday") is compared on a looser alignment (``STATED_ONCE_MIN``).
  Unresolved dates (a weekday in an undated article) are never claims.
* **name**: aligned units (``NAME_MIN``) in which, after pairing off the same
  people, exactly one person is left on each side, at least one of them is not
  mentioned anywhere in the other article, and the two are spelling variants
  ("Ana Ruiz" / "Ana Ruis") or hold the same role ("fire chief X" / "fire
  chief Y", ``NAME_ROLE_MIN``).
* **place**: the same, for GPE/LOC entities (``PLACE_MIN``), with the same
  preposition before both ("in X" / "in Y").
* **quote**: a quotation group (built by ``compare.quotes``) whose variants
  differ in their numbers or in negation: a change of meaning, not of wording.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import combinations
from typing import Iterable, Sequence

from rapidfuzz import fuzz

from storyline.analyze.numbers import SMALL, TENS, TIME_UNITS
from storyline.compare.align import REPORTING_LEMMAS, Alignment, Publishers, Unit
from storyline.compare.values import (
    ages_agree,
    date_interval,
    dates_agree,
    dates_conflict,
    days_between,
    name_variant,
    numbers_agree,
    same_person,
    same_place,
)
from storyline.dedup.groups import UnionFind
from storyline.model import Analysis, Article, Claim, Contradiction, Entity, NumberFact, QuoteGroup, Timex, Token

NUMBER_MIN = 0.3
STATED_ONCE_MIN = 0.2  # a looser alignment, for values each article states once under the same key
NUMBER_STRONG = 0.5
DATE_MIN = 0.4
NAME_MIN = 0.4
NAME_ROLE_MIN = 0.55
PLACE_MIN = 0.5
SAME_CONTEXT = 0.8  # the rest of the two units nearly the same: a different name or place in it is the difference
AGE_SAME_NAME_RATIO = 88  # "Ana Ruiz" / "Ana Ruis" are one person for her age, "Ana" / "Carlos Ruiz" are not
KIND_ORDER = ("date", "number", "age", "name", "place", "quote")
PLACE_LABELS = frozenset({"GPE", "LOC"})
UNIT_ALIASES = {"people": "person", "persons": "person"}
TOLL_KEYS = {("count", "person", "death"), ("count", "person", "injury")}
LEAD_SENTENCES = 2  # the sentences where a report states its own event's toll
RECALLED_DAYS = 60  # a lead sentence dated this long before publication recalls another event
_PART_OF_TOLL = re.compile(r"\b(?:seriously|critically|severely|badly|gravely|slightly|minor)\b", re.I)
ABOUT_ALIASES = {
    **dict.fromkeys(("kill", "die", "dead", "death", "fatality", "perish", "toll"), "death"),
    **dict.fromkeys(("injure", "wound", "hurt", "injury"), "injury"),
}
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_DAY_VALUE = re.compile(r"\d{4}-\d\d-\d\d$")
_DAY_TIME = re.compile(r"\d{4}-\d\d-\d\dT")
_NAMES_DAY = re.compile(
    r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|yesterday|today|tonight)\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d", re.I)
NEGATIONS = frozenset("not no never none nobody nothing neither nor without cannot n't".split())


@dataclass(slots=True)
class _Side:
    """What one article says in one unit, with what the article says anywhere."""

    unit: Unit
    article: Article
    analysis: Analysis
    numbers: list[NumberFact] = field(default_factory=list)
    dates: list[Timex] = field(default_factory=list)
    people: list[Entity] = field(default_factory=list)
    places: list[Entity] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Conflict:
    kind: str
    about: str
    a: Claim
    b: Claim


# ---------------------------------------------------------------- the story


class _Story:
    """The story's articles and analyses, indexed for per-unit lookups."""

    def __init__(self, articles: Sequence[Article], analyses: Iterable[Analysis]):
        self.articles = {a.id: a for a in articles}
        self.order = {a.id: i for i, a in enumerate(articles)}
        self.analyses = {a.article_id: a for a in analyses}
        self._sorted: dict[tuple[str, str], tuple[list[int], list]] = {}
        self._once: dict[str, dict[tuple, NumberFact | Timex]] = {}

    def within(self, article: str, what: str, start: int, end: int) -> list:
        """Records of one kind ("numbers", "timexes", "entities", "tokens") inside [start, end)."""
        key = (article, what)
        if key not in self._sorted:
            records = sorted(getattr(self.analyses[article], what), key=lambda r: r.start)
            self._sorted[key] = ([r.start for r in records], records)
        starts, records = self._sorted[key]
        return [r for r in records[bisect_left(starts, start) : bisect_left(starts, end)] if r.end <= end]

    def side(self, unit: Unit) -> _Side:
        s = _Side(unit, self.articles[unit.article], self.analyses[unit.article])
        s.numbers = self.within(unit.article, "numbers", unit.start, unit.end)
        s.dates = calendar_dates(self.within(unit.article, "timexes", unit.start, unit.end), s.article.text)
        entities = self.within(unit.article, "entities", unit.start, unit.end)
        s.people = [e for e in entities if e.label == "PERSON"]
        s.places = [e for e in entities if e.label in PLACE_LABELS]
        return s

    def stated_once(self, article: str) -> dict[tuple, NumberFact | Timex]:
        """The article's numbers and dates whose key (see ``value_key``) it uses once only."""
        if article not in self._once:
            by_key: dict[tuple, list[NumberFact | Timex]] = defaultdict(list)
            analysis = self.analyses[article]
            records = analysis.numbers + calendar_dates(analysis.timexes, self.articles[article].text)
            for r in records:
                if (key := value_key(r, article, self)) is not None:
                    by_key[key].append(r)
            self._once[article] = {k: rs[0] for k, rs in by_key.items() if len(rs) == 1}
        return self._once[article]

    def people(self, article: str) -> list[Entity]:
        return [e for e in self.analyses[article].entities if e.label == "PERSON"]

    def places(self, article: str) -> list[Entity]:
        return [e for e in self.analyses[article].entities if e.label in PLACE_LABELS]


def calendar_dates(timexes: list[Timex], text: str) -> list[Timex]:
    """Resolved calendar dates; a weekday right before a date ("Tuesday, March 15") is the same mention.
    A time that names its day ("on Monday night": 2026-05-04TNI) counts as that day; a bare "10 p.m." is
    put on the publication day by the analysis, a guess, not a claim."""
    days = [t if t.type == "DATE" else replace(t, value=_day_of(t.value)) for t in timexes if t.type == "DATE" or (
        t.type == "TIME" and _DAY_TIME.match(t.value or "") and _NAMES_DAY.search(t.text))]
    dates = [t for t in days if t.resolved and date_interval(t.value)]
    return [
        t
        for i, t in enumerate(dates)
        if not (
            t.text.lower() in WEEKDAYS
            and i + 1 < len(dates)
            and text[t.end : dates[i + 1].start].strip(" ,") == ""
        )
    ]


def _day_of(value: str) -> str:
    """A time's day; a night keeps its mark, since it runs into the next day (``date_interval``)."""
    return value if value.endswith("TNI") else value[:10]


def _claim(article: str, value: str, record: NumberFact | Timex | Entity) -> Claim:
    return Claim(article, value, record.text, record.start, record.end)


def _format_number(n: NumberFact) -> str:
    value = int(n.value) if float(n.value).is_integer() else n.value
    return f"{'~' if n.approximate else ''}{value}{' ' + _unit_label(n.unit, value) if n.unit else ''}"


def _unit_label(unit: str, value: float) -> str:
    """Time units are kept singular ("year"); shown as a reader says them: "52 years", "1 week"."""
    if unit not in TIME_UNITS or value == 1:
        return unit
    return "centuries" if unit == "century" else unit + "s"


# ---------------------------------------------------------------- numbers


def _unit_key(n: NumberFact) -> tuple[str, str | None]:
    return n.kind, UNIT_ALIASES.get(n.unit, n.unit) if n.unit else None


def _agree(a: NumberFact, b: NumberFact, days_apart: float | None) -> bool:
    if a.kind == "age":
        return ages_agree(a.value, b.value, days_apart)
    return numbers_agree(a.value, a.text, a.approximate, b.value, b.text, b.approximate)


def _pair_off(left: list, right: list, agree) -> tuple[list, list]:
    """Remove agreeing pairs, first match first; returns what is left on each side."""
    rest = list(right)
    unmatched = []
    for x in left:
        match = next((y for y in rest if agree(x, y)), None)
        if match is None:
            unmatched.append(x)
        else:
            rest.remove(match)
    return unmatched, rest


def number_conflicts(u: _Side, v: _Side, sim: float, story: _Story) -> list[_Conflict]:
    """Conflicting numbers of the same kind, unit and ``about`` in two aligned units.

    A value the other article also states elsewhere (same unit and ``about``) is
    not contradicted by it: the two units are then about different things.
    """
    if sim < NUMBER_MIN:
        return []
    days = days_between(u.article.published, v.article.published)
    out = []
    keys = {_unit_key(n) for n in u.numbers} & {_unit_key(n) for n in v.numbers}
    for key in keys:
        a_all = [n for n in u.numbers if _unit_key(n) == key and not _about_person(n, u.analysis)]
        b_all = [n for n in v.numbers if _unit_key(n) == key and not _about_person(n, v.analysis)]
        a_left, b_left = _pair_off(a_all, b_all, lambda x, y: _agree(x, y, days))
        for a in a_left:
            same_about = [b for b in b_left if a.about and _about(b) == _about(a)]
            rivals = [x for x in a_left if _about(x) == _about(a)]
            if len(same_about) == 1 and len(rivals) == 1:
                b = same_about[0]
            elif len(a_all) == len(b_all) == len(a_left) == len(b_left) == 1 and key[1] and sim >= NUMBER_STRONG:
                b = b_left[0]
            else:
                continue
            if _stated_in(story, v.unit.article, a, days) or _stated_in(story, u.unit.article, b, days):
                continue
            about = f"{key[1] or a.kind} ({_about(a) or _about(b)})" if (a.about or b.about) else key[1] or a.kind
            kind = "age" if a.kind == "age" else "number"
            out.append(_Conflict(kind, about, _claim(u.unit.article, _format_number(a), a), _claim(v.unit.article, _format_number(b), b)))
    return out


def _about(n: NumberFact) -> str | None:
    """What a count is of, with the words outlets use for one toll made one: "killed 12 people" /
    "Fourteen people died" are both deaths."""
    return ABOUT_ALIASES.get(n.about, n.about) if n.about else None


def _stated_in(story: _Story, article: str, n: NumberFact, days: float | None) -> bool:
    key = _unit_key(n)
    return any(
        _unit_key(m) == key and _about(m) == _about(n) and _agree(m, n, days) for m in story.analyses[article].numbers
    )


def _about_person(n: NumberFact, analysis: Analysis) -> bool:
    """An age whose ``about`` names a person of the article: compared story-wide, see ``age_conflicts``."""
    return n.kind == "age" and n.about is not None and any(n.about == e.canonical for e in analysis.entities if e.label == "PERSON")


def _same_person_for_age(a: str, b: str) -> bool:
    return same_person(a, b) or fuzz.ratio(a.lower(), b.lower()) >= AGE_SAME_NAME_RATIO


def age_conflicts(story: _Story) -> list[_Conflict]:
    """Different ages given to the same person by two articles, wherever in the articles,
    unless each article also gives the other's value."""
    ages: list[tuple[str, NumberFact]] = []
    for article, analysis in story.analyses.items():
        persons = {e.canonical for e in analysis.entities if e.label == "PERSON"}
        ages += [(article, n) for n in analysis.numbers if n.kind == "age" and n.about in persons]
    out = []
    for i, (art_a, a) in enumerate(ages):
        for art_b, b in ages[i + 1 :]:
            if art_a == art_b or not _same_person_for_age(a.about, b.about):
                continue
            days = days_between(story.articles[art_a].published, story.articles[art_b].published)
            if not ages_agree(a.value, b.value, days) and not (
                _age_given(ages, art_b, a, days) or _age_given(ages, art_a, b, days)
            ):
                out.append(_Conflict("age", f"age of {a.about}", _claim(art_a, _format_number(a), a), _claim(art_b, _format_number(b), b)))
    return out


def toll_conflicts(story: _Story, publishers: Publishers) -> list[_Conflict]:
    """Different tolls (the dead, the injured) in the leads of two articles, each lead giving one.

    The lead is where a report gives the toll of the event it is about, in words its sentences need
    not share with another outlet's ("killed 12 people" / "Fourteen people died when fire tore
    through..."), so no alignment is asked for. Not compared: a toll in a sentence that dates
    itself long before publication (an earlier disaster recalled), a part of the toll ("eight were
    seriously injured"), two reports of one publisher (an outlet updating itself), a later report
    with a higher toll (the toll rose), and a value the other article also gives anywhere.
    """
    owner = {a: n for n, cls in enumerate(publishers.classes(story.articles)) for a in cls}
    tolls: dict[tuple, tuple[str, NumberFact]] = {}  # (publisher, what, value) -> the first article saying so
    for article, analysis in story.analyses.items():
        for n in _lead_tolls(story, article, analysis):
            tolls.setdefault((owner.get(article), _about(n), n.value), (article, n))
    out = []
    listed = list(tolls.values())
    for i, (art_a, a) in enumerate(listed):
        for art_b, b in listed[i + 1 :]:
            if _about(a) != _about(b) or owner.get(art_a) == owner.get(art_b):
                continue
            days = days_between(story.articles[art_a].published, story.articles[art_b].published)
            if _agree(a, b, days) or _rose(story, (art_a, a), (art_b, b)):
                continue
            if not _stated_in(story, art_b, a, days) and not _stated_in(story, art_a, b, days):
                claims = _claim(art_a, _format_number(a), a), _claim(art_b, _format_number(b), b)
                out.append(_Conflict("number", f"person ({_about(a)})", *claims))
    return out


def _lead_tolls(story: _Story, article: str, analysis: Analysis) -> list[NumberFact]:
    """The tolls of the article's lead, one per kind (dead, injured), those of its own event only."""
    lead = analysis.sentences[:LEAD_SENTENCES]
    found: dict[str | None, list[NumberFact]] = defaultdict(list)
    for start, end in lead:
        if _recalled(story, article, start, end) or _PART_OF_TOLL.search(story.articles[article].text[start:end]):
            continue
        for n in story.within(article, "numbers", start, end):
            if (*_unit_key(n), _about(n)) in TOLL_KEYS:
                found[_about(n)].append(n)
    return [ns[0] for ns in found.values() if len(ns) == 1]


def _recalled(story: _Story, article: str, start: int, end: int) -> bool:
    """Whether the sentence [start, end) dates itself long before the article's publication: it
    recalls another event ("where an earthquake killed 300 people in 1998"), whose values are its own."""
    published = story.articles[article].published
    if published is None:
        return False
    dates = calendar_dates(story.within(article, "timexes", start, end), story.articles[article].text)
    return any(_when(published, t) == "recalled" for t in dates)


def _when(published: datetime | None, t: Timex) -> str | None:
    """"recalled" for a date more than ``RECALLED_DAYS`` before publication, "ahead" for one after it."""
    span = date_interval(t.value)
    if published is None or span is None:
        return None
    if (published.date() - span[1]).days > RECALLED_DAYS:
        return "recalled"
    return "ahead" if span[0] > published.date() else None


def _dates_clash(u: _Side, a: Timex, v: _Side, b: Timex, story: _Story) -> bool:
    """Two dates with no day in common, unless one is recalled and the other ahead and they do not
    date the same verb: then they tell of two events ("opened in 1986" / "will reopen next week"),
    where "began in 2023" / "will begin next month" is one event dated twice."""
    if not dates_conflict(a.value, b.value):
        return False
    if {_when(u.article.published, a), _when(v.article.published, b)} != {"recalled", "ahead"}:
        return True
    verb = _predicate_before(a, u.unit.article, story)
    return verb is not None and verb == _predicate_before(b, v.unit.article, story)


def _rose(story: _Story, x: tuple[str, NumberFact], y: tuple[str, NumberFact]) -> bool:
    """Whether the later of two dated reports gives the higher toll: an update, not a contradiction."""
    (art_a, a), (art_b, b) = x, y
    when_a, when_b = story.articles[art_a].published, story.articles[art_b].published
    if when_a is None or when_b is None or when_a == when_b:
        return False
    earlier, later = (a, b) if when_a < when_b else (b, a)
    return later.value > earlier.value


def _age_given(ages: list[tuple[str, NumberFact]], article: str, n: NumberFact, days: float | None) -> bool:
    """The article also gives this person this age (an article may mention two ages for one name)."""
    return any(
        art == article and _same_person_for_age(m.about, n.about) and ages_agree(m.value, n.value, days)
        for art, m in ages
    )


# ---------------------------------------------------------------- dates


def date_conflicts(u: _Side, v: _Side, sim: float, story: _Story) -> list[_Conflict]:
    if sim < DATE_MIN:
        return []
    a_left, b_left = _pair_off(u.dates, v.dates, lambda x, y: dates_agree(x.value, y.value))
    if len(a_left) != 1 or len(b_left) != 1 or not _dates_clash(u, a_left[0], v, b_left[0], story):
        return []
    a, b = a_left[0], b_left[0]
    about = "date: " + ", ".join(_shared_words(u.unit, v.unit))
    return [_Conflict("date", about, _claim(u.unit.article, a.value, a), _claim(v.unit.article, b.value, b))]


def _shared_words(a: Unit, b: Unit, k: int = 4) -> list[str]:
    shared = sorted(a.lemmas & b.lemmas, key=lambda w: (-a.weights.get(w, 0), w))
    return shared[:k]


# ---------------------------------------------------------------- values stated once


def value_key(record: NumberFact | Timex, article: str, story: _Story) -> tuple | None:
    """What a value is about, as a key: ("number", kind, unit, about) for a number ("injuring 37 people" and
    "41 people were injured" are both count, person, injure), ("date", predicate) for a date ("discovered
    missing on March 10", "found missing from the gallery early on Tuesday": miss).
    None when unknown."""
    if isinstance(record, NumberFact):
        analysis = story.analyses[article]
        if record.about is None or _about_person(record, analysis):
            return None
        if _recalled(story, article, *_sentence_of(analysis, record.start)):
            return None  # a value of another, earlier event
        return ("number", *_unit_key(record), _about(record))
    if not _DAY_VALUE.match(record.value or ""):
        return None  # years and months name too many things in one article ("founded in 1985") to key them
    predicate = _predicate_before(record, article, story)
    return ("date", predicate) if predicate is not None else None


def _predicate_before(t: Timex, article: str, story: _Story) -> str | None:
    """The last verb (or participle tagged as an adjective: "found missing") before a date in its sentence,
    the predicate a date most often belongs to in news English, stemmed so that the tags do not matter
    ("missing" / "miss"); None when there is none or it is a reporting verb ("police said on Tuesday")."""
    tokens: list[Token] = story.within(article, "tokens", _sentence_of(story.analyses[article], t.start)[0], t.start)
    for token in reversed(tokens):
        if token.pos == "VERB" or token.pos == "ADJ" and token.lemma.endswith(("ing", "ed")):
            return None if token.lemma in REPORTING_LEMMAS else _stem(token.lemma)
    return None


def _stem(word: str) -> str:
    """"missing", "miss" -> "miss"; "injured", "injure" -> "injur"."""
    for suffix in ("ing", "ed", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _sentence_of(analysis: Analysis, offset: int) -> tuple[int, int]:
    """The sentence holding ``offset`` (from the text's start when none does)."""
    starts = [s for s, _ in analysis.sentences]
    k = bisect_right(starts, offset) - 1
    return analysis.sentences[k] if k >= 0 else (0, offset)


def stated_once_conflicts(u: _Side, v: _Side, sim: float, story: _Story) -> list[_Conflict]:
    """Values under the same key that each article states once only, in loosely aligned units.

    Outlets word the sentence carrying a fact differently ("injuring 37 people"
    / "41 people were injured"), so its units may align below the bars of the
    other checks; when both articles give one value only for the same key,
    there is no other statement of it to be compared with instead.
    """
    if sim < STATED_ONCE_MIN:
        return []
    days = days_between(u.article.published, v.article.published)
    mine, theirs = _once_in(u, story), _once_in(v, story)
    out = []
    for key in mine.keys() & theirs.keys():
        a, b = mine[key], theirs[key]
        if isinstance(a, Timex) and _dates_clash(u, a, v, b, story):
            about = "date: " + ", ".join(_shared_words(u.unit, v.unit))
            out.append(_Conflict("date", about, _claim(u.unit.article, a.value, a), _claim(v.unit.article, b.value, b)))
        elif isinstance(a, NumberFact) and not _agree(a, b, days):
            kind, about = "age" if a.kind == "age" else "number", f"{key[2] or a.kind} ({_about(a)})"
            a_claim, b_claim = _claim(u.unit.article, _format_number(a), a), _claim(v.unit.article, _format_number(b), b)
            out.append(_Conflict(kind, about, a_claim, b_claim))
    return out


def _once_in(side: _Side, story: _Story) -> dict[tuple, NumberFact | Timex]:
    once = story.stated_once(side.unit.article)
    return {k: r for k, r in once.items() if side.unit.start <= r.start and r.end <= side.unit.end}


# ---------------------------------------------------------------- names and places


def _role_before(side: _Side, entity: Entity, story: _Story) -> str | None:
    """The noun right before a name: "fire chief Ana Ruiz" -> "chief"."""
    tokens: list[Token] = story.within(side.unit.article, "tokens", side.unit.start, entity.start)
    if not tokens:
        return None
    last = tokens[-1]
    return last.lemma if last.pos == "NOUN" and not last.is_stop else None


def _word_before(side: _Side, entity: Entity, story: _Story) -> str | None:
    tokens = story.within(side.unit.article, "tokens", side.unit.start, entity.start)
    return tokens[-1].lemma if tokens else None


def _context_similarity(u: _Side, a: Entity, v: _Side, b: Entity, story: _Story) -> float:
    """How alike two units are once the two differing mentions are left out of both."""
    drop = {t.lemma for side, e in ((u, a), (v, b)) for t in story.within(side.unit.article, "tokens", e.start, e.end)}
    wa = {k: w for k, w in u.unit.weights.items() if k not in drop}
    wb = {k: w for k, w in v.unit.weights.items() if k not in drop}
    na, nb = sum(w * w for w in wa.values()) ** 0.5, sum(w * w for w in wb.values()) ** 0.5
    return sum(w * wb[k] for k, w in wa.items() if k in wb) / (na * nb) if na and nb else 0.0


def _leftover(mine: list[Entity], theirs: list[Entity], same) -> list[Entity]:
    left: list[Entity] = []
    for e in mine:
        if not any(same(e.canonical, f.canonical) or same(e.text, f.text) for f in theirs) and not any(
            same(e.canonical, x.canonical) for x in left
        ):
            left.append(e)
    return left


def _foreign(entity: Entity, others: list[Entity], same) -> bool:
    return not any(same(entity.canonical, o.canonical) or same(entity.text, o.text) for o in others)


def name_conflicts(u: _Side, v: _Side, sim: float, story: _Story) -> list[_Conflict]:
    if sim < NAME_MIN:
        return []
    a_left, b_left = _leftover(u.people, v.people, same_person), _leftover(v.people, u.people, same_person)
    if len(a_left) != 1 or len(b_left) != 1:
        return []
    a, b = a_left[0], b_left[0]
    foreign = _foreign(a, story.people(v.unit.article), same_person) or _foreign(b, story.people(u.unit.article), same_person)
    role = _role_before(u, a, story)
    same_role = role is not None and role == _role_before(v, b, story) and sim >= NAME_ROLE_MIN
    same_context = _context_similarity(u, a, v, b, story) >= SAME_CONTEXT
    if not foreign or not (name_variant(a.canonical, b.canonical) or same_role or same_context):
        return []
    about = f"name of the {role}" if same_role else f"name of {a.canonical}"
    return [_Conflict("name", about, _claim(u.unit.article, a.text, a), _claim(v.unit.article, b.text, b))]


def place_conflicts(u: _Side, v: _Side, sim: float, story: _Story) -> list[_Conflict]:
    if sim < PLACE_MIN:
        return []
    a_left, b_left = _leftover(u.places, v.places, same_place), _leftover(v.places, u.places, same_place)
    if len(a_left) != 1 or len(b_left) != 1:
        return []
    a, b = a_left[0], b_left[0]
    foreign = _foreign(a, story.places(v.unit.article), same_place) or _foreign(b, story.places(u.unit.article), same_place)
    preposition = _word_before(u, a, story)
    same_preposition = preposition is not None and preposition == _word_before(v, b, story)
    if not foreign or not (same_preposition or _context_similarity(u, a, v, b, story) >= SAME_CONTEXT):
        return []
    about = "place: " + ", ".join(_shared_words(u.unit, v.unit))
    return [_Conflict("place", about, _claim(u.unit.article, a.text, a), _claim(v.unit.article, b.text, b))]


# ---------------------------------------------------------------- quotes

_NUMERAL = re.compile(r"\d[\d,]*(?:\.\d+)?")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|n't", re.I)


def quote_meaning(text: str) -> tuple[tuple[str, ...], int]:
    """What a quotation's meaning hangs on: its numbers (digits or words) and how many negations it has."""
    words = [w.lower() for w in _WORD.findall(text)]
    numbers = [m.group(0).replace(",", "") for m in _NUMERAL.finditer(text)]
    numbers += [str(SMALL.get(w, TENS.get(w))) for w in words if w in SMALL or w in TENS]
    negations = sum(1 for w in words if w in NEGATIONS or w.endswith("n't"))
    return tuple(sorted(numbers)), negations


_CLAIMED_NUMBER = re.compile(r"(~)?(-?\d+(?:\.\d+)?)")  # what ``_format_number`` writes


def claims_agree(kind: str, a: Claim, b: Claim) -> bool:
    """Whether two claims of a contradiction can both be right, by its kind's rule: of "~300 people",
    "312 people" and "450 people", the first two agree; quotes agree when their meaning does, or one is
    the other cut short."""
    if kind == "quote":
        return _quotes_agree(a.value, b.value)
    if kind == "date":
        return dates_agree(a.value, b.value)
    if kind in ("number", "age"):
        x, y = _CLAIMED_NUMBER.match(a.value), _CLAIMED_NUMBER.match(b.value)
        if not (x and y):
            return False
        if kind == "age":
            return ages_agree(float(x.group(2)), float(y.group(2)), None)
        return numbers_agree(float(x.group(2)), a.text, bool(x.group(1)), float(y.group(2)), b.text, bool(y.group(1)))
    return a.value == b.value


_PLAIN_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _cut_from(a: str, b: str) -> bool:
    """One quotation is the other with words left off its start or end: an outlet that quotes "We got
    everyone out" of "We got everyone out, and nobody was hurt" leaves out words, it does not deny them."""
    wa, wb = ([w.lower().replace("’", "'") for w in _PLAIN_WORD.findall(t)] for t in (a, b))
    short, long = sorted((wa, wb), key=len)
    n = len(short)
    return n > 0 and any(long[i : i + n] == short for i in range(len(long) - n + 1))


def _quotes_agree(a: str, b: str) -> bool:
    return quote_meaning(a) == quote_meaning(b) or _cut_from(a, b)


def quote_contradictions(groups: Iterable[QuoteGroup]) -> list[Contradiction]:
    """Quotation groups with two variants that differ in a number or a negation, other than by a cut."""
    out = []
    for g in groups:
        if any(not _quotes_agree(x.text, y.text) for x, y in combinations(g.variants, 2)):
            claims = [Claim(v.article, v.text, v.text, v.start, v.end) for v in g.variants]
            out.append(Contradiction("quote", f"quote by {g.speaker}" if g.speaker else "quote", claims))
    return out


# ---------------------------------------------------------------- assembly


def _merge(conflicts: list[_Conflict], order: dict[str, int]) -> list[Contradiction]:
    """Conflicts sharing a claim become one contradiction: 37 vs 41 and 41 vs 37 (a third outlet) are one.

    Every article keeps its claim, syndicated copies too, so the brief can show
    who printed each value; it counts the publishers behind a value with
    ``Publishers``, where a wire story and its copies are one.
    """
    uf = UnionFind()
    claims: dict[tuple, Claim] = {}
    about: dict[tuple, str] = {}
    for c in conflicts:
        ka, kb = (c.kind, c.a.article, c.a.start, c.a.end), (c.kind, c.b.article, c.b.start, c.b.end)
        claims[ka], claims[kb] = c.a, c.b
        about.setdefault(ka, c.about)
        about.setdefault(kb, c.about)
        uf.union(ka, kb)
    out = []
    for component in uf.components():
        members = sorted(component, key=lambda k: (order.get(k[1], 0), k[2]))
        kept: dict[tuple[str, str], Claim] = {}
        for k in members:
            kept.setdefault((k[1], claims[k].value), claims[k])
        if len({c.value for c in kept.values()}) > 1:
            out.append(Contradiction(members[0][0], about[members[0]], list(kept.values())))
    return out


def find_contradictions(
    alignment: Alignment,
    articles: Sequence[Article],
    analyses: Iterable[Analysis],
    quote_groups: Iterable[QuoteGroup] = (),
) -> list[Contradiction]:
    """Typed contradictions of a story, ordered by kind (date, number, age, name, place, quote), then by first article."""
    story = _Story(articles, analyses)
    sides: dict[int, _Side] = {}

    def side(i: int) -> _Side:
        if i not in sides:
            sides[i] = story.side(alignment.units[i])
        return sides[i]

    conflicts = age_conflicts(story) + toll_conflicts(story, alignment.publishers)
    for (i, j), sim in alignment.best_pairs().items():
        u, v = side(i), side(j)
        conflicts += number_conflicts(u, v, sim, story)
        conflicts += date_conflicts(u, v, sim, story)
        conflicts += name_conflicts(u, v, sim, story)
        conflicts += place_conflicts(u, v, sim, story)
    for (i, j), sim in alignment.pairs.items():
        conflicts += stated_once_conflicts(side(i), side(j), sim, story)
    found = _merge(conflicts, story.order) + quote_contradictions(quote_groups)
    return sorted(found, key=lambda c: (KIND_ORDER.index(c.kind), story.order.get(c.claims[0].article, 0), c.claims[0].start))
