"""Direct quotations: marks, speakers, cues, robustness. All texts are fictional."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from storyline.analyze.coref import person_genders
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


def test_a_blank_line_ends_a_sentence_even_after_a_closing_mark_so_the_next_one_parses(nlp):
    text = (
        "“Who are you going to trust on safety and on keeping people safe?”\n\n"
        "Maria Lopez, speaking on local radio, called Tom Baker a “blowhard,” and said his remarks were wrong."
    )
    doc = nlp(text)
    assert [s.start_char for s in doc.sents if not s.text.isspace()] == [0, text.index("Maria")]
    assert [q.speaker for q in find_quotes(doc, find_entities(doc))][-1] == "Maria Lopez"


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


# ---------------------------------------------------------------- layout and clause rules


def test_aside_clause_keeps_its_own_speaker(nlp):
    text = (
        "Maria Lopez, the mayor, spoke on Monday. Tom Baker said the bridge would open in May, "
        "although he tweeted that he “rejects the latest claims about the delay.”"
    )
    [q] = quotes_of(nlp, text)
    assert text[q.speaker_start : q.speaker_end] == "he"
    assert q.speaker == "Tom Baker"
    assert q.cue == "tweeted"


def test_phrasal_cue_went_on(nlp):
    text = "Tom Baker spoke first.\n\n“We are not done yet, not by a long shot,” he went on."
    [q] = quotes_of(nlp, text)
    assert (q.cue, text[q.speaker_start : q.speaker_end], q.speaker) == ("went", "he", "Tom Baker")


def test_run_of_quoted_paragraphs_goes_to_its_introduction(nlp):
    text = (
        "Maria Lopez stated:\n\n"
        '"The bridge is “safe” and it will stay open for the rest of the year.\n\n'
        '"We will not close it while I am in office."'
    )
    quotes = quotes_of(nlp, text)
    assert quotes and all(q.speaker == "Maria Lopez" for q in quotes)


def test_quote_signed_on_the_next_line(nlp):
    text = (
        'Ana Ruiz and Tom Baker debated on Monday.\n\n"We will rebuild the bridge before the winter comes."'
        "\n\n- Ana Ruiz."
    )
    [q] = quotes_of(nlp, text)
    assert q.speaker == "Ana Ruiz"
    assert text[q.speaker_start : q.speaker_end] == "Ana Ruiz"


def test_cue_with_words_of_its_own_after_a_quote_is_not_its_cue(nlp):
    text = (
        "“We are ready for the storm,” she said. “We have sandbags on every street.” "
        "She noted a planned drill on Saturday."
    )
    first, second = quotes_of(nlp, text)
    assert second.speaker_start == first.speaker_start


def test_according_to_further_after_the_cue(nlp):
    text = (
        "“We are ready for the storm,” Ana Ruiz said during a closed meeting with the town council, "
        "according to audio obtained by the Gazette."
    )
    [q] = quotes_of(nlp, text)
    assert text[q.speaker_start : q.speaker_end] == "audio"


def test_as_someone_put_it_names_the_speaker(nlp):
    text = (
        "The budget deal passed. As Maria Lopez explained, three fees were postponed in the deal, costing the "
        "town $3 million, “which sounds like a lot of money but is small.”"
    )
    [q] = quotes_of(nlp, text)
    assert q.speaker == "Maria Lopez"
    assert q.cue == "explained"


def test_genders_from_titles_and_the_pronouns_after_a_name(nlp):
    text = "Maria Lopez said she would run again. Tom Baker said he would not. Mr. Sam Reed stayed home."
    doc = nlp(text)
    genders = person_genders(doc, find_entities(doc), lambda _char: False)
    assert genders.get("Maria Lopez") == "f"
    assert genders.get("Tom Baker") == "m"
    assert genders.get("Sam Reed") == "m"


def test_what_a_thing_says_goes_to_whoever_puts_it_out(nlp):
    text = "Tom Baker is releasing a new radio ad that urges voters to “send a message to the council.”"
    [q] = quotes_of(nlp, text)
    assert q.speaker == "Tom Baker"
    assert text[q.speaker_start : q.speaker_end] == "Tom Baker"


def test_phrasal_cue_with_an_adverb_shot_back(nlp):
    text = (
        "After Tom Baker criticized the budget during a debate, Maria Lopez shot back, "
        "“I could have cut the parks, but I chose to fix the roads.”"
    )
    [q] = quotes_of(nlp, text)
    assert (q.cue, q.speaker) == ("shot", "Maria Lopez")


def test_cue_right_after_a_quoted_fragment_frames_the_sentence(nlp):
    text = (
        "Ana Ruiz held up her sign. Supporters of Tom Baker ripped it away and began shoving her, "
        "calling her “a traitor to the town,” she said in an interview."
    )
    [q] = quotes_of(nlp, text)
    assert (q.cue, text[q.speaker_start : q.speaker_end]) == ("said", "she")


# One quote, one speaker: constructions from the PolNeAR train error analysis.
SPEAKER_CASES = {
    "according_to_someone_before_a_quote_with_no_cue": (
        "Over the long term, according to the budget office, the rise in debt ''is mainly due to rising costs.''",
        "the budget office",
    ),
    "words_after_a_dash_spell_out_what_the_subject_did": (
        "Maria Lopez also defended the toll plan -- “I think it is the fairest way to pay for the bridge.”",
        "Maria Lopez",
    ),
    "words_after_a_dash_are_no_things_words": (
        "Outside the hall, a banner hung from the gate -- “We will not pay these tolls, and we will keep coming back.”",
        (None,),
    ),
    "no_space_before_the_opening_mark": ("Tom Baker said,“We are going forward.”", "Tom Baker"),
    "no_space_after_a_transcript_colon": ('Maria Lopez:"We learned that from the staff."', "Maria Lopez"),
    "inverted_cue_after_a_double_space": (
        "Tom Baker spoke at the hall.\n\n“The vote was fair and the count was clean,”  added Maria Lopez.",
        "Maria Lopez",
    ),
    "colon_sentence_parsed_under_the_quote_still_hands_it_over": (
        (
            "Maria Lopez defended the plan at length.\n\n"
            "Tom Baker delivered a snappy retort: “No one is tearing this up. We are going forward.”"
        ),
        "Tom Baker",
    ),
    "passive_cue_goes_to_its_agent": (
        "Maria Lopez was asked by Tom Baker whether the plan would risk “a costly delay for every family.”",
        "Tom Baker",
    ),
    "dateline_before_the_speaker_is_not_the_speaker": (
        "LONDON (Reuters) - Maria Lopez said on Monday the bridge was “a gift to the whole city.”",
        "Maria Lopez",
    ),
    "speaker_set_off_by_a_relative_clause": (
        (
            "Tom Baker has the backing of the mayor. Maria Lopez, meanwhile, who sits at zero such endorsements, "
            "said that fact speaks volumes about which of the two candidates is “ready to take on the old guard.”"
        ),
        "Maria Lopez",
    ),
    "any_verb_framing_a_cry_after_it": (
        "“This is wonderful!” beamed Martin Alvarez of Salem, who came with his daughter.",
        "Martin Alvarez",
    ),
    "cue_parsed_as_a_modifier_of_the_speaker": (
        "The attack shocked the town.\n\n"
        '"Is the mayor going to finally say the words? If she doesn\'t she should resign!" '
        "the presumptive Republican nominee, Tom Baker, tweeted Sunday after the attack.",
        "Tom Baker",
    ),
    "name_and_colon_before_the_quote": (
        "The timing of the surge does not surprise Republican pollster Maria Lopez: "
        "“Lesser-known candidates who win early contests see the biggest boost.”",
        "Maria Lopez",
    ),
    "transcript_label_with_a_party_tag": (
        'The hearing went on for hours.\n\nRep. Tom Baker (R-Ore.):"I have not heard anyone cite that figure. '
        'Who told you that?"',
        "Tom Baker",
    ),
    "person_named_as_an_object_after_a_place_is_not_the_speaker": (
        "Speaking at a town hall event in Salem, Oregon, Tom Baker went after Carl Henning, calling him “a total stiff.”",
        "Tom Baker",
    ),
    "a_thing_that_underscores_speaks_for_whoever_says_so": (
        "Maria Lopez is cautious, warning that the turmoil after the vote underscores a need for "
        "“calm, steady, experienced leadership in city hall.”",
        "Maria Lopez",
    ),
    "expressing_confidence_reports_words": (
        "In an interview on Monday, Maria Lopez expressed confidence that the bridge would not be an issue "
        "“that is going to affect either the vote or my term.”",
        "Maria Lopez",
    ),
    "the_senator_is_the_person_titled_senator": (
        "Sen. Maria Lopez of Oregon met the mayor, Tom Baker, on Monday. The senator said the bridge was “a disgrace.”",
        "Maria Lopez",
    ),
    "inverted_cue_opening_its_sentence": (
        "Continued Tom Baker: “So I think it is a very real problem. And the best thing we can do is register voters.”",
        "Tom Baker",
    ),
    "the_spokesman_is_the_person_given_that_title": (
        "Tom Baker, the city's spokesman, spoke after Maria Lopez. “We will rebuild it,” the spokesman said.",
        "Tom Baker",
    ),
    "name_read_as_an_auxiliary_before_the_cue": (
        "Tom Baker wrote a column about the bridge on Monday.\n\n"
        "“The vote was a reminder that the city can still surprise us,” Will wrote.",
        "Will",
    ),
    "name_read_as_an_adverb_before_the_cue": (
        "Informed of the new map, Early described it as “news to me.”",
        "Early",
    ),
    "verb_the_parse_could_not_place_shares_the_subject": (
        "Tom Baker took the stage late. He gestured to the crowd, then leaned in and boomed: "
        "“Let’s win this in November.”",
        "Tom Baker",
    ),
    "nearest_of_two_parsed_subjects_speaks": (
        "Washington (AFP) – Democrat Maria Lopez has taken a swipe at rival Tom Baker’s stance on the bridge, "
        "saying that “loud comments” do more harm than good.",
        "Maria Lopez",
    ),
    "participle_after_whom_a_message_went_to_goes_to_its_sender": (
        "Even before Maria Lopez took the stage Tuesday night to thank the crowd, her campaign sent out a text "
        'message to supporters saying: "With your help, we were just declared the winner in Salem!"',
        "her campaign",
    ),
    "agent_of_a_passive_cue_hung_from_the_quoted_name": (
        'This feature of the toll plan has been called "a quiet tax" by Maria Lopez, a professor at Salem University.',
        "Maria Lopez",
    ),
    "figures_cited_are_those_of_whom_made_them": (
        'A "living wage" for a single adult in Salem is about $15 an hour, according to calculations by '
        "Maria Lopez of Salem University.",
        "Maria Lopez",
    ),
    "email_speaks_for_whom_sent_it": (
        "In addition, a fundraising email sent out by Tom Baker on Tuesday night warned of the tough fight ahead: "
        '"There are nine council votes over the next three weeks."',
        "Tom Baker",
    ),
    "participle_deep_in_another_clause_goes_to_the_main_subject": (
        "Maria Lopez spoke on Monday. She has pushed back against accusations of bias against her father, "
        "saying he has been a pioneer in promoting women in his companies and calling him “a feminist.”",
        "Maria Lopez",
    ),
    "participle_hung_from_the_quoted_words_goes_to_who_reports_them": (
        "The two lawmakers, however, argue that “there is no reason for delay,” citing a case in which "
        'a clerk was fined for "gross negligence."',
        ("The two lawmakers", "The two lawmakers"),
    ),
    "second_verb_hung_from_a_quoted_word_goes_to_the_main_subject": (
        'Tom Baker spoke at the hall. He called it "shameful" and called on leaders "not to feed that fear."',
        ("Tom Baker", "Tom Baker"),
    ),
    "participle_opening_a_sentence_goes_on_with_the_subject_before": (
        "Later in the show, Maria Lopez said of the audit that the county report “was not good.” "
        "Adding, “Now, like with all of these audits, what they find is never that bad.”",
        ("Maria Lopez", "Maria Lopez"),
    ),
    "speaker_after_name_and_title_and_the_next_quote_keeps_it": (
        "''We do not think the bridge is safe,'' Tom Baker, the chief engineer of the Brookfield water board, "
        "said on Sunday. ''The cracks have grown every month since the flood.''",
        ("Tom Baker", "Tom Baker"),
    ),
    "single_newlines_break_paragraphs_even_with_a_blank_line_elsewhere": (
        "Tom Baker and Maria Lopez spoke.\n\nIt was a long night.\n"
        "“The first line has its own speaker,” Baker said.\n"
        "“The second line is a new paragraph of the same remarks.”\n"
        "Lopez said she disagreed with him.",
        ("Tom Baker", "Tom Baker"),
    ),
    "heading_after_a_quote_is_no_signature": (
        "Tom Baker said the city would not leave the region.\n\n"
        "“That is because this region remains the most important one for our future.”\n\n"
        "BRIDGE COUNTER.\n\n"
        "Maria Lopez took the stage next.",
        "Tom Baker",
    ),
    "participle_after_a_quote_is_no_inverted_cue": (
        "Tom Baker has delivered an impassioned defense of “Salem values,” saying the city embodied the "
        "“bravery, heart and soul of Oregon.”",
        ("Tom Baker", "Tom Baker"),
    ),
    "line_about_someone_after_a_quote_is_no_signature": (
        "Tom Baker told the council on Monday:\n\n"
        "“We will finish the bridge before the winter comes.”\n\n"
        "Maria Lopez disagreed with the schedule and left early.",
        "Tom Baker",
    ),
    "pronoun_goes_to_the_speaker_of_the_main_clause": (
        "Tom Baker said that Carl Henning has energized a lot of young voters this year. "
        "He added, “What I am so impressed with is that we have these new people.”",
        "Tom Baker",
    ),
    "cue_in_a_clause_about_someone_else_keeps_the_speaker": (
        "“We will stay in the race,” said Tom Baker, a Nevada delegate, who noted that his rival Carl Henning "
        "wrote to the party. “I hold the chair responsible for this mess.”",
        ("Tom Baker", "Tom Baker"),
    ),
    "relative_pronoun_after_an_apposition_is_the_named_person": (
        "“She crushed him,” said Rep. Tim Waller, a Clinton endorser, who noted the calls. "
        "“In terms of incoming calls, it was close.”",
        ("Tim Waller", "Tim Waller"),
    ),
    "the_vice_president_is_not_the_president": (
        "President Tom Baker and Vice President Carl Henning toured the plant. "
        "The vice president said the plant was “the pride of the county.”",
        "Carl Henning",
    ),
    "dashed_sentence_after_a_quote_is_no_signature": (
        "Tom Baker told the council on Monday:\n\n"
        "“We will finish the bridge before the winter comes.”\n\n"
        "- Maria Lopez won 84 percent of the vote in the county.",
        "Tom Baker",
    ),
    "person_after_an_inverted_cue_beats_a_thing_taken_for_subject": (
        "The rejection of the treaty signals “the beginning of the end” for the union, said Maria Lopez, "
        "a historian at Dayton College.",
        "Maria Lopez",
    ),
}


@pytest.mark.parametrize("text, speaker", SPEAKER_CASES.values(), ids=SPEAKER_CASES.keys())
def test_speaker_of_every_quote(nlp, text, speaker):
    # one speaker: the text holds one quote; a tuple: one speaker per quote, in order
    expected = (speaker,) if isinstance(speaker, str) else speaker
    assert tuple(q.speaker for q in quotes_of(nlp, text)) == expected


VOX_POPS = (
    "We asked readers what the new bridge means to them.\n\n"
    "“I drive across it every morning and it saves me twenty minutes. I hope they keep the tolls low.”\n\n"
    "— Jane Morrow, 34, Dayton, Ohio\n\n"
    "“The old bridge was a disgrace. This one is beautiful, and my kids love the bike lane.”\n\n"
    "-- Carl Henning, retired teacher\n\n"
    '"It took them far too long to build. Nobody asked us what we wanted."\n'
    "Priya Natarajan, nurse, Springfield\n\n"
    "“We walk over it every Sunday with the dog.” — Lena Osei, Columbus"
)


def test_quotation_dash_signs_each_line_of_a_roundup(nlp):
    # U+2015, the quotation dash, signs quotes in roundups; a hyphen U+2010 is a dash too
    text = (
        "We asked readers what they thought of the debate.\n"
        "“He made simple blanket statements about people he knows nothing about.” ― Pamela Padilla\n"
        "“I cannot believe how low this campaign has gone.”― Carla Sanchez.\n"
        "“Tonight showed who he really is.” \u2010 Jorge Falcon\n"
        "“Fix the culvert before the next storm.”\n―Maria Santos, Eastside\n"
    )
    quotes = quotes_of(nlp, text)
    assert [q.speaker for q in quotes] == ["Pamela Padilla", "Carla Sanchez", "Jorge Falcon", "Maria Santos"]
    assert [text[q.speaker_start : q.speaker_end] for q in quotes] == [q.speaker for q in quotes]


def test_reader_quotes_each_signed_on_their_own_line(nlp):
    quotes = quotes_of(nlp, VOX_POPS)
    assert [q.speaker for q in quotes] == ["Jane Morrow", "Carl Henning", "Priya Natarajan", "Lena Osei"]
    assert all(VOX_POPS[q.speaker_start : q.speaker_end] == q.speaker for q in quotes)


HEADED_VOX_POPS = (
    "We asked readers what the new bridge means to them.\n\n"
    "Jane Morrow, 34, Dayton, Ohio:\n"
    "“I drive across it every morning and it saves me twenty minutes.”\n\n"
    "Carl Henning, retired teacher\n\n"
    "“The old bridge was a disgrace. This one is beautiful.”\n\n"
    "Priya Natarajan, nurse, Springfield\n"
    '"It took them far too long to build."'
)


def test_reader_quotes_each_headed_by_the_line_above(nlp):
    # a names line under a quote heads the next quote here, since the first quote had a head
    quotes = quotes_of(nlp, HEADED_VOX_POPS)
    assert [q.speaker for q in quotes] == ["Jane Morrow", "Carl Henning", "Priya Natarajan"]
    assert all(HEADED_VOX_POPS[q.speaker_start : q.speaker_end] == q.speaker for q in quotes)


@pytest.mark.parametrize(
    "above",
    ["Martin Alvarez via Getty Images.\n\n", "Clinton, surprise populist;\n", "Reuters Pictures, 2016\n\n"],
    ids=["photo_credit", "headline", "not_a_person"],
)
def test_a_line_above_a_quote_with_a_cue_heads_nothing(nlp, above):
    text = above + "“We will not stop,” the mayor said."
    [q] = quotes_of(nlp, text)
    assert q.speaker == "the mayor"


def test_pull_quote_signed_inside_its_marks(nlp):
    text = (
        "Readers wrote in about the strike.\n\n"
        '"My father worked at that plant for forty years and never saw anything like this.\n'
        'Martin Alvarez, Toledo, Ohio."\n\n'
        "The talks resume on Monday."
    )
    [q] = quotes_of(nlp, text)
    assert q.speaker == "Martin Alvarez"
    assert q.text == "My father worked at that plant for forty years and never saw anything like this."
    assert text[q.start : q.end] == q.text


def test_any_verb_framing_an_utterance_with_its_subject_before_it(nlp):
    text = "“You will never be mayor,” an angry Ana Ruiz retaliated."
    [q] = quotes_of(nlp, text)
    assert (text[q.speaker_start : q.speaker_end], q.cue) == ("an angry Ana Ruiz", "retaliated")


def test_main_clause_cue_between_quotes_hands_the_word_over(nlp):
    text = (
        "“Tell her I promised you a picture,” Ana Ebeling said, and her husband cut in. "
        "“Don’t forget me -- I have been friends with her since high school.”"
    )
    first, second = quotes_of(nlp, text)
    assert first.speaker == "Ana Ebeling"
    assert text[second.speaker_start : second.speaker_end] == "her husband"


def test_new_cue_between_broken_quotes_speaks_anew(nlp):
    text = "“I am just not ready to do that at this point,” Tom Baker said last week, though he said, “I hope to.”"
    first, second = quotes_of(nlp, text)
    assert text[first.speaker_start : first.speaker_end] == "Tom Baker"
    assert text[second.speaker_start : second.speaker_end] == "he"
    assert second.speaker == "Tom Baker"


def test_closing_mark_glued_to_the_speaker(nlp):
    text = "“I think it has been most surprising to me to see somebody traffic in prejudice,”Maria Lopez said."
    [q] = quotes_of(nlp, text)
    assert q.cue == "said"
    assert "Lopez" in text[q.speaker_start : q.speaker_end]


READER_QUOTE_VARIANTS = (
    "We asked readers about the new bridge.\n\n"
    "“I drive across it every morning and it saves me twenty minutes.” Jane Morrow, 34, Dayton, Ohio\n\n"
    "“The old bridge was a disgrace and this one is beautiful.”\nJohn Smith, retired teacher, Akron\n\n"
    "Carl Henning, 61, Springfield, Ohio:\n“It took them far too long to build. Nobody asked us what we wanted.”\n\n"
    "Lena Osei, Columbus: “We walk over it every Sunday with the dog.”\n\n"
    "“Best thing the town has done in years, honestly, and I have lived here for decades.”\n"
    "Priya Natarajan, registered nurse, Springfield"
)


def test_reader_quotes_signed_without_a_dash_or_labelled_before(nlp):
    quotes = quotes_of(nlp, READER_QUOTE_VARIANTS)
    assert [q.speaker for q in quotes] == ["Jane Morrow", "John Smith", "Carl Henning", "Lena Osei", "Priya Natarajan"]


def test_share_of_a_poll_speaks_through_the_poll(nlp):
    text = "In a Dayton Herald poll released Monday, 41 percent of voters said the bridge was “a waste of money.”"
    [q] = quotes_of(nlp, text)
    assert "poll" in text[q.speaker_start : q.speaker_end]


def test_owner_of_a_remark_speaks_it(nlp):
    text = (
        "Maria Lopez, the mayor, stirred a row at the harbour last week over her remark that "
        "“nobody in this town ever reads the budget.”"
    )
    [q] = quotes_of(nlp, text)
    assert text[q.speaker_start : q.speaker_end] == "her"
    assert q.speaker == "Maria Lopez"


def test_person_a_message_goes_to_is_not_its_speaker(nlp):
    text = "Senator Maria Lopez delivered a blunt message to Tom Baker: “It is time to stop attacking everyone.”"
    [q] = quotes_of(nlp, text)
    assert q.speaker != "Tom Baker"


def test_fragment_after_a_sentence_reported_before_keeps_that_speaker(nlp):
    text = (
        "Tom Baker studies rumours online.\n\n"
        "This makes it harder to correct false stories, he said. Good reporting can still win, "
        "but usually only when “the truth is more exciting than the lie.”"
    )
    [q] = quotes_of(nlp, text)
    assert text[q.speaker_start : q.speaker_end] == "he"
    assert q.speaker == "Tom Baker"


def test_fragment_in_a_new_sentence_goes_to_its_own_subject(nlp):
    text = (
        "Tom Baker credited the win to “a very hard campaign in the rain.” Later that night, "
        "Maria Lopez commanded the crews to “do the right thing and open the doors to everyone.”"
    )
    first, second = quotes_of(nlp, text)
    assert first.speaker == "Tom Baker"
    assert second.speaker == "Maria Lopez"


def test_person_the_inverted_cue_reports_about_does_not_speak(nlp):
    text = "Tom Baker's lawyer, Carl Henning, said Maria Lopez was “looking for free publicity.”"
    [q] = quotes_of(nlp, text)
    assert q.speaker != "Maria Lopez"


# text -> (the speaker span as written, the cue)
SPEAKER_SPAN_CASES = {
    "verb_of_saying_set_off_by_commas_reports_the_sentence": (
        "Tom Baker spoke on Monday. The council, Maria Lopez said, called the plan “a costly mistake.”",
        "Maria Lopez", "said",
    ),
    "newspaper_reporting_a_quote_is_its_source": (
        "Maria Lopez met the harbour workers and promised to “keep every job on the docks,” "
        "the Harbour Gazette reported.",
        "the Harbour Gazette", "reported",
    ),
    "according_to_at_the_start_of_the_sentence_names_the_source": (
        "According to the county report, Tom Baker said the bridge was “never safe for trucks.”",
        "the county report", "According to",
    ),
    "according_to_after_the_quote_names_the_source": (
        "Tom Baker said the bridge was “never safe for trucks,” according to the county report.",
        "the county report", "according to",
    ),
    "source_after_a_dash_and_before_a_colon": (
        "Turnout surprised the pollsters - Dayton Survey Lab: “Nobody expected this many young "
        "voters to show up on a rainy Tuesday.”",
        "Dayton Survey Lab", None,
    ),
    "one_of_a_group_speaks_after_an_inverted_cue": (
        "Three planes wrote messages over the parade. “Bridges not walls,” read one.", "one", "read",
    ),
    "framing_cue_after_a_quote_reports_the_verb_before_it": (
        "When asked about the new bridge, Maria Lopez said: "
        '"There will always be delays," the Harbour Gazette reported.',
        "the Harbour Gazette", "reported",
    ),
    "statement_noun_right_before_the_quote_is_its_cue": (
        "After the storm, Tom Baker issued a statement, “Last night our city was hit hard. We will rebuild.”",
        "Tom Baker", "statement",
    ),
    "verb_of_a_text_read_as_a_noun_after_the_quote": (
        "The Harbour Gazette aimed its editorial at the mayor.\n\n"
        "“If she wants to keep the job, Maria Lopez should come to the docks,” the editorial read.",
        "editorial", "read",
    ),
    "speaker_before_an_inverted_cue_the_parse_hung_from_it": (
        "“What if the mayor had elocution lessons?” the 43-year-old asked in the video’s description.",
        "43-year-old", "asked",
    ),
}


@pytest.mark.parametrize("text, span, cue", SPEAKER_SPAN_CASES.values(), ids=SPEAKER_SPAN_CASES.keys())
def test_speaker_span_and_cue_of_one_quote(nlp, text, span, cue):
    [q] = quotes_of(nlp, text)
    assert text[q.speaker_start : q.speaker_end] == span
    assert q.cue == cue

def test_speaker_the_parse_hung_inside_the_quoted_clause(nlp):
    # “We are tired,” a county source told the Gazette. -- built with the parse error the model makes
    # on some sentences: the source is an attribute of the quoted verb and the cue has no subject.
    words = ["“", "We", "are", "tired", ",", "”", "a", "county", "source", "told", "the", "Gazette", "."]
    spaces = [False, True, True, False, False, True, True, True, True, True, True, False, False]
    heads = [2, 2, 9, 2, 2, 2, 8, 8, 2, 9, 11, 9, 9]
    deps = "punct nsubj ccomp acomp punct punct det compound attr ROOT det dobj punct".split()
    pos = "PUNCT PRON AUX ADJ PUNCT PUNCT DET NOUN NOUN VERB DET PROPN PUNCT".split()
    lemmas = ["“", "we", "be", "tired", ",", "”", "a", "county", "source", "tell", "the", "Gazette", "."]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos, lemmas=lemmas)
    [q] = find_quotes(doc, find_entities(doc))
    assert (q.speaker, q.cue) == ("a county source", "told")
