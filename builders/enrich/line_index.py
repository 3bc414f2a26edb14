"""Compact corpus-level indexes, so that memory does not grow with the corpus.

* :class:`LineDocCounts`: line repetition (CCNet-style): for every normalised-line hash seen in
  at least two documents, the number of documents it occurs in. While counting, the per-document
  key sets go to hash-partitioned files on disk; only one partition is in memory at a time, and
  the result holds the *repeated* lines only (a small fraction of the corpus).
* :class:`SignatureIndex`: near-duplicate candidates from MinHash signatures. Signatures go to a
  file on disk (uint32: datasketch's ``affine32`` values fit, so nothing is lost), LSH band keys
  to one file per band; ``pairs()`` reads one band file at a time (plain reads: pages of a
  memory-mapped file would count in the process's RSS) and verifies candidates against the full
  signatures read back from disk. The pairs are exactly those of
  ``NearDuplicateIndex.groups()`` (same bands and rows as ``datasketch.MinHashLSH``, same
  threshold test on the full signatures).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import numpy as np

from builders.record import naming

_MASK = (1 << 64) - 1
_PARTITION_BITS = 4  # 16 partitions: one in memory at a time
_FLUSH_KEYS = 1 << 20  # buffered keys before they are written to the partitions (8 MiB)


class LineDocCounts(Mapping[int, int]):
    """Read-only mapping key → number of documents containing it (absent keys: 0 via .get)."""

    def __init__(self, keys: np.ndarray, counts: np.ndarray) -> None:
        self._keys = keys
        self._counts = counts

    @classmethod
    def from_document_keys(cls, per_document: Iterable[Iterable[int]], min_docs: int = 2) -> LineDocCounts:
        with tempfile.TemporaryDirectory(prefix="zhnews-lines-") as tmp:
            parts = [Path(tmp) / f"part-{i:02d}.u64" for i in range(1 << _PARTITION_BITS)]
            buffer: list[np.ndarray] = []
            buffered = 0

            def flush() -> None:
                nonlocal buffer, buffered
                if not buffer:
                    return
                keys = np.concatenate(buffer)
                part = keys >> np.uint64(64 - _PARTITION_BITS)
                for i, path in enumerate(parts):
                    chunk = keys[part == i]
                    if len(chunk):
                        with naming(path), path.open("ab") as fh:
                            chunk.tofile(fh)
                buffer, buffered = [], 0

            for keys in per_document:
                # Unique per document: the count is of documents, not of occurrences.
                chunk = np.unique(np.fromiter((k & _MASK for k in keys), dtype=np.uint64))
                buffer.append(chunk)
                buffered += len(chunk)
                if buffered >= _FLUSH_KEYS:
                    flush()
            flush()
            kept_keys, kept_counts = [], []
            for path in parts:  # partitions are ranges of the key space: results stay sorted
                if not path.exists():
                    continue
                keys, counts = np.unique(np.fromfile(path, dtype=np.uint64), return_counts=True)
                keep = counts >= min_docs
                kept_keys.append(keys[keep])
                kept_counts.append(counts[keep].astype(np.int64))
        if not kept_keys:
            return cls(np.empty(0, np.uint64), np.empty(0, np.int64))
        return cls(np.concatenate(kept_keys), np.concatenate(kept_counts))

    def __getitem__(self, key: int) -> int:
        k = np.uint64(key & _MASK)
        i = int(np.searchsorted(self._keys, k))
        if i < len(self._keys) and self._keys[i] == k:
            return int(self._counts[i])
        raise KeyError(key)

    def __iter__(self) -> Iterator[int]:
        return (int(k) for k in self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    @property
    def nbytes(self) -> int:
        return int(self._keys.nbytes + self._counts.nbytes)


_BAND_MUL = np.uint64(0x9E3779B97F4A7C15)


def _mix(h: np.ndarray, values: np.ndarray) -> np.ndarray:
    """One step of the uint64 hash that folds ``values`` into ``h`` (multiply, xor-shift)."""
    with np.errstate(over="ignore"):
        h = (h ^ values) * _BAND_MUL
        return h ^ (h >> np.uint64(29))


def _band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) uint64 keys; equal bands give equal keys (unequal ones collide ~2^-64)."""
    n = signatures.shape[0]
    out = np.empty((n, bands), dtype=np.uint64)
    for b in range(bands):
        with np.errstate(over="ignore"):  # the seed of band b wraps, on purpose
            h = np.full(n, np.uint64(b + 1) * _BAND_MUL, dtype=np.uint64)
        for col in signatures[:, b * rows : (b + 1) * rows].T.astype(np.uint64):
            h = _mix(h, col)
        out[:, b] = h
    return out


class SignatureIndex:
    """MinHash signatures by ordinal (0, 1, ...), on disk; near-duplicate pairs on demand.

    ``add`` takes what ``NearDuplicateIndex.signature`` returns (uint64 bytes, ``b""`` for an
    empty text, which is never anyone's near-duplicate)."""

    def __init__(self, folder: Path, name: str, num_perm: int, threshold: float) -> None:
        from datasketch import MinHashLSH

        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)  # its banding, not its storage
        self.bands, self.rows = int(lsh.b), int(lsh.r)
        self.num_perm, self.threshold = num_perm, threshold
        folder.mkdir(parents=True, exist_ok=True)
        self._sig_path = folder / f"{name}.sig.u32"
        self._band_paths = [folder / f"{name}.band{b:02d}.u64" for b in range(self.bands)]
        self._sig = self._sig_path.open("wb")
        self._bands = [path.open("wb") for path in self._band_paths]
        self._pending: list[np.ndarray] = []
        self._empty = bytearray()
        self.count = 0

    def add(self, signature: bytes) -> int:
        ordinal = self.count
        if signature:
            values = np.frombuffer(signature, dtype=np.uint64)
            if len(values) != self.num_perm or values.max(initial=0) > 0xFFFFFFFF:
                raise ValueError("signature is not num_perm 32-bit MinHash values")
            self._pending.append(values.astype(np.uint32))
            self._empty.append(0)
        else:
            self._pending.append(np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32))
            self._empty.append(1)
        self.count += 1
        if len(self._pending) >= 4096:
            self._flush()
        return ordinal

    def _flush(self) -> None:
        if not self._pending:
            return
        block = np.stack(self._pending)
        self._pending = []
        with naming(self._sig_path):
            block.tofile(self._sig)
        for fh, keys in zip(self._bands, _band_keys(block, self.bands, self.rows).T, strict=True):
            with naming(fh.name):
                np.ascontiguousarray(keys).tofile(fh)

    def close(self) -> None:
        self._flush()
        for fh in [self._sig, *self._bands]:
            with naming(fh.name):
                fh.close()

    def _signature(self, fd: int, ordinal: int) -> np.ndarray:
        size = self.num_perm * 4
        return np.frombuffer(os.pread(fd, size, ordinal * size), dtype=np.uint32)

    def copies(self) -> np.ndarray:
        """(n,) int64: for every ordinal, the first ordinal with the same signature (itself when
        there is none before it, and for empty signatures).

        Copies are found by a hash of all band keys, then confirmed value by value, so a hash
        collision can only leave a copy unmerged, never merge two different signatures. Exact
        copies are what make LSH buckets large (a boilerplate paragraph on every page of a
        site): pairing only the first of each (``pairs(among=...)``) keeps the work linear."""
        self.close()
        n = self.count
        first = np.arange(n, dtype=np.int64)
        if n < 2:
            return first
        digest = np.zeros(n, dtype=np.uint64)
        for path in self._band_paths:
            digest = _mix(digest, np.fromfile(path, dtype=np.uint64))
        empty = np.frombuffer(bytes(self._empty), dtype=np.uint8).astype(bool)
        order = np.argsort(digest, kind="stable")  # equal digests: ordinals ascending
        ordered = digest[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        head = order[np.repeat(starts, np.diff(np.r_[starts, n]))]
        candidates = np.flatnonzero((head != order) & ~empty[order] & ~empty[head])
        fd = os.open(self._sig_path, os.O_RDONLY)
        try:
            for k in candidates.tolist():
                a, b = int(head[k]), int(order[k])
                if np.array_equal(self._signature(fd, a), self._signature(fd, b)):
                    first[b] = a
        finally:
            os.close(fd)
        return first

    def pairs(self, among: np.ndarray | None = None) -> np.ndarray:
        """(k, 2) int64 array of ordinal pairs (a < b), sorted, whose estimated Jaccard
        similarity reaches the threshold among those sharing at least one LSH band; with
        ``among`` (a boolean mask by ordinal), only pairs of ordinals it marks."""
        self.close()
        n = self.count
        if n < 2:
            return np.empty((0, 2), dtype=np.int64)
        empty = np.frombuffer(bytes(self._empty), dtype=np.uint8).astype(bool)
        if among is not None:
            empty = empty | ~np.asarray(among, dtype=bool)
        flat = np.empty(0, dtype=np.int64)  # candidate pairs a * n + b (a < b), unique, sorted
        for path in self._band_paths:
            keys = np.fromfile(path, dtype=np.uint64)  # one band in memory at a time
            order = np.argsort(keys, kind="stable")
            sorted_keys = keys[order]
            del keys
            starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
            sizes = np.diff(np.r_[starts, n])
            # Buckets of two (most of them) at once, larger ones one by one: the same pairs
            # as one array per bucket, without an array object per bucket.
            two = starts[sizes == 2]
            first, second = order[two], order[two + 1]
            low, high = np.minimum(first, second), np.maximum(first, second)
            keep = ~(empty[low] | empty[high])
            band = [low[keep] * n + high[keep]]
            for s, size in zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist(), strict=True):
                members = np.sort(order[s : s + size])
                members = members[~empty[members]]
                if len(members) < 2:
                    continue
                i, j = np.triu_indices(len(members), k=1)
                band.append(members[i] * n + members[j])
            flat = np.unique(np.concatenate([flat, *band]))
        if not len(flat):
            return np.empty((0, 2), dtype=np.int64)
        kept = []
        fd = os.open(self._sig_path, os.O_RDONLY)
        try:
            current, sig_a = -1, None
            for a, b in zip((flat // n).tolist(), (flat % n).tolist(), strict=True):
                if a != current:
                    current, sig_a = a, self._signature(fd, a)
                sim = float(np.mean(sig_a == self._signature(fd, b)))
                if sim >= self.threshold:
                    kept.append((a, b))
        finally:
            os.close(fd)
        return np.array(kept, dtype=np.int64).reshape(-1, 2)
