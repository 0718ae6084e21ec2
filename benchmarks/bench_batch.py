"""Batch machinery benchmark: throughput at 1 and 2 jobs, peak memory, overhead over a loop.

    python benchmarks/bench_batch.py              # ~1 min today; prints a table
    python benchmarks/bench_batch.py --n 2000 --n-large 10000

It writes fictional letters (a few templates; agencies, names, numbers and dates vary) to a
temporary folder, then runs, each in a fresh process:

- ``plain``: ``extract_file`` on every letter in a loop, nothing written (the floor);
- ``batch``: ``run_batch`` into an output folder with ``--jobs 1`` and ``--jobs 2``;
- the same batch on ``--n`` and ``--n-large`` letters while sampling the RSS of the process
  and all its children (/proc), for the peak;
- with ``--scans K`` (default 8), K letters rendered as scanned PNG pages by
  ``tests/render.py`` and OCR'd, at ``--jobs 1`` and ``--jobs 2`` (CPU-bound work, where
  the pool's scaling shows best; skipped without Tesseract).

"Steady" rates count documents finished between 10 % and 90 % of a run, leaving out start-up
(worker start, lazy model loading) and the final table build; "total" rates are end to end.
Targets: jobs 2 / jobs 1 >= 1.8 (steady, two cores); peak RSS at n-large within 1.2x of n;
batch at jobs 1 within 5 % of the plain loop (steady, per document).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AGENCIES = [
    ("UBND TỈNH BẮC NINH", "SỞ TÀI CHÍNH", "STC-QLG", "Bắc Ninh", "stc.bacninh.gov.vn"),
    ("UBND THÀNH PHỐ HÀ NỘI", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "SKHCN-TĐC", "Hà Nội",
     "sokhcn.hanoi.gov.vn"),
    ("BỘ GIÁO DỤC VÀ ĐÀO TẠO", "CỤC QUẢN LÝ CHẤT LƯỢNG", "QLCL-KĐCLGD", "Hà Nội", "moet.gov.vn"),
    ("UBND TỈNH QUẢNG NINH", "SỞ Y TẾ", "SYT-NVY", "Quảng Ninh", "syt.quangninh.gov.vn"),
    ("UBND HUYỆN ĐÔNG ANH", "PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG", "TNMT", "Đông Anh",
     "donganh.hanoi.gov.vn"),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Hữu", "Ngọc", "Quang", "Thanh"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Đức", "Giang", "Hà", "Khải", "Lan", "Nam", "Phúc"]
SUBJECTS = ["báo cáo tình hình thực hiện nhiệm vụ quý {q} năm {y}",
            "tổ chức hội nghị tổng kết công tác năm {y}",
            "đề xuất danh mục nhiệm vụ khoa học và công nghệ năm {y1}",
            "tăng cường công tác phòng, chống dịch bệnh",
            "góp ý dự thảo Quyết định ban hành Quy chế phối hợp"]

TEMPLATES = [
"""{parent}
{issuer}
Số: {num}/{sym}
V/v {subject}
{place}, ngày {d:02d} tháng {m} năm {y}

Kính gửi: {recipient}.

Thực hiện Công văn số {ref}/{refsym} ngày {rd:02d}/{rm:02d}/{y} của {refissuer}, {issuer_lc} đề nghị các đơn vị
báo cáo kết quả thực hiện, gửi về {issuer_lc} trước ngày {dd:02d}/{dm:02d}/{y1}.
Thông tin chi tiết xin liên hệ: {title} {person}, điện thoại: {phone}, email: {email}.

Nơi nhận:
- Như trên;
- {parent_lc} (để báo cáo);
- Lưu: VT, {unit}.

KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC

{signer}
""",
"""{parent}                CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
{issuer}                 Độc lập - Tự do - Hạnh phúc
Số: {num}/{sym}                 {place}, ngày {d:02d} tháng {m} năm {y}
V/v {subject}

Kính gửi:
- {recipient};
- Các đơn vị trực thuộc.

Căn cứ Quyết định số {ref}/QĐ-UBND ngày {rd:02d}/{rm:02d}/{y} của {parent_lc};
{issuer_lc} hướng dẫn các đơn vị triển khai thực hiện như sau:
1. Rà soát, tổng hợp số liệu theo mẫu đính kèm (đăng tải tại {url}).
2. Gửi văn bản về {issuer_lc} chậm nhất ngày {dd:02d} tháng {dm} năm {y1}.
Đầu mối: {title} {person}, ĐT: {phone}.

Nơi nhận:                                   TL. GIÁM ĐỐC
- Như trên;                                 CHÁNH VĂN PHÒNG
- Lưu: VT.
                                            {signer}
""",
"""{issuer}
Số: {num}/{sym}
{place}, ngày {d:02d} tháng {m} năm {y}

THÔNG BÁO
Về việc {subject}

{issuer_lc} thông báo đến {recipient} nội dung sau: thời hạn nộp hồ sơ đến 17 giờ 00
ngày {dd:02d}/{dm:02d}/{y1}. Hồ sơ gửi qua địa chỉ thư điện tử {email}.

Nơi nhận:
- {recipient};
- Lưu: VT.

GIÁM ĐỐC

{signer}
""",
]


def write_letters(folder: Path, n: int, seed: int = 0) -> None:
    """``n`` fictional letters as UTF-8 text files, a few per sub-folder."""
    rng = random.Random(seed)
    for i in range(n):
        parent, issuer, sym, place, site = rng.choice(AGENCIES)
        y = rng.choice([2022, 2023, 2024, 2025])

        def name() -> str:
            return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"

        person = name()
        fields = dict(
            parent=parent, issuer=issuer, sym=sym, place=place, num=rng.randint(1, 4999),
            d=rng.randint(1, 28), m=rng.randint(1, 12), y=y, y1=y + 1,
            subject=rng.choice(SUBJECTS).format(q=rng.randint(1, 4), y=y, y1=y + 1),
            recipient=rng.choice(["Các Sở, ban, ngành", "UBND các quận, huyện, thị xã",
                                  "Các phòng chuyên môn thuộc Sở"]),
            ref=rng.randint(1, 9999), refsym=rng.choice(["BTC-QLG", "UBND-KT", "VPCP-KGVX"]),
            rd=rng.randint(1, 28), rm=rng.randint(1, 12),
            refissuer=rng.choice(["Bộ Tài chính", "Văn phòng Chính phủ", "UBND tỉnh"]),
            issuer_lc=issuer.capitalize(), parent_lc=parent.title(),
            dd=rng.randint(1, 28), dm=rng.randint(1, 12),
            title=rng.choice(["ông", "bà", "đồng chí"]), person=person,
            phone=f"09{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
            email=f"vanthu{rng.randint(1, 99)}@{site}", url=site,
            unit=sym.split("-")[-1], signer=name())
        sub = folder / f"box{i // 500:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        text = rng.choice(TEMPLATES).format(**fields)
        (sub / f"{fields['num']:04d}-{sym}-{i:06d}.txt").write_text(text, encoding="utf-8")


def write_scans(folder: Path, k: int) -> bool:
    """``k`` letters as degraded 300-dpi PNG scans; False when rendering or OCR is missing."""
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    try:
        from tests import render
    except ImportError:
        return False
    if not render._has_tesseract():
        return False
    texts = folder / "texts"
    write_letters(texts, k, seed=2)
    for i, path in enumerate(sorted(texts.rglob("*.txt"))):
        letter = render.parse_letter(path.read_text(encoding="utf-8"), path.stem)
        if letter is not None:
            image = render.degrade(render.page_images(render.layout(letter))[:1], seed=i)[0]
            render.save_png(image, folder / "scans" / f"{path.stem}.png")
    shutil.rmtree(texts)
    return True


# --- children: each measurement in a fresh process ------------------------------------------

def _steady(stamps: list[float]) -> float:
    """Documents per second between 10 % and 90 % of the finished documents."""
    if len(stamps) < 20:
        return float("nan")
    lo, hi = len(stamps) // 10, len(stamps) * 9 // 10
    return (hi - lo) / (stamps[hi] - stamps[lo])


def child_plain(folder: Path) -> dict:
    from pipeline import extract_file
    from pipeline.batch import discover
    paths = discover([str(folder)])
    start = time.perf_counter()
    stamps = []
    for path in paths:
        extract_file(path)
        stamps.append(time.perf_counter())
    total = time.perf_counter() - start
    return {"n": len(paths), "seconds": total, "steady": _steady(stamps)}


def child_batch(folder: Path, out: Path, jobs: int) -> dict:
    from pipeline import batch
    stamps = []
    update = batch.Progress.update

    def timed(self, result):
        stamps.append(time.perf_counter())
        update(self, result)

    batch.Progress.update = timed
    start = time.perf_counter()
    cpu = time.process_time()
    summary = batch.run_batch([str(folder)], out, jobs=jobs, progress="off")
    total = time.perf_counter() - start
    return {"n": summary.extracted, "seconds": total, "steady": _steady(stamps),
            "failed": summary.failed, "parent_cpu": time.process_time() - cpu}


# --- the parent: runs children, samples memory, prints the table ----------------------------

def _tree(root: int) -> tuple[int, dict[int, float]]:
    """RSS in bytes of ``root`` and all its descendants, and each one's CPU seconds (/proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    page, tick = os.sysconf("SC_PAGE_SIZE"), os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{entry}/statm", "rb") as f:
                rss[int(entry)] = int(f.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo, tree_cpu = 0, [root], {}
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        if pid in cpu:
            tree_cpu[pid] = cpu[pid]
        todo.extend(children.get(pid, []))
    return total, tree_cpu


def run_child(args: list[str]) -> dict:
    """Run one measurement in a fresh process, sampling its process tree every 20 ms: adds
    the peak RSS of the tree and the CPU seconds of all its processes (workers included)."""
    proc = subprocess.Popen([sys.executable, __file__, "--child", *args],
                            stdout=subprocess.PIPE, text=True)
    peak, cpu = 0, {}
    while proc.poll() is None:
        rss, seen = _tree(proc.pid)
        peak = max(peak, rss)
        cpu.update(seen)
        time.sleep(0.02)
    out, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"benchmark child {args} failed ({proc.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss"] = peak
    result["cpu"] = sum(cpu.values())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="letters for throughput (1000)")
    parser.add_argument("--n-large", type=int, default=10000,
                        help="letters for the memory comparison with --n (10000)")
    parser.add_argument("--scans", type=int, default=8,
                        help="scanned pages to OCR at jobs 1 and 2; 0 skips them (8)")
    parser.add_argument("--budget", type=float, default=200.0,
                        help="seconds the large run may take; --n-large shrinks to fit (200)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, *rest = args.child
        if mode == "plain":
            result = child_plain(Path(rest[0]))
        else:
            result = child_batch(Path(rest[0]), Path(rest[1]), int(rest[2]))
        print(json.dumps(result))
        return

    if not Path("/proc/self/statm").exists():
        raise SystemExit("this benchmark samples memory from /proc (Linux)")
    tmp = Path(tempfile.mkdtemp(prefix="bench_batch-"))
    try:
        small = tmp / "small"
        write_letters(small, args.n)
        plain = run_child(["plain", str(small)])
        j1 = run_child(["batch", str(small), str(tmp / "o1"), "1"])
        j2 = run_child(["batch", str(small), str(tmp / "o2"), "2"])
        n_large = args.n_large
        per_doc = 1 / j2["steady"] if j2["steady"] == j2["steady"] else j2["seconds"] / args.n
        if n_large * per_doc > args.budget:
            n_large = max(args.n * 3, int(args.budget / per_doc))
            print(f"(--n-large {args.n_large} would take ~{args.n_large * per_doc:.0f} s; "
                  f"measuring memory at {n_large} letters instead)", file=sys.stderr)
        large = tmp / "large"
        write_letters(large, n_large, seed=1)
        big = run_child(["batch", str(large), str(tmp / "o3"), "2"])
        scans = None
        if args.scans:
            (tmp / "scans" / "scans").mkdir(parents=True)
            if write_scans(tmp / "scans", args.scans):
                folder = str(tmp / "scans" / "scans")
                scans = (run_child(["batch", folder, str(tmp / "o4"), "1"]),
                         run_child(["batch", folder, str(tmp / "o5"), "2"]))
            else:
                print("(no tests/render.py or no Tesseract: scans skipped)", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    mb = 1024 * 1024
    ratio = j2["steady"] / j1["steady"]
    overhead_steady = plain["steady"] / j1["steady"] - 1
    overhead_total = j1["seconds"] / plain["seconds"] - 1
    mem_ratio = big["peak_rss"] / j2["peak_rss"]
    rows = [
        ("plain loop, extract_file", f"{args.n}", f"{plain['seconds']:.2f}",
         f"{args.n / plain['seconds']:.0f}", f"{plain['steady']:.0f}", ""),
        ("batch --jobs 1", f"{args.n}", f"{j1['seconds']:.2f}",
         f"{args.n / j1['seconds']:.0f}", f"{j1['steady']:.0f}", ""),
        ("batch --jobs 2", f"{args.n}", f"{j2['seconds']:.2f}",
         f"{args.n / j2['seconds']:.0f}", f"{j2['steady']:.0f}", f"{j2['peak_rss'] / mb:.0f}"),
        ("batch --jobs 2", f"{n_large}", f"{big['seconds']:.2f}",
         f"{n_large / big['seconds']:.0f}", f"{big['steady']:.0f}", f"{big['peak_rss'] / mb:.0f}"),
    ]
    if scans is not None:
        for jobs, run in zip((1, 2), scans):
            rows.append((f"scans (OCR) --jobs {jobs}", f"{args.scans}", f"{run['seconds']:.2f}",
                         f"{args.scans / run['seconds']:.2f}", "",
                         f"{run['peak_rss'] / mb:.0f}" if run["peak_rss"] else ""))
    head = ("run", "letters", "seconds", "doc/s total", "doc/s steady", "peak RSS MB")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for row in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                        enumerate(zip(row, widths))))
    print()
    print(f"jobs 2 / jobs 1 (steady):         {ratio:.2f}   target >= 1.8 on two cores "
          f"({os.cpu_count()} cores here)")
    if scans is not None:
        print(f"jobs 2 / jobs 1 (scans, total):   {scans[0]['seconds'] / scans[1]['seconds']:.2f}")
    print(f"peak RSS {n_large} / {args.n} letters:  {mem_ratio:.2f}   target <= 1.2")
    print(f"batch overhead over the loop:     {overhead_steady:+.1%} per document (steady), "
          f"{overhead_total:+.1%} end to end   target <= 5%")
    # CPU seconds do not depend on what else runs on the machine, wall-clock times do.
    print(f"CPU seconds, {args.n} letters:      loop {plain['cpu']:.2f}, jobs 1 {j1['cpu']:.2f}, "
          f"jobs 2 {j2['cpu']:.2f}  ({j1['cpu'] / plain['cpu'] - 1:+.1%} for the batch "
          f"machinery, start-up and tables included)")
    # The parent's CPU (hashing, writing, the final tables) is taken from the workers' cores:
    # with it at a share s of the extraction's CPU, two cores give at most 2 / (1 + s).
    share = j2["parent_cpu"] / plain["seconds"]
    print(f"parent CPU / extraction CPU:      {share:.1%}   (bounds jobs 2 / jobs 1 at "
          f"{2 / (1 + share):.2f} on two idle cores)")


if __name__ == "__main__":
    main()
