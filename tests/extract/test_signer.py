import pytest

from pipeline.extract.signer import find_signer, is_person_name
from tests.conftest import layout_of

BODY = "Kính gửi: Sở Y tế.\n\nNội dung.\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\n"


@pytest.mark.parametrize("block,name,position,on_behalf", [
    ("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\n\nNguyễn Khắc An", "Nguyễn Khắc An", "PHÓ GIÁM ĐỐC",
     "KT. GIÁM ĐỐC"),
    ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n(Đã ký)\nHồ Văn Lâm", "Hồ Văn Lâm", "CHỦ TỊCH",
     "TM. ỦY BAN NHÂN DÂN"),
    ("TL. CHỦ TỊCH\nKT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG\n\nTrịnh Thu Hà", "Trịnh Thu Hà",
     "PHÓ CHÁNH VĂN PHÒNG", "TL. CHỦ TỊCH KT. CHÁNH VĂN PHÒNG"),
    ("GIÁM ĐỐC\n\nPhan Thanh Bình", "Phan Thanh Bình", "GIÁM ĐỐC", None),
    ("TUQ. BỘ TRƯỞNG\nVỤ TRƯỞNG VỤ PHÁP CHẾ\n\nVũ Hồng Nhung", "Vũ Hồng Nhung",
     "VỤ TRƯỞNG VỤ PHÁP CHẾ", "TUQ. BỘ TRƯỞNG"),
    ("Q. GIÁM ĐỐC\n\nLã Minh Đức", "Lã Minh Đức", "Q. GIÁM ĐỐC", None),
    ("KT. GIÁM ĐỐC\nQ. PHÓ GIÁM ĐỐC\n\nLã Minh Đức", "Lã Minh Đức", "Q. PHÓ GIÁM ĐỐC",
     "KT. GIÁM ĐỐC"),
])
def test_signature_block(block, name, position, on_behalf):
    (c,) = find_signer(layout_of(BODY + block))
    assert (c.value["name"], c.value["position"], c.value["on_behalf"]) == (name, position,
                                                                            on_behalf)


def test_side_by_side_signature(interleaved):
    (c,) = find_signer(interleaved)
    assert c.value == {"name": "Đoàn Minh Quân", "position": "PHÓ GIÁM ĐỐC",
                       "on_behalf": "KT. GIÁM ĐỐC"}


def test_no_signer_in_a_letter_without_block():
    assert list(find_signer(layout_of("Kính gửi: Sở Y tế.\n\nNội dung ngắn."))) == []


@pytest.mark.parametrize("text,expected", [
    ("Phạm Việt Hùng", True), ("NGUYỄN VĂN AN", True), ("Lê Na", True),
    ("PHÓ GIÁM ĐỐC", False), ("Sở Y tế", False), ("Hà Nội", True),  # a surname-led place
    ("Nguyễn", False), ("Nguyễn Văn An 2", False),
])
def test_is_person_name(text, expected):
    assert is_person_name(text) is expected


def test_model_reads_a_name_the_rules_cannot():
    """OCR lowered a middle name ("Trần thị Bích Hà"): the NER model names the signer, and
    the block above it stays intact."""
    from pipeline.extract.signer import find_signer
    from pipeline.nlp import find_entities
    layout = layout_of(BODY + "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nTrần thị Bích Hà")
    (c,) = find_signer(layout, find_entities)
    assert c.value == {"name": "Trần thị Bích Hà", "position": "PHÓ CHỦ TỊCH",
                       "on_behalf": "KT. CHỦ TỊCH"}
    (c,) = find_signer(layout)
    assert (c.value["name"], c.value["position"]) == (None, "PHÓ CHỦ TỊCH")


def test_position_read_without_its_marks():
    (c,) = find_signer(layout_of(BODY + "TL. BỘ TRƯỞNG\nKT. VỤ TRƯỞNG VỤ PHÁP CHẾ\n"
                                 "PHÓ VU TRƯỞNG\n\nTrương Văn Hòa"))
    assert (c.value["position"], c.value["on_behalf"]) == (
        "PHÓ VỤ TRƯỞNG", "TL. BỘ TRƯỞNG KT. VỤ TRƯỞNG VỤ PHÁP CHẾ")
