import pytest

from pipeline.extract.lists import find_distribution, find_recipients
from tests.conftest import layout_of


def _recipients(block):
    return [c.value["name"] for c in find_recipients(layout_of(block))]


@pytest.mark.parametrize("block,names", [
    ("Kính gửi: Ủy ban nhân dân các huyện, thành phố.\n\nNội dung.",
     ["Ủy ban nhân dân các huyện, thành phố"]),
    ("Kính gửi: Sở Tài chính; Sở Nội vụ.\n\nNội dung.", ["Sở Tài chính", "Sở Nội vụ"]),
    ("Kính gửi:\n\n- Các sở, ban, ngành;\n- UBND các xã, phường;\n- Hội Nông dân tỉnh.\n\n"
     "Thực hiện chỉ đạo.", ["Các sở, ban, ngành", "UBND các xã, phường", "Hội Nông dân tỉnh"]),
    ("Kính gửi:\n- Các Sở: Y tế; Tài chính;\n- Bảo hiểm xã hội tỉnh\nvà các đơn vị liên quan.\n\n"
     "Nội dung.", ["Các Sở: Y tế; Tài chính", "Bảo hiểm xã hội tỉnh và các đơn vị liên quan"]),
    ("Kính gửi:    - Sở Y tế;\n              - Sở Tư pháp.\n\nNội dung.", ["Sở Y tế", "Sở Tư pháp"]),
])
def test_recipients(block, names):
    assert _recipients(block) == names


def test_no_recipients_without_kinh_gui():
    assert _recipients("Số: 1/UBND-VP\n\nGửi các đơn vị nội dung sau.") == []


def _distribution(block):
    return [(c.value["name"], c.value["purpose"]) for c in find_distribution(layout_of(block))]


@pytest.mark.parametrize("block,items", [
    ("Nơi nhận:\n- Như trên;\n- UBND tỉnh (để b/c);\n- Lưu: VT, KHTC.\n\nGIÁM ĐỐC\n\nLê Văn Tám",
     [("Như trên", None), ("UBND tỉnh", "b/c"), ("Lưu: VT, KHTC", None)]),
    ("Nơi nhận:\n- Sở Tư pháp (báo cáo);\n- Các phòng (bản điện tử);\n+ Trung tâm Y tế\nhuyện (để thực hiện);"
     "\n• Lưu: VT.\n\nCHỦ TỊCH\n\nLê Văn Tám",
     [("Sở Tư pháp", "báo cáo"), ("Các phòng (bản điện tử)", None),
      ("Trung tâm Y tế huyện", "thực hiện"), ("Lưu: VT", None)]),
])
def test_distribution(block, items):
    assert _distribution("Kính gửi: Sở Y tế.\n\nNội dung.\n\n" + block) == items


def test_distribution_beside_signature(interleaved):
    assert [c.value["name"] for c in find_distribution(interleaved)] == [
        "Như trên", "Giám đốc Sở", "Lưu: VT, KHTC"]


@pytest.mark.parametrize("item,name", [
    ("- Lưu: VI, QLNS.", "Lưu: VT, QLNS"),           # OCR reads the decree's "VT" as "VI"
    ("- Lưu: VT; KT.", "Lưu: VT, KT"),
    ("- CT; các PCT UBND quận;", "CT, các PCT UBND quận"),
    ("- Các sở, ban, ngành; UBND các quận;", "Các sở, ban, ngành; UBND các quận"),
    ("- Vietinbank (VI) chi nhánh;", "Vietinbank (VI) chi nhánh"),
])
def test_distribution_undoes_ocr_confusions(item, name):
    block = f"Kính gửi: Sở Y tế.\n\nNội dung.\n\nNơi nhận:\n{item}\n\nGIÁM ĐỐC\n\nLê Văn Tám"
    assert [c.value["name"] for c in find_distribution(layout_of(block))] == [name]


def test_archive_item_without_its_comma():
    block = "Kính gửi: Sở Y tế.\n\nNội dung.\n\nNơi nhận:\n- Lưu: VI CĐS.\n\nGIÁM ĐỐC\n\nLê Văn Tám"
    assert [c.value["name"] for c in find_distribution(layout_of(block))] == ["Lưu: VT, CĐS"]
