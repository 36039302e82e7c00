"""Applicants: find-or-create by blind index, and the audited path to a clear personal number."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases import policy
from tongban.cases.models import Applicant, ApplicantKind
from tongban.core import pii
from tongban.core.errors import InvalidInput
from tongban.core.services import audit_record
from tongban.core.validation import validate_credit_code, validate_id_number, validate_phone

ID_CONTEXT = "applicant.id_number"
PHONE_CONTEXT = "applicant.phone"


@dataclass
class ApplicantInput:
    kind: str
    name: str
    id_number: str = ""
    phone: str = ""
    credit_code: str = ""
    legal_representative: str = ""


def clean_applicant(data: ApplicantInput) -> ApplicantInput:
    """Validate and normalise; every error names its field."""
    if data.kind not in ApplicantKind.values:
        raise InvalidInput(_("The applicant type must be person or entity."), field="applicant.kind")
    name = (data.name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(_("The applicant's name is required (at most 100 characters)."), field="applicant.name")
    id_number = validate_id_number(data.id_number) if data.id_number or data.kind == ApplicantKind.PERSON else ""
    phone = validate_phone(data.phone) if data.phone else ""
    credit_code = ""
    if data.kind == ApplicantKind.ENTITY:
        credit_code = validate_credit_code(data.credit_code)
        if not (data.legal_representative or "").strip():
            raise InvalidInput(_("An entity applicant needs its legal representative."),
                               field="applicant.legal_representative")
    return ApplicantInput(kind=data.kind, name=name, id_number=id_number, phone=phone,
                          credit_code=credit_code, legal_representative=(data.legal_representative or "").strip())


def id_index(id_number: str) -> str:
    return pii.blind_index(id_number, kind="id_number")


@dataclass(frozen=True)
class PreparedApplicant:
    """A cleaned applicant with its personal numbers already encrypted and indexed."""

    lookup: dict
    fields: dict


def applicant_prepare(data: ApplicantInput) -> PreparedApplicant:
    """Validate, normalise, encrypt and index: CPU work that needs no database, done before the
    submission's transaction (on SQLite that transaction holds the database's one write lock)."""
    data = clean_applicant(data)
    if data.kind == ApplicantKind.PERSON:
        lookup = {"kind": ApplicantKind.PERSON, "id_number_index": id_index(data.id_number)}
    else:
        lookup = {"kind": ApplicantKind.ENTITY, "credit_code": data.credit_code}
    fields = {"name": data.name, "legal_representative": data.legal_representative}
    if data.id_number:
        fields.update(id_number_enc=pii.encrypt(data.id_number, context=ID_CONTEXT),
                      id_number_index=id_index(data.id_number), id_number_masked=pii.mask_id_number(data.id_number))
    if data.phone:
        fields.update(phone_enc=pii.encrypt(data.phone, context=PHONE_CONTEXT),
                      phone_index=pii.blind_index(data.phone, kind="phone"), phone_masked=pii.mask_phone(data.phone))
    return PreparedApplicant(lookup=lookup, fields=fields)


def applicant_resolve(data: ApplicantInput | PreparedApplicant) -> Applicant:
    """The existing applicant with this ID number / credit code (its name, and its phone when one
    is given, updated), or a new one. Call inside the submission's transaction."""
    prepared = data if isinstance(data, PreparedApplicant) else applicant_prepare(data)
    return _upsert(prepared)


# Each kind of applicant is found through its partial unique index (Meta.constraints): the
# column and the index's condition, spelled as in the index so the database can match it.
_CONFLICT_TARGET = {ApplicantKind.PERSON: ("id_number_index", "kind = 'person'"),
                    ApplicantKind.ENTITY: ("credit_code", "kind = 'entity'")}
# What the upsert reads back: the columns a case's answer shows, which come back as stored. The
# ciphertexts and the creation time stay deferred (loaded if touched; no caller on the
# submission path does).
_READ_BACK = tuple(f for f in Applicant._meta.concrete_fields
                   if f.attname not in {"id_number_enc", "phone_enc", "created_at"})


@cache
def _upsert_sql(kind: str, columns: tuple[str, ...], updated: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    column, condition = _CONFLICT_TARGET[kind]
    return (
        f"INSERT INTO {quote(Applicant._meta.db_table)} ({', '.join(quote(c) for c in columns)})"  # noqa: S608
        f" VALUES ({', '.join(['%s'] * len(columns))})"
        f" ON CONFLICT ({quote(column)}) WHERE {condition}"
        f" DO UPDATE SET {', '.join(f'{quote(c)} = excluded.{quote(c)}' for c in updated)}"
        f" RETURNING {', '.join(quote(f.column) for f in _READ_BACK)}"
    )


def _upsert(prepared: PreparedApplicant) -> Applicant:
    """One INSERT ... ON CONFLICT DO UPDATE ... RETURNING statement (SQLite >= 3.35 and
    PostgreSQL): the look-up, the insert or update and the read-back in one round trip, atomic
    against a second submission of the same person at the same moment. The ORM's
    bulk_create(update_conflicts=True) cannot name a partial index's condition."""
    fields = {f.attname: f for f in Applicant._meta.concrete_fields if not f.primary_key}
    row = {name: f.get_default() for name, f in fields.items()}
    row.update({**prepared.lookup, **prepared.fields, "created_at": timezone.now()})
    sql = _upsert_sql(prepared.lookup["kind"], tuple(fields[name].column for name in row), tuple(prepared.fields))
    with connection.cursor() as cursor:
        cursor.execute(sql, [fields[name].get_db_prep_save(value, connection) for name, value in row.items()])
        values = cursor.fetchone()
    return Applicant.from_db(connection.alias, [f.attname for f in _READ_BACK], values)


def applicant_reveal(*, user, case, purpose: str) -> dict:
    """The clear ID number and phone of a case's applicant, for a stated purpose; audited."""
    policy.require(user, case.center_id, "reveal_personal_data")
    purpose = (purpose or "").strip()
    if len(purpose) < 2:
        raise InvalidInput(_("State why you need the full personal data."), field="purpose")
    applicant = case.applicant
    with transaction.atomic():
        audit_record(actor=user, action="pii.reveal", object_type="applicant", object_id=str(applicant.pk),
                     purpose=purpose[:200], detail={"case": case.number})
    return {
        "id_number": pii.decrypt(applicant.id_number_enc, context=ID_CONTEXT) if applicant.id_number_enc else "",
        "phone": pii.decrypt(applicant.phone_enc, context=PHONE_CONTEXT) if applicant.phone_enc else "",
    }
