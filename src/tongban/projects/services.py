"""Writes of the projects app (registers): enterprises, agreements, classes and their rule
versions, land parcels, projects and the agent's worklog. Stage writes are in `stages.py`.

Every function validates everything before writing, runs in one transaction and records its
event and audit entry there: a bad input leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.catalog.models import Subject
from tongban.catalog.selectors import item_get_current
from tongban.core import pii
from tongban.core.errors import Conflict, InvalidInput, NotFound
from tongban.core.services import audit_record
from tongban.core.validation import validate_credit_code, validate_phone
from tongban.org.models import Center, Role, StaffProfile
from tongban.projects import policy
from tongban.projects import rules as rules_mod
from tongban.projects.codes import validate_project_code
from tongban.projects.models import (
    STAGE_ORDER,
    Agreement,
    AgreementContact,
    AssessmentKind,
    ClassRules,
    Enterprise,
    InvestmentType,
    LandParcel,
    PreAssessment,
    Project,
    ProjectClass,
    ProjectEvent,
    ProjectStage,
    RiskLevel,
    WorklogEntry,
    WorklogKind,
)

PHONE_CONTEXT = "projects.contact_phone"


def event_record(*, project: Project, actor, action: str, stage: str = "", note: str = "",
                 data: dict | None = None) -> ProjectEvent:
    authenticated = actor is not None and actor.is_authenticated
    event = ProjectEvent.objects.create(
        project=project, at=timezone.now(), actor=actor if authenticated else None,
        actor_label=actor.get_username() if authenticated else "system", action=action, stage=stage,
        note=(note or "")[:300], data=data or {},
    )
    audit_record(actor=actor, action=f"projects.{action}", object_type="project", object_id=project.code,
                 detail={"stage": stage, **(data or {})})
    return event


def _text(value: str, field: str, message, *, max_length: int) -> str:
    value = (value or "").strip()
    if not value or len(value) > max_length:
        raise InvalidInput(message, field=field)
    return value


def _center(code: str) -> Center:
    center = Center.objects.filter(code=code).first()
    if center is None:
        raise NotFound(_("No service center with code %(c)s.") % {"c": code}, code="center_not_found")
    return center


def enterprise_get(credit_code: str) -> Enterprise:
    code = validate_credit_code(credit_code)
    enterprise = Enterprise.objects.filter(credit_code=code).first()
    if enterprise is None:
        raise NotFound(_("No enterprise with credit code %(c)s is registered; register it first.") % {"c": code},
                       code="enterprise_not_found")
    return enterprise


# -- enterprises ---------------------------------------------------------------------------
@transaction.atomic
def enterprise_register(*, actor, credit_code: str, name: str, legal_representative: str) -> Enterprise:
    policy.require(actor, None, "manage_register")
    code = validate_credit_code(credit_code)
    name = _text(name, "name", _("The enterprise's name is required (at most 100 characters)."), max_length=100)
    legal = _text(legal_representative, "legal_representative",
                  _("The legal representative is required (at most 60 characters)."), max_length=60)
    if Enterprise.objects.filter(credit_code=code).exists():
        raise Conflict(_("An enterprise with credit code %(c)s is already registered.") % {"c": code},
                       code="enterprise_exists")
    enterprise = Enterprise.objects.create(credit_code=code, name=name, legal_representative=legal)
    audit_record(actor=actor, action="projects.enterprise_register", object_type="enterprise", object_id=code)
    return enterprise


# -- agreements ----------------------------------------------------------------------------
@dataclass
class ContactInput:
    name: str
    phone: str
    title: str = ""


def _agent_at(username: str, center: Center):
    profile = StaffProfile.objects.select_related("user").filter(user__username=username).first()
    if profile is None or profile.role != Role.AGENT or profile.center_id != center.id:
        raise InvalidInput(_("%(u)s is not an assisted-handling agent of %(c)s.") % {"u": username, "c": center.name},
                           field="agent")
    return profile.user


@transaction.atomic
def agreement_sign(*, actor, center_code: str, credit_code: str, signed_on: date, scope: str, agent_username: str,
                   contacts: list[ContactInput]) -> Agreement:
    center = _center(center_code)
    policy.require(actor, center.id, "sign_agreement")
    enterprise = enterprise_get(credit_code)
    scope = _text(scope, "scope", _("Describe the scope of assistance."), max_length=2000)
    if signed_on > timezone.localdate():
        raise InvalidInput(_("An agreement cannot be signed in the future."), field="signed_on")
    agent = _agent_at(agent_username, center)
    if not contacts:
        raise InvalidInput(_("Name at least one contact person of the enterprise."), field="contacts")
    cleaned = [(_text(c.name, "contacts", _("Every contact needs a name."), max_length=40),
                (c.title or "").strip()[:40], validate_phone(c.phone)) for c in contacts]
    if Agreement.objects.filter(center=center, enterprise=enterprise).exists():
        raise Conflict(_("%(c)s already has an agreement with %(e)s.") % {"c": center.name, "e": enterprise.name},
                       code="agreement_exists")
    agreement = Agreement.objects.create(center=center, enterprise=enterprise, signed_on=signed_on, scope=scope,
                                         agent=agent)
    AgreementContact.objects.bulk_create(
        AgreementContact(agreement=agreement, name=name, title=title,
                         phone_enc=pii.encrypt(phone, context=PHONE_CONTEXT), phone_masked=pii.mask_phone(phone))
        for name, title, phone in cleaned
    )
    audit_record(actor=actor, action="projects.agreement_sign", object_type="agreement", object_id=str(agreement.pk),
                 detail={"center": center.code, "enterprise": enterprise.credit_code, "agent": agent_username})
    return agreement


# -- classes and their rule tables ---------------------------------------------------------
def _check_rules_against_catalog(parsed: rules_mod.Rules) -> None:
    missing, wrong = [], []
    for code in sorted(parsed.item_codes()):
        version = item_get_current(code=code)
        if version is None:
            missing.append(code)
        elif version.subject == Subject.PERSON:
            wrong.append(code)
    if missing:
        raise InvalidInput(_("The catalog has no items %(c)s.") % {"c": "、".join(missing)}, field="rules")
    if wrong:
        raise InvalidInput(_("Items %(c)s are for natural persons, not for a project's enterprise.")
                           % {"c": "、".join(wrong)}, field="rules")


@transaction.atomic
def project_class_create(*, actor, code: str, name: str, investment_type: str, risk_level: str, rules: dict,
                         note: str = "") -> ProjectClass:
    policy.require(actor, None, "manage_register")
    if investment_type not in InvestmentType.values:
        raise InvalidInput(_("The investment type is government or enterprise."), field="investment_type")
    if risk_level not in RiskLevel.values:
        raise InvalidInput(_("Unknown risk level."), field="risk_level")
    if ProjectClass.objects.filter(code=code).exists():
        raise Conflict(_("A project class %(c)s already exists.") % {"c": code}, code="class_exists")
    project_class = ProjectClass(code=code, name=(name or "").strip(), investment_type=investment_type,
                                 risk_level=risk_level)
    project_class.full_clean()
    project_class.save()
    class_rules_publish(actor=actor, class_code=code, rules=rules, note=note or _("first version"))
    return project_class


@transaction.atomic
def class_rules_publish(*, actor, class_code: str, rules: dict, note: str = "") -> ClassRules:
    """A new version of a class's rules; projects already registered keep theirs."""
    policy.require(actor, None, "manage_register")
    project_class = ProjectClass.objects.select_for_update().filter(code=class_code).first()
    if project_class is None:
        raise NotFound(_("No project class %(c)s.") % {"c": class_code}, code="class_not_found")
    parsed = rules_mod.parse(rules)
    _check_rules_against_catalog(parsed)
    last = project_class.rule_versions.order_by("-version").first()
    project_class.rule_versions.filter(is_current=True).update(is_current=False)
    version = ClassRules.objects.create(
        project_class=project_class, version=(last.version + 1) if last else 1, is_current=True, rules=rules,
        target_working_days=parsed.target_working_days, note=(note or "")[:200],
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(actor=actor, action="projects.class_rules_publish", object_type="project_class",
                 object_id=class_code, detail={"version": version.version})
    return version


# -- land parcels --------------------------------------------------------------------------
@dataclass
class AssessmentInput:
    kind: str
    conclusion: str
    completed_on: date
    reference: str = ""


@transaction.atomic
def parcel_register(*, actor, code: str, location: str, area_m2, center_code: str,
                    assessments: list[AssessmentInput]) -> LandParcel:
    """A parcel offered for sale with its regional pre-assessments (用地清单)."""
    center = _center(center_code)
    policy.require(actor, center.id, "manage_register")
    code = _text(code, "code", _("The parcel code is required (at most 40 characters)."), max_length=40)
    location = _text(location, "location", _("The parcel's location is required."), max_length=200)
    try:
        area = Decimal(str(area_m2))
    except InvalidOperation:
        raise InvalidInput(_("The area is a number of square metres."), field="area_m2") from None
    if area <= 0:
        raise InvalidInput(_("The area must be more than zero."), field="area_m2")
    kinds = [a.kind for a in assessments]
    if len(set(kinds)) != len(kinds) or any(k not in AssessmentKind.values for k in kinds):
        raise InvalidInput(_("Each kind of regional pre-assessment appears at most once and must be known."),
                           field="assessments")
    for a in assessments:
        _text(a.conclusion, "assessments", _("Every pre-assessment needs its conclusion."), max_length=200)
        if a.completed_on > timezone.localdate():
            raise InvalidInput(_("A pre-assessment cannot be completed in the future."), field="assessments")
    if LandParcel.objects.filter(code=code).exists():
        raise Conflict(_("Parcel %(c)s is already registered.") % {"c": code}, code="parcel_exists")
    parcel = LandParcel.objects.create(code=code, location=location, area_m2=area, center=center)
    PreAssessment.objects.bulk_create(
        PreAssessment(parcel=parcel, kind=a.kind, conclusion=a.conclusion.strip(), reference=a.reference.strip()[:60],
                      completed_on=a.completed_on)
        for a in assessments
    )
    audit_record(actor=actor, action="projects.parcel_register", object_type="land_parcel", object_id=code,
                 detail={"assessments": kinds})
    return parcel


# -- projects ------------------------------------------------------------------------------
@transaction.atomic
def project_register(*, actor, code: str, name: str, credit_code: str, center_code: str, location: str,
                     class_code: str, parcel_code: str = "", agent_username: str = "") -> Project:
    """Register a project under its class's current rules, with its four stages not started.
    The agent defaults to the one of the center's agreement with the enterprise."""
    center = _center(center_code)
    policy.require(actor, center.id, "register_project")
    code = validate_project_code(code, today=timezone.localdate())
    name = _text(name, "name", _("The project's name is required (at most 120 characters)."), max_length=120)
    location = _text(location, "location", _("The project's location is required."), max_length=200)
    enterprise = enterprise_get(credit_code)
    project_class = ProjectClass.objects.filter(code=class_code, is_active=True).first()
    if project_class is None:
        raise NotFound(_("No project class %(c)s in use.") % {"c": class_code}, code="class_not_found")
    current = project_class.rule_versions.filter(is_current=True).first()
    if current is None:
        raise Conflict(_("The class %(c)s has no rule table yet.") % {"c": project_class.name}, code="class_no_rules")
    parcel = None
    if parcel_code:
        parcel = LandParcel.objects.filter(code=parcel_code).first()
        if parcel is None:
            raise NotFound(_("No land parcel %(c)s.") % {"c": parcel_code}, code="parcel_not_found")
    agreement = Agreement.objects.filter(center=center, enterprise=enterprise).select_related("agent").first()
    agent = _agent_at(agent_username, center) if agent_username else (agreement.agent if agreement else None)
    if Project.objects.filter(code=code).exists():
        raise Conflict(_("Project %(c)s is already registered.") % {"c": code}, code="project_exists")
    parsed = rules_mod.parse(current.rules)
    project = Project.objects.create(code=code, name=name, enterprise=enterprise, center=center, location=location,
                                     parcel=parcel, project_class=project_class, rules=current,
                                     agreement=agreement, agent=agent)
    ProjectStage.objects.bulk_create(
        ProjectStage(project=project, stage=stage, position=i, target_days=parsed.stage(stage).target_days)
        for i, stage in enumerate(STAGE_ORDER, start=1)
    )
    event_record(project=project, actor=actor, action="register",
                 data={"class": class_code, "rules_version": current.version,
                       "agent": agent.get_username() if agent else ""})
    return project


def project_lock(code: str) -> Project:
    project = (Project.objects.select_for_update(of=("self",))
               .select_related("enterprise", "parcel", "rules", "project_class", "center")
               .filter(code=code).first())
    if project is None:
        raise NotFound(_("No project with code %(c)s.") % {"c": code}, code="project_not_found")
    return project


def project_for_action(actor, code: str, action: str) -> Project:
    """Lock the project and check the actor may act; a project the actor may not see is 'not found'."""
    project = project_lock(code)
    if not policy.allowed(actor, project.center_id, "view"):
        raise NotFound(_("No project with code %(c)s.") % {"c": code}, code="project_not_found")
    policy.require(actor, project.center_id, action)
    return project


# -- the agent's worklog -------------------------------------------------------------------
@transaction.atomic
def worklog_add(*, actor, project_code: str, kind: str, happened_on: date, note: str,
                escalated_to: str = "") -> WorklogEntry:
    project = project_for_action(actor, project_code, "write_worklog")
    if kind not in WorklogKind.values:
        raise InvalidInput(_("Unknown kind of worklog entry."), field="kind")
    note = _text(note, "note", _("Say what was done (at most 2000 characters)."), max_length=2000)
    if happened_on > timezone.localdate():
        raise InvalidInput(_("A worklog entry cannot be dated in the future."), field="happened_on")
    escalated_to = (escalated_to or "").strip()
    if kind == WorklogKind.ESCALATION and not escalated_to:
        raise InvalidInput(_("Say to whom the problem was escalated."), field="escalated_to")
    entry = WorklogEntry.objects.create(project=project, agent=actor, kind=kind, happened_on=happened_on, note=note,
                                        escalated_to=escalated_to[:100])
    event_record(project=project, actor=actor, action="worklog", note=note[:300], data={"kind": kind})
    return entry


def users_by_name(*names: str) -> dict:
    return {u.username: u for u in get_user_model().objects.filter(username__in=names)}
