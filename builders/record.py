"""The records that flow through the pipeline.

A :class:`Document` is created by ingest and handed from stage to stage (clean, enrich,
annotate, split); each stage fills the fields it owns and returns the document. Export turns
a finished document into rows of the ``documents``, ``paragraphs`` and ``lines`` configs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LINE_LABELS = ("content", "boilerplate", "spam")
SCRIPTS = ("Hans", "Hant", "mixed")
# Between the paragraphs of Document.text: cleaning joins content lines with it, the paragraph
# step splits at it, the script step relies on it being a separator OpenCC never looks across.
PARAGRAPH_BREAK = "\n\n"


class BuildError(Exception):
    """A problem with the build's input: the message names the file (and field) and the reason."""


class PageError(BuildError):
    """A problem with one page (not with the corpus as a whole): the build sets the page aside
    as :class:`Rejected` and goes on (``--strict`` makes it fatal)."""


@dataclass(frozen=True)
class Rejected:
    """A page set aside by the build: listed in the summary and in ``rejected.json``."""

    id: str
    file: str
    stage: str  # ingest, extract, clean, ... (the stage that could not process the page)
    reason: str


@contextmanager
def naming(path: Path | str) -> Iterator[None]:
    """An OSError raised inside gets the file name it lacks: numpy's ``tofile``, pyarrow's writers
    and a file object's ``write()`` report a full disk without naming the file (numpy as
    ``22272 requested and 1024 written``); the message must say where it happened."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None:
            raise
        if isinstance(exc.errno, int):  # pyarrow: "Error writing bytes to file. Detail: [errno 28] ..."
            reason = os.strerror(exc.errno)
        else:
            reason = str(exc.args[0]) if exc.args else type(exc).__name__
            if re.fullmatch(r"\d+ requested and \d+ written", reason):
                reason += " (a short write: is the disk full?)"
        raise OSError(exc.errno, reason, str(path)) from exc


@dataclass(frozen=True)
class Source:
    """One entry of ``corpus/sources.yaml``."""

    id: str
    file: str
    sha256: str
    site: str | None
    publisher: str | None
    url: str | None
    retrieved: str | None
    licence: str
    charset: str | None = None  # the HTTP charset the page was served with: a decoding hint


@dataclass(frozen=True)
class Block:
    """DOM signals of one block of an HTML page (builders/extract): a block-level element's own
    visible text, or one ``<br>``-separated piece of it. Plain-text lines have none."""

    path: str  # CSS-like location, e.g. "body>div#main>div.article>p" (exported as lines.location)
    tag: str  # the element that holds the text
    landmark: str  # nearest article / main / nav / header / footer / aside ("" when none)
    words: tuple[str, ...]  # boilerplate categories named by class / id words (builders/extract)
    link_chars: int  # characters inside <a>
    heading: int  # 1-6 for <h1>-<h6>, else 0
    in_main: bool  # inside the element (or siblings) with the densest punctuated prose
    bold: bool = False  # all the text is inside <strong>/<b> (a subheading written as a paragraph)


@dataclass
class Line:
    """One raw line of a page (one block of an HTML page), its label and its repaired text."""

    number: int  # 1-based line number in the decoded raw page (block number of an HTML page)
    raw: str
    text: str  # after repairs; what the clean text is made of when label == "content"
    label: str = "content"
    reason: str = "body"
    block: Block | None = None  # DOM signals (HTML pages only)


@dataclass
class Repair:
    """One change made to the text, logged so that every edit can be reviewed."""

    kind: str  # e.g. pinyin-note, gbk-realign, gbk-remove, whitespace, html-tag, spin-restore
    line: int
    before: str
    after: str
    method: str  # the step that made it: text-rules, spin-lexicon, keyword-stuffing


@dataclass
class Field:
    """A metadata value and the rule that produced it (value None means unknown)."""

    value: str | None = None
    rule: str | None = None


@dataclass(frozen=True)
class MetaCandidate:
    """One place a page may state a metadata value (builders/extract/metadata.py); the enrich
    stage chooses among them. ``field`` is title / heading / line / published_at / author /
    publisher / editor; ``rule`` names the source (``json-ld:datePublished``, ``meta:og:title``,
    ``h1``, ``class:author`` ...); ``pos`` is the visible line it sits on (-1: not visible)."""

    field: str
    value: str
    rule: str
    pos: int = -1


@dataclass
class Summary:
    language: str  # "zh" or "en"
    script: str  # "Hans", "Hant" or "Latn"
    text: str
    method: str  # e.g. "curated", "lead3", "textrank"
    method_version: str
    provenance: str  # "curated" or "automatic"
    created: str | None = None  # date for curated annotations (from the curated file)


@dataclass
class TopicScore:
    topic: str  # topic id from schema/topics.yaml
    score: float
    method: str


@dataclass
class EntityMention:
    """An entity of the gazetteer (schema/entities.yaml) found in a document."""

    id: str  # canonical id
    type: str  # company, chip, person or model
    forms: list[str]  # surface forms found, as written, in order of first appearance
    count: int  # matches of all forms


@dataclass
class Paragraph:
    index: int
    text: str
    text_zh_hans: str = ""
    text_zh_hant: str = ""
    script: str = "Hans"
    near_duplicate_ids: list[str] = field(default_factory=list)  # the first few (export cap)
    near_duplicate_count: int = 0  # all of them


@dataclass
class Document:
    id: str
    source: Source
    raw_sha256: str
    encoding: str
    format: str  # "text" or "html"
    raw_text: str
    html_meta: dict[str, str] = field(default_factory=dict)
    html: str | None = None  # the decoded page when it is HTML (extract reads it)
    meta_candidates: list[MetaCandidate] = field(default_factory=list)  # extract → enrich
    lines: list[Line] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    # metadata (enrich)
    title: Field = field(default_factory=Field)
    published_at: Field = field(default_factory=Field)
    publisher: Field = field(default_factory=Field)
    author: Field = field(default_factory=Field)
    # text (clean + enrich)
    text: str = ""
    text_spun: str | None = None  # the spun original when the text was restored
    text_zh_hans: str = ""
    text_zh_hant: str = ""
    title_zh_hans: str | None = None
    title_zh_hant: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    script: str = "Hans"
    script_evidence: dict[str, Any] = field(default_factory=dict)
    conversion: dict[str, str] = field(default_factory=dict)
    quality: dict[str, Any] = field(default_factory=dict)
    # annotations
    summaries: list[Summary] = field(default_factory=list)
    summary_source: str = ""  # method id of the best summary
    summary_zh_hans: str | None = None
    summary_zh_hant: str | None = None
    summary_en: str | None = None
    topic_scores: list[TopicScore] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    topics_source: str = ""
    keywords: list[str] = field(default_factory=list)  # zh-Hans
    keywords_zh_hant: list[str] = field(default_factory=list)
    entities: list[EntityMention] = field(default_factory=list)
    # split
    split: str = ""
    split_rule: str = ""

    def content_lines(self) -> list[Line]:
        return [line for line in self.lines if line.label == "content"]
