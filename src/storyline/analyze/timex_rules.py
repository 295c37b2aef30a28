"""Rule-based recognition and TIMEX3 normalisation of English time expressions, without spaCy.

Each rule is a regular expression plus a function that turns its match into a
TIMEX3 type and value given an anchor date (the publication date) and the tense
of the clause. All rules are joined into one regex, so recognition is a single
left-to-right pass; at a given position the first rule in ``RULES`` that matches
wins, so longer and more specific rules come first. ``normalise`` runs the same
rules over one given expression (the timeline calls it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Iterator

from storyline.analyze.timex_values import period

PAST, PRESENT, FUTURE = "past", "present", "future"
# The end of a span under a past verb ("gave them until Tuesday"): a weekday is the nearest one, either way.
NEAREST = "nearest"

# ---------------------------------------------------------------- lexicon

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI"}
UNITS = {
    "second": "S", "sec": "S", "minute": "MIN", "min": "MIN", "hour": "H", "hr": "H", "day": "D",
    "night": "D", "week": "W", "fortnight": "2W", "month": "M", "quarter": "Q", "year": "Y",
    "decade": "E", "century": "C", "centurie": "C", "millennium": "L", "millennia": "L",
}  # fmt: skip
SMALL_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "a hundred": 100, "one hundred": 100, "thousand": 1000, "a thousand": 1000,
    "a couple of": 2, "a couple": 2, "couple of": 2, "a dozen": 12, "dozen": 12, "half a": 0.5,
}  # fmt: skip
VAGUE_QUANTITIES = ("a few", "few", "several", "many", "some", "a number of", "recent", "coming", "the past few",
                    "the last few", "the next few", "the past several", "the next several", "the last several")  # fmt: skip
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
ONES = {w: SMALL_NUMBERS[w] for w in ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")}
TENS = {w: SMALL_NUMBERS[w] for w in ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")}
TENS_DECADES = {w.replace("y", "ies"): w for w in TENS}  # "the nineties"
APPROX = r"(?:about|around|nearly|almost|approximately|roughly|more\s+than|less\s+than|fewer\s+than|at\s+least|up\s+to|no\s+more\s+than|some)"


def _after(words: tuple[str, ...]) -> str:
    """A look-behind for one of ``words`` and a space ("will one day" -> "one day")."""
    return "(?:" + "|".join(rf"(?<=\b{w}\s)" for w in words) + ")"


MODALS = ("will", "would", "could", "might", "may", "can", "shall")


def _alt(words: object) -> str:
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True))  # type: ignore[union-attr]


_NUMWORD = _alt(w for w in SMALL_NUMBERS if " " not in w and w not in ("a", "an"))
NUMBER = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)(?:\s+1/2)?"
    rf"|(?:{_NUMWORD})(?:[\s-](?:{_NUMWORD}))?(?:\s+and\s+a\s+half)?"
    rf"|{_alt(w for w in SMALL_NUMBERS if ' ' in w)}|an?(?:\s+half)?"
)
QUANTITY = rf"(?:{NUMBER}|{_alt(VAGUE_QUANTITIES)})"
# "nineteen ninety-four", "nineteen hundred and six", "two thousand and one" (spoken transcripts)
NINETEEN_YEAR = (
    rf"nineteen[\s-]+(?:(?:hundred[\s-]+(?:and\s+)?)?(?:{_alt(TENS)})(?:[\s-]+(?:{_alt(ONES)}))?"
    rf"|hundred[\s-]+(?:and\s+)?(?:{_alt(ONES)}))"
)
_AND_ONES = rf"[\s-]+(?:and\s+)?(?:{_alt(ONES)})"
TWO_THOUSAND_YEAR = rf"two\s+thousand(?:{_AND_ONES})?"  # after "the year"
# after a month or season; alone, "two thousand and five" is more often a count than a year
SPELLED_YEAR = rf"{NINETEEN_YEAR}|two\s+thousand{_AND_ONES}"
UNIT = r"(?:sec(?:ond)?s?|min(?:ute)?s?|hours?|hrs?|days?|nights?|weeks?|fortnights?|months?|quarters?|years?|decades?|centur(?:y|ies)|millenni(?:um|a))"
UNIT_SG = r"(?:second|minute|hour|day|week|fortnight|month|quarter|year|decade|century)"
MONTH = r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
WEEKDAY = r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d|:\d)"  # "April 25:" ends a phrase; "25:30" is a clock
YEAR = r"(?:1[6-9]\d\d|20\d\d)(?![\d%]|\s*%|[,.]\d)"
SEASON = r"(?:spring|summer|fall|autumn|winter)"
PART = r"(?:morning|afternoon|evening|night)"
CLOCK = r"(?:\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am\b|pm\b)|\d{1,2}:\d\d(?!\d)|noon|midday|midnight)(?:\s+(?-i:[ECMP][SD]T|GMT|UTC))?"
RELDAY = r"(?:today|yesterday|tomorrow|tonight)"
EDGE = r"(?:(?:early|late|mid|the\s+(?:end|beginning|start|middle)\s+of|the\s+(?:first|second|last)\s+half\s+of)\s+|mid-\s*)"
# Only these pick out a single day from the reference time: "the next day", "the same day", "earlier that day"
# ("the last day of ..." does not, and "that day" alone is too often generic: "trades made that day").
REFERENCE_REL = r"the\s+(?:next|following|previous|same)|(?:earlier|later)\s+that"
REL = r"(?:this\s+past|this|last|next|the\s+past|the\s+last|the\s+next|the\s+coming|the\s+previous|the\s+current|the\s+same|current|coming|past|previous|earlier\s+this|later\s+this|the\s+following|that)"


@dataclass(frozen=True, slots=True)
class Normalised:
    """A TIMEX3 type and value; ``anchored``: computed from the anchor date."""

    type: str
    value: str | None
    anchored: bool = False
    resolved: bool = True


@dataclass(frozen=True, slots=True)
class Context:
    anchor: date | None
    tense: str | None  # PAST, PRESENT, FUTURE, NEAREST or None when unknown


# ---------------------------------------------------------------- value helpers


def number(text: str) -> float | None:
    """'20' -> 20, 'twenty-four' -> 24, '2 1/2' -> 2.5, 'a few' -> None (vague)."""
    t = re.sub(r"\s+", " ", text.lower().strip()).replace(",", "")
    half = 0.5 if t.endswith((" 1/2", " and a half")) or t == "half a" else 0.0
    t = re.sub(r"( 1/2| and a half)$", "", t)
    if t == "half a" or t == "a half" or t == "an half":
        return 0.5
    if re.fullmatch(r"\d+(\.\d+)?", t):
        return float(t) + half
    if t in SMALL_NUMBERS:
        return SMALL_NUMBERS[t] + half
    parts = re.split(r"[\s-]", t)
    if len(parts) == 2 and all(p in SMALL_NUMBERS for p in parts):
        a, b = SMALL_NUMBERS[parts[0]], SMALL_NUMBERS[parts[1]]
        return (a * b if b >= 100 else a + b) + half
    return None


def unit_code(text: str) -> str:
    t = text.lower().rstrip("s")
    t = "century" if t.startswith("centur") else t
    t = "millennium" if t.startswith("millenni") else t
    return UNITS.get(t, "X")


SMALLER_UNIT = {"Y": ("M", 12), "H": ("M", 60), "MIN": ("S", 60), "D": ("H", 24)}  # unit -> (next unit, count)


def duration(n: float | None, unit: str) -> str:
    """ISO 8601 / TIMEX3 duration: P20W, PT3H, PXY for a vague count."""
    time_unit = unit in ("H", "MIN", "S")
    letter = "M" if unit == "MIN" else unit
    if unit == "2W":
        letter, n = "W", None if n is None else n * 2
    if n is None:
        count = "X"
    elif n == int(n):
        count = str(int(n))
    elif unit in SMALLER_UNIT and (n * SMALLER_UNIT[unit][1]) % 1 == 0:
        # 2.5 years -> P2Y6M, 1.5 hours -> PT1H30M, 1.5 minutes -> PT1M30S
        small = SMALLER_UNIT[unit]
        whole, rest = int(n), int(round((n - int(n)) * small[1]))
        if letter == "D":
            return f"P{whole}DT{rest}H" if whole else f"PT{rest}H"
        return f"P{'T' if time_unit else ''}{whole}{letter}{rest}{small[0]}"
    else:
        count = f"{n:g}"
    return f"P{'T' if time_unit else ''}{count}{letter}"


def month_of(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def shift_months(d: date, months: int) -> tuple[int, int]:
    index = d.year * 12 + d.month - 1 + months
    return index // 12, index % 12 + 1


def iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def add_quarters(year: int, q: int, n: int) -> tuple[int, int]:
    index = year * 4 + q - 1 + n
    return index // 4, index % 4 + 1


NEAR_FUTURE_MONTHS = 2  # a day this close ahead is the coming one ("payable Dec. 7", "extended to Nov. 20")


def year_for(month: int, day: int | None, ctx: Context) -> int:
    """The year of a month (and day) named without one: the last such before the anchor, the next if future.

    A day at most NEAR_FUTURE_MONTHS ahead is the coming one whatever the tense: news reports deadlines
    and payment dates in the past tense ("set Nov. 10 as the deadline"), but almost never names a day
    eleven months back without its year. A month alone is the coming one only outside the past tense.
    """
    assert ctx.anchor is not None
    a = ctx.anchor
    here = (month, day or 0)
    now = (a.month, a.day if day else 0)
    if ctx.tense == FUTURE:
        return a.year if here >= now else a.year + 1
    upcoming = a.year if here > now else a.year + 1
    months_ahead = (upcoming - a.year) * 12 + month - a.month
    if months_ahead <= NEAR_FUTURE_MONTHS and (day is not None or ctx.tense != PAST):
        return upcoming
    return a.year if here <= now else a.year - 1


def weekday_date(weekday: int, ctx: Context, direction: str | None = None) -> date:
    """The date of a weekday named alone: most recent unless future, the next one if future, the closer
    one if NEAREST; today's own weekday is today either way ("votes Friday" in a Friday paper) unless
    ``direction`` says "next"."""
    assert ctx.anchor is not None
    a = ctx.anchor
    diff = weekday - a.isoweekday()
    if direction == FUTURE:
        return a + timedelta(days=diff % 7 or 7)
    if ctx.tense == NEAREST:
        ahead = diff % 7
        return a + timedelta(days=ahead) if ahead <= 3 else a - timedelta(days=7 - ahead)
    if ctx.tense == FUTURE:
        return a + timedelta(days=diff % 7)
    return a - timedelta(days=(-diff) % 7)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday (1 = Monday) of a month; n = -1 for the last one."""
    if n < 0:
        last = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
        return last - timedelta(days=(last.isoweekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (n - 1))


# US holidays news names without a year: a fixed day, or a rule on weekdays.
HOLIDAYS: dict[str, Callable[[int], date]] = {
    "new year's eve": lambda y: date(y, 12, 31),
    "new year's day": lambda y: date(y, 1, 1),
    "new year's": lambda y: date(y, 1, 1),
    "valentine's day": lambda y: date(y, 2, 14),
    "memorial day": lambda y: nth_weekday(y, 5, 1, -1),
    "independence day": lambda y: date(y, 7, 4),
    "fourth of july": lambda y: date(y, 7, 4),
    "labor day": lambda y: nth_weekday(y, 9, 1, 1),
    "halloween": lambda y: date(y, 10, 31),
    "election day": lambda y: nth_weekday(y, 11, 1, 1) + timedelta(days=1),  # the Tuesday after the first Monday
    "veterans day": lambda y: date(y, 11, 11),
    "thanksgiving day": lambda y: nth_weekday(y, 11, 4, 4),
    "thanksgiving": lambda y: nth_weekday(y, 11, 4, 4),
    "christmas eve": lambda y: date(y, 12, 24),
    "christmas day": lambda y: date(y, 12, 25),
    "christmas": lambda y: date(y, 12, 25),
}
HOLIDAY = "(?-i:" + "|".join(
    re.escape(h.title().replace("'S", "'s").replace(" Of ", " of ")).replace(r"\ ", r"\s+") for h in HOLIDAYS
) + ")"


def shifted(ctx: Context, n: float | None, unit: str, sign: int) -> str | None:
    """The anchor moved by n units, at that unit's granularity ('a year ago' -> 2020)."""
    a = ctx.anchor
    if a is None:
        return None
    if n is None:
        return {-1: "PAST_REF", 1: "FUTURE_REF"}[sign]
    if n != int(n):
        return {-1: "PAST_REF", 1: "FUTURE_REF"}[sign]
    k = int(n) * sign
    if unit in ("D", "H", "MIN", "S"):
        return (a + timedelta(days=k)).isoformat() if unit == "D" else a.isoformat()
    if unit in ("W", "2W"):
        return iso_week(a + timedelta(weeks=k * (2 if unit == "2W" else 1)))
    if unit == "M":
        y, m = shift_months(a, k)
        return f"{y}-{m:02d}"
    if unit == "Q":
        y, q = add_quarters(a.year, quarter_of(a), k)
        return f"{y}-Q{q}"
    if unit == "Y":
        return str(a.year + k)
    if unit == "E":
        return str(a.year + 10 * k)[:3]
    if unit == "C":
        return str(a.year + 100 * k)[:2]
    return None


SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def season_value(word: str, step: int, ctx: Context) -> str:
    """'this summer', 'last fall', 'next spring', 'the winter': the season named, relative to the anchor."""
    assert ctx.anchor is not None
    code = SEASONS[word.lower()]
    start = SEASON_START[code]
    current = max((c for c, m in SEASON_START.items() if m <= ctx.anchor.month), key=SEASON_START.get, default="WI")
    year = year_for(start, None, Context(ctx.anchor, FUTURE if step > 0 else ctx.tense if step == 0 else PAST))
    if code == current and step:
        year += step
    return f"{year}-{code}"


def relative_unit(rel: str, unit: str, ctx: Context) -> str | None:
    """'this week', 'last month', 'next year', 'this summer', 'this morning' against the anchor."""
    a = ctx.anchor
    step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "following": 1}.get(rel.split()[-1], 0)
    if a is None:
        return None
    if unit in SEASONS:
        return season_value(unit, step, ctx)
    if unit in PARTS_OF_DAY:
        day = a - timedelta(days=1) if step < 0 else a + timedelta(days=1) if step > 0 else a
        return f"{day.isoformat()}T{PARTS_OF_DAY[unit]}"
    if unit == "weekend":
        return iso_week(a + timedelta(weeks=step)) + "-WE"
    code = unit_code(unit)
    return shifted(ctx, abs(step), code, -1 if step < 0 else 1) if step else shifted(ctx, 0, code, 1)


# ---------------------------------------------------------------- rules

Handler = Callable[[re.Match[str], Context], Normalised | None]


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    pattern: str
    handle: Handler
    regex: re.Pattern[str] = None  # type: ignore[assignment]


def _date(value: str | None, ctx: Context, anchored: bool = True, type_: str = "DATE") -> Normalised:
    return Normalised(type_, value, anchored, resolved=not anchored or ctx.anchor is not None)


def _numeric_date(m: re.Match[str], ctx: Context) -> Normalised:
    """'2020-09-30', '9/30/2020', '9/30/98'."""
    year = int(m["year"])
    year += 1900 if year < 100 else 0
    return Normalised("DATE", f"{year:04d}-{int(m['mnum']):02d}-{int(m['day']):02d}")


def year_number(text: str) -> int:
    """'1994', 'nineteen ninety-four', 'nineteen hundred and six', 'two thousand and one' -> the year."""
    if text.isdigit():
        return int(text)
    words = [w for w in re.split(r"[\s-]+", text.lower()) if w not in ("hundred", "and", "the", "year")]
    if words[0] == "nineteen":
        return 1900 + sum(TENS.get(w, 0) + ONES.get(w, 0) for w in words[1:])
    return 2000 + sum(ONES.get(w, 0) for w in words[2:])


def _month_year(m: re.Match[str], ctx: Context) -> Normalised:
    return Normalised("DATE", f"{year_number(m['year'])}-{month_of(m['month']):02d}")


def _season_year(m: re.Match[str], ctx: Context) -> Normalised:
    return Normalised("DATE", f"{year_number(m['year'])}-{SEASONS[m['season'].lower()]}")


def _month_alone(m: re.Match[str], ctx: Context) -> Normalised:
    month = month_of(m["month"])
    rel = (m["rel"] or "").lower().split()
    if ctx.anchor is None:
        return _date(f"XXXX-{month:02d}", ctx)
    a = ctx.anchor
    if "last" in rel or "past" in rel:
        year = a.year if month < a.month else a.year - 1
    elif "next" in rel or "coming" in rel:
        year = a.year if month > a.month else a.year + 1
    elif "this" in rel:
        year = a.year
    else:
        year = year_for(month, None, ctx)
    return _date(f"{year}-{month:02d}", ctx)


def _holiday(m: re.Match[str], ctx: Context) -> Normalised:
    """'Thanksgiving', 'last Christmas', 'Election Day': the holiday's date in the year the words or tense point to."""
    day_in = HOLIDAYS[re.sub(r"\s+", " ", m["holiday"].lower())]
    if m["year"]:
        return Normalised("DATE", day_in(int(m["year"])).isoformat())
    if ctx.anchor is None:
        return _date(None, ctx)
    a, rel = ctx.anchor, (m["rel"] or "").lower()
    if rel == "last" or (not rel and ctx.tense == PAST):
        # a holiday is named without its year even when it is months behind ("found on Thanksgiving Day")
        year = a.year if day_in(a.year) < a else a.year - 1
    elif rel == "next":
        year = a.year if day_in(a.year) > a else a.year + 1
    elif rel == "this":
        year = a.year
    else:
        this_year = day_in(a.year)
        year = year_for(this_year.month, this_year.day, ctx)
    return _date(day_in(year).isoformat(), ctx)


def _month_relative_year(m: re.Match[str], ctx: Context) -> Normalised:
    """'June last year', 'January of this year': the month in the year the words name."""
    if ctx.anchor is None:
        return _date(None, ctx)
    year = ctx.anchor.year + {"last": -1, "next": 1}.get(m["yrel"].lower(), 0)
    return _date(f"{year}-{month_of(m['month']):02d}", ctx)


def _year(m: re.Match[str], ctx: Context) -> Normalised:
    return Normalised("DATE", m["year"])


def _year_half(m: re.Match[str], ctx: Context) -> Normalised:
    return Normalised("DATE", f"{m['year']}-H{1 if m['half'].lower().startswith('first') else 2}")


def _spelled_year(m: re.Match[str], ctx: Context) -> Normalised:
    return Normalised("DATE", str(year_number(m["year"] or m["year2"])))


def _century(m: re.Match[str], ctx: Context) -> Normalised:
    nth = m["nth"] or m["bare"]
    n = number(nth) or int(re.sub(r"\D", "", nth) or 0)
    return Normalised("DATE", f"{int(n) - 1:02d}")


QUARTER_ORDINALS = {**ORDINALS, "final": 4}


def _quarter(m: re.Match[str], ctx: Context) -> Normalised | None:
    """'the third quarter', 'third-quarter', 'the 1988 quarter', 'the year-ago period', 'last quarter'."""
    which = re.sub(r"[\s-]+", " ", (m["which"] or m["hyphen"] or "").lower()).removeprefix("comparable ")
    year_ago = bool(m["ago"] or m["ago2"]) or (m["yrel"] or "").lower() == "last"
    if year_ago and not QUARTER_ORDINALS.get(which):
        which = "year ago"  # "the quarter a year ago", "the corresponding period last year", "last year's quarter"
    if not which and not (m["the"] or m["yrel"]):
        return None  # "a quarter of the vote"
    if m["noun"].lower() == "period" and not (which.startswith("year") or which == "latest" or m["pyear"]):
        return None
    named_year = m["qyear"] or m["pyear"] or (f"{m['yrel']} year" if m["yrel"] else "")
    year_text = "last year" if year_ago else named_year.lower()
    explicit_year = re.search(r"\d{4}", year_text)
    q = QUARTER_ORDINALS.get(which)
    if q is not None and explicit_year:
        return Normalised("DATE", f"{explicit_year.group()}-Q{q}")
    if ctx.anchor is None:
        return _date(f"XXXX-Q{q}" if q else None, ctx)
    y, current = ctx.anchor.year, quarter_of(ctx.anchor)
    if q is not None:
        y += -1 if "last year" in year_text else 1 if "next year" in year_text else 0
        if not year_text:
            y = _year_of_quarter(q, ctx)
        return _date(f"{y}-Q{q}", ctx)
    if which in ("current", "this"):
        return _date(f"{y}-Q{current}", ctx)
    # otherwise relative to the last quarter reported: "the quarter", "the latest quarter", "the 1988 period"
    step = {"next": 1, "coming": 1}.get(which, -5 if which.startswith("year") else -1)
    y, q = add_quarters(y, current, step)
    return _date(f"{explicit_year.group() if explicit_year else y}-Q{q}", ctx)


def _year_of_quarter(q: int, ctx: Context) -> int:
    """A quarter named without a year: the last such, or the next one if future, except that the
    quarter just ended is the one meant either way ("expects to report third-quarter results" in October)."""
    assert ctx.anchor is not None
    y, current = ctx.anchor.year, quarter_of(ctx.anchor)
    just_ended_year, just_ended = add_quarters(y, current, -1)
    if q == just_ended:
        return just_ended_year
    if ctx.tense == FUTURE:
        return y + 1 if q < current else y
    return y - 1 if q > current else y


def _months_span(m: re.Match[str], ctx: Context) -> Normalised:
    return Normalised("DURATION", duration(number(m["n"]), "M"))


def _relative_unit(m: re.Match[str], ctx: Context) -> Normalised:
    rel = re.sub(r"\s+", " ", m["rel"].lower())
    unit = m["unit"].lower()
    value = relative_unit(rel, unit, ctx)
    type_ = "TIME" if unit in PARTS_OF_DAY else "DATE"
    if ctx.anchor is None:
        return _date(None, ctx, type_=type_)
    return _date(value, ctx, type_=type_)


def _ago(m: re.Match[str], ctx: Context) -> Normalised:
    word = m["dir"].lower()
    sign = 1 if word in ("later", "hence", "from now", "after") else -1
    # "years ago" counts no units: a vague past (PAST_REF), unlike "a year ago"
    n = number(m["n"]) if m["n"] else None if m["unit"].lower().endswith("s") else 1
    return _date(shifted(ctx, n, unit_code(m["unit"]), sign), ctx)


def _year_ago(m: re.Match[str], ctx: Context) -> Normalised:
    return _date(shifted(ctx, 1, "Y", -1), ctx)


def _year_end(m: re.Match[str], ctx: Context) -> Normalised:
    """'year-end', 'the end of the year': the year itself (TIMEX3 marks the end with mod=END, not the value)."""
    if ctx.anchor is None:
        return _date(None, ctx)
    return _date(str(ctx.anchor.year - (ctx.tense == PAST)), ctx)


def _the_weekend(m: re.Match[str], ctx: Context) -> Normalised:
    """The weekend just past (this one on a Saturday or Sunday), or the coming one if future."""
    if ctx.anchor is None:
        return _date(None, ctx)
    weekday = ctx.anchor.isoweekday()
    if ctx.tense == FUTURE or weekday >= 6:
        return _date(iso_week(ctx.anchor) + "-WE", ctx)
    return _date(iso_week(ctx.anchor - timedelta(weeks=1)) + "-WE", ctx)


def _relative_unit_bare(m: re.Match[str], ctx: Context) -> Normalised:
    """'the summer': this year's, or the last one when it is still ahead."""
    if ctx.anchor is None:
        return _date(None, ctx)
    return _date(season_value(m["unit"], 0, ctx), ctx)


def _duration(m: re.Match[str], ctx: Context) -> Normalised | None:
    if m["n"] and m["unit"].lower().startswith("quarter") and "-" in m[0]:
        return None  # "three-quarters" is a fraction
    n = number(m["n"]) if m["n"] else 1
    if m["half"] and n is not None:
        n += 0.5  # "a minute and a half"
    return Normalised("DURATION", duration(n, unit_code(m["unit"])))


def _vague_duration(m: re.Match[str], ctx: Context) -> Normalised:
    """'several weeks', 'the past few years', 'the weeks ahead', 'a several-year tenure', 'decades-long': PXW,
    PXY, PXE; 'a day-long meeting' (one unit, singular) is P1D."""
    if adjective := m.groupdict().get("long"):
        return Normalised("DURATION", duration(None if adjective.lower().endswith("s") else 1, unit_code(adjective)))
    return Normalised("DURATION", duration(None, unit_code(m["unit"] or m["ahead"] or m["adjective"])))


def _relative_day(m: re.Match[str], ctx: Context) -> Normalised:
    word = m["relday"].lower()
    part = (m["part"] or m["part0"] or "").lower()
    if word == "tonight":
        word, part = "today", part or "night"
    if ctx.anchor is None:
        return _date(None, ctx, type_="TIME" if part else "DATE")
    offset = {"today": 0, "yesterday": -1, "tomorrow": 1}[word]
    d = ctx.anchor + timedelta(days=offset)
    if part:
        return _date(f"{d.isoformat()}T{PARTS_OF_DAY[part]}", ctx, type_="TIME")
    return _date(d.isoformat(), ctx)


def _last_night(m: re.Match[str], ctx: Context) -> Normalised:
    if ctx.anchor is None:
        return _date(None, ctx, type_="TIME")
    return _date(f"{(ctx.anchor - timedelta(days=1)).isoformat()}TNI", ctx, type_="TIME")


def _weekday(m: re.Match[str], ctx: Context) -> Normalised:
    weekday = WEEKDAYS[m["weekday"].lower()]
    rel = (m["rel"] or "").lower().split()[-1:]  # "the previous Friday" -> ["previous"]
    part = (m["part"] or "").lower()
    type_ = "TIME" if part else "DATE"
    if ctx.anchor is None:
        return _date(f"XXXX-WXX-{weekday}" + (f"T{PARTS_OF_DAY[part]}" if part else ""), ctx, type_=type_)
    if rel in (["last"], ["previous"]):
        d = weekday_date(weekday, Context(ctx.anchor - timedelta(days=1), PAST))
    elif rel in (["next"], ["coming"], ["following"]):
        d = weekday_date(weekday, ctx, FUTURE)
    elif rel == ["this"] and ctx.tense in (PRESENT, FUTURE):
        d = weekday_date(weekday, Context(ctx.anchor, FUTURE))  # "votes this Friday": the Friday ahead, or today
    else:
        d = weekday_date(weekday, ctx)
    return _date(d.isoformat() + (f"T{PARTS_OF_DAY[part]}" if part else ""), ctx, type_=type_)


def clock_value(text: str) -> str | None:
    """'5 p.m.' -> 'T17:00', 'noon' -> 'T12:00'."""
    t = text.lower()
    if t.startswith(("noon", "midday")):
        return "T12:00"
    if t.startswith("midnight"):
        return "T24:00"
    m = re.match(r"(\d{1,2})(?::(\d\d))?\s*(a\.m\.|p\.m\.|am|pm)?", t)
    if not m:
        return None
    hour, minute = int(m[1]), int(m[2] or 0)
    if m[3] and m[3].startswith("p") and hour < 12:
        hour += 12
    if m[3] and m[3].startswith("a") and hour == 12:
        hour = 0
    if hour > 24 or minute > 59:
        return None
    return f"T{hour:02d}:{minute:02d}"


# "Saturday, March 14": the month and day say it all; the weekday only repeats it.
_WEEKDAY_BEFORE_DATE = re.compile(rf"^{WEEKDAY},?\s+(?={MONTH})", re.I)


def _clock(m: re.Match[str], ctx: Context) -> Normalised | None:
    clock = clock_value(m["clock"])
    if clock is None:
        return None
    day = m["on"]
    if not day:
        if ctx.anchor is None:
            return _date("XXXX-XX-XX" + clock, ctx, type_="TIME")
        return _date(ctx.anchor.isoformat() + clock, ctx, type_="TIME")
    inner = normalise(_WEEKDAY_BEFORE_DATE.sub("", day), ctx.anchor, ctx.tense)
    if inner is None or inner.value is None or not re.fullmatch(r"[\dX]{4}-[\dX]{2}-[\dX]{2}|XXXX-WXX-\d", inner.value):
        return _date(None, ctx, type_="TIME")
    return Normalised("TIME", inner.value + clock, inner.anchored, inner.resolved)


def _ref(value: str) -> Handler:
    return lambda m, ctx: Normalised("DATE", value)


def _set(m: re.Match[str], ctx: Context) -> Normalised:
    word = m[0].lower()
    if m["setday"] or m["eachday"]:
        return Normalised("SET", f"XXXX-WXX-{WEEKDAYS[(m['setday'] or m['eachday']).lower().rstrip('s')]}")
    if m["eachmonth"]:
        return Normalised("SET", f"XXXX-{month_of(m['eachmonth']):02d}")
    adverb = {"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "yearly": "P1Y", "annually": "P1Y", "hourly": "PT1H",
              "nightly": "P1D", "quarterly": "P3M"}  # fmt: skip
    if word in adverb:
        return Normalised("SET", adverb[word])
    return Normalised("SET", duration(1, unit_code(m["sunit"])))


def _day_month(m: re.Match[str], ctx: Context) -> Normalised:
    """'Sept. 30' and '30 September', with or without a year."""
    g = m.groupdict()
    month = month_of(g.get("month") or g["month2"])
    day = int(re.sub(r"\D", "", g.get("day") or g["day2"]))
    if g.get("year"):
        return Normalised("DATE", f"{g['year']}-{month:02d}-{day:02d}")
    if ctx.anchor is None:
        return _date(f"XXXX-{month:02d}-{day:02d}", ctx)
    return _date(f"{year_for(month, day, ctx):04d}-{month:02d}-{day:02d}", ctx)


def _week_of(m: re.Match[str], ctx: Context) -> Normalised:
    """'the week of March 6': the ISO week that day falls in."""
    inner = normalise(m["date"], ctx.anchor, ctx.tense)
    day = period(inner.value) if inner is not None else None
    if inner is None or day is None or day.granularity != "day":
        return _date(None, ctx)
    return Normalised("DATE", iso_week(day.first), inner.anchored, inner.resolved)


def _decade_or_short(m: re.Match[str], ctx: Context) -> Normalised:
    if m["short"]:
        return Normalised("DATE", str(_short_decade(int(m["short"]), ctx.anchor))[:3], anchored=bool(ctx.anchor))
    return Normalised("DATE", m["decade"][:3])


def _short_decade(short: int, anchor: date | None) -> int:
    """The first year of "the '80s": the latest such decade that starts at most ten years after the anchor
    ("the '90s" written in 1989 is the coming decade, "the '80s" the current one, "the '20s" the 1920s)."""
    if anchor is None:
        return 1900 + short
    start = anchor.year // 100 * 100 + short
    return start if start <= anchor.year + 10 else start - 100


# Order matters: at each position the first rule that matches wins.
RULES: list[Rule] = [
    Rule("clock", rf"(?:(?:around|about|approximately)\s+)?(?P<clock>{CLOCK})"
         rf"(?:,?\s+(?:on\s+)?(?P<on>(?:{WEEKDAY},?\s+)?{MONTH}\s+{DAY}(?:,?\s+{YEAR})?|{WEEKDAY}|{RELDAY}))?", _clock),
    Rule("explicit_date", rf"(?:{WEEKDAY},?\s+)?(?:(?P<month>{MONTH})\s+(?P<day>{DAY}),?\s+|(?P<day2>{DAY})\s+(?:of\s+)?(?P<month2>{MONTH}),?\s+)(?P<year>{YEAR})", _day_month),
    Rule("iso_date", r"(?P<year>(?:19|20)\d\d)-(?P<mnum>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])(?!\d)", _numeric_date),
    Rule("us_date", r"(?<![\d/])(?P<mnum>1[0-2]|0?[1-9])/(?P<day>[12]\d|3[01]|0?[1-9])/(?P<year>(?:19|20)\d\d|\d\d)(?![\d/])", _numeric_date),
    Rule("holiday", rf"(?:(?P<rel>last|next|this)\s+)?(?P<holiday>{HOLIDAY})(?:,?\s+(?P<year>{YEAR}))?", _holiday),
    Rule("week_of", rf"the\s+week\s+of\s+(?P<date>{MONTH}\s+{DAY}(?:,?\s+{YEAR})?)", _week_of),
    Rule("month_day", rf"(?:{EDGE}|{WEEKDAY},?\s+)?(?:(?P<month>{MONTH})\s+(?P<day>{DAY})|(?P<day2>{DAY})\s+(?:of\s+)?(?P<month2>{MONTH}))", _day_month),
    Rule("weekday_part", rf"(?:(?P<rel>last|next|this|coming|early|late|earlier|later|the\s+previous|the\s+following)\s+)?(?P<weekday>{WEEKDAY})(?:\s+(?P<part>{PART}))?", _weekday),
    Rule("season_year", rf"(?:{EDGE})?(?:the\s+)?(?P<season>{SEASON})\s+(?:of\s+)?(?P<year>{YEAR}|{SPELLED_YEAR})", _season_year),
    Rule("month_year", rf"(?:{EDGE})?(?P<month>{MONTH}),?\s+(?:of\s+)?(?P<year>{YEAR}|{SPELLED_YEAR})", _month_year),
    Rule("month_relative_year", rf"(?:{EDGE})?(?P<month>{MONTH})\s+(?:of\s+)?(?P<yrel>this|last|next)\s+year", _month_relative_year),
    Rule("year_half", rf"(?:the\s+)?(?P<half>first|second|last)[\s-]half\s+(?:of\s+)?(?P<year>{YEAR})", _year_half),
    Rule("quarter", rf"(?P<the>the\s+)?(?:(?P<yrel>this|last|next)\s+year's\s+|(?P<pyear>{YEAR})(?:'s)?\s+)?(?:fiscal[\s-]+)?(?:(?P<ago2>(?:comparable\s+)?year[\s-](?:ago|earlier))\s+(?=(?:fiscal[\s-]+)?(?:first|second|third|fourth|1st|2nd|3rd|4th)))?(?:(?P<which>first|second|third|fourth|1st|2nd|3rd|4th|final|last|latest|current|previous|this|next|coming|recent|(?:comparable\s+)?year[\s-]earlier|(?:comparable\s+)?year[\s-]ago|same|corresponding)\s+)?(?:fiscal[\s-]+)?(?:(?P<hyphen>first|second|third|fourth)-)?(?P<noun>quarter|period)(?!s|-to-)(?P<qyear>\s+of\s+(?:fiscal\s+)?(?:{YEAR}|this\s+year|last\s+year|next\s+year)|\s+(?P<ago>a\s+year\s+(?:ago|earlier)|last\s+year))?", _quarter),
    Rule("months_span", rf"the\s+(?:(?:first|latest|past|last|year-earlier|same)\s+)?(?P<n>nine|six|three|9|6|3)\s+months", _months_span),
    Rule("decade", rf"(?:{EDGE})?(?:the\s+)?(?:(?:early|mid|late)[\s-]+)?(?:(?P<decade>(?:1[5-9]|20)\d0)'?s|'(?P<short>\d0)s)", _decade_or_short),
    Rule("spelled_year", rf"(?:the\s+year\s+)?(?P<year>{NINETEEN_YEAR})|the\s+year\s+(?P<year2>{TWO_THOUSAND_YEAR})", _spelled_year),
    Rule("spelled_decade", rf"the\s+(?:(?:early|late)\s+|mid-?)?(?P<decade>{_alt(TENS_DECADES)})", lambda m, ctx: Normalised("DATE", "19" + str(TENS[TENS_DECADES[m["decade"].lower()]] // 10))),
    Rule("century", r"(?-i:(?P<bare>\d{1,2}(?:st|nd|rd|th))[\s-]+century)|the\s+(?P<nth>\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth)[\s-]+century", _century),
    Rule("year", rf"(?:{EDGE})?(?:(?:fiscal|calendar)\s+)?(?<![$\d.,])(?P<year>{YEAR})", _year),
    Rule("month", rf"(?:(?P<rel>{EDGE}|(?:this|last|next|past|coming)\s+))?(?P<month>{MONTH})(?!\s*\d)", _month_alone),
    Rule("last_night", r"last\s+night|overnight", _last_night),
    Rule("relative_day", rf"(?:(?:earlier|later)\s+|(?:early|late|mid-?)\s*)?(?:(?P<part0>{PART})\s+)?(?P<relday>{RELDAY})(?:\s+(?P<part>{PART}))?", _relative_day),
    Rule("someday", rf"{_after(MODALS)}one\s+day", _ref("FUTURE_REF")),
    Rule("ago", rf"(?:{APPROX}\s+)?(?:(?P<n>{QUANTITY})[\s-]+)?(?P<unit>{UNIT})\s+(?:or\s+so\s+)?(?P<dir>ago|earlier|later|hence|from\s+now)", _ago),
    Rule("year_ago", r"year[\s-](?:earlier|ago)", _year_ago),
    Rule("year_end", r"year[\s-]end|year's\s+end|the\s+end\s+of\s+the\s+year", _year_end),
    Rule("the_weekend", r"the\s+weekend", _the_weekend),
    Rule("the_season", rf"the\s+(?:(?:early|late)\s+)?(?P<unit>{SEASON})", _relative_unit_bare),
    Rule("the_year", r"the\s+(?:(?:full|whole|entire|calendar|fiscal)\s+)?year(?![-']|\s+(?:\d|ago|earlier|before|after|later|old))", lambda m, ctx: _date(str(ctx.anchor.year) if ctx.anchor else None, ctx)),
    Rule("edge_relative", rf"(?:{EDGE}|(?:earlier|later)\s+)(?P<rel>this|last|next)\s+(?P<unit>year|month|week|decade|century)", _relative_unit),
    Rule("relative_unit", rf"(?P<rel>{REL})\s+(?:fiscal\s+(?=year))?(?P<unit>week(?:end)?|month|year|decade|century|{SEASON}|{PART})(?![\s-]+(?:old|long))", _relative_unit),
    Rule("reference_day", rf"(?P<rel>{REFERENCE_REL})\s+(?P<unit>day)(?![\s-]+(?:old|long))", _relative_unit),
    Rule("plural_units", rf"{_after(('for', 'within', 'in', 'over', 'after'))}(?P<unit>(?:second|minute|hour|day|week|month|year|decade)s|centuries)(?!\s+(?:old|ago|earlier|later))", _vague_duration),
    Rule("duration", rf"(?:{APPROX}\s+)?(?:the\s+(?:(?:past|last|next|first|previous|following|coming|final|remaining|latest)\s+)?)?(?P<n>{NUMBER})[\s-]+(?:more\s+|additional\s+|full\s+|straight\s+|consecutive\s+|trading\s+|business\s+|calendar\s+)?(?P<unit>{UNIT})(?P<half>\s+and\s+a\s+half)?(?![\s-]+old|-\w)", _duration),
    Rule("vague_duration", rf"(?:{_alt(VAGUE_QUANTITIES)}|the\s+(?:past|last|next|coming)\s+(?:few\s+|several\s+)?)\s*(?P<unit>(?:minute|hour|day|week|month|quarter|year|decade)s|centuries)"
         rf"|the\s+(?P<ahead>(?:day|week|month|year)s)\s+ahead|(?:several|few|many)-(?P<adjective>day|week|month|year)"
         rf"|(?P<long>(?:hour|day|week|month|year|decade)s?)-long", _vague_duration),
    Rule("set", rf"(?P<setday>(?-i:Mondays|Tuesdays|Wednesdays|Thursdays|Fridays|Saturdays|Sundays))|(?:every|each)\s+(?:(?P<eachday>{WEEKDAY})|(?P<eachmonth>{MONTH}))|(?:every|each|per)\s+(?P<sunit>{UNIT_SG})|daily|weekly|monthly|yearly|annually|hourly|nightly", _set),
    Rule("present", r"(?:right\s+)?now|currently|current|at\s+present|presently|nowadays|these\s+days|at\s+this\s+time", _ref("PRESENT_REF")),
    Rule("past", r"recently|recent|then[\s-]current|the\s+past|formerly|lately", _ref("PAST_REF")),
    Rule("future", r"(?:as\s+)?soon\s+as\s+possible|soon|the\s+(?:near\s+|distant\s+)?future|shortly|someday|the\s+(?:near|short)\s+term|an?\s+later\s+date", _ref("FUTURE_REF")),
]  # fmt: skip


RULES = [Rule(r.name, r.pattern, r.handle, re.compile(r.pattern, re.I)) for r in RULES]

_GROUP_NAME = re.compile(r"\(\?P<\w+>")
# Word boundaries on both sides, so 'now' in 'known' or '1990' in '19901' never match.
COMBINED = re.compile(
    r"(?<![\w'])(?:" + "|".join(f"(?P<r{i}>{_GROUP_NAME.sub('(?:', r.pattern)})" for i, r in enumerate(RULES)) + r")(?!\w)",
    re.I,
)
# Bare "May" is the modal verb unless a preposition or modifier shows it is the month.
_MAY_MONTH_BEFORE = re.compile(r"(?:\b(?:in|since|until|till|by|of|through|from|to|during|before|after|early|late|last|next|this|mid-))\s*$", re.I)
_BARE_AMBIGUOUS = {"may", "march"}
# A month abbreviation that is also a first name: without its period and before a capitalised word, the name.
_NAME_MONTHS = {"Jan"}
_CAPITALISED_WORD = re.compile(r" (?!(?:of|in)\b)[A-Z][a-z]")
# "$2 million a year", "700 seats a week", "20% annually": a rate, not a time of the story.
_RATE = re.compile(r"(?:an?|per)\s+\w+|annually|yearly", re.I)
_AMOUNT_BEFORE = re.compile(
    rf"(?:\d|\b(?:hundred|thousand|million|billion|trillion|percent|cents?|{_NUMWORD})\b)[%\w]*(?:\s+[a-z]+s)?\s+$", re.I
)
# "soon after the vote", "shortly before the blast", "as soon as trading opened": a conjunction, not "soon" the time.
_SOON_CONJUNCTION = re.compile(r"\s+(?:after|before|as)\b", re.I)


# "a quarter of the market", "three quarters of the vote": a fraction ("the first two quarters of 1990" is not).
_FRACTION_OF = re.compile(r"\s+of\b", re.I)
# "a second group", "a second time": the ordinal; "for a second, then", "a second or two" are the unit.
_ORDINAL_SECOND = re.compile(
    r"\s+(?!(?:of|or|and|to|in|on|at|for|before|after|longer|later|earlier|ago|too|more|less|was|is)\b)[a-z]"
)
_ONE_SECOND = re.compile(r"(?:an?|one)\s+second", re.I)


def _not_a_time_expression(text: str, start: int, m: re.Match[str], rule: Rule) -> bool:
    """Matches that the words around them show are no time expression (checked on the full text)."""
    word = m.group().lower()
    if " " in word and m.group().istitle() and text[max(0, start - 1) : start] in ('"', "\u201c"):
        return True  # a quoted title: ABC's "This Week"
    if rule.name == "duration":
        if word.endswith(("quarter", "quarters")) and "the " not in word and _FRACTION_OF.match(text, m.end()):
            return True
        if _ONE_SECOND.fullmatch(word) and _ORDINAL_SECOND.match(text, m.end()):
            return True
    if rule.name == "month" and m.group() in _NAME_MONTHS and _CAPITALISED_WORD.match(text, m.end()):
        return True  # "Jan Kavan", "June Carter": a first name
    if word in _BARE_AMBIGUOUS:
        return not _MAY_MONTH_BEFORE.search(text, max(0, start - 12), start)
    if word in ("soon", "shortly"):
        return bool(_SOON_CONJUNCTION.match(text, m.end()) or text[max(0, start - 3) : start].lower() == "as ")
    return bool(_RATE.fullmatch(m.group()) and _AMOUNT_BEFORE.search(text, max(0, start - 30), start))


# Every rule's match contains one of these words (or a word starting with a digit), so
# the full regex is only tried just before such a word: a cheap word loop, then a
# few anchored matches per trigger, instead of the big alternation at every position.
TRIGGERS = frozenset(
    [*MONTHS, *WEEKDAYS, *(d + "s" for d in WEEKDAYS), *SEASONS, *PARTS_OF_DAY, *TENS_DECADES]
    + [u + suffix for u in UNITS for suffix in ("", "s")]
    + "centuries weekend weekends today yesterday tomorrow tonight noon midnight period nineteen thousand "
    "daily weekly monthly yearly annually hourly nightly quarterly now currently current present presently "
    "nowadays days time recently recent past formerly lately soon future shortly someday term date midday thanksgiving "
    "christmas halloween".split()
)
# Words an expression can begin with besides the triggers ("the past two years", "about a week").
STARTERS = TRIGGERS | frozenset(SMALL_NUMBERS) | frozenset(ORDINALS) | frozenset(
    "the a an about around approximately nearly almost roughly more less fewer at up no some this these last next "
    "coming previous same earlier later early late mid that following every each per right fiscal calendar few "
    "several many couple dozen half final latest comparable as then new valentine memorial independence labor "
    "election veterans".split()
)
LOOKBACK_WORDS = 6  # an expression starts at most this many words before its trigger ("no more than sixty days")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    rule: Rule


def scan(text: str) -> Iterator[Match]:
    """Candidate time expressions in ``text``, left to right, without overlaps; linear in its length."""
    starts: list[tuple[int, bool]] = []  # the last LOOKBACK_WORDS + 1 word starts, and whether one may begin there
    covered = 0  # end of the last match
    for word in _WORD.finditer(text):
        w = word.group().lower()
        digit = w[0].isdigit()
        starts.append((word.start(), digit or w in STARTERS))
        if len(starts) > LOOKBACK_WORDS + 1:
            del starts[0]
        if word.start() < covered or not (digit or w in TRIGGERS):
            continue
        for start, can_start in starts:
            if start < covered or not can_start:
                continue
            m = COMBINED.match(text, start)
            if m is None or m.end() <= word.start():
                continue
            rule = RULES[int(m.lastgroup[1:])]  # type: ignore[index]
            if _not_a_time_expression(text, start, m, rule):
                continue
            covered = m.end()
            yield Match(start, m.end(), rule)
            break


def apply(
    rule: Rule, text: str, anchor: date | None, tense: str | None, start: int = 0, end: int | None = None
) -> Normalised | None:
    """The rule's value for text[start:end]; the words before ``start`` stay visible to look-behinds."""
    m = rule.regex.fullmatch(text, start, len(text) if end is None else end)
    if m is None:
        return None
    try:
        return rule.handle(m, Context(anchor, tense))
    except (ValueError, KeyError, OverflowError):  # e.g. Feb. 30, an out-of-range year shift
        return None


# Anaphoric expressions: they count from the reference time (the date the text last mentioned), not from the
# publication date (TimeML practice): "two days earlier", "the next day", "the following year", "that week".
# Deictic ones ("two days ago", "yesterday", "last year", "next week") keep the publication date.
_ANAPHORIC = re.compile(r"\b(?:earlier|later|following|previous|same|that|next\s+day)\b", re.I)
# Per rule, the words that make its expression anaphoric ("the previous Friday"; "earlier Sunday" is deictic).
REFERENCE_RULES = {
    "ago": _ANAPHORIC,
    "relative_unit": _ANAPHORIC,
    "reference_day": _ANAPHORIC,
    "weekday_part": re.compile(r"the\s+(?:previous|following)\b", re.I),
}


# Expressions that name a day, month, quarter or year ("March 14", "Saturday", "yesterday", "in 1995") set the
# reference time; shifts ("a year ago", "two days earlier") do not, so that they never chain.
NAMING_RULES = frozenset({"explicit_date", "iso_date", "us_date", "weekday_part", "month_day", "month_year", "year",
                          "month", "quarter", "relative_day"})  # fmt: skip


def sets_reference(rule: Rule, expression: str) -> bool:
    """Whether the expression names a date and so becomes the reference time ("7 p.m." alone does not)."""
    if rule.name == "clock":
        m = rule.regex.fullmatch(expression)
        return m is not None and m["on"] is not None
    return rule.name in NAMING_RULES


def counts_from_reference(rule: Rule, expression: str) -> bool:
    """Whether ``expression``, matched by ``rule``, is anaphoric: relative to the reference time."""
    anaphoric = REFERENCE_RULES.get(rule.name)
    return anaphoric is not None and bool(anaphoric.search(expression))


def normalise(expression: str, anchor: date | None, tense: str | None = None) -> Normalised | None:
    """The TIMEX3 type and value of one time expression, relative to ``anchor``.

    ``tense`` (PAST, PRESENT, FUTURE or None) decides which way a bare 'April' or
    'Monday' points. Without an anchor, relative expressions come back with
    ``resolved=False`` and an X-pattern value or None. None when no rule fits.
    """
    expression = expression.strip()
    for rule in RULES:
        result = apply(rule, expression, anchor, tense)
        if result is not None:
            return result
    return None
