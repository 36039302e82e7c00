"""Benchmark: fetching every material of an ID-only case from 4 providers in parallel.

Starts the reference data service as a separate process (`python -m tongban.idonly.refdata`) on
a free loopback port, with each provider delayed differently (population 50 ms, social security
100 ms, housing fund 150 ms, vehicle 200 ms, via REFDATA_FAULTS), and runs
`tongban.idonly.fetch.fetch_all` — the code path of a real look-up — for one demo citizen's four
data items, over real HTTP. For each run it computes total / slowest, where "slowest" is the
latency the slowest provider took in that run (its delay plus its own HTTP round trip).

Target: total <= 1.3 x slowest (checked on the median and the 95th percentile of the runs).
A sequential fetch of the same providers would give about 2.5x (50+100+150+200 / 200).

Run:  cd /work/main && .venv/bin/python benchmarks/bench_idonly_fetch.py [--runs 50]
Exit status 0 on PASS, 1 on FAIL.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time

import httpx

TARGET = 1.3
DELAYS = {"population": 50, "social_security": 100, "housing_fund": 150, "vehicle": 200}
TOKEN = "bench-refdata-token"  # noqa: S105
PERSON = ("610104197809230422", "李秀兰")  # a demo citizen with records in all four sources
TARGETS = [("居民身份证", "population", "identity"), ("社会保险参保缴费记录", "social_security", "insurance_record"),
           ("住房公积金个人账户信息", "housing_fund", "account"), ("机动车驾驶证", "vehicle", "driver_license")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_service(port: int) -> subprocess.Popen:
    env = dict(os.environ, TONGBAN_REFDATA_TOKEN=TOKEN,
               REFDATA_FAULTS=";".join(f"{source}=delay:{ms}" for source, ms in DELAYS.items()))
    proc = subprocess.Popen([sys.executable, "-m", "tongban.idonly.refdata", "--port", str(port)], env=env,  # noqa: S603
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", trust_env=False, timeout=0.5).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the reference data service did not start")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    import django

    django.setup()
    from tongban.idonly.fetch import Target, fetch_all
    from tongban.idonly.providers.http import HttpProvider

    port = free_port()
    proc = start_service(port)
    try:
        url = f"http://127.0.0.1:{port}"
        providers = {source: HttpProvider(source, url=url, token=TOKEN, timeout=2.0, retries=1) for source in DELAYS}
        targets = [Target(name, True, source, item) for name, source, item in TARGETS]
        kwargs = dict(providers=providers, id_number=PERSON[0], name=PERSON[1], purpose="benchmark", consent_ref="0")
        fetch_all(targets, **kwargs)  # warm-up: worker threads and HTTP clients exist in a running server
        totals, slowest, ratios, per_provider = [], [], [], {s: [] for s in DELAYS}
        for _ in range(args.runs):
            started = time.perf_counter()
            outcomes = fetch_all(targets, **kwargs)
            total = (time.perf_counter() - started) * 1000
            if any(o.status != "fetched" for o in outcomes):
                raise SystemExit(f"a fetch failed: {[(o.target.source, o.reason) for o in outcomes]}")
            slow = max(o.latency_ms for o in outcomes)
            for o in outcomes:
                per_provider[o.target.source].append(o.latency_ms)
            totals.append(total)
            slowest.append(slow)
            ratios.append(total / slow)
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    print(f"bench_idonly_fetch: {args.runs} look-ups of 4 data items over HTTP (reference data service in its own "
          f"process), provider delays {', '.join(f'{s} {ms} ms' for s, ms in DELAYS.items())}")
    for source, values in per_provider.items():
        print(f"  {source:<16} latency   median {statistics.median(values):6.1f} ms   p95 {percentile(values, 95):6.1f} ms")
    print(f"  slowest provider          median {statistics.median(slowest):6.1f} ms   p95 {percentile(slowest, 95):6.1f} ms")
    print(f"  total (parallel fetch)    median {statistics.median(totals):6.1f} ms   p95 {percentile(totals, 95):6.1f} ms")
    print(f"  sequential would be       ~{sum(statistics.median(v) for v in per_provider.values()):6.1f} ms")
    median_ratio, p95_ratio = statistics.median(ratios), percentile(ratios, 95)
    print(f"  ratio total/slowest       median {median_ratio:.3f}   p95 {p95_ratio:.3f}   max {max(ratios):.3f}")
    ok = median_ratio <= TARGET and p95_ratio <= TARGET
    print(f"  target <= {TARGET}x: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
