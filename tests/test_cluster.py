"""Story clustering on fictional articles: two look-alike stories about different people and
places, plus unrelated articles. Real Analyzer, real models."""

from __future__ import annotations

import dataclasses
import json
import math
import random
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from typer.testing import CliRunner

from storyline.analyze import Analyzer
from storyline.cluster import DocFreq, OnlineClusterer, ScoreModel, article_features, choose_model, cluster, explain
from storyline.cluster.batch import cluster_features, publication_order
from storyline.cluster.features import FEATURES, pair_features, profile
from storyline.cluster.online import MEMBERS, connectivity
from storyline.model import Article, Provenance, Source, StoryAssignment

T0 = datetime(2031, 4, 2, 8, 0, tzinfo=timezone.utc)

# (id, hours after T0, outlet, title, text)
FIXTURE = [
    ("kov1", 0, "Daily Ledger", "Actress Maria Kovansky enters rehab clinic in Denver",
     "Actress Maria Kovansky has checked into a rehab clinic in Denver, her publicist said on Tuesday. "
     "Kovansky, 34, star of the drama Silver Harbor, entered the Blue Pines treatment center for alcohol "
     "addiction. Her publicist Dana Whitlow asked for privacy for Kovansky and her family."),
    ("kov2", 3, "Morning Courier", "Maria Kovansky checks into Denver rehab",
     "Maria Kovansky, the 34-year-old Silver Harbor actress, checked into the Blue Pines rehab center in "
     "Denver on Tuesday. Publicist Dana Whitlow said Kovansky is seeking treatment for alcohol addiction "
     "and thanked fans for their support."),
    ("kov3", 20, "Evening Star", "Kovansky in rehab: what we know",
     "Maria Kovansky entered rehab at Blue Pines in Denver this week. The actress, 34, has struggled with "
     "alcohol for years, friends said. Dana Whitlow, her publicist, said Kovansky will stay for thirty days."),
    ("bre1", 5, "Daily Ledger", "Singer Tomas Brellin enters rehab clinic in Lisbon",
     "Singer Tomas Brellin has checked into a rehab clinic in Lisbon, his manager said on Tuesday. "
     "Brellin, 41, known for the album Night Trains, entered the Casa Verde treatment center for drug "
     "addiction. His manager Paulo Ferreira asked for privacy for Brellin and his family."),
    ("bre2", 9, "Morning Courier", "Tomas Brellin checks into Lisbon rehab",
     "Tomas Brellin, the 41-year-old Night Trains singer, checked into the Casa Verde rehab center in "
     "Lisbon on Tuesday. Manager Paulo Ferreira said Brellin is seeking treatment for drug addiction "
     "and thanked fans for their support."),
    ("bre3", 26, "Evening Star", "Brellin in rehab: what we know",
     "Tomas Brellin entered rehab at Casa Verde in Lisbon this week. The singer, 41, has struggled with "
     "drugs for years, friends said. Paulo Ferreira, his manager, said Brellin will stay for six weeks."),
    ("brg1", 2, "Harbor Times", "Velmora harbor bridge closes for repairs",
     "The harbor bridge in Velmora will close for three months of repairs starting Monday, the city "
     "transport office said. Engineers found corroded cables during an inspection in March. Ferries "
     "will run every twenty minutes while the bridge is closed."),
    ("brg2", 7, "Coastal News", "Velmora bridge closure: ferries to run every 20 minutes",
     "Velmora's harbor bridge closes on Monday for three months after inspectors found corroded cables. "
     "The city transport office said extra ferries will run every twenty minutes during the repairs."),
    ("chs1", 4, "Coastal News", "Grandmaster Ilse Marten wins Kessington chess open",
     "Ilse Marten won the Kessington chess open on Sunday, beating the defending champion in a tense "
     "final round. Marten, 19, is the youngest winner in the tournament's history."),
]
GOLD = {"kov1": "K", "kov2": "K", "kov3": "K", "bre1": "B", "bre2": "B", "bre3": "B",
        "brg1": "G", "brg2": "G", "chs1": "C"}


def make_articles(shift_hours: dict[str, float] | None = None) -> list[Article]:
    shift_hours = shift_hours or {}
    return [
        Article(text=text, title=title, source=Source(outlet), provenance=Provenance("fixture", aid), id=aid,
                published=T0 + timedelta(hours=hours + shift_hours.get(aid, 0)))
        for aid, hours, outlet, title, text in FIXTURE
    ]


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return make_articles()


@pytest.fixture(scope="module")
def features(analyzer, articles):
    return [article_features(a, an) for a, an in zip(articles, analyzer.pipe(articles))]


def partition(assignments) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for a in assignments:
        groups.setdefault(a.story, set()).add(a.id)
    return {frozenset(g) for g in groups.values()}


GOLD_PARTITION = {frozenset(k for k, v in GOLD.items() if v == s) for s in set(GOLD.values())}


def test_features_use_lemmas_entities_and_title(features):
    kov1 = next(f for f in features if f.id == "kov1")
    assert "clinic" in kov1.terms and "the" not in kov1.terms
    assert any(k.startswith("person:") and "kovansky" in k for k in kov1.entities)
    assert any(k.startswith("place:") and "denver" in k for k in kov1.entities)
    assert "rehab" in kov1.title_terms and "enter" in kov1.title_terms  # "enters" -> lemma of the body


def test_lead_holds_the_names_of_the_title_and_first_sentences(features):
    kov1 = next(f for f in features if f.id == "kov1")
    assert {"name:kovansky", "name:denver", "name:blue"} <= set(kov1.lead)
    # the publicist is named in the third sentence only: a name of the body, not of the lead
    assert "name:whitlow" in kov1.names and "name:whitlow" not in kov1.lead
    assert set(kov1.lead) <= set(kov1.names)


def test_a_one_article_story_is_joined_only_above_the_seed_bar(features):
    base = cluster_features(features).model
    by_id = {f.id: f for f in features}
    strict = dataclasses.replace(base, seed_threshold=1.1, merge_threshold=1.1, adopt_threshold=None)
    assert strict.join_bar(1) == 1.1 and strict.join_bar(2) == base.join_threshold
    online = OnlineClusterer(strict, DocFreq.of(features))
    online.add(by_id["kov1"])
    second = online.add(by_id["kov2"])
    assert second.best.probability >= base.join_threshold and not second.joined  # only the seed bar kept it out
    # a story of two articles is joined at the join threshold
    pair = OnlineClusterer(strict, DocFreq.of(features))
    story = pair.add(by_id["kov1"]).story
    pair.place("kov2", pair.observe(by_id["kov2"])[0], story)
    third = pair.add(by_id["kov3"])
    assert third.joined and third.story == story
    assert dataclasses.replace(base, seed_threshold=None).join_bar(1) == base.join_threshold


def test_lookalike_stories_are_kept_apart_and_grouped(features):
    result = cluster_features(features)
    assert result.model.name == "article"
    assert partition(result.assignments) == GOLD_PARTITION


def test_story_records(features, articles):
    result = cluster_features(features)
    story = next(s for s in result.stories if "kov1" in s.article_ids)
    assert sorted(story.article_ids) == ["kov1", "kov2", "kov3"]
    assert story.headline in {a.title for a in articles if a.id.startswith("kov")}
    assert story.sources == ["Daily Ledger", "Evening Star", "Morning Courier"]
    assert story.first_seen == T0 and story.last_seen == T0 + timedelta(hours=20)
    assert sum(s.size for s in result.stories) == len(articles)


def test_explanation_separates_people(features):
    by_id = {f.id: f for f in features}
    idf = DocFreq.of(features)
    model = cluster_features(features).model
    same = explain(by_id["kov1"], by_id["kov2"], idf, model)
    lookalike = explain(by_id["kov1"], by_id["bre1"], idf, model)
    assert set(same.features) == set(FEATURES) == set(same.contributions)
    assert same.together and not lookalike.together
    assert same.probability > lookalike.probability
    assert same.features["person"] > 0.5 and lookalike.features["person_clash"] > 0.5
    assert any("kovansky" in key for key, _ in same.shared)
    logit = sum(lookalike.contributions.values()) + lookalike.bias
    assert lookalike.probability == pytest.approx(1 / (1 + 2.718281828459045 ** -logit), abs=1e-3)


def test_batch_ignores_input_order_and_equals_online(features):
    shuffled = features[:]
    random.Random(7).shuffle(shuffled)
    batch = partition(cluster_features(features).assignments)
    assert partition(cluster_features(shuffled).assignments) == batch
    model = cluster_features(features).model
    online = OnlineClusterer(model, DocFreq.of(features))
    for f in publication_order(shuffled):
        online.add(f)
    online.finish()
    assert partition(online.assignments()) == batch
    assert {a.id: a.story for a in online.assignments()} == {a.id: a.story for a in cluster_features(shuffled).assignments}


def test_undated_articles_keep_their_arrival_order(features):
    # dated ones by time whatever the input order; undated ones after them, as they came
    dated = sorted(features[:4], key=lambda f: (f.published, f.id))
    undated = [dataclasses.replace(f, published=None) for f in features[4:10]]
    arrived = list(reversed(undated)) + list(reversed(dated))
    assert [f.id for f in publication_order(arrived)] == [f.id for f in dated + list(reversed(undated))]


def test_online_decisions_record_the_best_candidate(features):
    model = cluster_features(features).model
    online = OnlineClusterer(model)  # document frequencies learned as articles arrive
    decisions = {f.id: online.add(f) for f in publication_order(features)}
    assert not decisions["kov1"].joined and decisions["kov1"].best is None
    assert decisions["kov2"].joined and decisions["kov2"].story == decisions["kov1"].story
    assert decisions["kov2"].best.probability >= model.join_threshold


def test_stories_fade_outside_the_time_window(analyzer):
    later = make_articles({"kov3": 24 * 90})  # the third report comes three months later
    result = cluster(later, analyzer.pipe(later))
    story_of = {a.id: a.story for a in result.assignments}
    assert story_of["kov1"] == story_of["kov2"] != story_of["kov3"]


def test_the_same_story_years_apart_still_finds_this_years_reports(features):
    """Yearly repeats of one story share every key; the old ones must not crowd out the new."""
    kov = [f for f in features if f.id.startswith("kov")]
    clusterer = OnlineClusterer(choose_model(features), DocFreq.of(features), max_posting=4)
    year = 365 * 86_400.0
    for n in range(8):
        for f in kov:
            clusterer.add(dataclasses.replace(f, id=f"{f.id}-{n}", published=f.published + n * year))
    stories = {s.story for s in clusterer.assignments()}
    assert len(stories) == 8  # one per year: kov1, kov2 and kov3 of a year together
    assert max(len(p) for p in clusterer.postings.values()) <= 1  # only the current year's story is listed
    assert [len(s.members) for s in clusterer.stories.values()] == [0] * 7 + [3]  # the old ones freed theirs


def test_stories_found_to_be_one_are_merged(features):
    # Joining is switched off, so every article starts a story; merge passes must rebuild the groups.
    base = cluster_features(features).model
    model = ScoreModel("no-join", base.weights, base.bias, join_threshold=1.1, merge_threshold=base.join_threshold)
    online = OnlineClusterer(model, DocFreq.of(features), merge_every=0)
    for f in publication_order(features):
        online.add(f)
    assert len(online.stories) == len(features)
    online.finish()
    assert partition(online.assignments()) == GOLD_PARTITION
    assert len(online.merges) == len(features) - len(GOLD_PARTITION)
    kov_story = online.story_of["kov1"]
    assert all(m.probability >= model.merge_threshold for m in online.merges)
    assert kov_story == online.decisions["kov1"].story  # the oldest story keeps its id


def test_stories_merge_on_how_their_articles_link_to_each_other(features):
    # The two rehab stories as two stories; a merge pass merges them exactly when the mean probability
    # of one story's articles joining the other reaches the merge bar, and records that probability;
    # a model that merges by centroids uses the probability of the two stories' sums instead.
    model = dataclasses.replace(cluster_features(features).model, join_threshold=1.1, adopt_threshold=None)

    def rehab_stories(merge_threshold: float, by_linkage: bool = True) -> OnlineClusterer:
        merging = dataclasses.replace(model, merge_threshold=merge_threshold, merge_by_linkage=by_linkage)
        online = OnlineClusterer(merging, DocFreq.of(features), merge_every=0)
        for f in publication_order(features):
            if f.id[:3] in ("kov", "bre"):
                online.place(f.id, online.observe(f)[0], f.id[:3])
        return online

    online = rehab_stories(1.1)
    kov, bre = online.stories["kov"], online.stories["bre"]
    assert len(kov.members) == 3 <= MEMBERS
    link = online.linkage(kov, bre)
    assert link == pytest.approx(
        sum(model.probability(pair_features(m, bre.profile)) for m in kov.members.values()) / 3
    )
    centroids = model.probability(pair_features(kov.profile, bre.profile))
    assert link != pytest.approx(centroids)
    for by_linkage, probability in ((True, link), (False, centroids)):
        above = rehab_stories(probability * 1.01, by_linkage)
        above.merge_pass()
        assert len(above.stories) == 2 and not above.merges
        at = rehab_stories(probability, by_linkage)
        at.merge_pass()
        assert len(at.stories) == 1
        assert at.merges[0].probability == pytest.approx(probability)
        assert len(at.stories["kov"].members) == MEMBERS  # the first articles of both, oldest story first


def test_subtract_takes_out_what_absorb_added(features):
    by_id = {f.id: f for f in features}
    idf = DocFreq.of(features)
    kov1, bre1 = profile(by_id["kov1"], idf), profile(by_id["bre1"], idf)
    story = kov1.copy()
    story.absorb(bre1)
    assert story.size == 2 and story.norm("person") != pytest.approx(kov1.norm("person"))
    story.subtract(bre1)
    assert story.size == 1
    for name in ("terms", "title", "names", "lead", "rare", "person", "place"):
        assert story.vector(name).keys() == kov1.vector(name).keys()  # bre1's own keys are gone, not ~0
        assert story.vector(name) == pytest.approx(kov1.vector(name))
        assert story.norm(name) == pytest.approx(kov1.norm(name))  # a cached norm is updated
    story.absorb(bre1)
    with story.without(bre1) as rest:
        assert rest.size == 1 and rest.vector("person") == pytest.approx(kov1.vector("person"))
        assert rest.norm("terms") == pytest.approx(kov1.norm("terms"))
    assert story.size == 2 and story.norm("terms") == pytest.approx(math.sqrt(sum(x * x for x in story.terms.values())))


def misplaced(features, model: ScoreModel) -> OnlineClusterer:
    """The rehab stories as an online pass could leave them: the singer's first report, early,
    in the actress's story (bre1), the singer's later reports a story of their own."""
    online = OnlineClusterer(model, DocFreq.of(features), merge_every=0)
    for f in publication_order(features):
        if f.id[:3] in ("kov", "bre"):
            online.place(f.id, online.observe(f)[0], "kov" if f.id in ("kov1", "bre1", "kov2", "kov3") else "bre")
    return online


def test_reassignment_moves_an_early_report_to_the_story_it_fits(features):
    model = dataclasses.replace(cluster_features(features).model, merge_threshold=1.1, adopt_threshold=None)
    rehab = [f for f in publication_order(features) if f.id[:3] in ("kov", "bre")]
    online = misplaced(features, model)
    assert "bre1" in online.stories["kov"].members
    assert online.reassign(rehab) == 1
    assert partition(online.assignments()) == {frozenset({"kov1", "kov2", "kov3"}), frozenset({"bre1", "bre2", "bre3"})}
    [move] = online.moves
    assert (move.article, move.left, move.joined) == ("bre1", "kov", "bre")
    assert move.probability > move.stay and move.probability >= model.join_threshold
    kov = online.stories["kov"]
    assert "bre1" not in kov.members and kov.profile.size == len(kov.article_ids) == 3
    assert online.reassign(rehab) == 0  # stable: nothing fits better now


def test_a_story_an_article_left_spans_its_own_articles_again(features):
    """The singer's last report, placed in the actress's story, stretched its span by six days."""
    model = dataclasses.replace(cluster_features(features).model, merge_threshold=1.1, adopt_threshold=None)
    rehab = [f for f in publication_order(features) if f.id[:3] in ("kov", "bre")]
    online = OnlineClusterer(model, DocFreq.of(features), merge_every=0)
    for f in rehab:
        online.place(f.id, online.observe(f)[0], "kov" if f.id.startswith("kov") or f.id == "bre3" else "bre")
    kov = online.stories["kov"]
    assert kov.profile.last == max(f.published for f in rehab)  # bre3's
    assert online.reassign(rehab) == 1 and online.story_of["bre3"] == "bre"
    own = [f for f in rehab if f.id.startswith("kov")]
    assert (kov.profile.first, kov.profile.last) == (min(f.published for f in own), max(f.published for f in own))
    assert kov.profile.last_arrival == max(online.meta[f.id].arrival for f in own)


def test_finish_reassigns_only_when_the_model_says_so(features):
    rehab = [f for f in publication_order(features) if f.id[:3] in ("kov", "bre")]
    model = dataclasses.replace(cluster_features(features).model, merge_threshold=1.1, adopt_threshold=None)
    for reassign, moved in ((False, 0), (True, 1)):
        online = misplaced(features, dataclasses.replace(model, reassign=reassign))
        online.finish(rehab)
        assert len(online.moves) == moved and (online.story_of["bre1"] == "bre") == reassign
    without_articles = misplaced(features, dataclasses.replace(model, reassign=True))
    without_articles.finish()  # a live desk that cannot list its articles again keeps its stories
    assert without_articles.story_of["bre1"] == "kov" and not without_articles.moves


def test_closed_stories_are_not_reassigned(features):
    model = dataclasses.replace(cluster_features(features).model, merge_threshold=1.1, adopt_threshold=None)
    online = misplaced(features, model)
    online.advance(max(f.published for f in features) + 90 * 86_400.0)  # both stories out of the window
    assert online.reassign([f for f in features if f.id[:3] in ("kov", "bre")]) == 0
    assert online.story_of["bre1"] == "kov"


def one_story(features, model: ScoreModel, ids: tuple[str, ...]) -> tuple[OnlineClusterer, list]:
    """The given rehab reports, all in one story "kov", as an online pass could leave them."""
    chosen = [f for f in publication_order(features) if f.id in ids]
    online = OnlineClusterer(model, DocFreq.of(features), merge_every=0)
    for f in chosen:
        online.place(f.id, online.observe(f)[0], "kov")
    return online, chosen


REHAB = ("kov1", "kov2", "kov3", "bre1", "bre2", "bre3")


def test_a_story_of_two_events_is_split_in_two_at_the_end(features):
    model = dataclasses.replace(cluster_features(features).model, merge_threshold=1.1, adopt_threshold=None)
    online, rehab = one_story(features, model, REHAB)
    assert online.split(rehab, 0.5) == 1
    assert partition(online.assignments()) == {frozenset({"kov1", "kov2", "kov3"}), frozenset({"bre1", "bre2", "bre3"})}
    [split] = online.splits
    assert split.story == "kov" and split.articles == ["bre1", "bre2", "bre3"] and split.connectivity < 0.5
    assert online.story_of["bre1"] == split.new != "kov"
    singer = online.stories[split.new]
    assert singer.profile.size == 3 and online.stories["kov"].profile.size == 3
    assert singer.profile.first == min(f.published for f in rehab if f.id.startswith("bre"))
    assert not online._dirty  # the halves are not merged back at this finish
    assert online.split(rehab, 0.5) == 0  # each half holds together


def test_a_story_is_split_only_below_the_bar_and_from_six_articles(features):
    model = dataclasses.replace(cluster_features(features).model, merge_threshold=1.1, adopt_threshold=None)
    online, rehab = one_story(features, model, REHAB)
    assert online.split(rehab, 0.01) == 0 and len(online.stories) == 1
    five, rehab = one_story(features, model, REHAB[:5])
    assert five.split(rehab, 0.99) == 0 and len(five.stories) == 1


def test_copies_count_once_when_a_story_is_split(features):
    """Reprints of one text are a block of pairs scored near 1: counted once per copy, they would
    make one event look like two groups."""
    model = dataclasses.replace(cluster_features(features).model, merge_threshold=1.1, adopt_threshold=None)
    actress = [f for f in publication_order(features) if f.id.startswith("kov")]
    reprints = [dataclasses.replace(f, id=f"{f.id}-copy{n}") for f in actress for n in range(3)]
    online = OnlineClusterer(model, DocFreq.of(features), merge_every=0)
    for f in actress + reprints:
        online.place(f.id, online.observe(f)[0], "kov")
    texts, links = online._texts([profile(f, online.idf) for f in actress + reprints])
    assert sorted(len(t) for t in texts) == [4, 4, 4] and links.shape == (3, 3)
    assert online.split(actress + reprints, 0.99) == 0  # three texts: too few to split, however linked
    online, rehab = one_story(features, model, REHAB)
    for f in [dataclasses.replace(f, id=f"{f.id}-copy") for f in rehab]:
        online.place(f.id, online.observe(f)[0], "kov")
    assert online.split(rehab + [dataclasses.replace(f, id=f"{f.id}-copy") for f in rehab], 0.5) == 1
    moved = online.splits[0].articles
    assert len(moved) == 6 and {a[:4] for a in moved} == {"bre1", "bre2", "bre3"}  # each text with its copy


def test_a_story_whose_first_articles_all_left_in_a_split_still_links(features):
    """The singer's reports came first (they are the story's members); the split keeps the half of the
    first article given, the actress's: the story kept has no members left to average over."""
    model = dataclasses.replace(cluster_features(features).model, merge_threshold=1.1, adopt_threshold=None)
    by = {f.id: f for f in features}
    copies = [dataclasses.replace(by[i], id=f"{i}-copy") for i in ("bre1", "bre2")]
    online = OnlineClusterer(model, DocFreq.of(features), merge_every=0)
    for f in [by["bre1"], by["bre2"], by["bre3"], *copies, by["kov1"], by["kov2"], by["kov3"]]:
        online.place(f.id, online.observe(f)[0], "kov")
    given = [by["kov1"], by["kov2"], by["kov3"], by["bre1"], by["bre2"], by["bre3"], *copies]
    assert online.split(given, 0.5) == 1
    kept, other = online.stories["kov"], online.stories[online.splits[0].new]
    assert kept.article_ids == ["kov1", "kov2", "kov3"] and not kept.members
    assert online.linkage(kept, other) == pytest.approx(model.probability(pair_features(kept.profile, other.profile)))


def test_finish_splits_only_when_the_model_says_so(features):
    model = dataclasses.replace(cluster_features(features).model, merge_threshold=1.1, adopt_threshold=None)
    for bar, stories in ((None, 1), (0.5, 2)):
        online, rehab = one_story(features, dataclasses.replace(model, split_below=bar), REHAB)
        online.finish(rehab)
        assert len(online.stories) == stories and len(online.splits) == stories - 1


def test_connectivity_is_near_zero_for_two_groups_and_cuts_between_them():
    two_groups = np.kron(np.eye(2), np.ones((3, 3))) * 0.9 + 0.01
    np.fill_diagonal(two_groups, 0.0)
    value, fiedler = connectivity(two_groups)
    assert value < 0.05 and fiedler[0] <= 0
    assert (fiedler[:3] < 0).all() and (fiedler[3:] > 0).all()
    everyone = np.ones((6, 6)) - np.eye(6)
    assert connectivity(everyone)[0] == pytest.approx(6 / 5)  # all pairs alike: nothing to cut
    assert connectivity(two_groups[::-1, ::-1])[1][0] <= 0  # the sign does not follow the order


def test_small_stories_are_adopted_at_the_end(features):
    # No joins, no merges: only the final adoption of one-article stories can group anything.
    base = cluster_features(features).model
    model = ScoreModel("adopt-only", base.weights, base.bias, join_threshold=1.1, merge_threshold=1.1,
                       adopt_threshold=base.join_threshold, adopt_below=2)
    online = OnlineClusterer(model, DocFreq.of(features))
    for f in publication_order(features):
        online.add(f)
    assert len(online.stories) == len(features)
    online.finish()
    assert partition(online.assignments()) == GOLD_PARTITION  # the chess report stays alone: nothing like it
    assert all(m.probability >= model.adopt_threshold for m in online.merges)
    never = ScoreModel("never", base.weights, base.bias, join_threshold=1.1, merge_threshold=1.1)
    assert len(cluster_features(features, never).stories) == len(features)


def test_undated_headlines_get_the_model_trained_without_dates(analyzer, articles):
    headlines = [dataclasses.replace(a, text=a.title) for a in articles]
    dated = [article_features(a, an) for a, an in zip(headlines, analyzer.pipe(headlines))]
    undated = [dataclasses.replace(f, published=None) for f in dated]
    assert choose_model(dated).name == "headline"
    assert choose_model(undated).name == "headline-undated"
    assert choose_model(undated).weights["time_gap"] == 0.0
    assert choose_model(undated).weights["arrival_gap"] < 0.0  # the stream's order is its clock
    assert cluster_features(undated).model.name == "headline-undated"


@pytest.fixture(scope="module")
def undated_headlines(analyzer, articles):
    headlines = [dataclasses.replace(a, text=a.title, published=None) for a in articles]
    return {f.id: f for f in (article_features(a, an) for a, an in zip(headlines, analyzer.pipe(headlines)))}


def test_undated_headlines_far_apart_in_the_stream_are_different_stories(undated_headlines):
    """A feed without timestamps: the same headline 50,000 arrivals later is a new story, next door it is not."""
    kov = [undated_headlines[i] for i in ("kov1", "kov2", "kov3")]
    model = choose_model(list(undated_headlines.values()))
    idf = DocFreq.of(list(undated_headlines.values()))

    def stories(arrivals: list[int]) -> set[str]:
        clusterer = OnlineClusterer(model, idf)
        for f, arrival in zip(kov, arrivals):
            clusterer.add(f, arrival)
        clusterer.finish()
        return {clusterer.story_of["kov1"], clusterer.story_of["kov3"]}

    assert len(stories([0, 1, 2])) == 1
    assert len(stories([0, 1, 50_000])) == 2


def test_explanation_counts_arrivals_between_undated_articles(undated_headlines, features):
    a, b = undated_headlines["kov1"], undated_headlines["kov2"]
    model = choose_model(list(undated_headlines.values()))
    idf = DocFreq.of(list(undated_headlines.values()))
    near, far = explain(a, b, idf, model, (0, 1)), explain(a, b, idf, model, (0, 20_000))
    assert near.features["arrival_gap"] < 0.01 < far.features["arrival_gap"]
    assert far.probability < near.probability and far.contributions["arrival_gap"] < 0
    assert explain(a, b, idf, model).features["arrival_gap"] == 0.0  # arrivals unknown: no evidence apart
    dated = explain(features[0], features[1], DocFreq.of(features), model, (0, 20_000))
    assert dated.features["arrival_gap"] == 0.0  # dated articles are compared by their times


# ---------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def cli():
    import storyline.cli.cluster_cmd  # noqa: F401  registers the commands
    from storyline.cli.app import app

    return lambda *args, **kw: CliRunner().invoke(app, list(args), **kw)


@pytest.fixture(scope="module")
def input_jsonl(tmp_path_factory, articles):
    path = tmp_path_factory.mktemp("cluster") / "articles.jsonl"
    path.write_text("".join(
        json.dumps({"id": a.id, "title": a.title, "text": a.text, "published": a.published.isoformat(),
                    "source": a.source.name}) + "\n"
        for a in articles
    ))
    return path


def test_cli_cluster_jsonl_and_eval(cli, input_jsonl, tmp_path):
    out = cli("cluster", "--format", "jsonl", str(input_jsonl))
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in rows] == [aid for aid, *_ in FIXTURE]
    assert partition(StoryAssignment(**r) for r in rows) == GOLD_PARTITION
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"id": k, "story": v}) + "\n" for k, v in GOLD.items()))
    scored = cli("eval", "cluster", "--gold", str(gold), "--pred", "-", "--format", "json", input=out.stdout)
    assert scored.exit_code == 0, scored.output
    scores = json.loads(scored.stdout)[0]
    assert scores["bcubed"]["f1"] == pytest.approx(1.0) and scores["nmi"] == pytest.approx(1.0)


def test_cli_why(cli, input_jsonl):
    out = cli("why", "kov1", "bre1", "--input", str(input_jsonl))
    assert out.exit_code == 0, out.output
    assert "apart" in out.stdout and "person_clash" in out.stdout and "different stories" in out.stdout
    out = cli("why", "kov1", "kov3", "--input", str(input_jsonl), "--format", "json")
    doc = json.loads(out.stdout)[0]
    assert doc["same_story"] is True and doc["explanation"]["features"]["person"] > 0
    assert isinstance(doc["moves"], list) and doc["splits"] == []  # nothing split in this small corpus
    missing = cli("why", "kov1", "nope", "--input", str(input_jsonl))
    assert missing.exit_code == 2


def test_cli_why_from_the_store(cli, input_jsonl, analyzer, tmp_path):
    from storyline.engines.local import LocalEngine
    from storyline.storage import Store

    db = str(tmp_path / "why.db")
    engine = LocalEngine(Store(db), analyzer=analyzer)
    engine.ingest([str(input_jsonl)])
    engine.analyze()
    stored = {s.id: s.story for s in engine.store.get_story_assignments()}
    assert stored == {}  # not clustered yet: the explanation still works, the stories are unknown
    out = cli("why", "kov1", "bre1", "--db", db)
    assert out.exit_code == 0, out.output
    assert "apart" in out.stdout and "not clustered yet" in out.stdout

    engine.cluster()
    stored = {s.id: s.story for s in engine.store.get_story_assignments()}
    from_store = json.loads(cli("why", "kov1", "bre1", "--db", db, "--format", "json").stdout)[0]
    from_file = json.loads(cli("why", "kov1", "bre1", "--input", str(input_jsonl), "--format", "json").stdout)[0]
    # the stored corpus is the file's articles: same document frequencies, model and numbers
    assert from_store["explanation"] == from_file["explanation"]
    assert from_store["stories"] == {"kov1": stored["kov1"], "bre1": stored["bre1"]}
    assert from_store["same_story"] is False and from_store["decisions"] == []
    together = json.loads(cli("why", "kov1", "kov3", "--db", db, "--format", "json").stdout)[0]
    assert together["same_story"] is True and together["explanation"]["together"] is True
    missing = cli("why", "kov1", "nope", "--db", db)
    assert missing.exit_code == 2 and "nope" in missing.output


def test_rarity_weighs_words_by_english_frequency_not_by_corpus():
    from storyline.cluster.rarity import rarity

    assert rarity("name:qeshm") > rarity("name:teixeira") > 0.0  # place and surname few texts use
    assert rarity("earthquake") == rarity("the") == 0.0  # common English words share nothing rare
    assert rarity("person:ana qeshm") == rarity("name:qeshm")  # a name is as rare as its rarest word
    assert rarity("2008") == rarity("number:6.1") == 0.0  # years and amounts are not words


def test_shared_rare_words_raise_the_pair_feature(features):
    from storyline.cluster.features import pair_features, profile

    idf = DocFreq.of(features)
    by_id = {f.id: profile(f, idf) for f in features}
    same = pair_features(by_id["kov1"], by_id["kov2"])["rare"]  # Kovansky, Whitlow, Blue Pines
    lookalike = pair_features(by_id["kov1"], by_id["bre1"])["rare"]  # rehab clinic, publicist: common words
    assert same > 0.5 > lookalike
