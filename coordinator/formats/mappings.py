"""Column mappings for CSV files we do not recognise: guessed from header names,
shown to the user for correction, and saved by name as JSON in the config folder.

A mapping is `{column header: field spec}`; a spec is a field name from `FIELDS`,
optionally with a label (`email:home`, `phone:mobile`, and for the parts of a second
address `street:home`, `city:other`...), or `ignore`. Several columns may fill an email,
a phone, the notes or the tags; several street columns of one address are its lines.
The guess reads the header's words (in English, German, French and Spanish, camel-case
API names too), then checks the first rows' values: a column of phone numbers or emails
no name fits is claimed, and one named like an email or phone in part but holding none
is left out (and named, as every column left out is).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from coordinator import paths
from coordinator.errors import CoordinatorError
from coordinator.files import write_private_atomic
from coordinator.models import fold

FIELDS = {
    "full_name": "Full name", "given_name": "First name", "middle_name": "Middle name",
    "family_name": "Last name", "prefix": "Prefix", "suffix": "Suffix",
    "nickname": "Nickname", "pronouns": "Pronouns", "title": "Title / role",
    "organization": "Organization", "department": "Department", "consortium": "Consortium",
    "email": "E-mail", "phone": "Phone", "street": "Street", "city": "City",
    "region": "State / region", "postal_code": "Postal code", "country": "Country",
    "website": "Website", "notes": "Notes", "tags": "Tags", "birthday": "Birthday",
    "do_not_contact": "Do not contact", "ignore": "(ignore)",
}
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "full_name": ("name", "full name", "contact", "contact name", "display name", "person"),
    "given_name": ("first", "first name", "firstname", "given", "given name", "forename",
                   "fname"),
    "middle_name": ("middle", "middle name", "middle initial", "mi"),
    "family_name": ("last", "last name", "lastname", "surname", "family name", "lname"),
    "prefix": ("prefix", "salutation", "honorific", "name prefix"),
    "suffix": ("suffix", "name suffix"),
    "nickname": ("nickname", "preferred name", "goes by"),
    "pronouns": ("pronouns",),
    "title": ("title", "job title", "role", "position", "job", "job role", "designation"),
    "organization": ("organization", "organisation", "org", "company", "employer", "agency",
                     "institution", "city / org", "affiliation", "member organization",
                     "organization name", "company name", "municipality", "account",
                     "account name"),
    "department": ("department", "dept", "division", "office"),
    "consortium": ("consortium", "region consortium", "alliance"),
    "email": ("email", "e mail", "mail", "email address", "e mail address", "work email",
              "home email", "personal email", "primary email"),
    "phone": ("phone", "telephone", "tel", "mobile", "cell", "work phone", "office phone",
              "phone number", "mobile phone", "cell phone", "home phone", "direct line",
              "fax", "fax number"),
    # (a column of the person's web address, not a postal one)
    "website": ("website", "web", "url", "web page", "homepage", "site", "web address"),
    "street": ("street", "address", "street address", "address 1", "mailing address"),
    "city": ("city", "town"),
    "region": ("state", "province", "region", "st"),
    "postal_code": ("zip", "zip code", "zipcode", "postal code", "postcode", "post code"),
    "country": ("country", "country region"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "description"),
    "tags": ("tags", "tag", "labels", "label", "categories", "category", "groups", "group",
             "keywords"),
    "birthday": ("birthday", "date of birth", "dob", "birth date", "birthdate"),
    "do_not_contact": ("do not contact", "do not email", "do not mail", "no email",
                       "opt out", "opted out", "email opt out", "unsubscribed"),
}
# German, French and Spanish column names (accents folded, punctuation as spaces).
_SYNONYMS_ELSEWHERE: dict[str, tuple[str, ...]] = {
    "full_name": ("anzeigename", "nom complet", "nom affiche", "nombre completo"),
    "given_name": ("vorname", "prenom", "nombre"),
    "middle_name": ("weitere vornamen", "deuxieme prenom", "segundo nombre"),
    "family_name": ("nachname", "nom", "nom de famille", "apellidos", "apellido"),
    "prefix": ("anrede", "civilite", "tratamiento"),
    "nickname": ("spitzname", "surnom", "alias", "sobrenombre"),
    "title": ("position", "arbeitstitel", "funktion", "fonction", "titre", "poste", "puesto",
              "cargo"),
    "organization": ("firma", "unternehmen", "organisation", "societe", "entreprise",
                     "compania", "empresa", "organizacion"),
    "department": ("abteilung", "service", "departamento"),
    "email": ("e mail adresse", "primare e mail adresse", "adresse de messagerie",
              "adresse e mail", "courriel", "correo electronico", "correo"),
    "phone": ("telefon", "telefon geschaftlich", "mobiltelefon", "telephone",
              "telephone bureau", "telephone mobile", "telefono", "movil", "mobil", "handy",
              "portable"),
    "street": ("strasse", "adresse", "rue", "direccion", "calle"),
    "city": ("ort", "stadt", "ville", "ciudad", "localidad"),
    "region": ("bundesland", "region", "provincia", "estado"),
    "postal_code": ("plz", "postleitzahl", "code postal", "codigo postal"),
    "country": ("land", "pays", "pais"),
    "website": ("webseite", "site web", "sitio web", "pagina web"),
    "notes": ("notizen", "bemerkungen", "remarques", "notas"),
    "tags": ("kategorien", "categories", "categorias", "gruppen"),
    "birthday": ("geburtstag", "anniversaire", "date de naissance", "cumpleanos",
                 "fecha de nacimiento"),
}
_LOOKUP = {syn: field for field, syns in _SYNONYMS.items() for syn in syns}
for _field, _syns in _SYNONYMS_ELSEWHERE.items():
    for _syn in _syns:
        _LOOKUP.setdefault(_syn, _field)
# A column about someone else or about a value's kind is not the person's own field,
# even when its name holds 'name' or 'e-mail': "Manager's Name", "E-Mail-Typ".
# So is a CRM's owner of the record ("Contact owner") and a computer's IP address.
_NOT_THE_PERSON = {"manager", "managers", "assistant", "assistants", "assistent", "asst",
                   "spouse", "partner", "children", "kinder", "referred", "vorgesetzten",
                   "type", "typ", "label", "display", "angezeigter", "yomi", "phonetic",
                   "kind", "owner", "ip", "domain"}
# Words that name a field only as a column's whole name: "Contact" is the person's
# name, "Contact owner" or "Marketing contact status" is something about the record.
_WHOLE_NAME_ONLY = {"contact", "person"}
_ASSISTANT = {"assistant", "assistants", "assistent", "asst"}
# Fields that several columns may fill (each value kept) and the parts of an address,
# which a file may hold more than once under different labels (work, home, other).
_REPEATABLE = ("email", "phone", "notes", "tags")
ADDRESS_FIELDS = ("street", "city", "region", "postal_code", "country")


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")  # "MailingStreet", "firstName": API names


def _key(header: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(_CAMEL.sub(" ", header))).split())


def _partial(key: str) -> str | None:
    """The field a header names in part ('Work E-mail (primary)' -> email), or None."""
    words = key.split()
    if _NOT_THE_PERSON & set(words):
        return None
    if "id" in words and not {"email", "mail"} & set(words):
        return None  # "Account ID", "Owner Id": a record's id ("Email ID" is an address)
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            part = " ".join(words[i : i + size])
            field = _LOOKUP.get(part)
            if field and part not in _WHOLE_NAME_ONLY:
                return field
    return None


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """A field spec for every header (`ignore` when nothing fits). Headers that are
    exactly a field's name claim it first; a header that only holds one in part gets
    what is left (so 'Name des/r Vorgesetzten' never takes the name from 'Vorname').
    An address part is taken once per label: "Mailing Street" and "Other Street" are
    two addresses' streets (`street`, `street:other`)."""
    mapping: dict[str, str] = {}
    exact = {h: _LOOKUP.get(_key(h)) for h in headers}
    taken = {_spec(f, _key(h)) for h, f in exact.items() if f and f not in _REPEATABLE}
    for header in headers:
        key = _key(header)
        field = exact[header]
        if field is None:
            if _ASSISTANT & set(key.split()) and _partial(_without(key, _ASSISTANT)) == "phone":
                mapping[header] = "phone:assistant"  # "Assistant's Phone", "Asst Phone"
                continue
            field = _partial(key)
            spec = _spec(field, key) if field else None
            if spec in taken and field not in _REPEATABLE:
                spec = None
        else:
            spec = _spec(field, key)
            if field not in _REPEATABLE and spec in mapping.values():
                spec = None  # the second column with this exact name
        if spec is None and field == "street" and _STREET_LINE.search(key):
            spec = _spec(field, key)  # "Address Line 2", "Street 2": the next line
        mapping[header] = spec or "ignore"
        if spec:
            taken.add(spec)
    return mapping


# A street column that continues another: "Address 2", "Address Line 2", "Street 3".
_STREET_LINE = re.compile(r"\b(?:line )?[23]\b|\bline\b")


def _without(key: str, words: set[str]) -> str:
    return " ".join(w for w in key.split() if w not in words)


# Words of a column's name that say a value's label, in English, German, French and
# Spanish ("E-Mail (privat)", "Téléphone (domicile)", "Mobil").
_LABEL_WORDS = {
    "home": "home", "personal": "home", "private": "home", "privat": "home",
    "domicile": "home", "personnel": "home", "casa": "home", "particular": "home",
    "mobile": "mobile", "cell": "mobile", "mobil": "mobile", "handy": "mobile",
    "portable": "mobile", "movil": "mobile", "fax": "fax", "other": "other",
    "work": "work", "business": "work", "office": "work", "dienstlich": "work",
    "geschaftlich": "work", "bureau": "work", "trabajo": "work",
}
_ADDRESS_LABEL_WORDS = {
    "home": "home", "personal": "home", "private": "home", "privat": "home",
    "domicile": "home", "casa": "home", "particular": "home", "other": "other",
    "weitere": "other", "weiterer": "other", "weiteres": "other", "autre": "other",
    "otra": "other", "otro": "other",
}


def _spec(field: str, key: str) -> str:
    if field in ("email", "phone"):
        return _labelled(field, key)
    if field in ADDRESS_FIELDS:
        label = next((_ADDRESS_LABEL_WORDS[w] for w in key.split()
                      if w in _ADDRESS_LABEL_WORDS), "")
        return f"{field}:{label}" if label else field
    return field


def _labelled(field: str, key: str) -> str:
    """An email or phone field spec with the label its column's name gives ("Home
    Phone" -> phone:home, "E-Mail (privat)" -> email:home); work is the default label,
    left unsaid. A fax number is a phone's label, never an email's."""
    labels = [_LABEL_WORDS[w] for w in key.split() if w in _LABEL_WORDS]
    if field == "email":
        labels = [lb for lb in labels if lb in ("home", "work", "other")]
    label = next((lb for lb in ("fax", "mobile") if lb in labels), labels[0] if labels else "")
    return f"{field}:{label}" if label and label != "work" else field


def _claim_by_values(mapping: dict[str, str], headers: list[str],
                     rows: list[list[str]]) -> dict[str, str]:
    """Named columns that no field's name fits, claimed by what they hold: a column of
    phone numbers, emails or web addresses (the notes when the website is taken). Yahoo's
    export names its phone columns just "Home", "Work", "Mobile", "Fax" and "Other"."""
    for i, header in enumerate(headers):
        if mapping.get(header) != "ignore":
            continue
        values = [r[i] for r in rows[:SAMPLE_ROWS] if i < len(r) and r[i].strip()]
        kinds = {value_kind(v) for v in values}
        if len(kinds) != 1 or None in kinds:
            continue
        kind = kinds.pop()
        if kind == "phone" and not any(_PHONE_PUNCTUATION.search(v.strip()) for v in values):
            continue  # bare digits under a name that is no field's: ids, counts
        if kind in ("email", "phone"):
            mapping[header] = _labelled(kind, _key(header))  # type: ignore[arg-type]
        elif kind == "website":  # a second web address goes to the notes, as above
            mapping[header] = "notes" if "website" in mapping.values() else "website"
    return mapping


def validate_mapping(mapping: dict[str, str]) -> None:
    bad = [spec for spec in mapping.values() if spec.partition(":")[0] not in FIELDS]
    if bad:
        raise CoordinatorError(f"Unknown field(s) in the column mapping: {', '.join(bad)}.")
    used = {spec.partition(":")[0] for spec in mapping.values()}
    if not used & {"full_name", "given_name", "family_name", "organization"}:
        raise CoordinatorError("The column mapping needs a name or organization column.")


def mappings_dir() -> Path:
    return paths.config_dir() / "csv-mappings"


def _file(name: str) -> Path:
    safe = re.sub(r"[^\w.-]+", "_", name.strip()).strip("._")
    if not safe:
        raise CoordinatorError("Give the mapping a name.")
    return mappings_dir() / f"{safe}.json"


def save_mapping(name: str, mapping: dict[str, str]) -> Path:
    """Save (or replace) a named mapping; written to a temp file and renamed."""
    validate_mapping(mapping)
    if any(value_kind(column) for column in mapping):  # never a person's data on disk
        raise CoordinatorError("The column names look like a person's data (an email "
                               "address, a phone number); the mapping was not saved.")
    target = _file(name)
    paths.ensure_private_dir(target.parent)
    payload = json.dumps({"name": name.strip(), "columns": mapping}, indent=2,
                         ensure_ascii=False)
    write_private_atomic(target, payload.encode("utf-8"))
    return target


def load_mapping(name: str) -> dict[str, str]:
    target = _file(name)
    if not target.exists():
        known = ", ".join(list_mappings()) or "none saved yet"
        raise CoordinatorError(f"No saved column mapping named {name!r} ({known}).")
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
        mapping = {str(k): str(v) for k, v in data["columns"].items()}
    except (ValueError, KeyError, AttributeError) as exc:
        raise CoordinatorError(f"The saved mapping {name!r} is damaged: {exc}") from None
    validate_mapping(mapping)
    return mapping


def list_mappings() -> list[str]:
    folder = mappings_dir()
    if not folder.is_dir():
        return []
    names = []
    for file in sorted(folder.glob("*.json")):
        try:
            names.append(json.loads(file.read_text(encoding="utf-8"))["name"])
        except (ValueError, KeyError, TypeError):
            continue
    return names


def delete_mapping(name: str) -> None:
    _file(name).unlink(missing_ok=True)


def saved_mapping_for(headers: list[str]) -> dict[str, str] | None:
    """A saved mapping whose columns are exactly these headers (used automatically)."""
    wanted = set(headers)
    for name in list_mappings():
        try:
            mapping = load_mapping(name)
        except CoordinatorError:
            continue
        if set(mapping) == wanted:
            return mapping
    return None


# -- files without a header row --------------------------------------------------------
# A header row names columns; it never holds an email address, a phone number or a web
# address. When the first row does, the file has no header: its columns are called
# "Column 1", "Column 2"... (so a saved mapping holds positions, never a person's data),
# the first row is imported like the others, and the mapping is guessed from the values.
_EMAIL_VALUE = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
_PHONE_VALUE = re.compile(r"^\+?[\d\s().\-/]+$")
_WEB_VALUE = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)
_COLUMN_LABEL = re.compile(r"^Column \d+$")
SAMPLE_ROWS = 20  # rows looked at to guess what a column without a name holds


def column_label(index: int) -> str:
    """The name given to column `index` (0-based) of a file without a header row."""
    return f"Column {index + 1}"


# Numbers that look like phone numbers to `_PHONE_VALUE` but never are one: an IP
# address (203.0.113.7) and a decimal such as a longitude (-104.9903).
_NOT_A_PHONE = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){3}|[+-]?\d+\.\d+)$")
# What a phone number written for people holds besides digits: a record id or a
# counter (51234567801) has none of it.
_PHONE_PUNCTUATION = re.compile(r"[\s()+./-]")


def value_kind(cell: str) -> str | None:
    """'email', 'phone' or 'website' when `cell` is plainly such a value, else None."""
    text = cell.strip()
    if _EMAIL_VALUE.match(text):
        return "email"
    if _WEB_VALUE.match(text):
        return "website"
    if (_PHONE_VALUE.match(text) and sum(ch.isdigit() for ch in text) >= 7
            and not _NOT_A_PHONE.match(text)):
        return "phone"
    return None


def looks_like_data(cells: list[str]) -> bool:
    """True when a CSV's first row holds a person's data rather than column names."""
    return any(value_kind(c) for c in cells)


def is_headerless(headers: list[str]) -> bool:
    """True for the column names given to a file without a header row."""
    return bool(headers) and all(_COLUMN_LABEL.match(h) for h in headers)


def guess_from_values(headers: list[str], rows: list[list[str]]) -> dict[str, str]:
    """A mapping for a file without a header row, from what its first rows hold.

    Email, phone and web address columns are recognised by their values; the first
    column of other text is the name (a full name when its values hold a space, else
    first and last name from the first two such columns), and any further text column
    goes to the notes, so nothing is dropped unseen.
    """
    kinds: list[str | None] = []
    spaced: list[bool] = []
    for i in range(len(headers)):
        values = [r[i] for r in rows[:SAMPLE_ROWS] if i < len(r) and r[i].strip()]
        found = {value_kind(v) for v in values}
        kinds.append(found.pop() if len(found) == 1 and None not in found else
                     (None if values else "ignore"))
        spaced.append(bool(values) and sum(" " in v.strip() for v in values) * 2 >= len(values))
    mapping: dict[str, str] = {}
    text_columns = [i for i, kind in enumerate(kinds) if kind is None]
    names: dict[int, str] = {}
    if text_columns:
        first = text_columns[0]
        if spaced[first] or len(text_columns) == 1:
            names[first] = "full_name"
        else:
            names[first], names[text_columns[1]] = "given_name", "family_name"
    website_taken = False
    for i, header in enumerate(headers):
        kind = kinds[i]
        if kind is None:
            mapping[header] = names.get(i, "notes")
        elif kind == "website":
            mapping[header] = "notes" if website_taken else "website"
            website_taken = True
        else:
            mapping[header] = kind  # email, phone (several allowed) or ignore
    return mapping


def guess_for(headers: list[str], rows: list[list[str]]) -> dict[str, str]:
    """A saved mapping for exactly these columns, else a guess: from the values for a
    file without a header row, from the header names otherwise (and, for a column no
    name fits, from its values)."""
    saved = saved_mapping_for(headers)
    if saved:
        return saved
    if is_headerless(headers):
        return guess_from_values(headers, rows)
    mapping = _claim_by_values(guess_mapping(headers), headers, rows)
    return _without_tracking(_unclaim_by_values(mapping, headers, rows))


_SEVERAL = re.compile(r"\s*[;,]\s*| ::: ")


def _unclaim_by_values(mapping: dict[str, str], headers: list[str],
                       rows: list[list[str]]) -> dict[str, str]:
    """A column whose name holds an email's or phone's name only in part, but none of
    whose values is one, is about something else: HubSpot's "Email Domain" and "Last
    marketing email name" held no address (each value was warned about and put in the
    notes)."""
    for i, header in enumerate(headers):
        field = mapping.get(header, "").partition(":")[0]
        if field not in ("email", "phone") or _LOOKUP.get(_key(header)):
            continue
        values = [r[i] for r in rows[:SAMPLE_ROWS] if i < len(r) and r[i].strip()]
        parts = [p for v in values for p in _SEVERAL.split(v)]  # "a@x.org;b@y.org"
        if values and not any(value_kind(p) == field for p in parts):
            mapping[header] = "ignore"
    return mapping


# Mailchimp's audience export ends with columns it fills itself, among them CC and
# REGION: where the subscriber's computer was when they signed up (from its IP
# address), not their postal address. Known by Mailchimp's id columns.
_MAILCHIMP_SIGNATURE = {"MEMBER_RATING", "LEID", "EUID"}
_MAILCHIMP_TRACKING = {"CC", "REGION", "LATITUDE", "LONGITUDE", "TIMEZONE"}


def _without_tracking(mapping: dict[str, str]) -> dict[str, str]:
    if {h.strip() for h in mapping} >= _MAILCHIMP_SIGNATURE:
        for header in mapping:
            if header.strip() in _MAILCHIMP_TRACKING:
                mapping[header] = "ignore"
    return mapping
