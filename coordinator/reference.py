"""Built-in reference data: the seven founding consortia of the National Smart
Coalitions Partnership. Their ids are stable (UUID5 of the short name) so that every
coordinator's database agrees on them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

_NAMESPACE = uuid.UUID("6c3f0f5e-3c55-4f6e-9a57-6e8d0c7b2a10")


@dataclass(frozen=True)
class ConsortiumSeed:
    short_name: str
    name: str
    states: str
    region: str
    time_zone: str
    website: str

    @property
    def id(self) -> str:
        return str(uuid.uuid5(_NAMESPACE, self.short_name))


CONSORTIA: tuple[ConsortiumSeed, ...] = (
    ConsortiumSeed("NTXIA", "North Texas Innovation Alliance", "TX",
                   "Dallas–Fort Worth, North Texas", "America/Chicago", "https://ntxia.org"),
    ConsortiumSeed("CSCA", "Colorado Smart Cities Alliance", "CO",
                   "Colorado", "America/Denver", "https://coloradosmartcities.org"),
    ConsortiumSeed("Connective", "The Connective", "AZ",
                   "Greater Phoenix, Arizona", "America/Phoenix", "https://theconnective.us"),
    ConsortiumSeed("ISCRA", "Illinois Smart City & Region Association", "IL",
                   "Illinois", "America/Chicago", "https://iscra.org"),
    ConsortiumSeed("KCDD", "KC Digital Drive", "MO,KS",
                   "Kansas City region", "America/Chicago", "https://kcdigitaldrive.org"),
    ConsortiumSeed("SASR", "Southern Arizona Smart Region", "AZ",
                   "Southern Arizona (led by the Regional Partnering Center)",
                   "America/Phoenix", "https://regionalpartneringcenter.org"),
    ConsortiumSeed("SNF", "Smart North Florida", "FL",
                   "North Florida", "America/New_York", "https://smartnorthflorida.org"),
)
