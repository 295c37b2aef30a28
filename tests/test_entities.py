"""In-document alias merging. All texts are fictional."""

from __future__ import annotations

import pytest

from spacy.tokens import Span

from storyline.analyze.entities import find_entities, name_words, org_words, title_gender
from storyline.analyze.nlp import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def canonicals(nlp, text):
    return {(e.text, e.label): e.canonical for e in find_entities(nlp(text))}


def test_name_words_drop_titles_possessive_and_suffix():
    assert name_words("Dr. Ana M. Ruiz Jr.'s") == ["Ana", "M.", "Ruiz"]
    assert name_words("President Tom Baker") == ["Tom", "Baker"]
    assert name_words("Ruiz") == ["Ruiz"]


def test_org_words_drop_article_suffix_and_bracket():
    assert org_words("the Acme Corp. (AC)") == ["Acme"]
    assert org_words("Brookfield Water Company") == ["Brookfield", "Water"]


def test_title_gender():
    assert title_gender("Ruiz", "said Ms. ") == "f"
    assert title_gender("Mr. Baker", "") == "m"
    assert title_gender("Ruiz", "the mayor ") is None


def test_surname_and_titled_mentions_merge_to_the_full_name(nlp):
    text = "Maria Lopez won the vote in Brookfield. Ms. Lopez thanked her staff, and Lopez said she would stay."
    entities = [e for e in find_entities(nlp(text)) if "Lopez" in e.text]
    assert len(entities) >= 2
    assert {e.canonical for e in entities} == {"Maria Lopez"}
    assert all(e.label == "PERSON" for e in entities)


def test_shared_surname_is_not_merged(nlp):
    text = "John Carter and Linda Carter ran the shop. Carter said nothing."
    found = canonicals(nlp, text)
    assert found[("John Carter", "PERSON")] == "John Carter"
    assert found[("Linda Carter", "PERSON")] == "Linda Carter"
    lone = [e for e in find_entities(nlp(text)) if e.text == "Carter"]
    assert all(e.canonical == "Carter" for e in lone)


def test_acronym_merges_with_its_long_form(nlp):
    text = "The Federal Bureau of Investigation opened a case. The FBI said the case was closed on Friday."
    fbi = [e for e in find_entities(nlp(text)) if e.text == "FBI"]
    assert fbi and fbi[0].canonical == "Federal Bureau of Investigation"


def test_offsets_point_at_the_mention(nlp):
    text = "Maria Lopez won. Lopez spoke."
    for e in find_entities(nlp(text)):
        assert text[e.start : e.end] == e.text


def test_a_signature_dash_is_not_part_of_the_name(nlp):
    text = "“The new bridge saved me an hour a day.”\n-Marta Ellingsen\n\nEllingsen lives in Dorval."
    people = [e for e in find_entities(nlp(text)) if e.label == "PERSON"]
    assert people and all(not e.text.startswith("-") for e in people), people
    assert all(text[e.start : e.end] == e.text for e in people)
    assert {e.canonical for e in people} == {"Marta Ellingsen"}
    assert name_words("—Marta Ellingsen") == ["Marta", "Ellingsen"]
    assert name_words("”― Marta Ellingsen") == ["Marta", "Ellingsen"]


@pytest.mark.parametrize("label", ["PERSON", "ORG", "GPE"])
def test_a_mention_of_dashes_alone_keeps_its_text(nlp, label):
    doc = nlp("Marta Ellingsen spoke first — then the council voted.")
    dash = next(t.i for t in doc if t.text == "—")
    doc.ents = [Span(doc, 0, 2, "PERSON"), Span(doc, dash, dash + 1, label)]
    found = {e.text: e for e in find_entities(doc)}
    assert found["—"].canonical == "—" and found["—"].label == label
    assert found["Marta Ellingsen"].canonical == "Marta Ellingsen"


def analysed_people(text):
    from storyline.analyze import AnalysisInput, Analyzer

    analysis = next(Analyzer().pipe([AnalysisInput("a", text)]))
    return [(text[e.start : e.end], e.canonical) for e in analysis.entities if e.label == "PERSON"], analysis.quotes


def test_a_shared_surname_goes_to_the_person_its_title_fits():
    text = (
        "Police Chief Tom Kerr said the road would reopen. His wife, Anne Kerr, runs the diner on Main Street. "
        "“We lost a week of business,” Ms. Kerr said. “The road will be open by Friday,” Chief Kerr said. "
        "Kerr did not say more."
    )
    people, quotes = analysed_people(text)
    assert [canonical for _, canonical in people] == ["Tom Kerr", "Anne Kerr", "Anne Kerr", "Tom Kerr", "Kerr"]
    assert [q.speaker for q in quotes] == ["Anne Kerr", "Tom Kerr"]


def test_a_title_in_an_apposition_and_a_known_gender_tell_namesakes_apart():
    text = (
        "Carla Mendes, the mayor, and her brother, Paulo Mendes, spoke. Paulo Mendes said he was proud. "
        "“It was a good day,” Mr. Mendes said. “I agree,” Mayor Mendes said."
    )
    people, quotes = analysed_people(text)
    assert [q.speaker for q in quotes] == ["Paulo Mendes", "Carla Mendes"]


def test_a_title_both_namesakes_could_bear_leaves_the_surname_alone():
    text = "Tom Kerr and Anne Kerr spoke at the hall. “We will rebuild,” Ms. Kerr said."
    people, quotes = analysed_people(text)
    assert people[-1] == ("Kerr", "Kerr") and quotes[0].speaker == "Kerr"


def test_a_shared_surname_the_tagger_took_for_a_law_is_still_a_person():
    # spaCy tags "Delaney" after "Mayor" as LAW here
    text = (
        "The city awarded a contract to a company owned by Mayor Ruth Delaney's brother, city records show.\n\n"
        "The City Council approved the contract on May 12 in a 4-3 vote. Mayor Delaney did not vote but signed "
        "the contract two days later.\n\n"
        "\"I recused myself from every discussion about this bridge,\" Mayor Delaney said Tuesday.\n\n"
        "Her brother, Patrick Delaney, owns Delaney Construction. \"We were the lowest bidder,\" Mr. Delaney said.\n\n"
        "Councilor Amy Chen said the vote should be redone. \"It should be redone,\" Chen said."
    )
    people, quotes = analysed_people(text)
    assert [q.speaker for q in quotes] == ["Ruth Delaney", "Patrick Delaney", "Amy Chen"]
    assert ("Delaney", "Ruth Delaney") in people


@pytest.mark.parametrize(
    "text",
    [
        # a kinship noun in a relative clause is not the person's
        "Anne Kerr, whose son was hurt in the crash, runs the diner. Tom Kerr, the pastor, led the vigil. "
        "“We pray for them,” Mr. Kerr said.",
        # a pronoun inside a quote is not the speaker's gender
        "Anne Kerr said “he will be fine” about the boy. Tom Kerr, the pastor, agreed. “We pray,” Ms. Kerr said.",
        # a place before the surname is no title
        "Tom Kerr, a Dorrin teacher, and Anne Kerr, a nurse, spoke on Tuesday. At Dorrin General Hospital, "
        "Kerr said “we treated the injured.”",
        # a couple is neither of them
        "Tom Kerr and his wife, Anne Kerr, lost their diner in the flood. “We will rebuild,” Mr. and Mrs. Kerr said.",
    ],
)
def test_a_shared_surname_stays_unmerged_when_nothing_tells_who(text):
    people, _ = analysed_people(text)
    assert ("Kerr", "Kerr") in people and ("Kerr", "Anne Kerr") not in people and ("Kerr", "Tom Kerr") not in people


def test_a_title_inside_the_mention_after_a_bracket_or_abbreviated_fits_too():
    people, quotes = analysed_people(
        "Police Chief Tom Kerr and Anne Kerr spoke on Tuesday. “No comment,” Chief Kerr said later. "
        "The mayor thanked the police (Chief Kerr in particular)."
    )
    assert [q.speaker for q in quotes] == ["Tom Kerr"]
    assert [canonical for text, canonical in people if text.endswith("Kerr")][-1] == "Tom Kerr"
    _, quotes = analysed_people("Col. Tom Kerr and Anne Kerr spoke. “We hold the line,” Col. Kerr said.")
    assert [q.speaker for q in quotes] == ["Tom Kerr"]
