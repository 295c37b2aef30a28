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
    NEAREST,
    PAST,
    PRESENT,
    RELDAY,
    WEEKDAY,
    Match,
    Normalised,
    apply,
    counts_from_reference,
    normalise,
    scan,
    sets_reference,
)
from storyline.analyze.nlp import doc_text
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
_EFFECTIVE = re.compile(r"\beffective\s+$", re.I)  # "effective Feb. 1": the day a change takes effect
# "at 10:35 a.m. (0735 GMT) Friday": the day after a clock's parenthesised other zone is the clock's day.
_DAY_AFTER_PARENTHESIS = re.compile(rf"\s*\([^()\n]{{1,24}}\),?\s+(?:on\s+)?(?P<day>{WEEKDAY}|{RELDAY})\b", re.I)
_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_WEEKDAY_ALONE = re.compile(r"(?:on\s+)?(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)")
_WEEKDAY_FIRST = re.compile(r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
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
    text = doc_text(doc)
    found: list[Timex] = []
    reference: Reference | None = None
    for match in scan(text):
        expression = text[match.start : match.end]
        tense = _tense_at(doc, text, match.start, match.end)
        result = resolve(match, text, anchor, reference, tense)
        if result is None:
            continue
        result = _clock_dated_after(match, text, result, anchor, tense)
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
    match: Match, text: str, anchor: date | None, reference: Reference | None, tense: str | None
) -> Normalised | None:
    """One expression's value: from the reference time when it is anaphoric and the reference is at
    least as fine as the value ("two days earlier" needs a day), else from the publication date."""
    rule, start, end = match.rule, match.start, match.end
    if reference is not None and counts_from_reference(rule, text[start:end]):
        result = apply(rule, text, reference.day, tense, start, end)
        if result is not None and result.value and granularity(result.value) <= reference.granularity:
            return replace(result, anchored=result.anchored and reference.anchored)
    return apply(rule, text, anchor, tense, start, end)


def _clock_dated_after(match: Match, text: str, result: Normalised, anchor: date | None, tense: str | None) -> Normalised:
    """A clock without a day of its own that a parenthesis and a day follow ("10:35 a.m. (0735 GMT) Friday")
    is at that day; the day stays an expression of its own."""
    if match.rule.name != "clock" or not result.value or "T" not in result.value:
        return result
    after = _DAY_AFTER_PARENTHESIS.match(text, match.end)
    if after is None or match.rule.regex.fullmatch(text, match.start, match.end)["on"] is not None:
        return result
    day = normalise(after["day"], anchor, tense)
    if day is None or not day.value or not _ISO_DAY.match(day.value):
        return result
    clock = result.value[result.value.index("T") :]
    return replace(result, value=day.value[:10] + clock, anchored=day.anchored, resolved=day.resolved)


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
    """The clause's tense, with exceptions. The day a change takes effect lies ahead ("a new office,
    effective Feb. 1"), and so does a weekday on a verb in the simple present. A past verb says nothing of the end of a span ("extended the loans through
    January", "gave them until 9 a.m. Tuesday"): a weekday there is the nearest one. Nor does the verb
    date an expression that dates a noun (see ``_dates_a_noun``): then the tense is left unknown, unless
    a weekday under a future verb ("will hold a Saturday opening")."""
    if _EFFECTIVE.search(text, max(0, start - 12), start):
        return FUTURE
    tense = clause_tense(doc, start, end)
    if tense == PRESENT and _WEEKDAY_ALONE.fullmatch(text, start, end) and _simple_present(doc, start, end):
        return FUTURE  # "the council meets Tuesday", "on Tuesday, the league holds a rally": a schedule
    if tense in (PAST, None) and _UNTIL.search(text, max(0, start - 8), start):
        return NEAREST
    if tense is not None and _dates_a_noun(doc, start, end, tense):
        # "will hold a Saturday evening opening": a weekday within the week ahead is the coming one
        return FUTURE if tense == FUTURE and _WEEKDAY_FIRST.match(text, start) else None
    return tense


def _simple_present(doc: Doc, start: int, end: int) -> bool:
    """The expression hangs on a verb in the simple present ('meets', 'plans to hold'), not on a participle
    ('closing unchanged Friday') and not as a possessive ('Friday's ruling')."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0 or any(t.dep_ == "case" or t.tag_ == "POS" for t in span.root.children):
        return False
    verb = _governing_verb(span.root)
    return verb is not None and verb.tag_ in ("VBZ", "VBP") and verb.lemma_ != "be"


def _dates_a_noun(doc: Doc, start: int, end: int, tense: str) -> bool:
    """'a June agreement', 'November transactions' (in any clause), 'a cutback in September' (in a past one):
    the expression dates a noun, not the verb of the clause, which then says nothing of whether it lies
    behind or ahead ("is continuing to try to sell itself under a June agreement")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    root = span.root
    if root.dep_ == "compound":
        return root.head.pos_ in ("NOUN", "PROPN")
    return tense == PAST and root.dep_ == "pobj" and root.head.dep_ == "prep" and root.head.head.pos_ == "NOUN"


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
    if verb.tag_ == "VBN" and any(c.lower_ == "have" and c.tag_ == "VB" for c in verb.children):
        return PAST  # "may have been", "could have opened", "to have paid": a modal or infinitive perfect
    if bare:
        # a bare verb: "did not open" looks back; "to open", "may open", "could open" look ahead
        if _could_not(verb):
            return PAST  # "could not be reached Friday", "neither could be located Wednesday": past inability
        do = next((c for c in verb.children if c.dep_ == "aux" and c.lemma_ == "do"), None)
        return PAST if do is not None and do.tag_ == "VBD" else PRESENT if do is not None else FUTURE
    if verb.tag_ == "VBN" and verb.lemma_ in SCHEDULING_VERBS:
        return FUTURE
    if verb.tag_ == "VBN" and _present_passive(verb):
        return PRESENT
    if verb.tag_ in PAST_TAGS:
        return PAST
    if verb.tag_ in PRESENT_TAGS:
        return PRESENT
    return None


def _could_not(verb: Token) -> bool:
    """'could not', "couldn't", 'neither he nor she could', 'nobody could': negated 'could' is the past of 'can'."""
    if not any(c.dep_ == "aux" and c.lower_ == "could" for c in verb.children):
        return False
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    return any(c.dep_ == "neg" for c in verb.children) or any(
        t.lower_ in ("neither", "nobody", "none") for s in subjects for t in s.subtree
    )


def _present_passive(verb: Token) -> bool:
    """'when the case is heard in May': a participle whose passive auxiliary is in the present (not 'has been')."""
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    return any(c.dep_ == "auxpass" and c.tag_ in ("VBZ", "VBP") for c in auxiliaries) and not any(
        c.lemma_ == "have" for c in auxiliaries
    )


def _governing_verb(token: Token) -> Token | None:
    for _ in range(MAX_CLIMB):
        if token.pos_ in ("VERB", "AUX") and not _is_gerund(token):
            return token
        if token.head is token:
            return None
        token = token.head
    return None


def _is_gerund(token: Token) -> bool:
    """'in planning for the summit': a verb used as a noun, which has no tense of its own."""
    return token.tag_ == "VBG" and token.dep_ in ("pobj", "pcomp", "nsubj", "dobj") and not any(
        c.dep_ == "aux" for c in token.children
    )


def _under_past_verb(verb: Token) -> bool:
    """'had been due to expire', 'extended their offers to acquire': an infinitive whose governing verb
    is in the simple past (not a verb of planning: "planned to open"), the past perfect or under "did"."""
    if not any(c.dep_ == "aux" and c.tag_ == "TO" for c in verb.children) or verb.head is verb:
        return False
    governor = verb.head
    if governor.pos_ == "ADJ" and governor.head is not governor:
        governor = governor.head  # "due to expire": the adjective's verb
    auxiliaries = [c.lower_ for c in governor.children if c.dep_ in ("aux", "auxpass")]
    if "had" in auxiliaries or "did" in auxiliaries:
        return True  # "had been due to expire", "did not wait for the rain to stop"
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
