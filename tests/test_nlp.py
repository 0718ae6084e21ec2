"""pipeline.nlp: offsets kept, line-by-line tokens, the NER model, training, its data."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from pipeline import nlp
from pipeline.resources.ner import letters
from pipeline.resources.ner.generate import Generator, generate, lexicon

NER_DIR = Path(__file__).resolve().parents[1] / "pipeline" / "resources" / "ner"
MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "ner"


def assert_offsets(doc, text):
    assert doc.text == text
    for token in doc:
        assert text[token.idx:token.idx + len(token)] == token.text
    covered = "".join(t.text_with_ws for t in doc)
    assert covered == text


# --- tokens and offsets ---------------------------------------------------------------

TEXTS = [
    "",
    "\n\n",
    "   ",
    "Sở Khoa học và Công nghệ",
    "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\n\nHoàng Minh Cường\n",
    "  Ông   Nguyễn  Văn An,   chuyên viên\n",
    # underthesea rewrites these ("nghành" -> "ngành", "hoà" -> "hòa", "Ð" -> "Đ")
    "nghành giáo dục  hoà bình, Thuỷ lợi Ð",
    "Số: 650/SKHCN-TĐC                      Nghệ An, ngày 04 tháng 4 năm 2025",
    "Nơi nhận:                     KT. GIÁM ĐỐC\n- Như trên;                   PHÓ GIÁM ĐỐC\n"
    "- Lưu: VT, TĐC.               Hoàng Minh Cường",
    "email: phongqltdc@gmail.com; https://dichvucong.gov.vn/p?a=1 (0236) 3822 517…",
    "H'Mông ThS. Lê Văn A, Tp. Huế 1.600m-2.000m v.v... =>",
]


@pytest.mark.parametrize("text", TEXTS)
def test_make_doc_keeps_offsets(text):
    assert_offsets(nlp.make_doc(text), text)


@pytest.mark.parametrize("text", TEXTS)
def test_no_token_crosses_a_line_break(text):
    for token in nlp.make_doc(text):
        assert token.is_space or "\n" not in token.text


def test_lines_are_tokenized_apart():
    # On the whole text underthesea joins "ĐỐC" and "Hoàng" across the break.
    doc = nlp.make_doc("PHÓ GIÁM ĐỐC\nHoàng Minh Cường")
    assert [t.tag_ for t in doc] == ["B", "B", "I", "_SP", "B", "I", "I"]


@pytest.mark.parametrize("text, words", [
    ("Hoàng Minh Cường", ["Hoàng Minh Cường"]),
    ("bà Trịnh Thị Hải, chuyên viên", ["bà", "Trịnh Thị Hải", ",", "chuyên viên"]),
    ("Ông   Nguyễn  Văn An", ["Ông", "Nguyễn  Văn An"]),
])
def test_word_spans_give_underthesea_words(text, words):
    assert [s.text for s in nlp.word_spans(nlp.make_doc(text))] == words


@pytest.mark.parametrize("rewrite", [
    lambda line: [w.upper() for w in line.split()],            # every syllable changed
    lambda line: [w[:-1] for w in line.split() if len(w) > 1],  # characters dropped
    lambda line: [w + "x" for w in line.split()],               # characters added
    lambda line: [" ".join(line.split())],                      # one word, spaces collapsed
    lambda line: [],                                            # nothing returned
    lambda line: ["zzz qqq"],                                   # unrelated strings
])
def test_offsets_survive_any_rewrite_by_underthesea(monkeypatch, rewrite):
    text = "  Ông   Nguyễn  Văn An,\nchuyên viên Phòng Kế hoạch - Tài chính.\n"
    monkeypatch.setitem(nlp._state, "word_tokenize", rewrite)
    doc = nlp._tokenizer_class()(nlp.blank().vocab)(text)
    assert_offsets(doc, text)
    for token in doc:
        assert token.is_space or not any(ch.isspace() for ch in token.text)


def test_import_loads_nothing_heavy():
    code = ("import sys, pipeline.nlp as n; "
            "assert 'underthesea' not in sys.modules, 'underthesea loaded at import'; "
            "assert not n._state")
    subprocess.run([sys.executable, "-c", code], check=True)


# --- the model ------------------------------------------------------------------------

def test_model_loads_from_models_ner(monkeypatch):
    monkeypatch.delenv(nlp.MODEL_ENV, raising=False)
    assert nlp.model_dir() == MODEL_DIR
    model = nlp.load(MODEL_DIR)
    assert set(nlp.LABELS) <= set(model.get_pipe("ner").labels)
    assert model.meta["congvan"]["letters_test"]["ents_per_type"]["PER"]["support"] > 0


def test_model_dir_env_wins(monkeypatch, tmp_path):
    (tmp_path / "config.cfg").write_text("", encoding="utf-8")
    monkeypatch.setenv(nlp.MODEL_ENV, str(tmp_path))
    assert nlp.model_dir() == tmp_path


def test_no_model_means_rules_only(monkeypatch, caplog):
    monkeypatch.setattr(nlp, "_state", {})
    monkeypatch.setattr(nlp, "model_dir", lambda: None)
    with caplog.at_level(logging.WARNING, logger="pipeline.nlp"):
        assert list(nlp.find_entities("Đầu mối liên hệ: bà Trịnh Thị Hải.")) == []
    assert "rules only" in caplog.text


def names(text, label):
    return {c.value for c in nlp.find_entities(text) if c.field == label}


@pytest.mark.parametrize("text, name", [
    ("Đầu mối liên hệ: bà Trịnh Thị Hải, chuyên viên Phòng Quản lý Tiêu chuẩn Chất lượng; "
     "điện thoại: 0982.634.968.", "Trịnh Thị Hải"),
    ("Trong quá trình thực hiện, đề nghị liên hệ đ/c Bùi Xuân Hiệp, điện thoại: 0912 345 678.",
     "Bùi Xuân Hiệp"),
    ("Ông Nguyễn Văn An, chuyên viên Phòng Kế hoạch - Tài chính, Sở Tài chính.", "Nguyễn Văn An"),
    ("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\n\nHoàng Minh Cường", "Hoàng Minh Cường"),
    ("Nơi nhận:                     KT. GIÁM ĐỐC\n- Như trên;                   PHÓ GIÁM ĐỐC\n"
     "- Lưu: VT, TĐC.               Hoàng Minh Cường", "Hoàng Minh Cường"),
])
def test_person_names_are_found(text, name):
    assert name in names(text, "PER")


@pytest.mark.parametrize("text, name", [
    ("Thực hiện Công văn số 123/UBND-VP ngày 05/3/2024 của Ủy ban nhân dân tỉnh Nghệ An về "
     "việc triển khai công tác năm 2024;", "Ủy ban nhân dân tỉnh Nghệ An"),
    ("Sở Khoa học và Công nghệ đề nghị các cơ quan, đơn vị phối hợp thực hiện.",
     "Sở Khoa học và Công nghệ"),
    ("Căn cứ Thông tư số 31/2023/TT-BGDĐT ngày 18/12/2023 của Bộ Giáo dục và Đào tạo;",
     "Bộ Giáo dục và Đào tạo"),
    ("Báo cáo gửi về Văn phòng Ủy ban nhân dân thành phố trước ngày 15/5/2025.",
     "Văn phòng Ủy ban nhân dân thành phố"),
    ("Hồ sơ gửi về Chi cục Tiêu chuẩn Đo lường Chất lượng trước ngày 15/5/2025.",
     "Chi cục Tiêu chuẩn Đo lường Chất lượng"),
])
def test_organisation_names_are_found(text, name):
    assert name in names(text, "ORG")


@pytest.mark.parametrize("text, label", [
    ("GIÁM ĐỐC", "PER"),
    ("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "PER"),
    ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "PER"),
    ("Tuyên truyền rộng rãi về Giải thưởng Chất lượng Quốc gia năm 2025.", "ORG"),
    ("Thực hiện nghiêm các quy định của Luật Đầu tư công năm 2019.", "ORG"),
    ("trên địa bàn tỉnh Nghệ An", "ORG"),
    ("Kính gửi: Các Sở, ban, ngành; UBND các huyện, thị xã, thành phố.", "ORG"),
])
def test_no_entity_where_there_is_none(text, label):
    assert names(text, label) == set()


def test_zones_of_a_tokenized_text_reuse_its_tokens():
    text = ("Sở Khoa học và Công nghệ trân trọng đề nghị.\n"
            "Đầu mối liên hệ: bà Trịnh Thị Hải, chuyên viên Phòng Quản lý Tiêu chuẩn Chất "
            "lượng, điện thoại: 0982.634.968.\n\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\nHoàng Minh Cường")
    zones = [(text.index("Đầu mối"), text.index("\n\nKT.")), (text.index("KT."), len(text))]
    nlp._state.pop("last_doc", None)
    alone = [list(nlp.find_entities(text, s, e)) for s, e in zones]
    nlp.make_doc(text)
    reused = [list(nlp.find_entities(text, s, e)) for s, e in zones]
    assert alone == reused
    assert [c.value for c in reused[1]] == ["Hoàng Minh Cường"]


def test_a_doc_from_make_doc_can_be_labelled_later():
    doc = nlp.make_doc("Đầu mối liên hệ: bà Trịnh Thị Hải, chuyên viên Sở Y tế.")
    nlp.get_nlp().get_pipe("ner")(doc)
    assert ("Trịnh Thị Hải", "PER") in [(e.text, e.label_) for e in doc.ents]


def test_find_entities_offsets_index_the_whole_text():
    text = ("Sở Khoa học và Công nghệ trân trọng đề nghị.\n"
            "Đầu mối liên hệ: bà Trịnh Thị Hải, chuyên viên, điện thoại: 0982.634.968.\n")
    start = text.index("Đầu mối")
    found = list(nlp.find_entities(text, start, len(text)))
    assert [(c.field, text[c.start:c.end]) for c in found] == [("PER", "Trịnh Thị Hải")]
    assert all(c.rule == "ner.spacy" and 0 < c.score <= 1 for c in found)
    assert list(nlp.find_entities(text, 5, 5)) == []


# --- training -------------------------------------------------------------------------

def test_train_writes_a_loadable_model(tmp_path):
    from pipeline.train import train

    meta = train(tmp_path / "m", seed=1, train_rows=generate(12, seed=1), n_dev=5, epochs=2)
    assert meta["congvan"]["epochs_run"] == 2
    model = nlp.load(tmp_path / "m")
    assert (tmp_path / "m" / "config.cfg").is_file()
    assert model("Đầu mối liên hệ: bà Trịnh Thị Hải.").text.startswith("Đầu mối")


# --- the data -------------------------------------------------------------------------

DATA_FILES = sorted(p for p in NER_DIR.iterdir() if p.suffix in (".txt", ".tsv", ".jsonl"))


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_data_files_are_nfc_and_clean(path):
    text = path.read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", text) == text
    for line in text.splitlines():
        assert line == line.rstrip(" "), f"{path.name}: trailing space in {line!r}"


@pytest.mark.parametrize("name", ["family_names.tsv", "given_names.tsv", "provinces.tsv",
                                  "localities.tsv", "sectors.tsv", "units.tsv",
                                  "central_bodies.txt", "company_words.txt", "bodies.tsv"])
def test_lists_have_no_duplicates(name):
    from pipeline.resources import load_tsv
    rows = load_tsv(f"ner/{name}")
    assert len(rows) == len(set(rows)), [r for r in rows if rows.count(r) > 1][:3]


def test_every_template_slot_is_known():
    gen = Generator(seed=0)
    for _, _, templates in lexicon().sections:
        for template in templates:
            for slot in __import__("re").findall(r"\{(\w+)\}", template):
                if slot != "PER" and not slot.startswith("ORG"):
                    gen.filler(slot)


def test_generator_is_deterministic_and_annotations_are_clean():
    rows = generate(300, seed=7)
    assert rows == generate(300, seed=7)
    for row in rows:
        assert "\\" not in row["text"] and "{" not in row["text"], row["text"]
        spans = sorted(row["entities"])
        for (s, e, label), nxt in zip(spans, spans[1:] + [None]):
            assert label in nlp.LABELS
            assert row["text"][s:e] == row["text"][s:e].strip() != ""
            assert nxt is None or e <= nxt[0]


def test_dev_split_names_are_unseen_in_training():
    train, dev = lexicon("train"), lexicon("dev")
    assert not set(train.givens["m"] + train.givens["f"]) & set(dev.givens["m"] + dev.givens["f"])
    assert not set(train.units) & set(dev.units)


def test_letter_annotations_are_consistent():
    rows = letters.load()
    assert {letters.split_of(r["letter"]) for r in rows} == {"dev", "test"}
    for row in rows:
        spans = sorted(row["entities"])
        for (s, e, label), nxt in zip(spans, spans[1:] + [None]):
            assert label in nlp.LABELS and 0 <= s < e <= len(row["text"])
            assert row["text"][s:e] == row["text"][s:e].strip()
            assert nxt is None or e <= nxt[0]


def test_letters_jsonl_is_one_object_a_line():
    for line in (NER_DIR / "letters.jsonl").read_text(encoding="utf-8").splitlines():
        assert set(json.loads(line)) == {"letter", "kind", "text", "entities"}
