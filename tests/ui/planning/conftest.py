"""Fixtures for the planning views (proposals, meetings, action items): an AppContext
over the test database and a small coalition built through the services."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from coordinator.db import Database
from coordinator.reference import CONSORTIA
from coordinator.services import Services
from coordinator.services.records import ContactData, EmailData, OrganizationData
from ui.context import AppContext
from ui.kit.drafts import DraftStore

CONSORTIUM_IDS = {c.short_name: c.id for c in CONSORTIA}

@dataclass
class Coalition:
    """Organizations (one per consortium, by short name) and one contact in each."""

    orgs: dict[str, str] = field(default_factory=dict)  # short name -> organization id
    people: dict[str, str] = field(default_factory=dict)  # short name -> contact id


@pytest.fixture
def ctx(db: Database, tmp_path: Path, qapp: object) -> Iterator[AppContext]:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    context = AppContext(db, settings)
    yield context
    context.tasks.shutdown()
    context._unsubscribe()
    DraftStore.forget_shared()


@pytest.fixture
def coalition(services: Services) -> Coalition:
    names = {"NTXIA": ("City of Plano", "Dana", "Reyes"),
             "CSCA": ("City of Aurora", "Sam", "Whitfield"),
             "Connective": ("City of Mesa", "Priya", "Natarajan"),
             "ISCRA": ("City of Peoria", "Tom", "Kowalski"),
             "KCDD": ("Unified Government of Wyandotte County", "Lena", "Okafor"),
             "SASR": ("Pima County", "Miguel", "Soto"),
             "SNF": ("City of Jacksonville", "Grace", "Liu")}
    out = Coalition()
    for short, (org_name, given, family) in names.items():
        org = services.organizations.create(OrganizationData(
            name=org_name, sector="local_government", consortium_id=CONSORTIUM_IDS[short]))
        out.orgs[short] = org.id or ""
        person = services.contacts.create(ContactData(
            given_name=given, family_name=family, organization_id=org.id,
            emails=[EmailData(f"{given.lower()}@example.org")]))
        out.people[short] = person.id or ""
    return out


@pytest.fixture
def today() -> date:
    return date.today()


@pytest.fixture(autouse=True)
def no_modal_questions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Editors closed with unsaved changes ask; in tests the answer is "Discard"."""
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def question(parent: object, title: str, text: str, *args: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked
