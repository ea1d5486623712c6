"""Contact files from more programs arrive with every person and every field.

The fixtures copy what each program writes (fixtures/make_other_programs.py names the
program and the shape). Each file is read through the public parser and imported through
`coordinator import contacts FILE` into a fresh database, and every field a user would
expect is compared, as parsed and as stored.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coordinator.cli import main
from coordinator.db import Database
from coordinator.formats.parsed import ParsedContact
from coordinator.formats.reader import parse_file
from coordinator.services import Services
from coordinator.services.records import ContactData

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def person(d: ContactData, organization: str) -> dict[str, object]:
    out: dict[str, object] = {
        "name": (d.prefix, d.given_name, d.middle_name, d.family_name, d.suffix, d.nickname),
        "organization": organization,
        "title": d.title,
        "website": d.website,
        "birthday": d.birthday,
        "notes": d.notes,
        "emails": [(e.address, e.label, e.is_primary) for e in d.emails],
        "phones": [(p.raw, p.label, p.is_primary) for p in d.phones],
        "addresses": [(a.label, a.street, a.city, a.region, a.postal_code, a.country)
                      for a in d.addresses],
        "tags": d.tags,
    }
    if d.do_not_contact:
        out["do_not_contact"] = True
    return out


def parsed(pc: ParsedContact) -> dict[str, object]:
    out = person(pc.data, pc.organization)
    if pc.is_organization:
        out["is_organization"] = True
    return out


def P(name: tuple[str, ...], organization: str = "", title: str = "", *, website: str = "",
      birthday: str = "", notes: str = "", emails: tuple = (), phones: tuple = (),
      addresses: tuple = (), tags: tuple = (), **extra: object) -> dict[str, object]:
    """One expected person; `name` is (given, family) or all six name parts."""
    if len(name) == 2:
        name = ("", name[0], "", name[1], "", "")
    out: dict[str, object] = {
        "name": name, "organization": organization, "title": title, "website": website,
        "birthday": birthday, "notes": notes, "emails": list(emails), "phones": list(phones),
        "addresses": list(addresses), "tags": list(tags)}
    out.update(extra)
    return out


EXPECTED: dict[str, list[dict[str, object]]] = {
    "icloud_30.vcf": [
        P(("Yuki", "Nakamura"), "City of San José", "Chief Innovation Officer",
          website="https://www.sanjose.example.org", birthday="--03-07",
          notes="Met at Smart Cities Week, Washington.\nPrefers email; calls only on Fridays."
                "\nSocial profile (linkedin): https://www.linkedin.com/in/yukinakamura"
                "\nAssistant: Ren Ito\nDepartment: Digital Services",
          emails=[("yuki.nakamura@sanjose.example.org", "work", True),
                  ("yuki@example.org", "home", False),
                  ("y.nakamura@board.example.org", "Board", False)],
          phones=[("(408) 555-0131", "mobile", True), ("(408) 555-0100", "work", False),
                  ("(408) 555-0199", "assistant", False)],
          addresses=[("work", "200 E Santa Clara St\nTower 18", "San José", "CA", "95113",
                      "United States")],
          tags=["Mobility", "Data"]),
        P(("Dr.", "Siobhán", "", "Ó Súilleabháin", "", ""), "Dublin City Council",
          "Smart Dublin Programme Manager", birthday="1979-11-23",
          notes="Social profile (twitter): https://twitter.com/smartdublin_so",
          emails=[("siobhan.osullivan@dublincity.example.org", "work", True)],
          phones=[("+353 1 222 2222", "work", True), ("+353 1 222 2223", "home fax", False)],
          addresses=[("home", "12 Merrion Square\nApartment 3", "Dublin", "", "D02 XY45",
                      "Ireland")]),
    ],
    "proton_40.vcf": [
        P(("Amélie", "Dubois"), "Métropole de Lyon", "Responsable innovation",
          website="https://www.grandlyon.example.org", birthday="1986-05-21",
          notes="Rencontrée au salon Pollutec.\nSuit le projet mobilité, avec la Ville.",
          emails=[("amelie.dubois@grandlyon.example.org", "work", True),
                  ("amelie@example.org", "home", False)],
          phones=[("+33 6 11 22 33 44", "mobile", True), ("+33 4 78 63 40 40", "work", False)],
          addresses=[("work", "20 rue du Lac\nBâtiment B", "Lyon", "", "69003", "France")],
          tags=["Partenaires", "Mobilité"]),
        P(("Lars", "Ødegård"), "Oslo kommune", "Seniorrådgiver",
          notes="Department: Bymiljøetaten",
          emails=[("lars.odegard@oslo.example.org", "work", True)],
          phones=[("+47 21 80 21 80", "work", True)], tags=["Partenaires"]),
    ],
    "nextcloud_40.vcf": [
        P(("Mateus", "Araújo"), "Prefeitura de Curitiba", "Coordenador de Projetos",
          website="https://www.curitiba.example.org", birthday="--06-12",
          notes="Contato para o piloto de iluminação.\nReunião mensal, primeira terça."
                "\nAnniversary: 2010-05-01\nIM (Matrix): matrix:u/mateus:matrix.example.org"
                "\nAssistant: Joana Lima\nDepartment: Secretaria de Inovação",
          emails=[("mateus.araujo@curitiba.example.org", "work", True),
                  ("mateus@example.org", "home", False)],
          phones=[("+55-41-3350-8484", "work", False), ("+55-41-99876-5432", "mobile", True),
                  ("+55-41-3350-8485 ext. 12", "fax", False)],
          addresses=[("work", "Av. Cândido de Abreu, 817\nCentro Cívico", "Curitiba", "PR",
                      "80530-908", "Brasil")],
          tags=["Smart cities", "Brasil"]),
        P(("Ingrid", "Bäckström"), "Göteborgs Stad", "Utvecklingsledare",
          birthday="1977-04-02",
          emails=[("ingrid.backstrom@goteborg.example.org", "work", False)],
          phones=[("+46-31-365-0000", "home", False)]),
    ],
    "outlook_mac_30.vcf": [
        P(("", "Agnieszka", "", "Kowalska", "", "Aga"), "Urząd Miasta Krakowa",
          "Kierownik projektu", website="https://www.krakow.example.org",
          birthday="1982-09-17",
          notes="Projekt: inteligentne oświetlenie.\nKontakt przez sekretariat."
                "\nDepartment: Wydział Informatyki",
          emails=[("a.kowalska@krakow.example.org", "work", True),
                  ("aga@example.org", "home", False)],
          phones=[("+48 12 616 12 00", "work", False), ("+48 601 234 567", "mobile", False),
                  ("+48 12 616 12 01", "work fax", False)],
          addresses=[("work", "Plac Wszystkich Świętych 3-4", "Kraków", "małopolskie",
                      "31-004", "Polska"),
                     ("home", "ul. Długa 12/4\nklatka B", "Kraków", "", "31-146", "Polska")],
          tags=["Smart City", "Partnerzy"]),
        P(("Ing.", "Tomáš", "", "Novák", "", ""), "Magistrát hl. m. Prahy", "Ředitel odboru",
          emails=[("tomas.novak@praha.example.org", "work", True)],
          phones=[("+420 236 001 111", "work", False)]),
    ],
    "fastmail_30.vcf": [
        P(("Ivana", "Kovačević"), "Grad Zagreb", "Voditeljica",
          website="https://www.zagreb.example.org", birthday="--03-07",
          notes="Pilot pametne rasvjete, faza 2.\n"
                "Social profile (mastodon): https://mastodon.example.org/@ivana\n"
                "Department: Ured za pametni grad",
          emails=[("ivana.kovacevic@zagreb.example.org", "work", True),
                  ("ivana@example.org", "home", False)],
          phones=[("+385 91 234 5678", "mobile", True), ("+385 1 610 1111", "work", False)],
          addresses=[("work", "Trg Stjepana Radića 1\nSoba 12", "Zagreb", "", "10000",
                      "Hrvatska")],
          tags=["Partners"]),
    ],
    "salesforce_data_export.csv": [
        P(("Ms.", "Hương", "", "Nguyễn", "", ""), "", "Planning Director",
          birthday="1983-05-12", notes="Leads the regional transit plan.\nDepartment: Planning",
          emails=[("huong.nguyen@jta.example.org", "work", True)],
          phones=[("(904) 555-0111", "work", True), ("(904) 555-0119", "fax", False),
                  ("(904) 555-0112", "mobile", False), ("(904) 555-0115", "assistant", False)],
          addresses=[("work", "100 N Myrtle Ave", "Jacksonville", "FL", "32204",
                      "United States")]),
        P(("Mr.", "João", "", "Ferreira", "", ""),
          emails=[("joao.ferreira@example.org", "work", True)],
          phones=[("+351 21 322 7000", "work", True), ("+351 21 000 0000", "home", False)],
          addresses=[("other", "Rua Augusta 27", "Lisboa", "", "1100-048", "Portugal")]),
    ],
    "hubspot.csv": [
        P(("Zoë", "Martínez-López"), "City of Plano", "Program Manager, Mobility",
          website="https://plano.example.org",
          emails=[("zoe.martinez@plano.example.org", "work", True),
                  ("zoe@example.org", "work", False),
                  ("zmartinez@ntxia.example.org", "work", False)],
          phones=[("+1 972-555-0100", "work", True), ("+1 972-555-0142", "mobile", False),
                  ("+1 972-555-0109", "fax", False)],
          addresses=[("work", "1520 K Ave\nSuite 300", "Plano", "TX", "75074",
                      "United States")]),
        P(("Kwame", "Mensah"), "City of Tucson", "CIO",
          emails=[("kwame.mensah@tucson.example.org", "work", True)],
          phones=[("520-555-0188", "work", True)],
          addresses=[("work", "", "Tucson", "AZ", "", "")]),
        P(("", ""), "North Texas Innovation Alliance",
          emails=[("info@ntxia.example.org", "work", True)], is_organization=True),
    ],
    "salesforce_report.csv": [
        P(("Ms.", "Renée", "", "Côté", "", ""), "City of Arlington", "Director of Innovation",
          birthday="1975-03-07",
          notes="Pilot lead, RAPID shuttle.\nBoard member since 2024.\n"
                "Department: Innovation Office",
          emails=[("renee.cote@arlington.example.org", "work", True)],
          phones=[("(817) 555-0133", "work", True), ("(817) 555-0134", "mobile", False),
                  ("(817) 555-0135", "fax", False)],
          addresses=[("work", "101 W Abram St\nFloor 3", "Arlington", "TX", "76010",
                      "United States"),
                     ("other", "12 Elm St", "Arlington", "TX", "76013", "United States")]),
        P(("Mr.", "Chidi", "", "Okafor", "", ""), "Denton County", "GIS Lead",
          birthday="1980-11-23",
          emails=[("chidi.okafor@dentoncounty.example.org", "work", True)],
          phones=[("(940) 555-0104", "work", True)],
          addresses=[("work", "110 W Hickory St", "Denton", "TX", "76201",
                      "United States")]),
    ],
    "zoho_crm.csv": [
        P(("Herr", "Jürgen", "", "Groß", "", ""), "Stadt Köln", "Leiter Digitalisierung",
          birthday="1968-02-29",
          notes="Ansprechpartner für Open Data.\nBevorzugt Termine vormittags.\n"
                "Department: Amt für Informationsverarbeitung",
          emails=[("juergen.gross@stadt-koeln.example.org", "work", True),
                  ("j.gross@example.org", "work", False)],
          phones=[("+49 221 221-0", "work", True), ("+49 221 555 0101", "home", False),
                  ("+49 221 221-9", "other", False), ("+49 221 221-2", "fax", False),
                  ("+49 171 1234567", "mobile", False), ("+49 221 221-5", "assistant", False)],
          addresses=[("work", "Willy-Brandt-Platz 2", "Köln", "NRW", "50679", "Deutschland"),
                     ("other", "Lindenstraße 5\nHinterhaus", "Köln", "NRW", "50674",
                      "Deutschland")],
          tags=["Open Data", "Partner"]),
        P(("Frau", "Maria", "", "Schmidt", "", ""), "Stadtwerke München", "Projektleiterin",
          emails=[("maria.schmidt@swm.example.org", "work", True)],
          phones=[("+49 89 2361-0", "work", True)],
          addresses=[("work", "Emmy-Noether-Str. 2", "München", "Bayern", "80992",
                      "Deutschland")],
          tags=["Energie"], do_not_contact=True),
    ],
    "mailchimp.csv": [
        P(("Ana", "López"), "City and County of Denver", birthday="--03-07",
          notes="Met at the summit.\nWants the newsletter.",
          emails=[("ana@denvergov.example.org", "work", True)],
          phones=[("(720) 555-0101", "work", True)],
          addresses=[("work", "1437 Bannock St\nRoom 350", "Denver", "CO", "80202", "US")],
          tags=["Smart cities", "Water, energy"]),
        P(("Björn", "Lindqvist"), birthday="--12-24",
          emails=[("bjorn@example.org", "work", True)],
          addresses=[("work", "Drottninggatan 1", "Stockholm", "AB", "111 51", "SE")]),
    ],
    "excel_de_utf8.csv": [
        P(("Frau", "Anna", "", "Müller", "", ""), "Stadt München", "Referentin",
          birthday="1975-12-24", notes="Erreichbar Mo–Do.\nNicht vor 9 Uhr; bitte per E-Mail.",
          emails=[("anna.mueller@muenchen.example.org", "work", True),
                  ("anna@example.org", "home", False)],
          phones=[("+49 89 233-00000", "work", True), ("+49 162 2433834", "mobile", False)],
          addresses=[("work", "Marienplatz 8", "München", "", "80331", "Deutschland")],
          tags=["Smart City", "Mobilität"]),
        P(("Herr", "Jörg", "", "Weiß", "", ""), "Landeshauptstadt Düsseldorf",
          'Leiter "Digitale Stadt"',
          emails=[("joerg.weiss@duesseldorf.example.org", "work", True)],
          phones=[("+49 211 89-0", "work", True)],
          addresses=[("work", "Marktplatz 2", "Düsseldorf", "", "40213", "Deutschland")],
          tags=["Energie"]),
    ],
    "excel_cp1252.csv": [
        P(("Seán", "O’Brien"), "Boston’s Office of New Urban Mechanics", "“Civic Tech” Fellow",
          website="https://boston.example.org/mechanics",
          notes="Prefers “office hours” – Tuesdays.\nCoffee: black.",
          emails=[("sean.obrien@boston.example.org", "work", True)],
          phones=[("(617) 555-0140", "work", True), ("(617) 555-0141", "mobile", False)],
          addresses=[("work", "1 City Hall Sq, Room 603", "Boston", "MA", "02201", "")]),
        P(("Zoë", "Nuñez"), "Ciudad de Panamá", "Directora",
          notes="Met at the “Smart City Expo” — Barcelona.",
          emails=[("zoe.nunez@panama.example.org", "work", True)],
          phones=[("+507 6123-4567", "mobile", True)],
          addresses=[("work", "", "Panamá", "", "", "")]),
    ],
    "excel_unicode_tabs.txt": [
        P(("Γιώργος", "Παπαδόπουλος"), "Δήμος Αθηναίων", "Σύμβουλος",
          notes="Συνάντηση την Πέμπτη.\nΣτο δημαρχείο.",
          emails=[("giorgos@athens.example.org", "work", True),
                  ("giorgos@example.org", "home", False)],
          phones=[("+30 210 372 2001", "work", True), ("+30 69 1234 5678", "mobile", False)],
          addresses=[("work", "Αθηνάς 63\nΓραφείο 12", "Αθήνα", "", "105 52", "Ελλάδα")]),
        P(("太郎", "山田"), "横浜市役所", "課長",
          emails=[("taro.yamada@yokohama.example.org", "work", True)],
          phones=[("+81 45 671 2121", "work", True), ("+81 90 1234 5678", "mobile", False)],
          addresses=[("work", "中区本町6-50-10", "横浜市", "", "231-0005", "日本")]),
    ],
    "airtable.csv": [
        P(("Priya", "Raghunathan"), "Pune Smart City Development Corporation",
          "Chief Data Officer",
          notes="Runs the city data platform.\nAsked for the MDS briefing.\n\n"
                "Follow up in January.",
          emails=[("priya.r@punesmartcity.example.org", "work", True)],
          phones=[("+91 20 2550 1000", "work", True)],
          addresses=[("work", "PMC Building, Shivajinagar\nPune 411005\nIndia", "", "", "",
                      "")],
          tags=["Data", "Mobility", "Open standards"]),
        P(("Lukas", "Hofer"), "Stadt Wien", "Projektleiter",
          emails=[("lukas.hofer@wien.example.org", "work", True)], tags=["Energy"]),
    ],
    "notion.csv": [
        P(("Aoife", "Byrne"), "Cork City Council", "Head of Smart Cork",
          website="https://www.corkcity.example.org", birthday="1984-03-07",
          notes="Met at Web Summit.\nLikes short emails.",
          emails=[("aoife.byrne@corkcity.example.org", "work", True)],
          phones=[("+353 21 492 4000", "work", True)],
          tags=["Mobility", "Water", "Open data"]),
        P(("Dmitri", "Volkov"), "Tallinn City Government", "Digital Advisor",
          emails=[("dmitri.volkov@tallinn.example.org", "work", True)], tags=["Data"]),
    ],
    "google_other_contacts.csv": [
        P(("Renee", "Cote"), emails=[("renee.cote@arlington.example.org", "work", True)]),
        P(("Søren", "Østergaard"), emails=[("soren@example.org", "work", True)]),
        P(("Jane", "Public"), emails=[("jane.q.public@example.org", "work", True)]),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_person_and_field_is_parsed(name: str) -> None:
    result = parse_file(FIXTURES / name)
    assert [str(e) for e in result.errors] == []
    assert [parsed(c) for c in result.contacts] == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_person_and_field_is_stored_by_the_cli(db_path: Path, name: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--db", str(db_path), "import", "contacts", str(FIXTURES / name)]) == 0
    out = capsys.readouterr().out
    people = [p for p in EXPECTED[name] if not p.get("is_organization")]
    companies = [p["organization"] for p in EXPECTED[name] if p.get("is_organization")]
    assert f"Imported: {len(people)} created" in out
    db = Database.open(db_path)
    try:
        services = Services(db)
        stored = services.contacts.get_many(services.contacts.ids())
        got = sorted((person(d, d.organization_name) for d in stored), key=_order)
        for p in got:
            p["tags"] = sorted(p["tags"], key=str.casefold)  # type: ignore[call-overload]
        assert got == sorted((_stored(p) for p in people), key=_order)
        for company in companies:
            assert services.organizations.find_by_name(str(company)) is not None
    finally:
        db.close()


def _order(p: dict[str, object]) -> str:
    return repr(p["name"])


def _stored(expected: dict[str, object]) -> dict[str, object]:
    """What the database holds of an expected person: its tags in name order."""
    out = dict(expected)
    out["tags"] = sorted(out["tags"], key=str.casefold)  # type: ignore[call-overload]
    return out


def test_columns_left_out_are_named_by_the_cli(db_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--db", str(db_path), "import", "contacts",
                 str(FIXTURES / "hubspot.csv")]) == 0
    out = capsys.readouterr().out
    assert ("Not imported (no matching field; choose one with --mapping): Record ID, "
            "Contact owner, Lifecycle Stage, Lead Status, Create Date, Last Activity Date, "
            "Marketing contact status") in out


def test_a_report_footer_is_left_out_and_said(db_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    result = parse_file(FIXTURES / "salesforce_report.csv")
    [notice] = result.notices
    assert notice.where == "lines 9-15" and "Grand Totals (2 records)" in notice.reason
    assert "Generated By:  Dana Whitfield" in notice.reason
    assert main(["--db", str(db_path), "import", "contacts",
                 str(FIXTURES / "salesforce_report.csv")]) == 0
    assert "warning lines 9-15: left out" in capsys.readouterr().out


@pytest.mark.parametrize(("name", "encoding"), [
    ("excel_de_utf8.csv", "utf-8 with BOM"), ("excel_cp1252.csv", "cp1252"),
    ("excel_unicode_tabs.txt", "utf-16"), ("airtable.csv", "utf-8 with BOM"),
])
def test_encodings_are_recognised(name: str, encoding: str) -> None:
    assert parse_file(FIXTURES / name).encoding == encoding


def test_the_mapping_preview_shows_no_footer_line() -> None:
    from coordinator.formats.csv_import import peek_csv

    peek = peek_csv((FIXTURES / "salesforce_report.csv").read_bytes())
    assert [cells[1] for cells in peek.rows] == ["Renée", "Chidi"]


GOOGLE_BLOCKS = (
    "First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Relation 1 - Label,"
    "Relation 1 - Value,Event 1 - Label,Event 1 - Value,IM 1 - Label,IM 1 - Service,"
    "IM 1 - Value,Custom Field 1 - Label,Custom Field 1 - Value,Notes,Labels\r\n"
    "Ana,López,* Work,ana@example.org,Spouse,Luis López,Anniversary,2010-05-01,Work,Skype,"
    "ana.lopez,Badge,1234,Met in Denver.,* myContacts ::: Mobility\r\n"
    "Bob,Smith,,bob@example.org,,,,,,,,,,,\r\n"
)


def test_google_relations_events_im_and_custom_fields_are_kept_in_the_notes() -> None:
    """Google's export has numbered blocks no field holds; they were dropped unseen."""
    from coordinator.formats.csv_import import parse_csv

    ana, bob = parse_csv(GOOGLE_BLOCKS.encode()).contacts
    assert ana.data.notes == ("Met in Denver.\nSpouse: Luis López\nAnniversary: 2010-05-01\n"
                              "IM (Skype): ana.lopez\nBadge: 1234")
    assert (ana.data.tags, bob.data.notes) == (["Mobility"], "")


def test_outlook_columns_about_the_person_are_kept_in_the_notes() -> None:
    from coordinator.formats.csv_import import parse_csv

    raw = ("First Name,Last Name,E-mail Address,Notes,Spouse,Anniversary,Manager's Name,"
           "Office Location,Priority,Sensitivity\r\n"
           "Ana,López,ana@example.org,Hi,Luis,5/1/2010,Dr. Weber,Building 2,Normal,Normal\r\n"
           "Bob,Smith,bob@example.org,,,0/0/00,,,Normal,Normal\r\n").encode()
    result = parse_csv(raw)
    assert result.format == "outlook.com"
    ana, bob = result.contacts
    assert ana.data.notes == ("Hi\nAnniversary: 2010-05-01\nSpouse: Luis\nManager: Dr. Weber\n"
                              "Office: Building 2")
    assert bob.data.notes == ""


# -- the rules behind the files above, one by one -----------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("03/07", "--03-07"), ("24/12", "--12-24"), ("13/13", None),
    ("March 7, 1984", "1984-03-07"), ("7 March 1984", "1984-03-07"),
    ("Sept. 5, 1990", "1990-09-05"), ("Foo 7, 1984", None),
    ("0000-03-07", "--03-07"), ("1604-03-07", "--03-07"), ("0000-02-30", None),
])
def test_birthdays_other_programs_write(text: str, expected: str | None) -> None:
    from coordinator.formats.fields import birthday_of

    assert birthday_of(text) == expected


def test_a_suffix_before_the_comma_of_an_inverted_name() -> None:
    from coordinator.formats.fields import split_full_name

    assert split_full_name("Smith Jr., Bob") == {"suffix": "Jr.", "family_name": "Smith",
                                                 "given_name": "Bob"}


@pytest.mark.parametrize("value", ["203.0.113.7", "-104.9903", "39.7392017"])
def test_addresses_of_computers_and_coordinates_are_not_phones(value: str) -> None:
    from coordinator.formats.mappings import value_kind

    assert value_kind(value) is None


def test_bare_digits_under_a_name_are_not_claimed_as_phones() -> None:
    from coordinator.formats.mappings import guess_for

    rows = [["Ana Lopez", "51234567801", "303 555 0100"], ["Bob Smith", "51234567802", ""]]
    assert guess_for(["Name", "Reference", "Direct"], rows) == {
        "Name": "full_name", "Reference": "ignore", "Direct": "phone"}


def test_guessed_fields_from_crm_and_api_column_names() -> None:
    from coordinator.formats.mappings import guess_mapping

    assert guess_mapping([
        "Contact owner", "Marketing contact status", "Account Name", "AccountId",
        "MailingStreet", "OtherCity", "Home ZIP", "Asst Phone", "Other Phone",
        "E-Mail (privat)", "Mobil", "Email ID", "IP Address", "Birthdate", "Fax",
    ]) == {
        "Contact owner": "ignore", "Marketing contact status": "ignore",
        "Account Name": "organization", "AccountId": "ignore", "MailingStreet": "street",
        "OtherCity": "city:other", "Home ZIP": "postal_code:home",
        "Asst Phone": "phone:assistant", "Other Phone": "phone:other",
        "E-Mail (privat)": "email:home", "Mobil": "phone:mobile", "Email ID": "email",
        "IP Address": "ignore", "Birthdate": "birthday", "Fax": "phone:fax",
    }


def test_yahoo_home_address_is_a_second_address() -> None:
    """Yahoo's "Home Address", "Home City"... were ignored: one address per row only."""
    from coordinator.formats.csv_import import parse_csv

    header = (FIXTURES / "yahoo.csv").read_bytes().split(b"\n", 1)[0].strip()
    names = header.decode().split(",")
    cells = dict.fromkeys(names, "")
    cells.update({"First": "Ana", "Last": "López", "Email": "ana@example.org",
                  "Work Address": "1437 Bannock St", "Work City": "Denver",
                  "Home Address": "12 Elm St", "Home City": "Boulder", "Home State": "CO",
                  "Home ZIP": "80302", "Home Country": "USA"})
    raw = header + b"\n" + ",".join(cells[n] for n in names).encode() + b"\n"
    [ana] = parse_csv(raw).contacts
    assert [(a.label, a.street, a.city, a.region, a.postal_code, a.country)
            for a in ana.data.addresses] == [
        ("work", "1437 Bannock St", "Denver", "", "", ""),
        ("home", "12 Elm St", "Boulder", "CO", "80302", "USA")]


@pytest.mark.parametrize("raw", [
    "Name\nAna\n\nBob\n",  # one column: every row is a single cell
    "Name,Email\nAna,a@example.org\nBob\n",  # no blank line above it
    'Name,Notes\nAna,"x\n\nBob"\n',  # the blank line is inside a quoted cell
    "Name,Email\nAna,a@example.org\n\nBob,b@example.org\n",  # a row of several cells
])
def test_what_is_not_a_footer(raw: str) -> None:
    from coordinator.formats.preamble import find_footer

    assert find_footer(raw, ",") is None


def test_a_short_footer_after_a_table_is_named() -> None:
    from coordinator.formats.csv_import import parse_csv

    result = parse_csv(b"Name,Email\r\nAna Lopez,ana@example.org\r\n\r\nTotal: 1\r\n")
    assert [c.data.family_name for c in result.contacts] == ["Lopez"]
    assert [str(n) for n in result.notices] == [
        "line 4: left out: lines below the table, not people (a report's footer): "
        "Total: 1"]


@pytest.mark.parametrize("header", [
    "First Name,Last Name,Organization Name,Email,Phone,City",  # looks like Google's
    "first name,last name,labels,e-mail,mobile,city",  # Google's names, lower case
    "First Name,Last Name,E-mail Address,Home E-mail,Street,City",  # looks like Outlook's
    "First Name,Last Name,Display Name,Primary Email,Phone,City",  # looks like Thunderbird's
])
def test_a_sheet_with_a_programs_columns_and_its_own_loses_none(header: str) -> None:
    """Such a sheet was read as that program's export, whose reader dropped the other
    columns unseen (the email, the phone, the city)."""
    from coordinator.formats.csv_import import parse_csv

    width = len(header.split(","))
    values = ["Ana", "López", "x", "ana@example.org", "303-555-0100", "Denver"]
    if "Home E-mail" in header:
        values[2], values[3], values[4] = "ana@example.org", "ana@home.example.org", "1 Main St"
    result = parse_csv(f"{header}\r\n{','.join(values[:width])}\r\n".encode())
    assert result.format == "csv"
    [ana] = result.contacts
    assert (ana.data.given_name, ana.data.family_name) == ("Ana", "López")
    assert "ana@example.org" in [e.address for e in ana.data.emails]
    assert [a.city for a in ana.data.addresses] == ["Denver"]
    assert set(result.mapping.values()) - {"ignore"}  # every column is in the mapping


def test_mailchimp_signup_location_is_not_the_postal_address() -> None:
    """Mailchimp's REGION is where the subscriber's computer was: a row without an
    address got an address made of it."""
    from coordinator.formats.csv_import import parse_csv

    raw = (FIXTURES / "mailchimp.csv").read_bytes().replace(
        b'"1437 Bannock St  Room 350  Denver  CO  80202  US"', b'""')
    result = parse_csv(raw)
    assert result.mapping["REGION"] == "ignore" and result.mapping["CC"] == "ignore"
    assert result.contacts[0].data.addresses == []


def test_contact_groups_tag_their_members_instead_of_becoming_people() -> None:
    """A CardDAV address book's export holds its groups as cards (Apple's
    X-ADDRESSBOOKSERVER-KIND:group, vCard 4.0 KIND:group): each imported as a person
    named after the group."""
    from coordinator.formats.vcard_import import parse_vcards

    raw = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lopez;Ana;;;\r\nFN:Ana Lopez\r\n"
        b"UID:A1B2C3D4-0000-4000-8000-000000000001\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Smith;Bob;;;\r\nFN:Bob Smith\r\n"
        b"UID:b0b-2\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Board;;;;\r\nFN:Board\r\n"
        b"X-ADDRESSBOOKSERVER-KIND:group\r\n"
        b"X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:a1b2c3d4-0000-4000-8000-000000000001\r\n"
        b"END:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nFN:Water\\, energy\r\n"
        b"MEMBER:urn:uuid:A1B2C3D4-0000-4000-8000-000000000001\r\nMEMBER:urn:uuid:b0b-2\r\n"
        b"END:VCARD\r\n")
    result = parse_vcards(raw)
    assert [(c.data.given_name, c.data.tags) for c in result.contacts] == [
        ("Ana", ["Board", "Water, energy"]), ("Bob", ["Water, energy"])]
    assert [str(n) for n in result.notices] == [
        "line 13: the contact group 'Board' is not a person: its 1 member in this file is "
        "tagged 'Board'",
        "line 20: the contact group 'Water, energy' is not a person: its 2 members in this "
        "file are tagged 'Water, energy'"]


@pytest.mark.parametrize("hint", [b"sep=;", b'"sep=;"', b"SEP=;"])
def test_excels_separator_hint_names_the_delimiter(hint: bytes) -> None:
    """Excel writes and reads a first line `sep=;`; it was taken for the header."""
    from coordinator.formats.csv_import import parse_csv, peek_csv

    raw = hint + b"\r\nName;Email;Organisation\r\nAna Lopez;ana@example.org;City of Denver\r\n"
    result = parse_csv(raw)
    assert result.headers == ["Name", "Email", "Organisation"]
    [ana] = result.contacts
    assert (ana.data.family_name, ana.organization, ana.where) == (
        "Lopez", "City of Denver", "row 2 (line 3)")
    assert peek_csv(raw).headers == ["Name", "Email", "Organisation"]


def test_androids_nickname_relations_and_events_arrive() -> None:
    """Android writes them as X-ANDROID-CUSTOM lines, which were dropped."""
    from coordinator.formats.vcard_import import parse_vcards

    raw = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Lef\xc3\xa8vre;Andr\xc3\xa9;;;\r\n"
        b"TEL;CELL:+33 6 12 34 56 78\r\n"
        b"X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;D\xc3\xa9d\xc3\xa9;1;;;;;;;;;;;;;\r\n"
        b"X-ANDROID-CUSTOM:vnd.android.cursor.item/relation;Marie Lef\xc3\xa8vre;14;;;;;;;;;;;\r\n"
        b"X-ANDROID-CUSTOM:vnd.android.cursor.item/relation;Paul;0;Coach;;;;;;;;;;;;\r\n"
        b"X-ANDROID-CUSTOM:vnd.android.cursor.item/contact_event;2010-05-01;1;;;;;;;;;;;;;\r\n"
        b"X-ANDROID-CUSTOM:vnd.android.cursor.item/contact_event;--03-07;3;;;;;;;;;;;;;\r\n"
        b"X-ANDROID-CUSTOM:vnd.com.google.cursor.item/contact_misc;x;;;;;;;;;;;;;;\r\n"
        b"END:VCARD\r\n")
    [andre] = parse_vcards(raw).contacts
    d = andre.data
    assert (d.given_name, d.nickname, d.birthday) == ("André", "Dédé", "--03-07")
    assert d.notes == "Spouse: Marie Lefèvre\nCoach: Paul\nAnniversary: 2010-05-01"


def test_a_second_street_column_is_the_addresses_next_line() -> None:
    """"Address Line 2" was ignored: the street field was taken by "Address Line 1"."""
    from coordinator.formats.csv_import import parse_csv

    result = parse_csv(b"Name,Address Line 1,Address Line 2,City,Home Street,Home Street 2\n"
                       b"Ana Lopez,1 Main St,Suite 4,Denver,2 Elm St,Apt 9\n")
    [ana] = result.contacts
    assert [(a.label, a.street, a.city) for a in ana.data.addresses] == [
        ("work", "1 Main St\nSuite 4", "Denver"), ("home", "2 Elm St\nApt 9", "")]


def test_a_vcard_role_beside_its_title_is_kept() -> None:
    from coordinator.formats.vcard_import import parse_vcards

    [ana] = parse_vcards(b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lopez;Ana;;;\r\nTITLE:Director\r\n"
                         b"ROLE:Board liaison\r\nEND:VCARD\r\n").contacts
    assert (ana.data.title, ana.data.notes) == ("Director", "Role: Board liaison")


def test_localised_outlook_columns_about_the_person_are_kept() -> None:
    """A German Outlook's "Jahrestag", "Benutzer 1" and "Hobby" were not translated,
    so not kept like the English ones."""
    from coordinator.formats.csv_import import parse_csv

    raw = ("Vorname,Nachname,E-Mail-Adresse,Firma,Jahrestag,Benutzer 1,Hobby,Notizen\r\n"
           "Anna,Müller,anna@example.org,Stadt München,12.05.2001,Beirat,Segeln,Hallo\r\n"
           "Jörg,Weiß,joerg@example.org,Stadt Bonn,0.0.00,,,\r\n").encode("cp1252")
    result = parse_csv(raw)
    assert result.format == "outlook.com"
    assert [c.data.notes for c in result.contacts] == [
        "Hallo\nAnniversary: 2001-05-12\nHobby: Segeln\nUser 1: Beirat", ""]


def test_a_vcard_with_only_the_formatted_address_keeps_it() -> None:
    """Some writers give LABEL (the printed address) without ADR: it was dropped."""
    from coordinator.formats.vcard_import import parse_vcards

    ana, bob = parse_vcards(
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Lopez;Ana;;;\r\n"
        b"LABEL;WORK;ENCODING=QUOTED-PRINTABLE:1437 Bannock St=0D=0ADenver, CO 80202\r\n"
        b"END:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Smith;Bob;;;\r\n"
        b"ADR;TYPE=HOME:;;2 Elm St;Boulder;CO;80302;USA\r\n"
        b"LABEL;TYPE=HOME:2 Elm St\\nBoulder CO 80302\r\nEND:VCARD\r\n").contacts
    assert [(a.label, a.street, a.city) for a in ana.data.addresses] == [
        ("work", "1437 Bannock St\nDenver, CO 80202", "")]
    assert [(a.street, a.city) for a in bob.data.addresses] == [("2 Elm St", "Boulder")]


def test_googles_own_columns_we_do_not_read_keep_it_a_google_file() -> None:
    from coordinator.formats.csv_layouts import recognise

    headers = ["First Name", "Last Name", "Labels", "E-mail 1 - Value", "Sip Address 1 - Value",
               "External ID 1 - Label", "Organization Location", "Phonetic Organization"]
    assert recognise(headers)[0] == "google"
    assert recognise([*headers, "Email"])[0] == "csv"


def test_outlooks_card_picture_is_skipped_like_a_photo() -> None:
    """X-MS-CARDPICTURE's base64 lines, not indented, were each reported as a line that
    is not a vCard property."""
    import base64

    from coordinator.formats.vcard_import import parse_vcards

    data = base64.b64encode(bytes(range(256)) * 2).decode()
    picture = "".join(data[i:i + 76] + "\r\n" for i in range(0, len(data), 76))
    raw = ("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Lopez;Ana;;;\r\n"
           "X-MS-CARDPICTURE;TYPE=JPEG;ENCODING=BASE64:\r\n" + picture +
           "\r\nEMAIL;PREF;INTERNET:ana@example.org\r\nEND:VCARD\r\n").encode()
    result = parse_vcards(raw)
    assert result.warnings == []
    assert [e.address for e in result.contacts[0].data.emails] == ["ana@example.org"]


def test_a_column_named_in_part_like_an_email_but_holding_none_is_left_out() -> None:
    from coordinator.formats.csv_import import parse_csv

    raw = (b"First Name,Last Name,Email,Email Domain,Last marketing email name,Mobile Phone\r\n"
           b"Ana,Lopez,ana@example.org,example.org,November newsletter,303-555-0101\r\n")
    result = parse_csv(raw)
    assert result.mapping == {
        "First Name": "given_name", "Last Name": "family_name", "Email": "email",
        "Email Domain": "ignore", "Last marketing email name": "ignore",
        "Mobile Phone": "phone:mobile"}
    [ana] = result.contacts
    assert (ana.data.notes, ana.warnings) == ("", [])


def test_a_notion_relation_names_the_organization_without_its_link() -> None:
    from coordinator.formats.csv_import import parse_csv

    raw = ("\ufeffName,Company,Email\n"
           "Aoife Byrne,Cork City Council (https://www.notion.so/Cork-City-Council-"
           "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6),aoife@example.org\n").encode()
    [aoife] = parse_csv(raw).contacts
    assert aoife.organization == "Cork City Council"
