"""The cheaper ways of reading a campaign agree with the plain ones on the planted store: its evidence
pairs, its key (id and account fingerprint), the data version drafts are cached under, and the linter's
known evidence narrowed to the references a page cites."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unmask.documents import evidence as evidence_module
from unmask.documents.build import (
    CampaignRef,
    EvidencePair,
    PostRef,
    account_url,
    campaign_ref,
    data_version,
    ids_in_ref,
    load_campaign,
    post_url,
)
from unmask.documents.evidence import known_evidence
from unmask.errors import NotFoundError

# The evidence of a campaign as one plain join (how the documents read it before): the reference.
PLAIN_EVIDENCE = """
    WITH m AS (SELECT platform, account_id, platform || ':' || account_id AS acct
               FROM campaign_accounts WHERE campaign_id = $1)
    SELECT e.signal, e.key,
           ma.platform, e.post_a, ma.account_id, e.ts_a, coalesce(pa.text, ''), coalesce(pa.text_norm, ''),
           mb.platform, e.post_b, mb.account_id, e.ts_b, coalesce(pb.text, ''), coalesce(pb.text_norm, '')
    FROM evidence e JOIN m ma ON ma.acct = e.a JOIN m mb ON mb.acct = e.b
    LEFT JOIN posts pa ON pa.platform = ma.platform AND pa.post_id = e.post_a
    LEFT JOIN posts pb ON pb.platform = mb.platform AND pb.post_id = e.post_b
    ORDER BY e.signal, e.ts_a, e.post_a, e.post_b"""


def _plain_evidence(planted) -> tuple[EvidencePair, ...]:
    rows = planted.store.con.execute(PLAIN_EVIDENCE, [planted.campaign_id]).fetchall()
    return tuple(EvidencePair(r[0], r[1] or "", PostRef(*r[2:8]), PostRef(*r[8:14])) for r in rows)


def test_evidence_pairs_equal_the_plain_join_and_share_their_posts(planted, hostile) -> None:
    expected = _plain_evidence(planted)
    evidence = load_campaign(planted.store, planted.campaign_id).evidence
    assert len(expected) > 1 and evidence == expected
    assert any(hostile.script in post.text for pair in evidence for post in (pair.a, pair.b))
    posts: dict[tuple[str, str], PostRef] = {}
    for post in (post for pair in evidence for post in (pair.a, pair.b)):
        assert posts.setdefault((post.platform, post.post_id), post) is post
    assert len(posts) < 2 * len(evidence)  # some post is cited by several pairs, as one object


def test_evidence_citing_a_missing_post_has_no_text(fresh_planted) -> None:
    store = fresh_planted.store
    gone = _plain_evidence(fresh_planted)[0].a
    store.con.execute("DELETE FROM posts WHERE platform = ? AND post_id = ?", [gone.platform, gone.post_id])
    evidence = load_campaign(store, fresh_planted.campaign_id).evidence
    assert evidence == _plain_evidence(fresh_planted)
    assert {(p.text, p.text_norm) for e in evidence for p in (e.a, e.b) if p.post_id == gone.post_id} == {
        ("", "")
    }


def test_campaign_ref_is_the_campaigns_key_without_its_data(planted) -> None:
    data = load_campaign(planted.store, planted.campaign_id)
    assert campaign_ref(planted.store, planted.campaign_id) == CampaignRef(data.campaign_id, data.fingerprint)
    with pytest.raises(NotFoundError, match="C999"):
        campaign_ref(planted.store, "C999")


def test_data_version_changes_with_each_ingest_and_detection_run(fresh_planted) -> None:
    con = fresh_planted.store.con
    versions = [data_version(fresh_planted.store)]
    assert data_version(fresh_planted.store) == versions[0]
    changes = (
        "INSERT INTO posts (platform, post_id, account_id, created_at) "
        "VALUES ('x', 'new', 'c0', '2023-10-01')",
        "INSERT INTO accounts (platform, account_id) VALUES ('x', 'newcomer')",
        "INSERT INTO sources (path, sha256, format, ingested_at) VALUES ('f.csv', 'ab', 'qut', now())",
        "UPDATE detect_runs SET finished_at = finished_at + INTERVAL 1 SECOND",
    )
    for change in changes:
        con.execute(change)
        versions.append(data_version(fresh_planted.store))
    assert len(set(versions)) == len(versions)


PLATFORMS = ("x", "twitter", "facebook", "instagram", "youtube", "reddit", "mastodon")


@given(platform=st.sampled_from(PLATFORMS), ident=st.text(max_size=30))
def test_ids_in_ref_reads_the_id_back_from_every_way_documents_cite_it(platform: str, ident: str) -> None:
    refs = [ident, f"{platform}:{ident}", post_url(platform, ident), account_url(platform, ident)]
    for ref in refs:
        if ref:
            assert ident in ids_in_ref(ref)


def _plain_known_ids(planted, campaign_id: str | None) -> set[str]:
    """Every reference the campaign's (or all campaigns') posts and accounts may be cited by."""
    where = "WHERE c.campaign_id = ?" if campaign_id else ""
    params = [campaign_id] if campaign_id else []
    con = planted.store.con
    ids: set[str] = set()
    for platform, post_id in con.execute(
        "SELECT p.platform, p.post_id FROM posts p JOIN campaign_accounts c "
        f"ON c.platform = p.platform AND c.account_id = p.account_id {where}",
        params,
    ).fetchall():
        ids.update((post_id, f"{platform}:{post_id}", post_url(platform, post_id)))
    for platform, account_id in con.execute(
        f"SELECT platform, account_id FROM campaign_accounts c {where}", params
    ).fetchall():
        ids.update((f"{platform}:{account_id}", account_url(platform, account_id)))
    return ids - {""}


@pytest.mark.parametrize("whole_store", [False, True])
def test_known_evidence_for_cited_refs_agrees_with_the_full_lists(
    planted, monkeypatch: pytest.MonkeyPatch, whole_store: bool
) -> None:
    campaign = None if whole_store else planted.campaign_id
    monkeypatch.setattr(evidence_module, "MAX_TEXTS", 7)
    full = known_evidence(planted.store, campaign)
    assert full.ids == _plain_known_ids(planted, campaign)
    texts = planted.store.con.execute(
        "SELECT p.text FROM posts p JOIN campaign_accounts c ON c.platform = p.platform "
        "AND c.account_id = p.account_id WHERE ? IS NULL OR c.campaign_id = ? "
        "ORDER BY p.created_at, p.post_id",
        [campaign, campaign],
    ).fetchall()
    assert full.texts == tuple(text for (text,) in texts[:7] if text)
    everything = sorted(_plain_known_ids(planted, None))
    foreign = ["nope", "x:nope", post_url("x", "nope"), account_url("x", "nope"), "<script>", ""]
    mismatched = [f"facebook:{ref.partition(':')[2]}" for ref in everything if ref.startswith("x:")][:5]
    cited = [*everything[::3], *foreign, *mismatched]
    narrowed = known_evidence(planted.store, campaign, cited=cited)
    assert narrowed.ids == full.ids & set(cited) and narrowed.ids
    assert narrowed.texts == full.texts
    assert known_evidence(planted.store, campaign, cited=[]).ids == frozenset()
