"""Annotated sentences of the letter genre, made up from templates and name lists.

Deterministic for a seed. Every name is fictional: a person is a family name, one or two
middle names and a given name drawn from the lists here; an organisation is composed from
sector, unit and place lists. The templates (``templates.txt``) give sentence contexts; the
letter's blocks with a layout of their own (the header, the signature block, the Nơi nhận
list) are composed below.

>>> ex = generate(1, seed=3)[0]
>>> all(ex["text"][s:e].strip() == ex["text"][s:e] for s, e, _ in ex["entities"])
True

``split="dev"`` draws given names, units and trading names from a held-out fifth of each
list that ``split="train"`` never uses, to measure how the model does on unseen names.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from pipeline.resources import load_lines, load_tsv

_SLOT = re.compile(r"\{(\w+)\}")
_HELD_OUT = 5  # every fifth item of an open list is kept for the dev split
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@dataclass(frozen=True)
class Lexicon:
    """The data files of this folder, with the open lists cut for one split."""

    families: tuple[tuple[str, int], ...]
    middles: dict[str, tuple[str, ...]]
    givens: dict[str, tuple[str, ...]]
    provinces: tuple[tuple[str, str, str], ...]
    localities: tuple[tuple[str, str], ...]
    sectors: tuple[tuple[str, str, str], ...]
    central: tuple[str, ...]
    units: tuple[tuple[str, str], ...]
    words: tuple[str, ...]
    bodies: dict[str, tuple[str, ...]]
    fillers: dict[str, tuple[str, ...]]
    sections: tuple[tuple[str, int, tuple[str, ...]], ...]


def _cut(items: list, split: str) -> tuple:
    keep = [x for i, x in enumerate(items) if (i % _HELD_OUT == _HELD_OUT - 1) == (split == "dev")]
    return tuple(keep)


def _by_sex(rows, split: str | None) -> dict[str, tuple[str, ...]]:
    """Names usable for each sex, each repeated by its weight (column 3, default 1)."""
    names = [r[0] for r in rows]
    sexes = {r[0]: r[1] for r in rows}
    weights = {r[0]: int(r[2]) if len(r) > 2 else 1 for r in rows}
    if split is not None:
        names = list(_cut(names, split))
    return {sex: tuple(n for n in names if sexes[n] in (sex, "any") for _ in range(weights[n]))
            for sex in ("m", "f")}


def _sections(lines: tuple[str, ...]) -> tuple[tuple[str, int, tuple[str, ...]], ...]:
    sections: list[tuple[str, int, list[str]]] = []
    for line in lines:
        m = re.fullmatch(r"\[(\w+)\s+(\d+)\]", line)
        if m:
            sections.append((m.group(1), int(m.group(2)), []))
        else:
            sections[-1][2].append(line.replace("\\n", "\n"))  # "\n" in the file: a line break
    return tuple((name, weight, tuple(items)) for name, weight, items in sections)


@lru_cache(maxsize=None)
def lexicon(split: str = "train") -> Lexicon:
    if split not in ("train", "dev"):
        raise ValueError(f"split must be 'train' or 'dev', not {split!r}")
    fillers: dict[str, list[str]] = defaultdict(list)
    for row in load_tsv("ner/fillers.tsv"):
        fillers[row[0]].append(row[1] if len(row) > 1 else "")
    bodies: dict[str, list[str]] = defaultdict(list)
    for family, pattern in load_tsv("ner/bodies.tsv"):
        bodies[family].append(pattern)
    return Lexicon(
        families=tuple((r[0], int(r[1]) if len(r) > 1 else 1)
                       for r in load_tsv("ner/family_names.tsv")),
        middles=_by_sex(load_tsv("ner/middle_names.tsv"), None),
        givens=_by_sex(load_tsv("ner/given_names.tsv"), split),
        provinces=tuple(load_tsv("ner/provinces.tsv")),  # type: ignore[arg-type]
        localities=tuple(load_tsv("ner/localities.tsv")),  # type: ignore[arg-type]
        sectors=tuple(load_tsv("ner/sectors.tsv")),  # type: ignore[arg-type]
        central=load_lines("ner/central_bodies.txt"),
        units=_cut(list(load_tsv("ner/units.tsv")), split),
        words=_cut(list(load_lines("ner/company_words.txt")), split),
        bodies={k: tuple(v) for k, v in bodies.items()},
        fillers={k: tuple(v) for k, v in fillers.items()},
        sections=_sections(load_lines("ner/templates.txt")),
    )


class _Text:
    """A text being written, with the spans of the entities written into it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.entities: list[list] = []

    def add(self, text: str, label: str | None = None) -> _Text:
        if label and text:
            self.entities.append([self.size, self.size + len(text), label])
        self.parts.append(text)
        self.size += len(text)
        return self

    def example(self, kind: str) -> dict:
        return {"text": "".join(self.parts), "entities": self.entities, "kind": kind}


class Generator:
    """Draws names, organisations and whole annotated examples from one ``random.Random``."""

    def __init__(self, seed: int = 0, split: str = "train"):
        self.rng = random.Random(seed)
        self.lex = lexicon(split)

    # --- names --------------------------------------------------------------------
    def person(self) -> str:
        rng, lex = self.rng, self.lex
        sex = rng.choice("mf")
        family = rng.choices([f for f, _ in lex.families], [w for _, w in lex.families])[0]
        n_middle = rng.choices([0, 1, 2], [4, 70, 26])[0]
        middles = []
        if n_middle == 2 and sex == "f" and rng.random() < 0.7:
            middles.append("Thị")
        while len(middles) < n_middle:
            middles.append(rng.choice(lex.middles[sex]))
        return " ".join([family, *middles, rng.choice(lex.givens[sex])])

    def province(self, era: str | None = None) -> tuple[str, str]:
        """(name, kind) of a province or city of either era."""
        rows = [r for r in self.lex.provinces if era is None or r[2] in (era, "both")]
        name, kind, _ = self.rng.choice(rows)
        return name, kind

    def place(self) -> str:
        rng = self.rng
        if rng.random() < 0.6:
            name, kind = self.province()
            return rng.choice([f"{kind} {name}", name, f"{kind} {name}"])
        name, kind = rng.choice(self.lex.localities)
        return f"{kind} {name}"

    def _tinh(self) -> str:
        name, kind = self.province()
        if name == "Hồ Chí Minh":
            return self.rng.choice(["Thành phố Hồ Chí Minh", "thành phố Hồ Chí Minh", "TP. Hồ Chí Minh"])
        return f"{kind} {name}"

    def _local(self, kinds: tuple[str, ...]) -> str:
        rows = [r for r in self.lex.localities if r[1] in kinds]
        name, kind = self.rng.choice(rows)
        return f"{kind} {name}"

    def _fill(self, pattern: str) -> str:
        def value(m: re.Match) -> str:
            slot = m.group(1)
            if slot == "tinh":
                return self._tinh()
            if slot == "ten":
                return self.province()[0]
            if slot == "huyen":
                return self._local(("huyện", "quận", "thị xã", "thành phố"))
            if slot == "xa":
                return self._local(("xã", "phường", "thị trấn"))
            return self.rng.choice(self.lex.words)
        return _SLOT.sub(value, pattern)

    def sector(self, era: str | None = None) -> tuple[str, str]:
        rows = [r for r in self.lex.sectors if era is None or r[2] in (era, "both")]
        row = self.rng.choice(rows)
        abbrs = [a for a in row[1].split("|") if a]
        return row[0], self.rng.choice(abbrs) if abbrs else ""

    def ministry(self) -> str:
        rng = self.rng
        if rng.random() < 0.45:
            return rng.choice(self.lex.central)
        name, abbr = self.sector()
        return f"Bộ {abbr}" if abbr and rng.random() < 0.08 else f"Bộ {name}"

    def department(self) -> str:
        rng = self.rng
        name, abbr = self.sector()
        head = f"Sở {abbr}" if abbr and rng.random() < 0.12 else f"Sở {name}"
        r = rng.random()
        if r < 0.22:
            return f"{head} {self._tinh()}"
        if r < 0.26:
            return f"{head} {rng.choice(['TP', 'tỉnh', 'thành phố', 'Thành phố'])}"
        return head

    def local_government(self) -> str:
        rng = self.rng
        head = rng.choices(["Ủy ban nhân dân", "UBND", "Uỷ ban nhân dân"], [5, 5, 1])[0]
        r = rng.random()
        if r < 0.45:
            where = self._tinh()
        elif r < 0.65:
            where = rng.choice(["tỉnh", "thành phố", "Thành phố", "quận", "huyện", "tỉnh", "Tỉnh"])
        elif r < 0.85:
            where = self._local(("huyện", "quận", "thị xã", "thành phố"))
        else:
            where = self._local(("xã", "phường", "thị trấn"))
        return f"{head} {where}"

    def unit(self) -> str:
        rng = self.rng
        head, name = rng.choice(self.lex.units)
        text = f"{head} {name}"
        if head == "Phòng" and rng.random() < 0.1:
            text += " " + self._local(("huyện", "quận", "thị xã"))
        return text

    def body(self, family: str) -> str:
        return self._fill(self.rng.choice(self.lex.bodies[family]))

    def org(self, slot: str = "ORG") -> str:
        rng = self.rng
        if slot == "ORG_ISSUER":
            return rng.choices([self.ministry, self.local_government, self.department],
                               [35, 35, 30])[0]()
        if slot == "ORG_DEPT":
            return rng.choices([self.department, self.local_government,
                                lambda: self.body("province")], [55, 35, 10])[0]()
        if slot == "ORG_UNIT":
            return rng.choices([self.unit, lambda: self.body("province")], [88, 12])[0]()
        choices = [self.ministry, self.department, self.local_government, self.unit,
                   lambda: self.body("province"), lambda: self.body("district"),
                   lambda: self.body("enterprise")]
        return rng.choices(choices, [15, 20, 15, 15, 15, 12, 8])[0]()

    # --- context words ------------------------------------------------------------
    def filler(self, slot: str) -> str:
        rng = self.rng
        if slot == "pos" and rng.random() < 0.25:
            # "Trưởng phòng Y tế quận": a position; the unit in it is not an entity.
            head, name = rng.choice([u for u in self.lex.units if u[0] == "Phòng"])
            return f"{rng.choice(['Trưởng phòng', 'Phó Trưởng phòng', 'Phó trưởng phòng'])} {name}"
        if slot in self.lex.fillers:
            return rng.choice(self.lex.fillers[slot])
        if slot == "num":
            return str(rng.choice([rng.randint(1, 99), rng.randint(100, 9999)]))
        if slot == "year":
            return str(rng.randint(2015, 2026))
        if slot == "date":
            d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2015, 2026)
            return rng.choice([f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y}", f"{d:02d}/{m}/{y}"])
        if slot == "time":
            h = rng.randint(7, 17)
            return rng.choice([f"{h} giờ 00", f"{h}h00", f"{h} giờ 30", f"{h}h30"])
        if slot == "sym":
            return rng.choice(["UBND-VP", "SKHCN-TĐC", "KH-UBND", "QĐ-TTg", "TT-BGDĐT",
                               "NĐ-CP", "BTC-NSNN", "UBND-KT", "SYT-NVY", "TĐC-TCCL",
                               "CT-UBND", "SGDĐT-KHTC", "KH-SGDĐT", "BNV-VP", "CĐ-TTg",
                               "TB-VPCP", "STTTT-CĐS", "UBND-VX", "HD-SNV", "GM-SNV"])
        if slot == "phone":
            a = rng.randint(10, 99)
            mob = f"09{rng.randint(10, 99)}{rng.randint(100000, 999999)}"
            return rng.choice([f"{mob[:4]}.{mob[4:7]}.{mob[7:]}", f"{mob[:4]} {mob[4:7]} {mob[7:]}",
                               mob, f"(02{a}) 38{rng.randint(10, 99)} {rng.randint(100, 999)}",
                               f"02{a}.38{rng.randint(10, 99)}.{rng.randint(1000, 9999)}",
                               f"+84 2{a} 22{rng.randint(10, 99)} {rng.randint(1000, 9999)}"])
        if slot == "email":
            user = rng.choice(["phongqltdc", "vanthu", "hieupd.stttt", "vpbch", "khtc.sgd",
                               "tonghop", "lienhe", "cds.stttt", "vunsnn", "tdc.skhcn"])
            return f"{user}@{rng.choice(['gmail.com', 'nghean.gov.vn', 'hanoi.gov.vn', 'mof.gov.vn', 'moet.edu.vn'])}"
        if slot == "url":
            return rng.choice(["giaithuong.org.vn", "https://dichvucong.gov.vn",
                               "https://skhcn.nghean.gov.vn", "https://qlthi.nghean.edu.vn",
                               "http://vanban.chinhphu.vn", "https://sonoivu.hanoi.gov.vn/tai-lieu"])
        if slot == "place":
            return self.place()
        raise KeyError(f"templates.txt: unknown slot {{{slot}}}")

    # --- whole examples -----------------------------------------------------------
    def sentence(self) -> dict:
        rng = self.rng
        section, _, templates = rng.choices(self.lex.sections,
                                            [w for _, w, _ in self.lex.sections])[0]
        template = rng.choice(templates)
        out = _Text()
        pos = 0
        for m in _SLOT.finditer(template):
            out.add(template[pos:m.start()])
            slot = m.group(1)
            if slot == "PER":
                out.add(self.person(), "PER")
            elif slot.startswith("ORG"):
                org = self.org(slot.removesuffix("_UP"))
                out.add(org.upper() if slot.endswith("_UP") else org, "ORG")
            else:
                out.add(self.filler(slot))
            pos = m.end()
        out.add(template[pos:])
        return _wrap(out.example(section), rng)

    def header(self) -> dict:
        """The issuing body in capitals above the motto (NĐ 30/2020/NĐ-CP, Phụ lục I)."""
        rng = self.rng
        out = _Text()
        two_columns = rng.random() < 0.4
        gap = " " * rng.choice([1, 1, 2, 5, 10, 20, 30]) if two_columns else "\n"
        if rng.random() < 0.6:  # a parent body, then the issuer
            parent = rng.choice([self.local_government, self.ministry])().upper()
            if parent.startswith("ỦY BAN NHÂN DÂN ") and rng.random() < 0.5 and not two_columns:
                parent = parent.replace("ỦY BAN NHÂN DÂN ", "ỦY BAN NHÂN DÂN\n", 1)
            out.add(parent, "ORG").add(gap if two_columns else "\n")
            if two_columns:
                out.add(MOTTO[0] + "\n")
            issuer = rng.choice([self.department, self.unit, self.department])().upper()
            out.add(issuer, "ORG").add(gap if two_columns else "\n")
            out.add(MOTTO[1] if two_columns else "\n" + "\n".join(MOTTO))
        else:
            issuer = rng.choice([self.ministry, self.local_government, self.department])().upper()
            if issuer.startswith("ỦY BAN NHÂN DÂN ") and rng.random() < 0.6:
                issuer = issuer.replace("ỦY BAN NHÂN DÂN ", "ỦY BAN NHÂN DÂN\n", 1)
            if two_columns and issuer.startswith("ỦY BAN NHÂN DÂN\n"):
                # The name's second line sits beside the motto's: only its head is contiguous.
                head, rest = issuer.split("\n")
                out.add(head, "ORG").add(f"{gap}{MOTTO[0]}\n{rest}{gap}{MOTTO[1]}")
            else:
                out.add(issuer, "ORG")
                out.add((gap if two_columns else "\n") + "\n".join(MOTTO))
        if rng.random() < 0.5:
            out.add(f"\n\nSố: {self.filler('num')}/{self.filler('sym')}")
        return out.example("header")

    def signature(self) -> dict:
        """The signature block, alone or beside the Nơi nhận list (a flattened 2-column page)."""
        rng = self.rng
        right: list[tuple[str, str | None]] = []
        if rng.random() < 0.15:
            right.append((self.filler("authority_tm"), None))
        if rng.random() < 0.6:
            right.append((self.filler("authority"), None))
        title = self.filler("title_up")
        if rng.random() < 0.12:  # "VỤ TRƯỞNG VỤ PHÁP CHẾ": part of the position, no entity
            title += " " + self.unit().upper()
        right.append((title, None))
        right += [("", None)] * rng.choice([0, 1, 2, 3, 3])
        if rng.random() < 0.15:
            right.append((self.filler("signed"), None))
        name = self.person()
        if rng.random() < 0.1:  # "PGS.TS. Trần Thanh Bình": the rank is not in the name
            right.append((f"{self.filler('academic')} \x00{name}\x00", None))
        else:
            right.append((name, "PER"))
        out = _Text()
        if rng.random() < 0.4:
            left = ["Nơi nhận:"] + [item for item, _ in self._distribution_items(rng.randint(2, 5))]
            rows = max(len(left), len(right))
            width = max(len(x.replace("\x00", "").replace("\x01", "")) for x in left) + rng.randint(2, 20)
            for i in range(rows):
                text = left[i] if i < len(left) else ""
                cell, label = right[i] if i < len(right) else ("", None)
                self._distribution_line(out, text)
                if cell:
                    out.add(" " * (width - len(text.replace("\x00", "").replace("\x01", ""))))
                    self._cell(out, cell, label)
                out.add("\n")
        else:
            indent = " " * rng.choice([0, 0, 0, 20, 40])
            for cell, label in right:
                out.add(indent if cell else "")
                self._cell(out, cell, label)
                out.add("\n")
        return out.example("signature")

    @staticmethod
    def _cell(out: _Text, cell: str, label: str | None) -> None:
        """Write a cell; a name fenced by NULs inside it is a person."""
        if "\x00" not in cell:
            out.add(cell, label)
            return
        before, name, after = cell.split("\x00")
        out.add(before).add(name, "PER").add(after)

    def _distribution_items(self, n: int) -> list[tuple[str, bool]]:
        rng = self.rng
        bullet = rng.choice(["- ", "- ", "+ ", "• "])
        items = [(f"{bullet}Như trên;", False)]
        for _ in range(n):
            purpose = self.filler("purpose") if rng.random() < 0.75 else ""
            tail = (f" {purpose}" if purpose else "") + ";"
            r = rng.random()
            if r < 0.45:
                items.append((f"{bullet}\x00{self.org()}\x00{tail}", True))
            elif r < 0.55:
                sep = rng.choice([", ", "; ", " - "])
                items.append((f"{bullet}\x00{self.org()}\x00{sep}\x00{self.org()}\x00{tail}", True))
            elif r < 0.62:
                items.append((f"{bullet}\x00{self.org('ORG_ISSUER')}\x00 (\x00{self.unit()}\x00){tail}", True))
            elif r < 0.67:
                items.append((f"{bullet}{self.filler('leader')} \x01{self.person()}\x01{tail}", True))
            elif r < 0.80:
                items.append((f"{bullet}{self.filler('org_prefix')} \x00{self.org()}\x00{tail}", True))
            else:
                items.append((f"{bullet}{self.filler('plural')}" + (f" {purpose}" if purpose else "") + ";", False))
        items.append((f"{bullet}{self.filler('keep')}", False))
        return items

    @staticmethod
    def _distribution_line(out: _Text, line: str) -> None:
        """Write a line where organisations are fenced by NULs, persons by SOHs."""
        for i, piece in enumerate(line.split("\x00")):
            if i % 2:
                out.add(piece, "ORG")
                continue
            for j, part in enumerate(piece.split("\x01")):
                out.add(part, "PER" if j % 2 else None)

    def distribution(self) -> dict:
        out = _Text()
        out.add(self.rng.choice(["Nơi nhận:", "Nơi nhận:", "Nơi nhận :"]) + "\n")
        for line, _ in self._distribution_items(self.rng.randint(2, 7)):
            self._distribution_line(out, line)
            out.add("\n")
        return out.example("distribution")

    def example(self) -> dict:
        """One training example: a block, or one to three sentences."""
        rng = self.rng
        r = rng.random()
        if r < 0.10:
            return self.header()
        if r < 0.22:
            return self.signature()
        if r < 0.28:
            return self.distribution()
        parts = [self.sentence() for _ in range(rng.choices([1, 2, 3], [70, 20, 10])[0])]
        return _join(parts, rng.choice(["\n", "\n", "\n\n", " "]))


def _wrap(example: dict, rng: random.Random) -> dict:
    """Break a long line once at a space, as letters copied from PDF pages are."""
    text = example["text"]
    if len(text) < 70 or rng.random() > 0.25:
        return example
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    i = rng.choice(spaces)
    return {**example, "text": text[:i] + "\n" + text[i + 1:]}


def _join(parts: list[dict], sep: str) -> dict:
    out = _Text()
    for i, part in enumerate(parts):
        if i:
            out.add(sep)
        base = out.size
        out.add(part["text"])
        out.entities.extend([s + base, e + base, label] for s, e, label in part["entities"])
    return out.example("+".join(p["kind"] for p in parts))


def generate(n: int, seed: int = 0, split: str = "train") -> list[dict]:
    """``n`` examples ``{"text", "entities": [[start, end, label]], "kind"}``."""
    gen = Generator(seed, split)
    return [gen.example() for _ in range(n)]
