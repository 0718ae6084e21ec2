"""E-mail addresses and web addresses, as written.

E-mails keep underscores, dots and subdomains ("cctcdlcl_sokhcn@hanoi.gov.vn") and never
swallow the period that ends a sentence; an address that is not well formed (two "@", no
top-level domain) yields an ``email.invalid`` problem. URLs are kept as written without a
trailing period ("giaithuong.org.vn", "<http://dosttn.gov.vn>" -> "http://dosttn.gov.vn");
a bare domain counts only with a top-level domain from ``web_tlds.txt``, and never the
domain of an e-mail address, a file name ("Phụ lục 1.docx") or a number ("1.2.3").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from pipeline.extract.base import Candidate
from pipeline.resources import alternation, load_lines

_STOP = r"""\s<>()\[\]{}"'“”‘’,;"""  # characters that end an address in running text
_TRAILING = ".:!?-"  # sentence punctuation an address does not end with
_END_MARKS = re.compile(r"(?:[.:!?-]|\./)+\Z")  # …nor the "./." that closes a letter


@cache
def _email_token_regex() -> re.Pattern[str]:
    """Anything that looks meant as an e-mail address: a token with text on both sides of "@"."""
    return re.compile(rf"""
        (?<![^{_STOP}:])
        (?:mailto:)?
        (?P<address> [^{_STOP}:/@]+ @ [^{_STOP}:/]*[^{_STOP}:/{re.escape(_TRAILING)}] )
        """, re.VERBOSE | re.IGNORECASE)


@cache
def _email_regex() -> re.Pattern[str]:
    """A well-formed address: one "@", labels of letters, digits and hyphens, a TLD of letters."""
    return re.compile(r"""
        [A-Za-z0-9_%+-]+ (?:\.[A-Za-z0-9_%+-]+)*
        @
        (?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+ [A-Za-z]{2,}
        """, re.VERBOSE)


def find_emails(text: str, start: int = 0, end: int | None = None) -> Iterator[Candidate]:
    """Every e-mail address in ``text[start:end]``.

    >>> [c.value for c in find_emails("Email: phongqltdc@gmail.com.")]
    ['phongqltdc@gmail.com']
    """
    end = len(text) if end is None else end
    for m in _email_token_regex().finditer(text, start, end):
        address = m["address"]
        if _email_regex().fullmatch(address):
            yield Candidate("email", m.start("address"), m.end("address"), address, 1.0, "email")
        else:
            yield Candidate("email", m.start("address"), m.end("address"), None, 1.0, "email",
                            ("email.invalid", f"'{address}' is not a valid e-mail address"))


@cache
def _url_regex() -> re.Pattern[str]:
    label = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    return re.compile(rf"""
        (?<![\w@.-])
        (?P<url>
            (?: (?i:https?|ftp):// | (?i:www)\. ) [^{_STOP}]+      # a scheme or "www." says it all
          | (?:{label}\.)+ (?i:{alternation(load_lines("web_tlds.txt"))})  # a bare domain…
            (?![\w@-]|\.\w)                                         # …that is not part of more
            (?: /[^{_STOP}]* )?
        )
        """, re.VERBOSE)


def find_urls(text: str, start: int = 0, end: int | None = None) -> Iterator[Candidate]:
    """Every web address in ``text[start:end]``, as written, without trailing punctuation.

    >>> [c.value for c in find_urls("website: <http://dosttn.gov.vn>. Hoặc dost.hanoi.gov.vn.")]
    ['http://dosttn.gov.vn', 'dost.hanoi.gov.vn']
    """
    end = len(text) if end is None else end
    for m in _url_regex().finditer(text, start, end):
        url = _END_MARKS.sub("", m["url"])
        if "@" in url or not re.search(r"\w\.\w", url):
            continue
        rule = ("url.scheme" if "://" in url
                else "url.www" if url[:4].lower() == "www." else "url.domain")
        yield Candidate("url", m.start("url"), m.start("url") + len(url), url, 1.0, rule)
