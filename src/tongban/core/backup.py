"""Backups and restores of the platform database, with a manifest to prove a restore.

SQLite: the online backup API (consistent while the platform runs). PostgreSQL: pg_dump in
custom format, restored with pg_restore --clean. The manifest records, per table, the row
count and a SHA-256 over the rows in primary-key order, so a restore drill compares exactly.
Uploaded files under MEDIA_ROOT are content-addressed; copy that folder with any file tool.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db import connection, connections

from tongban.core.errors import InvalidInput


def manifest() -> dict[str, dict]:
    tables: dict[str, dict] = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        digest = hashlib.sha256()
        count = 0
        fields = [f.attname for f in model._meta.concrete_fields]
        for row in model._default_manager.order_by("pk").values_list(*fields).iterator(chunk_size=2000):
            digest.update(repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)).encode())
            count += 1
        tables[model._meta.db_table] = {"rows": count, "sha256": digest.hexdigest()}
    return tables


def _pg_env(settings_dict) -> tuple[list[str], dict]:
    args = ["-h", settings_dict.get("HOST") or "127.0.0.1", "-p", str(settings_dict.get("PORT") or 5432),
            "-U", settings_dict.get("USER") or "postgres", "-d", settings_dict["NAME"]]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def backup_create(target: Path) -> Path:
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env(settings_dict)
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "-f", str(target), *args], check=True, env=env)  # noqa: S603,S607
    else:
        raise InvalidInput(f"backups are not supported on {connection.vendor}")
    Path(f"{target}.manifest.json").write_text(json.dumps(manifest(), indent=1, sort_keys=True))
    return target


def backup_restore(source: Path) -> dict:
    """Replace the database's contents with the backup; returns the comparison with its manifest."""
    source = Path(source)
    if not source.exists():
        raise InvalidInput(f"no backup at {source}")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        connections.close_all()
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args,  # noqa: S603,S607
                        str(source)], check=True, env=env)
    else:
        raise InvalidInput(f"restores are not supported on {connection.vendor}")
    expected_path = Path(f"{source}.manifest.json")
    if not expected_path.exists():
        return {"verified": False, "differences": ["no manifest next to the backup"]}
    expected = json.loads(expected_path.read_text())
    actual = manifest()
    differences = [t for t in sorted(set(expected) | set(actual)) if expected.get(t) != actual.get(t)]
    return {"verified": not differences, "differences": differences}
