"""Fixtures: one planted store per session (detect takes seconds), copied per module or per test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from web_support import Planted, Session, build_store, make_settings

from unmask.web import create_app


@pytest.fixture(scope="session")
def planted_store(tmp_path_factory: pytest.TempPathFactory) -> Planted:
    return build_store(tmp_path_factory.mktemp("web") / "template.duckdb")


@pytest.fixture
def planted(planted_store: Planted, tmp_path: Path) -> Planted:
    """A private copy of the store, for a test that changes it."""
    return planted_store.copy_to(tmp_path)


@pytest.fixture
def app(planted: Planted) -> FastAPI:
    return create_app(make_settings(planted.path))


@pytest.fixture
def login(app: FastAPI) -> Callable[[str | None], Session]:
    return lambda user: Session(app, user)


@pytest.fixture(scope="module")
def shared_planted(planted_store: Planted, tmp_path_factory: pytest.TempPathFactory) -> Planted:
    """One copy per module, for tests whose writes do not disturb each other."""
    return planted_store.copy_to(tmp_path_factory.mktemp("module"))


@pytest.fixture(scope="module")
def shared_app(shared_planted: Planted) -> FastAPI:
    return create_app(make_settings(shared_planted.path))
