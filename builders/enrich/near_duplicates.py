"""Near-duplicate detection: MinHash over character n-grams, LSH for candidate pairs.

Texts are normalised before shingling (zh-Hans form, NFKC, lower case, only letters, digits and
Han characters), so a Traditional copy of a Simplified article, or a copy with other spacing and
punctuation, is found. The index keeps only the signatures (128 x uint64 per text), never texts
(and, to hash each shingle once, a bounded memo of shingle digests).
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

from builders.config import section
from builders.textscript.convert import get_converter

METHOD = "minhash-char-ngram-v1"
# datasketch >= 2 has several permutation schemes whose sketches cannot be compared; name ours.
SCHEME = "affine32"
# MurmurHash3's 32-bit finalizer, which affine32 applies to every input hash before permuting.
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
_MEMO_MAX = 1 << 16  # shingle digests remembered per index (about 12 MB at most)


def _fmix32(hv: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)


# re's \w is str.isalnum() plus "_" (tests compare every code point): drop everything else.
_NOT_ALNUM = re.compile(r"[\W_]+")


def normalise(text: str, to_hans: Callable[[str], str] | None = None) -> str:
    """The comparison form: zh-Hans script, NFKC, lower case, letters / digits / Han only."""
    if to_hans is not None:
        text = to_hans(text)
    text = unicodedata.normalize("NFKC", text).lower()
    return _NOT_ALNUM.sub("", text)


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
        self._a, self._b = (np.asarray(v, dtype=np.uint32) for v in self._template.permutations)
        self._digests: dict[str, bytes] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_digests": {}}  # the memo holds shingles: not sent anywhere

    def signature(self, text: str) -> bytes:
        """MinHash hashvalues of ``text`` as uint64 bytes (``b""`` when it has no shingle): the
        values datasketch's ``MinHash(scheme="affine32").update_batch`` gives, in one numpy pass."""
        return self.signatures([text])[0]

    def signatures(self, texts: Sequence[str], parts_min_chars: int = 0) -> list[bytes]:
        """:meth:`signature` of each text, in one numpy pass.

        Made for a document followed by its paragraphs: the minimum over a union is the minimum
        of the parts' minima, so the first text's values are taken from the minima of the later
        texts whose shingles it contains, plus those of the shingles none of them has (each
        shingle is then hashed and permuted once). A later text whose comparison form has fewer
        than ``parts_min_chars`` characters gets ``b""`` (never anyone's near-duplicate); its
        shingles still count in the first text's signature."""
        forms = [normalise(text, self._to_hans) for text in texts]
        gram_sets = [shingles(form, self.ngram) for form in forms]
        out = [b""] * len(texts)
        if not texts:
            return out
        first, rest = gram_sets[0], [i for i in range(1, len(texts)) if gram_sets[i]]
        inside = [i for i in rest if first and gram_sets[i] <= first]
        jobs = [gram_sets[i] for i in rest]
        if first:
            jobs.append(first.difference(*(gram_sets[i] for i in inside)))
        minima = self._minima(jobs)
        for i, values in zip(rest, minima, strict=False):
            if len(forms[i]) >= parts_min_chars:
                out[i] = values.astype(np.uint64).tobytes()
        if first:
            parts = [minima[-1]] + [minima[rest.index(i)] for i in inside]
            out[0] = np.minimum.reduce(parts).astype(np.uint64).tobytes()
        return out

    def _minima(self, sets: list[set[str]]) -> np.ndarray:
        """(len(sets), num_perm) uint32: per set, the minimum of every permutation over its
        shingles (all ones, the affine32 "empty" value, for an empty set)."""
        full = np.full((len(sets), self.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
        nonempty = [k for k, grams in enumerate(sets) if grams]
        if not nonempty:
            return full
        grams = [g for k in nonempty for g in sets[k]]
        # (shingles, num_perm) permuted hash values; the uint32 products wrap, which is the
        # modulo 2**32 of the affine32 scheme.
        permuted = _fmix32(self._hashes(grams))[:, None] * self._a + self._b
        starts = np.cumsum([0] + [len(sets[k]) for k in nonempty[:-1]])
        full[nonempty] = np.minimum.reduceat(permuted, starts, axis=0)
        return full

    def _hashes(self, grams: list[str]) -> np.ndarray:
        """datasketch's ``sha1_hash32`` (the first 4 bytes of SHA-1, little-endian) of each
        shingle, remembered: a document's shingles come back in its paragraphs."""
        memo = self._digests
        if len(memo) > _MEMO_MAX:
            memo.clear()
        digests = []
        for gram in grams:
            digest = memo.get(gram)
            if digest is None:
                digest = memo[gram] = hashlib.sha1(gram.encode("utf-8")).digest()[:4]
            digests.append(digest)
        return np.frombuffer(b"".join(digests), dtype="<u4").astype(np.uint32)

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


class ParagraphNeighbours:
    """Near-duplicates of every paragraph, listed up to ``listed`` and counted in full.

    Built from what :class:`~builders.enrich.line_index.SignatureIndex` gives for paragraph
    ordinals: ``copy_of`` (the first ordinal with the same signature) and the near-duplicate
    ``pairs`` among first copies. A paragraph's near-duplicates are the other members of its own
    copy group and every member of the groups paired with it; paragraphs of its own document
    are left out (a page repeating itself is cleaning's business). Groups are kept as sorted
    member arrays, never expanded to pairs, so memory grows with the paragraphs that have a
    near-duplicate, not with the square of a group's size.

    Listed ids are ordered by document id, then paragraph index."""

    def __init__(
        self,
        doc_ids: Sequence[str],
        para_doc: np.ndarray,
        para_index: np.ndarray,
        copy_of: np.ndarray,
        pairs: np.ndarray,
        listed: int,
    ) -> None:
        if listed < 0:
            raise ValueError(f"near_duplicates.paragraph_ids_listed must be >= 0, not {listed}")
        self.listed = listed
        n = len(para_doc)
        by_id = sorted(range(len(doc_ids)), key=doc_ids.__getitem__)
        self._sorted_ids = [doc_ids[i] for i in by_id]
        self._rank = np.empty(len(doc_ids), dtype=np.int64)
        self._rank[by_id] = np.arange(len(doc_ids), dtype=np.int64)
        copy_of = np.asarray(copy_of, dtype=np.int64)
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        # Heads (first copies) whose group has a near-duplicate: a second member or a pair.
        involved = np.bincount(copy_of, minlength=n) > 1
        involved[pairs.ravel()] = True
        members = np.flatnonzero(involved[copy_of])
        keys = (self._rank[np.asarray(para_doc, dtype=np.int64)[members]] << 32) | np.asarray(para_index, dtype=np.int64)[members]
        heads = copy_of[members]
        by_group = np.lexsort((keys, heads))
        self._group_head, self._group_key = heads[by_group], keys[by_group]
        by_key = np.argsort(keys, kind="stable")
        self._member_key, self._member_head = keys[by_key], heads[by_key]
        source = np.concatenate([pairs[:, 0], pairs[:, 1]])
        target = np.concatenate([pairs[:, 1], pairs[:, 0]])
        order = np.argsort(source, kind="stable")
        self._pair_from, self._pair_to = source[order], target[order]

    def _group(self, head: int) -> np.ndarray:
        lo, hi = np.searchsorted(self._group_head, [head, head + 1])
        return self._group_key[lo:hi]

    def of(self, doc_ordinal: int, index: int) -> tuple[list[str], int]:
        """(listed ids, count of all) of the near-duplicates of a paragraph."""
        rank = int(self._rank[doc_ordinal])
        key = (rank << 32) | index
        pos = int(np.searchsorted(self._member_key, key))
        if pos >= len(self._member_key) or self._member_key[pos] != key:
            return [], 0
        head = int(self._member_head[pos])
        lo, hi = np.searchsorted(self._pair_from, [head, head + 1])
        groups = [self._group(head)] + [self._group(other) for other in self._pair_to[lo:hi].tolist()]
        own_lo, own_hi = rank << 32, (rank + 1) << 32
        count = sum(len(g) - int(np.diff(np.searchsorted(g, [own_lo, own_hi]))[0]) for g in groups)
        # Merged lazily: only the first ``listed`` keys are taken, whatever the groups' sizes
        # (small groups as lists, which merge faster than numpy scalars).
        others = (k for k in heapq.merge(*(g.tolist() if len(g) <= 64 else iter(g) for g in groups)) if k >> 32 != rank)
        ids = [f"{self._sorted_ids[int(k) >> 32]}-p{int(k) & 0xFFFFFFFF:04d}" for k in itertools.islice(others, self.listed)]
        return ids, count
