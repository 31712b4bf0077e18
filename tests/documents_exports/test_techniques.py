"""Technique inference: the mapping is valid against DISARM v1.6, techniques fire on their behaviour at
their threshold, and every description is made of the campaign's own figures and posts."""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unmask.documents.build import CampaignData, Edge, EvidencePair, Feature, Member, PostRef, load_campaign
from unmask.documents.catalogue import Catalogue
from unmask.documents.incident import TechniqueStatus
from unmask.documents.techniques import (
    BEHAVIOURS,
    MAPPING_PATH,
    QUOTE_CHARS,
    TARGET_MIN_REPLIES,
    infer_techniques,
    load_mapping,
    quote_text,
)
from unmask.errors import InputError

T = datetime(2023, 9, 1, 12)


def test_every_mapped_id_is_a_v1_6_technique_with_the_name_in_its_comment(catalogue: Catalogue) -> None:
    mapping = load_mapping()
    assert "v1.6" in catalogue.version
    for rule in mapping.rules:
        assert rule.technique_id in catalogue, f"{rule.technique_id} is not in {catalogue.version}"
    commented = re.findall(r'^id = "([^"]+)"  # (.+)$', MAPPING_PATH.read_text(), re.MULTILINE)
    assert len(commented) == len(mapping.rules)
    for technique_id, name in commented:
        assert catalogue.name(technique_id) == name, technique_id
    assert {rule.behaviour for rule in mapping.rules} == set(BEHAVIOURS)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            'version = "1"\n[[technique]]\nid = "T0048"\nbehaviour = "nope"\nthreshold = 1\n',
            "unknown behaviour",
        ),
        ('version = "1"\n[[technique]]\nid = "T0048"\nbehaviour = "targeting"\n', "exactly id"),
        ('version = "1"\n[[technique]]\nid = "T0048"\nbehaviour = "targeting"\nthreshold = "3"\n', "number"),
        (
            'version = "1"\n' + '[[technique]]\nid = "T0048"\nbehaviour = "targeting"\nthreshold = 3\n' * 2,
            "twice",
        ),
        ("[[technique]]\nid = 'T0048'\nbehaviour = 'targeting'\nthreshold = 3\n", "version"),
        ("version = ", "cannot read"),
    ],
)
def test_bad_mapping_files_are_refused(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(body)
    with pytest.raises(InputError, match=message):
        load_mapping(path)


def test_planted_campaign_techniques_cite_its_own_figures(planted, catalogue: Catalogue) -> None:
    data = load_campaign(planted.store, planted.campaign_id)
    techniques = {t.technique_id: t for t in infer_techniques(data, catalogue)}
    assert {"T0150.008", "T0150.001", "T0084.001", "T0116.001", "T0048", "T0049"} <= set(techniques)
    assert all(t.status == TechniqueStatus.INFERRED for t in techniques.values())
    con = planted.store.con
    batch = con.execute(
        "SELECT count(*) FROM account_features f JOIN campaign_accounts m "
        "ON f.acct = m.platform || ':' || m.account_id WHERE m.campaign_id = ? AND f.feature = "
        "'creation_batch' AND f.flag",
        [planted.campaign_id],
    ).fetchone()[0]
    members = con.execute(
        "SELECT count(*) FROM campaign_accounts WHERE campaign_id = ?", [planted.campaign_id]
    ).fetchone()[0]
    assert (
        f"{batch} of the {members} campaign accounts were registered" in techniques["T0150.008"].description
    )
    summary = json.loads(
        con.execute("SELECT summary FROM campaigns WHERE campaign_id = ?", [planted.campaign_id]).fetchone()[
            0
        ]
    )
    targeted = [t for t in summary["targets"] if t["campaign_replies"] >= TARGET_MIN_REPLIES]
    assert techniques["T0048"].description.startswith(f"{len(targeted)} accounts received")
    assert f"{targeted[0]['campaign_replies']} replies" in techniques["T0048"].description
    top_burst = max(summary["bursts"], key=lambda b: b["posts"])
    assert f"{top_burst['start']} ({top_burst['posts']} posts" in techniques["T0049"].description
    assert (
        f"{sum(n['posts'] for n in summary['narratives'])} campaign posts"
        in techniques["T0084.001"].description
    )
    for technique in techniques.values():
        name = catalogue.name(technique.technique_id)
        assert technique.name == name
        assert technique.description.endswith(f"({technique.technique_id}: {name})")
        assert technique.evidence, technique.technique_id
        assert "<" not in technique.description  # quoted hostile text is escaped markup


def _member(n: int, **features: Feature) -> Member:
    return Member(
        platform="x",
        account_id=f"a{n}",
        handle=f"h{n}",
        display_name=None,
        created_at=datetime(2020, 1, 1),
        profile_url=None,
        score=0.5,
        signals=(),
        features=dict(features),
        posts=3,
        first_post=T,
        last_post=T,
    )


def _post(n: int, account: int, text: str = "a text") -> PostRef:
    return PostRef("x", str(n), f"a{account}", T + timedelta(minutes=n), text, text)


def _data(members: list[Member], **changes: object) -> CampaignData:
    base = CampaignData(
        campaign_id="C009",
        score=0.7,
        summary={"posts": 10, "platforms": {"x": 10}, "narratives": [], "targets": [], "bursts": []},
        members=tuple(members),
        edges=(),
        evidence=(),
        example_posts={},
        platform_examples=(),
        engagement_examples=(),
        run_at=T,
        windows={},
    )
    return replace(base, **changes)


def _pairs(signal: str, count: int, key: str = "k") -> dict[str, tuple]:
    edges = tuple(Edge(signal, f"x:a{i}", f"x:a{i + 1}", 1.0, 3, T, T) for i in range(count))
    evidence = tuple(
        EvidencePair(signal, f"{key}{i}", _post(2 * i, i), _post(2 * i + 1, i + 1)) for i in range(count)
    )
    return {"edges": edges, "evidence": evidence}


def _ids(data: CampaignData, catalogue: Catalogue) -> set[str]:
    return {t.technique_id for t in infer_techniques(data, catalogue)}


FLAGGED = "{k} of the {k} campaign accounts"
PAIRS = "{k} pairs of campaign accounts"


def _flagged(feature: str, value: float, flag: bool):
    return lambda k: _data([_member(i, **{feature: Feature(value, flag, f"detail {i}")}) for i in range(k)])


def _paired(signal: str):
    return lambda k: _data([_member(i) for i in range(k + 1)], **_pairs(signal, k))


def _platforms(k: int) -> CampaignData:
    return _data(
        [_member(0)],
        summary={"platforms": {f"p{i}": 5 + i for i in range(k)}, "narratives": [], "targets": []},
        platform_examples=tuple(replace(_post(i, 0), platform=f"p{i}") for i in range(k)),
    )


@pytest.mark.parametrize(
    ("technique_id", "make", "phrase"),
    [
        ("T0150.005", _flagged("hijacked", 400, True), FLAGGED),
        ("T0150.002", _flagged("hijacked", 200, False), "{k} of the {k} campaign accounts had been silent"),
        ("T0146.007", _flagged("rhythm", 0.9, True), FLAGGED),
        ("T0086", _paired("co_media"), PAIRS),
        ("T0049.003", _paired("co_repost"), PAIRS),
        ("T0049.002", _paired("co_hashtag"), PAIRS),
        ("T0101", _paired("cross_lingual"), PAIRS),
        ("T0119.002", _platforms, "posted on {k} platforms"),
    ],
)
def test_each_behaviour_fires_from_its_threshold(
    technique_id: str, make, phrase: str, catalogue: Catalogue
) -> None:
    threshold = next(r.threshold for r in load_mapping().rules if r.technique_id == technique_id)
    below, at = int(threshold) - 1, int(threshold)
    assert technique_id not in _ids(make(below), catalogue)
    found = {t.technique_id: t for t in infer_techniques(make(at), catalogue)}
    assert phrase.format(k=at) in found[technique_id].description
    assert found[technique_id].evidence


def test_echo_chamber_uses_the_share_of_engagement_from_inside(catalogue: Catalogue) -> None:
    def with_engagement(received: int, outside: int) -> CampaignData:
        summary = {"organic_engagement": {"received": received, "from_outside": outside}}
        return _data([_member(0), _member(1)], summary=summary, engagement_examples=(_post(1, 0),))

    assert "T0102.002" not in _ids(with_engagement(10, 6), catalogue)
    found = {t.technique_id: t for t in infer_techniques(with_engagement(40, 10), catalogue)}
    assert found["T0102.002"].description.startswith("30 of the 40 replies and reposts")
    assert "75%" in found["T0102.002"].description


def test_varied_templates_count_pairs_that_differ_after_folding(catalogue: Catalogue) -> None:
    same = EvidencePair("near_duplicate", "7", _post(1, 0, "same"), _post(2, 1, "same"))
    varied = [
        EvidencePair("near_duplicate", "7", _post(3 + i, 0, f"base {i}"), _post(20 + i, 1, "base"))
        for i in range(5)
    ]
    found = {t.technique_id: t for t in infer_techniques(_data([], evidence=(same, *varied)), catalogue)}
    assert found["T0049.004"].description.startswith("5 of the 6 near-duplicate post pairs")


def test_unknown_ids_are_kept_with_a_warning(catalogue: Catalogue) -> None:
    mapping = load_mapping()
    renamed = replace(mapping, rules=(replace(mapping.rules[0], technique_id="T9999"),))
    data = _data([_member(i, creation_batch=Feature(9, True, "batch")) for i in range(5)])
    with pytest.warns(UserWarning, match="T9999"):
        techniques = infer_techniques(data, catalogue, renamed)
    assert [t.technique_id for t in techniques] == ["T9999"]
    assert techniques[0].description.endswith("(T9999)")


@given(st.text())
def test_quote_text_is_inert_and_keeps_the_words(text: str) -> None:
    quoted = quote_text(text)
    assert "<" not in quoted and ">" not in quoted
    assert quoted.startswith("“") and quoted.endswith("”")
    inner = html.unescape(quoted[1:-1])
    line = " ".join(text.split())
    assert len(inner) <= QUOTE_CHARS
    assert inner == line or (inner.endswith("…") and line.startswith(inner[:-1]))
