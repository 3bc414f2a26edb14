"""Split assignment: a pure function of a document's group key, so it is stable as documents
are added, and near-duplicates (one group) never straddle two splits.

``datasets`` cannot load a declared split with no rows. While the corpus is tiny, the hash may
leave a split empty; then the group whose hash lies nearest that split's range moves into it
(rule ``fill-empty``, recorded per row). Once every split has a group of its own by hash,
fill-empty never fires again. With fewer groups than splits, only non-empty splits are declared.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from builders.config import section


def hash_fraction(key: str, salt: str) -> float:
    """Uniform value in [0, 1) from sha256(salt, key); independent of PYTHONHASHSEED."""
    digest = hashlib.sha256(f"{salt}\x00{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_ranges() -> dict[str, tuple[float, float]]:
    cfg = section("split")
    ranges: dict[str, tuple[float, float]] = {}
    low = 0.0
    order = list(cfg["order"])
    for i, name in enumerate(order):
        high = 1.0 if i == len(order) - 1 else low + float(cfg["shares"][name])
        ranges[name] = (low, high)
        low = high
    return ranges


def _distance(value: float, bounds: tuple[float, float]) -> float:
    low, high = bounds
    return 0.0 if low <= value < high else min(abs(value - low), abs(value - high))


def assign_splits(group_of: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Map document id → (split, rule) given each document's group key."""
    cfg = section("split")
    salt = str(cfg["salt"])
    ranges = split_ranges()
    fraction = {g: hash_fraction(g, salt) for g in sorted(set(group_of.values()))}
    split_of_group: dict[str, str] = {}
    for group, value in fraction.items():
        split_of_group[group] = next(name for name, (lo, hi) in ranges.items() if lo <= value < hi)
    rule_of_group = dict.fromkeys(fraction, "hash")

    if len(fraction) >= len(ranges):
        for name in ranges:
            if name in split_of_group.values():
                continue
            counts = {s: sum(1 for v in split_of_group.values() if v == s) for s in ranges}
            donors = [s for s in ranges if counts[s] > 1]
            candidates = [g for g in fraction if split_of_group[g] in donors]
            moved = min(candidates, key=lambda g: (_distance(fraction[g], ranges[name]), g))
            split_of_group[moved] = name
            rule_of_group[moved] = "fill-empty"

    return {doc: (split_of_group[g], rule_of_group[g]) for doc, g in group_of.items()}


def group_keys(doc_ids: list[str], near_duplicates: Mapping[str, list[str]]) -> dict[str, str]:
    """Group key = smallest id in the document's near-duplicate component (union-find)."""
    parent = {d: d for d in doc_ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for doc, others in near_duplicates.items():
        for other in others:
            if doc in parent and other in parent:
                a, b = find(doc), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return {d: find(d) for d in doc_ids}
