"""Files written by other address books import with every person and every field.

Each fixture copies the shape a named program writes (see fixtures/make_real_shapes.py
for the program and where its shape comes from); every person is compared field by
field with what the file says.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from coordinator.formats.parsed import ParsedContact
from coordinator.formats.reader import parse_contacts

_SPEC = importlib.util.spec_from_file_location(
    "make_real_shapes", Path(__file__).parent / "fixtures" / "make_real_shapes.py"
)
assert _SPEC is not None and _SPEC.loader is not None
SHAPES = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(SHAPES)


def everything(pc: ParsedContact) -> dict[str, object]:
    d = pc.data
    out: dict[str, object] = {
        "name": (d.prefix, d.given_name, d.middle_name, d.family_name, d.suffix, d.nickname),
        "organization": pc.organization,
        "title": d.title,
        "website": d.website,
        "birthday": d.birthday,
        "notes": d.notes,
        "emails": [(e.address, e.label, e.is_primary) for e in d.emails],
        "phones": [(p.raw, p.label, p.is_primary) for p in d.phones],
        "addresses": [
            (a.label, a.street, a.city, a.region, a.postal_code, a.country) for a in d.addresses
        ],
        "tags": d.tags,
    }
    if pc.is_organization:
        out["is_organization"] = True
    return out


EXPECTED = {
    "outlook_fr.csv": [
        {
            "name": ("Mme", "Hélène", "", "Lefèvre", "", ""),
            "organization": "Ville de Lyon",
            "title": "Cheffe de projet",
            "website": "https://lyon.example.org",
            "birthday": "1979-07-14",
            "notes": "Rencontrée à Lyon.\nManager: Jean Dupont\nDepartment: Innovation",
            "emails": [("helene.lefevre@lyon.example.org", "work", True)],
            "phones": [
                ("04 72 10 30 30", "work", False),
                ("06 12 34 56 78", "mobile", False),
                ("04 72 10 30 31", "work fax", False),
            ],
            "addresses": [("work", "1 place de la Comédie", "Lyon", "", "69001", "France")],
            "tags": ["Mobilité"],
        },
    ],
    "outlook_es.csv": [
        {
            "name": ("", "Tomás", "", "Ruiz", "", ""),
            "organization": "Ayuntamiento de Madrid",
            "title": "Jefe de Innovación",
            "website": "https://madrid.example.org",
            "birthday": "",
            "notes": "Conocido en CES.\nManager: Ana García",
            "emails": [("tomas.ruiz@example.org", "work", True)],
            "phones": [("+34 91 588 1000", "work", False), ("+34 612 345 678", "mobile", False)],
            "addresses": [("work", "Plaza de Cibeles 1", "Madrid", "", "28014", "España")],
            "tags": ["Innovación"],
        },
    ],
    "outlook2003_21.vcf": [
        {
            "name": ("Dr.", "Hélène", "", "Lefèvre", "", ""),
            "organization": "Company, The",
            "title": "Director, Smart Cities; Mobility",
            "website": "https://example.org/a,b;c?x=1&y=2",
            "birthday": "1971-10-20",
            # Outlook's X-MS-IMADDRESS, which no field holds, is kept in the notes
            "notes": SHAPES.OUTLOOK_NOTE + "\nIM: helene@jabber.example.org"
            "\nDepartment: Research, Planning",
            "emails": [
                ("helene.lefevre@example.org", "work", True),
                ("h.lefevre@example.org", "work", False),
            ],
            "phones": [
                ("+49 30 1234567", "work", False),
                ("030 765 4321", "home", False),
                ("+49 162 2433834", "mobile", False),
                ("+49 30 1234568", "work fax", False),
            ],
            "addresses": [
                ("work", "Unter den Linden 5, Aufgang B", "Berlin", "BE", "10117", "Deutschland")
            ],
            "tags": [],
        },
        {
            "name": ("", "", "", "", "", ""),
            "organization": "Stadtwerke Köln",
            "title": "",
            "website": "https://stadtwerke.example.org",
            "birthday": "",
            "notes": "",
            "emails": [("info@stadtwerke.example.org", "work", True)],
            "phones": [("+49 221 1780", "work", False)],
            "addresses": [("work", "Parkgürtel 24", "Köln", "NRW", "50823", "Deutschland")],
            "tags": [],
            "is_organization": True,
        },
    ],
    "android_21_note.vcf": [
        {
            "name": ("", "André", "", "Lefèvre", "", ""),
            "organization": "",
            "title": "",
            "website": "",
            "birthday": "",
            "notes": "46b12,\n3ème étage droite.",
            "emails": [("andre.lefevre@example.org", "home", False)],
            "phones": [("+33 6 12 34 56 78", "mobile", False)],
            "addresses": [
                ("home", "12 rue de la Paix, bâtiment A", "Paris", "", "75002", "France")
            ],
            "tags": [],
        },
    ],
    "macos_30.vcf": [
        {
            "name": ("", "Chidi", "", "Okafor", "", ""),
            "organization": "Denton County",
            "title": "",
            "website": "http://gis.dentoncounty.example.org",
            "birthday": "1980-11-23",
            "notes": "E-mail (other): email other\nGIS lead, county side.",
            "emails": [
                ("chidi.okafor@dentoncounty.example.org", "work", True),
                ("chidi@example.org", "home", False),
            ],
            "phones": [
                ("(940) 555-0101", "mobile", True),
                ("(940) 555-0102", "mobile", False),
                ("(940) 555-0103", "home", False),
                ("(940) 555-0104", "work", False),
                ("(940) 555-0105", "main", False),
                ("(940) 555-0106", "home fax", False),
                ("(940) 555-0107", "work fax", False),
                ("(940) 555-0108", "pager", False),
                ("(940) 555-0109", "other", False),
                ("(940) 555-0110", "assistant", False),
            ],
            "addresses": [
                ("home", "1 Oak St", "Denton", "TX", "76201", "United States"),
                ("work", "110 W Hickory St", "Denton", "TX", "76201", "United States"),
                ("Mail", "PO Box 2187", "Denton", "TX", "76202", "United States"),
            ],
            "tags": [],
        },
        {
            "name": ("", "", "", "", "", ""),
            "organization": "Denton Innovation Lab",
            "title": "",
            "website": "https://dentonlab.example.org",
            "birthday": "",
            "notes": "",
            "emails": [("hello@dentonlab.example.org", "work", True)],
            "phones": [("(940) 555-0150", "work", True)],
            "addresses": [("work", "215 E McKinney St", "Denton", "TX", "76201", "United States")],
            "tags": [],
            "is_organization": True,
        },
        {
            "name": ("", "", "", "", "", ""),
            "organization": "North Texas Innovation Alliance",
            "title": "",
            "website": "",
            "birthday": "",
            "notes": "",
            "emails": [("info@ntxia.example.org", "work", False)],
            "phones": [("+1 214 555 0160", "work", False)],
            "addresses": [],
            "tags": [],
            "is_organization": True,
        },
    ],
    "exchange_lotus.vcf": [
        {
            "name": ("", "Alex", "", "Wilbur", "", ""),
            "organization": "Contoso",
            "title": "",
            "website": "",
            "birthday": "",
            "notes": "Sunday, June 10, 2012 5:44 PM:\nGutter, window cleaning, pressure washing, "
            "roof debris blowing",
            "emails": [],
            "phones": [("(425) 555-0100", "work", False)],
            "addresses": [
                ("work", "4567 Main St", "Buffalo", "NY", "98052", "United States of America")
            ],
            "tags": [],
        },
        {
            "name": ("", "Grace", "", "Liu", "", ""),
            "organization": "University of Arizona",
            "title": "",
            "website": "",
            "birthday": "",
            "notes": "",
            "emails": [("grace.liu@example.org", "work", False)],
            "phones": [],
            "addresses": [],
            "tags": [],
        },
    ],
    "thunderbird_21.vcf": [
        {
            "name": ("", "Jürgen", "", "Groß", "", ""),
            "organization": "Stadt Köln",
            "title": "Leiter Digitalisierung",
            "website": "http://www.stadt-koeln.example.org",
            "birthday": "",
            "notes": "Erste Zeile\nzweite Zeile\nDepartment: Amt für Informationsverarbeitung",
            "emails": [("juergen.gross@example.org", "work", False)],
            "phones": [("+49 221 221-0", "work", False), ("+49 171 1234567", "mobile", False)],
            "addresses": [("work", "Willy-Brandt-Platz 2", "Köln", "NRW", "50679", "Deutschland")],
            "tags": [],
        },
        {
            "name": ("", "Maria", "", "Schmidt", "", ""),
            "organization": "",
            "title": "",
            "website": "",
            "birthday": "",
            "notes": "",
            "emails": [("maria.schmidt@example.org", "work", False)],
            "phones": [],
            "addresses": [],
            "tags": [],
        },
    ],
    "cp1251_21.vcf": [
        {
            "name": ("", "Віталій", "", "Кличко", "", ""),
            "organization": "Київська міська рада",
            "title": "",
            "website": "",
            "birthday": "",
            "notes": "Зустріч у четвер, кабінет 214.",
            "emails": [],
            "phones": [("+380 44 202 7600", "work", False)],
            "addresses": [],
            "tags": [],
        },
    ],
    "cp1251_labelled_21.vcf": [
        {
            "name": ("", "Віталій", "", "Кличко", "", ""),
            "organization": "",
            "title": "",
            "website": "",
            "birthday": "",
            "notes": "",
            "emails": [],
            "phones": [("+380 44 202 7600", "work", False)],
            "addresses": [],
            "tags": [],
        },
    ],
    "cp1253_21.vcf": [
        {
            "name": ("", "Γιώργος", "", "Παπαδόπουλος", "", ""),
            "organization": "Δήμος Αθηναίων",
            "title": "",
            "website": "",
            "birthday": "",
            "notes": "Συνάντηση την Πέμπτη στο δημαρχείο.",
            "emails": [],
            "phones": [("+30 69 1234 5678", "mobile", False)],
            "addresses": [],
            "tags": [],
        },
    ],
    "shift_jis_21.vcf": [
        {
            "name": ("", "太郎", "", "山田", "", ""),
            "organization": "横浜市役所",
            "title": "",
            "website": "",
            "birthday": "",
            "notes": "",
            "emails": [],
            "phones": [("+81 90 1234 5678", "mobile", False)],
            "addresses": [],
            "tags": [],
        },
    ],
    "mac_roman_30.vcf": [
        {
            "name": ("", "Jürgen", "", "Groß", "", ""),
            "organization": "Stadtwerke Düsseldorf",
            "title": "",
            "website": "",
            "birthday": "",
            "notes": "Geschäftsführer; Büro im 3. Stock.",
            "emails": [],
            "phones": [("+49 211 8210", "work", False)],
            "addresses": [],
            "tags": [],
        },
    ],
    "wrong_charset_21.vcf": [
        {
            "name": ("", "Renée", "", "Côté", "", ""),
            "organization": "",
            "title": "",
            "website": "",
            "birthday": "",
            "notes": "",
            "emails": [("renee.cote@example.org", "work", True)],
            "phones": [],
            "addresses": [],
            "tags": [],
        },
    ],
    "thunderbird.csv": [
        {
            "name": ("", "Renée", "", "Côté", "", "Ren"),
            "organization": "City of Arlington",
            "title": "Director of Innovation",
            "website": "https://www.arlington.example.org",
            "birthday": "1975-03-07",
            "notes": "Pilot lead, RAPID shuttle\nWebsite: https://renee.example.org\n"
            "Screen Name: rcote\nCustom 1: Board\nDepartment: Innovation Office",
            "emails": [
                ("renee.cote@arlington.example.org", "work", True),
                ("renee@example.org", "home", False),
            ],
            "phones": [
                ("(817) 555-0133", "work", False),
                ("(817) 555-0199", "home", False),
                ("(817) 555-0134", "mobile", False),
                ("(817) 555-0135", "fax", False),
                ("(817) 555-0136", "pager", False),
            ],
            "addresses": [
                ("work", "101 W Abram St\nFloor 3", "Arlington", "TX", "76010", "USA"),
                ("home", "12 Elm St\nApt 4", "Arlington", "TX", "76010", "USA"),
            ],
            "tags": [],
        },
        {
            "name": ("", "Kenji", "", "Ito", "", ""),
            "organization": "",
            "title": "",
            "website": "",
            "birthday": "--05-14",
            "notes": "",
            "emails": [("kenji.ito@example.org", "work", True)],
            "phones": [],
            "addresses": [],
            "tags": [],
        },
    ],
    "thunderbird_uk.csv": [
        {
            "name": ("", "Rory", "", "Williams", "", ""),
            "organization": "Leadworth Council",
            "title": "Nurse",
            "website": "",
            "birthday": "",
            "notes": "",
            "emails": [("rory@example.org", "work", True)],
            "phones": [("020 7946 0000", "work", False), ("07700 900123", "mobile", False)],
            "addresses": [("work", "1 Tardis Way", "London", "Greater London", "SW1A 1AA", "UK")],
            "tags": [],
        },
    ],
    "thunderbird_de.csv": [
        {
            "name": ("", "Jürgen", "", "Groß", "", ""),
            "organization": "Stadt Köln",
            "title": "Leiter Digitalisierung",
            "website": "",
            "birthday": "1968-02-29",
            "notes": "Ansprechpartner für Open Data\nDepartment: Amt für Informationsverarbeitung",
            "emails": [("juergen.gross@example.org", "work", True)],
            "phones": [("+49 221 221-0", "work", False), ("+49 171 1234567", "mobile", False)],
            "addresses": [("work", "Willy-Brandt-Platz 2", "Köln", "NRW", "50679", "Deutschland")],
            "tags": [],
        },
    ],
    "outlook_de.csv": [
        {
            "name": ("Frau", "Anna", "", "Müller", "", ""),
            "organization": "Stadt München",
            "title": "Referentin",
            "website": "https://muenchen.example.org",
            "birthday": "1975-12-24",
            "notes": "Erreichbar Mo–Do.\nManager: Dr. Klaus Weber\nDepartment: IT-Referat",
            "emails": [("anna.mueller@muenchen.example.org", "work", True)],
            "phones": [
                ("+49 89 233-00000", "work", False),
                ("+49 162 2433834", "mobile", False),
                ("+49 89 233-00001", "work fax", False),
                ("+49 89 233-00002", "pager", False),
            ],
            "addresses": [("work", "Marienplatz 8", "München", "Bayern", "80331", "Deutschland")],
            "tags": ["Smart City", "Mobilität"],
        },
    ],
    "google_outlook.csv": [
        {
            "name": ("", "Tomás", "", "Ruiz", "", ""),
            "organization": "Ayuntamiento de Madrid",
            "title": "Jefe de Innovación",
            "website": "",
            "birthday": "1981-06-15",
            "notes": "Met at CES.",
            "emails": [("tomas.ruiz@example.org", "work", True)],
            "phones": [("+34 91 588 1000", "work", False), ("+34 612 345 678", "mobile", False)],
            "addresses": [
                ("work", "Plaza de Cibeles 1", "Madrid", "", "28014", "España"),
                ("home", "Calle Mayor 1", "Madrid", "", "28013", "España"),
            ],
            "tags": ["Innovación"],
        },
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_person_and_field_arrives(fixture_bytes, name: str) -> None:  # type: ignore[no-untyped-def]
    result = parse_contacts(fixture_bytes(name), filename=name)
    assert result.errors == []
    assert [everything(c) for c in result.contacts] == EXPECTED[name]


def test_bad_values_and_lines_are_warnings_naming_their_line(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    mac = parse_contacts(fixture_bytes("macos_30.vcf"), filename="c.vcf")
    assert [str(w) for w in mac.warnings] == [
        "line 9: 'email other' is not an email address; kept in the notes."
    ]
    wrong = parse_contacts(fixture_bytes("wrong_charset_21.vcf"), filename="c.vcf")
    assert [str(w) for w in wrong.warnings] == [
        "line 3: N says CHARSET=UTF-8, not what the value is in; read as Windows-1252"
    ]
    thunderbird = parse_contacts(fixture_bytes("thunderbird_21.vcf"), filename="c.vcf")
    assert [str(w) for w in thunderbird.warnings] == [
        "line 15: No name: named Maria Schmidt after the address maria.schmidt@example.org; "
        "check it."
    ]
    for quiet in ("outlook2003_21.vcf", "exchange_lotus.vcf", "android_21_note.vcf"):
        assert parse_contacts(fixture_bytes(quiet), filename="c.vcf").warnings == []


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("outlook2003_21.vcf", "cp1252"),
        ("cp1251_21.vcf", "cp1251"),
        ("cp1251_labelled_21.vcf", "cp1251"),
        ("cp1253_21.vcf", "cp1253"),
        ("shift_jis_21.vcf", "shift_jis"),
        ("mac_roman_30.vcf", "mac_roman"),
        ("thunderbird.csv", "cp1252"),
        ("outlook_de.csv", "cp1252"),
        ("android_21_note.vcf", "utf-8"),
    ],
)
def test_legacy_code_pages_are_recognised(fixture_bytes, name: str, encoding: str) -> None:  # type: ignore[no-untyped-def]
    assert parse_contacts(fixture_bytes(name), filename=name).encoding == encoding


def test_the_user_can_name_the_encoding(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    from coordinator.formats.csv_import import parse_csv
    from coordinator.formats.vcard_import import parse_vcards

    greek = parse_vcards(fixture_bytes("cp1253_21.vcf"), encoding="cp1251")
    assert greek.encoding == "cp1251" and greek.notices == []
    assert greek.contacts[0].data.given_name != "Γιώργος"  # what the user asked for
    german = parse_csv(fixture_bytes("thunderbird_de.csv"), encoding="utf-8")
    assert german.contacts[0].data.family_name == "Groß"
    from coordinator.formats.parsed import UnreadableFile

    with pytest.raises(UnreadableFile, match="not utf-8"):
        parse_csv(fixture_bytes("thunderbird.csv"), encoding="utf-8")


def test_an_uncertain_guess_is_a_warning_for_the_file() -> None:
    raw = "First Name,Last Name\nСергей,Иванов\n".encode("koi8_r")
    result = parse_contacts(raw, filename="x.csv")
    [notice] = result.notices
    assert notice.where == "file" and "guessed" in notice.reason
    assert result.warnings[0] == notice


def test_csv_layouts_by_header(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    formats = {
        name: parse_contacts(fixture_bytes(name), filename=name).format
        for name in (
            "thunderbird.csv",
            "thunderbird_uk.csv",
            "thunderbird_de.csv",
            "outlook_de.csv",
            "outlook_fr.csv",
            "outlook_es.csv",
            "google_outlook.csv",
        )
    }
    assert formats == {
        "thunderbird.csv": "thunderbird",
        "thunderbird_uk.csv": "thunderbird",
        "thunderbird_de.csv": "thunderbird",
        "outlook_de.csv": "outlook",
        "outlook_fr.csv": "outlook",
        "outlook_es.csv": "outlook",
        "google_outlook.csv": "outlook.com",
    }


def test_guessed_mapping_prefers_exact_names_and_skips_other_people() -> None:
    from coordinator.formats.mappings import guess_mapping

    mapping = guess_mapping(
        [
            "Name des/r Vorgesetzten",
            "Vorname",
            "Nachname",
            "E-Mail-Typ",
            "E-Mail-Adresse",
            "Assistant's Name",
            "Work E-mail (primary)",
            "Manager's Name",
            "Name",
        ]
    )
    assert mapping == {
        "Name des/r Vorgesetzten": "ignore",
        "Vorname": "given_name",
        "Nachname": "family_name",
        "E-Mail-Typ": "ignore",
        "E-Mail-Adresse": "email",
        "Assistant's Name": "ignore",
        "Work E-mail (primary)": "email",
        "Manager's Name": "ignore",
        "Name": "full_name",
    }


def test_company_card_becomes_an_organization_with_its_details(db, services, fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    from coordinator.formats import importer

    report = importer.apply(db, parse_contacts(fixture_bytes("macos_30.vcf"), filename="m.vcf"))
    assert (report.created, report.organizations_created) == (1, 3)
    lab = services.organizations.find_by_name("Denton Innovation Lab")
    assert (lab.website, lab.city, lab.state) == ("https://dentonlab.example.org", "Denton", "TX")
    assert lab.notes == (
        "E-mail (work): hello@dentonlab.example.org\n"
        "Phone (work): (940) 555-0150\n"
        "Address (work): 215 E McKinney St, Denton, TX, 76201, United States"
    )


def test_url_with_commas_and_semicolons_survives_our_vcard_export(db, services) -> None:  # type: ignore[no-untyped-def]
    from coordinator.formats import exports
    from coordinator.services.records import ContactData

    url = "https://example.org/a,b;c?x=1&y=2"
    services.contacts.create(
        ContactData(
            given_name="Ada", family_name="Lovelace", website=url, title="Director, Research; Data"
        )
    )
    for fmt in ("vcard3", "vcard4"):
        back = parse_contacts(exports.export_contacts(db, fmt), filename="x.vcf")
        assert (back.contacts[0].data.website, back.contacts[0].data.title) == (
            url,
            "Director, Research; Data",
        ), fmt


@pytest.mark.parametrize("version", ["2.1", "3.0"])
def test_escaped_colon_in_urls(version: str) -> None:
    raw = (
        f"BEGIN:VCARD\r\nVERSION:{version}\r\nN:Liu;Grace;;;\r\n"
        "URL:http\\://www.example.org/x\r\nitem1.URL:https\\://two.example.org\r\n"
        "END:VCARD\r\n"
    ).encode()
    [grace] = parse_contacts(raw, filename="x.vcf").contacts
    assert grace.data.website == "http://www.example.org/x"
    assert grace.data.notes == "Website: https://two.example.org"
