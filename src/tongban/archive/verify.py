"""`tongban archive verify`: re-hash packages and check them against the register, check
every batch's Merkle root, the chain of roots and their timestamps. Each problem names the
exact item (batch, case number, file)."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

from tongban.archive import bag as bagmod
from tongban.archive import merkle, register
from tongban.archive.models import ArchivePackage, DisposalList, DisposalState, RegisterBatch
from tongban.archive.storage import get_storage


@dataclass
class VerifyReport:
    batches: int = 0
    leaves: int = 0
    packages_checked: int = 0
    files_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        head = (f"register: {self.batches} batches, {self.leaves} entries; packages re-hashed: "
                f"{self.packages_checked} ({self.files_checked} files)")
        return "\n".join([head, "OK" if self.ok else f"{len(self.problems)} PROBLEM(S):"] +
                         [f"- {p}" for p in self.problems])


def verify_chain(report: VerifyReport) -> dict[str, tuple[RegisterBatch, int, str]]:
    """Check every batch; returns {member ref: (batch, index, leaf)} of what the register holds."""
    from tongban.signing.models import Certificate, CertificateRole

    tsa = set(Certificate.objects.filter(role=CertificateRole.TSA).values_list("fingerprint", flat=True))
    held: dict[str, tuple[RegisterBatch, int, str]] = {}
    prev, expected_seq = merkle.GENESIS, 1
    for batch in RegisterBatch.objects.order_by("seq").iterator(chunk_size=200):
        report.batches += 1
        if batch.seq != expected_seq:
            report.problems.append(f"register batch #{expected_seq}: missing (next is #{batch.seq})")
        expected_seq = batch.seq + 1
        leaves = [m[2] for m in batch.members]
        report.leaves += len(leaves)
        if len(leaves) != batch.leaf_count:
            report.problems.append(f"register batch #{batch.seq}: {batch.leaf_count} entries sealed, "
                                   f"{len(leaves)} present")
        if merkle.root(leaves) != batch.merkle_root:
            report.problems.append(f"register batch #{batch.seq}: entries do not match the sealed Merkle root")
        if batch.prev_root != prev or merkle.chain(prev, batch.merkle_root) != batch.chain_root:
            report.problems.append(f"register batch #{batch.seq}: chain broken (root does not follow batch "
                                   f"#{batch.seq - 1})")
        why = register.verify_token(bytes(batch.tsa_token), batch.chain_root, tsa)
        if why:
            report.problems.append(f"register batch #{batch.seq}: {why}")
        prev = batch.chain_root
        for i, (_kind, ref, leaf) in enumerate(batch.members):
            held[ref] = (batch, i, leaf)
    return held


def _check_files(package: ArchivePackage, root, report: VerifyReport) -> None:
    name = package.case_number
    recorded_tags = bagmod.parse_manifest(package.tagmanifest)
    recorded_payload = bagmod.parse_manifest(package.manifest)
    manifest_digest = recorded_tags.get("manifest-sha256.txt")
    if manifest_digest != hashlib.sha256(package.manifest.encode()).hexdigest():
        report.problems.append(f"package {name}: the recorded manifest differs from its register entry")
    expected = {**recorded_tags, **recorded_payload, "tagmanifest-sha256.txt": None}
    present = bagmod.files_under(root)
    for other in sorted(p for p in present if p.startswith("tagmanifest-") and p != "tagmanifest-sha256.txt"):
        # not covered by tagmanifest-sha256 (tag manifests never list each other): check its entries
        alg = other[len("tagmanifest-"):-len(".txt")]
        expected[other] = None
        try:
            listed = bagmod.parse_manifest((root / other).read_text(encoding="utf-8"))
            wrong = [f for f, d in listed.items()
                     if f not in recorded_tags or bagmod.new_hash(alg, (root / f).read_bytes()).hexdigest() != d]
        except (ValueError, OSError):
            wrong = ["(unreadable)"]
        if wrong or set(listed) != set(recorded_tags):
            report.problems.append(f"package {name}: file {other} changed")
    for path in sorted(set(expected) - present):
        report.problems.append(f"package {name}: file {path} deleted")
    for path in sorted(present - set(expected)):
        report.problems.append(f"package {name}: unexpected file {path} added")
    for path in sorted(set(expected) & present):
        report.files_checked += 1
        digest = bagmod.sha256_file(root / path)
        if path == "tagmanifest-sha256.txt":
            if digest != hashlib.sha256(package.tagmanifest.encode()).hexdigest():
                report.problems.append(f"package {name}: file {path} changed")
        elif expected[path] is not None and digest != expected[path]:
            report.problems.append(f"package {name}: file {path} changed")


def verify(*, sample: int | None = None, chain_only: bool = False, seed: int | None = None) -> VerifyReport:
    report = VerifyReport()
    held = verify_chain(report)
    storage = get_storage()
    rows = ArchivePackage.objects.only("case_number", "leaf_hash", "batch_id", "leaf_index", "proof",
                                       "disposed_at", "disposal_id", "storage_key")
    batches = {b.pk: b for b in RegisterBatch.objects.only("id", "seq", "merkle_root")}
    known: set[str] = set()
    for p in rows.iterator(chunk_size=2000):
        known.add(p.case_number)
        entry = held.get(p.case_number)
        if p.batch_id is None:
            continue  # waits for the next register close
        if entry is None:
            report.problems.append(f"package {p.case_number}: its register entry was removed")
            continue
        batch = batches[p.batch_id]
        if entry[2] != p.leaf_hash or entry[1] != p.leaf_index:
            report.problems.append(f"package {p.case_number}: differs from its register entry in batch #{batch.seq}")
        elif not merkle.verify_proof(p.leaf_hash, p.proof, batch.merkle_root):
            report.problems.append(f"package {p.case_number}: inclusion proof fails for batch #{batch.seq}")
    for ref in held:
        if ref not in known and not (ref.startswith("D") and ref[1:].isdigit()):
            report.problems.append(f"package {ref}: in the register (batch #{held[ref][0].seq}) but its record "
                                   f"was deleted")
    if chain_only:
        return report
    _verify_disposals(held, report)
    packages = list(ArchivePackage.objects.filter(disposed_at__isnull=True).order_by("id"))
    if sample is not None and sample < len(packages):
        packages = random.Random(seed).sample(packages, sample)  # noqa: S311 - audit sampling, not crypto
    for p in packages:
        report.packages_checked += 1
        leaf = register.package_leaf(case_number=p.case_number, tagmanifest=p.tagmanifest)
        if leaf != p.leaf_hash:
            report.problems.append(f"package {p.case_number}: recorded tag manifest differs from its register leaf")
        if not storage.exists(p.storage_key):
            report.problems.append(f"package {p.case_number}: deleted from storage ({p.storage_key})")
            continue
        _check_files(p, storage.local_path(p.storage_key), report)
    if sample is None:
        live = {p.storage_key for p in ArchivePackage.objects.filter(disposed_at__isnull=True).only("storage_key")}
        disposed = {p.storage_key for p in ArchivePackage.objects.filter(disposed_at__isnull=False).only("storage_key")}
        for key in storage.keys():
            if key in disposed:
                report.problems.append(f"package {key}: disposed but still in storage")
            elif key not in live:
                report.problems.append(f"package {key}: in storage but not in the register")
    return report


def _verify_disposals(held, report: VerifyReport) -> None:
    from tongban.archive import register as reg

    for dl in DisposalList.objects.filter(state=DisposalState.EXECUTED):
        if reg.disposal_leaf(dl.record) != dl.leaf_hash:
            report.problems.append(f"disposal list D{dl.pk}: record altered")
        entry = held.get(f"D{dl.pk}")
        if dl.batch_id is not None and (entry is None or entry[2] != dl.leaf_hash):
            report.problems.append(f"disposal list D{dl.pk}: its register entry was removed or altered")
    lists = {dl.pk: dl for dl in DisposalList.objects.filter(state=DisposalState.EXECUTED)}
    for p in ArchivePackage.objects.filter(disposed_at__isnull=False).only("case_number", "disposal_id"):
        dl = lists.get(p.disposal_id)
        if dl is None or f'"case":"{p.case_number}"' not in dl.record:
            report.problems.append(f"package {p.case_number}: marked disposed without an approved disposal record")
