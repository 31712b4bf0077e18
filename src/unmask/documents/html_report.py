"""Self-contained HTML pages: the campaign report (and, through `render_page`, the notices).

A page must open from a file or an e-mail without fetching anything and without running anything it
quotes: CSS is inline and allowed by its hash in a Content-Security-Policy meta tag that forbids
everything else (no scripts, images, fonts or connections); charts are inline SVG drawn here
(ElementTree escapes every label); every other value goes through Jinja2 with autoescaping on.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import igraph
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from unmask.campaigns.score import STRONG_FLAGS
from unmask.documents.build import CampaignData, Dossier, EvidencePair, markup_to_text
from unmask.documents.catalogue import Catalogue
from unmask.documents.incident import TechniqueStatus
from unmask.documents.tabular import flag_details

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(value: Any) -> Any:
    """Every value printed by a template: control characters (invalid in HTML) dropped."""
    if isinstance(value, Markup):
        return Markup(_CONTROL.sub("", value))
    return _CONTROL.sub("", value) if isinstance(value, str) else value


ENV = Environment(
    loader=PackageLoader("unmask.documents", "templates"),
    autoescape=True,
    finalize=_printable,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
MAX_NODES = 150  # accounts drawn in the network picture (highest scores first)
PAIRS_PER_SIGNAL = 10  # evidence pairs listed per signal
MEMBERS_LISTED = 500
_SVG = "http://www.w3.org/2000/svg"
_BLUE, _RED = "#4a6fa5", "#c0392b"  # ordinary / notable (burst day, strongly flagged account)


def render_page(template: str, **context: Any) -> str:
    """Render a page template with the shared stylesheet and a CSP allowing only that stylesheet."""
    css = ENV.get_template("style.css.j2").render()
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode()
    csp = Markup(  # unmask's own constant, without quotes that would end the attribute
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; base-uri 'none'; "
        "form-action 'none'"
    )
    return ENV.get_template(template).render(css=Markup(css), csp=csp, **context)


def report_html(dossier: Dossier, catalogue: Catalogue) -> bytes:
    return render_page("report.html.j2", **report_context(dossier, catalogue)).encode("utf-8")


def report_context(dossier: Dossier, catalogue: Catalogue) -> dict[str, Any]:
    data, incident = dossier.data, dossier.incident
    by_signal: dict[str, list[EvidencePair]] = defaultdict(list)
    for pair in data.evidence:
        if len(by_signal[pair.signal]) < PAIRS_PER_SIGNAL:
            by_signal[pair.signal].append(pair)
    return {
        "incident": incident,
        "data": data,
        "summary": markup_to_text(incident.summary),
        "techniques": [
            {
                "id": t.technique_id,
                "name": t.name or catalogue.name(t.technique_id),
                "status": str(t.status),
                "description": markup_to_text(t.description),
                "evidence": t.evidence,
            }
            for t in sorted(incident.techniques, key=lambda t: t.technique_id)
            if t.status != TechniqueStatus.REJECTED
        ],
        "members": [{"member": m, "flags": flag_details(m)} for m in data.members[:MEMBERS_LISTED]],
        "labels": {m.acct: m.label for m in data.members},
        "evidence": dict(sorted(by_signal.items())),
        "timeline": timeline_svg(data),
        "network": network_svg(data),
        "shown_nodes": min(len(data.members), MAX_NODES),
        "catalogue_version": incident.catalogue_version or catalogue.version,
        "run_date": data.run_at.date().isoformat(),
    }


def _svg(width: int, height: int, label: str) -> ET.Element:
    return ET.Element(
        "svg",
        {"xmlns": _SVG, "viewBox": f"0 0 {width} {height}", "role": "img", "aria-label": label},
    )


def _text(parent: ET.Element, x: float, y: float, text: str, anchor: str = "start") -> None:
    node = ET.SubElement(
        parent, "text", {"x": f"{x:.1f}", "y": f"{y:.1f}", "font-size": "11", "text-anchor": anchor}
    )
    node.text = text


def timeline_svg(data: CampaignData, width: int = 720, height: int = 170) -> Markup:
    """Posts per day (every day of the span, zeros included), burst days in red, with a legend."""
    counts = {v["day"]: v["posts"] for v in data.summary.get("volume", [])}
    if not counts:
        return Markup("")
    first, last = date.fromisoformat(min(counts)), date.fromisoformat(max(counts))
    days = [(first + timedelta(n)).isoformat() for n in range((last - first).days + 1)]
    burst_days = {
        (date.fromisoformat(b["start"]) + timedelta(n)).isoformat()
        for b in data.summary.get("bursts", [])
        for n in range((date.fromisoformat(b["end"]) - date.fromisoformat(b["start"])).days + 1)
    }
    top = max(counts.values())
    left, bottom, plot_h = 40, 22, height - 52
    step = (width - left - 10) / len(days)
    svg = _svg(width, height, f"Posts per day, {days[0]} to {days[-1]}")
    for index, day in enumerate(days):
        n = counts.get(day, 0)
        bar_h = plot_h * n / top
        rect = ET.SubElement(
            svg,
            "rect",
            {
                "x": f"{left + index * step:.1f}",
                "y": f"{height - bottom - bar_h:.1f}",
                "width": f"{max(step - 1, 1):.1f}",
                "height": f"{bar_h:.1f}",
                "fill": _RED if day in burst_days else _BLUE,
            },
        )
        ET.SubElement(rect, "title").text = f"{day}: {n} posts" + (" (burst)" if day in burst_days else "")
    _text(svg, left - 4, height - bottom - plot_h + 4, str(top), "end")
    _text(svg, left - 4, height - bottom, "0", "end")
    _text(svg, left, height - 6, days[0])
    _text(svg, width - 10, height - 6, days[-1], "end")
    for offset, (colour, label) in enumerate(((_BLUE, "posts per day"), (_RED, "burst day"))):
        x = left + offset * 130
        ET.SubElement(svg, "rect", {"x": str(x), "y": "4", "width": "10", "height": "10", "fill": colour})
        _text(svg, x + 14, 13, label)
    return Markup(ET.tostring(svg, encoding="unicode"))


def network_svg(data: CampaignData, size: int = 520) -> Markup:
    """The accounts (top MAX_NODES by score) and their ties, placed by Kamada-Kawai (deterministic
    from a circular start); accounts with a strong inauthenticity flag in red, line width by weight."""
    members = list(data.members[:MAX_NODES])
    if not members:
        return Markup("")
    index = {m.acct: i for i, m in enumerate(members)}
    weights: dict[tuple[int, int], float] = defaultdict(float)
    for edge in data.edges:
        if edge.a in index and edge.b in index:
            weights[tuple(sorted((index[edge.a], index[edge.b])))] += edge.weight  # type: ignore[index]
    graph = igraph.Graph(n=len(members), edges=sorted(weights))
    layout = graph.layout_kamada_kawai(seed=graph.layout_circle().coords) if len(members) > 1 else None
    coords = layout.coords if layout else [[0.0, 0.0]]
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    margin = 16
    scale = (size - 2 * margin) / span
    height = round(2 * margin + (max(ys) - min(ys)) * scale)

    def place(i: int) -> tuple[float, float]:
        return margin + (coords[i][0] - min(xs)) * scale, margin + (coords[i][1] - min(ys)) * scale

    svg = _svg(size, height, f"Network of {len(members)} campaign accounts")
    heaviest = max(weights.values(), default=1.0)
    for (i, j), weight in sorted(weights.items()):
        (x1, y1), (x2, y2) = place(i), place(j)
        ET.SubElement(
            svg,
            "line",
            {
                "x1": f"{x1:.1f}",
                "y1": f"{y1:.1f}",
                "x2": f"{x2:.1f}",
                "y2": f"{y2:.1f}",
                "stroke": "#999",
                "stroke-opacity": "0.6",
                "stroke-width": f"{0.5 + 2.5 * math.sqrt(weight / heaviest):.2f}",
            },
        )
    for i, member in enumerate(members):
        x, y = place(i)
        flagged = any(member.flagged(flag) for flag in STRONG_FLAGS)
        circle = ET.SubElement(
            svg,
            "circle",
            {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": "5", "fill": _RED if flagged else _BLUE},
        )
        ET.SubElement(circle, "title").text = f"{member.label} ({member.acct}), score {member.score}"
    return Markup(ET.tostring(svg, encoding="unicode"))
