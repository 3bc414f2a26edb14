"""Near-duplicate detection: MinHash over character n-grams, LSH for candidate pairs.

Texts are normalised before shingling (zh-Hans form, NFKC, lower case, only letters, digits and
Han characters), so a Traditional copy of a Simplified article, or a copy with other spacing and
punctuation, is found. The index keeps only the signatures (128 x uint64 per text), never texts.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import numpy as np
from datasketch import MinHash, MinHashLSH

from builders.config import section
from builders.enrich.convert import get_converter

METHOD = "minhash-char-ngram-v1"
# datasketch >= 2 has several permutation schemes whose sketches cannot be compared; name ours.
SCHEME = "affine32"


def normalise(text: str, to_hans: Callable[[str], str] | None = None) -> str:
    """The comparison form: zh-Hans script, NFKC, lower case, letters / digits / Han only."""
    if to_hans is not None:
        text = to_hans(text)
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if ch.isalnum())


def shingles(text: str, n: int) -> set[str]:
    if not text:
        return set()
    if len(text) <= n:
        return {text}
    return {text[i : i + n] for i in range(len(text) - n + 1)}


class NearDuplicateIndex:
    """Collect texts by key with :meth:`add`, then :meth:`groups` gives each key its near-duplicates.

    ``script_normalise=False`` skips the zh-Hans conversion, for callers that already pass the
    zh-Hans form (e.g. ``doc.text_zh_hans``), which saves a conversion per text.
    """

    def __init__(
        self,
        threshold: float | None = None,
        ngram: int | None = None,
        num_perm: int | None = None,
        seed: int | None = None,
        script_normalise: bool = True,
    ) -> None:
        cfg = section("near_duplicates")
        self.threshold = float(cfg["threshold"] if threshold is None else threshold)
        self.ngram = int(cfg["ngram"] if ngram is None else ngram)
        self.num_perm = int(cfg["num_perm"] if num_perm is None else num_perm)
        self.seed = int(cfg["seed"] if seed is None else seed)
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"near_duplicates.threshold must be in (0, 1], not {self.threshold}")
        self._to_hans = get_converter().to_hans if script_normalise else None
        self._signatures: dict[str, bytes] = {}  # key -> hashvalues as uint64 bytes; b"" = empty
        # One MinHash whose permutations are reused for every text (they depend on seed only).
        self._template = MinHash(num_perm=self.num_perm, seed=self.seed, scheme=SCHEME)

    def __len__(self) -> int:
        return len(self._signatures)

    def signature(self, text: str) -> bytes:
        grams = shingles(normalise(text, self._to_hans), self.ngram)
        if not grams:
            return b""
        minhash = self._template.copy()
        minhash.clear()
        minhash.update_batch([g.encode("utf-8") for g in sorted(grams)])
        return minhash.hashvalues.astype(np.uint64).tobytes()

    def add(self, key: str, text: str) -> None:
        if key in self._signatures:
            raise ValueError(f"near-duplicate index: key {key!r} added twice")
        self._signatures[key] = self.signature(text)

    def add_signature(self, key: str, signature: bytes) -> None:
        """Add a signature computed elsewhere (e.g. in a worker process) with :meth:`signature`."""
        if key in self._signatures:
            raise ValueError(f"near-duplicate index: key {key!r} added twice")
        if signature and len(signature) != self.num_perm * 8:
            raise ValueError(f"near-duplicate index: signature of {key!r} has the wrong length")
        self._signatures[key] = signature

    def _minhash(self, signature: bytes) -> MinHash:
        return MinHash(
            num_perm=self.num_perm,
            seed=self.seed,
            hashvalues=np.frombuffer(signature, dtype=np.uint64),
            permutations=self._template.permutations,
            scheme=SCHEME,
        )

    def similarity(self, a: str, b: str) -> float:
        """Estimated Jaccard similarity of two added keys (0.0 when either text is empty)."""
        sa, sb = self._signatures[a], self._signatures[b]
        if not sa or not sb:
            return 0.0
        return float(np.mean(np.frombuffer(sa, np.uint64) == np.frombuffer(sb, np.uint64)))

    def groups(self) -> dict[str, list[str]]:
        """For every key, the sorted other keys whose estimated Jaccard is >= the threshold.

        LSH proposes candidates; each is then checked against the threshold on the full
        signatures, so the relation is symmetric and does not depend on insertion order."""
        keys = sorted(self._signatures)
        result: dict[str, list[str]] = {key: [] for key in keys}
        lsh = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)
        for key in keys:
            if self._signatures[key]:
                lsh.insert(key, self._minhash(self._signatures[key]))
        for key in keys:
            if not self._signatures[key]:
                continue
            for other in lsh.query(self._minhash(self._signatures[key])):
                if other != key and self.similarity(key, other) >= self.threshold:
                    result[key].append(other)
        # Symmetric closure of the checked pairs (LSH may miss a pair in one direction only).
        for key in keys:
            for other in result[key]:
                if key not in result[other]:
                    result[other].append(key)
        return {key: sorted(set(others)) for key, others in result.items()}
