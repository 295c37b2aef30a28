"""Typed numeric facts from fictional sentences, through the real spaCy pipeline."""

from __future__ import annotations

import pytest

from storyline.analyze.nlp import load_nlp
from storyline.analyze.numbers import find_numbers
from storyline.model import Entity, NumberFact


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def person(text: str, name: str, canonical: str | None = None, occurrence: int = 0) -> Entity:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(name, start + 1)
    return Entity(name, "PERSON", start, start + len(name), canonical or name)


def numbers(nlp, text: str, entities: list[Entity] | None = None) -> list[NumberFact]:
    facts = find_numbers(nlp(text), entities or [])
    for f in facts:
        assert text[f.start : f.end] == f.text
    return facts


def one(nlp, text: str, entities: list[Entity] | None = None) -> NumberFact:
    facts = numbers(nlp, text, entities)
    assert len(facts) == 1, facts
    return facts[0]


# ---------------------------------------------------------------- ages


@pytest.mark.parametrize(
    "text, span",
    [
        ("Marta Velasquez, 52, was found unharmed on Tuesday.", "52"),
        ("Marta Velasquez (52) was found unharmed on Tuesday.", "52"),
        ("Police said Marta Velasquez, aged 52, was found unharmed.", "aged 52"),
        ("Marta Velasquez is 52 years old and lives in Orvale.", "52 years old"),
    ],
)
def test_age_after_a_named_person(nlp, text, span):
    fact = one(nlp, text, [person(text, "Marta Velasquez", "Marta I. Velasquez")])
    assert (fact.text, fact.value, fact.kind, fact.unit) == (span, 52, "age", "year")
    assert fact.about == "Marta I. Velasquez"


def test_age_before_a_named_person(nlp):
    text = "The fire was reported by 52-year-old Marta Velasquez."
    fact = one(nlp, text, [person(text, "Marta Velasquez")])
    assert (fact.text, fact.value, fact.kind, fact.about) == ("52-year-old", 52, "age", "Marta Velasquez")


def test_the_n_year_old_refers_back_to_the_last_person_named(nlp):
    text = "Officers spoke to Marta Velasquez at the scene. The 52-year-old was not hurt."
    fact = one(nlp, text, [person(text, "Marta Velasquez")])
    assert (fact.kind, fact.value, fact.about) == ("age", 52, "Marta Velasquez")


def test_age_of_an_unnamed_person_is_about_the_noun(nlp):
    fact = one(nlp, "A 34-year-old man was arrested near the harbour.")
    assert (fact.kind, fact.value, fact.about) == ("age", 34, "man")


def test_number_after_a_name_that_is_not_a_person_is_no_age(nlp):
    text = "Orvale Dynamics, 52, was the lowest bid."
    assert all(f.kind != "age" for f in numbers(nlp, text))


# ---------------------------------------------------------------- counts, money, percent, durations


def test_counted_noun_is_the_unit_and_the_governing_verb_is_about(nlp):
    active = one(nlp, "A warehouse fire that killed three people spread to the docks.")
    passive = one(nlp, "Three people were killed when the warehouse burned.")
    for fact in (active, passive):
        assert (fact.value, fact.unit, fact.kind, fact.about) == (3, "people", "count", "kill")
    assert active.text == "three people"


def test_adjectives_between_number_and_noun(nlp):
    fact = one(nlp, "The storm left 40 injured villagers in Orvale.")
    assert (fact.value, fact.unit, fact.text) == (40, "villager", "40 injured villagers")


@pytest.mark.parametrize(
    "text, span, value, unit",
    [
        ("The council approved a $160 million budget.", "$160 million", 160_000_000, "USD"),
        ("The council approved a $ 160 million budget.", "$ 160 million", 160_000_000, "USD"),
        ("Orvale Dynamics lost €2.5bn last year.", "€2.5bn", 2_500_000_000, "EUR"),
        ("The firm paid £5m to settle the claim.", "£5m", 5_000_000, "GBP"),
        ("The ransom was 1.2 million dollars.", "1.2 million dollars", 1_200_000, "USD"),
    ],
)
def test_money(nlp, text, span, value, unit):
    fact = one(nlp, text)
    assert (fact.text, fact.value, fact.unit, fact.kind) == (span, value, unit, "money")


@pytest.mark.parametrize("text", ["Rival bids were worth $140 to $150 million.", "Rival bids were worth $ 140- $ 150 million."])
def test_money_range_shares_the_scale(nlp, text):
    first, second = numbers(nlp, text)
    assert (first.value, first.unit, first.approximate) == (140_000_000, "USD", True)
    assert (second.value, second.unit, second.approximate) == (150_000_000, "USD", True)


def test_count_range_shares_the_unit(nlp):
    first, second = numbers(nlp, "Between 40 and 50 people were evacuated.")
    assert (first.value, first.unit, first.approximate) == (40, "people", True)
    assert (second.value, second.unit, second.approximate) == (50, "people", True)


@pytest.mark.parametrize(
    "text, span, value, unit",
    [
        ("Turnout fell 12 percent in Orvale.", "12 percent", 12, "percent"),
        ("Turnout fell 12% in Orvale.", "12%", 12, "percent"),
        ("Turnout fell 3.5 per cent in Orvale.", "3.5 per cent", 3.5, "percent"),
        ("Turnout fell 2 percentage points in Orvale.", "2 percentage points", 2, "percentage point"),
    ],
)
def test_percent(nlp, text, span, value, unit):
    fact = one(nlp, text)
    assert (fact.text, fact.value, fact.unit, fact.kind, fact.about) == (span, value, unit, "percent", "fall")


def test_durations(nlp):
    lasted = one(nlp, "The strike lasted 20 weeks.")
    assert (lasted.text, lasted.value, lasted.unit, lasted.kind, lasted.about) == ("20 weeks", 20, "week", "duration", "last")
    term = one(nlp, "He was given a 12-year sentence.")
    assert (term.value, term.unit, term.kind) == (12, "year", "duration")


@pytest.mark.parametrize(
    "text, span",
    [
        ("About 300 homes lost power.", "About 300 homes"),
        ("Nearly 20 homes lost power.", "Nearly 20 homes"),
        ("More than 40 homes lost power.", "More than 40 homes"),
        ("Some 300 homes lost power.", "Some 300 homes"),
        ("At least 300 homes lost power.", "At least 300 homes"),
    ],
)
def test_hedged_numbers_are_approximate(nlp, text, span):
    fact = one(nlp, text)
    assert (fact.text, fact.approximate, fact.unit) == (span, True, "home")


def test_plain_number_is_exact(nlp):
    assert one(nlp, "312 homes lost power.").approximate is False


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("A dozen boats were damaged.", 12, "boat"),
        ("Twenty-five boats were damaged.", 25, "boat"),
        ("One hundred and twenty boats were damaged.", 120, "boat"),
        ("The flood displaced 1.2 million residents.", 1_200_000, "resident"),
        ("The flood displaced two million residents.", 2_000_000, "resident"),
        ("The flood displaced 1,200 residents.", 1200, "resident"),
    ],
)
def test_spelled_and_scaled_numbers(nlp, text, value, unit):
    fact = one(nlp, text)
    assert (fact.value, fact.unit) == (value, unit)


def test_compound_noun_counts_its_last_noun(nlp):
    fact = one(nlp, "Crews sent 10 fire engines to the harbour.")
    assert (fact.text, fact.unit) == ("10 fire engines", "engine")


def test_bare_number_in_digits_is_reported_without_unit(nlp):
    fact = one(nlp, "The death toll rose to 12 on Friday.")
    assert (fact.value, fact.unit, fact.about) == (12, None, "rise")


def test_bare_number_words_are_not_reported(nlp):
    assert numbers(nlp, "The two met again, and one of them left.") == []


# ---------------------------------------------------------------- not quantities


@pytest.mark.parametrize(
    "text",
    [
        "The bridge opened in 2021.",
        "The bridge opened on March 3, 2021.",
        "The bridge opened on 3 March 2021.",
        "The bridge opened on 2021-03-04.",
        "The bridge opened on 3/4/2021.",
        "The bridge opened at 3:30 this afternoon.",
        "The bridge opened at 10am.",
        "The bridge opened at 3 p.m.",
        "It was the 3rd bridge to open.",
        "Call 555-123-4567 for details.",
        "Call (555) 123-4567 for details.",
        "Call +44 20 7946 0958 for details.",
        "Call 0845 125 2222 or 0800 555111 for details.",
        "The bridge opened three days ago.",
        "Hundreds of people crossed the bridge.",
        "She flew on a Boeing 737 to Orvale.",
    ],
)
def test_not_quantities(nlp, text):
    assert numbers(nlp, text) == []


def test_year_followed_by_a_plural_noun_is_a_count(nlp):
    fact = one(nlp, "The march drew 2000 protesters.")
    assert (fact.value, fact.unit) == (2000, "protester")


def test_without_a_parse_units_stay_and_about_is_none(nlp):
    with nlp.select_pipes(disable=["parser"]):
        doc = nlp("A warehouse fire killed three people.")
    (fact,) = find_numbers(doc, [])
    assert (fact.value, fact.unit, fact.about) == (3, "people", None)


def test_hostile_numeric_text_is_handled(nlp):
    text = " ".join(["1", "-", "2", "$", "3m", "+44", "(555)", "1,000,000", "per", "cent", "a", "dozen"] * 300)
    facts = numbers(nlp, text)
    assert facts and all(0 <= f.start < f.end <= len(text) for f in facts)
