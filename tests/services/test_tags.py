"""Tags in use per kind of record, for the members views' tag pickers."""

from __future__ import annotations

import pytest

from coordinator.services import Services

from .conftest import Build


def test_only_tags_on_live_records_of_that_kind(services: Services, build: Build) -> None:
    ada = build.contact("Ada", "Lovelace", tags=["Mobility", "Énergie"])
    build.contact("Grace", "Hopper", tags=["energy", "Mobility"])
    gone = build.contact("Trashed", "Person", tags=["Old campaign"])
    build.org("Plano Labs", tags=["Broadband"])
    services.contacts.delete(gone.id)

    assert services.tags.in_use("contact") == ["Énergie", "energy", "Mobility"]
    assert services.tags.in_use("organization") == ["Broadband"]

    services.contacts.restore(gone.id)
    assert "Old campaign" in services.tags.in_use("contact")
    services.contacts.delete(ada.id)
    assert services.tags.in_use("contact") == ["energy", "Mobility", "Old campaign"]


def test_no_tags_yet(services: Services) -> None:
    assert services.tags.in_use("contact") == []


def test_unknown_kind_is_refused(services: Services) -> None:
    with pytest.raises(ValueError, match="contact and organization"):
        services.tags.in_use("meeting")
