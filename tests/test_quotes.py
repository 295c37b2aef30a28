"""Direct quotations: marks, speakers, cues, robustness. All texts are fictional."""

from __future__ import annotations

import pytest

from storyline.analyze.entities import find_entities
from storyline.analyze.nlp import load_nlp
from storyline.analyze.quotes import find_quotes, quoted_stretches


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def quotes_of(nlp, text):
    doc = nlp(text)
    return find_quotes(doc, find_entities(doc))


def test_curly_quote_with_trailing_cue(nlp):
    text = "Maria Lopez spoke on Monday.\n\n“The bridge will open in May,” Lopez said."
    [q] = quotes_of(nlp, text)
    assert q.text == "The bridge will open in May,"
    assert text[q.start : q.end] == q.text
    assert q.speaker == "Maria Lopez"
    assert text[q.speaker_start : q.speaker_end] == "Lopez"
    assert (q.cue, text[q.cue_start : q.cue_end]) == ("said", "said")
    assert not q.partial


def test_straight_marks_and_leading_cue(nlp):
    text = 'The council chair, Tom Baker, said: "Nobody wants the bridge closed for a year."'
    [q] = quotes_of(nlp, text)
    assert q.text == "Nobody wants the bridge closed for a year."
    assert q.speaker == "Tom Baker"


def test_double_apostrophes_are_a_double_mark(nlp):
    text = "''The vote was fair and the count was clean,'' said Tom Baker, the clerk."
    [q] = quotes_of(nlp, text)
    assert q.text == "The vote was fair and the count was clean,"
    assert q.speaker == "Tom Baker"


def test_single_quotes_nested_in_double_stay_inside(nlp):
    text = "“They told us ‘wait until spring’ and then did nothing at all,” said Maria Lopez."
    [q] = quotes_of(nlp, text)
    assert q.text == "They told us ‘wait until spring’ and then did nothing at all,"
    assert q.speaker == "Maria Lopez"


def test_quote_over_paragraphs_is_one_quote(nlp):
    text = (
        "Maria Lopez said:\n\n“The first paragraph ends without a closing mark.\n\n"
        "“The second paragraph reopens and closes it.”\n\nThe meeting ended."
    )
    [q] = quotes_of(nlp, text)
    assert q.text == "The first paragraph ends without a closing mark. The second paragraph reopens and closes it."
    assert text[q.start : q.start + 9] == "The first"
    assert text[q.end - 9 : q.end] == "closes it"[-9:] or text[q.end - 1] == "."
    assert q.speaker == "Maria Lopez"


def test_interrupted_quote_is_two_quotes_with_one_speaker(nlp):
    text = "Maria Lopez was at the rally. “We will,” Ms. Lopez said, “win this seat.”"
    first, second = quotes_of(nlp, text)
    assert (first.text, second.text) == ("We will,", "win this seat.")
    assert first.speaker == second.speaker == "Maria Lopez"
    assert first.cue_start == second.cue_start
    assert first.partial == second.partial is False


def test_partial_quote(nlp):
    text = "Tom Baker called the plan “a reckless gamble” on Tuesday."
    [q] = quotes_of(nlp, text)
    assert q.partial
    assert q.text == "a reckless gamble"
    assert q.speaker == "Tom Baker"
    assert q.cue == "called"


def test_pronoun_goes_to_the_compatible_person(nlp):
    text = (
        "Ms. Maria Lopez met Mr. Tom Baker in Brookfield on Monday.\n\n"
        "“The deal is done and the money is in the bank,” she said."
    )
    [q] = quotes_of(nlp, text)
    assert text[q.speaker_start : q.speaker_end] == "she"
    assert q.speaker == "Maria Lopez"


def test_statement_goes_to_its_author(nlp):
    text = "A statement from the Brookfield Police Department read: “Nobody was hurt in the fire.”"
    [q] = quotes_of(nlp, text)
    assert q.speaker == "Brookfield Police Department"
    assert q.cue == "read"


def test_bare_quote_paragraph_keeps_the_speaker_before(nlp):
    text = (
        "“The bridge will open in May,” said Maria Lopez, the mayor.\n\n"
        "“After that we will repave the whole of Main Street.”"
    )
    first, second = quotes_of(nlp, text)
    assert second.speaker == first.speaker == "Maria Lopez"
    assert second.speaker_start == first.speaker_start


def test_unclosed_mark_is_dropped_and_the_scan_goes_on(nlp):
    text = "“This mark never closes.\n\nTom Baker said “the count was wrong” on Friday."
    [q] = quotes_of(nlp, text)
    assert q.text == "the count was wrong"


def test_titles_and_handles_are_not_quotes(nlp):
    text = "She watched “Morning Show” and followed “@brookfieldcity” online."
    assert quotes_of(nlp, text) == []


# ---------------------------------------------------------------- robustness: fast, tokenizer-only docs


def test_ten_thousand_marks(nlp):
    text = '"one two three four five six" ' * 5000
    assert len(quoted_stretches(text)) == 5000
    quotes = find_quotes(nlp.make_doc(text), [])
    assert len(quotes) == 5000
    assert quotes[-1].text == "one two three four five six"


def test_unbalanced_marks_everywhere(nlp):
    text = "“ ” ” “ “ \" \" “ a ”" * 2000
    quotes = find_quotes(nlp.make_doc(text), [])
    assert all(q.start <= q.end for q in quotes)


def test_no_sentence_breaks_emoji_and_right_to_left(nlp):
    text = " ".join(
        ["word"] * 20000
        + ["“قال الوزير إن الجسر سيفتح قريبا جدا 🎉🎉”"]
        + ["“שלום לכולם וברוכים הבאים לכאן היום 😀”"]
    )
    quotes = find_quotes(nlp.make_doc(text), [])
    assert [q.text for q in quotes] == ["قال الوزير إن الجسر سيفتح قريبا جدا 🎉🎉", "שלום לכולם וברוכים הבאים לכאן היום 😀"]
    assert all(text[q.start : q.end] == q.text for q in quotes)


def test_large_text(nlp):
    paragraph = "“We will keep the library open every single day,” the librarian said. Then it rained.\n\n"
    text = paragraph * 3000
    quotes = find_quotes(nlp.make_doc(text), [])
    assert len(quotes) == 3000
    assert quotes[1234].text == "We will keep the library open every single day,"


# ---------------------------------------------------------------- attribution patterns


def test_two_quotes_around_a_long_cue_stay_two_quotes(nlp):
    text = (
        '"The tide turned far too early, and the skipper had no time to react," said pier warden '
        "Ingrid Holm, who saw it from the lighthouse. \"We are lucky the boat stayed afloat.\""
    )
    first, second = quotes_of(nlp, text)
    assert first.text == "The tide turned far too early, and the skipper had no time to react,"
    assert second.text == "We are lucky the boat stayed afloat."
    assert "said" not in first.text + second.text
    assert first.speaker == second.speaker == "Ingrid Holm"


def test_speaker_after_name_and_title_and_the_next_quote_keeps_it(nlp):
    text = (
        "''We do not think the bridge is safe,'' Tom Baker, the chief engineer of the Brookfield water board, "
        "said on Sunday. ''The cracks have grown every month since the flood.''"
    )
    first, second = quotes_of(nlp, text)
    assert first.speaker == second.speaker == "Tom Baker"


def test_relative_pronoun_is_the_speaker_span_and_resolves_to_its_antecedent(nlp):
    text = "The vote went ahead without Maria Lopez, who said the count was \"rushed and careless\" on Friday."
    [q] = quotes_of(nlp, text)
    assert text[q.speaker_start : q.speaker_end] == "who"
    assert q.speaker == "Maria Lopez"


def test_sentence_after_a_finished_quote_is_not_its_cue(nlp):
    text = (
        "“The plan is in the drawer,” Tom Baker said. “It stays there until the money comes.” "
        "That is why, Maria Lopez added, nobody trusts the council."
    )
    first, second = quotes_of(nlp, text)
    assert second.speaker == "Tom Baker"


def test_markup_attributes_and_titles_are_not_quotes(nlp):
    text = (
        '<tweet author="brookfieldmayor" id="12345">Open on Sunday</tweet>\n\n'
        "Tom Baker starred in “The Long Harbour Road” and “Night of the Gulls” before politics."
    )
    assert quotes_of(nlp, text) == []


# ---------------------------------------------------------------- speakers the parse leaves without a subject


def test_participle_cue_takes_the_subject_of_its_clause(nlp):
    text = "Maria Lopez responded to the council by saying, “The bridge will be finished before the winter comes.”"
    [q] = quotes_of(nlp, text)
    assert q.speaker == "Maria Lopez"
    assert q.cue == "saying"


def test_inverted_cue_takes_the_noun_phrase_after_it(nlp):
    text = "“The harbour is not safe for small boats,” added another council member."
    [q] = quotes_of(nlp, text)
    assert text[q.speaker_start : q.speaker_end] == "another council member"


def test_cue_inside_reported_words_gives_way_to_the_verb_of_saying(nlp):
    text = "Tom Baker said he wants a budget that calls for “a new roof on every school in the county.”"
    [q] = quotes_of(nlp, text)
    assert q.speaker == "Tom Baker"
    assert q.cue == "said"


def test_according_to_after_the_cue_names_the_cited_source(nlp):
    text = "“We will not close the library,” Tom Baker said, according to the Brookfield Gazette."
    [q] = quotes_of(nlp, text)
    assert text[q.speaker_start : q.speaker_end] == "the Brookfield Gazette"
    assert q.cue == "according to"


def test_colon_hands_the_quote_over_from_the_sentence_subject(nlp):
    text = "Maria Lopez delivered a blunt message to the council: “Fix the bridge or find a new mayor.”"
    [q] = quotes_of(nlp, text)
    assert q.speaker == "Maria Lopez"
    assert q.cue is None


def test_quote_as_object_of_any_verb_goes_to_its_subject(nlp):
    text = "Maria Lopez credited the win to “a lot of hard work by many volunteers in every ward.”"
    [q] = quotes_of(nlp, text)
    assert q.speaker == "Maria Lopez"
    assert q.cue is None


def test_pronoun_prefers_the_person_who_was_the_subject(nlp):
    text = "Tom Baker thanked Sam Reed at the meeting on Monday.\n\n“The pier is finally open again,” he said."
    [q] = quotes_of(nlp, text)
    assert text[q.speaker_start : q.speaker_end] == "he"
    assert q.speaker == "Tom Baker"


def test_new_sentence_between_quotes_brings_its_own_speaker(nlp):
    text = "“We will not close the pool,” Tom Baker said. But Maria Lopez added, “The roof leaks every winter.”"
    first, second = quotes_of(nlp, text)
    assert first.speaker == "Tom Baker"
    assert second.speaker == "Maria Lopez"
