"""`disarm sync` offline: a file URL stands in for GitHub, an unreachable localhost port for no network."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from unmask.documents.catalogue import SYNCED_BUNDLE_NAME, default_sync_path, load_catalogue
from unmask.documents.sync import sync_catalogue
from unmask.errors import InputError, NetworkError, UnmaskError


def unreachable_url() -> str:
    """A localhost port nothing listens on: the connection is refused at once, no network involved."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/DISARM.json"


def test_sync_writes_the_bundle_and_returns_its_catalogue(stix_path: Path, tmp_path: Path) -> None:
    catalogue = sync_catalogue(tmp_path / "dest", url=stix_path.as_uri())
    written = tmp_path / "dest" / SYNCED_BUNDLE_NAME
    assert written.read_bytes() == stix_path.read_bytes()
    assert len(catalogue) == 391 and catalogue.source == str(written)
    assert load_catalogue(written).techniques == catalogue.techniques
    assert [p.name for p in written.parent.iterdir()] == [SYNCED_BUNDLE_NAME]  # no temporary file left behind


def test_sync_defaults_to_the_user_data_dir(stix_path: Path, no_configured_sources: Path) -> None:
    sync_catalogue(url=stix_path.as_uri())
    assert default_sync_path().is_file()
    assert load_catalogue().source == str(default_sync_path())


def test_no_network_is_a_clear_error_and_keeps_the_old_bundle(tmp_path: Path) -> None:
    old = tmp_path / SYNCED_BUNDLE_NAME
    old.write_text("previous bundle", encoding="utf-8")
    with pytest.raises(NetworkError, match="cannot download the DISARM STIX bundle") as caught:
        sync_catalogue(tmp_path, url=unreachable_url(), timeout=5)
    assert isinstance(caught.value, UnmaskError)
    assert old.read_text(encoding="utf-8") == "previous bundle"


@pytest.mark.parametrize("payload", [b"<html>rate limited</html>", b'{"type": "bundle", "objects": []}'])
def test_a_download_that_is_not_a_disarm_bundle_is_refused(tmp_path: Path, payload: bytes) -> None:
    source = tmp_path / "served.json"
    source.write_bytes(payload)
    dest = tmp_path / "dest"
    with pytest.raises(InputError):
        sync_catalogue(dest, url=source.as_uri())
    assert not (dest / SYNCED_BUNDLE_NAME).exists()
