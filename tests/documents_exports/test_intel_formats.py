"""STIX 2.1 and MISP exports: valid, stable across exports, complete, and readable back."""

from __future__ import annotations

import json
from collections import Counter

from pymisp import MISPEvent
from stix2validator import ValidationOptions, validate_string

from unmask.documents.build import load_campaign
from unmask.documents.catalogue import Catalogue
from unmask.documents.exports import export


def test_stix_bundle_is_valid_stix_2_1(planted, catalogue: Catalogue) -> None:
    payload = export(planted.store, "stix", catalogue=catalogue).data.decode()
    results = validate_string(payload, ValidationOptions(version="2.1"))
    # Warnings stay: ids are uuid5 (reproducible) where STIX advises v4, and reference URLs carry no hash.
    assert results.is_valid and not results.errors, [str(error) for error in results.errors]
    assert {str(w).split(": ", 1)[1][:5] for w in results.warnings} <= {"{103}", "{302}"}


def test_stix_bundle_holds_the_campaign_and_is_stable(planted, catalogue: Catalogue) -> None:
    first = export(planted.store, "stix", campaign_id=planted.campaign_id, catalogue=catalogue).data
    assert export(planted.store, "stix", campaign_id=planted.campaign_id, catalogue=catalogue).data == first
    objects = json.loads(first)["objects"]
    kinds = Counter(obj["type"] for obj in objects)
    data = load_campaign(planted.store, planted.campaign_id)
    assert kinds["campaign"] == 1 and kinds["report"] == 1
    assert kinds["user-account"] == len(data.members)
    assert kinds["identity"] == len(data.summary["targets"]) + 1  # targets and unmask itself
    patterns = {
        ref["external_id"]: obj
        for obj in objects
        if obj["type"] == "attack-pattern"
        for ref in obj["external_references"]
        if ref["source_name"].startswith("mitre-")
    }
    relations = Counter(obj["relationship_type"] for obj in objects if obj["type"] == "relationship")
    assert relations == {"uses": len(patterns), "targets": len(data.summary["targets"])}
    for technique_id, pattern in patterns.items():
        assert pattern["name"] == catalogue.name(technique_id)
    report = next(obj for obj in objects if obj["type"] == "report")
    assert set(report["object_refs"]) == {obj["id"] for obj in objects} - {report["id"], _producer(objects)}


def _producer(objects: list[dict]) -> str:
    return next(obj["id"] for obj in objects if obj["type"] == "identity" and obj["name"] == "unmask")


def test_misp_event_loads_back_with_disarm_galaxy_tags(planted, hostile, catalogue: Catalogue) -> None:
    payload = export(planted.store, "misp", campaign_id=planted.campaign_id, catalogue=catalogue).data
    assert export(planted.store, "misp", campaign_id=planted.campaign_id, catalogue=catalogue).data == payload
    event = MISPEvent()
    event.load(payload.decode())
    data = load_campaign(planted.store, planted.campaign_id)
    assert event.info.startswith(f"U-{planted.campaign_id}: ")
    technique_names = {
        catalogue.name(a.comment.split()[0]) for a in event.attributes if a.comment.startswith("T0")
    }
    assert {tag.name for tag in event.tags} == {
        f'misp-galaxy:disarm-techniques="{name}"' for name in technique_names
    }
    accounts = [obj for obj in event.objects if obj.name == "user-account"]
    assert len(accounts) == len(data.members)
    handles = {
        attr.value for obj in accounts for attr in obj.attributes if attr.object_relation == "username"
    }
    assert hostile.script in handles  # the text survives the round trip; only its encoding was made safe
    targets = [a for a in event.attributes if a.type == "target-user"]
    assert len(targets) == len(data.summary["targets"])
