"""Light person coreference: the gender the article gives each person, for resolving pronouns
and for telling apart two people who share a surname.

A person's gender comes from a title ("Ms. Ruiz") or, failing that, from the
pronouns the article uses right after naming them: in "Ruiz said she would
run", "she" follows Ruiz as the subject of the same sentence. The votes of all
mentions decide; a tie leaves the gender unknown.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Callable

from spacy.tokens import Doc

from storyline.analyze.entities import (
    FEMALE_TITLES,
    LOOSE_TITLES,
    MALE_TITLES,
    TITLE_BEFORE_CHARS,
    TITLE_SHORT_FORMS,
    TITLES,
    name_words,
    title_gender,
    title_words,
)
from storyline.analyze.nlp import doc_text
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
    text = doc_text(doc)
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


_SHORT_FORM = {long: shorts[0] for long, shorts in TITLE_SHORT_FORMS.items()}
# Title words that say which person is meant: "Chief", "Mayor", "Sen." (not "Ms." or "former").
_ROLES = {_SHORT_FORM.get(w, w) for w in TITLES | TITLE_SHORT_FORMS.keys()} - MALE_TITLES - FEMALE_TITLES - LOOSE_TITLES
# Nouns that give a person's gender next to their name ("his wife, Anne Kerr", "Tom Kerr, her husband,").
KIN_GENDERS = {
    **dict.fromkeys("wife mother daughter widow girlfriend grandmother aunt niece sister".split(), "f"),
    **dict.fromkeys("husband father son widower boyfriend grandfather uncle nephew brother".split(), "m"),
}
_KIN_AFTER = re.compile(r",\s+(?:his|her|their|the)\s+([a-z]+)")
# A word of a title right before a name: "Chief", "(Sen."; a dot only after an abbreviation.
_TITLE_WORD = re.compile(r"([(\"“]?)([A-Z][a-z]*)(\.?)")
MAX_ABBREVIATION = 4
_COUPLE = re.compile(r"\b(?:and|&)\s+\S+\s*$")  # "Mr. and Mrs. Kerr": the couple, not one of them


def _roles(words: set[str]) -> set[str]:
    return {_SHORT_FORM.get(w, w) for w in words} & _ROLES


def _titles_before(text: str, start: int) -> set[str]:
    """The title words right before a name, with no other mark between: "Police Chief" in "Police
    Chief Kerr"; none in "At Dorrin General Hospital, Kerr"."""
    words = set()
    for word in reversed(text[max(0, start - TITLE_BEFORE_CHARS) : start].rsplit("\n", 1)[-1].split()):
        m = _TITLE_WORD.fullmatch(word)
        if m is None or (m[3] and len(m[2]) > MAX_ABBREVIATION):
            break
        words.add(m[2].lower())
        if m[1]:
            break
    return words


def _kin_gender(text: str, e: Entity) -> str | None:
    """The gender a kinship noun next to a full name gives: "his wife, Anne Kerr", "Tom Kerr, her husband"."""
    before = text[max(0, e.start - 20) : e.start].split()
    after = _KIN_AFTER.match(text, e.end)
    kin = {before[-1].strip(",").lower() if before else "", after[1] if after else ""} & KIN_GENDERS.keys()
    genders = {KIN_GENDERS[k] for k in kin}
    return genders.pop() if len(genders) == 1 else None


def tell_apart_namesakes(doc: Doc, entities: list[Entity], in_quote: Callable[[int], bool]) -> None:
    """Give a bare surname that two people in the article share to the one its title fits: "Chief
    Kerr" to the person titled chief ("Police Chief Tom Kerr", "Tom Kerr, the police chief"); "Ms.
    Kerr" to the one Kerr known to be a woman, else to the only one of unknown gender. Other
    mentions of the surname, and couples ("Mr. and Mrs. Kerr"), stay unmerged."""
    text = doc_text(doc)
    people_words = [(e, name_words(e.text)) for e in entities if e.label == "PERSON"]
    by_surname: dict[str, set[str]] = {}
    roles: dict[str, set[str]] = {}
    kin_genders: dict[str, str] = {}
    for e, words in people_words:
        if len(words) > 1:
            by_surname.setdefault(words[-1].lower(), set()).add(e.canonical)
            roles.setdefault(e.canonical, set()).update(_roles(title_words(text, e)))
            kin = _kin_gender(text, e)
            if kin:
                kin_genders.setdefault(e.canonical, kin)
    shared = {surname for surname, people in by_surname.items() if len(people) > 1}
    if not shared:
        return
    genders = person_genders(doc, entities, in_quote) | kin_genders  # a kinship noun says more than pronouns
    for e, words in people_words:
        if len(words) != 1 or words[0].lower() not in shared or e.canonical != words[0]:
            continue
        name_start = e.start + e.text.rfind(words[0])  # "Chief Kerr" may be one mention
        if _COUPLE.search(text, max(0, name_start - TITLE_BEFORE_CHARS), name_start):
            continue
        people, titled = by_surname[words[0].lower()], _roles(_titles_before(text, name_start))
        fits = {p for p in people if titled & roles[p]}
        gender = title_gender(e.text, text[max(0, e.start - 8) : e.start])
        if not fits and gender:
            fits = {p for p in people if genders.get(p) == gender} or {p for p in people if p not in genders}
        if len(fits) == 1:
            e.canonical = next(iter(fits))
