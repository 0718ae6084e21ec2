"""``congvan train``: the person/organisation NER, trained on generated letter sentences.

Training data come from ``pipeline/resources/ner/generate.py`` (templates and name lists,
deterministic for ``--seed``); the model is chosen on a generated dev set with held-out
names and on the dev letters of ``letters.jsonl``, and scored on its test letters, which
training never sees. The model is small (a hash-embedding CNN over syllables and
underthesea's word boundaries, no vectors) and trains on CPU in a couple of minutes.

>>> from types import SimpleNamespace
>>> run_train(SimpleNamespace(out="models/ner", seed=0))  # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import Counter
from pathlib import Path

from pipeline import nlp as nlp_mod

log = logging.getLogger(__name__)

N_TRAIN = 4000
N_DEV = 400
EPOCHS = 4
TIME_LIMIT = 240.0  # a guard for slow machines: no new epoch after this many seconds

# The model. Tokens are syllables; TAG carries underthesea's word boundaries (B: a word
# starts, I: it continues, "Hoàng Minh Cường" is B I I). Measured against syllables alone
# and against whole words as tokens in models/ner/README.md.
CONFIG = """
[nlp]
lang = "vi"
pipeline = ["ner"]
batch_size = 256

[nlp.tokenizer]
@tokenizers = "congvan.underthesea_tokenizer.v1"
unit = "{unit}"

[components]

[components.ner]
factory = "ner"
incorrect_spans_key = null
moves = null
scorer = {{"@scorers":"spacy.ner_scorer.v1"}}
update_with_oracle_cut_size = 100

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = 64
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[components.ner.model.tok2vec.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = {width}
attrs = {attrs}
rows = {rows}
include_static_vectors = false

[components.ner.model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = {width}
depth = {depth}
window_size = 1
maxout_pieces = 3

[training]
seed = {seed}
dropout = 0.15
max_epochs = {epochs}

[training.optimizer]
@optimizers = "Adam.v1"
learn_rate = 0.002
"""

ATTRS = {
    "syllable+word": (["NORM", "PREFIX", "SUFFIX", "SHAPE", "TAG"], [4000, 1000, 2000, 500, 20]),
    "syllable": (["NORM", "PREFIX", "SUFFIX", "SHAPE"], [4000, 1000, 2000, 500]),
    "word": (["NORM", "PREFIX", "SUFFIX", "SHAPE"], [4000, 1000, 2000, 500]),
}


def build_nlp(variant: str = "syllable+word", seed: int = 0, width: int = 48, depth: int = 2,
              epochs: int = EPOCHS):
    """A blank pipeline with an untrained NER, from ``CONFIG``."""
    import spacy
    from thinc.api import Config

    nlp_mod.register()
    attrs, rows = ATTRS[variant]
    unit = "word" if variant == "word" else "syllable"
    text = CONFIG.format(unit=unit, width=width, depth=depth, seed=seed, epochs=epochs,
                         attrs=json.dumps(attrs), rows=json.dumps(rows))
    return spacy.util.load_model_from_config(Config().from_str(text), auto_fill=True)


def to_examples(nlp, rows: list[dict]) -> tuple[list, int]:
    """spaCy ``Example``s; rows whose entities do not fall on token boundaries are
    dropped (possible only with whole words as tokens) and counted."""
    from spacy.training import Example

    examples, dropped = [], 0
    for row in rows:
        doc = nlp.make_doc(row["text"])
        spans = [doc.char_span(s, e, label=label) for s, e, label in row["entities"]]
        if any(span is None for span in spans):
            dropped += 1
            continue
        ref = doc.copy()
        ref.set_ents(spans)
        examples.append(Example(doc, ref))
    return examples, dropped


def score(nlp, rows: list[dict]) -> dict:
    """Exact-span precision, recall and F1, overall and per label (as spaCy's ``ents_*``),
    of the spans ``find_entities`` would give."""
    docs = nlp.pipe([r["text"] for r in rows], batch_size=64)
    predicted = [{(e.start_char, nlp_mod.entity_end(e), e.label_) for e in doc.ents}
                 for doc in docs]
    return prf(predicted, [{tuple(e) for e in r["entities"]} for r in rows])


def prf(predicted: list[set], gold: list[set], labels=nlp_mod.LABELS) -> dict:
    """Scores of sets of ``(start, end, label)`` against gold sets, one pair per text."""
    counts: dict[str, Counter] = {label: Counter() for label in labels}
    for pred, ref in zip(predicted, gold):
        for label in labels:
            p = {x for x in pred if x[2] == label}
            g = {x for x in ref if x[2] == label}
            counts[label].update(tp=len(p & g), fp=len(p - g), fn=len(g - p))
    total = sum(counts.values(), Counter())

    def f(c: Counter) -> dict:
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        return {"p": round(p, 4), "r": round(r, 4),
                "f": round(2 * p * r / (p + r), 4) if p + r else 0.0,
                "support": c["tp"] + c["fn"]}

    out = f(total)
    return {"ents_p": out["p"], "ents_r": out["r"], "ents_f": out["f"],
            "ents_per_type": {label: f(c) for label, c in counts.items()}}


def train(out: Path | str, seed: int = 0, n_train: int = N_TRAIN, n_dev: int = N_DEV,
          epochs: int = EPOCHS, variant: str = "syllable+word", time_limit: float = TIME_LIMIT,
          train_rows: list[dict] | None = None, width: int = 48, depth: int = 2) -> dict:
    """Train, keep the epoch that scores best on the dev sets, write the model to ``out``.

    Returns the meta written with it (``meta.json``), scores included.
    """
    from spacy.util import fix_random_seed, minibatch

    from pipeline.resources.ner import letters
    from pipeline.resources.ner.generate import generate

    started, cpu = time.perf_counter(), time.process_time()
    random.seed(seed)
    fix_random_seed(seed)
    nlp = build_nlp(variant, seed=seed, width=width, depth=depth, epochs=epochs)
    dropout = nlp.config["training"]["dropout"]
    rows = train_rows if train_rows is not None else generate(n_train, seed=seed)
    dev_rows = generate(n_dev, seed=seed + 1, split="dev")
    letters_dev, letters_test = letters.load("dev"), letters.load("test")
    examples, dropped = to_examples(nlp, rows)
    if not examples:
        raise ValueError("no training example falls on token boundaries")
    optimizer = nlp.initialize(lambda: examples)
    prepared = time.perf_counter() - started
    log.info("%d training examples (%d dropped), prepared in %.1fs", len(examples), dropped,
             prepared)

    best, best_bytes, history = -1.0, None, []
    for epoch in range(epochs):
        random.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=32):
            nlp.update(batch, drop=dropout, sgd=optimizer, losses=losses)
        with nlp.select_pipes(enable="ner"):
            synthetic = score(nlp, dev_rows)["ents_f"]
            real = score(nlp, letters_dev)["ents_f"] if letters_dev else synthetic
        # The dev letters are few (about 90 names): the generated dev set weighs as much.
        key = real + synthetic
        history.append({"epoch": epoch + 1, "loss": round(float(losses.get("ner", 0.0)), 1),
                        "dev_synthetic_f": synthetic, "dev_letters_f": real,
                        "seconds": round(time.perf_counter() - started, 1)})
        log.info("epoch %d: %s", epoch + 1, history[-1])
        if key > best:
            best, best_bytes = key, nlp.to_bytes()
        if time.perf_counter() - started > time_limit:
            break
    nlp.from_bytes(best_bytes)
    seconds = round(time.perf_counter() - started, 1)

    test = score(nlp, letters_test) if letters_test else {}
    meta = {
        "name": "congvan_ner", "version": "1.0.0", "lang": "vi",
        "description": "Person (PER) and organisation (ORG) names in Vietnamese official "
                       "letters; syllable tokens from underthesea. Trained by `congvan train`.",
        "license": "GPL-3.0-or-later",
        "performance": test,
        "congvan": {
            "variant": variant, "width": width, "depth": depth, "seed": seed,
            "train_examples": len(examples), "dropped_examples": dropped,
            "epochs_run": len(history), "train_seconds": seconds,
            "train_cpu_seconds": round(time.process_time() - cpu, 1), "history": history,
            "dev_synthetic": score(nlp, dev_rows),
            "letters_dev": score(nlp, letters_dev) if letters_dev else {},
            "letters_test": test,
        },
    }
    nlp.meta.update(meta)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    return meta


def default_out() -> Path:
    import pipeline
    return Path(pipeline.__file__).resolve().parents[1] / "models" / "ner"


def run_train(args) -> int:
    """Entry point of ``congvan train [--out DIR] [--seed N]``."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out = Path(args.out) if getattr(args, "out", None) else default_out()
    meta = train(out, seed=getattr(args, "seed", 0) or 0)
    info = meta["congvan"]
    test = info["letters_test"]
    print(f"model written to {out} in {info['train_seconds']}s "
          f"({info['train_examples']} examples, {info['epochs_run']} epochs)")
    for label, s in test.get("ents_per_type", {}).items():
        print(f"  test letters {label}: P {s['p']:.3f} R {s['r']:.3f} F {s['f']:.3f} "
              f"(n={s['support']})")
    return 0
