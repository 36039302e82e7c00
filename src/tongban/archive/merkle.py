"""The register's hashing: RFC 6962-style Merkle trees (leaf 0x00, node 0x01 prefixes, so a
leaf can never pass for a node) and the chain of daily roots, all SHA-256."""

from __future__ import annotations

import hashlib

GENESIS = "0" * 64


def leaf_hash(data: bytes) -> str:
    return hashlib.sha256(b"\x00" + data).hexdigest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _levels(leaves: list[str]) -> list[list[bytes]]:
    level = [bytes.fromhex(x) for x in leaves]
    levels = [level]
    while len(level) > 1:
        nxt = [_node(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
               for i in range(0, len(level), 2)]
        levels.append(nxt)
        level = nxt
    return levels


def root(leaves: list[str]) -> str:
    if not leaves:
        return hashlib.sha256(b"").hexdigest()
    return _levels(leaves)[-1][0].hex()


def proofs(leaves: list[str]) -> list[list[list[str]]]:
    """An inclusion proof for every leaf: [[side, sibling hex], ...] from the bottom up; an odd
    node at the end of a level is promoted unchanged (no step)."""
    levels = _levels(leaves)
    result = []
    for index in range(len(leaves)):
        steps, i = [], index
        for level in levels[:-1]:
            sibling = i ^ 1
            if sibling < len(level):
                steps.append(["L" if sibling < i else "R", level[sibling].hex()])
            i //= 2
        result.append(steps)
    return result


def verify_proof(leaf: str, proof: list[list[str]], expected_root: str) -> bool:
    h = bytes.fromhex(leaf)
    for side, sibling in proof:
        s = bytes.fromhex(sibling)
        h = _node(s, h) if side == "L" else _node(h, s)
    return h.hex() == expected_root


def chain(prev_root: str, merkle_root: str) -> str:
    return hashlib.sha256(bytes.fromhex(prev_root) + bytes.fromhex(merkle_root)).hexdigest()
