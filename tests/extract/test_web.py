"""find_emails and find_urls: addresses as written, without trailing punctuation."""

import pytest

from pipeline.extract.web import find_emails, find_urls


@pytest.mark.parametrize("text, expected", [
    ("Email: vanthu_sotc@danang.gov.vn", ["vanthu_sotc@danang.gov.vn"]),
    ("email: nguyen.van.an@sub.moet.edu.vn.", ["nguyen.van.an@sub.moet.edu.vn"]),
    ("E-mail:phongkh2024@gmail.com;", ["phongkh2024@gmail.com"]),
    ("(thư điện tử: hotro@dichvu.com.vn)", ["hotro@dichvu.com.vn"]),
    ("mailto:lienhe@tinh.gov.vn", ["lienhe@tinh.gov.vn"]),
    ("a@x.vn, b@y.vn", ["a@x.vn", "b@y.vn"]),
    ("email: lienhe@tinh.gov.vn./.", ["lienhe@tinh.gov.vn"]),   # the "./." that ends a letter
])
def test_emails(text, expected):
    assert [c.value for c in find_emails(text)] == expected


@pytest.mark.parametrize("text", ["a@@b.vn", "x@y@z.vn", "hotro@gmail", "abc@.vn", "an@gmail..com"])
def test_invalid_emails_are_problems(text):
    (candidate,) = find_emails(text)
    assert candidate.value is None and candidate.problem[0] == "email.invalid"


@pytest.mark.parametrize("text", ["@tiktok_account", "no email here", "5 @ 6", "giaithuong.org.vn"])
def test_not_emails(text):
    assert list(find_emails(text)) == []


@pytest.mark.parametrize("text, expected", [
    ("website giaithuong.org.vn hoặc dost.quangninh.gov.vn.",
     ["giaithuong.org.vn", "dost.quangninh.gov.vn"]),
    ("tại: <http://skhcn.tinh.gov.vn>.", ["http://skhcn.tinh.gov.vn"]),
    ("https://dichvucong.gov.vn/p/home.", ["https://dichvucong.gov.vn/p/home"]),
    ("Cổng: www.moet.gov.vn, mục Tin tức", ["www.moet.gov.vn"]),
    ("(xem https://a.gov.vn/tin?id=12)", ["https://a.gov.vn/tin?id=12"]),
    ("tải tại example.com/bieu-mau/.", ["example.com/bieu-mau/"]),
    ("Truy cập Giaithuong.Org.vn", ["Giaithuong.Org.vn"]),
    ("[Cổng](https://hanoi.gov.vn/a)", ["https://hanoi.gov.vn/a"]),
    ("tại https://tinh.gov.vn/tai-lieu./.", ["https://tinh.gov.vn/tai-lieu"]),
])
def test_urls(text, expected):
    assert [c.value for c in find_urls(text)] == expected


@pytest.mark.parametrize("text", [
    "Email: vanthu@hanoi.gov.vn",      # the domain of an e-mail address
    "Phụ lục 1.docx",                  # a file name
    "bao_cao.xlsx, mau-01.pdf",
    "mục 1.2.3",                        # a number
    "TP.HCM", "v.v.", "Q.1",
    "tên miền .vn",
    "nguyen.van@x",
])
def test_not_urls(text):
    assert list(find_urls(text)) == []


def test_url_and_email_spans():
    text = "Email: hotro@tinh.gov.vn. Web: tinh.gov.vn."
    (email,) = find_emails(text)
    (url,) = find_urls(text)
    assert text[email.start:email.end] == "hotro@tinh.gov.vn"
    assert text[url.start:url.end] == "tinh.gov.vn" and url.rule == "url.domain"
