"""Signing benchmarks (a script, not a test):

1. QR payload verification rate vs the raw signature-verify rate of the same library
   (cryptography ECDSA P-256; pysmx SM2), side by side. Target: QR >= 70 % of raw.
2. PAdES sealing of a one-page license (visible seal, RFC 3161 timestamp, B-LT). Target < 150 ms.

Run:  .venv/bin/python benchmarks/bench_signing.py
It uses a throw-away SQLite database in a temporary directory.
"""

import os
import statistics
import sys
import tempfile
import time

os.environ["TONGBAN_VAR_DIR"] = tempfile.mkdtemp(prefix="tongban-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
os.environ["TONGBAN_SQLITE_NO_PERSIST"] = ""

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import override_settings  # noqa: E402

call_command("migrate", verbosity=0)

from datetime import date  # noqa: E402

import cbor2  # noqa: E402
from django.utils import timezone  # noqa: E402

from tongban.catalog.services import department_ensure  # noqa: E402
from tongban.licenses import qr  # noqa: E402
from tongban.licenses.render import render_license  # noqa: E402
from tongban.signing import platform_keys, services  # noqa: E402
from tongban.signing.models import SealKind  # noqa: E402


def rate(fn, seconds=1.5):
    n, start = 0, time.perf_counter()
    while True:
        for _ in range(50):
            fn()
        n += 50
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n / elapsed


def bench_qr(alg: str, seconds: float) -> tuple[float, float]:
    with override_settings(TONGBAN_PLATFORM_SIGNATURE_ALG=alg):
        payload = qr.encode(identifier="1.2.156.3005.2.YYZZ.611100MARKET.00000001.1.E", type_code="YYZZ",
                            holder_hash_value=qr.holder_hash("x", "91611100MA6TGKQ878"),
                            valid_from=date(2026, 1, 1), valid_until=None, issued_at=timezone.now())
    keys = platform_keys.parse_key_set(platform_keys.key_set())
    protected, claims_obj, payload_bytes, signature = qr.decode_unverified(payload)
    kid = claims_obj[4].decode()
    key_alg, public = keys[kid]
    to_verify = cbor2.dumps(["Signature1", protected, b"", payload_bytes])
    assert platform_keys.verify_with(key_alg, public, to_verify, signature)
    assert qr.verify(payload, keys=keys).valid

    def raw():
        platform_keys.verify_with(key_alg, public, to_verify, signature)

    def full():
        qr.verify(payload, keys=keys)

    # interleaved rounds share the machine's conditions; the best round of each is the least
    # disturbed by other processes
    raws, fulls = [], []
    for _ in range(5):
        raws.append(rate(raw, seconds / 5))
        fulls.append(rate(full, seconds / 5))
    return max(raws), max(fulls)


def bench_pdf(runs: int = 20) -> tuple[float, float, float]:
    services.ca_ensure()
    market = department_ensure(code="market", name="西咸新区行政审批服务局（市场准入）")
    seal = services.seal_create(department=market, code="BENCH-SEAL", kind=SealKind.LICENSE)
    payload = qr.encode(identifier="1.2.156.3005.2.YYZZ.611100MARKET.00000001.1.E", type_code="YYZZ",
                        holder_hash_value=b"\0" * 16, valid_from=date(2026, 1, 1), valid_until=None,
                        issued_at=timezone.now())
    qr_png = qr.image_png(payload)

    def render():
        return render_license(title="营业执照", identifier="1.2.156.3005.2.YYZZ.611100MARKET.00000001.1.E",
                              holder_label="名称", holder_name="西安沣东示范科技有限公司",
                              holder_id_masked="91611100MA6TGKQ878",
                              rows=[("类型", "有限责任公司"), ("法定代表人", "张伟"), ("注册资本", "伍佰万元整"),
                                    ("住所", "陕西省西咸新区沣东新城科技路88号")],
                              issuer_name=market.name, issued_on="2026年11月28日", validity="长期",
                              qr_png=qr_png)

    pdf, box = render()
    services.seal_apply(seal=seal, pdf=pdf, document_kind="license", box=box)  # warm-up
    render_ms, seal_ms = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        pdf, box = render()
        t1 = time.perf_counter()
        services.seal_apply(seal=seal, pdf=pdf, document_kind="license", box=box)
        t2 = time.perf_counter()
        render_ms.append((t1 - t0) * 1000)
        seal_ms.append((t2 - t1) * 1000)
    return statistics.median(render_ms), statistics.median(seal_ms), max(seal_ms)


def main() -> int:
    seconds = float(os.environ.get("BENCH_SECONDS", "3"))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    ok = True
    for alg in ("ES256", "SM2"):
        raw, full = bench_qr(alg, seconds if alg == "ES256" else seconds / 2)
        ratio = full / raw
        ok &= ratio >= 0.70
        print(f"QR verify {alg:5}: raw signature verify {raw:9.0f}/s, full QR payload verify {full:9.0f}/s,"
              f" ratio {ratio:.0%} (target >= 70%)")
    render_ms, seal_ms, worst = bench_pdf()
    ok &= seal_ms < 150
    print(f"PDF license: render {render_ms:.1f} ms, seal (PAdES B-LT + visible seal + RFC 3161) median"
          f" {seal_ms:.1f} ms, worst {worst:.1f} ms (target < 150 ms)")
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
