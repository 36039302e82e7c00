"""PDF rendering helpers (CJK font) and PAdES sealing / validation with pyHanko.

Signatures are PAdES (ETSI.CAdES.detached) with ECDSA P-256, an RFC 3161 timestamp from the
platform TSA and validation data (certificates, CRLs) embedded: B-LT at issue. `upgrade_to_lta`
adds a document timestamp over the DSS (B-LTA) when a document is archived.

Validation judges each signature by pyHanko's `bottom_line` (integrity, trust, timestamp,
modification policy), and the document as a whole additionally requires that nothing but
validation data follows the last signature.
"""

from __future__ import annotations

import io
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from django.utils.translation import gettext as _
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext

from tongban.signing import conf

logger = logging.getLogger(__name__)
FALLBACK_FONT = "STSong-Light"
BYTES_RESERVED = 12288


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """Register and return the font name for Chinese text: an embedded TrueType CJK font when
    one is installed (self-contained archives), otherwise the non-embedded STSong-Light."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    path = conf.cjk_font_path()
    if path and os.path.exists(path):
        try:
            pdfmetrics.registerFont(TTFont("TongbanCJK", path, subfontIndex=0))
            return "TongbanCJK"
        except Exception:  # noqa: BLE001 - a broken font file must not stop issuance
            logger.warning("CJK font %s unusable; falling back to %s", path, FALLBACK_FONT, exc_info=True)
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def validation_context(*, roots_der: list[bytes], crls_der: list[bytes], other_certs_der=(),
                       moment: datetime | None = None) -> ValidationContext:
    from asn1crypto import x509 as asn1_x509

    return ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(r) for r in roots_der],
        other_certs=[asn1_x509.Certificate.load(c) for c in other_certs_der],
        crls=list(crls_der),
        allow_fetching=False,
        revocation_mode="hard-fail",
        moment=moment,
    )


def sign(pdf: bytes, *, signer, timestamper, vc: ValidationContext, field_name: str,
         image_png: bytes | None = None, box: tuple[int, int, int, int] | None = None, page: int = 0,
         reason: str = "", location: str = "", signer_name: str = "") -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        embed_validation_info=True,
        validation_context=vc,
        reason=reason or None,
        location=location or None,
        name=signer_name or None,
    )
    stamp_style = None
    new_field = None
    if box is not None:
        new_field = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box)
        if image_png is not None:
            from PIL import Image

            stamp_style = StaticStampStyle(
                background=PdfImage(Image.open(io.BytesIO(image_png))), border_width=0,
                background_opacity=1.0,
                background_layout=layout.SimpleBoxLayoutRule(
                    x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
                    margins=layout.Margins.uniform(0)),
            )
    else:
        new_field = fields.SigFieldSpec(sig_field_name=field_name)
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper,
                                   stamp_style=stamp_style, new_field_spec=new_field)
    out = io.BytesIO()
    # A fixed reservation skips pyHanko's trial signature (and trial timestamp) per document;
    # our CMS (signer + root certificate + timestamp token) is about 3 KB.
    pdf_signer.sign_pdf(writer, output=out, bytes_reserved=BYTES_RESERVED)
    return out.getvalue()


def upgrade_to_lta(pdf: bytes, *, timestamper, vc: ValidationContext) -> bytes:
    """Add the DSS for every signature plus a document timestamp (PAdES B-LTA)."""
    from pyhanko.sign.signers.pdf_signer import PdfTimeStamper

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = io.BytesIO()
    PdfTimeStamper(timestamper).timestamp_pdf(writer, "sha256", vc, output=out)
    return out.getvalue()


@dataclass
class SignatureReport:
    field: str
    signer: str
    valid: bool
    reasons: list[str] = field(default_factory=list)
    signed_at: datetime | None = None
    timestamped: bool = False
    is_document_timestamp: bool = False
    serial_number: int | None = None


@dataclass
class PdfReport:
    valid: bool
    reasons: list[str]
    signatures: list[SignatureReport]

    def summary(self) -> str:
        lines = [_("VALID") if self.valid else _("INVALID")]
        lines += [f"- {r}" for r in self.reasons]
        for s in self.signatures:
            state = _("valid") if s.valid else _("invalid")
            lines.append(f"  {s.field}: {s.signer} [{state}]" + (
                f" {s.signed_at.isoformat()}" if s.signed_at else ""))
            lines += [f"    {r}" for r in s.reasons]
        return "\n".join(lines)


def _reasons_for(status) -> list[str]:
    reasons = []
    if not status.intact:
        reasons.append(_("The document was changed after it was signed (digest mismatch)."))
    elif not status.valid:
        reasons.append(_("The signature value does not match the signer's key."))
    if status.intact and not status.trusted:
        indic = getattr(status, "trust_problem_indic", None)
        text = str(indic) if indic else ""
        if "REVOKED" in text:
            reasons.append(_("The signer's certificate has been revoked."))
        elif "EXPIRED" in text or "OUT_OF_BOUNDS" in text or "NOT_YET" in text:
            reasons.append(_("The signer's certificate is expired or not yet valid."))
        else:
            reasons.append(_("The signer's certificate is not issued by a trusted authority."))
    ts = getattr(status, "timestamp_validity", None)
    if ts is not None and not (ts.valid and ts.intact and ts.trusted):
        reasons.append(_("The signature timestamp is not valid."))
    level = getattr(status, "modification_level", None)
    if level is not None and not getattr(status, "docmdp_ok", True):
        reasons.append(_("Content was added or changed after signing."))
    if not reasons and not status.bottom_line:
        reasons.append(_("The signature is not valid."))
    return reasons


def verify(pdf: bytes, *, vc_factory) -> PdfReport:
    """Validate every signature; `vc_factory()` returns a fresh ValidationContext."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - any parse failure means "not a valid sealed PDF"
        return PdfReport(False, [_("The file is not a readable PDF: %(e)s") % {"e": exc}], [])
    if not embedded:
        return PdfReport(False, [_("The document carries no signature or seal.")], [])
    reports: list[SignatureReport] = []
    for sig in embedded:
        vc = vc_factory()
        try:
            if sig.sig_object_type == "/DocTimeStamp":
                from pyhanko.sign.validation import validate_pdf_timestamp

                status = validate_pdf_timestamp(sig, validation_context=vc)
                ok = bool(status.valid and status.intact and status.trusted)
                reasons = [] if ok else _reasons_for_ts(status)
                reports.append(SignatureReport(sig.field_name, _("document timestamp"), ok, reasons,
                                               status.timestamp, True, True))
                continue
            status = validate_pdf_signature(sig, vc, ts_validation_context=vc_factory())
        except Exception as exc:  # noqa: BLE001
            reports.append(SignatureReport(sig.field_name, "?", False, [_("The signature cannot be read: %(e)s") % {"e": exc}]))
            continue
        cert = status.signing_cert
        ts = status.timestamp_validity
        reports.append(SignatureReport(
            field=sig.field_name,
            signer=cert.subject.human_friendly if cert is not None else "?",
            valid=bool(status.bottom_line),
            reasons=_reasons_for(status) if not status.bottom_line else [],
            signed_at=ts.timestamp if ts is not None else status.signer_reported_dt,
            timestamped=ts is not None,
            serial_number=cert.serial_number if cert is not None else None,
        ))
    reasons: list[str] = []
    for r in reports:
        reasons += r.reasons
    # pyHanko judges each incremental revision; raw bytes after the last %%EOF are caught here.
    if not pdf.rstrip(b"\r\n\x00 \t").endswith(b"%%EOF"):
        reasons.append(_("Content was appended after the last signature."))
    valid = bool(reports) and all(r.valid for r in reports) and not reasons
    return PdfReport(valid, list(dict.fromkeys(reasons)), reports)


def _reasons_for_ts(status) -> list[str]:
    if not status.intact:
        return [_("The document was changed after the archive timestamp (digest mismatch).")]
    if not status.trusted:
        return [_("The archive timestamp is not issued by a trusted authority.")]
    return [_("The archive timestamp is not valid.")]
