"""Canonical JSON: the one serialisation our hashes and signatures are computed over (the audit
chain, shared-data documents, license verification codes, the archive register, federation
messages). Keys sorted, no whitespace, non-ASCII written as UTF-8. Digests already stored were
computed over it, so it must never change."""

import json


def canonical_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_bytes(value) -> bytes:
    return canonical_json(value).encode()
