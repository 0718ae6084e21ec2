"""Shared fixtures: fictional letters written for the tests, and paths to shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.layout import zone
from pipeline.normalize import normalize

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# A fictional công văn in the shape real letters arrive in: the two-column header
# flattened onto shared lines, Nơi nhận beside the signature block.
INTERLEAVED_LETTER = """\
UBND TỈNH QUẢNG NINH          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ GIÁO DỤC VÀ ĐÀO TẠO              Độc lập - Tự do - Hạnh phúc
Số: 1207/SGDĐT-KHTC           Quảng Ninh, ngày 09 tháng 9 năm 2024
V/v báo cáo số liệu trường, lớp
năm học 2024-2025

Kính gửi: Phòng Giáo dục và Đào tạo các huyện, thị xã, thành phố.

Thực hiện Công văn số 4411/BGDĐT-KHTC ngày 15/8/2024 của Bộ Giáo dục và Đào tạo,
Sở đề nghị các đơn vị gửi báo cáo về Sở trước ngày 25/9/2024.
Thông tin liên hệ: bà Lê Thu Trang, chuyên viên Phòng Kế hoạch - Tài chính,
điện thoại: 0912 345 678, email: lttrang@quangninh.edu.vn.

Nơi nhận:                                   KT. GIÁM ĐỐC
- Như trên;                                 PHÓ GIÁM ĐỐC
- Giám đốc Sở (để b/c);
- Lưu: VT, KHTC.

                                            Đoàn Minh Quân
"""


@pytest.fixture
def interleaved():
    return zone(normalize(INTERLEAVED_LETTER).text)


def layout_of(raw: str):
    return zone(normalize(raw).text)
