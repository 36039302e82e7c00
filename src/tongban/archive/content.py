"""What a case's archive package holds: application data and the event log as JSON, the
materials, the decision (rendered and sealed by the department when it has a seal) and the
licenses issued for the case, metadata in XML and PREMIS event records."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from django.utils import timezone

from tongban.cases.models import Case, S
from tongban.core import pii

PREMIS_NS = "http://www.loc.gov/premis/v3"
META_NS = "urn:tongban:archive:metadata:1"
REQUIRED_METADATA = ("caseNumber", "itemCode", "itemName", "department", "center", "applicant",
                     "submittedAt", "concludedOn", "retention", "archivist")


@dataclass
class SealedDocument:
    kind: str  # decision / license
    ref: str
    original: bytes  # as sealed (its hash is on record)
    recorded_sha256: str  # what the platform stored when it sealed the document
    archived: bytes = b""  # upgraded to PAdES B-LTA
    sealed: bool = True


@dataclass
class PremisEvent:
    event_type: str
    outcome: str
    detail: str
    at: str = field(default_factory=lambda: timezone.now().isoformat())
    agent: str = "tongban archive"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def safe_name(name: str) -> str:
    cleaned = re.sub(r"[\x00-\x1f/\\%:*?\"<>|]", "_", name).strip(" .")
    return cleaned[:80] or "file"


def case_json(case: Case, *, material_paths: dict[int, str]) -> dict:
    applicant = case.applicant
    version = case.item_version
    return {
        "number": case.number, "region": case.region_code,
        "item": {"code": version.item.code, "name": version.name, "version": version.version,
                 "department": version.department.name, "legal_limit_days": version.legal_limit_days,
                 "promised_limit_days": version.promised_limit_days},
        "applicant": {"kind": applicant.kind, "name": pii.mask_name(applicant.name),
                      "id_number": applicant.id_number_masked, "credit_code": applicant.credit_code,
                      "phone": applicant.phone_masked},
        "channel": case.channel, "center": case.center.name, "state": case.state, "id_only": case.id_only,
        "submitted_at": _iso(case.submitted_at), "accepted_at": _iso(case.accepted_at),
        "decided_at": _iso(case.decided_at), "concluded_at": _iso(case.concluded_at),
        "delivered_at": _iso(case.delivered_at), "promised_due": _iso(case.promised_due),
        "legal_due": _iso(case.legal_due), "paused_days": case.paused_days,
        "extension_days": case.extension_days, "on_time": case.on_time, "duration_days": case.duration_days,
        "delivery": {"method": case.delivery_method, "reference": case.delivery_reference},
        "outcome_note": case.outcome_note,
        "materials": [
            {"name": m.name, "status": m.status, "source": m.source, "exemption_reason": m.exemption_reason,
             "original_name": m.original_name, "content_type": m.content_type, "size": m.size,
             "sha256": m.sha256, "received_at": _iso(m.received_at), "archived_as": material_paths.get(m.pk)}
            for m in case.materials.all()
        ],
        "pauses": [{"kind": p.kind, "reason": p.reason, "from": _iso(p.started_on), "to": _iso(p.ended_on),
                    "working_days": p.working_days} for p in case.pauses.all()],
        "correction_notices": [{"missing": n.missing, "note": n.note, "issued_at": _iso(n.issued_at),
                                "resolved_at": _iso(n.resolved_at)} for n in case.correction_notices.all()],
    }


def events_json(case: Case) -> list[dict]:
    return [{"id": e.pk, "at": _iso(e.at), "by": e.actor_label, "action": e.action, "from": e.from_state,
             "to": e.to_state, "note": e.note, "data": e.data} for e in case.events.order_by("id")]


def rating_json(case: Case) -> dict | None:
    rating = getattr(case, "rating", None)
    if rating is None:
        return None
    rect = getattr(rating, "rectification", None)
    return {"score": rating.score, "text": rating.text, "channel": rating.channel,
            "created_at": _iso(rating.created_at),
            "rectification": None if rect is None else {
                "state": rect.state, "due_on": _iso(rect.due_on), "answer": rect.answer,
                "follow_up_note": rect.follow_up_note, "closed_at": _iso(rect.closed_at)}}


def dumps(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True).encode()


def approved(case: Case) -> bool:
    return case.events.filter(action="approve").exists() or case.events.filter(to_state=S.APPROVED).exists()


def decision_pdf(case: Case) -> bytes:
    """The decision of the case as an A4 PDF (archive copy), to be sealed by the department."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from tongban.signing.pdf import cjk_font

    font = cjk_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(f"{case.number} decision")
    title = "准予行政许可决定书" if approved(case) else "不予行政许可决定书"
    c.setFont(font, 20)
    c.drawCentredString(A4[0] / 2, 760, title)
    c.setFont(font, 11)
    rows = [
        ("办件编号", case.number), ("事项", f"{case.item_version.item.code} {case.item_version.name}"),
        ("申请人", pii.mask_name(case.applicant.name)), ("受理机构", case.center.name),
        ("决定日期", timezone.localtime(case.decided_at).date().isoformat() if case.decided_at else ""),
        ("办结日期", case.concluded_on.isoformat() if case.concluded_on else ""),
        ("决定", case.outcome_note or ("准予" if approved(case) else "不予")),
        ("决定机关", case.item_version.department.name),
    ]
    y = 700
    for label, value in rows:
        c.drawString(72, y, f"{label}：{value}"[:70])
        y -= 24
    c.setFont(font, 9)
    c.drawString(72, 120, "本件为办结归档件（电子档案），依据办件记录生成并加盖电子印章。")
    c.showPage()
    c.save()
    return buf.getvalue()


def _sub(parent, tag: str, text=None, ns: str = META_NS):
    el = ET.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        el.text = str(text)
    return el


def metadata_xml(meta: dict[str, str], components: list[dict]) -> bytes:
    ET.register_namespace("", META_NS)
    root = ET.Element(f"{{{META_NS}}}archiveRecord")
    for key, value in meta.items():
        _sub(root, key, value)
    comps = _sub(root, "components")
    for comp in components:
        el = _sub(comps, "component")
        for k, v in comp.items():
            el.set(k, str(v))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def premis_xml(*, case_number: str, events: list[PremisEvent]) -> bytes:
    ET.register_namespace("premis", PREMIS_NS)
    root = ET.Element(f"{{{PREMIS_NS}}}premis", {"version": "3.0"})
    obj = _sub(root, "object", ns=PREMIS_NS)
    obj.set("{http://www.w3.org/2001/XMLSchema-instance}type", "premis:intellectualEntity")
    ident = _sub(obj, "objectIdentifier", ns=PREMIS_NS)
    _sub(ident, "objectIdentifierType", "case number", ns=PREMIS_NS)
    _sub(ident, "objectIdentifierValue", case_number, ns=PREMIS_NS)
    for n, ev in enumerate(events, start=1):
        el = _sub(root, "event", ns=PREMIS_NS)
        eid = _sub(el, "eventIdentifier", ns=PREMIS_NS)
        _sub(eid, "eventIdentifierType", "local", ns=PREMIS_NS)
        _sub(eid, "eventIdentifierValue", f"{case_number}-{n}", ns=PREMIS_NS)
        _sub(el, "eventType", ev.event_type, ns=PREMIS_NS)
        _sub(el, "eventDateTime", ev.at, ns=PREMIS_NS)
        _sub(_sub(el, "eventDetailInformation", ns=PREMIS_NS), "eventDetail", ev.detail, ns=PREMIS_NS)
        _sub(_sub(el, "eventOutcomeInformation", ns=PREMIS_NS), "eventOutcome", ev.outcome, ns=PREMIS_NS)
        agent = _sub(el, "linkingAgentIdentifier", ns=PREMIS_NS)
        _sub(agent, "linkingAgentIdentifierType", "local", ns=PREMIS_NS)
        _sub(agent, "linkingAgentIdentifierValue", ev.agent, ns=PREMIS_NS)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
