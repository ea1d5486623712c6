"""The CSV layouts we recognise by their header, and how one row becomes a contact.

- `google`: Google Contacts' current export (`First Name`, `Labels`, numbered blocks
  `E-mail 1 - Label`/`- Value`, several values per cell joined by ` ::: `, `* ` marks
  the primary value, `* myContacts` is a system label);
- `google-legacy`: Google's older export (`Given Name`, `Group Membership`,
  `E-mail 1 - Type`, `Organization 1 - Name`), usually UTF-16;
- `outlook` (desktop, `E-mail Type` column, EX addresses) and `outlook.com` (also
  Google's "Outlook CSV" export, whose countries are `Home Country`...), with German,
  French and Spanish Outlook headers (`Vorname`, `Adresse de messagerie`, `Apellidos`)
  read as these;
- `thunderbird`: Thunderbird's address book export (`Primary Email`, `Work ZipCode`,
  `Birth Year`...), US, UK and German headers;
- `coordinator`: our own export (`Coordinator ID` column);
- anything else goes through a column mapping (`mappings.py`).

`recognise(headers)` gives the layout and the headers under the names the converters
read (localised headers translated).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from functools import lru_cache

from coordinator.formats.fields import (
    EXCHANGE_PATH,
    MULTI_SEPARATOR,
    birthday_of,
    check_email,
    clean_address,
    clean_labels,
    clean_phones,
    do_not_contact_of,
    email_from_text,
    label_of,
    names_too_long,
    note_lines,
    split_full_name,
    split_labels,
    split_labels_cached,
    split_multi,
)
from coordinator.formats.mappings import guess_mapping
from coordinator.formats.parsed import ParsedContact
from coordinator.services.records import AddressData, ContactData, EmailData, PhoneData

Row = dict[str, str]
Converter = Callable[[Row, ParsedContact], None]

_BLOCK = re.compile(
    r"^(E-?mail|Phone|Address|Website|Organization|Relation|Event|IM|Custom Field) "
    r"(\d+) - (.+)$", re.IGNORECASE)
_LEGACY_RENAMES = {
    "Given Name": "First Name", "Additional Name": "Middle Name", "Family Name": "Last Name",
    "Group Membership": "Labels", "Organization 1 - Name": "Organization Name",
    "Organization 1 - Title": "Organization Title",
    "Organization 1 - Department": "Organization Department",
}


# Outlook 2007-2016 in German (the names of its English export); both spellings
# Outlook versions used for a few columns.
_OUTLOOK_DE = {
    "Anrede": "Title", "Vorname": "First Name", "Weitere Vornamen": "Middle Name",
    "Nachname": "Last Name", "Suffix": "Suffix", "Firma": "Company",
    "Abteilung": "Department", "Position": "Job Title",
    "Straße geschäftlich": "Business Street", "Straße geschäftlich 2": "Business Street 2",
    "Straße geschäftlich 3": "Business Street 3", "Ort geschäftlich": "Business City",
    "Region geschäftlich": "Business State",
    "Postleitzahl geschäftlich": "Business Postal Code",
    "Land/Region geschäftlich": "Business Country/Region",
    "Postfach geschäftlich": "Business Address PO Box",
    "Straße privat": "Home Street", "Straße privat 2": "Home Street 2",
    "Straße privat 3": "Home Street 3", "Ort privat": "Home City",
    "Bundesland/Kanton privat": "Home State", "Postleitzahl privat": "Home Postal Code",
    "Land/Region privat": "Home Country/Region", "Postfach privat": "Home Address PO Box",
    "Weitere Straße": "Other Street", "Weitere Straße 2": "Other Street 2",
    "Weitere Straße 3": "Other Street 3", "Weiterer Ort": "Other City",
    "Weiteres/r Bundesland/Kanton": "Other State", "Weitere Postleitzahl": "Other Postal Code",
    "Weiteres/e Land/Region": "Other Country/Region", "Weiteres Postfach": "Other Address PO Box",
    "Telefon Assistent": "Assistant's Phone", "Fax geschäftlich": "Business Fax",
    "Telefon geschäftlich": "Business Phone", "Telefon geschäftlich 2": "Business Phone 2",
    "Rückmeldung": "Callback", "Autotelefon": "Car Phone", "Telefon Firma": "Company Main Phone",
    "Fax privat": "Home Fax", "Telefon (privat)": "Home Phone", "Telefon privat": "Home Phone",
    "Telefon (privat 2)": "Home Phone 2", "Telefon privat 2": "Home Phone 2", "ISDN": "ISDN",
    "Mobiltelefon": "Mobile Phone", "Weiteres Fax": "Other Fax",
    "Weiteres Telefon": "Other Phone", "Pager": "Pager", "Haupttelefon": "Primary Phone",
    "Mobiltelefon 2": "Radio Phone", "Telefon für Hörbehinderte": "TTY/TDD Phone",
    "Telex": "Telex", "E-Mail-Adresse": "E-mail Address", "E-Mail-Typ": "E-mail Type",
    "E-Mail: Angezeigter Name": "E-mail Display Name", "E-Mail 2: Adresse": "E-mail 2 Address",
    "E-Mail 2: Typ": "E-mail 2 Type", "E-Mail 2: Angezeigter Name": "E-mail 2 Display Name",
    "E-Mail 3: Adresse": "E-mail 3 Address", "E-Mail 3: Typ": "E-mail 3 Type",
    "E-Mail 3: Angezeigter Name": "E-mail 3 Display Name", "Geburtstag": "Birthday",
    "Kategorien": "Categories", "Name des/r Vorgesetzten": "Manager's Name",
    "Name des/der Vorgesetzten": "Manager's Name", "Notizen": "Notes", "Webseite": "Web Page",
    "Assistent(in)": "Assistant's Name", "Name Assistent": "Assistant's Name",
    "Partner": "Spouse", "Kinder": "Children", "Beruf": "Profession", "Büro": "Office Location",
    "Jahrestag": "Anniversary", "Empfohlen von": "Referred By", "Stichwörter": "Keywords",
    "Konto": "Account", "Hobby": "Hobby", "Ort": "Location", "Benutzer 1": "User 1",
    "Benutzer 2": "User 2", "Benutzer 3": "User 3", "Benutzer 4": "User 4",
}
# Outlook in French: "Titre" twice, the title then the job title (the second is read as
# "Titre (2)", the name `csv_import` gives a repeated header).
_OUTLOOK_FR = {
    "Titre": "Title", "Prénom": "First Name", "Deuxième prénom": "Middle Name",
    "Nom": "Last Name", "Suffixe": "Suffix", "Surnom": "Nickname", "Société": "Company",
    "Service": "Department", "Titre (2)": "Job Title",
    "Rue (bureau)": "Business Street", "Rue (bureau) 2": "Business Street 2",
    "Rue (bureau) 3": "Business Street 3", "Ville (bureau)": "Business City",
    "Dép/Région (bureau)": "Business State", "Code postal (bureau)": "Business Postal Code",
    "Pays (bureau)": "Business Country/Region", "B.P. professionnelle": "Business Address PO Box",
    "Rue (domicile)": "Home Street", "Rue (domicile) 2": "Home Street 2",
    "Rue (domicile) 3": "Home Street 3", "Ville (domicile)": "Home City",
    "Dép/Région (domicile)": "Home State", "Code postal (domicile)": "Home Postal Code",
    "Pays (domicile)": "Home Country/Region", "Boîte postale du domicile": "Home Address PO Box",
    "Rue (autre)": "Other Street", "Rue (autre) 2": "Other Street 2",
    "Rue (autre) 3": "Other Street 3", "Ville (autre)": "Other City",
    "Dép/Région (autre)": "Other State", "Code postal (autre)": "Other Postal Code",
    "Pays (autre)": "Other Country/Region", "Autre boîte postale": "Other Address PO Box",
    "Téléphone de l'assistant(e)": "Assistant's Phone", "Télécopie (bureau)": "Business Fax",
    "Téléphone (bureau)": "Business Phone", "Téléphone 2 (bureau)": "Business Phone 2",
    "Rappel": "Callback", "Téléphone (voiture)": "Car Phone",
    "Téléphone société": "Company Main Phone", "Télécopie (domicile)": "Home Fax",
    "Téléphone (domicile)": "Home Phone", "Téléphone 2 (domicile)": "Home Phone 2",
    "RNIS": "ISDN", "Tél. mobile": "Mobile Phone", "Télécopie (autre)": "Other Fax",
    "Téléphone (autre)": "Other Phone", "Récepteur de radiomessagerie": "Pager",
    "Téléphone principal": "Primary Phone", "Radio téléphone": "Radio Phone",
    "Téléphone TDD/TTY": "TTY/TDD Phone", "Télex": "Telex",
    "Adresse de messagerie": "E-mail Address", "Type de messagerie": "E-mail Type",
    "Nom complet de l'adresse de messagerie": "E-mail Display Name",
    "Adresse de messagerie 2": "E-mail 2 Address", "Type de messagerie 2": "E-mail 2 Type",
    "Nom complet de l'adresse de messagerie 2": "E-mail 2 Display Name",
    "Adresse de messagerie 3": "E-mail 3 Address", "Type de messagerie 3": "E-mail 3 Type",
    "Nom complet de l'adresse de messagerie 3": "E-mail 3 Display Name",
    "Anniversaire": "Birthday", "Catégories": "Categories", "Notes": "Notes",
    "Page Web": "Web Page", "Responsable": "Manager's Name",
    "Nom de l'assistant(e)": "Assistant's Name", "Conjoint(e)": "Spouse",
    "Anniversaire de mariage ou fête": "Anniversary", "Bureau": "Office Location",
    "Enfants": "Children", "Passe-temps": "Hobby", "Recommandé par": "Referred By",
    "Emplacement": "Location", "Compte": "Account", "Mots clés": "Keywords",
    "Profession": "Profession", "Utilisateur 1": "User 1", "Utilisateur 2": "User 2",
    "Utilisateur 3": "User 3", "Utilisateur 4": "User 4",
}
# Outlook in Spanish: some columns translated, the others in English.
_OUTLOOK_ES = {
    "Nombre": "First Name", "Segundo nombre": "Middle Name", "Apellidos": "Last Name",
    "Organización": "Company", "Puesto": "Job Title", "Calle del trabajo": "Business Street",
    "Calle del trabajo 2": "Business Street 2", "Calle del trabajo 3": "Business Street 3",
    "Ciudad de trabajo": "Business City", "Provincia o estado de trabajo": "Business State",
    "Código postal del trabajo": "Business Postal Code",
    "País o región del trabajo": "Business Country/Region",
    "Apartado postal de la dirección del trabajo": "Business Address PO Box",
    "País o región del domicilio": "Home Country/Region",
    "Apartado postal de la dirección personal": "Home Address PO Box",
    "Otra calle": "Other Street", "Otra calle 2": "Other Street 2",
    "Otra calle 3": "Other Street 3", "Otra ciudad": "Other City",
    "Otra provincia o estado": "Other State", "Otro código postal": "Other Postal Code",
    "Otro país o región": "Other Country/Region", "Otro apartado postal": "Other Address PO Box",
    "Particular": "Home Phone", "Teléfono del trabajo": "Business Phone",
    "Número de centralita de la organización": "Company Main Phone",
    "Otro teléfono": "Other Phone", "Otro fax": "Other Fax", "Radioteléfono": "Radio Phone",
    "Número de teletipo": "TTY/TDD Phone", "Devolución de llamada": "Callback",
    "Teléfono principal": "Primary Phone",
    "Dirección de correo electrónico 2": "E-mail 2 Address",
    "Tipo de correo electrónico 2": "E-mail 2 Type",
    "Nombre de pantalla de correo electrónico 2": "E-mail 2 Display Name",
    "Dirección del correo electrónico 3": "E-mail 3 Address",
    "Tipo de correo electrónico 3": "E-mail 3 Type",
    "Nombre de pantalla de correo electrónico 3": "E-mail 3 Display Name",
    "Nombre de pantalla de correo electrónico": "E-mail Display Name",
    "Categorías": "Categories", "Página web": "Web Page", "Nombre del director": "Manager's Name",
    "Hijos": "Children", "Aficiones": "Hobby", "Profesión": "Profession",
    "Aniversario": "Anniversary", "Usuario 1": "User 1", "Usuario 2": "User 2",
    "Usuario 3": "User 3", "Usuario 4": "User 4",
}
# Thunderbird's address book export: its US names, with its UK and German spellings.
THUNDERBIRD_COLUMNS = (
    "First Name", "Last Name", "Display Name", "Nickname", "Primary Email", "Secondary Email",
    "Screen Name", "Work Phone", "Home Phone", "Fax Number", "Pager Number", "Mobile Number",
    "Home Address", "Home Address 2", "Home City", "Home State", "Home ZipCode", "Home Country",
    "Work Address", "Work Address 2", "Work City", "Work State", "Work ZipCode",
    "Work Country", "Job Title", "Department", "Organization", "Web Page 1", "Web Page 2",
    "Birth Year", "Birth Month", "Birth Day", "Custom 1", "Custom 2", "Custom 3", "Custom 4",
    "Notes",
)
_THUNDERBIRD_SPELLINGS = {
    "Home Address2": "Home Address 2", "Work Address2": "Work Address 2",
    "Home Zipcode": "Home ZipCode", "Work Zip": "Work ZipCode", "Work Zipcode": "Work ZipCode",
    "Home Post Code": "Home ZipCode", "Work Post Code": "Work ZipCode",
    "Home County": "Home State", "Work County": "Work State", "Organisation": "Organization",
}
_THUNDERBIRD_DE = dict(zip((
    "Vorname", "Nachname", "Anzeigename", "Spitzname", "Primäre E-Mail-Adresse",
    "Sekundäre E-Mail-Adresse", "Messenger-Name", "Tel. dienstlich", "Tel. privat",
    "Fax-Nummer", "Pager-Nummer", "Mobil-Tel.-Nr.", "Privat: Adresse", "Privat: Adresse 2",
    "Privat: Ort", "Privat: Bundesland", "Privat: PLZ", "Privat: Land", "Dienstlich: Adresse",
    "Dienstlich: Adresse 2", "Dienstlich: Ort", "Dienstlich: Bundesland", "Dienstlich: PLZ",
    "Dienstlich: Land", "Arbeitstitel", "Abteilung", "Organisation", "Webseite 1",
    "Webseite 2", "Geburtsjahr", "Geburtsmonat", "Geburtstag", "Benutzerdef. 1",
    "Benutzerdef. 2", "Benutzerdef. 3", "Benutzerdef. 4", "Notizen"), THUNDERBIRD_COLUMNS,
    strict=True))
_THUNDERBIRD_KNOWN = frozenset((*THUNDERBIRD_COLUMNS, *_THUNDERBIRD_SPELLINGS))
_TRANSLATIONS = (_THUNDERBIRD_DE, _OUTLOOK_DE, _OUTLOOK_FR, _OUTLOOK_ES, _THUNDERBIRD_SPELLINGS)

# Every column Outlook (desktop and Outlook.com) and Google's "Outlook CSV" write.
OUTLOOK_COLUMNS = frozenset((
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Nickname", "Company",
    "Department", "Job Title", "Business Street", "Business Street 2", "Business Street 3",
    "Business City", "Business State", "Business Postal Code", "Business Country/Region",
    "Home Street", "Home Street 2", "Home Street 3", "Home City", "Home State",
    "Home Postal Code", "Home Country/Region", "Other Street", "Other Street 2",
    "Other Street 3", "Other City", "Other State", "Other Postal Code",
    "Other Country/Region", "Assistant's Phone", "Business Fax", "Business Phone",
    "Business Phone 2", "Callback", "Car Phone", "Company Main Phone", "Home Fax",
    "Home Phone", "Home Phone 2", "ISDN", "Mobile Phone", "Other Fax", "Other Phone", "Pager",
    "Primary Phone", "Radio Phone", "TTY/TDD Phone", "Telex", "Account", "Anniversary",
    "Assistant's Name", "Billing Information", "Birthday", "Business Address PO Box",
    "Categories", "Children", "Directory Server", "E-mail Address", "E-mail Type",
    "E-mail Display Name", "E-mail 2 Address", "E-mail 2 Type", "E-mail 2 Display Name",
    "E-mail 3 Address", "E-mail 3 Type", "E-mail 3 Display Name", "Gender",
    "Government ID Number", "Hobby", "Home Address PO Box", "Initials", "Internet Free Busy",
    "Keywords", "Language", "Location", "Manager's Name", "Mileage", "Notes",
    "Office Location", "Organizational ID Number", "Other Address PO Box", "Priority",
    "Private", "Profession", "Referred By", "Sensitivity", "Spouse", "User 1", "User 2",
    "User 3", "User 4", "Web Page", "Personal Web Page", "Given Yomi", "Surname Yomi",
    "Company Yomi", "IMAddress", "Schools", "Home Address", "Business Address",
    "Other Address", "Home Country", "Business Country", "Other Country",
))


def recognise(headers: list[str]) -> tuple[str, list[str]]:
    """(layout as `detect_layout`, headers under the names its converter reads): a
    localised Outlook or Thunderbird header is translated when that makes the file a
    layout we know; a file with columns of its own besides a program's is "csv"
    (`_foreign_columns`)."""
    layout = detect_layout(headers)
    if _foreign_columns(layout, headers):
        return "csv", headers
    if layout == "thunderbird":  # its UK spellings: 'Work Post Code', 'Organisation'
        return layout, [_THUNDERBIRD_SPELLINGS.get(h.strip(), h) for h in headers]
    if layout != "csv":
        return layout, headers
    hits = {id(t): sum(1 for h in headers if h.strip() in t) for t in _TRANSLATIONS}
    for table in sorted(_TRANSLATIONS, key=lambda t: -hits[id(t)]):
        if hits[id(table)] >= 3:
            translated = [table.get(h.strip(), h) for h in headers]
            found = detect_layout(translated)
            if found != "csv":
                return found, translated
    return layout, headers


# Every column Google Contacts writes (besides its numbered blocks): the ones
# `google_row` reads, then the rest of its current and its older export.
GOOGLE_COLUMNS = frozenset((
    "First Name", "Given Name", "Middle Name", "Last Name", "Family Name", "Name Prefix",
    "Prefix", "Name Suffix", "Suffix", "Nickname", "Pronouns", "Name", "Organization Name",
    "Organization", "Organization Title", "Title", "Organization Department", "Consortium",
    "Coordinator ID", "Notes", "Private Notes", "Last Contacted", "Do Not Contact",
    "Birthday", "Labels", "Tags", "Website",
    "Phonetic First Name", "Phonetic Middle Name", "Phonetic Last Name", "File As", "Photo",
    "Additional Name", "Yomi Name", "Given Name Yomi", "Additional Name Yomi",
    "Family Name Yomi", "Initials", "Short Name", "Maiden Name", "Gender", "Location",
    "Billing Information", "Directory Server", "Mileage", "Occupation", "Hobby",
    "Sensitivity", "Priority", "Subject", "Language", "Group Membership",
))
_REPEATED = re.compile(r" \(\d+\)$")  # 'Notes (2)': how a repeated header is renamed
# Google's other columns: numbered blocks of kinds it may add ("Sip Address 1 - Value",
# "External ID 1 - Label") and the organization's and the name's other parts.
_GOOGLE_SHAPED = re.compile(r"^(?:.+ \d+ - .+|Organization .+|Phonetic .+)$")


def _foreign_columns(layout: str, headers: list[str]) -> bool:
    """Whether a file in the shape of Outlook's, Google's or Thunderbird's export also
    has columns that program never writes and that hold a person's field ("Email",
    "Street", "City", "Home E-mail"): someone's own sheet, which is read through a column
    mapping so that those columns are read too (the program's reader would drop them
    unseen: "First Name, Last Name, Organization Name, Email, Phone" looks like Google's
    export, whose emails and phones are in numbered columns)."""
    if layout in ("outlook", "outlook.com"):
        known: frozenset[str] = OUTLOOK_COLUMNS
    elif layout in ("google", "google-legacy"):
        known = GOOGLE_COLUMNS
    elif layout == "thunderbird":
        known = _THUNDERBIRD_KNOWN
    else:
        return False
    others = [h for h in headers if h.strip() and not _BLOCK.match(h.strip())
              and _REPEATED.sub("", h.strip()) not in known
              and not (known is GOOGLE_COLUMNS and _GOOGLE_SHAPED.match(h.strip()))]
    return bool(others) and any(spec != "ignore" for spec in guess_mapping(others).values())


def detect_layout(headers: list[str]) -> str:
    """'coordinator', 'google', 'google-legacy', 'outlook', 'outlook.com', 'thunderbird'
    or 'csv'."""
    names = {h.strip() for h in headers}
    folded = {h.casefold() for h in names}
    blocks = any(_BLOCK.match(h) for h in names)
    if "coordinator id" in folded:
        return "coordinator"
    if "primary email" in folded and "display name" in folded and (
            "first name" in folded or "last name" in folded):
        return "thunderbird"
    if "given name" in folded and "family name" in folded and (
        "group membership" in folded or any(h.endswith(" - Type") for h in names)
    ):
        return "google-legacy"
    if "first name" in folded and "last name" in folded and (
        "labels" in folded or "organization name" in folded or blocks
    ):
        return "google"
    if "e-mail address" in folded and ("first name" in folded or "last name" in folded):
        return "outlook" if "e-mail type" in folded else "outlook.com"
    return "csv"


@lru_cache(maxsize=1024)
def _block_of(header: str) -> tuple[str, int, str] | None:
    """('email', 2, 'value') for 'E-mail 2 - Value'; None for other columns."""
    m = _BLOCK.match(header)
    if not m:
        return None
    return (m.group(1).casefold().replace("-", ""), int(m.group(2)),
            m.group(3).strip().casefold().replace("type", "label"))


def _blocks(row: Row) -> dict[str, dict[int, dict[str, str]]]:
    out: dict[str, dict[int, dict[str, str]]] = {}
    for key, value in row.items():
        block = _block_of(key)
        if block is not None and value:
            kind, number, field = block
            out.setdefault(kind, {}).setdefault(number, {})[field] = value
    return out


def _values_with_labels(block: dict[str, str]) -> list[tuple[str, str, bool]]:
    """(value, label, primary) for each ' ::: '-joined value of one numbered block."""
    return _labelled_values(block.get("value", ""), block.get("label", ""))


def _labelled_values(cell: str, label_cell: str) -> list[tuple[str, str, bool]]:
    """(value, label, primary) for each ' ::: '-joined value of one block's value cell."""
    label, primary = label_of(label_cell)
    if MULTI_SEPARATOR not in cell:  # the usual single value: what split_multi gives
        value = cell.strip()
        if not value:
            return []
        star = value.startswith("* ")
        return [(value.removeprefix("* "), label, star or primary)]
    values = split_multi(cell)
    out = []
    for i, value in enumerate(values):
        star = value.startswith("* ")
        out.append((value.removeprefix("* "), label, star or (primary and i == 0)))
    return out


def google_row(row: Row, pc: ParsedContact) -> None:
    """Google current, Google legacy (after renaming) and our own export."""
    d = pc.data
    g = row.get
    d.given_name = g("First Name", "") or g("Given Name", "")
    d.middle_name = g("Middle Name", "")
    d.family_name = g("Last Name", "") or g("Family Name", "")
    d.prefix = g("Name Prefix", "") or g("Prefix", "")
    d.suffix = g("Name Suffix", "") or g("Suffix", "")
    d.nickname = g("Nickname", "")
    d.pronouns = g("Pronouns", "")
    if not (d.given_name or d.family_name) and g("Name"):
        for key, value in split_full_name(g("Name", "")).items():
            setattr(d, key, value)
    pc.organization = g("Organization Name", "") or g("Organization", "")
    d.title = g("Organization Title", "") or g("Title", "")
    pc.department = g("Organization Department", "")
    pc.consortium = g("Consortium", "")
    pc.source_id = g("Coordinator ID", "")
    d.notes = g("Notes", "")
    d.private_notes = g("Private Notes", "")
    if g("Last Contacted"):
        _last_contacted(g("Last Contacted", ""), pc)
    if g("Do Not Contact"):
        _do_not_contact(g("Do Not Contact", ""), pc)
    _birthday(g("Birthday", ""), pc)
    d.tags = split_labels(g("Labels", "") or g("Tags", ""))
    if g("Website"):
        d.website = g("Website", "")
    blocks = _blocks(row)
    for block in _sorted(blocks.get("email", {})):
        for value, label, primary in _values_with_labels(block):
            d.emails.append(EmailData(value, label, primary))
    for block in _sorted(blocks.get("phone", {})):
        for value, label, primary in _values_with_labels(block):
            d.phones.append(PhoneData(value, label, primary))
    for block in _sorted(blocks.get("address", {})):
        _google_address(block, pc)
    websites = [v for b in _sorted(blocks.get("website", {})) for v, _, _ in _values_with_labels(b)]
    if websites and not d.website:
        d.website = websites.pop(0)
    for extra in websites:
        d.notes = (d.notes + "\n" if d.notes else "") + f"Website: {extra}"
    for kind in GOOGLE_KEPT:
        for block in _sorted(blocks.get(kind, {})):
            _google_kept(kind, block, pc)


# Google's numbered blocks no field holds, kept in the notes: a relation ("Spouse: Ana"),
# an event ("Anniversary: 2010-05-01"), an instant messaging address, a custom field.
GOOGLE_KEPT = ("relation", "event", "im", "custom field")


def _google_kept(kind: str, block: dict[str, str], pc: ParsedContact) -> None:
    label = block.get("label", "").strip().removeprefix("* ").strip()
    label = label[:1].upper() + label[1:]
    service = block.get("service", "").strip()
    for value in split_multi(block.get("value", "")):
        value = value.removeprefix("* ")
        if kind == "relation":
            line = f"{label or 'Related'}: {value}"
        elif kind == "event":
            line = f"{label or 'Date'}: {birthday_of(value) or value}"
        elif kind == "im":
            what = service or label
            line = f"IM ({what}): {value}" if what else f"IM: {value}"
        else:
            line = f"{label}: {value}" if label else f"Custom field: {value}"
        pc.data.notes = (pc.data.notes + "\n" if pc.data.notes else "") + line


def _sorted(blocks: dict[int, dict[str, str]]) -> list[dict[str, str]]:
    return [blocks[n] for n in sorted(blocks)]


Cells = list[str]
IndexedConverter = Callable[[Cells, ParsedContact], None]
# One kind of numbered block ("email"...): (number, ((field, column indexes), ...)), by number.
_BlockSpec = tuple[tuple[int, tuple[tuple[str, tuple[int, ...]], ...]], ...]


def _row_blocks(row: Cells, spec: _BlockSpec) -> list[dict[str, str]]:
    """`_sorted(_blocks(row).get(kind, {}))` for a row given as cells: the non-empty
    fields of each numbered block, in number order; a later column wins, as in a dict."""
    out = []
    for _, fields in spec:
        block = {}
        for field, columns in fields:
            for i in columns:
                value = row[i]
                if value:
                    block[field] = value
        if block:
            out.append(block)
    return out


_ADDRESS_FIELDS = ("label", "street", "extended address", "po box", "city", "region",
                   "postal code", "country", "formatted")


class _GooglePlan:
    """Where each field of `google_row` is in a row of these headers, worked out once.

    Rows are cell lists holding exactly one value per header followed by one "": every
    column the file does not have points at that last "". Only for headers without
    repeats (see `google_indexed`).
    """

    def __init__(self, headers: list[str]) -> None:
        width = self.width = len(headers)
        position = {h: i for i, h in enumerate(headers)}

        def at(name: str) -> int:
            return position.get(name, width)

        self.first, self.given, self.middle = at("First Name"), at("Given Name"), at("Middle Name")
        self.last, self.family = at("Last Name"), at("Family Name")
        self.name_prefix, self.prefix = at("Name Prefix"), at("Prefix")
        self.name_suffix, self.suffix = at("Name Suffix"), at("Suffix")
        self.nickname, self.pronouns, self.full = at("Nickname"), at("Pronouns"), at("Name")
        self.org_name, self.org = at("Organization Name"), at("Organization")
        self.org_title, self.title = at("Organization Title"), at("Title")
        self.department, self.consortium = at("Organization Department"), at("Consortium")
        self.source_id, self.notes = at("Coordinator ID"), at("Notes")
        self.private, self.do_not_contact = at("Private Notes"), at("Do Not Contact")
        self.contacted, self.birthday = at("Last Contacted"), at("Birthday")
        self.labels, self.tags, self.website = at("Labels"), at("Tags"), at("Website")
        kinds: dict[str, dict[int, dict[str, list[int]]]] = {}
        for i, header in enumerate(headers):
            block = _block_of(header)
            if block is not None:
                kind, number, field = block
                kinds.setdefault(kind, {}).setdefault(number, {}).setdefault(field, []).append(i)
        self._kinds = kinds
        self.emails, self.phones = self._spec("email"), self._spec("phone")
        self.addresses, self.websites = self._spec("address"), self._spec("website")
        self.kept = tuple((kind, self._spec(kind)) for kind in GOOGLE_KEPT if kind in kinds)
        self.email_pairs = self._columns("email", ("value", "label"))
        self.phone_pairs = self._columns("phone", ("value", "label"))
        self.address_columns = self._columns("address", _ADDRESS_FIELDS)

    def _spec(self, kind: str) -> _BlockSpec:
        numbers = self._kinds.get(kind, {})
        return tuple((n, tuple((f, tuple(cols)) for f, cols in numbers[n].items()))
                     for n in sorted(numbers))

    def _columns(self, kind: str, fields: tuple[str, ...]) -> tuple[tuple[int, ...], ...] | None:
        """The column of each of `fields` in each block of `kind`, by number; None when a
        block has two columns for one of them (then the dict-like `_row_blocks` decides
        which value wins)."""
        numbers = self._kinds.get(kind, {})
        out = []
        for n in sorted(numbers):
            columns = []
            for field in fields:
                found = numbers[n].get(field, [])
                if len(found) > 1:
                    return None
                columns.append(found[0] if found else self.width)
            out.append(tuple(columns))
        return tuple(out)


def _block_values(row: Cells, pairs: tuple[tuple[int, ...], ...] | None,
                  spec: _BlockSpec) -> list[tuple[str, str, bool]]:
    """(value, label, primary) of every value in the numbered blocks of one kind, by
    column position when each block has one value and one label column (`pairs`), else
    through the dict-like `_row_blocks`."""
    if pairs is not None:
        return [v for value_col, label_col in pairs if row[value_col]
                for v in _labelled_values(row[value_col], row[label_col])]
    return [v for block in _row_blocks(row, spec) for v in _values_with_labels(block)]


def google_indexed(headers: list[str]) -> IndexedConverter | None:
    """`google_row` without a dict per row: column positions are worked out once per file.

    The converter takes `cells` holding exactly one value per header followed by one ""
    (the value of every column the file does not have), already through `restore_cell`.
    None when two headers have the same name: a dict keeps the last of those only among
    the cells a short row has, which positions cannot express; use `google_row` then.
    """
    if len(set(headers)) != len(headers):
        return None
    plan = _GooglePlan(headers)
    first, given, middle = plan.first, plan.given, plan.middle
    last, family = plan.last, plan.family
    name_prefix, prefix, name_suffix, suffix = (plan.name_prefix, plan.prefix,
                                                plan.name_suffix, plan.suffix)
    nickname, pronouns, full = plan.nickname, plan.pronouns, plan.full
    org_name, org, org_title, title = plan.org_name, plan.org, plan.org_title, plan.title
    department, consortium = plan.department, plan.consortium
    source_id, notes, private = plan.source_id, plan.notes, plan.private
    contacted, birthday = plan.contacted, plan.birthday
    do_not_contact = plan.do_not_contact
    labels, tags, website = plan.labels, plan.tags, plan.website
    emails, phones, addresses, websites_ = (plan.emails, plan.phones, plan.addresses,
                                            plan.websites)
    email_pairs, phone_pairs = plan.email_pairs, plan.phone_pairs
    kept = plan.kept

    def convert(row: Cells, pc: ParsedContact) -> None:
        d = pc.data
        d.given_name = row[first] or row[given]
        d.middle_name = row[middle]
        d.family_name = row[last] or row[family]
        d.prefix = row[name_prefix] or row[prefix]
        d.suffix = row[name_suffix] or row[suffix]
        d.nickname = row[nickname]
        d.pronouns = row[pronouns]
        if not (d.given_name or d.family_name) and row[full]:
            for key, value in split_full_name(row[full]).items():
                setattr(d, key, value)
        pc.organization = row[org_name] or row[org]
        d.title = row[org_title] or row[title]
        pc.department = row[department]
        pc.consortium = row[consortium]
        pc.source_id = row[source_id]
        d.notes = row[notes]
        d.private_notes = row[private]
        if row[contacted]:
            _last_contacted(row[contacted], pc)
        if row[do_not_contact]:
            _do_not_contact(row[do_not_contact], pc)
        _birthday(row[birthday], pc)
        d.tags = split_labels_cached(row[labels] or row[tags])
        if row[website]:
            d.website = row[website]
        if emails:
            d.emails.extend(EmailData(*v) for v in _block_values(row, email_pairs, emails))
        if phones:
            d.phones.extend(PhoneData(*v) for v in _block_values(row, phone_pairs, phones))
        if addresses:
            for block in _row_blocks(row, addresses):
                _google_address(block, pc)
        if websites_:
            found = [v for b in _row_blocks(row, websites_) for v, _, _ in _values_with_labels(b)]
            if found and not d.website:
                d.website = found.pop(0)
            for extra in found:
                d.notes = (d.notes + "\n" if d.notes else "") + f"Website: {extra}"
        for kind, spec in kept:
            for block in _row_blocks(row, spec):
                _google_kept(kind, block, pc)

    return convert


FusedParser = Callable[[Cells, str, int], "ParsedContact | None"]


def google_fused(headers: list[str]) -> FusedParser | None:
    """`finish(google_row(row))` in one pass for the rows most files are made of.

    Returns a function of (cells as for `google_indexed`, where, line) giving the clean
    ParsedContact, or None when the row has anything unusual (a warning to give, a
    problem to report, a department, a web address, a full-name column to split, a
    value too long...): the caller then takes the general path for that row, so the
    result is always the general path's. None for headers `google_indexed` refuses or
    with repeated address columns. `tests/formats/test_fast_parse.py` compares both.
    """
    if len(set(headers)) != len(headers):
        return None
    plan = _GooglePlan(headers)
    if plan.email_pairs is None or plan.phone_pairs is None or plan.address_columns is None:
        return None
    first, given, middle = plan.first, plan.given, plan.middle
    last, family = plan.last, plan.family
    name_prefix, prefix, name_suffix, suffix = (plan.name_prefix, plan.prefix,
                                                plan.name_suffix, plan.suffix)
    nickname, pronouns = plan.nickname, plan.pronouns
    org_name, org, org_title, title = plan.org_name, plan.org, plan.org_title, plan.title
    department, consortium = plan.department, plan.consortium
    source_id, notes, private = plan.source_id, plan.notes, plan.private
    contacted, birthday = plan.contacted, plan.birthday
    do_not_contact = plan.do_not_contact
    labels, tags, website = plan.labels, plan.tags, plan.website
    websites = plan.websites
    # the columns of blocks kept in the notes: a row with any goes the general way
    kept = tuple(i for _, spec in plan.kept for _, fields in spec for _, cols in fields
                 for i in cols)
    email_pairs, phone_pairs, address_columns = (plan.email_pairs, plan.phone_pairs,
                                                 plan.address_columns)

    def parse(row: Cells, where: str, line: int) -> ParsedContact | None:
        # Anything that would add to the notes, warn or fail goes the general way.
        if row[department] or row[website] or row[contacted]:
            return None
        if websites and any(row[i] for _, fields in websites for _, cols in fields
                            for i in cols):
            return None
        if kept and any(row[i] for i in kept):
            return None
        v = row[first] or row[given]
        given_name = " ".join(v.split()) if v else ""
        v = row[last] or row[family]
        family_name = " ".join(v.split()) if v else ""
        if not (given_name or family_name):
            return None  # a full name to split, a nickname, a company or a problem
        v = row[middle]
        middle_name = " ".join(v.split()) if v else ""
        v = row[name_prefix] or row[prefix]
        prefix_ = " ".join(v.split()) if v else ""
        v = row[name_suffix] or row[suffix]
        suffix_ = " ".join(v.split()) if v else ""
        v = row[nickname]
        nickname_ = " ".join(v.split()) if v else ""
        v = row[pronouns]
        pronouns_ = " ".join(v.split()) if v else ""
        v = row[org_title] or row[title]
        title_ = " ".join(v.split()) if v else ""
        if names_too_long(prefix_, given_name, middle_name, family_name, suffix_, nickname_,
                          pronouns_, title_):
            return None
        birthday_ = birthday_of(row[birthday])
        if birthday_ is None:
            return None
        flagged = do_not_contact_of(row[do_not_contact])
        if flagged is None:  # unclear: the general path flags it and warns
            return None
        emails: list[EmailData] = []
        if email_pairs:
            seen: set[str] = set()
            for value_col, label_col in email_pairs:
                if not row[value_col]:
                    continue
                for value, label, primary in _labelled_values(row[value_col], row[label_col]):
                    raw = value.strip()
                    if not raw:
                        continue
                    if EXCHANGE_PATH.match(raw):
                        return None
                    address, problem = check_email(raw)
                    if problem:
                        return None
                    key = address.casefold()
                    if key in seen:
                        continue
                    seen.add(key)
                    emails.append(EmailData(address, label or "work", primary))
        phones: list[PhoneData] | None = []
        if phone_pairs:
            phones = clean_phones(_block_values(row, phone_pairs, ()))
            if phones is None:
                return None
        addresses: list[AddressData] = []
        for columns in address_columns:
            a = _address_of(*[row[i] for i in columns])
            if a is not None:
                a = clean_address(a)
                if a is not None:
                    addresses.append(a)
        v = row[labels] or row[tags]
        pc = ParsedContact(where, line, ContactData(
            given_name=given_name, family_name=family_name, prefix=prefix_,
            middle_name=middle_name, suffix=suffix_, nickname=nickname_, pronouns=pronouns_,
            title=title_, notes=note_lines(row[notes].strip()),
            private_notes=note_lines(row[private].strip()), birthday=birthday_,
            emails=emails, phones=phones, addresses=addresses,
            tags=clean_labels(v) if v else [], do_not_contact=flagged))
        v = row[org_name] or row[org]
        pc.organization = " ".join(v.split())
        pc.consortium = row[consortium]
        pc.source_id = row[source_id]
        return pc

    return parse


def _google_address(block: dict[str, str], pc: ParsedContact) -> None:
    address = _address_of(*(block.get(field, "") for field in _ADDRESS_FIELDS))
    if address is not None:
        pc.data.addresses.append(address)


def _address_of(label_cell: str, street: str, extended: str, po_box: str, city: str,
                region: str, postal: str, country: str, formatted: str) -> AddressData | None:
    """One Google address block (the cells of `_ADDRESS_FIELDS`); None when empty."""
    label, _ = label_of(label_cell)
    street_lines = [street, extended]
    if po_box:
        street_lines.append(f"PO Box {po_box}")
    street = "\n".join(s for s in street_lines if s.strip())
    if not (street or city or region or postal or country):
        street = formatted
    if street or city or region or postal or country:
        return AddressData(label, street, city, region, postal, country)
    return None


def _birthday(text: str, pc: ParsedContact) -> None:
    value = birthday_of(text)
    if value is None:
        pc.warnings.append(f"Birthday {text!r} is not a date; kept in the notes.")
        pc.data.notes = (pc.data.notes + "\n" if pc.data.notes else "") + f"Birthday: {text}"
    else:
        pc.data.birthday = value


def _do_not_contact(text: str, pc: ParsedContact) -> None:
    flag = do_not_contact_of(text)
    if flag is None:
        pc.warnings.append(f"Do not contact {text!r} is neither yes nor no; the contact is "
                           "marked do-not-contact, to be safe.")
    pc.data.do_not_contact = flag is not False


def _last_contacted(text: str, pc: ParsedContact) -> None:
    from datetime import date

    try:
        pc.data.last_contacted_on = date.fromisoformat(text.strip())
    except ValueError:
        pc.warnings.append(f"Last contacted {text!r} is not a date and was left out.")


# Outlook desktop and Outlook.com share column names (in a different order).
OUTLOOK_PHONES = (
    ("Business Phone", "work"), ("Business Phone 2", "work"), ("Mobile Phone", "mobile"),
    ("Home Phone", "home"), ("Home Phone 2", "home"), ("Primary Phone", "main"),
    ("Company Main Phone", "main"), ("Other Phone", "other"), ("Business Fax", "work fax"),
    ("Home Fax", "home fax"), ("Other Fax", "fax"), ("Pager", "pager"), ("Car Phone", "car"),
    ("Assistant's Phone", "assistant"), ("Callback", "other"), ("Radio Phone", "other"),
    ("ISDN", "other"), ("Telex", "other"), ("TTY/TDD Phone", "other"),
)
OUTLOOK_ADDRESSES = (("Business", "work"), ("Home", "home"), ("Other", "other"))
OUTLOOK_EMAILS = ("E-mail", "E-mail 2", "E-mail 3")
_NOTE_BIRTHDAY = re.compile(r"(?m)^Birthday: (--\d\d-\d\d)\r?$\n?")
_DISPLAY_ADDRESS = re.compile(r"\s*[(<][^()<>]*@[^()<>]*[)>]\s*$")
_NOTE_NICKNAME = re.compile(r"(?m)^Nickname: (.+?)\r?$\n?")
# Outlook columns about the person that no field holds: kept in the notes, each line
# named as here. (Columns Outlook fills with defaults, such as Priority, Sensitivity,
# Gender and Initials, and the identity numbers are not.)
OUTLOOK_KEPT = (
    ("Anniversary", "Anniversary"), ("Spouse", "Spouse"), ("Children", "Children"),
    ("Manager's Name", "Manager"), ("Assistant's Name", "Assistant"),
    ("Office Location", "Office"), ("Profession", "Profession"), ("Hobby", "Hobby"),
    ("Referred By", "Referred by"), ("IMAddress", "IM"), ("Schools", "Schools"),
    ("Keywords", "Keywords"), ("Location", "Location"), ("Account", "Account"),
    ("User 1", "User 1"), ("User 2", "User 2"), ("User 3", "User 3"), ("User 4", "User 4"),
)


def outlook_row(row: Row, pc: ParsedContact) -> None:
    d = pc.data
    g = row.get
    d.prefix = g("Title", "")
    d.given_name, d.middle_name = g("First Name", ""), g("Middle Name", "")
    d.family_name, d.suffix = g("Last Name", ""), g("Suffix", "")
    d.nickname = g("Nickname", "")
    if not (d.given_name.strip() or d.family_name.strip()):
        # 'Anna Müller (anna@example.org)': the name Outlook shows for the address
        shown = _DISPLAY_ADDRESS.sub("", g("E-mail Display Name", "")).strip()
        if shown and "@" not in shown:
            for key, value in split_full_name(shown).items():
                setattr(d, key, value)
    pc.organization, d.title = g("Company", ""), g("Job Title", "")
    pc.department = g("Department", "")
    d.notes = g("Notes", "")
    d.website = g("Web Page", "") or g("Personal Web Page", "")
    _birthday(g("Birthday", ""), pc)
    no_year = _NOTE_BIRTHDAY.search(d.notes)  # our Outlook export keeps it in the notes
    if no_year and not d.birthday:
        d.birthday = no_year.group(1)
        d.notes = (d.notes[: no_year.start()] + d.notes[no_year.end():]).strip()
    nickname = _NOTE_NICKNAME.search(d.notes) if "Nickname: " in d.notes else None
    if nickname and not d.nickname:  # as the birthday: Outlook has no nickname column
        d.nickname = nickname.group(1)
        d.notes = (d.notes[: nickname.start()] + d.notes[nickname.end():]).strip()
    categories = g("Categories", "")
    d.tags = split_labels(categories, ";") if ";" in categories else split_labels(categories, ",")
    exchange = []
    for prefix in OUTLOOK_EMAILS:
        address = g(f"{prefix} Address", "").strip()
        kind = g(f"{prefix} Type", "").strip().upper()
        if address and (kind == "EX" or EXCHANGE_PATH.match(address)):
            found = email_from_text(g(f"{prefix} Display Name", ""))
            exchange.append(found)
            if found:
                d.emails.append(EmailData(found, "work", not d.emails))
            continue
        if address:
            d.emails.append(EmailData(address, "work", not d.emails))
    if exchange:
        if d.emails:
            pc.warnings.append("An Exchange directory address (type EX) was replaced by the "
                               "row's other email address.")
        else:
            pc.warnings.append("Only an Exchange directory address (type EX), which is not an "
                               "email address: imported without email.")
    for column, label in OUTLOOK_PHONES:
        if g(column, "").strip():
            d.phones.append(PhoneData(g(column, ""), label, column == "Primary Phone"))
    for prefix, label in OUTLOOK_ADDRESSES:
        street = "\n".join(
            s for s in (g(f"{prefix} Street", ""), g(f"{prefix} Street 2", ""),
                        g(f"{prefix} Street 3", "")) if s.strip())
        po_box = g(f"{prefix} Address PO Box", "")
        if po_box.strip():
            street = (street + "\n" if street else "") + f"PO Box {po_box}"
        parts = (street, g(f"{prefix} City", ""), g(f"{prefix} State", ""),
                 g(f"{prefix} Postal Code", ""),
                 g(f"{prefix} Country/Region", "") or g(f"{prefix} Country", ""))
        if not any(p.strip() for p in parts):  # Google's Outlook CSV: one formatted cell
            parts = (g(f"{prefix} Address", ""), "", "", "", "")
        if any(p.strip() for p in parts):
            d.addresses.append(AddressData(label, *parts))
    for column, what in OUTLOOK_KEPT:
        value = g(column, "").strip()
        if value and column == "Anniversary":
            value = "" if birthday_of(value) == "" else (birthday_of(value) or value)
        if value:  # (Outlook writes 0/0/00 for no anniversary)
            d.notes = (d.notes + "\n" if d.notes else "") + f"{what}: {value}"


_THUNDERBIRD_PHONES = (("Work Phone", "work"), ("Home Phone", "home"), ("Mobile Number", "mobile"),
                       ("Fax Number", "fax"), ("Pager Number", "pager"))


def thunderbird_row(row: Row, pc: ParsedContact) -> None:
    """Thunderbird's CSV export (headers as `THUNDERBIRD_COLUMNS`)."""
    d = pc.data
    g = row.get
    d.given_name, d.family_name = g("First Name", ""), g("Last Name", "")
    if not (d.given_name.strip() or d.family_name.strip()) and g("Display Name", "").strip():
        for key, value in split_full_name(g("Display Name", "")).items():
            setattr(d, key, value)
    d.nickname = g("Nickname", "")
    pc.organization, d.title = g("Organization", ""), g("Job Title", "")
    pc.department = g("Department", "")
    d.notes = g("Notes", "")
    for column in ("Primary Email", "Secondary Email"):
        if g(column, "").strip():
            d.emails.append(EmailData(g(column, ""), "work" if column[0] == "P" else "home",
                                      column[0] == "P"))
    for column, label in _THUNDERBIRD_PHONES:
        if g(column, "").strip():
            d.phones.append(PhoneData(g(column, ""), label, False))
    for prefix, label in (("Work", "work"), ("Home", "home")):
        street = "\n".join(s for s in (g(f"{prefix} Address", ""), g(f"{prefix} Address 2", ""))
                           if s.strip())
        parts = (street, g(f"{prefix} City", ""), g(f"{prefix} State", ""),
                 g(f"{prefix} ZipCode", ""), g(f"{prefix} Country", ""))
        if any(p.strip() for p in parts):
            d.addresses.append(AddressData(label, *parts))
    sites = [g(c, "").strip() for c in ("Web Page 1", "Web Page 2") if g(c, "").strip()]
    if sites:
        d.website = sites[0]
        for extra in sites[1:]:
            d.notes = (d.notes + "\n" if d.notes else "") + f"Website: {extra}"
    year, month, day = (g(c, "").strip() for c in ("Birth Year", "Birth Month", "Birth Day"))
    if month or day:
        text = f"{year}-{month.zfill(2)}-{day.zfill(2)}" if year else (
            f"--{month.zfill(2)}-{day.zfill(2)}")
        _birthday(text, pc)
    for column in ("Screen Name", "Custom 1", "Custom 2", "Custom 3", "Custom 4"):
        if g(column, "").strip():
            d.notes = (d.notes + "\n" if d.notes else "") + f"{column}: {g(column, '')}"


def mapped_row(mapping: dict[str, str]) -> Converter:
    """A converter for a generic CSV: `mapping` is column header -> field spec."""

    def convert(row: Row, pc: ParsedContact) -> None:
        d = pc.data
        addresses: dict[str, dict[str, str]] = {}  # label -> parts, in column order
        full_name = ""
        for column, spec in mapping.items():
            value = row.get(column, "")
            if not value.strip() or spec in ("", "ignore"):
                continue
            field, _, label = spec.partition(":")
            if field == "full_name":
                full_name = full_name or value
            elif field == "email":
                for part in re.split(r"[;,]\s*|\s+", value.strip()):
                    if part:
                        d.emails.append(EmailData(part, label or "work", not d.emails))
            elif field == "phone":
                for part in split_multi(value):
                    d.phones.append(PhoneData(part, label or "work", not d.phones))
            elif field in ("street", "city", "region", "postal_code", "country"):
                parts = addresses.setdefault(label or "work", {})
                if field == "street" and parts.get("street"):  # "Address Line 2"
                    value = parts["street"] + "\n" + value
                parts[field] = value
            elif field == "tags":
                sep = ";" if ";" in value else ","
                if '"' in value:  # quoted tags (Mailchimp): "Smart cities","Water, energy"
                    quoted = next(csv.reader([value], delimiter=sep, skipinitialspace=True))
                    d.tags.extend(t for part in quoted for t in split_labels(part, "\n"))
                else:
                    d.tags.extend(split_labels(value, sep))
            elif field == "birthday":
                _birthday(value, pc)
            elif field == "do_not_contact":
                _do_not_contact(value, pc)
            elif field == "organization":
                pc.organization = _LINKED_PAGE.sub("", value) if "://" in value else value
            elif field == "department":
                pc.department = value
            elif field == "consortium":
                pc.consortium = value
            elif field == "notes":
                d.notes = (d.notes + "\n" if d.notes else "") + value
            elif hasattr(d, field):
                setattr(d, field, value)
        if full_name and not (d.given_name.strip() or d.family_name.strip()):
            # Only a row without first and last name columns takes its name from the
            # full name: split, it would add "of" as the middle name of "City of X".
            for key, part in split_full_name(full_name).items():
                if not getattr(d, key):
                    setattr(d, key, part)
        for label, parts in addresses.items():
            d.addresses.append(AddressData(label, **one_cell_address(parts)))

    return convert


# Notion writes a relation to another page as "City of Plano (https://www.notion.so/
# City-of-Plano-1a2b...)": the page's link is not part of the organization's name.
_LINKED_PAGE = re.compile(r"\s*\(https?://[^\s()]+\)")


def one_cell_address(parts: dict[str, str]) -> dict[str, str]:
    """An address given as one cell, its parts separated by two spaces (Mailchimp:
    street, second line, city, state, postal code, country, some of them empty), as
    its parts; any other address as it is. Only when the file gives no city, postal
    code or country of its own (a region may come from elsewhere and is replaced)."""
    street = parts.get("street", "")
    if "  " not in street or any(parts.get(k) for k in ("city", "postal_code", "country")):
        return parts
    pieces = [p.strip() for p in street.strip("\r\n").split("  ")]
    if len(pieces) != 6 or not any(pieces[2:]):
        return parts
    line1, line2, city, region, postal_code, country = pieces
    return {"street": "\n".join(p for p in (line1, line2) if p), "city": city,
            "region": region or parts.get("region", ""), "postal_code": postal_code,
            "country": country}


CONVERTERS: dict[str, Converter] = {
    "coordinator": google_row,
    "google": google_row,
    "google-legacy": google_row,
    "outlook": outlook_row,
    "outlook.com": outlook_row,
    "thunderbird": thunderbird_row,
}


def rename_legacy(headers: list[str]) -> list[str]:
    return [_LEGACY_RENAMES.get(h, h) for h in headers]

