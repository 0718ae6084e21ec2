"""Many inputs -> records, manifest and tables; a local process pool or Ray runs the documents.

One document is one task: ``process(path)`` calls :func:`pipeline.extract_file` and returns
the record already serialized, with the few facts the manifest needs. The parent process
alone writes the output folder, through :class:`pipeline.manifest.Journal` (whose docstring
gives the crash-safety protocol), and at the end rebuilds ``records/`` and the CSV tables
from ``records.jsonl``.

Before any document runs, every input is hashed (SHA-256) in the parent. That decides what a
re-run skips (same path, same bytes, same pipeline version), and which inputs are copies of
one another: identical bytes are extracted once, and each other path gets a copy of that
record with its own ``source.path`` and the status ``duplicate`` in the manifest.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import stat
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pipeline import __version__
from pipeline.core import extract_file, failed_record
from pipeline.errors import CongvanError
from pipeline.export import RecordFiles, TableWriter, atomic_open, record_file_names, \
    record_line, record_pretty, remove_temporaries, table_columns
from pipeline.ingest import is_supported, read_source
from pipeline.manifest import MANIFEST, Journal, JournalError, one_line
from pipeline.schema import DispatchRecord

STATE = ".congvan-state"      # sizes of the journal files when the tables were last built
LOG_EVERY = 10.0              # seconds between progress lines when stderr is not a terminal
# What makes the exit status 3. A file of a type congvan does not read is accounted for (a
# record, a manifest row, the summary) but is no failure of the batch: a folder of letters
# beside their scans' sidecar files still exits 0.
FAILED = ("failed",)


class UsageError(Exception):
    """A command line that cannot run (reported like an argparse error, exit status 2)."""


# --- inputs ---------------------------------------------------------------------------------

def discover(paths: Iterable[str], exclude: Path | None = None) -> list[str]:
    """Every input file under ``paths``, each once, in order; folders are searched recursively.

    Names starting with "." are skipped inside folders (a path given explicitly is kept);
    symbolic links to folders are followed, each real folder once. A folder that cannot be
    listed becomes an input itself, so it gets a ``failed`` record instead of vanishing.
    The folder ``exclude`` (the output folder, which may lie inside an input folder) is
    not searched.
    """
    found: list[str] = []
    seen: set[str] = set()
    visited: set[tuple[int, int]] = set()
    if exclude is not None and exclude.is_dir():
        st = exclude.stat()
        visited.add((st.st_dev, st.st_ino))

    def add(p: str) -> None:
        if p not in seen:
            seen.add(p)
            found.append(p)

    for arg in paths:
        top = os.path.normpath(arg)
        if not os.path.lexists(top):
            raise UsageError(f"no such file or folder: {arg}")
        if not os.path.isdir(top):
            add(top)
            continue
        errors: list[str] = []
        for root, dirs, files in os.walk(top, followlinks=True,
                                         onerror=lambda e: errors.append(e.filename)):
            st = os.stat(root)
            if (st.st_dev, st.st_ino) in visited:
                dirs[:] = []
                continue
            visited.add((st.st_dev, st.st_ino))
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith("."):
                    add(os.path.join(root, name))
        for p in errors:
            add(os.path.normpath(p))
    return found


@dataclass(slots=True)
class Input:
    """An input path and what the parent learned about it before extraction."""

    path: str
    sha256: str | None = None     # None: the bytes could not be read
    size: int = 0
    failure: DispatchRecord | None = None   # decided in the parent: no worker needed
    stage: str | None = None      # where the worker writes the record's pretty JSON


def _unreadable(path: str, message: str) -> DispatchRecord:
    return failed_record(path, None, "input.unreadable", f"{path}: {message}")


def inspect(path: str) -> Input:
    """Hash ``path`` and catch, without extracting, what cannot be extracted at all."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return Input(path, failure=_unreadable(path, f"cannot read the file: {exc.strerror}"))
    if stat.S_ISDIR(st.st_mode):
        return Input(path, failure=_unreadable(path, "cannot list the folder"))
    if not stat.S_ISREG(st.st_mode):   # a FIFO or device would block or never end
        return Input(path, failure=_unreadable(path, "not a regular file"))
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        return Input(path, failure=_unreadable(path, f"cannot read the file: {exc.strerror}"))
    item = Input(path, digest.hexdigest(), st.st_size)
    if not is_supported(Path(path)):
        try:
            read_source(Path(path), b"")     # raises input.unsupported before reading
        except CongvanError as exc:
            record = failed_record(path, None, exc.code, str(exc))
            item.failure = record.model_copy(update={"id": item.sha256})
    return item


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def inspect_all(paths: list[str], progress: Callable[[], None] = lambda: None) -> Iterator[Input]:
    """``inspect`` each path, a few threads at a time (hashing releases the GIL)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        for chunk in _chunks(paths, 256):
            for item in pool.map(inspect, chunk):
                progress()
                yield item


# --- one document ---------------------------------------------------------------------------

@dataclass(slots=True)
class Result:
    """A finished document as the parent needs it: the record line and manifest facts."""

    path: str
    line: str
    id: str
    status: str
    kind: str
    pages: int
    warning_count: int
    error_code: str | None
    error_message: str | None
    seconds: float
    pipeline_version: str | None

    @classmethod
    def of(cls, record: DispatchRecord, seconds: float) -> Result:
        cause = record.warnings[-1] if record.status == "failed" and record.warnings else None
        return cls(path=record.source.path, line=record_line(record), id=record.id,
                   status=record.status, kind=record.source.kind, pages=record.source.pages,
                   warning_count=len(record.warnings),
                   error_code=cause.code if cause else None,
                   error_message=cause.message if cause else None,
                   seconds=round(seconds, 4), pipeline_version=record.pipeline_version)


def process(path: str, stage: str | None = None) -> Result:
    """The per-document task, run in a worker: extract one file. Never raises for a document.

    With ``stage``, the record's ``records/`` file is also written there (creating files costs
    the parent less when the workers do it; the parent moves it into place once committed).
    """
    start = time.perf_counter()
    record = extract_file(path)
    result = Result.of(record, time.perf_counter() - start)
    result.path = path      # the input as the parent named it
    if stage is not None:
        try:
            with atomic_open(Path(stage), sync=False) as f:
                f.write(record_pretty(record))
        except OSError:
            pass            # finalize writes the file instead
    return result


def _init_worker() -> None:
    # Tesseract's OpenMP threads would fight the pool for the same cores.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    # Ctrl-C goes to the whole process group: the parent alone decides how to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _internal_failure(item: Input, message: str) -> Result:
    record = failed_record(item.path, None, "internal", f"{item.path}: {message}")
    return Result.of(record.model_copy(update={"id": item.sha256 or record.id}), 0.0)


def _worker_died(item: Input) -> Result:
    return _internal_failure(item, "the worker process died while extracting this document "
                                   "(a crash in a library, or out of memory)")


def _task_failed(item: Input, exc: BaseException) -> Result:
    return _internal_failure(item, f"internal error {type(exc).__name__}: {exc}")


# --- engines --------------------------------------------------------------------------------

def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _mp_context():
    # forkserver: workers fork from a small clean process that imported the pipeline once,
    # not from this one with its threads and open files.
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.batch"])
        return ctx
    return multiprocessing.get_context("spawn")


class WorkerStartError(RuntimeError):
    """No worker process can start: the batch cannot run at all."""


_READY = "ready"


def _worker_main(conn, task: Callable[..., Result], init: Callable[[], None]) -> None:
    """A worker: run ``task(path, stage)`` for each message, send back each result in order."""
    init()
    conn.send(_READY)
    while True:
        try:
            message = conn.recv()
        except EOFError:           # the parent is gone
            return
        if message is None:
            return
        try:
            result = task(*message)
        except Exception as exc:   # a bug in a task; extract_file itself never raises
            result = exc
        conn.send(result)


class _Worker:
    """One worker process, its pipe, and the items sent to it, oldest (in work) first."""

    def __init__(self, ctx, task: Callable[..., Result]):
        parent, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, task, _init_worker),
                                   daemon=True)
        self.process.start()
        child.close()
        self.conn = parent
        self.queue: deque[Input] = deque()
        self.ready = False

    def send(self, item: Input) -> None:
        self.conn.send((item.path, item.stage))
        self.queue.append(item)

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def run_local(items: list[Input], jobs: int, idle: Callable[[], None] = lambda: None,
              idle_every: float = 0.5, task: Callable[..., Result] = process
              ) -> Iterator[Result]:
    """Results of ``items`` in completion order, from ``jobs`` worker processes.

    Each worker has a pipe and at most two documents queued (one in work, one waiting), so
    memory does not grow with the batch and a worker never waits for the parent. When a
    worker dies (a crash in a native library, the OOM killer), the document it was working
    on is the oldest one sent to it: that one gets a ``failed`` record with code
    ``internal``, the other goes back to the queue, a new worker takes over, and the batch
    goes on. A worker that dies before it is ready means none can run: WorkerStartError.
    ``task`` (a module-level function, default :func:`process`) is what a worker runs:
    ``task(path, stage)``.
    """
    from multiprocessing.connection import wait as wait_any

    todo = deque(items)
    ctx = _mp_context()
    workers = [_Worker(ctx, task) for _ in range(min(jobs, len(todo)))]
    try:
        while workers:
            for worker in workers:
                while worker.ready and todo and len(worker.queue) < 2:
                    try:
                        worker.send(todo[0])
                    except OSError:      # it died: its pipe reports that below
                        break
                    todo.popleft()
            if not todo and not any(w.queue or not w.ready for w in workers):
                break
            # Every pipe, idle ones too: a dead worker's pipe reads as end-of-file.
            ready = wait_any([w.conn for w in workers], timeout=idle_every)
            idle()
            for conn in ready:
                worker = next(w for w in workers if w.conn is conn)
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    workers.remove(worker)
                    yield from _replace_dead(worker, workers, todo, ctx, task)
                    continue
                if message == _READY:
                    worker.ready = True
                    continue
                item = worker.queue.popleft()
                yield _task_failed(item, message) if isinstance(message, Exception) \
                    else message
    finally:
        for worker in workers:
            worker.stop()


def _replace_dead(worker: _Worker, workers: list[_Worker], todo: deque, ctx,
                  task: Callable[..., Result]) -> Iterator[Result]:
    worker.process.join()
    worker.conn.close()
    if not worker.ready:
        raise WorkerStartError(f"a worker process died as it started (exit status "
                               f"{worker.process.exitcode}); nothing can be extracted")
    if worker.queue:
        culprit, *rest = worker.queue
        todo.extendleft(reversed(rest))
        yield _worker_died(culprit)
    if todo:
        workers.append(_Worker(ctx, task))


def _ray_task(row: dict) -> dict:
    return asdict(process(row["path"], row["stage"]))


def run_ray(items: list[Input], jobs: int, address: str | None = None) -> Iterator[Result]:
    """Results of ``items`` from Ray Data: ``from_items`` over the paths, ``map(process)``.

    Without ``address`` a local Ray is started with ``num_cpus=jobs``; with it, the batch runs
    on that cluster, whose workers must see the same paths (a shared file system) and have
    congvan installed.
    """
    try:
        import logging

        import ray
        import ray.data
    except ImportError as exc:
        raise UsageError(f"--engine ray needs Ray: pip install 'congvan[ray]' ({exc})") from None
    if not items:
        return
    started = not ray.is_initialized()
    if started and address:
        ray.init(address=address, runtime_env={"env_vars": {"OMP_THREAD_LIMIT": "1"}},
                 log_to_driver=False, logging_level="ERROR")
    elif started:
        # The local raylet starts its workers with its own environment, inherited from
        # here: cheaper than a runtime_env (which costs seconds of start-up).
        saved = os.environ.get("OMP_THREAD_LIMIT")
        os.environ["OMP_THREAD_LIMIT"] = "1"
        try:
            ray.init(num_cpus=jobs, include_dashboard=False, log_to_driver=False,
                     logging_level="ERROR")
        finally:
            if saved is None:
                del os.environ["OMP_THREAD_LIMIT"]
            else:
                os.environ["OMP_THREAD_LIMIT"] = saved
    try:
        logging.getLogger("ray.data").setLevel(logging.ERROR)   # our progress, not Ray's
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        # Small blocks: results stream back as they finish, and no block is a big unit of loss.
        blocks = max(1, min(len(items), max(4 * jobs, len(items) // 25)))
        ds = ray.data.from_items([{"path": item.path, "stage": item.stage} for item in items],
                                 override_num_blocks=blocks)
        for row in ds.map(_ray_task, num_cpus=1).iter_rows():
            yield Result(**{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()})
    finally:
        if started:
            ray.shutdown()


# --- progress -------------------------------------------------------------------------------

class Progress:
    """A tqdm bar on a terminal; otherwise a plain line on stderr every ``LOG_EVERY`` seconds."""

    def __init__(self, total: int, mode: str):
        self.total, self.mode = total, mode
        self.done = self.pages = self.failed = 0
        self.start = self._last = time.monotonic()
        self._bar = None
        if mode == "bar" and total:
            from tqdm import tqdm
            tqdm.monitor_interval = 0
            try:        # a terminal that reports no width gets tqdm's default, not 0
                sized = os.get_terminal_size(sys.stderr.fileno()).columns > 0
            except OSError:
                sized = False
            self._bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=sized,
                             smoothing=0.05, desc="extract")

    def update(self, result: Result) -> None:
        self.done += 1
        self.pages += result.pages
        self.failed += result.status == "failed"
        if self._bar is not None:
            self._bar.set_postfix(pages=self.pages, failed=self.failed, refresh=False)
            self._bar.update(1)
        elif self.mode == "log" and time.monotonic() - self._last >= LOG_EVERY:
            self._last = time.monotonic()
            self.log()

    def log(self) -> None:
        elapsed = time.monotonic() - self.start
        rate = self.done / elapsed if elapsed else 0.0
        eta = (self.total - self.done) / rate if rate else 0.0
        pct = 100 * self.done / self.total if self.total else 100.0
        print(f"congvan: {self.done}/{self.total} documents ({pct:.0f}%), {self.pages} pages, "
              f"{rate:.1f} doc/s, {self.failed} failed, ETA {_duration(eta)}",
              file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds // 60 % 60:02d}m"


# --- the batch ------------------------------------------------------------------------------

def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def manifest_row(result: Result, item: Input) -> dict:
    status = "unsupported" if result.error_code == "input.unsupported" else result.status
    return {"path": item.path, "status": status, "duplicate_of": "", "id": result.id,
            "sha256": item.sha256 or "", "bytes": item.size if item.sha256 else "",
            "kind": result.kind, "pages": result.pages, "warning_count": result.warning_count,
            "error_code": result.error_code or "", "error_message": result.error_message or "",
            "seconds": result.seconds, "pipeline_version": result.pipeline_version or "",
            "finished_at": _now()}


def failed(status: str, error_code: str) -> bool:
    """Whether an input's record is a failure, from its manifest ``status`` and ``error_code``.

    A duplicate repeats its original's error code, so it fails when the original did.
    """
    return status in FAILED or (status == "duplicate" and bool(error_code))


class _StdoutSink:
    """``--format jsonl``: each record printed as it finishes; nothing kept on disk."""

    def __init__(self):
        self.outcomes: dict[str, tuple[str, str]] = {}   # path -> (status, error_code)

    def append(self, line: str, row: dict) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
        self.outcomes[row["path"]] = (row["status"], row["error_code"])

    def tick(self) -> None:
        pass


@dataclass
class Summary:
    """What a run did to its inputs: status counts, and how many were skipped as done."""

    counts: Counter = field(default_factory=Counter)
    new: int = 0          # inputs given a new record in this run
    extracted: int = 0    # of which extracted (not copies, not rejected before extraction)
    skipped: int = 0      # inputs already done
    failed: int = 0
    seconds: float = 0.0
    manifest: Path | None = None

    @property
    def exit_status(self) -> int:
        return 3 if self.failed else 0

    def __str__(self) -> str:
        total = sum(self.counts.values())
        parts = ", ".join(f"{self.counts[s]} {s}" for s in
                          ("ok", "partial", "failed", "unsupported", "duplicate") if self.counts[s])
        text = (f"congvan: {total} inputs: {parts or 'none'}; {self.new} done now "
                f"({self.extracted} extracted), {self.skipped} already done; "
                f"{self.seconds:.1f} s")
        if self.manifest is not None:
            text += f"\ncongvan: manifest: {self.manifest}"
        return text


def run_batch(paths: list[str], out: Path | None, *, jobs: int = 0, engine: str = "local",
              address: str | None = None, retry_failed: bool = False,
              progress: str = "auto") -> Summary:
    """Extract every input under ``paths``; into ``out`` (resumable), or to stdout as JSONL.

    ``progress`` is ``auto`` (a bar on a terminal, log lines otherwise), ``bar``, ``log`` or
    ``off``. Returns the summary; its ``exit_status`` is the command's.
    """
    start = time.monotonic()
    jobs = jobs or default_jobs()
    if progress == "auto":
        progress = "bar" if sys.stderr.isatty() else "log"
    inputs = discover(paths, exclude=out)
    journal = Journal(out) if out is not None else None
    files = None
    if journal is not None:
        journal.open()
        files = _Staging(out, [*journal.index, *map(one_line, inputs)])
        journal.after_commit = files.place
    try:
        sink = journal if journal is not None else _StdoutSink()
        committed = journal.index if journal is not None else {}
        summary = _run(inputs, sink, committed, jobs, engine, address, retry_failed, progress,
                       files)
        if journal is not None:
            summary.manifest = out / MANIFEST
            if not _state_matches(journal):   # something changed since the tables were built
                finalize(journal, files)
            outcomes = [(e.status, e.error_code) for e in
                        (journal.index[one_line(p)] for p in inputs)]
        else:
            outcomes = list(sink.outcomes.values())
    finally:
        if files is not None:
            files.close()
        if journal is not None:
            journal.close()
    for status, error_code in outcomes:
        summary.counts[status] += 1
        summary.failed += failed(status, error_code)
    summary.seconds = time.monotonic() - start
    return summary


@dataclass
class Plan:
    """What a run does with each input, decided in the parent before any extraction."""

    todo: list[Input] = field(default_factory=list)          # to extract
    rejected: list[Input] = field(default_factory=list)      # failed in the parent
    waiting: dict[str, list[Input]] = field(default_factory=dict)  # first path -> copies
    copies_of_done: list[tuple[Input, str]] = field(default_factory=list)  # (copy, first)
    skipped: int = 0                                          # already done


def plan(items: list[Input], committed: dict, retry_failed: bool = False) -> Plan:
    """Skip what is done, extract each distinct content once, list the copies.

    An input is done when the committed row of its path has the same bytes and pipeline
    version (and, with ``retry_failed``, did not fail). Identical non-empty bytes are
    extracted once, from the first path in input order, unless a record of them is already
    committed (under any path) and stays: then every path with them is a copy of that.
    """
    def done(item: Input):
        entry = committed.get(one_line(item.path))
        if entry is None or entry.pipeline_version != __version__ \
                or entry.sha256 != (item.sha256 or ""):
            return None
        if retry_failed and failed(entry.status, entry.error_code):
            return None
        return entry

    answered = {one_line(item.path): done(item) for item in items}
    first_of: dict[str, str] = {}   # sha256 -> the path whose record holds those bytes
    for key, entry in committed.items():
        if key in answered and answered[key] is None:
            continue                # about to be redone: its old bytes are not a reference
        if entry.status != "duplicate" and entry.sha256 and not entry.empty \
                and entry.pipeline_version == __version__:
            first_of.setdefault(entry.sha256, entry.path)
    result = Plan()
    fresh: set[str] = set()         # paths given a new record in this run
    for item in items:
        entry = answered[one_line(item.path)]
        if entry is not None and (entry.status != "duplicate"
                                  or first_of.get(item.sha256) == entry.duplicate_of):
            result.skipped += 1
            continue
        dedupe = item.sha256 is not None and item.size > 0
        if dedupe and item.sha256 in first_of:
            first = first_of[item.sha256]
            if first in fresh:
                result.waiting.setdefault(first, []).append(item)
            else:
                result.copies_of_done.append((item, first))
            continue
        (result.rejected if item.failure is not None else result.todo).append(item)
        fresh.add(item.path)
        if dedupe:
            first_of[item.sha256] = item.path
    return result


class _Staging:
    """``records/`` file names, and the files workers write ahead into ``records/.staging``.

    A staged file is moved into ``records/`` only when its record is committed, so a kill
    never leaves a record file of an uncommitted record; what a kill leaves in the staging
    folder is deleted when the next run starts (it holds the folder's lock).
    """

    def __init__(self, out: Path, paths: Iterable[str]):
        self.names = record_file_names(dict.fromkeys(paths))   # the final set of paths
        self.folder = out / "records"
        self.staging = self.folder / ".staging"
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)
        self.placed: set[str] = set()    # names whose committed record is in records/

    def stage(self, item: Input) -> None:
        item.stage = str(self.staging / self.names[one_line(item.path)])

    def place(self, rows: list[dict]) -> None:
        for row in rows:
            name = self.names.get(row["path"])
            if name is None or row.get("status") == "duplicate":
                continue
            try:
                os.replace(self.staging / name, self.folder / name)
            except FileNotFoundError:
                continue                 # not staged (rejected in the parent): finalize writes it
            self.placed.add(name)

    def close(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _run(inputs: list[str], sink, committed: dict, jobs: int, engine: str,
         address: str | None, retry_failed: bool, progress: str,
         files: _Staging | None = None) -> Summary:
    scan = None
    if progress == "bar" and len(inputs) > 1000:
        from tqdm import tqdm
        scan = tqdm(total=len(inputs), unit="file", desc="hash", file=sys.stderr, leave=False)
    items = list(inspect_all(inputs, (lambda: scan.update(1)) if scan else (lambda: None)))
    if scan is not None:
        scan.close()
    todo = plan(items, committed, retry_failed)
    if files is not None:
        for item in todo.todo:
            files.stage(item)
    summary = Summary(skipped=todo.skipped)
    by_path = {item.path: item for item in todo.todo}

    def emit(result: Result, item: Input) -> None:
        row = manifest_row(result, item)
        sink.append(result.line, row)
        summary.new += 1
        for copy in todo.waiting.pop(item.path, ()):
            _emit_duplicate(sink, copy, result.line, row)
            summary.new += 1

    report = Progress(len(todo.todo), progress)
    if progress == "log" and inputs:
        print(f"congvan: {len(inputs)} inputs: {len(todo.todo)} to extract, {todo.skipped} "
              f"already done", file=sys.stderr, flush=True)
    try:
        for item in todo.rejected:
            emit(Result.of(item.failure, 0.0), item)
        for item, first in todo.copies_of_done:
            entry = committed[one_line(first)]
            _emit_duplicate(sink, item, sink.read_line(entry), sink.read_row(entry))
            summary.new += 1
        if engine == "ray":
            results = run_ray(todo.todo, jobs, address)
        else:
            results = run_local(todo.todo, jobs, idle=sink.tick)
        for result in results:
            emit(result, by_path[result.path])
            summary.extracted += 1
            report.update(result)
            sink.tick()
    finally:
        report.close()
        if isinstance(sink, Journal):
            sink.commit()     # whatever finished is kept, even on Ctrl-C
    return summary


def _emit_duplicate(sink, item: Input, line: str, first_row: dict) -> None:
    record = json.loads(line)
    record["source"]["path"] = item.path
    row = dict(first_row, path=item.path, status="duplicate", duplicate_of=first_row["path"],
               sha256=item.sha256, bytes=item.size, seconds=0, finished_at=_now())
    sink.append(record_line(record), row)


# --- the end of a run: tables and records/ from records.jsonl --------------------------------

def _state(journal: Journal) -> dict:
    files = {}
    for path in (journal.records_path, journal.manifest_path):
        st = path.stat()
        files[path.name] = [st.st_ino, st.st_size, st.st_mtime_ns]
    return {"files": files, "tables": table_columns()}


def _saved_state(journal: Journal) -> dict | None:
    try:
        return json.loads((journal.folder / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _state_matches(journal: Journal) -> bool:
    """Whether nothing changed since the last ``finalize`` (then it can be skipped)."""
    saved = _saved_state(journal)
    tables = [journal.folder / f"{name}.csv" for name in table_columns()]
    return (saved is not None and json.dumps(saved) == json.dumps(_state(journal))
            and all(p.exists() for p in tables))


def _appended_since_finalize(journal: Journal) -> int:
    """Offset in records.jsonl from which lines are newer than the last ``finalize``.

    ``finalize`` leaves a compacted file and notes its inode and size; later runs only append
    to it. A different inode (or no note) means nothing is known: every line counts as new.
    """
    saved = _saved_state(journal)
    try:
        ino, size, _ = saved["files"][journal.records_path.name]
    except (TypeError, KeyError, ValueError):
        return 0
    st = journal.records_path.stat()
    return size if st.st_ino == ino and st.st_size >= size else 0


def finalize(journal: Journal, staging: _Staging | None = None) -> None:
    """Compact the journal into path order; rebuild the tables and ``records/`` from it.

    A ``records/`` file is written when its record is new since the last finalize (and was
    not placed, committed, by this run) or the file is missing; other files are removed.
    """
    remove_temporaries(journal.folder)       # a kill during an earlier finalize
    new_from = _appended_since_finalize(journal)
    entries = sorted(journal.index.values(), key=lambda e: e.path)
    placed = staging.placed if staging is not None else set()
    names = staging.names if staging is not None else record_file_names(e.path for e in entries)
    compactor = journal.compactor()
    tables = TableWriter(journal.folder)
    files = RecordFiles(journal.folder / "records")
    seen: set[str] = set()
    try:
        for entry in entries:
            line = journal.read_line(entry)
            record = json.loads(line)
            compactor.add(line, entry)
            name = names[entry.path]
            # the entry's string when equal: the set then costs no string of its own
            doc_id = entry.sha256 if record["id"] == entry.sha256 else record["id"]
            tables.add(record, f"records/{name}", items=doc_id not in seen)
            seen.add(doc_id)
            if name in placed or (entry.offset < new_from and files.has(name)):
                files.keep(name)
            else:
                files.put(name, record_pretty(record))
    except BaseException:
        compactor.abort()
        tables.abort()
        raise
    compactor.commit()
    tables.commit()
    files.finish()
    with atomic_open(journal.folder / STATE) as f:
        json.dump(_state(journal), f)


# --- the command ----------------------------------------------------------------------------

def run_extract(args) -> int:
    """``congvan extract``: see ``congvan extract --help``. Returns the exit status."""
    if args.address and args.engine != "ray":
        raise UsageError("--address is for --engine ray")
    if args.format == "json":
        inputs = discover(args.paths)
        if len(inputs) != 1:
            raise UsageError(f"--format json prints one record: give one file "
                             f"({len(inputs)} inputs found); use --format jsonl for several")
        record = extract_file(inputs[0])
        sys.stdout.write(record_pretty(record))
        return 3 if record.status == "failed" else 0
    out = Path(args.out) if args.out else None
    progress = "off" if args.quiet else "auto"
    try:
        summary = run_batch(args.paths, out, jobs=args.jobs, engine=args.engine,
                            address=args.address, retry_failed=args.retry_failed,
                            progress=progress)
    except JournalError as exc:
        raise UsageError(str(exc)) from None
    except KeyboardInterrupt:
        print("congvan: interrupted; run the same command again to finish the batch",
              file=sys.stderr)
        return 130
    except WorkerStartError as exc:
        print(f"congvan: error: {exc}", file=sys.stderr)
        return 1
    print(summary, file=sys.stderr)
    return summary.exit_status
