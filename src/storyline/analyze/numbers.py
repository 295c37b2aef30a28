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
from dataclasses import dataclass

from spacy.tokens import Doc, Token

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
    r"|\b\d{1,2}:\d{2}\b"  # 3:30
)


@dataclass(slots=True)
class _Numeral:
    start: int  # token indices, end exclusive
    end: int
    base: float  # the value before any trailing scale word: 1.2 in "1.2 million"
    value: float
    scaled: bool  # ended in a scale word or abbreviation
    spelled: bool  # starts with a number word rather than digits
    open_range: bool  # "140-": a range continues right after


@dataclass(slots=True)
class _Phrase:
    start: int
    end: int  # token indices of the whole fact, end exclusive
    numeral: _Numeral
    kind: str
    unit: str | None
    approximate: bool
    about_token: int  # token the parse is walked up from
    age_about: str | None = None


def find_numbers(doc: Doc, entities: list[Entity]) -> list[NumberFact]:
    persons = [e for e in entities if e.label == "PERSON"]
    person_ending = {e.end: e for e in persons}
    person_starting = {e.start: e for e in persons}
    excluded = _excluded_chars(doc.text)
    facts: list[NumberFact] = []
    i = 0
    while i < len(doc):
        phrase = _phrase_at(doc, i, excluded)
        if phrase is None:
            i += 1
            continue
        phrases = [phrase]
        follower = _range_end(doc, phrase, excluded)
        if follower is not None:
            phrases = [_join_range(phrase, follower), follower]
        for p in phrases:
            fact = _fact(doc, p, persons, person_ending, person_starting)
            if fact is not None:
                facts.append(fact)
        i = phrases[-1].end
    return facts


def _excluded_chars(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in NOT_QUANTITY.finditer(text)]


def _inside(spans: list[tuple[int, int]], tok: Token) -> bool:
    # spans are few and sorted; a bisect would be faster but the list is usually empty
    from bisect import bisect_right

    k = bisect_right(spans, (tok.idx, float("inf"))) - 1
    return k >= 0 and spans[k][0] <= tok.idx < spans[k][1]


def _lower(doc: Doc, i: int) -> str:
    return doc[i].lower_ if 0 <= i < len(doc) else ""


def _numeral_at(doc: Doc, i: int) -> _Numeral | None:
    """The numeral starting at token ``i``: digits or number words, with a trailing scale."""
    tok = doc[i]
    if (m := DIGITS.fullmatch(tok.text)) is not None:
        base = float(m.group(1).replace(",", ""))
        if m.group(2):
            factor = ABBREVIATED_SCALES[m.group(2).lower()]
            return _Numeral(i, i + 1, base, base * factor, True, False, bool(m.group(3)))
        if m.group(3):
            return _Numeral(i, i + 1, base, base, False, False, True)
        return _scaled(doc, i + 1, _Numeral(i, i + 1, base, base, False, False, False))
    return _spelled_at(doc, i)


def _scaled(doc: Doc, j: int, n: _Numeral) -> _Numeral:
    """Extend a digit numeral with a scale word ("1.2 million") or a glued abbreviation ("5m")."""
    word = _lower(doc, j)
    if word in SCALES and word != "dozen":
        factor = SCALES[word]
    elif word in ABBREVIATED_SCALES and not doc[j - 1].whitespace_:
        factor = ABBREVIATED_SCALES[word]
    else:
        return n
    return _Numeral(n.start, j + 1, n.base, n.value * factor, True, False, False)


def _spelled_at(doc: Doc, i: int) -> _Numeral | None:
    """Number words: "twenty-five", "a dozen", "one hundred and twenty", "two million"."""
    j = i + 1 if _lower(doc, i) == "a" and _lower(doc, i + 1) in SCALES else i
    if not _is_number_word(_lower(doc, j)):
        return None
    total = current = 0.0
    base = None
    while j < len(doc):
        word = doc[j].lower_
        if word in SMALL or word in TENS:
            current += SMALL.get(word, TENS.get(word, 0))
        elif word in SCALES:
            base = total + current or 1 if base is None else base
            if word in ("hundred", "dozen"):
                current = (current or 1) * SCALES[word]
            else:
                total += (current or 1) * SCALES[word]
                current = 0
        else:
            break
        j += 1
        # "twenty-five", "hundred and twenty": a joiner only when a number word follows
        if _lower(doc, j) == "-" and not doc[j - 1].whitespace_ and _is_number_word(_lower(doc, j + 1)):
            j += 1
        elif _lower(doc, j) == "and" and _lower(doc, j - 1) in SCALES and _is_number_word(_lower(doc, j + 1)):
            j += 1
    value = total + current
    scaled = _lower(doc, j - 1) in SCALES and _lower(doc, j - 1) != "dozen"
    return _Numeral(i, j, base if scaled and base is not None else value, value, scaled, True, False)


def _is_number_word(word: str) -> bool:
    return word in SMALL or word in TENS or word in SCALES


def _phrase_at(doc: Doc, i: int, excluded: list[tuple[int, int]]) -> _Phrase | None:
    """The numeric fact whose numeral starts at token ``i``, or None when it is not a quantity."""
    numeral = _numeral_at(doc, i)
    if numeral is None or _inside(excluded, doc[i]) or _is_time_or_label(doc, numeral):
        return None
    start = i
    currency = None
    sign = _lower(doc, start - 1)
    if sign in CURRENCY_SIGNS:
        currency = CURRENCY_SIGNS[sign]
        start -= 1
    hedge = _hedge_before(doc, start)
    approximate = hedge > 0
    start -= hedge
    phrase = _Phrase(start, numeral.end, numeral, "count", None, approximate, numeral.end - 1)
    _classify(doc, phrase, currency)
    if phrase.kind == "count" and phrase.unit is None and not _reportable_bare(doc, numeral):
        return None
    return phrase


def _is_time_or_label(doc: Doc, n: _Numeral) -> bool:
    """Dates, clock times, ordinal-like labels and model numbers around a numeral."""
    before, after = _lower(doc, n.start - 1), _lower(doc, n.end)
    if before in MONTHS or after in MONTHS or after in CLOCK_WORDS or before in ("#", "no.", "number"):
        return True
    if after == "of" and _lower(doc, n.end + 1) in MONTHS:
        return True
    return not n.spelled and n.start > 0 and doc[n.start - 1].pos_ == "PROPN" and bool(doc[n.start - 1].whitespace_) and _lower(doc, n.start - 2) not in (",", "(")


def _hedge_before(doc: Doc, i: int) -> int:
    """Number of tokens of the hedge ("about", "more than") right before token ``i``."""
    for length in range(HEDGE_LENGTH, 0, -1):
        if i - length >= 0 and tuple(t.lower_ for t in doc[i - length : i]) in HEDGES:
            return length
    return 0


def _classify(doc: Doc, p: _Phrase, currency: str | None) -> None:
    """Set kind, unit and the end of the phrase from the words after the numeral."""
    j = p.end
    after = _lower(doc, j)
    if _age_suffix(doc, j):
        p.kind, p.unit = "age", "year"
        p.end = _age_suffix(doc, j)
    elif currency or after in CURRENCY_WORDS:
        p.kind, p.unit = "money", currency or CURRENCY_WORDS[after]
        if not currency:
            p.end = j + 1
    elif after in ("%", "percent", "pct", "pc"):
        p.kind, p.unit, p.end = "percent", "percent", j + 1
    elif after == "per" and _lower(doc, j + 1) == "cent":
        p.kind, p.unit, p.end = "percent", "percent", j + 2
    elif after == "percentage" and _lower(doc, j + 1) in ("point", "points"):
        p.kind, p.unit, p.end = "percent", "percentage point", j + 2
    else:
        noun = _counted_noun(doc, j)
        if noun is None:
            return
        unit = doc[noun].lemma_.lower()
        if unit in TIME_UNITS:
            p.kind = "duration"
        p.unit, p.end, p.about_token = unit, noun + 1, noun
    p.about_token = max(p.about_token, p.end - 1) if p.kind != "count" else p.about_token


def _age_suffix(doc: Doc, j: int) -> int:
    """End of "-year-old" / "years old" / "-years-old" after a numeral, or 0."""
    k = j + 1 if _lower(doc, j) == "-" else j
    if _lower(doc, k) not in ("year", "years"):
        return 0
    k += 1
    if _lower(doc, k) == "-":
        k += 1
    return k + 1 if _lower(doc, k) == "old" else 0


def _counted_noun(doc: Doc, j: int) -> int | None:
    """Index of the noun counted by a numeral ending before token ``j``: "20 weeks", "a 20-year term"."""
    if _lower(doc, j) == "-" and not doc[j - 1].whitespace_:
        j += 1
    for k in range(j, min(j + 3, len(doc))):
        tok = doc[k]
        if tok.pos_ == "NOUN" and tok.is_alpha:
            return k
        if tok.pos_ != "ADJ" and tok.tag_ != "VBN":
            return None
    return None


def _reportable_bare(doc: Doc, n: _Numeral) -> bool:
    """A number with no unit: reported only when written in digits and not a year."""
    if n.spelled and not n.scaled:
        return False
    return n.scaled or not _looks_like_year(doc, n)


def _looks_like_year(doc: Doc, n: _Numeral) -> bool:
    text = doc[n.start].text
    return len(text) == 4 and text.isdigit() and 1000 <= n.value <= 2100


def _range_end(doc: Doc, first: _Phrase, excluded: list[tuple[int, int]]) -> _Phrase | None:
    """The second end of "40 to 50 people", "$140-$150 million", "between 40 and 50"."""
    j = first.numeral.end
    if first.end != j or first.numeral.scaled and first.unit is None and first.kind == "count":
        return None
    if not first.numeral.open_range:
        joiner = _lower(doc, j)
        between = _lower(doc, first.start - 1) == "between" or _lower(doc, first.start) == "between"
        if not (joiner in ("-", "–", "to") or joiner == "and" and between):
            return None
        j += 1
    if _lower(doc, j) in CURRENCY_SIGNS:
        j += 1
    if j >= len(doc):
        return None
    second = _phrase_at(doc, j, excluded)
    return second if second is not None and second.numeral.start == j else None


def _join_range(first: _Phrase, second: _Phrase) -> _Phrase:
    """The first end of a range takes the second's scale, kind and unit ("140-150 million")."""
    factor = second.numeral.value / second.numeral.base if second.numeral.base else 1.0
    n = first.numeral
    numeral = _Numeral(n.start, n.end, n.base, n.value * factor, second.numeral.scaled, n.spelled, True)
    second.approximate = True
    kind, unit = (first.kind, first.unit) if first.kind != "count" or first.unit else (second.kind, second.unit)
    return _Phrase(first.start, first.end, numeral, kind, unit, True, second.about_token)


def _fact(
    doc: Doc,
    p: _Phrase,
    persons: list[Entity],
    person_ending: dict[int, Entity],
    person_starting: dict[int, Entity],
) -> NumberFact | None:
    value = p.numeral.value
    about = None
    if p.kind == "count" and p.unit is None and _appositive_age(doc, p, person_ending):
        p.kind, p.unit = "age", "year"
    if p.kind == "age":
        if not (0 < value <= 130 and value == int(value)):
            return None
        about = _age_about(doc, p, persons, person_ending, person_starting)
    else:
        about = _governor(doc, p)
    start, end = doc[p.start].idx, doc[p.end - 1].idx + len(doc[p.end - 1].text)
    return NumberFact(doc.text[start:end], start, end, value, p.unit, about, p.kind, p.approximate)


def _appositive_age(doc: Doc, p: _Phrase, person_ending: dict[int, Entity]) -> bool:
    """ "Ana Ruiz, 52," / "Ana Ruiz (52)": a bare number set off right after a person's name."""
    if p.start != p.numeral.start or p.numeral.spelled or p.start < 2:
        return False
    opener, closer = doc[p.start - 1].text, _lower(doc, p.end)
    named = doc[p.start - 2].idx + len(doc[p.start - 2].text) in person_ending
    return named and (opener == "," and closer in (",", ".", ";", "") or opener == "(" and closer == ")")


def _age_about(
    doc: Doc,
    p: _Phrase,
    persons: list[Entity],
    person_ending: dict[int, Entity],
    person_starting: dict[int, Entity],
) -> str | None:
    if p.start >= 2 and doc[p.start - 1].text in (",", "("):
        named = person_ending.get(doc[p.start - 2].idx + len(doc[p.start - 2].text))
        if named is not None:
            return named.canonical
    if p.end < len(doc):
        following = doc[p.end]
        if following.idx in person_starting:
            return person_starting[following.idx].canonical
        if following.pos_ == "NOUN":
            return following.lemma_.lower()
    return _nearest_person_before(persons, doc[p.start].idx)


def _nearest_person_before(persons: list[Entity], char: int) -> str | None:
    best = None
    for e in persons:
        if char - PERSON_WINDOW <= e.end <= char and (best is None or e.end > best.end):
            best = e
    return best.canonical if best else None


def _governor(doc: Doc, p: _Phrase) -> str | None:
    """Lemma of the nearest verb or common noun above the phrase in the dependency parse."""
    if not doc.has_annotation("DEP"):
        return None
    tok = doc[p.about_token]
    for _ in range(4):
        if tok.head.i == tok.i:
            return None
        tok = tok.head
        if p.start <= tok.i < p.end:
            continue
        if tok.pos_ in ("VERB", "NOUN"):
            return tok.lemma_.lower()
    return None
