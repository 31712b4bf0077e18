"""The one read of a file before its records: digest and line shape, whatever the block boundaries."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unmask.ingest import file_scan
from unmask.ingest.file_scan import scan_file


def expected(data: bytes) -> tuple[str, int, bool, bool, bool]:
    lone_cr = any(byte == 13 and data[i + 1 : i + 2] != b"\n" for i, byte in enumerate(data))
    nul = any(byte == 0 for byte in data)
    return hashlib.sha256(data).hexdigest(), data.count(b"\n"), data[-1:] in (b"\n", b"\r"), lone_cr, nul


_LINES = st.text(alphabet="a\r\n,\0", max_size=64).map(str.encode)  # line breaks of every kind, often


@given(data=st.binary(max_size=64) | _LINES, block=st.integers(1, 8))
def test_digest_and_line_shape_hold_across_block_boundaries(data: bytes, block: int) -> None:
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        path = Path(folder) / "f"
        path.write_bytes(data)
        patch.setattr(file_scan, "_BLOCK", block)
        scan = scan_file(path)
    assert (scan.sha256, scan.newlines, scan.ends_with_break, scan.lone_cr, scan.nul) == expected(data)


def test_a_crlf_split_between_blocks_is_no_lone_cr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\r\nc,d\r\n")
    monkeypatch.setattr(file_scan, "_BLOCK", 4)  # the first block ends with the CR of "\r\n"
    scan = scan_file(path)
    assert (scan.newlines, scan.ends_with_break, scan.lone_cr) == (2, True, False)
