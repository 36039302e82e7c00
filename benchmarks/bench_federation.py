"""Federation benchmarks (a script, not a test):

1. Per-message overhead: signing a forward message as a compact JWS with the platform key plus
   verifying it on receipt (parse, key, signature), ES256 and SM2. Target < 5 ms (ES256, the default).
2. Forwarding throughput between two deployments on this machine: Xixian (611100) and Xianyang
   (610400), each its own process, SQLite database and key, gunicorn on loopback (the test
   harness tests/federation/deployments.py). N cases are filed and forwarded in Xixian; then
   the timed part: `federation send` drains the outbox over HTTP; Xianyang verifies each message
   and the agreement, creates its case with materials, signs the acknowledgement; Xixian checks
   it and records the delivery. Target >= 50 cases/s.

Run:  .venv/bin/python benchmarks/bench_federation.py [--cases 400]
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FILL = """
import time
from tongban.cases.applicants import ApplicantInput
from tongban.cases.services import MaterialInput, case_submit
from tongban.federation.forwarding import Checks, crossregion_forward
from django.contrib.auth import get_user_model
from stdnum.cn import ric
clerk = get_user_model().objects.get(username="fd_clerk")
t0 = time.perf_counter()
for i in range({n}):
    body = "610402198506{{:05d}}".format(12000 + i)[:17]
    case = case_submit(actor=clerk, item_code="CJ-0002", channel="cross_region",
                       applicant=ApplicantInput(kind="person", name="王小明", id_number=body + ric.calc_check_digit(body + "0")),
                       materials=[MaterialInput(name="居民身份证", status="exempted", exemption_reason="共享数据"),
                                  MaterialInput(name="机动车驾驶证", status="exempted", exemption_reason="共享数据")])
    crossregion_forward(actor=clerk, number=case.number, checks=Checks(True, True, True))
result = time.perf_counter() - t0
"""

DRAIN = """
import time
from tongban.federation.outbox import outbox_send
t0 = time.perf_counter()
totals = {"delivered": 0, "rejected": 0, "failed": 0}
while True:
    c = outbox_send()
    for k in totals: totals[k] += c[k]
    if not any(c.values()): break
result = {"seconds": time.perf_counter() - t0, **totals}
"""

COUNT = """
from tongban.federation.models import CrossRegionLink
result = CrossRegionLink.objects.filter(role="home").count()
"""


def bench_sign_verify(rounds: int = 300) -> dict:
    os.environ["TONGBAN_VAR_DIR"] = tempfile.mkdtemp(prefix="tongban-bench-fed-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import override_settings

    call_command("migrate", verbosity=0)
    from tongban.federation import jws
    from tongban.signing import platform_keys

    body = {"origin": {"region": "611100", "number": "611100-20230904-000001", "center": "fengdong",
                       "center_name": "沣东新城政务服务中心", "submitted_at": "2023-09-04T01:20:00+00:00"},
            "agreement": "XXXY-2023-001", "item": {"code": "CJ-0002", "version": 1, "name": "机动车驾驶证补领"},
            "applicant": {"kind": "person", "name": "王小明", "id_number": "610402198506120013", "phone": "13800138000",
                          "credit_code": "", "legal_representative": ""},
            "materials": [{"name": "居民身份证", "status": "exempted", "exemption_reason": "共享数据", "source": ""},
                          {"name": "机动车驾驶证", "status": "exempted", "exemption_reason": "共享数据", "source": ""}],
            "checks": {"form_reviewed": True, "identity_verified": True, "originals_authentic": True,
                       "by": "fd_clerk", "at": "2023-09-04T01:25:00+00:00", "note": ""},
            "delivery_method": "pickup"}
    payload = {"v": 1, "id": "00000000-0000-4000-8000-000000000000", "kind": "case.forward", "from": "611100",
               "to": "610400", "iat": "2023-09-04T01:30:00+00:00", "body": body}
    results = {}
    for alg, n in (("ES256", rounds), ("SM2", max(20, rounds // 10))):
        with override_settings(TONGBAN_PLATFORM_SIGNATURE_ALG=alg):
            key = platform_keys.key_ensure(alg=alg)
            public = platform_keys.load_public(alg, bytes(key.public_key))  # as the partner holds it
            jws.verify(jws.parse(jws.sign(payload)), public)  # warm-up
            sign_t, verify_t = [], []
            for _ in range(n):
                t0 = time.perf_counter()
                token = jws.sign(payload)
                t1 = time.perf_counter()
                ok = jws.verify(jws.parse(token), public)
                t2 = time.perf_counter()
                assert ok
                sign_t.append(t1 - t0)
                verify_t.append(t2 - t1)
            results[alg] = {"sign_ms": statistics.median(sign_t) * 1000, "verify_ms": statistics.median(verify_t) * 1000,
                            "bytes": len(token), "n": n}
    return results


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children (gunicorn master + worker)."""
    total = 0.0
    pids = [pid] + [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def bench_throughput(n: int) -> dict:
    from tests.federation.deployments import make_pair

    base = Path(tempfile.mkdtemp(prefix="tongban-bench-pair-"))
    t0 = time.perf_counter()
    a, b = make_pair(base)
    setup = time.perf_counter() - t0
    try:
        fill = json.loads(a.cli("__python__", FILL.format(n=n)).stdout)
        before = cpu_seconds(a.driver.pid), cpu_seconds(b.server.pid)
        drain = json.loads(a.cli("__python__", DRAIN).stdout)
        after = cpu_seconds(a.driver.pid), cpu_seconds(b.server.pid)
        drain["cpu_sender"], drain["cpu_home"] = after[0] - before[0], after[1] - before[1]
        created = json.loads(b.cli("__python__", COUNT).stdout)
    finally:
        a.close()
        b.close()
        shutil.rmtree(base, ignore_errors=True)
    return {"setup_s": setup, "fill_s": fill, "drain": drain, "home_cases": created, "n": n}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=400)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    sv = bench_sign_verify()
    ok = True
    for alg, r in sv.items():
        total = r["sign_ms"] + r["verify_ms"]
        target = " (target < 5 ms)" if alg == "ES256" else " (no target: pure-Python SM2)"
        print(f"sign+verify {alg:5}: sign {r['sign_ms']:.3f} ms + verify {r['verify_ms']:.3f} ms = {total:.3f} ms "
              f"per message (median of {r['n']}, {r['bytes']}-byte JWS){target}")
        if alg == "ES256":
            ok &= total < 5
    t = bench_throughput(args.cases)
    d = t["drain"]
    rate = d["delivered"] / d["seconds"]
    print(f"two deployments up in {t['setup_s']:.1f} s; {t['n']} cases filed + forwarded (outbox) in Xixian "
          f"in {t['fill_s']:.1f} s ({t['n'] / t['fill_s']:.0f}/s)")
    print(f"forwarding: {d['delivered']} delivered, {d['rejected']} rejected, {d['failed']} failed in "
          f"{d['seconds']:.2f} s = {rate:.0f} cases/s (target >= 50); Xianyang holds {t['home_cases']} home cases")
    cpu = d["cpu_sender"] + d["cpu_home"]
    print(f"  CPU used: Xixian sender {d['cpu_sender']:.2f} s + Xianyang server {d['cpu_home']:.2f} s = "
          f"{1000 * cpu / max(1, d['delivered']):.1f} ms per case -> {d['delivered'] / cpu:.0f} cases/s "
          f"when the two processes get their CPU (machine load {os.getloadavg()[0]:.1f})")
    ok &= rate >= 50 and d["delivered"] == t["n"] == t["home_cases"]
    print("ALL TARGETS MET" if ok else "TARGET MISSED")


if __name__ == "__main__":
    main()
