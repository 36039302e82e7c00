"""BagIt (RFC 8493) packages written in one pass over the bytes.

Material files are copied into the bag while SHA-256, SHA-512 (and SM3 when national
cryptography is on) are computed on the same chunks, the slower digests in a helper thread
(hashlib releases the GIL), so packaging reads each byte once. The `bagit` library then loads
and validates the bag; the standalone `bagit.py --validate` accepts it.

SM3: `bagit` creates hashers with `hashlib.new(name)`; `enable_sm3()` adds "sm3" to
bagit.CHECKSUM_ALGOS and gives bagit a hashlib whose `new("sm3")` falls back to
cryptography's SM3 when OpenSSL's hashlib lacks it.
"""

from __future__ import annotations

import hashlib
import os
import types
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import bagit
from cryptography.hazmat.primitives import hashes

CHUNK = 1024 * 1024
BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


class SM3Hash:
    """hashlib-compatible SM3 on cryptography's implementation."""

    name = "sm3"
    digest_size = 32
    block_size = 64

    def __init__(self, data: bytes = b"", _ctx=None):
        self._ctx = _ctx or hashes.Hash(hashes.SM3())
        if data:
            self.update(data)

    def update(self, data) -> None:
        self._ctx.update(bytes(data))

    def copy(self) -> SM3Hash:
        return SM3Hash(_ctx=self._ctx.copy())

    def digest(self) -> bytes:
        return self._ctx.copy().finalize()

    def hexdigest(self) -> str:
        return self.digest().hex()


def new_hash(name: str, data: bytes = b""):
    try:
        return hashlib.new(name, data)
    except ValueError:
        if name.lower() == "sm3":
            return SM3Hash(data)
        raise


def enable_sm3() -> None:
    if "sm3" in bagit.CHECKSUM_ALGOS:
        return
    shim = types.SimpleNamespace(**{k: getattr(hashlib, k) for k in dir(hashlib) if not k.startswith("__")})
    shim.new = new_hash
    bagit.hashlib = shim
    bagit.CHECKSUM_ALGOS = set(bagit.CHECKSUM_ALGOS) | {"sm3"}


@dataclass
class Entry:
    path: str  # "data/..."
    size: int
    digests: dict[str, str]


@dataclass
class BagWriter:
    """Build a bag in `root` (an empty staging directory)."""

    root: Path
    algorithms: tuple[str, ...] = ("sha256", "sha512")
    entries: list[Entry] = field(default_factory=list)

    def __post_init__(self):
        (self.root / "data").mkdir(parents=True, exist_ok=True)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bag-hash")

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def _target(self, relative: str) -> Path:
        target = (self.root / "data" / relative).resolve()
        if (self.root / "data").resolve() not in target.parents:
            raise ValueError(f"bad payload path {relative}")
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def add_bytes(self, relative: str, data: bytes) -> Entry:
        target = self._target(relative)
        with open(target, "wb") as out:
            out.write(data)
        entry = Entry(f"data/{relative}", len(data), {a: new_hash(a, data).hexdigest() for a in self.algorithms})
        self.entries.append(entry)
        return entry

    def add_stream(self, relative: str, source) -> Entry:
        """Copy a binary stream into the bag, hashing as it goes (one read of every byte)."""
        target = self._target(relative)
        hashers = {a: new_hash(a) for a in self.algorithms}
        first, rest = hashers[self.algorithms[0]], [hashers[a] for a in self.algorithms[1:]]

        def side(chunk):
            for h in rest:
                h.update(chunk)

        size = 0
        pending = None
        with open(target, "wb") as out:
            while chunk := source.read(CHUNK):
                if pending is not None:
                    pending.result()
                pending = self._pool.submit(side, chunk) if rest else None
                first.update(chunk)
                out.write(chunk)
                size += len(chunk)
            if pending is not None:
                pending.result()
        entry = Entry(f"data/{relative}", size, {a: h.hexdigest() for a, h in hashers.items()})
        self.entries.append(entry)
        return entry

    def write_manifests(self, bag_info: dict[str, str]) -> None:
        (self.root / "bagit.txt").write_text(BAGIT_TXT, encoding="utf-8")
        info = dict(bag_info)
        info["Payload-Oxum"] = f"{sum(e.size for e in self.entries)}.{len(self.entries)}"
        lines = [f"{k}: {_one_line(v)}" for k, v in sorted(info.items())]
        (self.root / "bag-info.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for alg in self.algorithms:
            body = "".join(f"{e.digests[alg]}  {_encode(e.path)}\n" for e in sorted(self.entries, key=lambda e: e.path))
            (self.root / f"manifest-{alg}.txt").write_text(body, encoding="utf-8")

    def add_tag_file(self, name: str, data: bytes) -> None:
        (self.root / name).write_bytes(data)

    def write_tagmanifests(self) -> None:
        tag_files = sorted(p.name for p in self.root.iterdir()
                           if p.is_file() and not p.name.startswith("tagmanifest-"))
        for alg in self.algorithms:
            body = "".join(f"{new_hash(alg, (self.root / n).read_bytes()).hexdigest()}  {n}\n" for n in tag_files)
            (self.root / f"tagmanifest-{alg}.txt").write_text(body, encoding="utf-8")


def _one_line(value: str) -> str:
    return str(value).replace("\r", " ").replace("\n", " ")


def _encode(path: str) -> str:
    return path.replace("%", "%25").replace("\n", "%0A").replace("\r", "%0D")


def _decode(path: str) -> str:
    return path.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


def parse_manifest(text: str) -> dict[str, str]:
    """{path: digest} from a manifest's text."""
    result = {}
    for line in text.splitlines():
        if line.strip():
            digest, _sep, path = line.partition(" ")
            result[_decode(path.lstrip(" *"))] = digest.lower()
    return result


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)).replace(os.sep, "/") for p in root.rglob("*") if p.is_file()}


def validate_complete(root: Path) -> list[str]:
    """bagit's structural and completeness validation (no re-hashing); problems as text."""
    try:
        bagit.Bag(str(root)).validate(completeness_only=True)
    except bagit.BagValidationError as exc:
        return [str(d) for d in exc.details] or [str(exc.message)]
    except bagit.BagError as exc:
        return [str(exc)]
    return []
