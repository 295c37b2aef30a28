"""Light person coreference: the gender the article gives each person, for resolving pronouns.

A person's gender comes from a title ("Ms. Ruiz") or, failing that, from the
pronouns the article uses right after naming them: in "Ruiz said she would
run", "she" follows Ruiz as the subject of the same sentence. The votes of all
mentions decide; a tie leaves the gender unknown.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable

from spacy.tokens import Doc

from storyline.analyze.entities import title_gender
from storyline.model import Entity

MALE_PRONOUNS = frozenset("he him his himself".split())
FEMALE_PRONOUNS = frozenset("she her hers herself".split())
# How far (in tokens) after a person's name a pronoun is read as theirs.
GENDER_WINDOW = 12
SUBJECT_DEPS = frozenset("nsubj nsubjpass".split())


def pronoun_gender(word: str) -> str | None:
    word = word.lower()
    if word in MALE_PRONOUNS:
        return "m"
    if word in FEMALE_PRONOUNS:
        return "f"
    return None


def person_genders(doc: Doc, entities: list[Entity], in_quote: Callable[[int], bool]) -> dict[str, str]:
    """'m' or 'f' for each person's canonical name the article makes plain."""
    titled: dict[str, str] = {}
    votes: dict[str, Counter] = {}
    starts = {t.idx: t.i for t in doc}
    text = doc.text  # Doc.text rebuilds the string on every access
    for e in entities:
        if e.label != "PERSON":
            continue
        gender = title_gender(e.text, text[max(0, e.start - 8) : e.start])
        if gender:
            titled.setdefault(e.canonical, gender)
        if in_quote(e.start) or e.start not in starts:
            continue
        vote = _pronoun_after(doc, starts[e.start], e.end, in_quote)
        if vote:
            votes.setdefault(e.canonical, Counter())[vote] += 1
    genders = {}
    for name, count in votes.items():
        (top, n), *rest = count.most_common()
        if not rest or rest[0][1] < n:
            genders[name] = top
    genders.update(titled)
    return genders


def _pronoun_after(doc: Doc, first: int, end_char: int, in_quote: Callable[[int], bool]) -> str | None:
    """The gender of a pronoun subject soon after a subject's name in its sentence ("Ruiz said
    she …"), before anyone else is named."""
    head = first
    while head < len(doc) and doc[head].idx < end_char:
        head += 1
    name_head = doc[head - 1]
    if name_head.dep_ not in SUBJECT_DEPS and not any(t.dep_ in SUBJECT_DEPS for t in doc[first:head]):
        return None
    sent_end = name_head.sent.end
    for t in doc[head : min(sent_end, head + GENDER_WINDOW)]:
        if in_quote(t.idx):
            return None
        if t.pos_ == "PROPN" or t.lower_ in ("they", "them", "their"):
            return None  # someone else is named, or a group
        if t.lower_ in ("he", "she") and t.dep_ in SUBJECT_DEPS:
            return pronoun_gender(t.text)
    return None
