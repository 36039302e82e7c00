"""Crash safety: gunicorn serving the real API on SQLite is killed with SIGKILL at random
moments while threads file and move cases; after each restart every write the server
acknowledged (201/200) is there with its event, and nothing is half-written."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
KILLS = 5
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

SETUP = """
import json, sys
sys.path.insert(0, %r)
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tongban.core.services import calendar_seed_from_package
calendar_seed_from_package()
from tests import factories
from tongban.org.services import token_create
from tongban.catalog.services import MaterialSpec
area = factories.center("xixian", "西咸新区政务服务中心", level="area")
factories.center("fengdong", "沣东新城政务服务中心", parent=area)
clerk = factories.staff("fd_clerk", center_code="fengdong", role="clerk")
approver = factories.staff("fd_approver", center_code="fengdong", role="approver")
factories.item("GJJ-7001", materials=[MaterialSpec(name="居民身份证", shared_source="population", data_item="identity"),
                                      MaterialSpec(name="购房合同")])
print(json.dumps({"clerk": token_create(user=clerk, name="crash")[1],
                  "approver": token_create(user=approver, name="crash")[1]}))
"""

# the server lives in 2023, inside the holiday calendar's data (deadlines need covered years)
GUNICORN_CONF = """
import time_machine
time_machine.travel("2023-06-05 09:30 +0800", tick=True).start()
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env, port, conf):
        self.env, self.port, self.conf, self.proc = env, port, conf, None

    def start(self):
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "tongban.wsgi:application", "-c", str(self.conf), "-b",
             f"127.0.0.1:{self.port}", "-w", "1", "--threads", "4", "--timeout", "60"],
            env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/catalog/categories", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def kill(self):
        """SIGKILL the master and every worker (the process group this test started)."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


class Load:
    """Threads filing a case, accepting it and starting its review, over and over; every
    answer the server acknowledged is remembered."""

    def __init__(self, base, tokens):
        self.base, self.tokens = base, tokens
        self.acked: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.errors = 0
        self.server_errors: list[str] = []

    def _post(self, client, path, role, **kw):
        return client.post(self.base + path, headers={"Authorization": f"Bearer {self.tokens[role]}"}, **kw)

    def _ack(self, number, action):
        with self.lock:
            self.acked.append((number, action))

    def run(self, seed):
        rng = random.Random(seed)
        from stdnum.cn import ric

        with httpx.Client(timeout=10) as client:
            while not self.stop.is_set():
                body = f"610402198506{rng.randrange(10, 28)}{rng.randrange(100, 999)}"
                payload = {"item_code": "GJJ-7001", "applicant": {
                    "kind": "person", "name": "王小明", "id_number": body + ric.calc_check_digit(body + "0"),
                    "phone": "13800138000"}, "materials": [
                    {"name": "居民身份证", "status": "exempted", "source": "population", "exemption_reason": "共享"},
                    {"name": "购房合同", "status": "received", "file": 0}]}
                try:
                    r = self._post(client, "/api/cases", "clerk", data={"payload": json.dumps(payload)},
                                   files=[("files", ("c.pdf", PDF, "application/pdf"))])
                    self._check(r)
                    if r.status_code != 201:
                        continue
                    case = r.json()
                    self._ack(case["number"], "submit")
                    for action, role in (("accept", "clerk"), ("start_review", "approver")):
                        r = self._post(client, f"/api/cases/{case['number']}/actions/{action}", role,
                                       json={"version": case["version"]})
                        self._check(r)
                        if r.status_code != 200:
                            break
                        case = r.json()
                        self._ack(case["number"], action)
                except httpx.HTTPError:
                    self.errors += 1
                    time.sleep(0.05)

    def _check(self, r):
        if r.status_code >= 500:
            self.server_errors.append(f"{r.status_code} {r.text[:200]}")


@pytest.mark.slow
def test_sigkill_during_concurrent_writes_loses_no_acknowledged_write(tmp_path):
    env = {**os.environ, "TONGBAN_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tongban.settings",
           "TONGBAN_REFDATA_SERVE": "0", "TONGBAN_NOTIFY_ADAPTERS": "", "PYTHONPATH": str(ROOT / "src")}
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", SETUP % str(ROOT)], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    tokens = json.loads(out.strip().splitlines()[-1])
    conf = tmp_path / "gunicorn_conf.py"
    conf.write_text(GUNICORN_CONF)
    port = _free_port()
    server = Server(env, port, conf)
    server.start()
    load = Load(f"http://127.0.0.1:{port}", tokens)
    threads = [threading.Thread(target=load.run, args=(i,), daemon=True) for i in range(4)]
    for t in threads:
        t.start()
    rng = random.Random(13)
    acked_at_kill = []
    try:
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.8, 2.0))
            server.kill()
            acked_at_kill.append(len(load.acked))
            server.start()
        time.sleep(1.0)
    finally:
        load.stop.set()
        for t in threads:
            t.join(timeout=15)
        server.kill()

    db = sqlite3.connect(tmp_path / "tongban.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    events = set(db.execute("SELECT c.number, e.action FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id"))
    lost = [a for a in load.acked if a not in events]
    without_submit = db.execute("SELECT count(*) FROM cases_case c WHERE NOT EXISTS (SELECT 1 FROM cases_caseevent e "
                                "WHERE e.case_id = c.id AND e.action = 'submit')").fetchone()[0]
    orphan_materials = db.execute("SELECT count(*) FROM cases_casematerial m LEFT JOIN cases_case c ON c.id = m.case_id "
                                  "WHERE c.id IS NULL").fetchone()[0]
    missing_files = [p for (p,) in db.execute("SELECT file_path FROM cases_casematerial WHERE file_path != ''")
                     if not any((tmp_path / "media").rglob(Path(p).name))]
    state_mismatch = db.execute(
        "SELECT count(*) FROM cases_case c WHERE c.state != (SELECT e.to_state FROM cases_caseevent e "
        "WHERE e.case_id = c.id AND e.to_state != '' ORDER BY e.id DESC LIMIT 1)").fetchone()[0]
    cases = db.execute("SELECT count(*) FROM cases_case").fetchone()[0]
    report = {"kills": KILLS, "acknowledged_writes": len(load.acked), "cases": cases, "lost": len(lost),
              "connection_errors": load.errors, "acked_at_each_kill": acked_at_kill}
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "crash_safety.json").write_text(json.dumps(report, indent=1))
    print(report)
    assert not load.server_errors
    assert len(load.acked) > 20 and acked_at_kill[-1] > acked_at_kill[0]  # the load really ran across the kills
    assert not lost, lost[:10]
    assert without_submit == 0 and orphan_materials == 0 and state_mismatch == 0
    assert not missing_files
