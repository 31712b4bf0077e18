"""A page unmask renders cites only its own campaign's posts and accounts, and the linter agrees."""

from __future__ import annotations

from unmask.campaigns.detect import detect
from unmask.documents.catalogue import load_catalogue
from unmask.documents.evidence import known_evidence
from unmask.documents.exports import export
from unmask.documents.lint import KnownEvidence, lint_page
from unmask.store import Store


def test_rendered_page_has_no_unsupported_or_borrowed_evidence(planted: Store, shared) -> None:
    detect(planted)
    catalogue = load_catalogue(shared / "disarm" / "upstream_original" / "DISARM_STIX_bundle_v1.6.json")
    page = export(planted, "disarm", campaign_id="C001", catalogue=catalogue).data.decode()
    evidence = known_evidence(planted, "C001")
    assert any(ref.startswith("https://x.com/i/status/") for ref in evidence.ids)
    codes = {f.code for f in lint_page(page, catalogue=catalogue, known_evidence=evidence)}
    assert "unsupported-evidence" not in codes and "borrowed-evidence" not in codes
    foreign = lint_page(page, catalogue=catalogue, known_evidence=KnownEvidence(texts=("unrelated",)))
    assert "unsupported-evidence" in {f.code for f in foreign}
