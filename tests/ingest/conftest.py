"""Fixtures of the ingest tests: letters rendered at test time by ``tests/render.py``.

Rendering and OCR cost seconds, so each file is made once per session and shared.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import render

# A letter long enough for two pages: multi-page files, page numbers, one page turned.
LONG = render.Letter(
    stem="cv-hoanam-snn-2trang",
    issuer=["UBND TỈNH HÒA NAM", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"],
    number="Số: 2093/SNNMT-KHTC",
    place_date="Hòa Nam, ngày 03 tháng 9 năm 2025",
    subject=["V/v xây dựng kế hoạch đầu tư công", "trung hạn giai đoạn 2026-2030"],
    recipients=["- Các phòng, đơn vị thuộc Sở;", "- Ban Quản lý dự án ngành nông nghiệp."],
    body=[
        "Thực hiện Công văn số 4471/UBND-KT ngày 20/8/2025 của UBND tỉnh về việc xây dựng "
        "kế hoạch đầu tư công trung hạn giai đoạn 2026-2030, Sở Nông nghiệp và Môi trường "
        "đề nghị các đơn vị thực hiện một số nội dung sau đây.",
        "1. Đánh giá tình hình thực hiện kế hoạch đầu tư công giai đoạn 2021-2025: kết quả "
        "giải ngân, số dự án hoàn thành, khó khăn, vướng mắc và nguyên nhân; đề xuất giải "
        "pháp khắc phục trong giai đoạn tới.",
        "2. Lập danh mục dự án đề nghị bố trí vốn giai đoạn 2026-2030, sắp xếp theo thứ tự "
        "ưu tiên; mỗi dự án có thuyết minh sự cần thiết, mục tiêu, quy mô, tổng mức đầu tư "
        "dự kiến và nguồn vốn.",
        "3. Rà soát các dự án chuyển tiếp, bảo đảm bố trí đủ vốn để hoàn thành dứt điểm, "
        "không để phát sinh nợ đọng xây dựng cơ bản.",
        "4. Các dự án đề xuất mới phải phù hợp với quy hoạch tỉnh thời kỳ 2021-2030, tầm "
        "nhìn đến năm 2050 và khả năng cân đối vốn của ngân sách tỉnh.",
        "5. Ban Quản lý dự án ngành nông nghiệp tổng hợp nhu cầu vốn của các công trình "
        "thủy lợi, đê điều, nước sạch nông thôn; phối hợp với các phòng chuyên môn để "
        "thống nhất danh mục trước khi trình Giám đốc Sở.",
        "6. Phòng Kế hoạch - Tài chính là đầu mối tổng hợp, tham mưu Giám đốc Sở báo cáo "
        "UBND tỉnh và Sở Tài chính theo đúng thời hạn quy định.",
        "7. Chi cục Kiểm lâm, Chi cục Thủy lợi và Chi cục Chăn nuôi và Thú y rà soát nhu "
        "cầu đầu tư trụ sở, trang thiết bị, hệ thống cơ sở dữ liệu chuyên ngành; ưu tiên "
        "các dự án chuyển đổi số, ứng phó với biến đổi khí hậu và phòng, chống thiên tai.",
        "8. Trung tâm Khuyến nông đề xuất các mô hình sản xuất nông nghiệp hữu cơ, nông "
        "nghiệp ứng dụng công nghệ cao gắn với liên kết chuỗi giá trị, kèm theo dự kiến "
        "kinh phí, địa điểm và hiệu quả kinh tế - xã hội.",
        "9. Văn phòng Sở rà soát nhu cầu sửa chữa, cải tạo trụ sở làm việc và kho lưu trữ "
        "chuyên dụng, bảo đảm điều kiện bảo quản hồ sơ, tài liệu theo quy định.",
        "Báo cáo và danh mục dự án gửi về Sở (qua Phòng Kế hoạch - Tài chính) trước ngày "
        "25/9/2025, đồng thời gửi bản điện tử qua địa chỉ khtc.snnmt@hoanam.gov.vn. Mọi "
        "vướng mắc liên hệ ông Phạm Quốc Việt, điện thoại 0233 3852 417.",
        "Đề nghị các đơn vị khẩn trương triển khai thực hiện./.",
    ],
    distribution=["- Như trên;", "- UBND tỉnh (để báo cáo);", "- Sở Tài chính;",
                  "- Giám đốc, các PGĐ Sở;", "- Lưu: VT, KHTC."],
    signer=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Thị Thu Hà"],
)


class Rendered:
    """One letter in every form, made on first use."""

    def __init__(self, letter: render.Letter, folder: Path, seed: int = 1):
        self.letter = letter
        self.folder = folder
        self.pages = render.layout(letter)
        self.truth = render.truth_pages(self.pages)
        self.clean = render.page_images(self.pages)
        self.scanned = render.degrade(self.clean, seed=seed)      # the last page upside down
        folder.mkdir(parents=True, exist_ok=True)

    def path(self, name: str) -> Path:
        return self.folder / f"{self.letter.stem}{name}"


@pytest.fixture(scope="session")
def long_letter(tmp_path_factory) -> Rendered:
    made = Rendered(LONG, tmp_path_factory.mktemp("long"))
    assert len(made.pages) == 2, "the long letter must take two pages"
    return made


@pytest.fixture(scope="session")
def short_letter(tmp_path_factory) -> Rendered:
    return Rendered(render.LETTERS[0], tmp_path_factory.mktemp("short"), seed=2)
