"""Typed value comparison: when do two reported values disagree?

The rules, stated once so the brief can cite them:

* **Dates** are TIMEX3 values read as calendar intervals: ``2020-09-30`` is one
  day, ``2020-09`` a month, ``2020`` a year, ``2020-W40`` a week, ``2020-Q3`` a
  quarter, ``2020-SU`` a season. Two dates conflict only when their intervals
  do not overlap: ``2020-09-30`` vs ``2020-10`` conflicts, ``2020-09-30`` vs
  ``2020-09`` does not (the second is just coarser). Values that are not
  calendar dates (durations, ``PRESENT_REF``, unresolved relative dates) are
  never compared.
* **Numbers** with the same kind and unit. Exact values must be equal. A value
  is approximate when hedged ("about 300", "nearly 20", a range end) or when it
  is written with a scale word ("1.2 million", "$3bn": the rounding is implicit).
  An approximate value agrees with another when they are within 5% of the
  larger, or when the other rounds to it at its rounding step (the magnitude of
  its last significant digit: 300 -> 100, 1.2 million -> 100,000; so "about
  300" covers 250..350), or when a bound hedge holds for an exact value ("more
  than 300" vs 312; two bounds are compared as values: "at least 80" vs "at
  least 160" conflict).
* **Ages** of the same person must be equal, except that a difference of one
  year is allowed when the two articles were published at least
  ``AGE_BIRTHDAY_DAYS`` days apart (a birthday may have passed in between).
* **Names** of people: two mentions are the same name when they are equal
  after dropping titles and punctuation or when one is a part of the other
  ("Ruiz" / "Ana Ruiz"); they are *variants* (a contradiction candidate) when
  not the same but close (rapidfuzz ratio >= ``NAME_VARIANT_RATIO``, e.g. "Ana
  Ruiz" / "Ana Ruis") or sharing a surname with a different first name.
* **Places** are the same when equal after normalising case, spaces and
  punctuation, or close (ratio >= ``PLACE_SAME_RATIO``: "Port Vale" /
  "Portvale"), or when one's words are contained in the other's ("Harbour
  Road" / "Harbour Road, Portvale").
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

from rapidfuzz import fuzz

from storyline.analyze.entities import name_words
from storyline.analyze.timex_values import period

REL_TOLERANCE = 0.05
AGE_BIRTHDAY_DAYS = 30
NAME_VARIANT_RATIO = 80
PLACE_SAME_RATIO = 90

# ---------------------------------------------------------------- dates

def date_interval(value: str | None) -> tuple[date, date] | None:
    """The first and last day a TIMEX3 date value covers, or None when it is not a calendar date.
    A night runs into the next day: "Monday night" agrees with "early on Tuesday"."""
    p = period(value)
    if p is None:
        return None
    return (p.first, p.last + timedelta(days=1)) if (value or "").endswith("TNI") else (p.first, p.last)


def dates_conflict(a: str | None, b: str | None) -> bool:
    """Both are calendar dates and no day is in both."""
    ia, ib = date_interval(a), date_interval(b)
    return ia is not None and ib is not None and (ia[1] < ib[0] or ib[1] < ia[0])


def dates_agree(a: str | None, b: str | None) -> bool:
    ia, ib = date_interval(a), date_interval(b)
    return ia is not None and ib is not None and not (ia[1] < ib[0] or ib[1] < ia[0])


# ---------------------------------------------------------------- numbers

_SCALE_WORDS = re.compile(r"\b(hundred|thousand|million|billion|trillion)\b|\d(k|m|mn|mln|bn|b|tn|trn)\b", re.I)
_LOWER_BOUND = re.compile(r"^(more than|over|at least|upwards of|in excess of|just over|well over)\b", re.I)
_UPPER_BOUND = re.compile(r"^(less than|fewer than|under|up to|at most|nearly|almost|just under|as many as|as much as)\b", re.I)
_DECIMALS = re.compile(r"\d+\.(\d+)")


def is_approximate(text: str, value: float, hedged: bool) -> bool:
    """Hedged, or written with a scale word ("1.2 million"), which rounds implicitly."""
    return hedged or (bool(_SCALE_WORDS.search(text)) and value >= 1000)


def rounding_step(text: str, value: float) -> float:
    """The magnitude of the last significant digit as written: 300 -> 100, 1.25 million -> 10,000, 312 -> 1."""
    if value <= 0:
        return 1.0
    if m := _DECIMALS.search(text.replace(",", "")):
        # "1.25 million": the step is a unit of the last decimal, times the scale
        written = float(m.group(0))
        scale = value / written if written else 1.0
        return scale * 10 ** -len(m.group(1))
    integer = int(round(value))
    zeros = len(str(integer)) - len(str(integer).rstrip("0")) if integer else 0
    return float(10 ** min(zeros, max(len(str(integer)) - 1, 0)))


def numbers_agree(a_value: float, a_text: str, a_hedged: bool, b_value: float, b_text: str, b_hedged: bool) -> bool:
    """Whether two values of the same kind and unit can be the same quantity (see the module rules)."""
    if math.isclose(a_value, b_value, rel_tol=1e-9, abs_tol=1e-9):
        return True
    approx_a = is_approximate(a_text, a_value, a_hedged)
    approx_b = is_approximate(b_text, b_value, b_hedged)
    if not (approx_a or approx_b):
        return False
    if abs(a_value - b_value) <= REL_TOLERANCE * max(abs(a_value), abs(b_value)):
        return True
    return (approx_a and _covers(a_text, a_value, b_value, b_hedged)) or (
        approx_b and _covers(b_text, b_value, a_value, a_hedged)
    )


def _covers(text: str, value: float, other: float, other_hedged: bool) -> bool:
    """An approximate value covers ``other`` by its bound, or by rounding.

    A bound covers only an exact value: "at least 80" vs "at least 160" are two
    different bounds on the same quantity, compared as values.
    """
    hedge = text.strip()
    if _LOWER_BOUND.match(hedge) and not other_hedged:
        return other >= value
    if _UPPER_BOUND.match(hedge) and not other_hedged:
        return other <= value
    step = rounding_step(text, value)
    return step > 1 and abs(other - value) <= step / 2


def ages_agree(a: float, b: float, days_apart: float | None) -> bool:
    if a == b:
        return True
    return abs(a - b) == 1 and days_apart is not None and days_apart >= AGE_BIRTHDAY_DAYS


def days_between(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return abs((a - b).total_seconds()) / 86400


# ---------------------------------------------------------------- names and places

_PUNCT = re.compile(r"[^\w\s]")


def person_words(name: str) -> list[str]:
    """A person's name as lower-case words without titles or punctuation: "Dr. Ana Ruiz's" -> [ana, ruiz]."""
    return [w for w in (_PUNCT.sub("", w).lower() for w in name_words(name)) if w]


def same_person(a: str, b: str) -> bool:
    """Equal names, or one a part of the other ("Ruiz" / "Ana Ruiz", "Tim" / "Tim Mead")."""
    wa, wb = person_words(a), person_words(b)
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    short, long_ = (wa, wb) if len(wa) < len(wb) else (wb, wa)
    return len(short) < len(long_) and set(short) <= set(long_)


def name_variant(a: str, b: str) -> bool:
    """Not the same name, but close enough to be a misspelling or a mix-up of the same person."""
    if same_person(a, b):
        return False
    wa, wb = person_words(a), person_words(b)
    if not wa or not wb:
        return False
    if len(wa) > 1 and len(wb) > 1 and wa[-1] == wb[-1]:
        return True  # same surname, different first name
    return fuzz.ratio(" ".join(wa), " ".join(wb)) >= NAME_VARIANT_RATIO


def place_key(name: str) -> str:
    words = _PUNCT.sub(" ", name.lower()).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def same_place(a: str, b: str) -> bool:
    ka, kb = place_key(a), place_key(b)
    if not ka or not kb:
        return False
    if ka.replace(" ", "") == kb.replace(" ", "") or fuzz.ratio(ka, kb) >= PLACE_SAME_RATIO:
        return True
    wa, wb = set(ka.split()), set(kb.split())
    return wa <= wb or wb <= wa
