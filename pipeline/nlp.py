"""A spaCy ``Doc`` over underthesea's word segmentation, offsets kept, and the NER model.

Tokens are syllables (the space-separated pieces of underthesea's words), so an entity
always ends on a token boundary even where underthesea joins a name to the next word.
underthesea's segmentation is kept on every token as ``token.tag_``: ``"B"`` begins a word,
``"I"`` continues the word of the token before ("Hoàng Minh Cường" -> B I I), ``"_SP"`` is
white space. ``word_spans(doc)`` gives the words back as spans.

>>> doc = make_doc("KT. GIÁM ĐỐC\\nHoàng Minh Cường")
>>> [t.text for t in doc], [t.tag_ for t in doc]
(['KT.', 'GIÁM', 'ĐỐC', '\\n', 'Hoàng', 'Minh', 'Cường'], ['B', 'B', 'I', '_SP', 'B', 'I', 'I'])

Text is tokenized line by line (underthesea joins words across line breaks) and every
token is a slice of the input: ``doc.text == text`` and ``token.idx`` index the text, even
where underthesea rewrites a token ("nghành" -> "ngành", "hoà" -> "hòa") or collapses
spaces. spaCy, underthesea and the model load on first use, once, never at import.

``find_entities(text, start, end)`` runs the NER on one zone of a letter and yields
``Candidate``s with offsets into the whole text; after ``make_doc(text)`` it reuses that
doc's tokens. The model is looked for in ``$CONGVAN_MODEL_DIR``, then in ``models/ner`` of
the repository (``congvan train`` writes it there); without one, ``parse`` and
``find_entities`` find no entities and the extractors run on their rules alone (a warning
is logged once).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterator
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.extract.base import Candidate

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

log = logging.getLogger(__name__)

LABELS = ("PER", "ORG")
MODEL_ENV = "CONGVAN_MODEL_DIR"
TOKENIZER_NAME = "congvan.underthesea_tokenizer.v1"
RULE = "ner.spacy"
WORD_BEGIN, WORD_INSIDE, SPACE_TAG = "B", "I", "_SP"
DEFAULT_SCORE = 0.8  # a model whose meta has no held-out precision for the label

_LINE = re.compile(r"[^\n]+")
_SEPARATORS = frozenset("-–—,;:")
_WHITE = re.compile(r"\s+")
_lock = threading.Lock()
_state: dict[str, object] = {}


# --- alignment of underthesea's strings to the text ------------------------------------

Piece = tuple[int, int, bool]  # start, end (into the line), begins a word


def _align(line: str, words: list[str]) -> list[Piece]:
    """Offsets of underthesea's ``words`` in ``line``, one piece per syllable.

    The fast path finds each syllable after the previous one with only white space
    between; when underthesea has rewritten a syllable, the line is aligned character by
    character instead (``_align_slow``).
    """
    pieces: list[Piece] = []
    pos = 0
    for word in words:
        first = True
        for part in word.split():
            found = line.find(part, pos)
            if found < 0 or (found > pos and not line[pos:found].isspace()):
                return _align_slow(line, words)
            pieces.append((found, found + len(part), first))
            pos = found + len(part)
            first = False
    if pos < len(line) and not line[pos:].isspace():
        return _align_slow(line, words)
    return pieces


def _align_slow(line: str, words: list[str]) -> list[Piece]:
    """Align syllables to the line's non-space characters with a diff.

    Every non-space character of the line ends up in exactly one piece: characters that
    underthesea dropped or added are absorbed by their neighbours, or become pieces of
    their own, so no offset is lost whatever the rewrite.
    """
    parts: list[tuple[str, bool]] = [(p, k == 0) for w in words
                                     for k, p in enumerate(w.split())]
    a = "".join(p for p, _ in parts)
    owner = [k for k, (p, _) in enumerate(parts) for _ in p]
    where = [i for i, ch in enumerate(line) if not ch.isspace()]
    b = "".join(line[i] for i in where)
    assign: list[int | None] = [None] * len(b)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("equal", "replace"):
            for j in range(j1, j2):
                assign[j] = owner[i1 + (j - j1) * (i2 - i1) // (j2 - j1)]
    # A character underthesea left out joins the syllable it touches (before, else
    # after); owners never go backwards, so pieces stay in order.
    touching = [j > 0 and where[j] == where[j - 1] + 1 for j in range(len(b))]
    for j in range(1, len(b)):
        if assign[j] is None and touching[j]:
            assign[j] = assign[j - 1]
    for j in range(len(b) - 2, -1, -1):
        if assign[j] is None and touching[j + 1]:
            assign[j] = assign[j + 1]
    last = -1
    for j, k in enumerate(assign):
        if k is not None:
            last = assign[j] = max(k, last)
    pieces: list[Piece] = []
    seen: set[int] = set()
    for j, k in enumerate(assign):
        if touching[j] and k == assign[j - 1]:
            pieces[-1] = (pieces[-1][0], where[j] + 1, pieces[-1][2])
            continue
        begins = k is None or (parts[k][1] and k not in seen)
        if k is not None:
            seen.add(k)
        pieces.append((where[j], where[j] + 1, begins))
    return pieces


def _segment(text: str, word_tokenize) -> list[Piece]:
    """Syllable pieces of ``text`` (offsets into ``text``), tokenized line by line."""
    pieces: list[Piece] = []
    for m in _LINE.finditer(text):
        line = m.group()
        if line.isspace():
            continue
        base = m.start()
        pieces.extend((base + s, base + e, b) for s, e, b in _align(line, word_tokenize(line)))
    return pieces


# --- the tokenizer --------------------------------------------------------------------

def _word_tokenize():
    fn = _state.get("word_tokenize")
    if fn is None:
        with _lock:
            from underthesea import word_tokenize
            word_tokenize("khởi động")  # loads the CRF model now, not inside a timed call
            fn = _state["word_tokenize"] = word_tokenize
    return fn


def _tokenizer_class():
    """The tokenizer class, defined on first use so that importing this module is cheap."""
    cls = _state.get("tokenizer_class")
    if cls is not None:
        return cls
    from spacy.tokens import Doc
    from spacy.util import DummyTokenizer

    class UndertheseaTokenizer(DummyTokenizer):
        """spaCy tokenizer: underthesea words, split into syllables (``unit="syllable"``)
        or kept whole (``unit="word"``), white space as spaCy's own tokenizer keeps it."""

        def __init__(self, vocab, unit: str = "syllable"):
            if unit not in ("syllable", "word"):
                raise ValueError(f"unit must be 'syllable' or 'word', not {unit!r}")
            self.vocab = vocab
            self.unit = unit

        def __reduce__(self):
            return UndertheseaTokenizer, (self.vocab, self.unit)

        def __call__(self, text: str) -> Doc:
            pieces = _segment(text, _word_tokenize())
            if self.unit == "word":
                pieces = _merge_words(pieces)
            words: list[str] = []
            spaces: list[bool] = []
            tags: list[str] = []
            pos = 0
            for start, end, begins in pieces:
                if start > pos:
                    _add_gap(text[pos:start], words, spaces, tags)
                words.append(text[start:end])
                spaces.append(False)
                tags.append(WORD_BEGIN if begins else WORD_INSIDE)
                pos = end
            if pos < len(text):
                _add_gap(text[pos:], words, spaces, tags)
            return Doc(self.vocab, words=words, spaces=spaces, tags=tags)

    _state["tokenizer_class"] = UndertheseaTokenizer
    return UndertheseaTokenizer


def _merge_words(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for start, end, begins in pieces:
        if merged and not begins:
            merged[-1] = (merged[-1][0], end, merged[-1][2])
        else:
            merged.append((start, end, begins))
    return merged


def _add_gap(gap: str, words: list[str], spaces: list[bool], tags: list[str]) -> None:
    """White space between tokens: one space rides on the token before (spaCy's
    ``whitespace_``), anything else becomes a white-space token."""
    if words and not spaces[-1] and gap[0] == " " and tags[-1] != SPACE_TAG:
        spaces[-1] = True
        gap = gap[1:]
    if gap:
        words.append(gap)
        spaces.append(False)
        tags.append(SPACE_TAG)


def create_tokenizer(unit: str = "syllable"):
    """The factory behind ``@tokenizers = "congvan.underthesea_tokenizer.v1"``."""
    def make(nlp):
        return _tokenizer_class()(nlp.vocab, unit=unit)
    return make


def register() -> None:
    """Register the tokenizer with spaCy (needed before loading or training a model)."""
    if _state.get("registered"):
        return
    from spacy.util import registry
    if TOKENIZER_NAME not in registry.tokenizers:
        registry.tokenizers.register(TOKENIZER_NAME, func=create_tokenizer)
    _state["registered"] = True


def blank(unit: str = "syllable") -> Language:
    """An empty Vietnamese pipeline with the underthesea tokenizer (no pyvi needed)."""
    import spacy
    register()
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {
        "@tokenizers": TOKENIZER_NAME, "unit": unit}}})
    for label in LABELS:  # so that the model's NER can label a doc made here
        nlp.vocab.strings.add(label)
    return nlp


# --- the model ------------------------------------------------------------------------

def model_dir() -> Path | None:
    """Where the NER model is: ``$CONGVAN_MODEL_DIR``, else ``<repo>/models/ner``."""
    env = os.environ.get(MODEL_ENV)
    candidates = [Path(env)] if env else []
    import pipeline
    candidates.append(Path(pipeline.__file__).resolve().parents[1] / "models" / "ner")
    for path in candidates:
        if (path / "config.cfg").is_file():
            return path
    return None


def load(path: str | Path) -> Language:
    """Load a model folder written by ``congvan train``."""
    import spacy
    register()
    return spacy.load(path)


def get_nlp() -> Language:
    """The NER pipeline, loaded once; a blank pipeline when no model is installed."""
    nlp = _state.get("nlp")
    if nlp is None:
        with _lock:
            nlp = _state.get("nlp")
            if nlp is None:
                path = model_dir()
                if path is None:
                    log.warning("no NER model in $%s or models/ner: person and organisation "
                                "names come from the rules only (run `congvan train`)",
                                MODEL_ENV)
                    nlp = blank()
                else:
                    nlp = load(path)
                _state["scores"] = _label_scores(nlp)
                _state["nlp"] = nlp
    return nlp  # type: ignore[return-value]


def _label_scores(nlp) -> dict[str, float]:
    """Each label's precision on held-out letters, recorded by ``congvan train``."""
    per_type = nlp.meta.get("congvan", {}).get("letters_test", {}).get("ents_per_type", {})
    return {label: round(float(v["p"]), 3) for label, v in per_type.items()
            if v.get("p") is not None}


def _blank_tokenizer():
    tok = _state.get("tokenizer")
    if tok is None:
        with _lock:
            tok = _state.get("tokenizer")
            if tok is None:
                tok = _state["tokenizer"] = blank().tokenizer
    return tok


def make_doc(text: str) -> Doc:
    """Tokens only, no model: syllables tagged with underthesea's word boundaries.

    The last doc made is kept, so that ``find_entities`` on a zone of the same text reuses
    its tokens instead of running underthesea again.
    """
    doc = _blank_tokenizer()(text)
    _state["last_doc"] = (text, doc)
    return doc


def _zone_doc(text: str, start: int, end: int) -> tuple[Doc, int]:
    """A doc of ``text[start:end]`` and the offset of its first character in ``text``:
    cut from the doc ``make_doc`` last made of ``text`` when there is one, else tokenized."""
    last_text, last = _state.get("last_doc", (None, None))  # type: ignore[misc]
    if last is not None and (last_text is text or last_text == text):
        span = last.char_span(start, end, alignment_mode="expand")
        if span is not None:
            return span.as_doc(), span.start_char
    return get_nlp().make_doc(text[start:end]), start


def parse(text: str) -> Doc:
    """Tokens and named entities (``doc.ents`` labelled PER and ORG)."""
    doc = get_nlp()(text)
    doc.ents = [doc.char_span(e.start_char, entity_end(e), label=e.label_) for e in doc.ents
                if entity_end(e) > e.start_char]
    return doc


def word_spans(doc: Doc) -> list[Span]:
    """underthesea's words as spans of ``doc`` ("Hoàng Minh Cường" is one span)."""
    bounds: list[list[int]] = []
    for token in doc:
        if token.tag_ == WORD_INSIDE and bounds:
            bounds[-1][1] = token.i + 1
        elif token.tag_ != SPACE_TAG:
            bounds.append([token.i, token.i + 1])
    return [doc[s:e] for s, e in bounds]


def entity_end(ent: Span) -> int:
    """End of ``ent`` without a separator the model ran on to ("Trung tâm Thông tin -"):
    no name ends with a dash, a comma, a semicolon or a colon."""
    tokens = list(ent)
    while tokens and (tokens[-1].is_space or tokens[-1].text in _SEPARATORS):
        tokens.pop()
    return tokens[-1].idx + len(tokens[-1]) if tokens else ent.start_char


def find_entities(text: str, start: int = 0, end: int | None = None) -> Iterator[Candidate]:
    """PER and ORG names in ``text[start:end]``, with offsets into ``text``.

    Run it on a zone (the signature block, a contact sentence), not on a whole letter:
    the model is the slow part of the pipeline.

    ``value`` is the name with its white space collapsed (a name wrapped over two lines
    reads as one); ``score`` is the label's precision on held-out letters.
    """
    end = len(text) if end is None else end
    if start >= end:
        return
    nlp = get_nlp()
    if "ner" not in nlp.pipe_names:
        return
    doc, base = _zone_doc(text, start, end)
    doc = nlp.get_pipe("ner")(doc)
    scores: dict[str, float] = _state.get("scores", {})  # type: ignore[assignment]
    for ent in doc.ents:
        s, e = base + ent.start_char, base + entity_end(ent)
        if ent.label_ not in LABELS or s < start or e > end or e <= s:
            continue
        yield Candidate(field=ent.label_, start=s, end=e, value=_WHITE.sub(" ", text[s:e]),
                        score=scores.get(ent.label_, DEFAULT_SCORE), rule=RULE)
