"""Printable documents of a case as PDF: 受理通知书 (acceptance notice), 一次性告知书 (one-time
correction notice) and 不予受理决定书 (refusal decision).

The documents are legal instruments whose wording is fixed in Chinese, so their text is
Chinese here rather than going through the UI translation catalogue. The CJK font comes from
tongban.signing.pdf.cjk_font (an embedded TrueType font when installed, else STSong-Light).
"""

from __future__ import annotations

import io
from datetime import date

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from tongban.signing.pdf import cjk_font

MARGIN = 25 * mm
WIDTH, HEIGHT = A4


def _cn_date(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "—"


class _Doc:
    def __init__(self, title: str):
        self.buffer = io.BytesIO()
        self.font = cjk_font()
        self.c = canvas.Canvas(self.buffer, pagesize=A4)
        self.c.setTitle(title)
        self.c.setAuthor("通办")
        self.y = HEIGHT - MARGIN
        self.c.setFont(self.font, 20)
        self.c.drawCentredString(WIDTH / 2, self.y, title)
        self.y -= 14 * mm

    def line(self, text: str, *, size: int = 12, indent: float = 0, gap: float = 7.5 * mm) -> None:
        """Write text, wrapping at the right margin (character-wise: Chinese has no spaces)."""
        self.c.setFont(self.font, size)
        limit = WIDTH - 2 * MARGIN - indent
        current = ""
        for ch in text:
            if stringWidth(current + ch, self.font, size) > limit:
                self._emit(current, indent, gap)
                current = ""
            current += ch
        self._emit(current, indent, gap)

    def _emit(self, text: str, indent: float, gap: float) -> None:
        if self.y < MARGIN + 20 * mm:
            self.c.showPage()
            self.y = HEIGHT - MARGIN
            self.c.setFont(self.font, 12)
        self.c.drawString(MARGIN + indent, self.y, text)
        self.y -= gap

    def space(self, amount: float = 4 * mm) -> None:
        self.y -= amount

    def sign_off(self, center_name: str, on: date) -> None:
        self.space(10 * mm)
        self.c.setFont(self.font, 12)
        self.c.drawRightString(WIDTH - MARGIN, self.y, center_name)
        self.y -= 7.5 * mm
        self.c.drawRightString(WIDTH - MARGIN, self.y, _cn_date(on))

    def pdf(self) -> bytes:
        self.c.showPage()
        self.c.save()
        return self.buffer.getvalue()


def _header(doc: _Doc, case) -> None:
    doc.line(f"办件编号：{case.number}", size=11)
    doc.line(f"申请人：{case.applicant.name}", size=11)
    if case.applicant.id_number_masked or case.applicant.credit_code:
        doc.line(f"证件号码：{case.applicant.id_number_masked or case.applicant.credit_code}", size=11)
    doc.line(f"申请事项：{case.item_version.name}（{case.item_version.item.code}）", size=11)
    doc.space()


def acceptance_notice(case) -> bytes:
    doc = _Doc("受理通知书")
    _header(doc, case)
    doc.line(f"{case.applicant.name}：")
    doc.line(f"你（单位）于{_cn_date(timezone.localdate(case.submitted_at))}提出的{case.item_version.name}申请，"
             f"申请材料齐全、符合法定形式，本机关决定予以受理。", indent=8 * mm)
    doc.line(f"承诺办结时限：{case.item_version.promised_limit_days}个工作日，预计于{_cn_date(case.promised_due)}前办结；"
             f"法定办结时限：{case.item_version.legal_limit_days}个工作日（{_cn_date(case.legal_due)}）。", indent=8 * mm)
    doc.line("法定节假日不计入办理时限；依法需要听证、检验、检测、鉴定、专家评审等特别程序的，所需时间不计入时限。",
             indent=8 * mm)
    doc.space()
    doc.line("已收取的材料：")
    for i, m in enumerate(case.materials.all(), start=1):
        state = "已收取" if m.status == "received" else f"免提交（{m.exemption_reason or m.source}）"
        doc.line(f"{i}. {m.name}：{state}", indent=8 * mm, size=11)
    doc.space()
    doc.line("可凭办件编号和身份证件号码在政务服务网站查询办理进度。", size=11)
    doc.sign_off(case.center.name, timezone.localdate(case.accepted_at) if case.accepted_at else timezone.localdate())
    return doc.pdf()


def correction_notice(case, notice) -> bytes:
    doc = _Doc("一次性告知书")
    _header(doc, case)
    doc.line(f"{case.applicant.name}：")
    doc.line(f"你（单位）提出的{case.item_version.name}申请，经审查，申请材料不齐全或者不符合法定形式。"
             f"根据《中华人民共和国行政许可法》第三十二条，现一次性告知需要补正的全部内容如下：", indent=8 * mm)
    doc.space(2 * mm)
    for i, name in enumerate(notice.missing, start=1):
        doc.line(f"{i}. {name}", indent=8 * mm)
    if notice.note:
        doc.space(2 * mm)
        doc.line(f"说明：{notice.note}", indent=8 * mm)
    doc.space()
    doc.line("请补齐上述材料后，持本告知书到原窗口提交。补正期间不计入办理时限；补正材料齐全后，本机关将予以受理。",
             indent=8 * mm)
    doc.sign_off(case.center.name, timezone.localdate(notice.issued_at))
    return doc.pdf()


def refusal_decision(case) -> bytes:
    doc = _Doc("不予受理决定书")
    _header(doc, case)
    doc.line(f"{case.applicant.name}：")
    doc.line(f"你（单位）于{_cn_date(timezone.localdate(case.submitted_at))}提出的{case.item_version.name}申请，"
             f"经审查，决定不予受理。理由如下：", indent=8 * mm)
    doc.line(case.outcome_note or "—", indent=8 * mm)
    doc.space()
    doc.line("如对本决定不服，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。",
             indent=8 * mm)
    doc.sign_off(case.center.name, timezone.localdate(case.decided_at) if case.decided_at else timezone.localdate())
    return doc.pdf()
