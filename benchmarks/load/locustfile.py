"""Locust scenario for benchmarks/bench_load.py: a province's mixed traffic on one server.

User classes (pick them on the locust command line; bench_load.py runs the first three
together as "the mix" and BareJson alone as "the floor"):

  WindowClerk  (weight 1)  a window clerk with a bearer token: files a case through the staff
                           API (POST /api/cases, multipart: payload JSON + a small scan per required material, a
                           fresh valid ID number each time), then accepts it
                           (POST /api/cases/<number>/actions/accept with the version seen);
                           now and then looks at the waiting list (GET /api/cases?state=submitted)
  Citizen      (weight 4)  tracks a case: POST /api/public/cases/query {number, id_number}
  Visitor      (weight 5)  browses the portal: home page, an item's guide page
                           (/items/<code>/), a catalog search (/api/catalog/items?q=...)
  BareJson     (floor)     GET /bench/bare-json (a JsonResponse of a fixed page; TONGBAN_BENCH=1)

Requests are named by type ("portal home", "status query", ...) so locust's stats group them.
Everything the users need (tokens, item, cases to query, item codes) is read from the JSON file
named by LOAD_DATA, written by bench_load.py after `tongban demo`. LOAD_WAIT (seconds, default 0)
is each user's think time between tasks: 0 makes every user a closed loop firing back to back,
which is what a throughput comparison with the floor needs.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sys
from pathlib import Path

from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench_case_submission import BOUNDARY, multipart, random_id_number  # noqa: E402

DATA = json.loads(open(os.environ["LOAD_DATA"], encoding="utf-8").read())  # noqa: SIM115
WAIT = float(os.environ.get("LOAD_WAIT", "0"))
wait = constant(0) if WAIT <= 0 else between(WAIT / 2, WAIT * 1.5)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
NAMES = ["王小明", "李华", "张敏", "赵磊", "孙丽", "周杰", "吴芳", "郑强"]
_serial = itertools.count()
_tokens = itertools.cycle(DATA["tokens"])


class WindowClerk(FastHttpUser):
    weight = 1
    wait_time = wait

    def on_start(self):
        token = next(_tokens)
        self.item = DATA["item"]
        self.auth = {"Authorization": f"Bearer {token}"}
        self.rng = random.Random(os.getpid() * 1000 + next(_serial))

    @task(4)
    def submit_and_accept(self):
        k = next(_serial)
        tag = f"{os.getpid()}-{k}".encode()
        payload = {
            "item_code": self.item["code"],
            "applicant": {"kind": "person", "name": NAMES[k % len(NAMES)], "id_number": random_id_number(self.rng),
                          "phone": f"139{self.rng.randrange(10**8):08d}"},
            "materials": [{"name": name, "status": "received", "file": i}
                          for i, name in enumerate(self.item["materials"])],
        }
        # One small scan per required material (JPEG first, then PDFs), new content each time.
        scans = [(f"m{i}.jpg", JPEG + tag + bytes([48 + i]), "image/jpeg") if i == 0 else
                 (f"m{i}.pdf", PDF + b"%" + tag + bytes([48 + i]) + b"\n", "application/pdf")
                 for i in range(len(self.item["materials"]))]
        body = multipart(payload, scans)
        headers = dict(self.auth, **{"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
        with self.client.post("/api/cases", data=body, headers=headers, name="case submit (staff API)",
                              catch_response=True) as r:
            if r.status_code != 201:
                r.failure(f"{r.status_code} {r.text[:200]}")
                return
            case = r.json()
        with self.client.post(f"/api/cases/{case['number']}/actions/accept", name="case accept (transition)",
                              json={"version": case["version"]}, headers=self.auth, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} {r.text[:200]}")

    @task(1)
    def waiting_list(self):
        self.client.get("/api/cases?state=submitted", headers=self.auth, name="case queue (staff API)")


class Citizen(FastHttpUser):
    weight = 4
    wait_time = wait

    @task
    def status_query(self):
        number, id_number = random.choice(DATA["cases"])
        with self.client.post("/api/public/cases/query", json={"number": number, "id_number": id_number},
                              name="status query (public API)", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} {r.text[:200]}")


class Visitor(FastHttpUser):
    weight = 5
    wait_time = wait

    @task(1)
    def home(self):
        self.client.get("/", name="portal home")

    @task(2)
    def guide(self):
        self.client.get(f"/items/{random.choice(DATA['items'])}/", name="portal item guide")

    @task(2)
    def search(self):
        self.client.get("/api/catalog/items", params={"q": random.choice(DATA["queries"])},
                        name="catalog search (API)")


class BareJson(FastHttpUser):
    weight = 1
    wait_time = wait

    @task
    def floor(self):
        self.client.get("/bench/bare-json", name="floor: bare JSON view")
