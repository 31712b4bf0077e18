"""Campaigns as a STIX 2.1 bundle, for threat-intelligence platforms (OpenCTI, MISP's STIX import).

Per campaign: the campaign, one attack-pattern per technique with its DISARM id in an external
reference (source "mitre-attack", as DISARM's own bundle writes it, so OpenCTI matches it to the
DISARM attack-pattern it already has), a `uses` relationship carrying this campaign's evidence passage,
an identity and a `targets` relationship per targeted account, a user-account observable per campaign
account, and a report that contains them all. Ids are uuid5 of what the object stands for (the
campaign's accounts, a technique id, an account), so exporting again gives the same ids.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import stix2

from unmask.documents.build import NAMESPACE, Dossier, html_safe_json, markup_to_text
from unmask.documents.catalogue import Catalogue
from unmask.documents.incident import TechniqueStatus

TECHNIQUE_PAGE = (
    "https://github.com/DISARMFoundation/DISARMframeworks/blob/main/generated_pages/techniques/{}.md"
)
# STIX's account-type vocabulary names some platforms differently from unmask.
_ACCOUNT_TYPES = {"x": "twitter", "twitter": "twitter", "facebook": "facebook"}


def stix_id(kind: str, *parts: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, '|'.join((kind, *parts)))}"


PRODUCER = stix2.Identity(
    id=stix_id("identity", "unmask"),
    name="unmask",
    identity_class="system",
    description="unmask: finds coordinated inauthentic behaviour in social-media data.",
    created=datetime(2025, 1, 1, tzinfo=UTC),
    modified=datetime(2025, 1, 1, tzinfo=UTC),
)


def bundle_json(dossiers: list[Dossier], catalogue: Catalogue) -> bytes:
    """The bundle as JSON whose `<`, `>` and `&` are \\u escapes, so no HTML view can run what it quotes."""
    objects: dict[str, Any] = {PRODUCER.id: PRODUCER}
    for dossier in dossiers:
        for obj in campaign_objects(dossier, catalogue):
            objects.setdefault(obj.id, obj)
    scope = "|".join(d.data.fingerprint for d in dossiers)
    bundle = stix2.Bundle(objects=list(objects.values()), id=stix_id("bundle", scope))
    return html_safe_json(bundle.serialize(pretty=True)).encode()


def campaign_objects(dossier: Dossier, catalogue: Catalogue) -> list[Any]:
    data, incident = dossier.data, dossier.incident
    created = data.run_at.replace(tzinfo=UTC)
    common = {"created": created, "modified": created, "created_by_ref": PRODUCER.id}
    span = data.summary.get("time_span", {})
    campaign = stix2.Campaign(
        id=stix_id("campaign", data.fingerprint),
        name=incident.name,
        description=markup_to_text(incident.summary),
        first_seen=_when(span.get("start")),
        last_seen=_when(span.get("end")),
        external_references=[{"source_name": "unmask", "external_id": incident.id}],
        **common,
    )
    objects: list[Any] = [campaign]
    for technique in incident.techniques:
        if technique.status == TechniqueStatus.REJECTED:
            continue
        pattern = attack_pattern(technique.technique_id, technique.name, catalogue)
        objects += [
            pattern,
            stix2.Relationship(
                id=stix_id("relationship", data.fingerprint, "uses", technique.technique_id),
                relationship_type="uses",
                source_ref=campaign.id,
                target_ref=pattern.id,
                description=markup_to_text(technique.description),
                labels=[str(technique.status)],
                **common,
            ),
        ]
    for target in data.summary.get("targets", []):
        person = stix2.Identity(
            id=stix_id("identity", target["platform"], target["account_id"]),
            name=f"@{target['handle']}"
            if target.get("handle")
            else f"{target['platform']}:{target['account_id']}",
            identity_class="individual",
            description=f"{target['platform']} account {target['account_id']}",
            created=created,
            modified=created,
            created_by_ref=PRODUCER.id,
        )
        objects += [
            person,
            stix2.Relationship(
                id=stix_id("relationship", data.fingerprint, "targets", person.id),
                relationship_type="targets",
                source_ref=campaign.id,
                target_ref=person.id,
                description=(
                    f"{target['campaign_replies']} replies from the campaign's accounts, "
                    f"{target['campaign_share']:.1%} of all replies this account received in the data."
                ),
                **common,
            ),
        ]
    objects += [
        stix2.UserAccount(
            user_id=member.account_id,
            account_login=member.handle,
            account_type=_ACCOUNT_TYPES.get(member.platform, member.platform),
            display_name=member.display_name,
            account_created=member.created_at.replace(tzinfo=UTC) if member.created_at else None,
        )
        for member in data.members
    ]
    report = stix2.Report(
        id=stix_id("report", data.fingerprint),
        name=f"{incident.id}: {incident.name}",
        description=markup_to_text(incident.summary),
        published=created,
        report_types=["campaign"],
        object_refs=[obj.id for obj in objects],
        **common,
    )
    return [*objects, report]


def attack_pattern(technique_id: str, name: str, catalogue: Catalogue) -> stix2.AttackPattern:
    """The DISARM technique, keyed as DISARM's bundle keys it (external id under "mitre-attack")."""
    technique = catalogue.get(technique_id)
    phases = (
        [{"kill_chain_name": "mitre-attack", "phase_name": technique.tactic.lower().replace(" ", "-")}]
        if technique and technique.tactic
        else None
    )
    return stix2.AttackPattern(
        id=stix_id("attack-pattern", technique_id),
        name=name or catalogue.name(technique_id) or technique_id,
        external_references=[
            {
                "source_name": "mitre-attack",
                "external_id": technique_id,
                "url": TECHNIQUE_PAGE.format(technique_id),
            }
        ],
        kill_chain_phases=phases,
        created=PRODUCER.created,
        modified=PRODUCER.created,
        created_by_ref=PRODUCER.id,
    )


def _when(timestamp: str | None) -> datetime | None:
    return datetime.fromisoformat(timestamp).replace(tzinfo=UTC) if timestamp else None
