#!/usr/bin/env python3
"""Set-up and run in one step, needing only Python 3.11+ and pip.

    python3 dev.py demo     # venv, install, migrate SQLite, load demo data, serve on :8000
    python3 dev.py test     # venv, install, run the whole test suite (pytest args may follow)

Both create `.venv/` on first use and reinstall only when pyproject.toml changes.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
STAMP = VENV / ".tongban-installed"
# Debian packages the test suite drives (browser, PDF and QR checkers, CJK font, gettext, Redis).
SYSTEM_PACKAGES = {
    "chromium": "/usr/bin/chromium",
    "fonts-wqy-zenhei": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "poppler-utils": "/usr/bin/pdfsig",
    "zbar-tools": "/usr/bin/zbarimg",
    "libnss3-tools": "/usr/bin/certutil",
    "gettext": "/usr/bin/msgfmt",
    "redis-server": "/usr/bin/redis-server",
}


def run(*cmd, cwd=ROOT, **kwargs):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], check=True, cwd=cwd, **kwargs)


def ensure_venv() -> None:
    if not (BIN / "python").exists():
        run(sys.executable, "-m", "venv", VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != digest:
        run(BIN / "python", "-m", "pip", "install", "-q", "--upgrade", "pip")
        run(BIN / "python", "-m", "pip", "install", "-q", "-e", ".[dev]")
        STAMP.write_text(digest)
    if shutil.which("msgfmt"):
        run(BIN / "tongban", "compilemessages", "--ignore", ".venv", "-v", "0",
            cwd=ROOT / "src" / "tongban")


def ensure_system_packages() -> None:
    missing = [pkg for pkg, path in SYSTEM_PACKAGES.items() if not Path(path).exists()]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit(f"Missing system packages {missing}: install them with apt-get (as root).")
    run("apt-get", "update", "-qq")
    run("apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing,
        env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def demo() -> None:
    ensure_venv()
    run(BIN / "tongban", "migrate", "--no-input", "-v", "0")
    run(BIN / "tongban", "demo")
    os.execv(BIN / "tongban", [str(BIN / "tongban"), "serve", *sys.argv[2:]])


def test() -> None:
    ensure_system_packages()
    ensure_venv()
    args = sys.argv[2:]
    if not any(a.startswith("-n") for a in args):
        # both cores halve the time, on PostgreSQL too (13:00 -> 6:36 here; at most 18 of its 100
        # connections in use: each machine has its own server now, none shared with other runs)
        args = ["-n", "2", *args]
    os.execv(BIN / "python", [str(BIN / "python"), "-m", "pytest", *args])


if __name__ == "__main__":
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]]()
