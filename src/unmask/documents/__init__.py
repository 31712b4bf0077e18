"""Documents: DISARM incident records (model, catalogue, page renderer and importer, linter, sync).

Detection finds campaigns; this layer writes them up as DISARM incidents and checks what is written.
"""

from unmask.documents.catalogue import Catalogue, Tactic, Technique, load_catalogue
from unmask.documents.disarm_data import load_known_incident, load_known_incidents
from unmask.documents.disarm_page import ParsedPage, parse_page, render
from unmask.documents.incident import Incident, IncidentTechnique, Reference, TechniqueStatus
from unmask.documents.lint import Finding, KnownEvidence, format_findings, lint_file, lint_page

__all__ = [
    "Catalogue",
    "Finding",
    "Incident",
    "IncidentTechnique",
    "KnownEvidence",
    "ParsedPage",
    "Reference",
    "Tactic",
    "Technique",
    "TechniqueStatus",
    "format_findings",
    "lint_file",
    "lint_page",
    "load_catalogue",
    "load_known_incident",
    "load_known_incidents",
    "parse_page",
    "render",
]
