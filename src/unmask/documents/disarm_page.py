"""DISARM incident pages: render an Incident in the layout of DISARM's generated_pages, and read one back.

The layout is DISARM's own (CODE/page_templates/template_incident.md and generate_DISARM_pages.py), so a
page unmask writes can sit beside DISARM's pages and a DISARM page rendered from DISARM's data comes out
byte-identical. Like DISARM's generator, re-rendering keeps everything below the "DO NOT EDIT ABOVE THIS
LINE" line. unmask adds to the layout only what DISARM has no place for, and only when present: the
catalogue version line, the evidence list of a technique, and a mark on techniques nobody reviewed yet.

Field text is page markup, but attacker-controlled text ends up in it (post text quoted as evidence), so
every value is made inert on the way out: DISARM's formatting tags (<i>, <br>, ...) stay, any other `<` is
escaped, line breaks become <br> (a raw newline would end a table row or start a fake field), `|` is
escaped in table cells, `](` cannot open a link, and URLs are percent-encoded and must be http(s).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from unmask.documents.catalogue import Catalogue
from unmask.documents.incident import Incident, IncidentTechnique, Reference, TechniqueStatus
from unmask.errors import InputError

WARN_LINE = "DO NOT EDIT ABOVE THIS LINE - PLEASE ADD NOTES BELOW"
INFERRED_MARK = "<b>Inferred by unmask, not reviewed:</b> "
EVIDENCE_MARK = "<br><br><b>Evidence:</b> "
_TECHNIQUE_LINK = "../../generated_pages/techniques/{}.md"
_REFERENCES_HEADER = "| Reference | Pub Date | Authors | Org | Archive |"
_REFERENCES_RULE = "| --------- | -------- | ------- | --- | ------- |"
_TECHNIQUES_HEADER = "| Technique | Description given for this incident |"
_TECHNIQUES_RULE = "| --------- | ------------------------- |"

# (label as printed, how it is printed, Incident attribute); Countries is two attributes, handled apart.
_FIELDS = (
    ("Summary", "* **Summary:** ", "summary"),
    ("incident type", "* **incident type**: ", "incident_type"),
    ("Year started", "* **Year started:** ", "year_started"),
    ("Countries", "* **Countries:** ", "countries"),
    ("Found via", "* **Found via:** ", "found_via"),
    ("Date added", "* **Date added:** ", "date_added"),
)
_VERSION_FIELD = ("DISARM version", "* **DISARM version:** ", "catalogue_version")
_LABELS = {label.lower(): attribute for label, _, attribute in (*_FIELDS, _VERSION_FIELD)}

_TITLE_ID = re.compile(r"[^\s:]+")
_TITLE = re.compile(rf"^# Incident (?P<id>{_TITLE_ID.pattern}): ?(?P<name>.*)$")
_FIELD_LINE = re.compile(r"^\* \*\*(?P<label>[^*]+?)(?::\*\*|\*\*:) ?(?P<value>.*)$")
_LINK = re.compile(r"^\[(?P<text>(?:\\.|[^\]\\])*)\]\((?P<url>[^)]*)\)$", re.DOTALL)
_TECHNIQUE_ROW = re.compile(r"^\| \[(?P<label>(?:\\.|[^\]\\])*)\]\([^)]*\) \| (?P<desc>.*) \|$", re.DOTALL)
_CELL_SPLIT = re.compile(r"(?<!\\) \| ")
_ALLOWED_TAG = re.compile(r"</?(?:i|b|u|em|strong|br|sup|sub)\s*/?>", re.IGNORECASE)
_NEWLINE = re.compile(r"\r\n|\r|\n")
_SAFE_REF_CHARS = frozenset("-._:/?=%@+~")
# What ends a Markdown link destination or a table cell: ASCII space and controls, brackets, quotes, pipe.
_URL_UNSAFE = frozenset('()<>[]|"`\\ \x7f' + "".join(map(chr, range(32))))

_QUOTED_UNSAFE = re.compile("|".join(sorted(quote(c) for c in _URL_UNSAFE)))


@dataclass(slots=True)
class ParsedPage:
    """An imported page: the incident, and the line (1-based) each part came from, for the linter."""

    incident: Incident
    field_lines: dict[str, int] = field(default_factory=dict)  # Incident attribute -> line
    reference_lines: list[int] = field(default_factory=list)
    technique_lines: list[int] = field(default_factory=list)


def render(
    incident: Incident, *, existing_page: str | None = None, catalogue: Catalogue | None = None
) -> str:
    """The incident as a DISARM page; notes below the line come from `existing_page` when given.

    `catalogue` names techniques whose `name` is empty. Rejected techniques are not printed. Raises
    InputError for an id the title cannot hold (empty, or with spaces or ':').
    """
    if not _TITLE_ID.fullmatch(incident.id):
        raise InputError(f"incident id {incident.id!r} cannot be a page title (no spaces or ':')")
    parts = [f"# Incident {_markup(incident.id)}: {_markup(incident.name)}\n\n"]
    for _, prefix, attribute in _FIELDS:
        value = _countries(incident) if attribute == "countries" else _markup(getattr(incident, attribute))
        parts.append(f"{prefix}{value}\n\n")
    if incident.catalogue_version:
        parts.append(f"{_VERSION_FIELD[1]}{_markup(incident.catalogue_version)}\n\n")
    parts.append(f"\n{_REFERENCES_HEADER}\n{_REFERENCES_RULE}\n")
    parts.extend(_reference_row(reference) for reference in incident.references)
    parts.append(f"\n \n\n{_TECHNIQUES_HEADER}\n{_TECHNIQUES_RULE}\n")
    shown = [t for t in incident.techniques if t.status != TechniqueStatus.REJECTED]
    parts.extend(_technique_row(t, catalogue) for t in sorted(shown, key=lambda t: t.technique_id))
    parts.append("\n\n" + WARN_LINE)
    parts.append(incident.notes_below_line if existing_page is None else _notes(existing_page))
    return "".join(parts)


def parse_page(text: str) -> ParsedPage:
    """Read a DISARM incident page (DISARM's, unmask's or hand-edited) back into an Incident.

    Raises InputError when the first line is not "# Incident ID: NAME". Unknown lines are ignored,
    missing fields stay empty (the linter reports them), multi-line table rows are joined.
    """
    head, notes = _split_notes(text) or (text, "")
    lines = head.split("\n")
    title = _TITLE.match(lines[0])
    if title is None:
        raise InputError("not a DISARM incident page: the first line must be '# Incident ID: NAME'")
    page = ParsedPage(Incident(id=title["id"], name=title["name"], notes_below_line=notes))
    index = 1
    while index < len(lines):
        line = lines[index]
        if line in (_REFERENCES_HEADER, _TECHNIQUES_HEADER):
            index = _read_table(lines, index, page)
            continue
        match = _FIELD_LINE.match(line)
        end = _block_end(lines, index + 1)
        if match and match["label"].strip().lower() in _LABELS:
            value = "\n".join([match["value"], *lines[index + 1 : end]]).rstrip("\n")
            _set_field(page, _LABELS[match["label"].strip().lower()], value, index + 1)
        index = end
    return page


def _set_field(page: ParsedPage, attribute: str, value: str, line: int) -> None:
    page.field_lines[attribute] = line
    if attribute == "countries":
        attributed, separator, countries = value.partition(" , ")
        page.incident.attributed_to, page.incident.countries = (
            (attributed, countries) if separator else ("", value)
        )
    else:
        setattr(page.incident, attribute, value)


def _block_end(lines: list[str], index: int) -> int:
    """Index of the next line that starts a field or a table: a field's value runs up to it."""
    while index < len(lines) and not (
        _FIELD_LINE.match(lines[index]) or lines[index] in (_REFERENCES_HEADER, _TECHNIQUES_HEADER)
    ):
        index += 1
    return index


def _read_table(lines: list[str], index: int, page: ParsedPage) -> int:
    """Read the table whose header is at `index`; rows may continue on lines not starting with '|'."""
    is_references = lines[index] == _REFERENCES_HEADER
    index += 2  # header and rule
    rows: list[tuple[int, str]] = []
    while index < len(lines) and lines[index].strip():
        if lines[index].startswith("|") or not rows:
            rows.append((index + 1, lines[index]))
        else:
            rows[-1] = (rows[-1][0], rows[-1][1] + "\n" + lines[index])
        index += 1
    for line, row in rows:
        if is_references:
            page.incident.references.append(_parse_reference(row))
            page.reference_lines.append(line)
        else:
            page.incident.techniques.append(_parse_technique(row))
            page.technique_lines.append(line)
    return index


def _parse_reference(row: str) -> Reference:
    cells = _CELL_SPLIT.split(row.removeprefix("| ").removesuffix(" |"))
    cells += [""] * (5 - len(cells))
    title, url = _parse_link(cells[0])
    return Reference(
        url=url,
        publication_date=cells[1],
        authors=" | ".join(cells[2:-2]),
        organisation=cells[-2],
        archive_url=_parse_link(cells[-1])[1],
        title="" if title == url else title,
    )


def _parse_link(cell: str) -> tuple[str, str]:
    """(text, url) of a "[text](url)" cell; a plain cell is its own text and url."""
    match = _LINK.match(cell)
    return (match["text"], _unquote_unsafe(match["url"])) if match else (cell, cell)


def _parse_technique(row: str) -> IncidentTechnique:
    match = _TECHNIQUE_ROW.match(row)
    if match is None:
        return IncidentTechnique(technique_id="", description=row)
    technique_id, _, name = match["label"].partition(" ")
    description = match["desc"]
    status = TechniqueStatus.ACCEPTED
    if description.startswith(INFERRED_MARK):
        status, description = TechniqueStatus.INFERRED, description.removeprefix(INFERRED_MARK)
    evidence: list[str] = []
    if EVIDENCE_MARK in description:
        description, _, refs = description.rpartition(EVIDENCE_MARK)
        evidence = [_decode_ref(ref) for ref in refs.split(", ")]
    return IncidentTechnique(technique_id, description, name, evidence, status)


def _split_notes(text: str) -> tuple[str, str] | None:
    """(generated part, notes after the warning line), or None when the page has no warning line."""
    if text.startswith(WARN_LINE):
        position = 0
    else:
        position = text.find("\n" + WARN_LINE) + 1  # at a line start: field text cannot fake it
        if position == 0:
            return None
    return text[:position], text[position + len(WARN_LINE) :]


def _notes(existing_page: str) -> str:
    """What a re-render keeps: the existing notes, or (as DISARM does) the whole page if it has no line."""
    split = _split_notes(existing_page)
    return split[1] if split else existing_page


def _reference_row(reference: Reference) -> str:
    cells = (
        _link(reference.title or reference.url, reference.url),
        _cell(reference.publication_date),
        _cell(reference.authors),
        _cell(reference.organisation),
        _link(reference.archive_url, reference.archive_url),
    )
    return "| " + " | ".join(cells) + " |\n"


def _technique_row(technique: IncidentTechnique, catalogue: Catalogue | None) -> str:
    name = technique.name or (catalogue.name(technique.technique_id) if catalogue else "")
    label = _link_text(f"{technique.technique_id} {name}" if name else technique.technique_id)
    description = _cell(technique.description)
    for mark in (INFERRED_MARK, EVIDENCE_MARK):  # quoted text must not pose as unmask's own marks
        description = description.replace(mark, mark.replace(":", "&#58;"))
    if technique.status == TechniqueStatus.INFERRED:
        description = INFERRED_MARK + description
    if technique.evidence:
        description += EVIDENCE_MARK + ", ".join(_encode_ref(ref) for ref in technique.evidence)
    return f"| [{label}]({_url(_TECHNIQUE_LINK.format(technique.technique_id))}) | {description} |\n"


def _countries(incident: Incident) -> str:
    return f"{_markup(incident.attributed_to)} , {_markup(incident.countries)}"


def _markup(text: str) -> str:
    """Make text inert: keep DISARM's formatting tags, escape other '<', break no line, open no link."""
    text = _NEWLINE.sub("<br>", text)
    pieces = []
    position = 0
    for tag in _ALLOWED_TAG.finditer(text):
        pieces += [text[position : tag.start()].replace("<", "&lt;"), tag.group()]
        position = tag.end()
    pieces.append(text[position:].replace("<", "&lt;"))
    return "".join(pieces).replace("](", "]\\(")


def _cell(text: str) -> str:
    """`_markup`, with '|' escaped and no trailing backslash, so the text cannot split a table cell."""
    text = re.sub(r"(?<!\\)\|", r"\\|", _markup(text))
    return text[:-1] + "&#92;" if text.endswith("\\") else text


def _link_text(text: str) -> str:
    return re.sub(r"(?<!\\)([\[\]])", r"\\\1", _cell(text))


def _link(text: str, url: str) -> str:
    """A Markdown link for http(s) URLs (and DISARM's "[]()" for none); other values as plain text."""
    if url and not re.match(r"https?://", url, re.IGNORECASE):
        return _cell(url)
    return f"[{_link_text(text)}]({_url(url)})"


def _url(url: str) -> str:
    """Percent-encode what would end a Markdown link or a table cell; leave everything else as given."""
    return "".join(quote(c) if c in _URL_UNSAFE else c for c in url)


def _unquote_unsafe(url: str) -> str:
    """Undo `_url` for the characters it encodes that a URL may hold literally (parentheses, brackets...)."""
    return _QUOTED_UNSAFE.sub(lambda match: unquote(match.group()), url)


def _encode_ref(ref: str) -> str:
    """An evidence reference (a post id or URL from hostile data) as text that no renderer interprets."""
    return "".join(
        c if c.isascii() and (c.isalnum() or c in _SAFE_REF_CHARS) else f"&#{ord(c)};" for c in ref
    )


def _decode_ref(text: str) -> str:
    """Undo `_encode_ref`; a hand-edited reference that is no character code is left as it is."""
    return re.sub(r"&#(\d{1,7});", lambda m: chr(int(m[1])) if int(m[1]) < 0x110000 else m[0], text)
