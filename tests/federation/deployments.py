"""Two real deployments on loopback for the federation tests and benchmark: each its own var
dir (SQLite database, media, platform key), region and port; gunicorn serving; commands run
as `python -m tongban.cli ...` in the deployment's environment."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Deployment:
    def __init__(self, name: str, region: str, base: Path, **env):
        self.name, self.region = name, region
        self.var = base / name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, TONGBAN_REGION=region, TONGBAN_VAR_DIR=str(self.var),
                        DJANGO_SETTINGS_MODULE="tests.federation.deploy_settings",
                        TONGBAN_FEDERATION_RETRY_BASE_SECONDS="0.2", TONGBAN_FEDERATION_RETRY_MAX_SECONDS="1",
                        PYTHONPATH=str(ROOT), LOG_LEVEL="ERROR", **env)
        self.env.pop("TONGBAN_TEST_SQLITE_NAME", None)
        self.env.pop("DATABASE_URL", None)
        self.server: subprocess.Popen | None = None
        self.driver: subprocess.Popen | None = None
        self.tokens: dict[str, str] = {}
        self.pem = ""

    # -- commands ---------------------------------------------------------------------------
    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """`tongban ARGS` in this deployment, through its long-lived driver process."""
        if self.driver is None:
            self.driver = subprocess.Popen([PYTHON, "-m", "tests.federation.driver"], env=self.env, cwd=ROOT,
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.driver.stdin.write(json.dumps(list(args)) + "\n")
        self.driver.stdin.flush()
        line = self.driver.stdout.readline()
        if not line:
            raise AssertionError(f"{self.name}: the command driver died")
        result = json.loads(line)
        r = subprocess.CompletedProcess(list(args), result["rc"], result["stdout"], result["stderr"])
        if check and r.returncode != 0:
            raise AssertionError(f"{self.name}: tongban {' '.join(args)} failed:\n{r.stdout}\n{r.stderr}")
        return r

    def setup(self, template: Path) -> None:
        shutil.copytree(template, self.var)
        out = self.cli("__setup__").stdout
        data = json.loads(out.strip().splitlines()[-1])
        self.tokens, self.pem = data["tokens"], data["pem"]
        (self.var / "key.pem").write_text(self.pem)

    def add_partner(self, other: Deployment) -> None:
        self.cli("federation", "partner", "add", "--region", other.region, "--url", other.url,
                 "--key-file", str(other.var / "key.pem"))

    # -- server -----------------------------------------------------------------------------
    def start(self) -> None:
        self.server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "tongban.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--timeout", "60", "--graceful-timeout", "2"],
            env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wait_up()

    def wait_up(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/api/docs", timeout=2).read()  # noqa: S310
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
        raise AssertionError(f"{self.name} did not start on {self.url}")

    def close(self) -> None:
        self.stop()
        if self.driver is not None:
            self.driver.stdin.close()
            self.driver.wait(timeout=10)
            self.driver = None

    def stop(self) -> None:
        if self.server and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        self.server = None

    # -- API --------------------------------------------------------------------------------
    def api(self, method: str, path: str, user: str | None = None, body=None, raw: bytes | None = None,
            content_type: str = "application/json") -> tuple[int, dict]:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        headers = {"Content-Type": content_type}
        if user:
            headers["Authorization"] = f"Bearer {self.tokens[user]}"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(req, timeout=60) as r:  # noqa: S310
                return r.status, json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def file_case(self, user: str, item: str, applicant: dict, materials: list[dict], files=(),
                  delivery_method: str = "pickup") -> dict:
        payload = json.dumps({"item_code": item, "applicant": applicant, "materials": materials,
                              "channel": "cross_region", "delivery_method": delivery_method}, ensure_ascii=False)
        boundary = "----tongbanfed"
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="payload"\r\n\r\n'.encode() +
                 payload.encode() + b"\r\n"]
        for name, data, ctype in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                         f"Content-Type: {ctype}\r\n\r\n".encode() + data + b"\r\n")
        raw = b"".join(parts) + f"--{boundary}--\r\n".encode()
        status, body = self.api("POST", "/api/cases", user, raw=raw,
                                content_type=f"multipart/form-data; boundary={boundary}")
        assert status == 201, body
        return body

    def act(self, user: str, number: str, action: str, **data) -> dict:
        status, body = self.api("POST", f"/api/cases/{number}/actions/{action}", user, data)
        assert status == 200, (action, body)
        return body

    def send(self) -> dict:
        return json.loads(self.cli("federation", "send").stdout.strip().splitlines()[-1])


def make_pair(base: Path, **env_b) -> tuple[Deployment, Deployment]:
    """Xixian (611100) and Xianyang (610400), set up, partnered, serving."""
    template = base / "template"
    env = dict(os.environ, TONGBAN_VAR_DIR=str(template), DJANGO_SETTINGS_MODULE="tests.federation.deploy_settings",
               PYTHONPATH=str(ROOT))
    env.pop("TONGBAN_TEST_SQLITE_NAME", None)
    env.pop("DATABASE_URL", None)
    subprocess.run([PYTHON, "-m", "tongban.cli", "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=300)
    a = Deployment("xixian", "611100", base)
    b = Deployment("xianyang", "610400", base, **env_b)
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda d: d.setup(template), (a, b)))
        list(pool.map(lambda pair: pair[0].add_partner(pair[1]), ((a, b), (b, a))))
        list(pool.map(lambda d: d.start(), (a, b)))
    return a, b
