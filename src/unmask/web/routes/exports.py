"""Downloads of a campaign (or of every campaign) in each export format of unmask.documents.exports.

Exports are served as attachments under the app's headers (CSP, nosniff), so an HTML or SVG export
opens as a file, never as a page of this site.
"""

from __future__ import annotations

import re
from enum import StrEnum

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from unmask.documents.exports import FORMATS, export
from unmask.web.auth import Role, SessionUser
from unmask.web.deps import app_state, require
from unmask.web.incidents import catalogue
from unmask.web.queries import require_campaign

router = APIRouter(tags=["exports"], include_in_schema=False)


ExportFormat = StrEnum("ExportFormat", {name.upper(): name for name in FORMATS})
EXPORT_FORMATS: tuple[tuple[str, str], ...] = tuple((name, spec.help) for name, spec in FORMATS.items())
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def _download(request: Request, fmt: ExportFormat, campaign_id: str | None) -> Response:
    with app_state(request).access.read() as store:
        if campaign_id is not None:
            require_campaign(store, campaign_id)
        result = export(store, fmt.value, campaign_id=campaign_id, catalogue=catalogue())
    filename = _UNSAFE_FILENAME.sub("_", result.filename).strip("._") or f"unmask-{fmt.value}"
    return Response(
        result.data,
        media_type=result.media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/campaigns/{campaign_id}/exports/{fmt}")
def campaign_export(
    request: Request, campaign_id: str, fmt: ExportFormat, _user: SessionUser = Depends(require(Role.VIEWER))
) -> Response:
    return _download(request, fmt, campaign_id)


@router.get("/exports/{fmt}")
def all_campaigns_export(
    request: Request, fmt: ExportFormat, _user: SessionUser = Depends(require(Role.VIEWER))
) -> Response:
    return _download(request, fmt, None)
