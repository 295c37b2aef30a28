"""Near-duplicate groups, parent rules, wire-service detection, the SQL band index.

All texts are fictional and written for these tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from storyline.dedup import MemoryIndex, find_duplicates, text_band_keys, wire_signal
from storyline.dedup.groups import Member, UnionFind, choose_parent
from storyline.dedup.minhash import DEFAULT_CONFIG, Fingerprint, MinHashConfig, band_keys, shingles, signature
from storyline.dedup.syndication import canonical_agency, group_agency
from storyline.model import Article, Provenance, Source

T0 = datetime(2026, 5, 14, 8, 0, tzinfo=timezone.utc)

WIRE_BODY = [
    "A landslide cut the only road into the mountain town of Corvel on Wednesday, stranding about 2,300 residents "
    "and dozens of hikers after three days of heavy rain.",
    "The slide buried a 400-metre stretch of Route 9 under mud and boulders shortly before dawn, the county roads "
    "department said. No one was hurt, but a delivery truck was swept off the road and its driver climbed to safety.",
    '"We have food and fuel for about a week, and the clinic has power from its generator," Mayor Elsa Brandt told '
    "reporters by phone. \"What we need now is patience and dry weather.\"",
    "Engineers expect to reopen one lane by Sunday if the hillside stops moving. A helicopter will carry insulin and "
    "other medicine to the clinic on Thursday morning, officials said.",
    "The county has recorded 312 millimetres of rain since Saturday, more than it usually gets in two months. "
    "Forecasters expect the rain to ease on Friday.",
    "Corvel, a former mining town, depends on summer tourism. Several guesthouse owners said they had already "
    "cancelled bookings for the weekend, and the town's annual cheese fair may be postponed.",
    "The regional government said it would pay for temporary housing for anyone whose home is declared unsafe.",
]


def article(text: str, source: str, title: str, hours: float | None = 0, domain: str | None = None, **kw) -> Article:
    published = T0 + timedelta(hours=hours) if hours is not None else None
    return Article(text, Source(source, domain), Provenance("fixture"), title=title, published=published, **kw)


def wire_story() -> Article:
    text = "CORVEL, Norway (AP) \u2014 " + " ".join(WIRE_BODY)
    return article(text, "AP", "Landslide cuts off mountain town", hours=0, domain="apnews.com")


def trimmed_reprint() -> Article:
    text = "CORVEL, Norway (AP) \u2014 " + " ".join(WIRE_BODY[:4])
    return article(text, "Fjord Daily", "Town stranded after landslide", hours=2)


def reheadlined_with_boilerplate() -> Article:
    body = " ".join(WIRE_BODY[:5]).replace('"', "\u201c", 1)
    text = (
        "By Staff and wire reports\n\n" + body + "\n\nCopyright 2026 The Harbor Ledger. All rights reserved. "
        "Sign up for our morning newsletter."
    )
    return article(text, "Harbor Ledger", "STRANDED: Mud buries Route 9", hours=3)


def reprint_with_local_paragraph() -> Article:
    local = (
        "In Lindvik, 40 kilometres away, the school gym has been opened for hikers who walked out of the valley, "
        "principal Ola Fenn said."
    )
    text = " ".join(WIRE_BODY[:3] + [local] + WIRE_BODY[3:6]).upper()  # an all-caps web template
    return article(text, "Lindvik Post", "Landslide: what it means for us", hours=5)


def independent_report() -> Article:
    """Same event, own reporting, one shared quote: not a copy."""
    text = (
        "Rain kept falling on Corvel on Wednesday as residents queued at the only grocery store, which rationed bread "
        "to two loaves per family. Hikers from Germany and Poland spent the night in the community hall. "
        '"We have food and fuel for about a week, and the clinic has power from its generator," the mayor said. '
        "Farmers on the valley floor said their fields were under water and that the county had ignored requests to "
        "clear drainage ditches last autumn. A geologist at the regional university said the slope above Route 9 "
        "had been moving slowly for years and that more slides were likely until the ground dries out."
    )
    return article(text, "Nordic Observer", "Inside the town the landslide cut off", hours=6)


def corpus() -> list[Article]:
    return [wire_story(), trimmed_reprint(), reheadlined_with_boilerplate(), reprint_with_local_paragraph(), independent_report()]


def by_id(assignments):
    return {a.id: a for a in assignments}


# ------------------------------------------------------------------ grouping


def test_reprints_join_the_wire_story_and_the_independent_report_stays_apart():
    wire, trimmed, boiler, local, independent = corpus()
    result = by_id(find_duplicates([wire, trimmed, boiler, local, independent]))
    for copy in (trimmed, boiler, local):
        assert result[copy.id].group == wire.id
        assert result[copy.id].parent == wire.id
        assert result[copy.id].syndicated_from == "AP"  # credited or not, a copy of wire text is the wire's
    assert result[wire.id].parent == wire.id
    assert result[independent.id].group == independent.id
    assert result[independent.id].syndicated_from is None


def test_every_input_gets_one_assignment_in_input_order():
    articles = corpus()
    result = find_duplicates(articles + [articles[0]])  # a repeated id is assigned once
    assert [a.id for a in result] == [a.id for a in articles]


def test_input_order_does_not_change_groups():
    articles = corpus()
    forward = by_id(find_duplicates(articles))
    backward = by_id(find_duplicates(list(reversed(articles))))
    assert forward == backward


def test_empty_and_tiny_texts_stay_alone():
    a = article("Breaking.", "A", "x")
    b = article("Breaking.", "B", "y", hours=1)
    c = article(" ", "C", "z")
    result = by_id(find_duplicates([a, b, c]))
    assert result[a.id].group == result[b.id].group  # identical texts are copies, however short
    assert result[c.id].group == c.id


# ------------------------------------------------------------------ parent rule


def test_parent_is_the_earliest_copy_even_when_it_is_not_the_wire():
    wire, trimmed = wire_story(), trimmed_reprint()
    early = article(trimmed.text, "Early Bird", "Scoop", hours=-1)
    result = by_id(find_duplicates([wire, trimmed, early]))
    assert {a.parent for a in result.values()} == {early.id}
    assert {a.group for a in result.values()} == {early.id}


def test_parent_rule_unknown_dates_last_then_wire_then_id():
    t = T0
    assert choose_parent([Member("b", None), Member("a", t + timedelta(hours=1))]).id == "a"
    assert choose_parent([Member("a", t), Member("b", t, wire_own=True)]).id == "b"
    assert choose_parent([Member("b", t), Member("a", t)]).id == "a"
    assert choose_parent([Member("b", None), Member("a", None)]).id == "a"
    # Same instant in another time zone is a tie, not an earlier copy.
    other_zone = t.astimezone(timezone(timedelta(hours=2)))
    assert choose_parent([Member("a", t), Member("z", other_zone, wire_own=True)]).id == "z"


def test_union_find_components():
    uf = UnionFind()
    for x in "abcdef":
        uf.add(x)
    uf.union("a", "c")
    uf.union("e", "c")
    uf.union("b", "d")
    assert uf.components() == [["a", "c", "e"], ["b", "d"], ["f"]]
    assert uf.find("e") == uf.find("a") != uf.find("b")


# ------------------------------------------------------------------ shingles and signatures


def test_case_punctuation_and_quote_marks_do_not_change_shingles():
    text = 'The mayor said: "We have food for a week." It\'s raining -- still.'
    variant = "THE MAYOR SAID \u201cwe have food for a week\u201d \u2014 it\u2019s raining \u2026 still!"
    assert shingles(text).tolist() == shingles(variant).tolist()
    assert shingles(text).size == len("the mayor said we have food for a week it s raining still".split()) - 4


def test_signature_is_deterministic_across_processes():
    text = " ".join(WIRE_BODY)
    here = text_band_keys(text)
    code = (
        "import json, sys; from storyline.dedup import text_band_keys; "
        "print(json.dumps(text_band_keys(sys.stdin.read())))"
    )
    for seed in ("0", "12345"):
        out = subprocess.run(
            [sys.executable, "-c", code], input=text, capture_output=True, text=True, check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        )
        assert json.loads(out.stdout) == here
    assert len(here) == DEFAULT_CONFIG.bands
    assert all(-(2**63) <= k < 2**63 for k in here)  # fits a signed BIGINT


def test_signature_is_the_universal_hash_minimum_computed_with_python_integers():
    config = MinHashConfig(bands=4, rows=2)
    hashes = np.array(sorted({2**64 - 1, 2**63 + 12345, (1 << 31) - 1, 1 << 31, 0, 7, 2**40 + 3}), dtype=np.uint64)
    a, b = (c[:, 0].tolist() for c in config._coefficients)
    p = (1 << 31) - 1
    expected = [min((ai * (int(x) % p) + bi) % p for x in hashes) for ai, bi in zip(a, b)]
    assert signature(hashes, config).tolist() == expected


@pytest.mark.parametrize("rows", [1, 2, 3])
def test_band_keys_are_xxh3_of_each_band_seeded_by_its_number(rows):
    import xxhash

    config = MinHashConfig(bands=5, rows=rows)
    sig = signature(shingles(" ".join(WIRE_BODY), config), config)
    expected = []
    for band in range(config.bands):
        key = xxhash.xxh3_64_intdigest(sig[band * rows : (band + 1) * rows].astype("<u4").tobytes(), seed=band)
        expected.append(key - (1 << 64) if key >= (1 << 63) else key)
    assert band_keys(sig, config) == expected


def test_signature_agreement_tracks_jaccard():
    full = Fingerprint.of(" ".join(WIRE_BODY))
    half = Fingerprint.of(" ".join(WIRE_BODY[:4]))
    other = Fingerprint.of(independent_report().text)
    agree = lambda a, b: float((signature(a.set) == signature(b.set)).mean())  # noqa: E731
    assert agree(full, full) == 1.0
    assert 0.25 < agree(full, half) < 0.85  # Jaccard is about one half
    assert agree(full, other) < 0.1


# ------------------------------------------------------------------ syndication


@pytest.mark.parametrize(
    ("text", "agency", "evidence"),
    [
        ("OSLO (AP) \u2014 The ferry left on time.", "AP", "dateline"),
        ("LONDON, June 3 (Reuters) - Shares rose on Tuesday.", "Reuters", "dateline"),
        ("PARIS (AFP) - Le train est parti.", "AFP", "dateline"),
        ("NEW DELHI, May 2 (PTI): The monsoon arrived early.", "PTI", "dateline"),
        ("The ferry left on time. Associated Press writer Kari Nord in Bergen contributed to this report.", "AP",
         "contributed"),
        ("The ferry left on time, officials said.\n\n\u2014 AFP", "AFP", "credit"),
        ("Shares rose on Tuesday. (Reporting by Ann Lee; Editing by Tom Fox)", "Reuters", "credit"),
        ("The ferry left on time. Copyright 2026 The Canadian Press", "CP", "credit"),
        ("By The Associated Press\nThe ferry left on time.", "AP", "byline"),
    ],
)
def test_wire_credits_in_the_text(text, agency, evidence):
    signal = wire_signal(article(text, "Some Paper", "t"))
    assert signal is not None
    assert (signal.agency, signal.evidence, signal.own) == (agency, evidence, False)


def test_a_contribution_credit_makes_no_copy_but_a_wire_credit_beside_it_does():
    staff = wire_signal(article("The ferry left on time.\n\nThe Associated Press contributed to this report.",
                                "Some Paper", "t"))
    copy = wire_signal(article("OSLO (AP) \u2014 The ferry left on time.", "Other Paper", "u"))
    assert group_agency([staff]) is None
    assert group_agency([staff, copy]) == "AP"
    both = "The ferry left on time.\n\nThe Associated Press contributed to this report.\n\nCopyright 2026 The Canadian Press"
    assert wire_signal(article(both, "Some Paper", "t")).agency == "CP"
    # the dateline of an agency we do not list still speaks over a contribution credit
    own = "PORTVALE, March 15 (GWS) \u2015 The ferry left on time.\n\nThe Associated Press contributed to this report."
    signal = wire_signal(article(own, "Global Wire Service", "g"))
    assert (signal.agency, signal.evidence, signal.own) == ("GWS", "dateline", True)


@pytest.mark.parametrize(
    "text",
    [
        "Shares fell, according to Reuters, after the report was published.",
        "Former mayor Michael Bloomberg contributed $5 million to the campaign.",
        "Students who passed the AP exam can skip the course. The PA system failed during the match.",
        "Officials told the Associated Press that the bridge would reopen in June, but gave no reason.",
    ],
)
def test_mentions_of_an_agency_are_not_credits(text):
    assert wire_signal(article(text, "Some Paper", "t")) is None


def test_byline_field_and_source_name_the_agency():
    credited = article("The ferry left.", "Coast News", "t", byline="Kari Nord, Associated Press")
    assert wire_signal(credited).agency == "AP"
    person = article("The ferry left.", "Coast News", "t", byline="Michael Bloomberg")
    assert wire_signal(person) is None
    own = article("The ferry left.", "Reuters", "t", domain="www.reuters.com")
    assert (wire_signal(own).agency, wire_signal(own).own) == ("Reuters", True)


def test_canonical_agency_names():
    assert canonical_agency("The Associated Press") == "AP"
    assert canonical_agency("REUTERS") == "Reuters"
    assert canonical_agency("Agence France-Presse") == "AFP"
    assert canonical_agency("ap") is None  # lower-case abbreviations are words, not agencies
    assert canonical_agency("Daily Planet") is None


def test_group_agency_prefers_the_wires_own_copy_then_the_most_credited():
    wire = wire_signal(wire_story())
    reuters_credit = wire_signal(article("Shares rose. (Reporting by A B; Editing by C D)", "X", "t"))
    assert group_agency([None, reuters_credit, reuters_credit, wire]) == "AP"
    assert group_agency([None, reuters_credit]) == "Reuters"
    assert group_agency([None, None]) is None


# ------------------------------------------------------------------ stored index (SQLite)


def test_incremental_runs_against_a_stored_index_match_one_batch(tmp_path):
    from storyline.storage import Store
    from storyline.storage.bands import SqlIndex
    from storyline.storage.schema import dup_groups, minhash_bands

    wire, trimmed, boiler, local, independent = corpus()
    early = article(reheadlined_with_boilerplate().text, "Early Bird", "Scoop", hours=-2)
    store = Store(str(tmp_path / "storyline.db"))

    store.add_articles([wire, independent])
    with SqlIndex(store) as index:
        first = by_id(find_duplicates([wire, independent], index))
    assert first[wire.id].group == wire.id and first[independent.id].group == independent.id

    store.add_articles([trimmed, boiler, local, early])
    with SqlIndex(store) as index:
        assert index.unindexed_ids() == sorted([trimmed.id, boiler.id, local.id, early.id], key=lambda i: {
            trimmed.id: 2, boiler.id: 3, local.id: 5, early.id: -2}[i])
        second = find_duplicates(store.get_articles([trimmed.id, boiler.id, local.id, early.id]), index)

    # The earlier copy became everyone's parent, so the stored wire story is re-assigned too.
    second_ids = [a.id for a in second]
    assert second_ids[:4] == [trimmed.id, boiler.id, local.id, early.id]
    assert wire.id in second_ids and independent.id not in second_ids

    stored = store.get_dup_groups()
    batch = by_id(find_duplicates([wire, independent, trimmed, boiler, local, early], MemoryIndex()))
    assert stored == batch
    assert stored[wire.id].parent == early.id
    assert stored[wire.id].syndicated_from == "AP"

    with store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(minhash_bands)) == 6 * DEFAULT_CONFIG.bands
        assert conn.scalar(select(func.count()).select_from(dup_groups)) == 6


def test_sql_index_rolls_back_on_error(tmp_path):
    from storyline.storage import Store
    from storyline.storage.bands import SqlIndex

    store = Store(str(tmp_path / "storyline.db"))
    wire = wire_story()
    store.add_articles([wire])
    with pytest.raises(RuntimeError):
        with SqlIndex(store) as index:
            find_duplicates([wire], index)
            raise RuntimeError("stop")
    with SqlIndex(store) as index:
        assert index.unindexed_ids() == [wire.id]
        assert index.add([wire], [text_band_keys(wire.text)]) == [set()]  # no band rows were left behind


def varied_story(n: int) -> Article:
    """A fictional report of its own: words drawn from a seeded generator, 60 to 120 of them."""
    import random

    rng = random.Random(n)
    vocabulary = [f"{c}{v}{e}" for c in "bdfgklmnprst" for v in "aeiou" for e in ("n", "r", "s", "")]
    text = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(60, 120))) + "."
    return article(text, f"Outlet {n % 7}", f"Story {n}", hours=n / 60)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_copies_are_found_across_and_within_index_batches(tmp_path, kind):
    from storyline.dedup.find import _BATCH
    from storyline.storage import Store
    from storyline.storage.bands import SqlIndex

    originals = [varied_story(n) for n in range(_BATCH + 200)]
    copies = {  # copy position -> original position: next to it, in a later batch, and both at once
        1: 0,
        _BATCH + 10: 3,
        _BATCH + 11: _BATCH + 5,
    }
    stream = list(originals)
    for at, of in sorted(copies.items()):
        copy = article(originals[of].text + " Copyright Valley Herald.", "Valley Herald", f"Copy of {of}", hours=at)
        stream.insert(at, copy)
    if kind == "memory":
        groups = by_id(find_duplicates(stream, MemoryIndex()))
    else:
        store = Store(str(tmp_path / "storyline.db"))
        store.add_articles(stream)
        with SqlIndex(store) as index:
            groups = by_id(find_duplicates(stream, index))
    for at, of in copies.items():
        assert groups[stream[at].id].group == groups[originals[of].id].group == originals[of].id
    assert sum(1 for a in groups.values() if a.group != a.id) == len(copies)


def test_sql_and_memory_index_find_the_same_sharing_articles(tmp_path):
    from storyline.storage import Store
    from storyline.storage.bands import SqlIndex
    from storyline.storage.schema import minhash_articles, minhash_bands

    wire, trimmed, boiler, local, independent = corpus()
    store = Store(str(tmp_path / "storyline.db"))
    store.add_articles([wire, trimmed, boiler, local, independent])
    memory = MemoryIndex()
    keys = {a.id: text_band_keys(a.text) for a in (wire, trimmed, boiler, local, independent)}
    batches = [
        ([wire, independent], [keys[wire.id], keys[independent.id]]),
        ([trimmed, boiler, local], [keys[trimmed.id], keys[boiler.id], keys[local.id]]),
        ([trimmed], [keys[trimmed.id]]),  # re-added with the same keys
        ([local], [keys[independent.id]]),  # re-added with other keys: its old ones must be gone
    ]
    found = []
    with SqlIndex(store) as sql:
        for batch, batch_keys in batches:
            found.append(sql.add(batch, batch_keys))
            assert found[-1] == memory.add(batch, batch_keys)
    assert found[0] == [set(), set()]
    assert wire.id in found[1][0] and trimmed.id in found[1][1]  # a stored article and an earlier one of the batch
    assert wire.id in found[2][0] and trimmed.id not in found[2][0] and independent.id not in found[2][0]
    assert found[3] == [{independent.id}]
    now = {wire.id: wire, trimmed.id: trimmed, boiler.id: boiler, local.id: independent, independent.id: independent}
    with store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(minhash_articles)) == 5
        rows = conn.scalar(select(func.count()).select_from(minhash_bands))
    assert rows == sum(len(set(keys[a.id])) for a in now.values())


# ------------------------------------------------------------------ CLI


def test_cli_prints_one_record_per_article(tmp_path):
    import storyline.cli.dedup_cmd  # noqa: F401  (registers the command)
    from storyline.cli.app import app

    path = tmp_path / "in.jsonl"
    wire, trimmed, independent = wire_story(), trimmed_reprint(), independent_report()
    with path.open("w") as f:
        for name, a in (("w", wire), ("t", trimmed), ("i", independent)):
            f.write(json.dumps({"id": name, "title": a.title, "text": a.text, "published": a.published.isoformat(), "source": a.source.name}) + "\n")
    result = CliRunner().invoke(app, ["dedup", "--format", "jsonl", str(path)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records == [
        {"id": "w", "group": "w", "parent": "w", "syndicated_from": "AP"},
        {"id": "t", "group": "w", "parent": "w", "syndicated_from": "AP"},
        {"id": "i", "group": "i", "parent": "i", "syndicated_from": None},
    ]


def test_opening_dateline_of_an_unlisted_agency_is_a_wire_credit():
    from storyline.dedup.syndication import wire_signal
    from storyline.model import Provenance, Source

    def art(source: str, text: str) -> Article:
        return Article(text=text, source=Source(source), provenance=Provenance("t"))

    own = wire_signal(art("Northland Wire Agency", "KESTREL BAY, May 2 (NWA) — The ferry sank."))
    assert own is not None and own.agency == "NWA" and own.own
    copy = wire_signal(art("Harbour Gazette", "KESTREL BAY (NWA) — The ferry sank."))
    assert copy is not None and copy.agency == "NWA" and not copy.own
    assert wire_signal(art("Harbour Gazette", "The alliance (NATO) — said to be divided — met.")) is None


def test_cli_over_the_store_prints_every_stored_article_each_time(tmp_path):
    """A second run has nothing new to compare, and still lists every article's group."""
    import storyline.cli.dedup_cmd  # noqa: F401  (registers the command)
    from storyline.cli.app import app
    from storyline.storage import Store

    db = str(tmp_path / "store.db")
    Store(db).add_articles([wire_story(), trimmed_reprint(), independent_report()])
    runs = [CliRunner().invoke(app, ["dedup", "--db", db, "--format", "jsonl"]) for _ in range(2)]
    assert all(r.exit_code == 0 for r in runs), [r.output for r in runs]
    first, second = ([json.loads(line) for line in r.stdout.splitlines()] for r in runs)
    assert len(first) == 3 and sorted(first, key=str) == sorted(second, key=str)
    assert len({r["group"] for r in first}) == 2 and {r["syndicated_from"] for r in first} == {"AP", None}
    table = CliRunner().invoke(app, ["dedup", "--db", db], env={"COLUMNS": "60"})
    assert all(r["id"] in table.stdout for r in first)  # ids are never cut, however narrow the table
