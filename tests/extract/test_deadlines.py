"""find_deadlines: "by date X" obligations only (record-v1.md, conventions)."""

import pytest

from pipeline.extract.deadlines import find_deadlines


def _values(text, **kwargs):
    return [c.value for c in find_deadlines(text, **kwargs) if c.problem is None]


@pytest.mark.parametrize("text, due, time, action", [
    ("Thời hạn nhận hồ sơ dự tuyển: trước ngày 10/9/2025.",
     "2025-09-10", None, "Thời hạn nhận hồ sơ dự tuyển"),
    ("2. Thời hạn gửi bài dự thi: trước 17h ngày 30/5/2025.",
     "2025-05-30", "17:00", "Thời hạn gửi bài dự thi"),
    ("c) Hạn chót nhận đăng ký: 16 giờ 30 ngày 12/12/2024",
     "2024-12-12", "16:30", "Hạn chót nhận đăng ký"),
    ("Hạn nộp báo cáo: ngày 20 tháng 11 năm 2024.", "2024-11-20", None, "Hạn nộp báo cáo"),
    ("Trung tâm đề nghị các trường gửi danh sách học sinh trước ngày 15/10/2024 để tổng hợp.",
     "2024-10-15", None, "gửi danh sách học sinh"),
    ("Các phòng nộp kế hoạch về Văn phòng chậm nhất ngày 05/01/2025.",
     "2025-01-05", None, "nộp kế hoạch về Văn phòng"),
    ("Đơn vị hoàn thành báo cáo chậm nhất là ngày 28/02/2025.",
     "2025-02-28", None, "hoàn thành báo cáo"),
    ("đề nghị gửi ý kiến góp ý chậm nhất vào ngày 3/4/2025.",
     "2025-04-03", None, "gửi ý kiến góp ý"),
    ("Hồ sơ gửi qua địa chỉ email của Phòng trước 10 giờ 00, thứ Hai, ngày 7/4/2025.",
     "2025-04-07", "10:00", "gửi"),
    ("Các xã đăng ký tham gia theo địa chỉ trên trước 9h30' ngày 2/6/2025.",
     "2025-06-02", "09:30", "đăng ký tham gia"),
    ("Nhận hồ sơ đến hết ngày 31/7/2025.", "2025-07-31", None, None),
    ("Hạn cuối là ngày 30/6/2025.", "2025-06-30", None, None),
    ("Đề nghị cập nhật số liệu trước ngày 15/6.", "2024-06-15", None, "cập nhật số liệu"),
    # letters arrive hard-wrapped: a line break does not end the clause
    ("Các đơn vị gửi danh sách cán bộ tham dự về Văn phòng\nSở trước 16h ngày 20/9/2024.",
     "2024-09-20", "16:00", "gửi danh sách cán bộ tham dự về Văn phòng Sở"),
    # a colon inside a parenthesis or a web address does not end it either
    ("- Xã gửi báo cáo về Phòng Nội vụ (điện thoại: 0912345678) trước ngày 2/10/2024.",
     "2024-10-02", None, "gửi báo cáo về Phòng Nội vụ (điện thoại: 0912345678)"),
    ("- Nhập số liệu tại địa chỉ https://baocao.tinh.gov.vn chậm nhất ngày 3/10/2024.",
     "2024-10-03", None, "Nhập số liệu"),
    # a list marker "b)" is no parenthesis; a period stated before the action is skipped
    ("1. Các xã: a) Tuyên truyền. b) Rà soát hộ dân, gửi kết quả về Sở trước ngày 9/9/2024.",
     "2024-09-09", None, "Rà soát hộ dân, gửi kết quả về Sở"),
    ("Hồ sơ được yêu cầu bổ sung từ ngày 1/9/2024 đến ngày 5/9/2024 thực hiện nộp lại trước"
     " ngày 12/9/2024.", "2024-09-12", None, "thực hiện nộp lại"),
])
def test_deadlines(text, due, time, action):
    found = list(find_deadlines(text, issued="2024-05-02"))
    assert len(found) == 1
    candidate = found[0]
    assert candidate.problem is None and candidate.field == "deadline"
    assert candidate.value == {"due": due, "time": time, "action": action}
    span = text[candidate.start:candidate.end]
    assert span[-1].isdigit() and str(int(due[8:])) in span


@pytest.mark.parametrize("text", [
    "Thời gian tổ chức: từ ngày 01/6 đến ngày 15/6/2024.",              # a period
    "Cuộc thi diễn ra từ ngày 01/6/2024 đến hết ngày 15/6/2024.",       # a period, too
    "trong thời gian từ 01/6/2024 đến 15/6/2024",
    "Hội nghị bắt đầu vào lúc 8 giờ 00 ngày 05/6/2024 tại hội trường.",  # a meeting
    "Báo cáo kết quả trong quý III/2024.",                              # a quarter
    "Đề nghị các đơn vị triển khai ngay.",                              # "ngay"
    "Thực hiện Công văn số 12/UBND-VX ngày 5/3/2024 của UBND tỉnh",     # a cited document
    "Các văn bản ban hành trước ngày 01/7/2016 hết hiệu lực.",          # a past cut-off
    "Giấy phép được cấp trước ngày 01/01/2020 vẫn có giá trị.",
    "đề nghị hoàn thành trước tháng 6/2024",                            # no day
    "trong thời hạn 15 ngày kể từ ngày 01/3/2025",                      # counted from a date
    "Trước đây, ngày 5/3/2024 Sở đã có văn bản",
])
def test_not_deadlines(text):
    assert _values(text) == []


def test_deadline_before_issue_date_is_a_problem():
    text = "gửi báo cáo trước ngày 31/12/2023"
    (candidate,) = find_deadlines(text, issued="2024-01-15")
    assert candidate.problem[0] == "deadline.before_issued"
    assert candidate.value["due"] == "2023-12-31"
    assert _values(text, issued="2023-12") == [
        {"due": "2023-12-31", "time": None, "action": "gửi báo cáo"}]
    assert _values(text, issued="2024") == []


@pytest.mark.parametrize("issued, due", [
    ("2024-05-02", "2024-06-15"), ("2024-12-20", "2025-06-15"), ("2024", "2024-06-15"),
    (None, None),
])
def test_a_date_without_its_year_takes_the_next_one_after_the_issue_date(issued, due):
    found = _values("Đề nghị gửi báo cáo trước ngày 15/6.", issued=issued)
    assert [v["due"] for v in found] == ([due] if due else [])


def test_impossible_deadline_date_is_a_problem():
    (candidate,) = find_deadlines("nộp hồ sơ trước ngày 31/4/2025")
    assert candidate.value["due"] is None and candidate.problem[0] == "date.invalid"


def test_window_and_several():
    text = ("Nộp bản đăng ký trước ngày 10/3/2025. Nộp hồ sơ đầy đủ trước ngày 10/4/2025. "
            "Hạn chót nhận bài: 10/5/2025.")
    assert [v["due"] for v in _values(text)] == ["2025-03-10", "2025-04-10", "2025-05-10"]
    assert [v["due"] for v in _values(text, start=38)] == ["2025-04-10", "2025-05-10"]
    assert [v["due"] for v in _values(text, end=75)] == ["2025-03-10", "2025-04-10"]


@pytest.mark.parametrize("text", [
    "Các đơn vị gửi báo cáo trước ngày 15/6 hằng năm.",
    "Tổ công tác hoạt động đến hết ngày 31/12/2025.",
])
def test_recurring_dates_and_durations_are_not_deadlines(text):
    assert list(find_deadlines(text, issued="2025-03-01")) == []


def test_no_later_than():
    (c,) = find_deadlines("Gửi hồ sơ không muộn hơn ngày 15/3/2024.", issued="2024-03-01")
    assert c.value["due"] == "2024-03-15"
