"""Named entities with in-document alias merging.

Every mention gets a ``canonical`` name shared by all mentions of the same
thing in the article: "Ana Ruiz", "Ruiz" and "Ms. Ruiz" become "Ana Ruiz";
"Federal Bureau of Investigation" and "FBI" become the long form; "Acme Corp."
and "Acme" become "Acme". A short form is merged only when exactly one
longer name in the article fits it, so two people sharing a surname keep
their surname mentions unmerged here (``coref.tell_apart_namesakes`` may
then tell them apart by title).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from storyline.model import Entity
from storyline.typography import DASH_CLASS

MALE_TITLES = frozenset("mr sir lord king prince father brother".split())
FEMALE_TITLES = frozenset("mrs ms miss madam dame lady queen princess sister".split())
# Words of a title that a later mention may drop or add: "the former governor".
LOOSE_TITLES = frozenset("former late the".split())
TITLES = MALE_TITLES | FEMALE_TITLES | LOOSE_TITLES | frozenset(
    """
    dr prof professor president vice sen senator rep representative gov governor mayor
    gen general lt col colonel maj major capt captain sgt cmdr adm admiral judge justice
    rev reverend rabbi imam pope sheikh minister prime secretary chancellor chairman
    chairwoman chair ceo director attorney ambassador speaker leader candidate
    councilor councillor councilman councilwoman alderman commissioner sheriff chief superintendent
    """.split()
)
NAME_SUFFIXES = frozenset("jr sr ii iii iv".split())
ORG_SUFFIXES = frozenset("inc corp co ltd llc plc group company corporation".split())
# Words left out of an acronym: "Department of Justice" -> DOJ.
ACRONYM_SKIP = frozenset("of the and for on in at to &".split())
# Labels spaCy sometimes gives a surname; other labels (GPE, LOC) may be real places.
RELABEL_AS_PERSON = frozenset("ORG NORP PRODUCT WORK_OF_ART FAC LAW".split())

_BRACKETED = re.compile(r"\s*\(.*$")
_POSSESSIVE = re.compile(r"['’]s?$")
_TITLE_BEFORE = re.compile(r"\b(Mrs|Ms|Miss|Mr|Sir|Lady|Lord|Dame)\.?\s+$")
# The tokenizer keeps a signature's dash on the name, and a closing mark before it ("-Ana Ruiz"
# under a reader's letter, "”― Ana Ruiz" after a quote).
_LEADING_MARKS = re.compile(rf"^(?:{DASH_CLASS}|[\"“”„«»])+\s*")


def _words(text: str) -> list[str]:
    return _POSSESSIVE.sub("", _LEADING_MARKS.sub("", text.strip())).split()


def _key(word: str) -> str:
    return word.lower().rstrip(".,")


def name_words(text: str) -> list[str]:
    """A person's name without titles, possessive or Jr.: "Dr. Ana M. Ruiz Jr.'s" -> [Ana, M., Ruiz]."""
    words = _words(text)
    while len(words) > 1 and _key(words[0]) in TITLES:
        words = words[1:]
    while len(words) > 1 and _key(words[-1]) in NAME_SUFFIXES:
        words = words[:-1]
    return words


def org_words(text: str) -> list[str]:
    """An organisation's name without "the", a bracketed short form or Inc.: "the Acme Corp. (AC)" -> [Acme]."""
    words = _words(_BRACKETED.sub("", text))
    if len(words) > 1 and _key(words[0]) == "the":
        words = words[1:]
    while len(words) > 1 and _key(words[-1]) in ORG_SUFFIXES:
        words = words[:-1]
    return [w.rstrip(",") for w in words]


def title_gender(text: str, before: str) -> str | None:
    """'m' or 'f' from a title in the mention or just before it ("Ms. Ruiz"), else None."""
    m = _TITLE_BEFORE.search(before)
    first = m.group(1) if m else (text.split()[0] if text.split() else "")
    key = _key(first)
    if key in MALE_TITLES:
        return "m"
    if key in FEMALE_TITLES:
        return "f"
    return None


# Short forms a title takes before a name: "Sen. Ana Ruiz" is "the senator".
TITLE_SHORT_FORMS = {
    "senator": ("sen",), "representative": ("rep",), "congressman": ("rep",), "congresswoman": ("rep",),
    "governor": ("gov",), "general": ("gen",), "professor": ("prof",), "doctor": ("dr",),
    "reverend": ("rev",), "captain": ("capt",), "lieutenant": ("lt",), "sergeant": ("sgt",),
    "colonel": ("col",), "major": ("maj",), "admiral": ("adm",), "commander": ("cmdr",),
}
# How much of the line before a name is read for its title ("Florida Sen. Ana Ruiz", "Cruz spokesman Ana Ruiz").
TITLE_BEFORE_CHARS = 30
# How long an apposition after a name may be ("Ana Ruiz, the senator from Ohio,").
TITLE_AFTER_CHARS = 60
_LOWER_WORD = re.compile(r"[a-z]+")


def title_words(text: str, e: Entity) -> set[str]:
    """The words that title a person's mention: the capitalised words right before the name and
    the lower-case word before them ("Florida Sen.", "Cruz spokesman"), and a short apposition."""
    words: set[str] = set()
    for word in reversed(text[max(0, e.start - TITLE_BEFORE_CHARS) : e.start].rsplit("\n", 1)[-1].split()):
        words.update(_LOWER_WORD.findall(word.lower()))
        if not word[0].isupper():
            break
    if text[e.end : e.end + 1] == ",":
        apposition = re.split(r"[,.;\n]", text[e.end + 1 : e.end + TITLE_AFTER_CHARS])[0]
        words |= set(_LOWER_WORD.findall(apposition.lower()))
    return words


def _acronym(words: list[str]) -> str:
    return "".join(w[0] for w in words if w and w.lower() not in ACRONYM_SKIP and w[0].isupper()).upper()


def _is_acronym(text: str) -> bool:
    bare = text.replace(".", "")
    return 2 <= len(bare) <= 6 and bare.isalpha() and bare.isupper()


class _Names:
    """Full names seen in the article, looked up by the words a short form keeps."""

    def __init__(self) -> None:
        self.by_last: dict[str, set[str]] = {}
        self.by_first: dict[str, set[str]] = {}
        self.by_full: dict[tuple[str, str], str] = {}

    def add(self, words: list[str]) -> None:
        full = (_key(words[0]), _key(words[-1]))
        canonical = self.by_full.setdefault(full, " ".join(words))
        self.by_last.setdefault(full[1], set()).add(canonical)
        self.by_first.setdefault(full[0], set()).add(canonical)

    def shared(self, words: list[str]) -> bool:
        """A single word that is the surname of two people named in full: "Delaney" for Ruth and Patrick."""
        return len(words) == 1 and len(self.by_last.get(_key(words[0]), ())) > 1

    def resolve(self, words: list[str]) -> str | None:
        if not words:
            return None
        if len(words) > 1:
            return self.by_full.get((_key(words[0]), _key(words[-1])))
        key = _key(words[0])
        for table in (self.by_last, self.by_first):
            found = table.get(key, set())
            if len(found) == 1:
                return next(iter(found))
            if found:
                return None  # two people share the name: leave it alone
        return None


def _person_names(doc: Doc) -> _Names:
    names = _Names()
    for e in doc.ents:
        if e.label_ == "PERSON":
            words = name_words(e.text)
            if len(words) > 1:
                names.add(words)
    return names


def _org_long_forms(doc: Doc) -> tuple[dict[str, str], dict[str, set[str]]]:
    """ORG canonical names by their normalised words, and by acronym."""
    by_words: dict[str, str] = {}
    by_acronym: dict[str, set[str]] = {}
    for e in doc.ents:
        if e.label_ != "ORG" or _is_acronym(e.text):
            continue
        words = org_words(e.text)
        if not words:
            continue
        canonical = by_words.setdefault(" ".join(words).lower(), " ".join(words))
        if len(words) > 1:
            by_acronym.setdefault(_acronym(words), set()).add(canonical)
    return by_words, by_acronym


def find_entities(doc: Doc) -> list[Entity]:
    people = _person_names(doc)
    orgs, acronyms = _org_long_forms(doc)
    entities = []
    for e in doc.ents:
        label, canonical = e.label_, None
        if label == "PERSON" or (label in RELABEL_AS_PERSON and len(e) == 1):
            canonical = people.resolve(name_words(e.text))
            if canonical is not None:
                label = "PERSON"
            elif e.label_ == "PERSON" or people.shared(name_words(e.text)):
                label, canonical = "PERSON", " ".join(name_words(e.text)) or None
        if canonical is None and label == "ORG":
            if _is_acronym(e.text):
                long_forms = acronyms.get(e.text.replace(".", "").upper(), set())
                canonical = next(iter(long_forms)) if len(long_forms) == 1 else e.text
            else:
                canonical = orgs.get(" ".join(org_words(e.text)).lower())
        if canonical is None:
            canonical = " ".join(org_words(e.text)) or e.text  # a mention of punctuation alone stays as it is
        marks = _LEADING_MARKS.match(e.text)
        cut = marks.end() if marks and marks.end() < len(e.text) else 0
        entities.append(Entity(e.text[cut:], label, e.start_char + cut, e.end_char, canonical))
    entities.extend(_missed_surnames(doc, people))
    entities.sort(key=lambda e: e.start)
    return entities


def _missed_surnames(doc: Doc, people: _Names) -> list[Entity]:
    """Lone surnames of people named in full elsewhere that the NER left untagged."""
    found = []
    for t in doc:
        if t.ent_iob_ == "O" and t.pos_ == "PROPN" and t.is_title:
            canonicals = people.by_last.get(_key(t.text), set())
            if len(canonicals) == 1:
                found.append(Entity(t.text, "PERSON", t.idx, t.idx + len(t), next(iter(canonicals))))
    return found
