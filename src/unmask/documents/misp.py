"""A campaign as a MISP event (JSON for MISP's "Add event from JSON" import or its API).

The event carries the summary, one text attribute per technique (this campaign's evidence passage)
tagged with the DISARM galaxy cluster, which MISP names by technique *name*
(`misp-galaxy:disarm-techniques="Harass"`), a user-account object per campaign account, a microblog
object per example post, and a target-user attribute per targeted account. uuids are uuid5 of the
campaign's accounts and each item's position, so exporting again gives the same event.
"""

from __future__ import annotations

import uuid

from pymisp import MISPEvent, MISPObject

from unmask.documents.build import NAMESPACE, Dossier, PostRef, html_safe_json, markup_to_text
from unmask.documents.incident import TechniqueStatus

GALAXY_TAG = 'misp-galaxy:disarm-techniques="{}"'
# MISP's microblog "type" vocabulary.
_MICROBLOG_TYPES = {"x": "Twitter", "twitter": "Twitter", "facebook": "Facebook", "reddit": "Reddit"}


def event_json(dossier: Dossier) -> bytes:
    """The event as MISP JSON; `<`, `>`, `&` are \\u escapes (same text once parsed)."""
    return html_safe_json(build_event(dossier).to_json(indent=2)).encode()


def build_event(dossier: Dossier) -> MISPEvent:
    data, incident = dossier.data, dossier.incident
    event = MISPEvent()
    event.uuid = str(uuid.uuid5(NAMESPACE, f"misp-event|{data.fingerprint}"))
    event.info = f"{incident.id}: {incident.name}"
    start = data.summary.get("time_span", {}).get("start")
    event.date = (start or data.run_at.isoformat())[:10]
    event.distribution = 0  # this organisation only, until an analyst decides otherwise
    event.threat_level_id = 4  # undefined
    event.analysis = 1  # ongoing: inferred techniques still need review
    event.add_attribute("text", markup_to_text(incident.summary), comment="unmask campaign summary")
    for technique in incident.techniques:
        if technique.status == TechniqueStatus.REJECTED:
            continue
        attribute = event.add_attribute(
            "text",
            markup_to_text(technique.description),
            comment=f"{technique.technique_id} {technique.name} ({technique.status})",
        )
        if technique.name:
            tag = GALAXY_TAG.format(technique.name)
            attribute.add_tag(tag)
            event.add_tag(tag)
    for target in data.summary.get("targets", []):
        event.add_attribute(
            "target-user",
            f"{target['platform']}:{target['account_id']}",
            comment=(
                (f"@{target['handle']}: " if target.get("handle") else "")
                + f"{target['campaign_replies']} campaign replies "
                f"({target['campaign_share']:.1%} of the replies it received)"
            ),
        )
    for member in data.members:
        account = MISPObject("user-account", standalone=False)
        account.add_attribute("user-id", member.account_id)
        account.add_attribute("account-type", member.platform)
        for relation, value in (
            ("username", member.handle),
            ("display-name", member.display_name),
            ("link", member.url),
            ("created", member.created_at),
        ):
            if value:
                account.add_attribute(relation, value)
        account.comment = f"campaign {data.campaign_id}, score {member.score}, {';'.join(member.signals)}"
        event.add_object(account)
    for post in data.example_posts.values():
        event.add_object(_microblog(post))
    _stable_uuids(event)
    return event


def _microblog(post: PostRef) -> MISPObject:
    blog = MISPObject("microblog", standalone=False)
    blog.add_attribute("post", post.text)
    blog.add_attribute("creation-date", post.created_at)
    blog.add_attribute("type", _MICROBLOG_TYPES.get(post.platform, "Other"))
    blog.add_attribute("username", post.account_id)
    if post.url:
        blog.add_attribute("url", post.url)
    blog.comment = f"example post {post.platform}:{post.post_id}"
    return blog


def _stable_uuids(event: MISPEvent) -> None:
    """Replace pymisp's random uuids with ones derived from the event's uuid and each item's place."""

    def derived(*place: object) -> str:
        return str(uuid.uuid5(NAMESPACE, "|".join(map(str, (event.uuid, *place)))))

    for index, attribute in enumerate(event.attributes):
        attribute.uuid = derived("attribute", index)
    for index, obj in enumerate(event.objects):
        obj.uuid = derived("object", index)
        for position, attribute in enumerate(obj.attributes):
            attribute.uuid = derived("object", index, position)
