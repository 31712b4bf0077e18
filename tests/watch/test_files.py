"""The readiness rule: a file is taken only once it has stopped changing, and never under a temp name."""

from __future__ import annotations

from pathlib import Path

import pytest

from unmask.errors import InputError
from unmask.watch.files import TEMP_SUFFIXES, ReadyFiles


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _names(ready: list) -> list[str]:
    return [path.name for path, _signature in ready]


def test_a_file_is_ready_once_unchanged_for_the_settle_time(tmp_path: Path, clock: Clock) -> None:
    files = ReadyFiles(2.0, clock=clock)
    (tmp_path / "a.csv").write_text("x,y\n")
    assert files.poll(tmp_path) == []  # first look: nothing known about it yet
    clock.now = 1.9
    assert files.poll(tmp_path) == []
    clock.now = 2.0
    assert _names(files.poll(tmp_path)) == ["a.csv"]


def test_a_growing_file_is_not_ready(tmp_path: Path, clock: Clock) -> None:
    files = ReadyFiles(1.0, clock=clock)
    path = tmp_path / "a.csv"
    path.write_text("x,y\n")
    for step in range(1, 6):
        files.poll(tmp_path)
        clock.now = step * 0.9  # written to again before each settle time is up
        with path.open("a") as handle:
            handle.write(f"{step},{step}\n")
        assert files.poll(tmp_path) == []
    clock.now += 1.0
    ready = files.poll(tmp_path)
    assert _names(ready) == ["a.csv"] and ready[0][1].size == path.stat().st_size


@pytest.mark.parametrize("name", [".hidden.csv", "~lock.csv", *(f"a.csv{s}" for s in sorted(TEMP_SUFFIXES))])
def test_temporary_and_hidden_names_are_never_taken(tmp_path: Path, clock: Clock, name: str) -> None:
    files = ReadyFiles(0.0, clock=clock)
    (tmp_path / name).write_text("x,y\n")
    (tmp_path / "folder.csv").mkdir()
    files.poll(tmp_path)
    clock.now = 100.0
    assert files.poll(tmp_path) == []


def test_a_renamed_file_is_seen_under_its_new_name(tmp_path: Path, clock: Clock) -> None:
    files = ReadyFiles(1.0, clock=clock)
    (tmp_path / "a.csv.part").write_text("x,y\n")
    files.poll(tmp_path)
    (tmp_path / "a.csv.part").rename(tmp_path / "a.csv")
    clock.now = 5.0
    assert files.poll(tmp_path) == []  # first look at a.csv
    clock.now = 6.0
    assert _names(files.poll(tmp_path)) == ["a.csv"]


def test_a_vanished_folder_is_a_clear_error(tmp_path: Path, clock: Clock) -> None:
    with pytest.raises(InputError, match="cannot list the watched folder"):
        ReadyFiles(1.0, clock=clock).poll(tmp_path / "unmounted")
