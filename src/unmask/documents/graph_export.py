"""The campaigns' account network as GEXF (Gephi) and GraphML (yEd, Cytoscape, igraph, networkx).

Nodes are campaign accounts (`platform:account_id`) with platform, handle, campaign and score; edges
join accounts of one campaign, with the summed weight, co-actions and the signals that tie them. XML
escaping is the writers'; characters XML cannot hold at all (control characters in hostile names)
are dropped first, or the file would not open.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from unmask.documents.build import Dossier

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


def account_graph(dossiers: list[Dossier]) -> nx.Graph:
    graph = nx.Graph(name=xml_text(", ".join(d.incident.id for d in dossiers)))
    for dossier in dossiers:
        for member in dossier.data.members:
            graph.add_node(
                xml_text(member.acct),
                label=xml_text(member.label),
                platform=xml_text(member.platform),
                account_id=xml_text(member.account_id),
                handle=xml_text(member.handle),
                campaign=dossier.data.campaign_id,
                score=member.score,
            )
    weights: dict[tuple[str, str], float] = defaultdict(float)
    actions: dict[tuple[str, str], int] = defaultdict(int)
    signals: dict[tuple[str, str], set[str]] = defaultdict(set)
    for dossier in dossiers:
        for edge in dossier.data.edges:
            pair = (xml_text(edge.a), xml_text(edge.b))
            weights[pair] += edge.weight
            actions[pair] += edge.actions
            signals[pair].add(edge.signal)
    for pair in sorted(weights):
        graph.add_edge(
            *pair,
            weight=round(weights[pair], 6),
            actions=actions[pair],
            signals=";".join(sorted(signals[pair])),
        )
    return graph


def gexf_bytes(dossiers: list[Dossier]) -> bytes:
    writer = GEXFWriter(version="1.2draft")
    writer.add_graph(account_graph(dossiers))
    meta = writer.xml.find("meta")
    if meta is not None:  # the writer stamps today's date; the run's date keeps exports reproducible
        meta.set("lastmodifieddate", max(d.data.run_at for d in dossiers).date().isoformat())
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def graphml_bytes(dossiers: list[Dossier]) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(account_graph(dossiers), buffer)
    return buffer.getvalue()
