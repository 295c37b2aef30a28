"""Quote grouping and difference classification on fictional quotes, and on the example corpus."""

from __future__ import annotations

from storyline.compare.quotes import QuoteSource, group_quotes, same_quotation, side_by_side, tokenize
from storyline.model import Quote

BASE = "The harbour plan will cost the town far more than anyone has admitted so far."


def source(article: str, *quotes: str, speaker: str = "Edda Morrow", between: str = " she said. ") -> QuoteSource:
    """An article whose text holds the given quotes, each in double marks, one paragraph each."""
    text, records = "", []
    for q in quotes:
        text += "\u201c"
        records.append(Quote(q, len(text), len(text) + len(q), speaker=speaker, cue="said"))
        text += q + "\u201d" + between + "\n\n"
    return QuoteSource(article, text, records)


def split_source(article: str, first: str, second: str) -> QuoteSource:
    text = f"\u201c{first}\u201d she said, \u201c{second}\u201d"
    a = text.index(first)
    b = text.index(second)
    quotes = [
        Quote(first, a, a + len(first), speaker="Edda Morrow", cue="said", cue_start=len(first) + 3),
        Quote(second, b, b + len(second), speaker="Edda Morrow", cue="said", cue_start=len(first) + 3),
    ]
    return QuoteSource(article, text, quotes)


def only_group(*sources: QuoteSource):
    groups = group_quotes(list(sources))
    assert len(groups) == 1, [[v.text for v in g.variants] for g in groups]
    return groups[0]


def kinds(group) -> dict[str, list[str]]:
    return {d.kind: d.articles for d in group.differences}


def test_lower_cased_variant_is_grouped_as_case():
    g = only_group(source("a", BASE), source("b", BASE[0].lower() + BASE[1:]))
    assert kinds(g) == {"case": ["b"]}
    assert g.differences[0].detail == '"The" -> "the"'
    assert g.speaker == "Edda Morrow"
    assert g.variants[0].article == "a"  # the clean version is the reference


def test_sic_is_editorial():
    g = only_group(source("a", BASE), source("b", BASE.replace("plan will", "plan [sic] will")))
    assert kinds(g) == {"editorial": ["b"]}
    assert g.differences[0].detail == 'inserted "[sic]"'


def test_bracketed_replacement_is_editorial():
    g = only_group(source("a", BASE), source("b", BASE.replace("the town", "[Kellport]")))
    assert kinds(g) == {"editorial": ["b"]}
    assert g.differences[0].detail == '"the town" -> "[Kellport]"'


def test_ellipsis_cut_is_an_omission_marked_as_such():
    cut = "The harbour plan will cost the town far more ... so far."
    g = only_group(source("a", BASE), source("b", cut))
    assert kinds(g) == {"omission": ["b"]}
    assert g.differences[0].detail == 'omitted "than anyone has admitted" (marked …)'


def test_cut_without_ellipsis_is_an_omission():
    g = only_group(source("a", BASE), source("b", "will cost the town far more than anyone has admitted so far."))
    assert kinds(g) == {"omission": ["b"]}
    assert "The harbour plan" in g.differences[0].detail


def test_split_around_she_said():
    g = only_group(
        source("a", BASE),
        split_source("b", "The harbour plan will cost the town far more,", "than anyone has admitted so far."),
    )
    assert kinds(g) == {"split": ["b"]}
    assert g.differences[0].detail == 'split around "she said"'
    split_variant = next(v for v in g.variants if v.article == "b")
    assert "she said" in split_variant.text  # the variant spans both pieces


def test_one_changed_word_is_a_substitution_naming_both_words():
    g = only_group(source("a", BASE), source("b", BASE.replace("plan", "scheme")))
    assert kinds(g) == {"substitution": ["b"]}
    assert g.differences[0].detail == '"plan" -> "scheme"'


def test_inserted_word_is_an_insertion_against_the_wording_most_outlets_share():
    g = only_group(source("a", BASE), source("b", BASE.replace("cost the town", "cost the whole town")), source("c", BASE))
    assert kinds(g) == {"insertion": ["b"]}
    assert g.differences[0].detail == 'inserted "whole"'


def test_changed_punctuation():
    g = only_group(source("a", "We asked, and they said no to every single request."),
                   source("b", "We asked and they said no to every single request."))
    assert kinds(g) == {"punctuation": ["b"]}


def test_trailing_comma_or_period_is_no_difference():
    g = only_group(source("a", BASE[:-1] + ","), source("b", BASE))
    assert g.differences == []


def test_different_quotes_of_the_same_speaker_are_not_grouped():
    other = "The harbour will be open to fishing boats again by the end of the month."
    short = "We are going to fight this."
    groups = group_quotes([source("a", BASE, other, short), source("b", BASE.lower(), "We are going to win.")])
    assert len(groups) == 1
    assert {v.text for v in groups[0].variants} == {BASE, BASE.lower()}


def test_common_phrase_does_not_make_a_short_quote_a_variant():
    long = "I think we are going to see a lot more of this kind of thing over the coming winter months."
    assert not same_quotation(tokenize(["we are going to see"]).plain(), tokenize([long]).plain())


def test_quotes_in_only_one_article_are_not_a_group():
    assert group_quotes([source("a", BASE), source("b", "Something else entirely was said here today.")]) == []


def test_side_by_side_marks_the_changed_word_and_the_cue():
    left, right = side_by_side(BASE, "The harbour scheme will cost the town far more,\u201d she said, \u201cthan anyone has admitted so far.")
    assert ("plan", "changed") in left and ("scheme", "changed") in right
    assert ("she said", "cue") in right



def test_two_quotes_around_a_finished_sentence_are_not_one_variant():
    first, second = "The ferry came in far too fast,", "We are lucky nobody was hurt."
    text = f"\u201c{first}\u201d said Ms. Holt, who watched from the tower. \u201c{second}\u201d"
    a, b = text.index(first), text.index(second)

    def quotes() -> list[Quote]:
        return [Quote(first, a, a + len(first), speaker="Edda Holt"), Quote(second, b, b + len(second), speaker="Edda Holt")]

    groups = group_quotes([QuoteSource("x", text, quotes()), QuoteSource("y", text, quotes())])
    assert sorted(v.text for g in groups for v in g.variants if v.article == "x") == sorted([first, second])


def test_quotations_worded_differently_come_before_those_quoted_alike():
    same = "The harbour will be open to fishing boats again by the end of the month."
    groups = group_quotes([source("a", same, BASE), source("b", same, BASE.lower()), source("c", same)])
    assert [len(g.variants) for g in groups] == [2, 3]  # the changed one first, though fewer quote it
    assert groups[0].differences and not groups[1].differences
