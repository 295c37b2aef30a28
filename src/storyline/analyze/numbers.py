"""Typed numeric facts: ages, counts with units, amounts of money, percentages, durations.

One left-to-right pass over the tokens. At each numeral (digits such as
``1,200`` / ``2.5bn`` / ``160`` + ``million``, or words such as ``twenty-five``,
``a dozen``, ``one hundred and twenty``) the words around it decide the kind:

* age: ``Ana Ruiz, 52,`` / ``Ana Ruiz (52)`` / ``aged 52`` / ``52 years old`` /
  ``the 52-year-old`` / ``52-year-old Ana Ruiz`` -> kind "age", unit "year".
* money: a currency sign or code before (``$``, ``€``, ``US$``, ``EUR``) or a
  currency word after (``dollars``, ``euros``) -> kind "money", unit the ISO code.
* percent: ``%``, ``percent``, ``per cent``, ``percentage points``.
* duration: a time unit after (``20 weeks``, ``a 20-year sentence``) -> unit "week", "year".
* count: anything else; the unit is the lemma of the counted noun right after
  the numeral (adjectives may stand between: ``three injured people`` -> "people"),
  or None for a bare number written in digits. Bare numbers written in words
  ("the two met") are not reported: they are too often not quantities.

``about`` -- what the number describes:

* ages: the person, as the canonical name of a PERSON entity: the one named
  right before (``Ana Ruiz, 52``) or right after (``52-year-old Ana Ruiz``);
  ``a 52-year-old man`` -> the noun ("man"); otherwise (``the 52-year-old``,
  ``aged 52``) the nearest PERSON entity ending at most ``PERSON_WINDOW``
  characters before the number, else None.
* everything else: the lemma of the nearest verb or common noun governing the
  numeral phrase in the dependency parse, outside the phrase itself. So "a fire
  that killed three people" and "three people were killed" both give unit
  "people", about "kill"; "a $160 million deal" gives about "deal". Without a
  dependency parse, None.

``approximate`` is set by a hedge before the number (``about``, ``nearly``,
``more than``, ``at least``, ``some`` ...) and for both ends of a range
(``40 to 50 people``, ``$140-$150 million``; the first end takes the scale and
unit of the second). The hedge is part of the span; the counted noun is too.

Not reported: years (a four-digit number from 1000 to 2100 not followed by a
plural noun), days next to a month name, clock times, telephone numbers and
other digit groups joined by dashes, dots or slashes (dates), ordinals,
plural vagueness (``hundreds of``), model numbers after a proper noun
(``Boeing 737``), and relative times (``three days ago``).

Each token is looked at a bounded number of times, so the pass is linear.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from storyline.analyze.nlp import doc_text
from storyline.model import Entity, NumberFact

PERSON_WINDOW = 200

SMALL = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "dozen": 12}
ABBREVIATED_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12, "trn": 1e12}

CURRENCY_SIGNS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "a$": "AUD", "c$": "CAD",
                  "hk$": "HKD", "nz$": "NZD", "₹": "INR", "usd": "USD", "eur": "EUR", "gbp": "GBP", "jpy": "JPY"}
CURRENCY_WORDS = {"dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "yen": "JPY",
                  "usd": "USD", "eur": "EUR", "gbp": "GBP", "sterling": "GBP"}
TIME_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"}
CLOCK_WORDS = {"am", "a.m.", "pm", "p.m.", "o'clock", "gmt", "utc", "bst", "cet", "est", "edt", "pst", "pdt", "et", "pt", "hrs"}
MONTHS = set(
    "january february march april may june july august september october november december "
    "jan jan. feb feb. mar mar. apr apr. jun jun. jul jul. aug aug. sep sep. sept sept. oct oct. nov nov. dec dec.".split()
)
HEDGES = {
    tuple(h.split())
    for h in [
        "about", "around", "approximately", "approx.", "roughly", "nearly", "almost", "some", "over", "under",
        "estimated", "circa", "ca.", "~", "up to", "more than", "less than", "fewer than", "at least", "at most",
        "close to", "upwards of", "as many as", "as much as", "as few as", "in excess of", "just over",
        "just under", "well over", "an estimated", "over a", "around a", "about a", "nearly a", "almost a",
    ]
}
HEDGE_LENGTH = max(map(len, HEDGES))

DIGITS = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(k|m|mn|mln|bn|b|tn|trn)?(-)?", re.IGNORECASE)
# Digit groups that are not quantities: phone numbers, dates, clock times.
NOT_QUANTITY = re.compile(
    r"\+\d[\d ().-]{6,}\d"  # +44 20 7946 0958
    r"|\(\d{2,4}\)\s?\d{3}[-. ]\d{4}"  # (555) 123-4567
    r"|\b\d+(?:[-./]\d+){2,}\b"  # 555-123-4567, 2021-03-04, 3/4/2021
    r"|\b\d{3}-\d{4}\b"  # 555-1234
    r"|\b0\d{2,4}(?:[ -]\d{3,7}){0,2}\b"  # 0845 125 2222, 0800 555111: a leading zero is no quantity
    r"|\b\d{1,2}:\d{2}\b"  # 3:30
)


@dataclass(slots=True)
class _Numeral:
    start: int  # token indices, end exclusive
    end: int
    value: float
    factor: float  # the trailing scale: 1e6 for "1.2 million", 1 for "1,200"
    spelled: bool  # number words rather than digits
    open_range: bool  # "140-": the other end of a range follows


@dataclass(slots=True)
class _Phrase:
    start: int  # token indices of the whole fact, end exclusive
    end: int
    numeral: _Numeral
    kind: str = "count"
    unit: str | None = None
    approximate: bool = False
    plural_noun: bool = False  # the unit is a counted noun in the plural


class _People:
    """PERSON entities looked up by where they start and end."""

    def __init__(self, entities: list[Entity]):
        persons = sorted((e for e in entities if e.label == "PERSON"), key=lambda e: e.end)
        self.ends = [e.end for e in persons]
        self.persons = persons
        self.ending = {e.end: e for e in persons}
        self.starting = {e.start: e for e in persons}

    def nearest_before(self, char: int) -> Entity | None:
        k = bisect_right(self.ends, char) - 1
        return self.persons[k] if k >= 0 and char - self.ends[k] <= PERSON_WINDOW else None


class _Text:
    """The doc with what the pass reads often computed once: ``Doc.text`` and
    ``Doc.has_annotation`` walk every token at each call, and a ``Token`` is
    built at each ``doc[i]``."""

    def __init__(self, doc: Doc, entities: list[Entity]):
        self.doc = doc
        self.text = doc_text(doc)
        self.words = [t.lower_ for t in doc]
        self.parsed = doc.has_annotation("DEP")
        self.excluded = [m.span() for m in NOT_QUANTITY.finditer(self.text)]
        self.people = _People(entities)

    def word(self, i: int) -> str:
        return self.words[i] if 0 <= i < len(self.words) else ""

    def may_start_number(self, i: int) -> bool:
        word = self.words[i]
        return word[:1].isdigit() or word == "a" or _is_number_word(word)


def find_numbers(doc: Doc, entities: list[Entity]) -> list[NumberFact]:
    d = _Text(doc, entities)
    facts: list[NumberFact] = []
    i = 0
    while i < len(d.words):
        phrase = _phrase_at(d, i) if d.may_start_number(i) else None
        if phrase is None:
            i += 1
            continue
        phrases = [phrase]
        second = _range_end(d, phrase)
        if second is not None:
            phrases = [_join_range(phrase, second), second]
        facts.extend(f for p in phrases if (f := _fact(d, p)) is not None)
        i = phrases[-1].end
    return facts


def _inside(spans: list[tuple[int, int]], tok: Token) -> bool:
    k = bisect_right(spans, (tok.idx, float("inf"))) - 1
    return k >= 0 and spans[k][0] <= tok.idx < spans[k][1]


# ---------------------------------------------------------------- numerals


def _numeral_at(d: _Text, i: int, money: bool) -> _Numeral | None:
    """Digits or number words starting at token ``i``, with a trailing scale.

    Single-letter abbreviations ("5m", "$3b", "40k") count as scales only for
    money: elsewhere "5m" is as likely five metres.
    """
    m = DIGITS.fullmatch(d.words[i])
    if m is None:
        return _spelled_at(d, i)
    value = float(m.group(1).replace(",", ""))
    abbreviation = (m.group(2) or "").lower()
    if abbreviation and (money or len(abbreviation) > 1):
        factor = ABBREVIATED_SCALES[abbreviation]
        return _Numeral(i, i + 1, value * factor, factor, False, bool(m.group(3)))
    if abbreviation or m.group(3):
        return _Numeral(i, i + 1, value, 1.0, False, bool(m.group(3)))
    word = d.word(i + 1)
    glued = not d.doc[i].whitespace_
    if word in SCALES and word != "dozen":
        factor = SCALES[word]
    elif glued and word in ABBREVIATED_SCALES and (money or len(word) > 1):
        factor = ABBREVIATED_SCALES[word]
    else:
        return _Numeral(i, i + 1, value, 1.0, False, False)
    return _Numeral(i, i + 2, value * factor, factor, False, False)


def _spelled_at(d: _Text, i: int) -> _Numeral | None:
    """Number words: "twenty-five", "a dozen", "one hundred and twenty", "two million"."""
    j = i + 1 if d.word(i) == "a" and d.word(i + 1) in SCALES else i
    if not _is_number_word(d.word(j)):
        return None
    total = current = 0.0
    while j < len(d.words) and _is_number_word(word := d.words[j]):
        if word in SCALES and word in ("hundred", "dozen"):
            current = (current or 1) * SCALES[word]
        elif word in SCALES:
            total += (current or 1) * SCALES[word]
            current = 0
        else:
            current += SMALL.get(word, TENS.get(word, 0))
        j += 1
        # "twenty-five", "hundred and twenty": a joiner only when a number word follows
        joiner = d.word(j)
        if _is_number_word(d.word(j + 1)) and (
            joiner == "-" and not d.doc[j - 1].whitespace_ or joiner == "and" and d.word(j - 1) in SCALES
        ):
            j += 1
    last = d.word(j - 1)
    factor = SCALES[last] if last in SCALES and last != "dozen" else 1.0
    return _Numeral(i, j, total + current, factor, True, False)


def _is_number_word(word: str) -> bool:
    return word in SMALL or word in TENS or word in SCALES


# ---------------------------------------------------------------- phrases


def _phrase_at(d: _Text, i: int) -> _Phrase | None:
    """The numeric fact whose numeral starts at token ``i``, or None when it is not a quantity."""
    currency = CURRENCY_SIGNS.get(d.word(i - 1))
    numeral = _numeral_at(d, i, money=currency is not None)
    if numeral is None or _inside(d.excluded, d.doc[i]) or _is_date_or_time(d, numeral):
        return None
    phrase = _Phrase(i, numeral.end, numeral)
    if currency:
        phrase.start -= 1
    if d.word(phrase.start - 1) == "aged":
        phrase.start -= 1
        phrase.kind, phrase.unit = "age", "year"
    else:
        _classify(d, phrase, currency)
    hedge = _hedge_before(d, phrase.start)
    phrase.start -= hedge
    phrase.approximate = hedge > 0
    if _looks_like_year(d, numeral) and not (phrase.kind != "count" or phrase.plural_noun):
        return None
    return phrase


def _is_date_or_time(d: _Text, n: _Numeral) -> bool:
    before, after = d.word(n.start - 1), d.word(n.end)
    if before in MONTHS or after in MONTHS or after in CLOCK_WORDS:
        return True
    if after == "ago" or d.word(n.end + 1) == "ago":  # "three days ago" is a date
        return True
    return after == "of" and d.word(n.end + 1) in MONTHS


def _looks_like_year(d: _Text, n: _Numeral) -> bool:
    text = d.words[n.start]
    return n.end == n.start + 1 and len(text) == 4 and text.isdigit() and 1000 <= n.value <= 2100


def _hedge_before(d: _Text, i: int) -> int:
    """Number of tokens of the hedge ("about", "more than") right before token ``i``."""
    for length in range(min(HEDGE_LENGTH, i), 0, -1):
        if tuple(d.words[i - length : i]) in HEDGES:
            return length
    return 0


def _classify(d: _Text, p: _Phrase, currency: str | None) -> None:
    """Kind, unit and end of the phrase from the words after the numeral."""
    j = p.end
    after, next_after = d.word(j), d.word(j + 1)
    if age_end := _age_suffix(d, j):
        p.kind, p.unit, p.end = "age", "year", age_end
    elif currency:
        p.kind, p.unit = "money", currency
    elif after in CURRENCY_WORDS:
        p.kind, p.unit, p.end = "money", CURRENCY_WORDS[after], j + 1
    elif after in ("%", "percent", "pct"):
        p.kind, p.unit, p.end = "percent", "percent", j + 1
    elif (after, next_after) == ("per", "cent"):
        p.kind, p.unit, p.end = "percent", "percent", j + 2
    elif after == "percentage" and next_after in ("point", "points"):
        p.kind, p.unit, p.end = "percent", "percentage point", j + 2
    elif (noun := _counted_noun(d, j)) is not None:
        p.unit, p.end = d.doc[noun].lemma_.lower(), noun + 1
        p.kind = "duration" if p.unit in TIME_UNITS else "count"
        p.plural_noun = d.doc[noun].tag_ == "NNS"


def _age_suffix(d: _Text, j: int) -> int:
    """End of "-year-old" / "years old" / "-years-old" starting at token ``j``, or 0."""
    k = j + 1 if d.word(j) == "-" else j
    if d.word(k) not in ("year", "years"):
        return 0
    k += 1 if d.word(k + 1) == "-" else 0
    return k + 2 if d.word(k + 1) == "old" else 0


def _counted_noun(d: _Text, j: int) -> int | None:
    """The noun counted by a numeral ending before token ``j``: "20 weeks", "a 20-year term", "three injured people"."""
    hyphenated = d.word(j) == "-" and not d.doc[j - 1].whitespace_
    if hyphenated:  # "a 20-year term": the unit is the word after the hyphen, not "term"
        j += 1
    for k in range(j, min(j + 3, len(d.words))):
        tok = d.doc[k]
        if tok.pos_ == "NOUN" and tok.is_alpha:
            return k if hyphenated else _compound_head(d, k)
        if tok.pos_ != "ADJ" and tok.tag_ != "VBN":
            return None
    return None


def _compound_head(d: _Text, k: int) -> int:
    """The last noun of a compound: "10 fire engines" counts engines."""
    for _ in range(3):
        following = d.doc[k + 1] if k + 1 < len(d.words) else None
        if following is None or following.pos_ != "NOUN" or not following.is_alpha:
            break
        k += 1
    return k


def _range_end(d: _Text, first: _Phrase) -> _Phrase | None:
    """The second end of "40 to 50 people", "$140-$150 million", "between 40 and 50"."""
    j = first.numeral.end
    if first.end != j or first.kind == "age":
        return None
    if not first.numeral.open_range:
        joiner = d.word(j)
        between = "between" in (d.word(first.start - 1), d.word(first.start))
        if not (joiner in ("-", "–", "to") or joiner == "and" and between):
            return None
        j += 1
    if d.word(j) in CURRENCY_SIGNS:
        j += 1
    second = _phrase_at(d, j) if j < len(d.words) else None
    return second if second is not None and second.numeral.start == j else None


def _join_range(first: _Phrase, second: _Phrase) -> _Phrase:
    """Both ends of a range are approximate; the first takes the second's scale and unit ("140-150 million")."""
    second.approximate = True
    n = first.numeral
    if n.factor == 1.0 and second.numeral.factor != 1.0:
        n = _Numeral(n.start, n.end, n.value * second.numeral.factor, second.numeral.factor, n.spelled, True)
    if first.kind == "count" and first.unit is None:
        first.kind, first.unit = second.kind, second.unit
    return _Phrase(first.start, first.end, n, first.kind, first.unit, True, second.plural_noun)


# ---------------------------------------------------------------- facts


def _fact(d: _Text, p: _Phrase) -> NumberFact | None:
    if p.kind == "count" and p.unit is None:
        if _appositive_age(d, p):
            p.kind, p.unit = "age", "year"
        elif not _reportable_bare(d, p.numeral):
            return None
    value = p.numeral.value
    if p.kind == "age":
        if not (0 < value <= 130 and value.is_integer()):
            return None
        about = _age_about(d, p)
    else:
        about = _governor(d, p)
    start, end = d.doc[p.start].idx, d.doc[p.end - 1].idx + len(d.doc[p.end - 1].text)
    return NumberFact(d.text[start:end], start, end, value, p.unit, about, p.kind, p.approximate)


def _reportable_bare(d: _Text, n: _Numeral) -> bool:
    """A number with no unit: only in digits or with a scale, and not a label such as "Boeing 737"."""
    if n.spelled and n.factor == 1.0:
        return False
    before = d.doc[n.start - 1] if n.start > 0 else None
    return before is None or before.pos_ != "PROPN"


def _person_before(d: _Text, p: _Phrase) -> Entity | None:
    """The person named right before "Ana Ruiz, 52" / "Ana Ruiz (52)"."""
    if p.start < 2 or d.doc[p.start - 1].text not in (",", "("):
        return None
    name = d.doc[p.start - 2]
    return d.people.ending.get(name.idx + len(name.text))


def _appositive_age(d: _Text, p: _Phrase) -> bool:
    if p.numeral.spelled or p.start != p.numeral.start or _person_before(d, p) is None:
        return False
    closer = d.word(p.end)
    return closer == ")" if d.doc[p.start - 1].text == "(" else closer in (",", ".", ";", "")


def _age_about(d: _Text, p: _Phrase) -> str | None:
    named = _person_before(d, p)
    if named is None and p.end < len(d.words):
        following = d.doc[p.end]
        named = d.people.starting.get(following.idx)
        if named is None and following.pos_ == "NOUN":
            return following.lemma_.lower()
    named = named or d.people.nearest_before(d.doc[p.start].idx)
    return named.canonical if named else None


def _governor(d: _Text, p: _Phrase) -> str | None:
    """Lemma of the nearest verb or common noun above the phrase in the dependency parse."""
    if not d.parsed:
        return None
    tok = d.doc[p.end - 1]
    for _ in range(4):
        if tok.head.i == tok.i:
            return None
        # a conjunct or apposition hangs off a sibling ("300 people, 20 homes"), not a governor
        sibling = tok.dep_ in ("conj", "appos")
        tok = tok.head
        lemma = tok.lemma_.lower()
        if not (sibling or p.start <= tok.i < p.end or lemma == p.unit) and tok.pos_ in ("VERB", "NOUN"):
            return lemma
    return None
