"""Archive benchmarks (a script, not a test):

1. Packaging throughput for a large material: the package's byte path (copy into the bag while
   computing SHA-256 + SHA-512, manifests, bagit completeness check) against plain `sha256sum`
   over the same bytes. Target >= 50 %. Also shown with SM3 added (national cryptography on).
2. `archive verify --chain-only` over a register of 100,000 packages in 365 daily batches
   (Merkle roots recomputed, chain, RFC 3161 token of every batch, every package's leaf and
   inclusion proof). Target < 60 s.

Run:  .venv/bin/python benchmarks/bench_archive.py      (ARCHIVE_BENCH_MB=512 by default)
It uses a throw-away SQLite database and directories under a temporary directory.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="tongban-bench-archive-"))
os.environ["TONGBAN_VAR_DIR"] = str(TMP)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)

from datetime import date, timedelta  # noqa: E402

from tongban.archive import bag as bagmod  # noqa: E402
from tongban.archive import merkle, register  # noqa: E402
from tongban.archive.models import ArchivePackage, RegisterBatch  # noqa: E402
from tongban.archive.verify import verify  # noqa: E402
from tongban.org.models import Center, CenterLevel, Region  # noqa: E402

MB = int(os.environ.get("ARCHIVE_BENCH_MB", "512"))
PACKAGES = int(os.environ.get("ARCHIVE_BENCH_PACKAGES", "100000"))
DAYS = 365


def best_of(fn, rounds=3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_packaging():
    material = TMP / "material.bin"
    with open(material, "wb") as f:
        for _ in range(MB):
            f.write(os.urandom(1024 * 1024))

    def sha256sum():
        subprocess.run(["sha256sum", str(material)], check=True, capture_output=True)

    def package(algorithms):
        def run():
            root = Path(tempfile.mkdtemp(dir=TMP))
            writer = bagmod.BagWriter(root, algorithms=algorithms)
            with open(material, "rb") as src:
                writer.add_stream("materials/01-large.bin", src)
            writer.write_manifests({"External-Identifier": "BENCH"})
            writer.write_tagmanifests()
            writer.close()
            assert not bagmod.validate_complete(root)
            subprocess.run(["rm", "-rf", str(root)], check=True)
        return run

    bagmod.enable_sm3()
    sha256sum()  # warm the page cache
    base = best_of(sha256sum)
    plain = best_of(package(("sha256", "sha512")))
    gm = best_of(package(("sha256", "sha512", "sm3")), rounds=1)
    print(f"packaging {MB} MB: sha256sum {MB / base:7.0f} MB/s; package sha256+sha512 {MB / plain:7.0f} MB/s "
          f"= {base / plain:.0%} (target >= 50%); with SM3 {MB / gm:5.0f} MB/s = {base / gm:.0%}")
    material.unlink()
    return base / plain >= 0.5


def build_register():
    region = Region.objects.create(code="611100", name="西咸新区", bureau="西咸新区行政审批服务局")
    center = Center.objects.create(region=region, code="bench", name="bench", level=CenterLevel.AREA,
                                   address="-", opening_hours="-")
    per_day = -(-PACKAGES // DAYS)
    prev, n, start_day = merkle.GENESIS, 0, date(2023, 1, 1)
    for d in range(DAYS):
        count = min(per_day, PACKAGES - n)
        if count <= 0:
            break
        rows = []
        for i in range(count):
            number = f"611100-B{n + i:09d}"
            tag = f"{n + i:064x}  bag-info.txt\n"
            rows.append(ArchivePackage(
                case_number=number, item_code="GJJ-0001", item_name="bench", center=center, applicant_index="x",
                applicant_masked="x", concluded_on=start_day, archivist="bench", retention="30y",
                storage_key=f"2023/{number}", manifest="", tagmanifest=tag,
                leaf_hash=register.package_leaf(case_number=number, tagmanifest=tag)))
        leaves = [r.leaf_hash for r in rows]
        mroot = merkle.root(leaves)
        chained = merkle.chain(prev, mroot)
        token, gen_time = register.timestamp(chained)
        batch = RegisterBatch.objects.create(
            seq=d + 1, day=start_day + timedelta(days=d), leaf_count=count,
            members=[["package", r.case_number, r.leaf_hash] for r in rows], merkle_root=mroot, prev_root=prev,
            chain_root=chained, tsa_token=token, tsa_time=gen_time)
        for i, (r, proof) in enumerate(zip(rows, merkle.proofs(leaves), strict=True)):
            r.batch, r.leaf_index, r.proof = batch, i, proof
        ArchivePackage.objects.bulk_create(rows, batch_size=1000)
        prev, n = chained, n + count


def bench_verify():
    t0 = time.perf_counter()
    build_register()
    built = time.perf_counter() - t0
    start = time.perf_counter()
    report = verify(chain_only=True)
    took = time.perf_counter() - start
    print(f"register: {report.batches} batches, {report.leaves} packages (built in {built:.0f} s); "
          f"archive verify --chain-only {took:.1f} s (target < 60 s), problems: {len(report.problems)}")
    return report.ok and took < 60


if __name__ == "__main__":
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    ok = bench_packaging()
    ok = bench_verify() and ok
    print("ALL TARGETS MET" if ok else "TARGET MISSED")
