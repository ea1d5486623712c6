"""`coordinator trash restore` takes several ids and brings them back in one go: all of
them, or none when one of them cannot be restored."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordinator.cli import main
from coordinator.db import Database
from coordinator.services import Services
from coordinator.services.records import ContactData, OrganizationData


@pytest.fixture
def trashed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    monkeypatch.setenv("COORDINATOR_HOME", str(tmp_path / "home"))
    path = tmp_path / "cli.db"
    database = Database.open(path)
    services = Services(database)
    org = services.organizations.create(OrganizationData(name="Gone Mobility"))
    people = [services.contacts.create(ContactData(
        given_name=name, family_name="Gone", organization_id=org.id)).id or ""
        for name in ("Ada", "Bob", "Cy")]
    services.contacts.delete_many(people[:2])
    services.organizations.delete(org.id or "")
    database.close()
    return path, [*people[:2], org.id or ""]


def run(capsys: pytest.CaptureFixture[str], path: Path, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--db", str(path), *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_several_ids_come_back_together(capsys: pytest.CaptureFixture[str],
                                        trashed: tuple[Path, list[str]]) -> None:
    path, (ada, bob, org) = trashed
    code, out, err = run(capsys, path, "trash", "restore", ada[:12], org, ada)
    assert (code, err) == (0, "")
    assert out.splitlines() == ["Restored contact 'Ada Gone'.",
                                "Restored organization 'Gone Mobility'."]
    database = Database.open(path)
    try:
        services = Services(database)
        assert [i.id for i in services.trash.list()] == [bob]
        assert services.contacts.get(ada).organization_name == "Gone Mobility"
    finally:
        database.close()


def test_one_id_that_cannot_be_restored_restores_none(
        capsys: pytest.CaptureFixture[str], trashed: tuple[Path, list[str]]) -> None:
    path, (ada, bob, _org) = trashed
    code, out, err = run(capsys, path, "trash", "restore", ada, "00000000-dead", bob)
    assert (code, out) == (1, "")
    assert err.strip() == "coordinator: No record in the Trash with id 00000000-dead."
    assert run(capsys, path, "trash", "list")[1].count("Gone") == 3
