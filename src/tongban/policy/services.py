"""Writes of policy: enterprise records, policy documents and measures, reform tasks and their
progress. Subsidy programmes, claims and the ledger are in `payouts.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.catalog.models import Department
from tongban.core.errors import Conflict, InvalidInput, NotFound
from tongban.core.services import audit_record
from tongban.core.validation import validate_credit_code
from tongban.policy import permissions
from tongban.policy.models import (
    Enterprise,
    Measure,
    MeasureTag,
    Milestone,
    PolicyDocument,
    ProgressReport,
    ReformTask,
    TagKind,
)


def _amount(value, field_name: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("%(f)s must be an amount in yuan.") % {"f": field_name}, field=field_name) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e14"):
        raise InvalidInput(_("%(f)s cannot be negative.") % {"f": field_name}, field=field_name)
    return amount.quantize(Decimal("0.01"))


def _department(code: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise InvalidInput(_("Unknown department %(v)s.") % {"v": code}, field="department")
    return department


# -- enterprises ---------------------------------------------------------------------------
@dataclass
class EnterpriseInput:
    credit_code: str
    name: str
    legal_representative: str
    registered_capital: Decimal | str | int
    industry_code: str
    tax_paid_last_year: Decimal | str | int
    employees: int
    location: str
    established_on: date
    high_tech: bool = False


@transaction.atomic
def enterprise_upsert(*, actor, data: EnterpriseInput) -> Enterprise:
    """Create or refresh the record of an enterprise (keyed by its credit code)."""
    if actor is not None:
        permissions.require(actor, "manage")
    code = validate_credit_code(data.credit_code)
    name = (data.name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(_("The enterprise name is required (at most 100 characters)."), field="name")
    if not (data.legal_representative or "").strip():
        raise InvalidInput(_("The legal representative is required."), field="legal_representative")
    industry = (data.industry_code or "").strip().upper()
    if not (1 <= len(industry) <= 5 and industry[0].isalpha() and industry[1:].isdigit()):
        raise InvalidInput(_("An industry code is a letter and up to 4 digits (GB/T 4754), e.g. C39."),
                           field="industry_code")
    if isinstance(data.employees, bool) or not isinstance(data.employees, int) or data.employees < 0:
        raise InvalidInput(_("The number of employees is a whole number, 0 or more."), field="employees")
    if data.established_on > timezone.localdate():
        raise InvalidInput(_("The establishment date is in the future."), field="established_on")
    values = {
        "name": name, "legal_representative": data.legal_representative.strip(),
        "registered_capital": _amount(data.registered_capital, "registered_capital"),
        "industry_code": industry, "tax_paid_last_year": _amount(data.tax_paid_last_year, "tax_paid_last_year"),
        "employees": data.employees, "location": (data.location or "").strip(),
        "established_on": data.established_on, "high_tech": bool(data.high_tech),
    }
    enterprise, created = Enterprise.objects.update_or_create(credit_code=code, defaults=values)
    audit_record(actor=actor, action="enterprise.create" if created else "enterprise.update",
                 object_type="enterprise", object_id=code)
    return enterprise


# -- documents and measures ----------------------------------------------------------------
@dataclass
class MeasureInput:
    number: int
    text: str
    department: str  # department code
    valid_from: date
    valid_until: date | None = None
    industries: list[str] = field(default_factory=list)
    sizes: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)


@transaction.atomic
def document_publish(*, actor, code: str, title: str, issuer: str, issued_on: date, measures: list[MeasureInput],
                     summary: str = "") -> PolicyDocument:
    """Publish a policy document with all its measures at once (all or nothing)."""
    permissions.require(actor, "manage")
    if PolicyDocument.objects.filter(code=code).exists():
        raise Conflict(_("A policy document with code %(c)s exists already.") % {"c": code}, code="document_exists")
    if not title.strip():
        raise InvalidInput(_("The title is required."), field="title")
    if not measures:
        raise InvalidInput(_("A policy document needs at least one measure."), field="measures")
    numbers = [m.number for m in measures]
    if len(set(numbers)) != len(numbers):
        raise InvalidInput(_("Two measures have the same number."), field="measures")
    document = PolicyDocument.objects.create(code=code, title=title.strip(), issuer=issuer, issued_on=issued_on,
                                             summary=summary)
    departments = {d.code: d for d in Department.objects.all()}
    tags = []
    for m in measures:
        if m.department not in departments:
            raise InvalidInput(_("Measure %(n)s: unknown department %(d)s.") % {"n": m.number, "d": m.department},
                               field="measures")
        if not m.text.strip():
            raise InvalidInput(_("Measure %(n)s has no text.") % {"n": m.number}, field="measures")
        if m.valid_until and m.valid_until < m.valid_from:
            raise InvalidInput(_("Measure %(n)s ends before it starts.") % {"n": m.number}, field="measures")
        measure = Measure.objects.create(document=document, number=m.number, text=m.text.strip(),
                                         department=departments[m.department], valid_from=m.valid_from,
                                         valid_until=m.valid_until)
        for kind, values in ((TagKind.INDUSTRY, m.industries), (TagKind.SIZE, m.sizes),
                             (TagKind.LOCATION, m.locations)):
            tags.extend(MeasureTag(measure=measure, kind=kind, value=v.strip()) for v in dict.fromkeys(values) if v)
    MeasureTag.objects.bulk_create(tags)
    audit_record(actor=actor, action="policy.publish", object_type="policy_document", object_id=code,
                 detail={"measures": len(measures)})
    return document


# -- reform tasks --------------------------------------------------------------------------
@dataclass
class MilestoneInput:
    title: str
    due_on: date


@transaction.atomic
def reform_task_create(*, actor, number: str, title: str, department: str, deadline: date,
                       milestones: list[MilestoneInput] = (), published_on: date | None = None) -> ReformTask:
    permissions.require(actor, "manage")
    published_on = published_on or timezone.localdate()
    if deadline < published_on:
        raise InvalidInput(_("The deadline is before the task is published."), field="deadline")
    if not title.strip():
        raise InvalidInput(_("The title is required."), field="title")
    for m in milestones:
        if m.due_on > deadline:
            raise InvalidInput(_("Milestone %(t)s is due after the task's deadline.") % {"t": m.title},
                               field="milestones")
    try:
        with transaction.atomic():
            task = ReformTask.objects.create(number=number, title=title.strip(), department=_department(department),
                                             published_on=published_on, deadline=deadline)
    except IntegrityError:
        raise Conflict(_("Reform task %(n)s exists already.") % {"n": number}, code="task_exists") from None
    Milestone.objects.bulk_create(Milestone(task=task, position=i, title=m.title, due_on=m.due_on)
                                  for i, m in enumerate(milestones, start=1))
    audit_record(actor=actor, action="reform_task.create", object_type="reform_task", object_id=number)
    return task


@transaction.atomic
def reform_task_report(*, actor, number: str, text: str, progress: int, milestones_done: list[int] = (),
                       attachment=None) -> ProgressReport:
    """A progress report (text, percentage, optional attachment); 100% completes the task.
    `attachment` is a `tongban.cases.files.StoredFile` already stored."""
    permissions.require(actor, "report_progress")
    task = ReformTask.objects.select_for_update().filter(number=number).first()
    if task is None:
        raise NotFound(_("No reform task %(n)s.") % {"n": number}, code="task_not_found")
    if task.completed_on is not None:
        raise Conflict(_("Reform task %(n)s is completed already.") % {"n": number}, code="task_completed")
    if not (text or "").strip():
        raise InvalidInput(_("Say what was done."), field="text")
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise InvalidInput(_("Progress is a percentage from 0 to 100."), field="progress")
    if progress < task.progress:
        raise InvalidInput(_("Progress cannot go back (now %(p)s%%).") % {"p": task.progress}, field="progress")
    now = timezone.now()
    today = timezone.localdate(now)
    known = dict(task.milestones.values_list("position", "id"))
    unknown = [p for p in milestones_done if p not in known]
    if unknown:
        raise InvalidInput(_("Task %(n)s has no milestone %(p)s.") % {"n": number, "p": unknown[0]},
                           field="milestones_done")
    task.milestones.filter(position__in=milestones_done, done_on__isnull=True).update(done_on=today)
    report = ProgressReport.objects.create(
        task=task, at=now, by=actor, text=text.strip(), progress=progress,
        attachment_path=attachment.path if attachment else "", attachment_name=attachment.original_name if attachment else "",
        attachment_sha256=attachment.sha256 if attachment else "",
    )
    task.progress = progress
    fields = ["progress"]
    if progress == 100:
        task.completed_on = today
        task.milestones.filter(done_on__isnull=True).update(done_on=today)
        fields.append("completed_on")
    task.save(update_fields=fields)
    audit_record(actor=actor, action="reform_task.report", object_type="reform_task", object_id=number,
                 detail={"progress": progress})
    return report
