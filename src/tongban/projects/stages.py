"""Stage writes: start a stage (one application, its items filed as parallel cases or exempted by
the land checklist), add an item, request and issue construction-permit parts (分段许可), record
acceptance items and the joint acceptance (分项验收), complete a stage.

Each is one transaction: the project row is locked first, every rule is checked before anything
is written, and a failure anywhere (including in a case submission) rolls back the whole act.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases.applicants import ApplicantInput
from tongban.cases.models import ApplicantKind, Case, CaseState
from tongban.cases.services import MaterialInput, case_submit
from tongban.catalog.selectors import item_get_current
from tongban.core import calendar
from tongban.core.errors import CalendarNotCovered, Conflict, InvalidInput, NotFound
from tongban.projects import rules as rules_mod
from tongban.projects.models import (
    STAGE_ORDER,
    AcceptanceItem,
    AcceptanceState,
    JointAcceptance,
    PermitPart,
    Project,
    ProjectStage,
    Stage,
    StageItem,
    StageState,
)
from tongban.projects.services import event_record, project_for_action

DECIDED_STATES = (CaseState.APPROVED, CaseState.CONCLUDED, CaseState.DELIVERED)
PERMIT_LICENSE_TYPE = "SGXK"


def case_approved(case: Case | None) -> bool:
    """Approved: approved now, or concluded/delivered after an approval (not a denial)."""
    if case is None or case.state not in DECIDED_STATES:
        return False
    return case.state == CaseState.APPROVED or case.events.filter(action="approve").exists()


def _rules(project: Project) -> rules_mod.Rules:
    return rules_mod.parse(project.rules.rules)


def _stage(project: Project, stage: str) -> ProjectStage:
    if stage not in Stage.values:
        raise InvalidInput(_("Unknown stage %(s)s.") % {"s": stage}, field="stage")
    return project.stages.select_for_update().get(stage=stage)


def _running(project: Project, stage: str) -> ProjectStage:
    row = _stage(project, stage)
    if row.state != StageState.IN_PROGRESS:
        raise Conflict(_("The stage %(s)s is %(state)s.") % {"s": row.get_stage_display(),
                                                                "state": row.get_state_display()},
                       code="stage_not_running")
    return row


def _submit(*, actor, project: Project, item_code: str, note: str) -> Case:
    """File one item of the stage for the enterprise: the agent prepared the materials (全程服务);
    materials the shared data provides are marked exempted with their source."""
    version = item_get_current(code=item_code)
    if version is None:
        raise NotFound(_("No service item with code %(code)s.") % {"code": item_code}, code="item_not_found")
    materials = [
        MaterialInput(name=m.name, status="exempted", source=m.shared_source,
                      exemption_reason=m.get_shared_source_display())
        if m.shared_source else MaterialInput(name=m.name)
        for m in version.materials.all() if m.required
    ]
    enterprise = project.enterprise
    applicant = ApplicantInput(kind=ApplicantKind.ENTITY, name=enterprise.name, credit_code=enterprise.credit_code,
                               legal_representative=enterprise.legal_representative)
    return case_submit(actor=actor, item_code=item_code, applicant=applicant, materials=materials,
                       note=f"{project.code} {note}"[:200])


def _exemptions(project: Project) -> dict:
    if project.parcel is None:
        return {}
    return {a.kind: a for a in project.parcel.assessments.all()}


def _due(start, days: int):
    """The stage's due date, or None when the calendar has no data for the year it falls in."""
    try:
        return calendar.add_working_days(start, days)
    except CalendarNotCovered:
        return None


# -- starting a stage ----------------------------------------------------------------------
@transaction.atomic
def stage_start(*, actor, project_code: str, stage: str, extra_items: list[str] | tuple = (),
                note: str = "") -> ProjectStage:
    """One application for the stage: every required item filed at once, handled in parallel."""
    project = project_for_action(actor, project_code, "start_stage")
    rules = _rules(project)
    row = _stage(project, stage)
    stage_rules = rules.stage(stage)
    if row.state != StageState.PENDING:
        raise Conflict(_("The stage %(s)s has already started.") % {"s": row.get_stage_display()},
                       code="stage_already_started")
    position = STAGE_ORDER.index(stage)
    if position and stage_rules.requires_previous:
        previous = project.stages.get(stage=STAGE_ORDER[position - 1])
        if previous.state != StageState.COMPLETED:
            raise Conflict(
                _("The rules of %(cls)s require %(prev)s to be completed before %(s)s starts.")
                % {"cls": project.project_class.name, "prev": previous.get_stage_display(),
                   "s": row.get_stage_display()},
                code="predecessor_not_completed")
    extra = list(dict.fromkeys(c.strip() for c in extra_items if c and c.strip()))
    for code in extra:
        rule = stage_rules.item(code)
        if rule is None:
            raise InvalidInput(_("Item %(c)s is not allowed in stage %(s)s for %(cls)s.")
                               % {"c": code, "s": row.get_stage_display(), "cls": project.project_class.name},
                               field="extra_items")
    exemptions = _exemptions(project)
    today = timezone.localdate()
    filed, exempted = [], []
    for rule in stage_rules.items:
        if rule.exempt_by and rule.exempt_by in exemptions:
            assessment = exemptions[rule.exempt_by]
            version = item_get_current(code=rule.code)
            StageItem.objects.create(
                project_stage=row, item_code=rule.code, item_name=version.name if version else rule.code,
                exempted=True, exemption_source="land_checklist",
                exemption_note=(f"{project.parcel.code} {assessment.get_kind_display()}: {assessment.conclusion}"
                                f" {assessment.reference}").strip()[:300])
            exempted.append(rule.code)
        elif rule.required or rule.code in extra:
            case = _submit(actor=actor, project=project, item_code=rule.code, note=row.get_stage_display())
            StageItem.objects.create(project_stage=row, item_code=rule.code, item_name=case.item_version.name,
                                     case=case)
            filed.append(case.number)
    for acceptance in stage_rules.acceptance:
        case = (_submit(actor=actor, project=project, item_code=acceptance.item, note=str(acceptance.kind))
                if acceptance.item else None)
        AcceptanceItem.objects.create(project_stage=row, kind=acceptance.kind, case=case)
        if case:
            filed.append(case.number)
    row.state = StageState.IN_PROGRESS
    row.started_on = today
    row.due_on = _due(today, row.target_days)
    row.save(update_fields=["state", "started_on", "due_on"])
    event_record(project=project, actor=actor, action="stage_start", stage=stage, note=note,
                 data={"cases": filed, "exempted": exempted,
                       "due_on": row.due_on.isoformat() if row.due_on else None})
    return row


@transaction.atomic
def stage_item_add(*, actor, project_code: str, stage: str, item_code: str) -> StageItem:
    """Add an optional item the class allows to a running stage."""
    project = project_for_action(actor, project_code, "add_item")
    row = _running(project, stage)
    code = (item_code or "").strip()
    if _rules(project).stage(stage).item(code) is None:
        raise InvalidInput(_("Item %(c)s is not allowed in stage %(s)s for %(cls)s.")
                           % {"c": code, "s": row.get_stage_display(), "cls": project.project_class.name},
                           field="item_code")
    if row.items.filter(item_code=code).exists():
        raise Conflict(_("Item %(c)s is already part of this stage.") % {"c": code}, code="item_already_added")
    case = _submit(actor=actor, project=project, item_code=code, note=row.get_stage_display())
    item = StageItem.objects.create(project_stage=row, item_code=code, item_name=case.item_version.name, case=case)
    event_record(project=project, actor=actor, action="item_add", stage=stage, data={"case": case.number})
    return item


# -- staged construction permit ------------------------------------------------------------
@transaction.atomic
def permit_part_request(*, actor, project_code: str, scope: str, is_final: bool) -> PermitPart:
    project = project_for_action(actor, project_code, "request_permit_part")
    row = _running(project, Stage.CONSTRUCTION)
    stage_rules = _rules(project).stage(Stage.CONSTRUCTION)
    scope = (scope or "").strip()
    if not scope or len(scope) > 120:
        raise InvalidInput(_("Describe the works this part of the permit covers."), field="scope")
    parts = list(row.permit_parts.all())
    if any(p.is_final for p in parts):
        raise Conflict(_("The final part of the construction permit has already been requested."),
                       code="permit_complete")
    if len(parts) >= stage_rules.max_parts:
        raise Conflict(_("%(cls)s allows the construction permit in at most %(n)s part(s).")
                       % {"cls": project.project_class.name, "n": stage_rules.max_parts}, code="too_many_parts")
    if len(parts) + 1 == stage_rules.max_parts and not is_final:
        raise InvalidInput(_("This is the last part the class allows: it must complete the permit."),
                           field="is_final")
    sequence = len(parts) + 1
    case = _submit(actor=actor, project=project, item_code=stage_rules.permit_item,
                   note=_("construction permit part %(n)s: %(s)s") % {"n": sequence, "s": scope})
    part = PermitPart.objects.create(project_stage=row, sequence=sequence, scope=scope, is_final=is_final, case=case)
    event_record(project=project, actor=actor, action="permit_part_request", stage=Stage.CONSTRUCTION,
                 note=scope, data={"part": sequence, "case": case.number, "final": is_final})
    return part


def permit_license_type():
    from tongban.licenses.services import license_type_ensure

    return license_type_ensure(
        code=PERMIT_LICENSE_TYPE, name="建筑工程施工许可证", category="permit", holder_kind="entity",
        issuing_authority_level="区县级",
        data_fields=[{"key": "project_code", "label": "项目代码"}, {"key": "project_name", "label": "项目名称"},
                     {"key": "location", "label": "建设地址"}, {"key": "part", "label": "许可阶段"},
                     {"key": "scope", "label": "许可范围"}])


@transaction.atomic
def permit_part_issue(*, actor, project_code: str, sequence: int) -> PermitPart:
    """Issue the license of an approved part: each part is its own decision and its own license."""
    from tongban.licenses.services import license_issue

    project = project_for_action(actor, project_code, "issue_permit_part")
    row = _running(project, Stage.CONSTRUCTION)
    part = row.permit_parts.select_related("case__item_version__department").filter(sequence=sequence).first()
    if part is None:
        raise NotFound(_("This project has no permit part %(n)s.") % {"n": sequence}, code="permit_part_not_found")
    if part.license_id:
        raise Conflict(_("Part %(n)s already has its license.") % {"n": sequence}, code="permit_part_issued")
    if not case_approved(part.case):
        raise Conflict(_("Part %(n)s is not approved yet (case %(c)s is %(s)s).")
                       % {"n": sequence, "c": part.case.number, "s": part.case.get_state_display()},
                       code="permit_part_not_approved")
    enterprise = project.enterprise
    label = _("part %(n)s") % {"n": sequence} + (_(" (final)") if part.is_final else "")
    part.license = license_issue(
        license_type=permit_license_type(), holder_name=enterprise.name, holder_credit_code=enterprise.credit_code,
        data={"project_code": project.code, "project_name": project.name, "location": project.location,
              "part": label, "scope": part.scope},
        issuer_department=part.case.item_version.department, source_case_number=part.case.number, actor=actor)
    part.issued_on = timezone.localdate()
    part.save(update_fields=["license", "issued_on"])
    event_record(project=project, actor=actor, action="permit_part_issue", stage=Stage.CONSTRUCTION,
                 data={"part": sequence, "license": part.license.identifier})
    return part


# -- itemized acceptance -------------------------------------------------------------------
@transaction.atomic
def acceptance_record(*, actor, project_code: str, kind: str, passed: bool, note: str = "") -> AcceptanceItem:
    project = project_for_action(actor, project_code, "record_acceptance")
    row = _running(project, Stage.ACCEPTANCE)
    item = row.acceptance_items.select_related("case").filter(kind=kind).first()
    if item is None:
        raise InvalidInput(_("%(k)s is not an acceptance item of this project.") % {"k": kind}, field="kind")
    if item.state == AcceptanceState.PASSED:
        raise Conflict(_("%(k)s has already been accepted.") % {"k": item.get_kind_display()},
                       code="acceptance_already_passed")
    note = (note or "").strip()
    if not passed and not note:
        raise InvalidInput(_("Say what must be rectified."), field="note")
    if passed and item.case is not None and not case_approved(item.case):
        raise Conflict(_("%(k)s cannot be accepted before its case %(c)s is approved.")
                       % {"k": item.get_kind_display(), "c": item.case.number}, code="acceptance_case_open")
    item.state = AcceptanceState.PASSED if passed else AcceptanceState.FAILED
    item.decided_on = timezone.localdate()
    item.decided_by = actor
    item.note = note[:300]
    item.save(update_fields=["state", "decided_on", "decided_by", "note"])
    event_record(project=project, actor=actor, action="acceptance_record", stage=Stage.ACCEPTANCE, note=note,
                 data={"kind": kind, "passed": passed})
    return item


@transaction.atomic
def joint_acceptance_record(*, actor, project_code: str, participants: str, conclusion: str) -> JointAcceptance:
    """The joint acceptance record, once every acceptance item has passed; it completes the stage."""
    project = project_for_action(actor, project_code, "record_joint_acceptance")
    row = _running(project, Stage.ACCEPTANCE)
    waiting = [i.get_kind_display() for i in row.acceptance_items.all() if i.state != AcceptanceState.PASSED]
    if waiting:
        raise Conflict(_("Not yet accepted: %(k)s.") % {"k": "、".join(str(w) for w in waiting)},
                       code="acceptance_items_open")
    participants = (participants or "").strip()
    conclusion = (conclusion or "").strip()
    if not participants or not conclusion:
        raise InvalidInput(_("Name the participating departments and write the conclusion."), field="conclusion")
    record = JointAcceptance.objects.create(project=project, recorded_on=timezone.localdate(), recorded_by=actor,
                                            participants=participants[:300], conclusion=conclusion)
    _complete(project, row, actor)
    return record


# -- completing a stage --------------------------------------------------------------------
def _open_items(row: ProjectStage) -> list[str]:
    return [i.case.number for i in row.items.select_related("case") if not i.exempted and not case_approved(i.case)]


def _complete(project: Project, row: ProjectStage, actor) -> ProjectStage:
    open_cases = _open_items(row)
    if open_cases:
        raise Conflict(_("Items still open (not approved): %(c)s.") % {"c": "、".join(open_cases)},
                       code="stage_items_open")
    row.state = StageState.COMPLETED
    row.completed_on = timezone.localdate()
    row.working_days = calendar.working_days_between(row.started_on, row.completed_on)
    row.save(update_fields=["state", "completed_on", "working_days"])
    event_record(project=project, actor=actor, action="stage_complete", stage=row.stage,
                 data={"working_days": row.working_days, "target_days": row.target_days})
    return row


@transaction.atomic
def stage_complete(*, actor, project_code: str, stage: str) -> ProjectStage:
    project = project_for_action(actor, project_code, "complete_stage")
    row = _running(project, stage)
    if stage == Stage.ACCEPTANCE:
        raise Conflict(_("Completion acceptance ends with the joint acceptance record."),
                       code="joint_acceptance_required")
    if stage == Stage.CONSTRUCTION:
        parts = list(row.permit_parts.all())
        if not parts or not any(p.is_final for p in parts) or any(p.license_id is None for p in parts):
            raise Conflict(_("The construction permit is complete when every part, including the final one, "
                             "has its license."), code="permit_incomplete")
    return _complete(project, row, actor)
