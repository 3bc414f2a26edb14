"""Clean: label every line (content / boilerplate / spam, with a reason), repair the text and
undo spinning. The pipeline calls :func:`line_key` over the whole corpus first (to count in how
many documents each normalised line occurs), then :func:`clean_document` per document."""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

from builders.clean.labels import (
    BLANK,
    BOILER,
    BYLINE_REASONS,
    META,
    PROSE,
    SOFT_IN_MAIN,
    LineView,
    assign_labels,
    classify_local,
    dom_reason,
    find_layout,
    mark_lists,
    view,
)
from builders.clean.patterns import vocabulary
from builders.clean.pii import Masker
from builders.config import section
from builders.record import PARAGRAPH_BREAK, Document, Line

METHOD = "rules-v1"  # method id of the line labeller; bump when a rule changes

try:  # the repairs helper's modules; the labeller also works without them (tests, bootstrapping)
    from builders.clean.repair import repair_line
except ImportError:  # pragma: no cover - only while repair.py does not exist yet
    repair_line = None  # type: ignore[assignment]
try:
    from builders.clean.spin import process_spin
except ImportError:  # pragma: no cover
    process_spin = None  # type: ignore[assignment]


def _config() -> dict[str, Any]:
    return section("cleaning")


# Site furniture repeats on every page of a site: each distinct line is hashed and classified once.
_LINE_CACHE = 1 << 15


@lru_cache(maxsize=_LINE_CACHE)
def line_key(text: str) -> int | None:
    """64-bit hash of a normalised line (CCNet style), None for lines too short to count.

    Normalisation: NFKC, lowercase, every digit to 0, punctuation / symbols / whitespace
    dropped. The key is a signed 64-bit integer (fits int64 columns and numpy arrays).
    """
    norm = unicodedata.normalize("NFKC", text).lower()
    kept = []
    for ch in norm:
        cat = unicodedata.category(ch)
        if cat[0] in "PSZC":
            continue
        kept.append("0" if cat == "Nd" else ch)
    if len(kept) < int(_config()["line_key_min_chars"]):
        return None
    digest = hashlib.blake2b("".join(kept).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def count_line_keys(docs: Iterable[Document]) -> Counter[int]:
    """In how many distinct documents each line key occurs (the index clean_document needs)."""
    counts: Counter[int] = Counter()
    for doc in docs:
        keys = {line_key(line.raw) for line in doc.lines}
        keys.discard(None)
        counts.update(keys)  # type: ignore[arg-type]
    return counts


def _repeat_threshold(n_docs: int, cfg: Mapping[str, Any]) -> int:
    return max(int(cfg["repeat_min_docs"]), math.ceil(float(cfg["repeat_min_share"]) * n_docs))


def label_lines(
    lines: list[Line],
    line_doc_counts: Mapping[int, int] | None = None,
    n_docs: int = 0,
    meta_title: str | None = None,
) -> None:
    """Set label and reason on every line (in place). Features come from line.text (the
    repaired text), cross-corpus repetition from line.raw (what the pipeline counted)."""
    cfg = _config()
    views = [replace(_classify_text(line.text), index=i) for i, line in enumerate(lines)]
    if line_doc_counts:
        threshold = _repeat_threshold(n_docs, cfg)
        for lv, line in zip(views, lines, strict=True):
            # The page's own date / byline line looks like every other date line once digits
            # are folded: it stays a byline (metadata reads it), not site furniture.
            if lv.kind == BLANK or lv.kind == "spam" or lv.reason in BYLINE_REASONS:
                continue
            key = line_key(line.raw)
            # A long prose sentence seen in many pages is syndicated text, not site furniture.
            long_prose = lv.kind == PROSE and lv.chars >= int(cfg["long_line_chars"])
            if key is not None and line_doc_counts.get(key, 0) >= threshold and not long_prose:
                lv.kind = BOILER if lv.kind != META else META
                lv.reason = "repeated-across-corpus"
    for lv, line in zip(views, lines, strict=True):
        # HTML blocks: DOM signals beside the text signals (a reason from the text rules stays).
        if line.block is not None and lv.kind in (PROSE, "short", "number"):
            reason = dom_reason(lv, line.block, cfg)
            if reason is not None:
                lv.kind, lv.reason = BOILER, reason
        if line.block is not None and line.block.in_main and lv.reason in SOFT_IN_MAIN:
            lv.soft = True
    mark_lists(views, cfg)
    layout = find_layout(views, cfg, meta_title)
    for line, (label, reason) in zip(lines, assign_labels(views, layout, cfg), strict=True):
        line.label, line.reason = label, reason


@lru_cache(maxsize=_LINE_CACHE)
def _classify_text(text: str) -> LineView:
    """classify_local of one line's text, shared by its repeats (callers copy it with its index:
    the view is mutable and later passes change it)."""
    return classify_local(view(0, text), vocabulary(), _config())


def _meta_title(doc: Document) -> str | None:
    for key in ("og:title", "twitter:title", "title"):
        value = doc.html_meta.get(key)
        if value and value.strip():
            return value.strip()
    return None


def _mask_metadata(doc: Document, pii: Masker) -> None:
    """Mask the page's metadata: <meta> values and the extract stage's candidates (JSON-LD,
    headings, bylines), which the title and author are chosen from. The same value stands in
    several places (og:title, <title>, h1): each distinct value is logged once, as line 0."""
    masked: dict[str, str] = {}

    def once(value: str) -> str:
        if value not in masked:
            masked[value] = pii(value, 0)
        return masked[value]

    for key in sorted(doc.html_meta):
        doc.html_meta[key] = once(doc.html_meta[key])
    doc.meta_candidates = [
        c if once(c.value) == c.value else replace(c, value=once(c.value)) for c in doc.meta_candidates
    ]


def clean_document(doc: Document, line_doc_counts: Mapping[int, int], n_docs: int) -> Document:
    """Label, repair and (where spun) restore one document; fills doc.lines, doc.repairs,
    doc.text, doc.text_spun and the spin / stuffing entries of doc.quality.

    Personal data (builders/clean/pii.py) is masked in every raw line before the repairs, again
    in every line's text after them (a repair can join a number split by markup), and in the
    page's metadata (line 0 in the log); ``line.raw`` becomes the masked line once the labels
    are set (they count repeats on the raw lines as the corpus index saw them)."""
    pii = Masker()
    masked_raw = [pii(line.raw, line.number, count_kept=True) for line in doc.lines]
    doc.repairs.extend(pii.repairs)
    # The page's own text is evidence for a character lost at a GBK run (its n-grams).
    context = "\n".join(masked_raw) if any("?" in raw for raw in masked_raw) else None
    for line, raw in zip(doc.lines, masked_raw, strict=True):
        if repair_line is not None and raw.strip():
            text, repairs = repair_line(raw, line.number, context)
            line.text = text
            doc.repairs.extend(repairs)
        else:
            line.text = raw
    label_lines(doc.lines, line_doc_counts, n_docs, _meta_title(doc))

    content = [line for line in doc.lines if line.label == "content"]
    texts = {line.number: line.text for line in content}
    spun_texts: dict[int, str] | None = None
    quality: dict[str, Any] = {
        "spin_score": 0.0,
        "spin_score_residual": 0.0,
        "is_spun": False,
        "stuffing_score": 0.0,
        "is_stuffed": False,
    }
    if process_spin is not None and content:
        # The page's other lines (a teaser repeating the lead, captions) attest sequences only.
        result = process_spin(content, [line.text for line in doc.lines if line.label != "content" and line.text.strip()])
        texts.update(result.texts)
        doc.repairs.extend(result.repairs)
        if result.is_spun:
            spun_texts = {n: result.spun_texts.get(n, texts[n]) for n in texts}
        quality = {
            "spin_score": float(result.spin_score),
            "spin_score_residual": float(result.residual_spin_score),
            "is_spun": bool(result.is_spun),
            "stuffing_score": float(result.stuffing_score),
            "is_stuffed": bool(result.is_stuffed),
        }
    # Second sweep: what the repairs made (a number split by a tag or a zero-width character, an
    # address behind an entity). Such a line's raw form still holds the value, split: it is
    # replaced by the masked repaired text. The spun original holds the same values and is
    # masked alike without logging them twice.
    swept = len(pii.repairs)
    for i, line in enumerate(doc.lines):
        before = texts.get(line.number, line.text)
        after = pii(before, line.number)
        if after != before:
            masked_raw[i] = after
            if line.number in texts:
                texts[line.number] = after
            else:
                line.text = after
    if spun_texts:
        spun_texts = {n: Masker()(t, n) for n, t in spun_texts.items()}
    for line, raw in zip(doc.lines, masked_raw, strict=True):
        line.raw = raw
    _mask_metadata(doc, pii)
    doc.repairs.extend(pii.repairs[swept:])
    quality["pii"] = dict(pii.counts)
    for line in content:
        line.text = texts[line.number]
    order = [line.number for line in content]
    doc.text = PARAGRAPH_BREAK.join(texts[n].strip() for n in order if texts[n].strip())
    doc.text_spun = (
        PARAGRAPH_BREAK.join(spun_texts[n].strip() for n in order if spun_texts[n].strip()) if spun_texts else None
    )
    doc.quality.update(quality)
    return doc


__all__ = ["METHOD", "clean_document", "count_line_keys", "label_lines", "line_key"]
