"""Corpus-level line repetition as a compact index (CCNet-style): for every normalised-line
hash seen in at least two documents, the number of documents it occurs in.

Only numpy arrays of 64-bit keys are kept (never texts), so memory grows with the number of
*distinct repeated* lines, a small fraction of the corpus.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import numpy as np

_MASK = (1 << 64) - 1


class LineDocCounts(Mapping[int, int]):
    """Read-only mapping key → number of documents containing it (absent keys: 0 via .get)."""

    def __init__(self, keys: np.ndarray, counts: np.ndarray) -> None:
        self._keys = keys
        self._counts = counts

    @classmethod
    def from_document_keys(cls, per_document: Iterable[Iterable[int]], min_docs: int = 2) -> LineDocCounts:
        chunks = [np.unique(np.fromiter((k & _MASK for k in keys), dtype=np.uint64)) for keys in per_document]
        if not chunks:
            return cls(np.empty(0, np.uint64), np.empty(0, np.int64))
        keys, counts = np.unique(np.concatenate(chunks), return_counts=True)
        keep = counts >= min_docs
        return cls(keys[keep], counts[keep].astype(np.int64))

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
