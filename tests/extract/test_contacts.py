import re

from pipeline.extract.base import Candidate
from pipeline.extract.contacts import find_contacts
from tests.conftest import layout_of

PHONE = re.compile(r"0\d{9}")
MAIL = re.compile(r"[\w.]+@[\w.]+\w")


def fake_phones(text, start, end):
    for m in PHONE.finditer(text, start, end):
        yield Candidate("phone", m.start(), m.end(), "+84" + m.group(0)[1:])


def fake_emails(text, start, end):
    for m in MAIL.finditer(text, start, end):
        yield Candidate("email", m.start(), m.end(), m.group(0))


def contacts_of(body):
    layout = layout_of("Kính gửi: Các đơn vị.\n\n" + body + "\n\nNơi nhận:\n- Lưu: VT.\n")
    return [c.value for c in find_contacts(layout, fake_phones, fake_emails)]


def test_contact_with_title_phone_and_email():
    (c,) = contacts_of("Chi tiết xin liên hệ: Ông Lưu Quang Vinh, chuyên viên Phòng Kế hoạch, "
                       "điện thoại: 0912345678, email: vinhlq@sotc.gov.vn.")
    assert c == {"name": "Lưu Quang Vinh", "title": "chuyên viên Phòng Kế hoạch",
                 "phones": ["+84912345678"], "emails": ["vinhlq@sotc.gov.vn"]}


def test_phone_before_the_name_goes_to_it():
    (c,) = contacts_of("Mọi thông tin xin gọi số 0987654321 (đ/c Tạ Thu Hằng).")
    assert (c["name"], c["phones"]) == ("Tạ Thu Hằng", ["+84987654321"])


def test_two_contacts_each_with_their_phone():
    cs = contacts_of("Liên hệ: bà Mai Thị Lan, ĐT: 0911111111; ông Hồ Quốc Bảo, ĐT: 0922222222.")
    assert [(c["name"], c["phones"]) for c in cs] == [("Mai Thị Lan", ["+84911111111"]),
                                                      ("Hồ Quốc Bảo", ["+84922222222"])]


def test_a_name_without_contact_cue_is_not_a_contact():
    assert contacts_of("Theo chỉ đạo của ông Nguyễn Văn Hải, Phó Chủ tịch UBND tỉnh.") == []


def test_name_after_position_without_honorific():
    cs = contacts_of("Liên hệ Phó Trưởng phòng Quản lý thương mại Kră Jăn Ha Đào, điện thoại "
                     "0912345678; hoặc Phóng viên Cầm Thị Ngọc Ánh (0987654321).")
    assert [(c["name"], c["phones"]) for c in cs] == [("Kră Jăn Ha Đào", ["+84912345678"]),
                                                      ("Cầm Thị Ngọc Ánh", ["+84987654321"])]


def test_minority_names_with_apostrophes():
    (c,) = contacts_of("Liên hệ bà H' Ly Niê Kdăm, chuyên viên, điện thoại 0912345678.")
    assert c["name"] == "H' Ly Niê Kdăm"


def test_a_place_after_a_position_is_not_a_person():
    assert contacts_of("Liên hệ Giám đốc Sở Y tế Hà Nội, điện thoại 0912345678.") == []


def test_model_finds_a_name_the_rules_cannot_see():
    """No honorific, no position, no cue before the name: the NER model's PER is used; a
    street named after a person is not a contact."""
    from pipeline import extract_text
    record = extract_text("Số: 1/UBND-VP\nKính gửi: Các đơn vị.\n\nMọi thắc mắc xin gửi về "
                          "Nguyễn Thị Hoa, điện thoại 0912345678.\n\nĐịa chỉ: số 12 Trần Hưng "
                          "Đạo, điện thoại 0912345679.\n\nNơi nhận:\n- Lưu: VT.\n")
    assert [(c.name, c.phones) for c in record.contacts] == [("Nguyễn Thị Hoa",
                                                             ["+84912345678"])]


def test_honorific_before_a_position_is_not_a_name():
    assert contacts_of("Liên hệ đồng chí Phó Giám đốc Sở, điện thoại 0912345678.") == []
