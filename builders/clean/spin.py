"""Document-level detection of keyword stuffing and spun (伪原创, synonym-swapped) text.

``process_spin`` takes a document's content lines (already repaired by ``repair_line``), scores
keyword stuffing and spinning, and for flagged documents returns de-stuffed and restored texts
with every removal and substitution logged. Unflagged documents come back unchanged. The method
and the figures measured on the seeds are in docs/repairs.md.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from builders.config import section
from builders.record import Line, Repair

from .repair import HAN, HAN_RE, is_han

LEXICON_FILE = Path(__file__).resolve().parent / "lexicon" / "spinner.tsv"
CLASSES_FILE = LEXICON_FILE.with_name("word_classes.tsv")
METHOD = "spin-lexicon+stuffing-stats"
METHOD_VERSION = "1"

# Clause punctuation after which a stuffing tool inserts its keyword ("。饥渴袁辉").
_BREAK = set("。，,！？!?；;：:")
_CLOSE = set("”」』）)》")
_OPEN = set("“「『（(《")
_HAN_RUN = re.compile(f"[{HAN}]+")
_AFTER_BREAK = re.compile(f"[{re.escape(''.join(sorted(_BREAK)))}] *")
_DE = re.compile("的")
_STRONG = ("orphan", "doubled", "junction")
_STRUCTURAL = ("orphan", "doubled")


@dataclass
class SpinResult:
    texts: dict[int, str]  # line number -> text after de-stuffing and restoration
    spun_texts: dict[int, str]  # line number -> the spun text (only for documents flagged as spun)
    repairs: list[Repair]
    spin_score: float  # weighted spinner-lexicon hits per 1,000 Han characters
    is_spun: bool
    stuffing_score: float  # stuffed-keyword insertions per 1,000 Han characters
    is_stuffed: bool
    stuffed_keywords: list[str] = field(default_factory=list)
    # spin_score of the restored text: what restoration left (ambiguous forms are counted)
    residual_spin_score: float = 0.0
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    spun: str
    original: str
    weight: float
    restore: str  # yes / no / context
    context: re.Pattern[str] | None
    note: str


@cache
def _cfg() -> dict[str, Any]:
    return section("repairs")


# The spun form's place in a guard's window (a private-use character, never in clean text).
MARK = "\ue000"
_CLASS_REF = re.compile(r"\{([A-Z_]+)\}")


@cache
def word_classes() -> dict[str, tuple[str, ...]]:
    """{class: words} of lexicon/word_classes.tsv (the vocabulary of the context guards)."""
    out: dict[str, tuple[str, ...]] = {}
    with CLASSES_FILE.open(encoding="utf-8") as fh:
        for raw in fh:
            if raw.startswith("#") or raw.startswith("class\t") or not raw.strip():
                continue
            name, words, _note = raw.rstrip("\n").split("\t")
            out[name] = tuple(words.split("|"))
    return out


def _alternation(words: tuple[str, ...]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))) + ")"


def compile_guard(source: str) -> re.Pattern[str]:
    """A context guard of spinner.tsv as a regex over ``left + MARK + right``: ``@`` is the spun
    form's place, ``{CLASS}`` any word of that class."""
    classes = word_classes()

    def expand(m: re.Match[str]) -> str:
        if m.group(1) not in classes:
            raise ValueError(f"{LEXICON_FILE}: unknown word class {{{m.group(1)}}} in {source!r}")
        return _alternation(classes[m.group(1)])

    return re.compile(_CLASS_REF.sub(expand, source).replace("@", MARK))


@cache
def lexicon() -> dict[str, list[Entry]]:
    """Lexicon entries indexed by first character, longest spun form first (rows of one form
    in file order)."""
    by_first: dict[str, list[Entry]] = {}
    with LEXICON_FILE.open(encoding="utf-8") as fh:
        for raw in fh:
            if raw.startswith("#") or raw.startswith("spun\t") or not raw.strip():
                continue
            spun, original, weight, restore, context, note = raw.rstrip("\n").split("\t")
            entry = Entry(spun, original, float(weight), restore,
                          compile_guard(context) if context else None, note)
            by_first.setdefault(spun[0], []).append(entry)
    for entries in by_first.values():
        entries.sort(key=lambda e: -len(e.spun))
    return by_first


def han_count(text: str) -> int:
    return len(HAN_RE.findall(text))


def _per_thousand(count: float, han: int) -> float:
    return round(1000.0 * count / han, 3) if han else 0.0


# --------------------------------------------------------------------------- spinning


@cache
def _lexicon_pattern() -> tuple[re.Pattern[str], dict[str, list[Entry]]]:
    """All spun forms as one alternation, longest first, and the entries of each form (one per
    original, in file order)."""
    entries = sorted((e for es in lexicon().values() for e in es), key=lambda e: -len(e.spun))
    of_form: dict[str, list[Entry]] = {}
    for entry in entries:
        of_form.setdefault(entry.spun, []).append(entry)
    return re.compile("|".join(re.escape(form) for form in of_form)), of_form


def entries_of(form: str) -> list[Entry]:
    return _lexicon_pattern()[1][form]


def _scan(text: str) -> list[tuple[int, str]]:
    """Longest-match scan: (position, spun form) for every lexicon hit, guards included. Left
    to right; at each position the longest form found there; the scan resumes after a hit."""
    pattern, _ = _lexicon_pattern()
    return [(m.start(), m.group()) for m in pattern.finditer(text)]


def spin_score(texts: list[str]) -> tuple[float, Counter[str]]:
    hits: Counter[str] = Counter()
    weight = 0.0
    for text in texts:
        for _, form in _scan(text):
            w = max(e.weight for e in entries_of(form))
            if w > 0:
                hits[form] += 1
                weight += w
    return _per_thousand(weight, sum(han_count(t) for t in texts)), hits


# How much of the restored text before a spun form its guard sees.
_LEFT_WINDOW = 40


def _choose(form: str, left: str, right: str) -> Entry | None:
    """The entry whose original replaces ``form`` here, or None to leave it: an unconditional
    row, or the first context row whose guard matches the line around the form."""
    window = None
    for entry in entries_of(form):
        if entry.restore == "yes":
            return entry
        if entry.restore == "context" and entry.context is not None:
            if window is None:
                window = left[-_LEFT_WINDOW:] + MARK + right
            if entry.context.search(window):
                return entry
    return None


def restore(text: str, line_no: int) -> tuple[str, list[Repair]]:
    """Undo spinner substitutions in one line (used only for documents flagged as spun). A
    guard sees the line before the form as already restored, so chained forms resolve."""
    out: list[str] = []
    repairs: list[Repair] = []
    last = 0
    for pos, form in _scan(text):
        end = pos + len(form)
        out.append(text[last:pos])
        last = pos
        entry = _choose(form, "".join(out), text[end:])
        if entry is None or entry.original == form:
            continue
        out.append(entry.original)
        repairs.append(Repair("spin-restore", line_no, form, entry.original, "spin-lexicon"))
        last = end
    out.append(text[last:])
    return "".join(out), repairs


# --------------------------------------------------------------------------- keyword stuffing


def _prev(text: str, i: int) -> str:
    """The character before position i, skipping spaces ("" at line start)."""
    j = i - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    return text[j] if j >= 0 else ""


def _next(text: str, i: int) -> str:
    j = i
    while j < len(text) and text[j] == " ":
        j += 1
    return text[j] if j < len(text) else ""


def _occurrences(texts: list[str], w: str) -> list[tuple[int, int]]:
    out = []
    for k, t in enumerate(texts):
        start = t.find(w)
        while start >= 0:
            out.append((k, start))
            start = t.find(w, start + len(w))
    return out


def _structural(t: str, w: str, i: int) -> str | bool | None:
    """The evidence read from the occurrence's surroundings alone: None for a quoted term,
    "orphan" or "doubled", False when only the corpus counts of :func:`_evidence` can tell."""
    n = len(w)
    before, after = _prev(t, i), _next(t, i + n)
    if before in _OPEN and after in _CLOSE:
        return None  # a quoted term: “饥渴”
    if before in _BREAK and (after == "" or after in _CLOSE or after in _BREAK):
        return "orphan"
    if t[max(0, i - n - 1):i] == w + "的":
        return "doubled"
    return False


def _evidence(texts: list[str], joined: str, w: str, k: int, i: int, page: str | None = None) -> str | None:
    """Why this occurrence of ``w`` looks inserted (None when it reads as a genuine use).

    orphan:   w alone between a clause break and a closing quote / line end ("。饥渴”", "说。算力")
    doubled:  w repeated around 的 ("算力的算力“饥渴”"): the second copy is the insertion
    junction: without w the surrounding text is a sequence found elsewhere in the document,
              while the text with w is not ("当下的算力中国" vs "当下的中国"); ``page`` is the
              text this is looked up in: the content lines and the page's other lines (a
              teaser that repeats the lead unstuffed attests its sequences)
    break:    w right after a clause break, followed by a character it never precedes elsewhere
    wedge:    w inside a clause, and neither of its neighbours is attested next to it elsewhere
    """
    structural = _structural(texts[k], w, i)
    if structural is not False:
        return structural
    t = texts[k]
    n = len(w)
    before = _prev(t, i)
    left = t[max(0, i - 2):i]
    right = t[i + n:i + n + 2]
    if len(left) == 2 and len(right) == 2 and " " not in left + right:
        window = left[-1] + w + right[0]
        attested = joined if page is None else page
        if attested.count(left + right) >= 1 and attested.count(window) == 1:
            return "junction"
    nxt = t[i + n:i + n + 1]
    if before in _BREAK and nxt and is_han(nxt) and joined.count(w + nxt) == 1:
        return "break"
    prv = t[i - 1:i] if i else ""
    if prv and nxt and is_han(prv) and is_han(nxt) and joined.count(prv + w) <= 2 \
            and joined.count(w + nxt) == 1:
        return "wedge"
    return None


def _structural_ngrams(texts: list[str], max_n: int) -> set[str]:
    """Every Han n-gram (2 <= n <= max_n) with an orphan or doubled occurrence somewhere (a
    superset of the keywords :func:`find_stuffing` can accept)."""
    found: set[str] = set()
    for t in texts:
        for m in _AFTER_BREAK.finditer(t):  # orphan: right after a break (spaces skipped)
            j = m.end()
            for n in range(2, max_n + 1):
                w = t[j:j + n]
                if len(w) == n and _HAN_RUN.fullmatch(w) and _structural(t, w, j) == "orphan":
                    found.add(w)
        for m in _DE.finditer(t):  # doubled: w的w
            p = m.start()
            for n in range(2, min(max_n, p) + 1):
                w = t[p - n:p]
                if _HAN_RUN.fullmatch(w) and t.startswith(w, p + 1):
                    found.add(w)
    return found


def _overlapping_count(text: str, w: str) -> int:
    """Occurrences of w in text, overlapping ones included (as n-gram counting sees them)."""
    count, start = 0, text.find(w)
    while start >= 0:
        count += 1
        start = text.find(w, start + 1)
    return count


# Parts of speech (jieba's dictionary) of function words: conjunctions, adverbs, prepositions,
# particles, pronouns, time and place words, numerals, measure words, interjections.
_FUNCTION_POS = ("c", "d", "p", "u", "r", "t", "f", "m", "q", "y", "e", "o", "zg", "s")


@cache
def is_common_word(w: str) -> bool:
    """A common word of the language (不过, 目前, 但是) is never a stuffed keyword: a function
    word by jieba's part of speech, or a word at least ``stuffing_common_word_freq`` frequent."""
    from builders.textscript.convert import plain
    from builders.textscript.words import frequency, part_of_speech

    simplified = plain("t2s")(w)
    pos = part_of_speech(simplified)
    return pos.startswith(_FUNCTION_POS) or frequency(simplified) >= int(_cfg()["stuffing_common_word_freq"])


@cache
def _frames() -> tuple[re.Pattern[str], re.Pattern[str], tuple[str, ...]]:
    """The grammar frames of a keyword wedged between a modifier ending in 的 and its head: an
    adverbial 更好的 before a verb, and an event measure word (新一轮的) before an event term.
    Vocabulary from word_classes.tsv."""
    c = word_classes()
    adverbial = re.compile(f"(?:^|[，。；：、！？]|{_alternation(c['PREDICATE_ADVERB'])})"
                           f"{_alternation(c['COMPARATIVE'])}[{HAN}]{{1,2}}$")
    measure = re.compile(f"[一二两三四五六七八九十几数每]{_alternation(c['EVENT_MEASURE'])}$")
    return adverbial, measure, c["EVENT_HEAD"]


def _wedged(t: str, w: str, i: int) -> str | None:
    """Why an occurrence of an already found stuffing keyword ``w`` right after 的 is an
    insertion, read from the grammar of its frame (None when it reads as a genuine modifier):

    adverbial: ``也更好的 w 处理...``: a comparative 的 opening a predicate modifies the verb that
               follows w (更好地处理), and a noun cannot stand between them;
    measure:   ``新一轮的 w 工业革命``: an event measure word needs an event head, and w is wedged
               before a fixed event term (a dictionary word of >= 4 characters ending in 革命, ...).
    Either way the keyword and the head are no dictionary word together."""
    from builders.textscript.convert import plain
    from builders.textscript.words import frequency, part_of_speech, tokenizer

    if i < 2 or t[i - 1] != "的":
        return None
    rest = plain("t2s")(t[i + len(w):i + len(w) + 12])
    head = next(iter(tokenizer().cut(rest, HMM=False)), "") if rest else ""
    if len(head) < 2 or not _HAN_RUN.fullmatch(head) or frequency(plain("t2s")(w) + head) > 0:
        return None
    adverbial, measure, event_heads = _frames()
    left = t[:i - 1]
    pos = part_of_speech(head)
    if adverbial.search(left) and pos.startswith("v") and pos != "vn":
        return "adverbial"
    if measure.search(left) and len(head) >= 4 and frequency(head) > 0 and head.endswith(event_heads):
        return "measure"
    return None


def find_stuffing(texts: list[str], evidence: Sequence[str] = ()) -> tuple[list[str], dict[str, list[tuple[int, int, str]]]]:
    """Stuffed keywords and the occurrences to remove: {keyword: [(line index, pos, reason)]}.

    A keyword is a Han n-gram seen at least ``stuffing_min_count`` times, with at least
    ``stuffing_min_strong`` occurrences of strong evidence (orphan, doubled, junction), one of
    them structural (orphan or doubled). Its strong occurrences are removed; its weak ones
    (break, wedge) only when most of the keyword's uses look inserted (a word the page does not
    otherwise use, like 饥渴) or the line also holds a strong insertion (insertions cluster).
    ``evidence``: the page's other lines, read only as attestation of a junction."""
    cfg = _cfg()
    joined = "\n".join(texts)
    page = "\n".join([*texts, *evidence]) if evidence else joined
    min_count = int(cfg["stuffing_min_count"])
    candidates: dict[str, tuple[int, list[tuple[int, int, str]]]] = {}
    # A keyword needs a structural occurrence (orphan or doubled), and those can be found from
    # the clause breaks and the 的 of the text alone; counting every n-gram of the document and
    # weighing each occurrence against substring counts of the whole text is what was slow.
    for w in sorted(_structural_ngrams(texts, int(cfg["stuffing_max_ngram"]))):
        if _overlapping_count(joined, w) < min_count or is_common_word(w):
            continue
        occurrences = _occurrences(texts, w)
        if not any(_structural(texts[k], w, i) in _STRUCTURAL for k, i in occurrences):
            continue
        hits = []
        for k, i in occurrences:
            why = _evidence(texts, joined, w, k, i, page)
            if why:
                hits.append((k, i, why))
        strong = [h for h in hits if h[2] in _STRONG]
        if len(strong) >= int(cfg["stuffing_min_strong"]) and any(h[2] in _STRUCTURAL for h in strong):
            candidates[w] = (len(occurrences), hits)
    strong_lines = {h[0] for _, hits in candidates.values() for h in hits if h[2] in _STRONG}
    found: dict[str, list[tuple[int, int, str]]] = {}
    for w, (total, hits) in candidates.items():
        share = sum(1 for h in hits if h[2] in _STRONG) / total
        mostly = share >= float(cfg["stuffing_mostly_inserted_share"])
        keep = [h for h in hits if h[2] in _STRONG or mostly or h[0] in strong_lines]
        if mostly:
            # A word the page uses mostly as an insertion: its other unquoted copies in lines
            # that hold a strong insertion are insertions too ("大模子是饥渴家养智能").
            seen = {(h[0], h[1]) for h in keep}
            for k, i in _occurrences(texts, w):
                t = texts[k]
                quoted = _prev(t, i) in _OPEN and _next(t, i + len(w)) in _CLOSE
                if (k, i) not in seen and k in strong_lines and not quoted and i > 0:
                    keep.append((k, i, "cluster"))
        found[w] = sorted(keep)
    # Keep maximal keywords: drop an n-gram whose hits all lie inside a longer keyword's hits.
    keywords = sorted(found, key=lambda w: (-len(w), w))
    kept: list[str] = []
    for w in keywords:
        spans = {(k, i, i + len(w)) for k, i, _ in found[w]}
        covered = all(
            any(k == k2 and i2 <= a and b <= i2 + len(w2) for k2, i2, _ in found[w2])
            for w2 in kept for (k, a, b) in spans
        ) if kept else False
        overlapping = any(w in w2 or w2 in w for w2 in kept)
        if not covered and not overlapping:
            kept.append(w)
    # A found keyword is also an insertion where the grammar of its frame rejects it (the
    # frames need the keyword to be stuffed already: they never find a keyword themselves).
    for w in kept:
        seen = {(k, i) for k, i, _ in found[w]}
        extra = [(k, i, why) for k, i in _occurrences(texts, w) if (k, i) not in seen
                 for why in [_wedged(texts[k], w, i)] if why]
        found[w] = sorted(found[w] + extra)
    return kept, {w: found[w] for w in kept}


# Parts of speech (jieba) of nouns and place words: never reduplicated in Chinese (unlike verbs,
# 看看, adverbs, 非常非常, or classifiers, 天天), so a noun written twice in a row is an insertion.
_NOUN_POS = ("n", "ns", "nz", "nt", "s")
_DOUBLED = re.compile(f"([{HAN}]{{2,4}})\\1")


def find_doubled_nouns(texts: list[str]) -> dict[str, list[tuple[int, int, str]]]:
    """{word: [(line index, pos of the second copy, "repeated")]} for a dictionary noun written
    twice in a row (国内国内大模型), both copies whole words of the line's segmentation. Used
    only in documents already flagged as stuffed."""
    from builders.textscript.convert import plain
    from builders.textscript.words import part_of_speech, word_ends

    found: dict[str, list[tuple[int, int, str]]] = {}
    for k, t in enumerate(texts):
        for m in _DOUBLED.finditer(t):
            w, i = m.group(1), m.start()
            if part_of_speech(plain("t2s")(w)) not in _NOUN_POS:
                continue
            ends = word_ends(t)
            if ends is None or not {i + len(w), i + 2 * len(w)} <= set(ends) or (i and i not in ends):
                continue
            found.setdefault(w, []).append((k, i + len(w), "repeated"))
    return found


def _remove(texts: list[str], hits: dict[str, list[tuple[int, int, str]]],
            numbers: list[int]) -> tuple[list[str], list[Repair]]:
    by_line: dict[int, list[tuple[int, str]]] = {}
    for w, occ in hits.items():
        for k, i, _ in occ:
            by_line.setdefault(k, []).append((i, w))
    out = list(texts)
    repairs: list[Repair] = []
    for k, items in by_line.items():
        t = texts[k]
        pieces: list[str] = []
        last = 0
        for i, w in sorted(items):
            if i < last:
                continue
            left = t[max(0, i - 1):i]
            right = t[i + len(w):i + len(w) + 1]
            repairs.append(Repair("keyword-stuffing", numbers[k], left + w + right, left + right, "keyword-stuffing"))
            pieces.append(t[last:i])
            last = i + len(w)
        pieces.append(t[last:])
        new = "".join(pieces)
        # an insertion removed next to a break can leave two breaks or a break after a space
        new = re.sub(r" +(?=[。，、；：！？])", "", new)
        out[k] = new
    return out, repairs


# --------------------------------------------------------------------------- entry point


def process_spin(lines: list[Line], evidence: Sequence[str] = ()) -> SpinResult:
    """Score and (for flagged documents) repair keyword stuffing and spinning of the content
    ``lines``; ``evidence`` are the page's other lines (read, never changed): where one repeats
    a content line without an inserted keyword (a teaser), it attests the sequence."""
    cfg = _cfg()
    numbers = [line.number for line in lines]
    texts = [line.text for line in lines]
    han = sum(han_count(t) for t in texts)
    repairs: list[Repair] = []

    keywords, hits = find_stuffing(texts, evidence)
    insertions = sum(len(v) for v in hits.values())
    stuffing_score = _per_thousand(insertions, han)
    is_stuffed = stuffing_score > float(cfg["stuffing_threshold"])
    work = texts
    if is_stuffed:
        # A stuffed document's nouns written twice in a row are insertions too (not counted in
        # the stuffing score, which measures the keywords alone).
        remove = {w: list(v) for w, v in hits.items()}
        for w, occ in find_doubled_nouns(texts).items():
            remove[w] = sorted(remove.get(w, []) + occ)
        work, removed = _remove(texts, remove, numbers)
        repairs.extend(removed)

    score, lexicon_hits = spin_score(work)
    is_spun = score > float(cfg["spin_threshold"])
    spun_texts: dict[int, str] = {}
    final = list(work)
    if is_spun:
        spun_texts = dict(zip(numbers, work, strict=True))
        for k, t in enumerate(work):
            # Spinners chain substitutions (世界移动 -> 天下移动 -> 天下挪移; 一般 -> 普通 ->
            # 艰深): a second pass sees the context the first one restored.
            for _ in range(2):
                t, restored = restore(t, numbers[k])
                repairs.extend(restored)
            final[k] = t

    return SpinResult(
        texts=dict(zip(numbers, final, strict=True)),
        spun_texts=spun_texts,
        repairs=repairs,
        spin_score=score,
        is_spun=is_spun,
        stuffing_score=stuffing_score,
        is_stuffed=is_stuffed,
        stuffed_keywords=keywords if is_stuffed else [],
        residual_spin_score=spin_score(final)[0] if is_spun else score,
        evidence={
            "method": METHOD,
            "method_version": METHOD_VERSION,
            "han_chars": han,
            "stuffing_candidates": {w: [h[2] for h in v] for w, v in hits.items()},
            "lexicon_hits": dict(lexicon_hits.most_common()),
        },
    )


def measure_seeds(raw_dir: Path | None = None) -> list[dict[str, Any]]:
    """Scores on the raw seed pages (in-sample figures for docs/repairs.md).

    Until line labels are wired in, a line counts as content when it has >= 20 Han characters
    after repair (a proxy; the pipeline passes the labeller's content lines)."""
    from builders.config import default_paths

    from .repair import repair_line

    rows = []
    for path in sorted((raw_dir or default_paths().raw).glob("*.txt")):
        lines = []
        for n, raw in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            text, _ = repair_line(raw, n)
            if han_count(text) >= 20:
                lines.append(Line(n, raw, text))
        res = process_spin(lines)
        kinds = Counter(r.kind for r in res.repairs)
        rows.append({"file": path.name, "han": res.evidence["han_chars"], "spin_score": res.spin_score,
                     "is_spun": res.is_spun, "stuffing_score": res.stuffing_score,
                     "is_stuffed": res.is_stuffed, "keywords": res.stuffed_keywords,
                     "spin_restore": kinds["spin-restore"], "keyword_stuffing": kinds["keyword-stuffing"]})
    return rows


if __name__ == "__main__":
    for row in measure_seeds():
        print(row)
