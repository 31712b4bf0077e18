"""Lint a DISARM incident page: empty fields, bad dates, unknown techniques, and evidence that is not this
incident's own.

The defect that started unmask: a copy of DISARM's page I00093 whose three technique descriptions were a
passage about another incident (I00075, Russia in Madagascar). Such a page looks complete, so the linter
compares every description with (a) the other known DISARM incidents' evidence and summaries and (b) this
incident's own material (its summary, its DISARM record, and the posts/texts the caller knows), by runs of
8 folded words. It also uses the convention DISARM's descriptions keep (318 of 322 name the technique they
illustrate, "... (T0129.006: Deny Involvement)"): a passage that names other techniques but not its own,
or one passage given for techniques it does not name, is not that technique's evidence.

Codes (stable, one per kind of defect): not-an-incident-page, empty-field, bad-date, unknown-technique,
borrowed-evidence, technique-not-cited, repeated-evidence, unsupported-evidence, unreviewed-technique,
no-archive.
"""

from __future__ import annotations

import html
import re
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from unmask.documents.catalogue import Catalogue, load_catalogue
from unmask.documents.disarm_data import CSV_ENV, find_csv_dir, load_known_incidents
from unmask.documents.disarm_page import ParsedPage, parse_page
from unmask.documents.incident import Incident, IncidentTechnique, TechniqueStatus
from unmask.errors import InputError
from unmask.text import fold_many

SHINGLE_WORDS = 8
# Among DISARM's 129 incidents no description shares more than 14 runs (8 %) with another incident's
# evidence or summary; a pasted passage shares nearly all of its runs. Flag at 20 runs (a verbatim
# passage of 27+ words) or at 30 % of a description of at least 5 runs.
_BORROWED_RUNS = 20
_BORROWED_SHARE = 0.3
_MIN_RUNS = 5
_TECHNIQUE_ID = re.compile(r"\bT\d{4}(?:\.\d{3})?\b")
_TAG = re.compile(r"<[^>]*>")
_REQUIRED = (
    ("summary", "Summary"),
    ("incident_type", "Incident type"),
    ("year_started", "Year started"),
    ("countries", "Countries"),
    ("found_via", "Found via"),
    ("date_added", "Date added"),
)


@dataclass(frozen=True, slots=True)
class Finding:
    line: int  # 1-based line of the page
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class KnownEvidence:
    """This incident's own material: texts (posts, articles) and ids (post ids, URLs) evidence may cite."""

    texts: tuple[str, ...] = ()
    ids: frozenset[str] = frozenset()


def lint_page(
    text: str,
    *,
    catalogue: Catalogue,
    known_evidence: KnownEvidence | None = None,
    incident_data: Mapping[str, Incident] | None = None,
) -> list[Finding]:
    """Every defect found in the page, by line. `incident_data`: known incidents by id (DISARM's CSVs)."""
    try:
        page = parse_page(text)
    except InputError as exc:
        return [Finding(1, "not-an-incident-page", str(exc))]
    findings = [
        *_empty_fields(page),
        *_bad_dates(page),
        *_references(page),
        *_techniques(page, catalogue),
        *_repeated(page),
        *_borrowed(page, known_evidence, incident_data or {}),
    ]
    if known_evidence is not None:
        findings += _unsupported(page, known_evidence)
    return sorted(findings, key=lambda finding: (finding.line, finding.code))


def lint_file(
    path: str | Path,
    catalogue: Catalogue | None = None,
    *,
    known_evidence: KnownEvidence | None = None,
    incident_data: Mapping[str, Incident] | None = None,
) -> list[Finding]:
    """Lint a page on disk; the catalogue and DISARM's incidents are found as `load_catalogue` finds them."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    if incident_data is None:
        csv_dir = find_csv_dir()
        if csv_dir is None:
            message = f"DISARM incident data not found (set {CSV_ENV}): evidence is not compared with it"
            warnings.warn(message, stacklevel=2)
        incident_data = load_known_incidents(csv_dir) if csv_dir else {}
    return lint_page(
        text,
        catalogue=load_catalogue() if catalogue is None else catalogue,
        known_evidence=known_evidence,
        incident_data=incident_data,
    )


def format_findings(path: str | Path, findings: Iterable[Finding]) -> str:
    """One finding per line, as compilers and linters print them: PATH:LINE: CODE message."""
    return "".join(f"{path}:{f.line}: {f.code} {_printable(f.message)}\n" for f in findings)


def _printable(text: str) -> str:
    """Messages quote page text (post ids, URLs): show control characters escaped, never send them."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _empty_fields(page: ParsedPage) -> list[Finding]:
    incident = page.incident
    findings = []
    for attribute, label in _REQUIRED:
        line = page.field_lines.get(attribute)
        if line is None:
            findings.append(Finding(1, "empty-field", f"{label} is missing from the page"))
        elif attribute == "countries":
            parts = (
                ("attribution (first value)", incident.attributed_to),
                ("country (second value)", incident.countries),
            )
            missing = [name for name, value in parts if not _plain(value)]
            if missing:
                findings.append(Finding(line, "empty-field", f"Countries: no {' and no '.join(missing)}"))
        elif not _plain(getattr(incident, attribute)):
            findings.append(Finding(line, "empty-field", f"{label} is empty"))
    return findings


def _bad_dates(page: ParsedPage) -> list[Finding]:
    incident = page.incident
    findings = []
    year, added = incident.year_started.strip(), incident.date_added.strip()
    if year and not re.fullmatch(r"\d{4}", year):
        message = f"Year started {year!r} is not a 4-digit year"
        findings.append(Finding(page.field_lines["year_started"], "bad-date", message))
    if added and not _is_date(added, "-", parts=3):
        message = f"Date added {added!r} is not a YYYY-MM-DD date"
        findings.append(Finding(page.field_lines["date_added"], "bad-date", message))
    for line, reference in zip(page.reference_lines, incident.references, strict=True):
        published = reference.publication_date.strip()
        if published and not any(_is_date(published, sep, n) for sep in "/-" for n in (1, 2, 3)):
            message = f"publication date {published!r} of {reference.url} is not YYYY/MM/DD (or YYYY-MM-DD)"
            findings.append(Finding(line, "bad-date", message))
    return findings


def _is_date(text: str, separator: str, parts: int) -> bool:
    """True for YYYY, YYYY<sep>MM or YYYY<sep>MM<sep>DD (as `parts` says) naming a real date."""
    pattern = re.escape(separator).join([r"(\d{4})", r"(\d{2})", r"(\d{2})"][:parts])
    match = re.fullmatch(pattern, text)
    if match is None:
        return False
    numbers = [int(group) for group in match.groups()] + [1] * (3 - parts)
    try:
        date(*numbers)
    except ValueError:
        return False
    return True


def _references(page: ParsedPage) -> list[Finding]:
    return [
        Finding(line, "no-archive", f"reference {reference.url} has no archive link (e.g. web.archive.org)")
        for line, reference in zip(page.reference_lines, page.incident.references, strict=True)
        if not re.match(r"https?://", reference.archive_url.strip(), re.IGNORECASE)
    ]


def _techniques(page: ParsedPage, catalogue: Catalogue) -> list[Finding]:
    findings = []
    for line, technique in zip(page.technique_lines, page.incident.techniques, strict=True):
        technique_id = technique.technique_id
        if not technique_id:
            message = "technique row is not '| [ID NAME](link) | description |'"
            findings.append(Finding(line, "unknown-technique", message))
            continue
        if technique_id not in catalogue:
            hint = " (stray whitespace in the id)" if technique_id.strip() in catalogue else ""
            message = f"{technique_id!r} is not a technique of {catalogue.version}{hint}"
            findings.append(Finding(line, "unknown-technique", message))
        cited = _cited(technique)
        if cited and technique_id.strip() not in cited:
            message = (
                f"the description of {technique_id.strip()} names {', '.join(sorted(cited))} but not "
                f"{technique_id.strip()}: it is evidence for another technique"
            )
            findings.append(Finding(line, "technique-not-cited", message))
        if technique.status == TechniqueStatus.INFERRED:
            message = f"{technique_id.strip()} was inferred by unmask and has not been reviewed"
            findings.append(Finding(line, "unreviewed-technique", message))
    return findings


def _repeated(page: ParsedPage) -> list[Finding]:
    """One passage given for several techniques, but not naming each of them (DISARM's passages do)."""
    groups: dict[str, list[tuple[int, IncidentTechnique]]] = defaultdict(list)
    for line, technique in zip(page.technique_lines, page.incident.techniques, strict=True):
        passage = " ".join(_plain(technique.description).split())
        if passage:
            groups[passage].append((line, technique))
    findings = []
    for rows in groups.values():
        ids = sorted({technique.technique_id.strip() for _, technique in rows})
        cited = _cited(rows[0][1])
        uncited = [technique_id for technique_id in ids if technique_id not in cited]
        if len(ids) > 1 and uncited:
            named = f"names only {', '.join(sorted(cited))}" if cited else "names none of them"
            lines = ", ".join(str(line) for line, _ in rows)
            message = (
                f"the same passage is given for {', '.join(ids)} (lines {lines}) and {named}: "
                f"it cannot be the evidence for {', '.join(uncited)}"
            )
            findings.append(Finding(rows[0][0], "repeated-evidence", message))
    return findings


def _borrowed(
    page: ParsedPage, known_evidence: KnownEvidence | None, incident_data: Mapping[str, Incident]
) -> list[Finding]:
    """Descriptions made of another incident's evidence that this incident's own material does not hold."""
    incident = page.incident
    own_texts = [incident.summary, *(known_evidence.texts if known_evidence else ())]
    own_record = incident_data.get(incident.id)
    if own_record is not None:
        own_texts += [own_record.summary, *(t.description for t in own_record.techniques)]
    _prime_words(own_texts)
    own = set().union(*(_shingles(text) for text in own_texts))
    index = _evidence_index(incident_data.values())
    findings = []
    for line, technique in zip(page.technique_lines, incident.techniques, strict=True):
        runs = _shingles(technique.description)
        if len(runs) < _MIN_RUNS:
            continue
        shared: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        sources: dict[str, set[str]] = defaultdict(set)
        for shingle in runs - own:
            for other_id, source in index.get(shingle, ()):
                if other_id == incident.id:
                    continue
                shared[other_id].add(shingle)
                sources[other_id].add(source)
        for other_id, runs_shared in sorted(shared.items()):
            if len(runs_shared) >= min(_BORROWED_RUNS, _BORROWED_SHARE * len(runs)):
                message = (
                    f"the description of {technique.technique_id.strip()} is text from incident {other_id} "
                    f"(its {', '.join(sorted(sources[other_id]))}): {len(runs_shared)} of {len(runs)} runs "
                    f"of {SHINGLE_WORDS} words, not found in this incident's own material"
                )
                findings.append(Finding(line, "borrowed-evidence", message))
    return findings


_Index = dict[tuple[str, ...], set[tuple[str, str]]]
_index_cache: dict[tuple[tuple[str, str, str], ...], _Index] = {}


def _evidence_index(incidents: Iterable[Incident]) -> _Index:
    """Each run of words -> the (incident, "summary" or technique id) texts it occurs in.

    Kept for the last set of texts: a web app lints every page against the same DISARM incidents, and
    the index takes longer to build than the rest of the linting.
    """
    sources = tuple(
        (incident.id, source, text)
        for incident in incidents
        for source, text in (
            ("summary", incident.summary),
            *((t.technique_id, t.description) for t in incident.techniques),
        )
    )
    index = _index_cache.get(sources)
    if index is not None:
        return index
    index = defaultdict(set)
    _prime_words([text for _id, _source, text in sources])
    for incident_id, source, text in sources:
        for shingle in _shingles(text):
            index[shingle].add((incident_id, source))
    _index_cache.clear()
    _index_cache[sources] = index
    return index


def _unsupported(page: ParsedPage, known_evidence: KnownEvidence) -> list[Finding]:
    """Evidence ids outside this incident's data, and techniques with no evidence from it at all."""
    _prime_words(list(known_evidence.texts))
    own = set().union(*(_shingles(text) for text in known_evidence.texts))
    findings = []
    for line, technique in zip(page.technique_lines, page.incident.techniques, strict=True):
        unknown = [ref for ref in technique.evidence if ref not in known_evidence.ids]
        if unknown:
            message = (
                f"evidence for {technique.technique_id} not in this incident's data: {', '.join(unknown)}"
            )
            findings.append(Finding(line, "unsupported-evidence", message))
        elif not technique.evidence and not _shingles(technique.description) & own:
            message = f"{technique.technique_id} cites no post and quotes none of this incident's data"
            findings.append(Finding(line, "unsupported-evidence", message))
    return findings


def _cited(technique: IncidentTechnique) -> set[str]:
    return set(_TECHNIQUE_ID.findall(technique.description))


def _plain(text: str) -> str:
    """Text without markup, to tell an empty field ("<i></i>") from a filled one."""
    return html.unescape(_TAG.sub(" ", text)).strip()


_WORDS_CACHE_SIZE = 8192
_words_cache: dict[str, tuple[str, ...]] = {}


def _prime_words(texts: list[str]) -> None:
    """Fold every text not yet cached in one vectorised call (folding one at a time costs ~1 ms each)."""
    missing = list(dict.fromkeys(t for t in texts if t not in _words_cache))
    if not missing:
        return
    if len(_words_cache) + len(missing) > _WORDS_CACHE_SIZE:
        _words_cache.clear()
    for text, folded in zip(missing, fold_many([_plain(t) for t in missing]), strict=True):
        _words_cache[text] = tuple(folded.split())


def _words(text: str) -> tuple[str, ...]:
    """Folded words (unmask's one definition of "the same text"); cached: the corpus is re-read per page."""
    words = _words_cache.get(text)
    if words is None:  # not primed (or cleared by another request since): fold it alone
        words = _words_cache[text] = tuple(fold_many([_plain(text)])[0].split())
    return words


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
