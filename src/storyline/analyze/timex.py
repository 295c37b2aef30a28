"""Time expressions normalised to TIMEX3 values against the publication date.

Recognition and normalisation are the rules in ``timex_rules`` (one regex pass
over the text); spaCy's parse only supplies the tense of the clause, so that
"will open in April" points forward and "opened in April" back. Anaphoric
expressions ("two days earlier", "the next day") count from the reference time,
the date the text named last before them (see ``find_timexes``).
``normalise`` is re-exported for callers that hold an expression and an anchor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from spacy.tokens import Doc, Token

from storyline.analyze.timex_rules import (
    FUTURE,
    PAST,
    PRESENT,
    Normalised,
    Rule,
    apply,
    counts_from_reference,
    normalise,
    scan,
    sets_reference,
)
from storyline.model import Timex

__all__ = ["find_timexes", "normalise", "Normalised", "clause_tense", "PAST", "PRESENT", "FUTURE"]

FUTURE_AUX = {"will", "'ll", "ll", "wo", "shall"}
# "is expected to open in April", "plans to open in April", "is going to open in April".
FUTURE_GOVERNORS = {"go", "expect", "plan", "schedule", "intend", "aim", "due", "set", "hope", "prepare", "agree"}
# "is scheduled for Dec. 10", "is expected in January".
SCHEDULING_VERBS = {"schedule", "expect", "plan", "due", "slate"}
PAST_TAGS = {"VBD", "VBN"}
PRESENT_TAGS = {"VBZ", "VBP", "VBG"}
MAX_CLIMB = 6  # head links followed from the expression to its verb
_YEAR_SHIFT = re.compile(r"(?:a|one)\s+year[\s-](?:ago|earlier|before)|year[\s-](?:earlier|ago)", re.I)
_QUARTER_VALUE = re.compile(r"(\d{4})-Q([1-4])")
_ENDED = re.compile(r"\s+end(?:ed|ing)\b", re.I)  # "the year ended Sept. 30" is a twelve-month period
_UNTIL = re.compile(r"\b(?:until|till|through)\s+$", re.I)  # the end of a span that may lie ahead
REFERENCE_WINDOW = 400  # characters back to look for the quarter a "year earlier" refers to


@dataclass(frozen=True, slots=True)
class Reference:
    """The reference time: the date the text mentioned last, as its first day and granularity."""

    day: date
    granularity: int  # YEAR, MONTH or DAY
    anchored: bool  # the mention was itself resolved against the publication date


YEAR, MONTH, DAY = 1, 2, 3  # granularities, coarse to fine
_CALENDAR_VALUE = re.compile(r"(\d{4})(?:-(?:(\d\d)(?:-(\d\d))?|Q([1-4])))?(?=T|$)")
_GRANULARITY = [
    (re.compile(r"\d{4}-(?:\d\d-\d\d|W\d\d)"), DAY),
    (re.compile(r"\d{4}-(?:\d\d|Q\d|H\d|SP|SU|FA|WI)"), MONTH),
    (re.compile(r"\d{4}"), YEAR),
]


def find_timexes(doc: Doc, published: datetime | None) -> list[Timex]:
    """The time expressions in ``doc`` with TIMEX3 values.

    Deictic expressions ("two days ago", "yesterday", "last year") count from
    ``published``; anaphoric ones ("two days earlier", "the next day", "the
    following year", "that week") from the reference time, the date the text
    mentioned last before them, when there is one fine enough for them.
    """
    anchor = published.date() if published is not None else None
    text = doc.text
    found: list[Timex] = []
    reference: Reference | None = None
    for match in scan(text):
        expression = text[match.start : match.end]
        result = resolve(match.rule, expression, anchor, reference, _tense_at(doc, text, match.start, match.end))
        if result is None:
            continue
        value = _year_shift_of_quarter(expression, result.value, found, match.start)
        if match.rule.name == "the_year" and _ENDED.match(text, match.end):
            result, value = replace(result, type="DURATION", anchored=False, resolved=True), "P1Y"
        found.append(
            Timex(expression, match.start, match.end, result.type, value, result.anchored, result.resolved)
        )
        if sets_reference(match.rule, expression):
            reference = reference_of(result) or reference
    return found


def resolve(
    rule: Rule, expression: str, anchor: date | None, reference: Reference | None, tense: str | None
) -> Normalised | None:
    """One expression's value: from the reference time when it is anaphoric and the reference is at
    least as fine as the value ("two days earlier" needs a day), else from the publication date."""
    if reference is not None and counts_from_reference(rule, expression):
        result = apply(rule, expression, reference.day, tense)
        if result is not None and result.value and granularity(result.value) <= reference.granularity:
            return replace(result, anchored=result.anchored and reference.anchored)
    return apply(rule, expression, anchor, tense)


def granularity(value: str) -> int:
    """DAY, MONTH or YEAR for a calendar value (weeks count as days); above DAY for anything else."""
    return next((g for pattern, g in _GRANULARITY if pattern.match(value)), DAY + 1)


def reference_of(result: Normalised) -> Reference | None:
    """The reference time a resolved date or time sets: "March 14" -> that day, "in 1995" -> that year."""
    m = _CALENDAR_VALUE.match(result.value or "") if result.type in ("DATE", "TIME") and result.resolved else None
    if m is None:
        return None
    month = int(m[2]) if m[2] else 3 * int(m[4]) - 2 if m[4] else 1
    day = date(int(m[1]), month, int(m[3] or 1))
    return Reference(day, DAY if m[3] else MONTH if m[2] or m[4] else YEAR, result.anchored)


def _year_shift_of_quarter(expression: str, value: str | None, before: list[Timex], start: int) -> str | None:
    """'a year earlier' shortly after a quarter means that quarter a year before (results news)."""
    if value is None or not _YEAR_SHIFT.fullmatch(expression):
        return value
    for previous in reversed(before):
        if start - previous.end > REFERENCE_WINDOW:
            break
        quarter = _QUARTER_VALUE.fullmatch(previous.value or "")
        if quarter is not None and int(quarter[1]) == int(value[:4]) + 1:
            return f"{int(quarter[1]) - 1}-Q{quarter[2]}"
    return value


def _tense_at(doc: Doc, text: str, start: int, end: int) -> str | None:
    """The clause's tense, except that a past verb says nothing of the end of a span ("extended the
    loans through January", "gave it until mid-November"): then the tense is left unknown."""
    tense = clause_tense(doc, start, end)
    if tense == PAST and _UNTIL.search(text, max(0, start - 8), start):
        return None
    return tense


def clause_tense(doc: Doc, start: int, end: int) -> str | None:
    """PAST, PRESENT or FUTURE from the verb governing the characters start..end; None if unknown."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    verb = _governing_verb(span.root)
    if verb is None:
        return None
    # "to open", "may open", "to be paid": a bare verb, or a participle after a bare auxiliary
    bare = verb.tag_ == "VB" or (
        verb.tag_ == "VBN" and any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VB" for c in verb.children)
    )
    if bare and _under_past_verb(verb):
        return PAST
    if _is_future(verb):
        return FUTURE
    if bare:
        # a bare verb: "did not open" looks back; "to open", "may open", "could open" look ahead
        do = next((c for c in verb.children if c.dep_ == "aux" and c.lemma_ == "do"), None)
        return PAST if do is not None and do.tag_ == "VBD" else PRESENT if do is not None else FUTURE
    if verb.tag_ == "VBN" and verb.lemma_ in SCHEDULING_VERBS:
        return FUTURE
    if verb.tag_ in PAST_TAGS:
        return PAST
    if verb.tag_ in PRESENT_TAGS:
        return PRESENT
    return None


def _governing_verb(token: Token) -> Token | None:
    for _ in range(MAX_CLIMB):
        if token.pos_ in ("VERB", "AUX"):
            return token
        if token.head is token:
            return None
        token = token.head
    return None


def _under_past_verb(verb: Token) -> bool:
    """'had been due to expire', 'extended their offers to acquire': an infinitive whose governing verb
    is in the simple past (not a verb of planning: "planned to open") or the past perfect."""
    if not any(c.dep_ == "aux" and c.tag_ == "TO" for c in verb.children) or verb.head is verb:
        return False
    governor = verb.head
    if governor.pos_ == "ADJ" and governor.head is not governor:
        governor = governor.head  # "due to expire": the adjective's verb
    auxiliaries = [c.lower_ for c in governor.children if c.dep_ in ("aux", "auxpass")]
    if "had" in auxiliaries:
        return True
    return governor.tag_ == "VBD" and not auxiliaries and governor.lemma_ not in FUTURE_GOVERNORS


def _is_future(verb: Token) -> bool:
    """'will open', "'ll open", 'is expected to open', 'will try to open' (a few 'to' links up)."""
    for _ in range(MAX_CLIMB):
        auxiliaries = [c.lower_ for c in verb.children if c.dep_ == "aux"]
        if any(a in FUTURE_AUX for a in auxiliaries):
            return True
        if "to" not in auxiliaries or verb.head is verb:
            return False
        verb = verb.head
        if verb.lemma_ in FUTURE_GOVERNORS:
            return True
    return False
