"""The four-property checks at ingest (DA/T 70-2018 四性检测): authenticity, integrity,
usability and security. Each returns the problems it found, each naming the file or field;
an empty list is a pass."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.archive import bag as bagmod
from tongban.archive.content import REQUIRED_METADATA, SealedDocument

ALLOWED_FORMATS = {
    ".pdf": b"%PDF-", ".jpg": b"\xff\xd8\xff", ".png": b"\x89PNG\r\n\x1a\n", ".json": None, ".xml": b"<?xml",
}
EICAR = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
PDF_ACTIVE = (b"/JavaScript", b"/Launch", b"/EmbeddedFile", b"/RichMedia")


# DA/T 70-2018's names of the four properties, as the clerk reads them in a failure reason
LABELS = {"authenticity": gettext_lazy("authenticity"), "integrity": gettext_lazy("integrity"),
          "usability": gettext_lazy("usability"), "security": gettext_lazy("security")}


@dataclass
class CheckResult:
    name: str  # authenticity / integrity / usability / security (PREMIS and event names)
    problems: list[str] = field(default_factory=list)
    detail: str = ""

    @property
    def passed(self) -> bool:
        return not self.problems


def authenticity(*, materials: list[tuple[str, str, str]], documents: list[tuple[str, SealedDocument]],
                 seal_hashes: set[str]) -> CheckResult:
    """materials: (bag path, recorded sha256, sha256 as copied); documents: (bag path, doc)."""
    from tongban.signing import selectors as signing_selectors

    result = CheckResult("authenticity")
    for path, recorded, copied in materials:
        if recorded != copied:
            result.problems.append(_("%(p)s: SHA-256 %(c)s differs from the case record %(r)s.")
                                   % {"p": path, "c": copied[:16], "r": recorded[:16]})
    signatures = 0
    for path, doc in documents:
        if hashlib.sha256(doc.original).hexdigest() != doc.recorded_sha256:
            result.problems.append(_("%(p)s: the document differs from the one the platform issued.") % {"p": path})
        if not doc.sealed:
            continue
        if doc.recorded_sha256 not in seal_hashes:
            result.problems.append(_("%(p)s: no seal use is recorded for this document.") % {"p": path})
        if not doc.archived.startswith(doc.original):
            result.problems.append(_("%(p)s: the archived copy does not extend the sealed original.") % {"p": path})
        report = signing_selectors.pdf_verify(doc.archived)
        signatures += len(report.signatures)
        if not report.valid:
            result.problems.append(_("%(p)s: signature not valid: %(r)s") % {"p": path, "r": "; ".join(report.reasons)})
    result.detail = _("%(m)s material checksums and %(s)s signatures checked") % {"m": len(materials), "s": signatures}
    return result


def integrity(*, root: Path, expected: list[str], metadata: dict[str, str]) -> CheckResult:
    result = CheckResult("integrity")
    present = bagmod.files_under(root)
    for path in expected:
        if path not in present:
            result.problems.append(_("%(p)s: expected component missing.") % {"p": path})
    result.problems += [_("bag: %(e)s") % {"e": e} for e in bagmod.validate_complete(root)]
    for key in REQUIRED_METADATA:
        if not str(metadata.get(key) or "").strip():
            result.problems.append(_("metadata: required field %(k)s is empty.") % {"k": key})
    result.detail = _("%(n)s components, bag complete, %(k)s metadata fields") % {
        "n": len(expected), "k": len(REQUIRED_METADATA)}
    return result


def _pdf_opens(data: bytes) -> str | None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    def pages_under(node, depth=0) -> int:
        if depth > 50:
            raise ValueError("page tree too deep")
        node = node.get_object()
        if "/Kids" not in node:
            node["/Contents"]  # noqa: B018 - a page without readable content is unusable
            return 1
        return sum(pages_under(kid, depth + 1) for kid in node["/Kids"])

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        pages = pages_under(reader.root["/Pages"])
    except Exception as exc:  # noqa: BLE001 - any parser failure makes the file unusable
        return str(exc) or exc.__class__.__name__
    return None if pages > 0 else "no pages"


def usability(*, root: Path) -> CheckResult:
    result = CheckResult("usability")
    count = 0
    for rel in sorted(bagmod.files_under(root / "data")):
        path = root / "data" / rel
        suffix = path.suffix.lower()
        count += 1
        if suffix not in ALLOWED_FORMATS:
            result.problems.append(_("data/%(p)s: format %(s)s is not on the allowed list.") % {"p": rel, "s": suffix})
            continue
        data = path.read_bytes()
        magic = ALLOWED_FORMATS[suffix]
        if magic is not None and not data.startswith(magic):
            result.problems.append(_("data/%(p)s: content is not %(s)s.") % {"p": rel, "s": suffix})
            continue
        try:
            if suffix == ".json":
                json.loads(data)
            elif suffix == ".xml":
                ET.fromstring(data)  # noqa: S314 - the XML was written by this package a moment ago
        except (ValueError, ET.ParseError) as exc:
            result.problems.append(_("data/%(p)s: cannot be parsed: %(e)s") % {"p": rel, "e": exc})
        if suffix == ".pdf" and (err := _pdf_opens(data)) is not None:
            result.problems.append(_("data/%(p)s: the PDF does not open: %(e)s") % {"p": rel, "e": err})
    result.detail = _("%(n)s files opened and parsed") % {"n": count}
    return result


def simple_scan(root: Path) -> list[str]:
    """The demo scanner: ClamAV when installed, else a content check (the EICAR test string,
    active content in PDFs)."""
    if clamscan := shutil.which("clamscan"):
        run = subprocess.run([clamscan, "-r", "--infected", "--no-summary", str(root)],  # noqa: S603
                             capture_output=True, text=True)
        if run.returncode == 1:
            return [line.replace(str(root) + "/", "") for line in run.stdout.splitlines() if line.strip()]
        if run.returncode == 0:
            return []
    problems = []
    for rel in sorted(bagmod.files_under(root)):
        data = (root / rel).read_bytes()
        if EICAR in data:
            problems.append(_("%(p)s: contains a virus test signature (EICAR).") % {"p": rel})
        if rel.lower().endswith(".pdf"):
            found = [m.decode() for m in PDF_ACTIVE if m in data]
            if found:
                problems.append(_("%(p)s: PDF carries active content %(m)s.") % {"p": rel, "m": ", ".join(found)})
    return problems


def security(*, root: Path) -> CheckResult:
    scanner = import_string(getattr(settings, "TONGBAN_ARCHIVE_SCANNER", "tongban.archive.checks.simple_scan"))
    result = CheckResult("security", problems=list(scanner(root)))
    result.detail = _("scanned with %(s)s") % {"s": "clamscan" if shutil.which("clamscan") else "content check"}
    return result
