"""`unmask disarm sync`: fetch the current DISARM STIX bundle from the DISARM Foundation's repository.

This is the one place unmask goes to the network, and only when asked: the bundle is validated (a STIX
bundle with DISARM techniques) before it replaces the synced copy, and the write is atomic, so a failed or
partial download never leaves a broken catalogue behind.
"""

from __future__ import annotations

import json
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from unmask.documents.catalogue import (
    SYNCED_BUNDLE_NAME,
    Catalogue,
    catalogue_from_bundle,
    default_sync_path,
)
from unmask.errors import InputError, NetworkError

DISARM_STIX_URL = (
    "https://raw.githubusercontent.com/DISARMFoundation/DISARMframeworks/main/"
    "generated_files/DISARM_STIX/DISARM.json"
)


def sync_catalogue(
    dest: str | Path | None = None, *, url: str = DISARM_STIX_URL, timeout: float = 30.0
) -> Catalogue:
    """Download the bundle into directory `dest` (default: the user data dir) and return its catalogue.

    Raises NetworkError when the download fails and InputError when what arrives is not a DISARM bundle;
    in both cases an earlier synced bundle is left as it was.
    """
    target = Path(dest) / SYNCED_BUNDLE_NAME if dest is not None else default_sync_path()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            payload = response.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise NetworkError(f"cannot download the DISARM STIX bundle from {url}: {exc}") from exc
    try:
        bundle = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{url} did not return JSON: {exc}") from exc
    catalogue = catalogue_from_bundle(bundle, target)
    _write_atomically(target, payload)
    return catalogue


def _write_atomically(target: Path, payload: bytes) -> None:
    """Write beside the target and rename over it: readers see the old bundle or the new, never half."""
    temporary: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        temporary = Path(name)
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.replace(temporary, target)
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise InputError(f"cannot write the DISARM bundle to {target}: {exc}") from exc
