"""The HTML report: self-contained (no request, no script), every quoted text escaped, charts drawn
from the campaign's own figures."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from unmask.documents.catalogue import Catalogue
from unmask.documents.exports import export
from unmask.documents.html_report import MAX_NODES


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data


@pytest.fixture(scope="module")
def report(planted, catalogue: Catalogue) -> str:
    return export(planted.store, "html", campaign_id=planted.campaign_id, catalogue=catalogue).data.decode()


@pytest.fixture(scope="module")
def parsed(report: str) -> Tags:
    tags = Tags()
    tags.feed(report)
    return tags


def test_report_matches_golden_file(report: str, golden) -> None:
    golden("report.html", report)


def test_csp_allows_only_the_inline_stylesheet(parsed: Tags) -> None:
    csp = next(
        a["content"]
        for t, a in parsed.tags
        if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp and csp.startswith("default-src 'none'")
    digest = base64.b64encode(hashlib.sha256(parsed.style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp
    assert not re.search(r"'unsafe-|\*|https?:", csp)


def test_nothing_is_fetched_or_run(parsed: Tags) -> None:
    names = {tag for tag, _ in parsed.tags}
    assert not names & {"script", "img", "iframe", "object", "embed", "link", "base", "form", "input"}
    for tag, attributes in parsed.tags:
        assert not any(name.startswith("on") for name in attributes), (tag, attributes)
        assert "src" not in attributes, tag
        if "href" in attributes:
            assert tag == "a" and (attributes["href"] or "").startswith("https://"), attributes


def test_hostile_text_is_shown_as_text(report: str, hostile) -> None:
    assert "@&lt;script&gt;alert(1)&lt;/script&gt;" in report  # the hostile handle, escaped
    assert "&lt;img src=x onerror=alert(1)&gt;" in report
    assert hostile.control not in report
    assert "javascript:" not in report


def test_charts_show_the_campaign(planted, parsed: Tags) -> None:
    summary = json.loads(
        planted.store.con.execute(
            "SELECT summary FROM campaigns WHERE campaign_id = ?", [planted.campaign_id]
        ).fetchone()[0]
    )
    first, last = (date.fromisoformat(summary["volume"][i]["day"]) for i in (0, -1))
    svgs = [i for i, (tag, _) in enumerate(parsed.tags) if tag == "svg"]
    assert len(svgs) == 2
    timeline = parsed.tags[svgs[0] : svgs[1]]
    bars = [a for tag, a in timeline if tag == "rect" and a.get("width") != "10"]  # legend boxes are 10 wide
    assert len(bars) == (last - first).days + 1
    burst_days = sum(
        (date.fromisoformat(b["end"]) - date.fromisoformat(b["start"])).days + 1 for b in summary["bursts"]
    )
    assert sum(1 for a in bars if a["fill"] == "#c0392b") == burst_days
    members = planted.store.con.execute(
        "SELECT count(*) FROM campaign_accounts WHERE campaign_id = ?", [planted.campaign_id]
    ).fetchone()[0]
    circles = [tag for tag, _ in parsed.tags[svgs[1] :] if tag == "circle"]
    assert len(circles) == min(members, MAX_NODES)
