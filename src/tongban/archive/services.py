"""Archive writes: packaging a delivered case (with the four-property checks), closing the
register, retention rules and disposal. A package appears in storage and in the register
together or not at all; a failed check leaves the case unarchived with the reason."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.archive import bag as bagmod
from tongban.archive import checks, content, merkle, register
from tongban.archive.models import (
    RETENTION_YEARS,
    ArchiveEvent,
    ArchivePackage,
    ArchiveRecord,
    DisposalList,
    DisposalState,
    IngestState,
    RegisterBatch,
    RetentionClass,
    RetentionRule,
)
from tongban.archive.storage import get_storage
from tongban.cases.applicants import id_index
from tongban.cases.models import Case, CaseEvent, S
from tongban.core.canonical import canonical_bytes
from tongban.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tongban.core.services import audit_record

log = logging.getLogger(__name__)
AGENT = "archive"
PERSON_INDEX_KIND = "id_number"


def _label(actor) -> str:
    return actor.get_username() if actor is not None and getattr(actor, "is_authenticated", False) else AGENT


def national_crypto() -> bool:
    from tongban.signing import conf

    return bool(getattr(settings, "TONGBAN_ARCHIVE_SM3", False)) or conf.platform_alg() == "SM2"


# -- retention -------------------------------------------------------------------------------
def retention_for(item_code: str) -> str:
    rule = RetentionRule.objects.filter(item_code=item_code).first()
    return rule.retention if rule else getattr(settings, "TONGBAN_ARCHIVE_DEFAULT_RETENTION", RetentionClass.YEARS_30)


def retain_until(concluded_on: date, retention: str) -> date | None:
    """Periods run in whole years from 1 January after the year the case concluded."""
    years = RETENTION_YEARS[retention]
    return None if years is None else date(concluded_on.year + years, 12, 31)


@transaction.atomic
def retention_rule_set(*, actor, item_code: str, retention: str) -> RetentionRule:
    if retention not in RetentionClass.values:
        raise InvalidInput(_("Retention must be one of %(v)s.") % {"v": ", ".join(RetentionClass.values)},
                           field="retention")
    item_code = (item_code or "").strip()
    if not item_code:
        raise InvalidInput(_("Give the item code."), field="item_code")
    rule, _created = RetentionRule.objects.update_or_create(item_code=item_code, defaults={"retention": retention})
    audit_record(actor=actor, action="archive.retention_set", object_type="item", object_id=item_code,
                 detail={"retention": retention})
    return rule


# -- packaging -------------------------------------------------------------------------------
def _event(case_number: str, event_type: str, outcome: str, detail: str, agent: str) -> ArchiveEvent:
    return ArchiveEvent.objects.create(case_number=case_number, event_type=event_type, outcome=outcome,
                                       detail=detail[:4000], agent=agent)


def _case_event(case: Case, action: str, note: str, data: dict) -> None:
    CaseEvent.objects.create(case=case, at=timezone.now(), actor=None, actor_label=AGENT, action=action,
                             note=note[:2000], data=data)


def _sealed_documents(case: Case, *, actor) -> list[tuple[str, content.SealedDocument]]:
    """The licenses issued for the case and its decision, each upgraded to PAdES B-LTA."""
    from tongban.licenses.models import License
    from tongban.signing import selectors as signing_selectors
    from tongban.signing import services as signing_services

    docs = []
    for lic in License.objects.filter(source_case_number=case.number).order_by("issued_at", "id"):
        original = bytes(lic.pdf)
        docs.append((f"documents/license-{content.safe_name(lic.identifier)}.pdf",
                     content.SealedDocument("license", lic.identifier, original, lic.pdf_sha256)))
    decision = content.decision_pdf(case)
    department = case.item_version.department
    seal = (signing_selectors.seal_for_department(department_code=department.code, kind="approval")
            or signing_selectors.seal_for_department(department_code=department.code))
    if seal is not None:
        sealed = signing_services.seal_apply(seal=seal, pdf=decision, actor=actor, document_kind="decision",
                                             document_ref=case.number, case_number=case.number)
        doc = content.SealedDocument("decision", case.number, sealed, signing_services.document_hash(sealed)["sha256"])
    else:
        doc = content.SealedDocument("decision", case.number, decision,
                                     signing_services.document_hash(decision)["sha256"], decision, sealed=False)
    docs.append(("documents/decision.pdf", doc))
    for _path, d in docs:
        if d.sealed:
            d.archived = signing_services.document_archive(pdf=d.original)
    return docs


def _seal_hashes(case_number: str) -> set[str]:
    from tongban.signing.models import SealUse

    return set(SealUse.objects.filter(case_number=case_number).values_list("document_sha256", flat=True))


def case_archive(*, number: str, actor=None) -> ArchivePackage | None:
    """Package a delivered case into the archive. Returns the package, or None when a check
    failed (the record says why). Idempotent for an archived case."""
    case = (Case.objects.select_related("item_version__item", "item_version__department", "applicant", "center")
            .filter(number=number).first())
    if case is None:
        raise NotFound(_("No case with number %(n)s.") % {"n": number}, code="case_not_found")
    existing = ArchivePackage.objects.filter(case_number=number).first()
    if existing is not None:
        return existing
    if case.state != S.DELIVERED:
        raise Conflict(_("Only a delivered case is archived; %(n)s is %(s)s.")
                       % {"n": number, "s": case.get_state_display()}, code="case_not_delivered")
    agent = _label(actor)
    with transaction.atomic():
        record, _created = ArchiveRecord.objects.get_or_create(case_number=number)
        ArchiveRecord.objects.filter(pk=record.pk).update(attempts=record.attempts + 1, updated_at=timezone.now())
    storage = get_storage()
    staged = storage.stage()
    try:
        return _package(case=case, staged=staged, storage=storage, agent=agent, actor=actor)
    except BaseException:
        storage.discard(staged)
        raise


def _package(*, case: Case, staged, storage, agent: str, actor) -> ArchivePackage | None:
    algorithms = ("sha256", "sha512", "sm3") if national_crypto() else ("sha256", "sha512")
    if "sm3" in algorithms:
        bagmod.enable_sm3()
    writer = bagmod.BagWriter(staged, algorithms=algorithms)
    premis: list[content.PremisEvent] = []
    expected: list[str] = []
    try:
        from tongban.cases.files import open_stored

        materials, material_paths = [], {}
        for n, m in enumerate(case.materials.exclude(file_path=""), start=1):
            ext = content.safe_name(m.file_path.rsplit(".", 1)[-1]).lower()
            rel = f"materials/{n:02d}-{content.safe_name(m.name)}.{ext}"
            with open_stored(m.file_path) as src:
                entry = writer.add_stream(rel, src)
            materials.append((f"data/{rel}", m.sha256, entry.digests["sha256"]))
            material_paths[m.pk] = f"data/{rel}"
            expected.append(f"data/{rel}")
        documents = _sealed_documents(case, actor=actor)
        for rel, doc in documents:
            writer.add_bytes(rel, doc.archived)
            expected.append(f"data/{rel}")
        writer.add_bytes("case.json", content.dumps(content.case_json(case, material_paths=material_paths)))
        writer.add_bytes("events.json", content.dumps(content.events_json(case)))
        expected += ["data/case.json", "data/events.json", "data/metadata.xml"]
        rating = content.rating_json(case)
        if rating is not None:
            writer.add_bytes("rating.json", content.dumps(rating))
            expected.append("data/rating.json")
        retention = retention_for(case.item_version.item.code)
        meta = {
            "caseNumber": case.number, "itemCode": case.item_version.item.code, "itemName": case.item_version.name,
            "department": case.item_version.department.name, "center": case.center.name,
            "applicant": f"{content.pii.mask_name(case.applicant.name)} "
                         f"{case.applicant.id_number_masked or case.applicant.credit_code}".strip(),
            "submittedAt": case.submitted_at.isoformat(),
            "concludedOn": case.concluded_on.isoformat() if case.concluded_on else "",
            "deliveredAt": case.delivered_at.isoformat() if case.delivered_at else "",
            "retention": retention, "retainUntil": str(retain_until(case.concluded_on, retention) or "permanent"),
            "archivist": agent, "archivedAt": timezone.now().isoformat(),
            "standard": "DA/T 85-2019; DA/T 70-2018",
        }
        components = [{"path": e.path, "size": e.size, "sha256": e.digests["sha256"]} for e in writer.entries]
        writer.add_bytes("metadata.xml", content.metadata_xml(meta, components))
        premis.append(content.PremisEvent("message digest calculation", "success",
                                          f"{len(writer.entries)} files: {', '.join(algorithms)}", agent=agent))
        premis += [content.PremisEvent("PAdES B-LTA upgrade", "success", f"{d.kind} {d.ref}", agent=agent)
                   for _rel, d in documents if d.sealed]
        writer.write_manifests({
            "Source-Organization": getattr(settings, "TONGBAN_ARCHIVE_ORGANIZATION", "通办政务服务平台"),
            "External-Identifier": case.number, "External-Description": f"{meta['itemCode']} {meta['itemName']}",
            "Bagging-Date": timezone.localdate().isoformat(), "Bag-Software-Agent": "tongban archive (bagit)",
            "Internal-Sender-Identifier": case.number,
        })
        results = [
            checks.authenticity(materials=materials, documents=[(f"data/{r}", d) for r, d in documents],
                                seal_hashes=_seal_hashes(case.number)),
            checks.integrity(root=staged, expected=expected, metadata=meta),
            checks.usability(root=staged),
            checks.security(root=staged),
        ]
    finally:
        writer.close()
    vocabulary = {"authenticity": "fixity check", "integrity": "validation", "usability": "format validation",
                  "security": "virus check"}
    for r in results:
        premis.append(content.PremisEvent(vocabulary[r.name], "success" if r.passed else "failure",
                                          f"{r.name}: " + ("; ".join(r.problems) or r.detail), agent=agent))
    failed = [r for r in results if not r.passed]
    if failed:
        reason = "\n".join(f"{checks.LABELS[r.name]}：{p}" for r in failed for p in r.problems)
        with transaction.atomic():
            for r in results:
                _event(case.number, f"check_{r.name}", "success" if r.passed else "failure",
                       "; ".join(r.problems) or r.detail, agent)
            ArchiveRecord.objects.filter(case_number=case.number).update(
                state=IngestState.FAILED, reason=reason, updated_at=timezone.now())
            _case_event(case, "archive_failed", reason, {"checks": {r.name: r.passed for r in results}})
            audit_record(actor=actor, action="archive.check_failed", object_type="case", object_id=case.number,
                         detail={"failed": [r.name for r in failed]})
        storage.discard(staged)
        return None
    premis.append(content.PremisEvent("ingestion", "success", "accepted into the archive", agent=agent))
    writer.add_tag_file("premis.xml", content.premis_xml(case_number=case.number, events=premis))
    writer.write_tagmanifests()
    problems = bagmod.validate_complete(staged)
    if problems:  # our own writer produced an invalid bag: a bug, never archive it
        raise RuntimeError(f"bag for {case.number} invalid: {problems}")
    tagmanifest = (staged / "tagmanifest-sha256.txt").read_text(encoding="utf-8")
    concluded = case.concluded_on or timezone.localdate()
    key = f"{concluded.year}/{case.number}"
    applicant = case.applicant
    with transaction.atomic():
        package = ArchivePackage.objects.create(
            case_number=case.number, item_code=meta["itemCode"], item_name=meta["itemName"][:120],
            center=case.center,
            applicant_index=applicant.id_number_index or id_index(applicant.credit_code),
            applicant_masked=meta["applicant"][:120], concluded_on=concluded, archivist=agent,
            retention=retention, retain_until=retain_until(concluded, retention), storage_key=key,
            size=sum(e.size for e in writer.entries), file_count=len(writer.entries),
            manifest=(staged / "manifest-sha256.txt").read_text(encoding="utf-8"), tagmanifest=tagmanifest,
            leaf_hash=register.package_leaf(case_number=case.number, tagmanifest=tagmanifest),
        )
        for r in results:
            _event(case.number, f"check_{r.name}", "success", r.detail, agent)
        _event(case.number, "ingestion", "success", key, agent)
        ArchiveRecord.objects.filter(case_number=case.number).update(
            state=IngestState.ARCHIVED, reason="", updated_at=timezone.now())
        _case_event(case, "archive", _("Archived (%(r)s)") % {"r": retention},
                    {"files": package.file_count, "bytes": package.size, "leaf": package.leaf_hash})
        audit_record(actor=actor, action="archive.package", object_type="case", object_id=case.number,
                     detail={"leaf": package.leaf_hash, "retention": retention})
        if storage.exists(key):  # left by a crash between publishing and committing: not registered
            storage.delete(key)
        storage.publish(staged, key)  # last: a failure here rolls the rows back
    return package


# -- the register ----------------------------------------------------------------------------
@transaction.atomic
def register_close(*, day: date | None = None) -> RegisterBatch | None:
    """Seal every package and disposal record not yet in the register into the next batch:
    its Merkle root, chained to the previous batch and timestamped by the platform TSA."""
    last = RegisterBatch.objects.select_for_update().order_by("-seq").first()
    packages = list(ArchivePackage.objects.select_for_update().filter(batch__isnull=True).order_by("id"))
    disposals = list(DisposalList.objects.select_for_update()
                     .filter(state=DisposalState.EXECUTED, batch__isnull=True).order_by("id"))
    if not packages and not disposals:
        return None
    members = [["package", p.case_number, p.leaf_hash] for p in packages]
    members += [["disposal", f"D{d.pk}", d.leaf_hash] for d in disposals]
    leaves = [m[2] for m in members]
    mroot = merkle.root(leaves)
    prev = last.chain_root if last else merkle.GENESIS
    chained = merkle.chain(prev, mroot)
    token, gen_time = register.timestamp(chained)
    batch = RegisterBatch.objects.create(
        seq=(last.seq + 1) if last else 1, day=day or timezone.localdate(), leaf_count=len(members),
        members=members, merkle_root=mroot, prev_root=prev, chain_root=chained, tsa_token=token, tsa_time=gen_time,
    )
    proofs = merkle.proofs(leaves)
    for i, p in enumerate(packages):
        p.batch, p.leaf_index, p.proof = batch, i, proofs[i]
    ArchivePackage.objects.bulk_update(packages, ["batch", "leaf_index", "proof"], batch_size=500)
    DisposalList.objects.filter(pk__in=[d.pk for d in disposals]).update(batch=batch)
    audit_record(actor=None, action="archive.register_close", object_type="register_batch",
                 object_id=str(batch.seq), detail={"leaves": len(members), "chain_root": chained})
    return batch


# -- disposal ----------------------------------------------------------------------------------
def _may_approve(actor) -> bool:
    return actor is not None and actor.is_authenticated and actor.has_perm("archive.approve_disposal")


@transaction.atomic
def disposal_list_create(*, actor, as_of: date | None = None) -> DisposalList:
    """List every package whose retention period ended by `as_of` (not permanent, not already
    disposed or on an open list)."""
    as_of = as_of or timezone.localdate()
    due = (ArchivePackage.objects.filter(retain_until__lt=as_of, disposed_at__isnull=True)
           .exclude(disposal_lists__state__in=[DisposalState.PROPOSED, DisposalState.APPROVED]))
    due = list(due.order_by("retain_until", "case_number"))
    if not due:
        raise Conflict(_("No archive package reached the end of its retention period by %(d)s.")
                       % {"d": as_of.isoformat()}, code="nothing_to_dispose")
    dl = DisposalList.objects.create(created_by=_label(actor), as_of=as_of)
    dl.packages.set(due)
    audit_record(actor=actor, action="archive.disposal_propose", object_type="disposal_list",
                 object_id=str(dl.pk), detail={"cases": [p.case_number for p in due]})
    return dl


def _locked_list(disposal_id: int) -> DisposalList:
    dl = DisposalList.objects.select_for_update().filter(pk=disposal_id).first()
    if dl is None:
        raise NotFound(_("No disposal list %(n)s.") % {"n": disposal_id}, code="disposal_not_found")
    if dl.state != DisposalState.PROPOSED:
        raise Conflict(_("Disposal list %(n)s is already %(s)s.") % {"n": disposal_id, "s": dl.get_state_display()},
                       code="disposal_decided")
    return dl


@transaction.atomic
def disposal_list_reject(*, actor, disposal_id: int, note: str) -> DisposalList:
    if not _may_approve(actor):
        raise Forbidden(_("Only an archivist decides on disposal."), code="forbidden_action")
    dl = _locked_list(disposal_id)
    dl.state, dl.decided_by, dl.decided_at, dl.note = DisposalState.REJECTED, _label(actor), timezone.now(), note[:300]
    dl.save(update_fields=["state", "decided_by", "decided_at", "note"])
    audit_record(actor=actor, action="archive.disposal_reject", object_type="disposal_list",
                 object_id=str(dl.pk), detail={"note": dl.note})
    return dl


@transaction.atomic
def disposal_list_approve(*, actor, disposal_id: int, note: str = "") -> DisposalList:
    """The archivist approves: the packages are destroyed, each keeps its row (disposed) and
    the disposal record joins the register at the next close."""
    if not _may_approve(actor):
        raise Forbidden(_("Only an archivist approves disposal."), code="forbidden_action")
    dl = _locked_list(disposal_id)
    if dl.created_by == _label(actor):
        raise Forbidden(_("The archivist who approves a disposal list cannot be the one who drew it up."),
                        code="four_eyes")
    packages = list(dl.packages.select_for_update().order_by("case_number"))
    if any(p.retain_until is None or p.retain_until >= timezone.localdate() for p in packages):
        raise Conflict(_("A package on the list is still within its retention period."), code="retention_running")
    now = timezone.now()
    dl.state, dl.decided_by, dl.decided_at, dl.note = DisposalState.EXECUTED, _label(actor), now, note[:300]
    dl.executed_at = now
    dl.record = canonical_bytes({
        "list": dl.pk, "as_of": dl.as_of.isoformat(), "proposed_by": dl.created_by, "approved_by": dl.decided_by,
        "executed_at": now.isoformat(), "note": dl.note,
        "packages": [{"case": p.case_number, "leaf": p.leaf_hash, "retention": p.retention,
                      "retain_until": p.retain_until.isoformat()} for p in packages],
    }).decode()
    dl.leaf_hash = register.disposal_leaf(dl.record)
    dl.save()
    ArchivePackage.objects.filter(pk__in=[p.pk for p in packages]).update(disposed_at=now, disposal=dl)
    for p in packages:
        _event(p.case_number, "deletion", "success", f"disposal list D{dl.pk} approved by {dl.decided_by}",
               _label(actor))
    audit_record(actor=actor, action="archive.disposal_execute", object_type="disposal_list",
                 object_id=str(dl.pk), detail={"cases": [p.case_number for p in packages]})
    storage = get_storage()
    keys = [p.storage_key for p in packages]
    transaction.on_commit(lambda: [storage.delete(k) for k in keys])
    return dl


@transaction.atomic
def package_export(*, actor, package: ArchivePackage) -> bytes:
    """The package as a zip with its proof, for transfer to the archives office; audited."""
    from tongban.archive.selectors import package_export_zip

    data = package_export_zip(package)
    audit_record(actor=actor, action="archive.export", object_type="case", object_id=package.case_number,
                 detail={"bytes": len(data)})
    _event(package.case_number, "transfer export", "success", f"zip of {len(data)} bytes", _label(actor))
    return data
