"""Build or refresh a repository's index: stat every candidate, re-read only what changed, parse only content
never seen before (in worker processes when there is a lot of it), and rebuild the file graph when anything moved."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from forge.context.extract import Definition, extract, line_count, parser_for
from forge.context.files import MAX_FILE_BYTES, list_candidates, looks_like_test, skip_reason
from forge.context.languages import sniff_language
from forge.context.store import IndexStore
from forge.paths import data_dir

EXTRACTOR_CODE_VERSION = "4"   # 4: test files are read whatever their header says
# A file whose mtime is this close to when it was last checked may have changed within the clock's resolution.
_RACY_NS = 2_000_000_000
# Below this much source to parse, starting worker processes costs more than it saves: a forked worker starts in
# milliseconds, a spawned one imports forge and tree-sitter again (~0.2 s).
_FORK_BYTES = 500_000
_SPAWN_BYTES = 4_000_000


@dataclass
class IndexedFile:
    path: str
    language: str
    hash: str
    definitions: list[Definition]
    references_json: str        # decoded only when the graph is rebuilt: most reads never need it
    error_nodes: int
    lines: int
    skip: str | None
    note: str | None

    @property
    def references(self) -> dict[str, int]:
        return json.loads(self.references_json)


@dataclass
class RefreshStats:
    files: int = 0
    parsed: int = 0
    reread: int = 0
    bytes_parsed: int = 0
    seconds: float = 0.0
    graph_rebuilt: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class Snapshot:
    root: Path
    files: list[IndexedFile]
    graph: dict             # {"nodes": [paths], "edges": [[src, dst, weight], ...]}
    stats: RefreshStats

    def by_path(self) -> dict[str, IndexedFile]:
        return {f.path: f for f in self.files}


def index_file() -> Path:
    return data_dir() / "index.db"


@cache
def extractor_version() -> str:
    digest = hashlib.blake2b(EXTRACTOR_CODE_VERSION.encode(), digest_size=8)
    for entry in sorted(resources.files("forge.context.queries").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".scm"):
            digest.update(entry.read_bytes())
    return digest.hexdigest()


def open_store() -> IndexStore:
    return IndexStore(index_file())


def content_key(data: bytes, language: str, version: str, test: bool = False) -> str:
    """What a parse result is stored under: the content, the grammar that read it, the extractor's version and
    whether it is a test file (never skipped as generated), so that another forge version, a .h read as C++ or
    the same text outside the tests never reuses a parse made otherwise."""
    digest = hashlib.blake2b(f"{version}\0{language}\0{'test' if test else ''}\0".encode(), digest_size=16)
    digest.update(data)
    return digest.hexdigest()


def refresh(root: Path, store: IndexStore | None = None, workers: int | None = None) -> RefreshStats:
    """Bring the index of root up to date: what `forge index` does."""
    own = store is None
    store = store or open_store()
    try:
        return _refresh(root.resolve(), store, workers)[0]
    finally:
        if own:
            store.close()


def snapshot(root: Path, store: IndexStore | None = None) -> Snapshot:
    """Refresh the index of root and load what it holds: what the context builder reads."""
    own = store is None
    store = store or open_store()
    try:
        root = root.resolve()
        stats, files, graph = _refresh(root, store, None, load=True)
        return Snapshot(root, files, graph, stats)
    finally:
        if own:
            store.close()


def _refresh(root: Path, store: IndexStore, workers: int | None, load: bool = False):
    started = time.perf_counter()
    key = str(root)
    stats = RefreshStats()
    candidates, stats.notes = list_candidates(root)
    known = store.file_rows(key)
    now = time.time_ns()
    file_rows: list[tuple] = []         # rows to write: unchanged ones are left alone
    to_read = []
    hashes: dict[str, str] = {}
    for cand in candidates:
        row = known.get(cand.path)
        if row and row[0] == cand.mtime_ns and row[1] == cand.size and row[3] - cand.mtime_ns > _RACY_NS:
            hashes[cand.path] = row[2]
        else:
            to_read.append(cand)
    contents: dict[str, bytes] = {}
    languages: dict[str, str] = {}
    huge: list[tuple] = []
    version = extractor_version()
    for cand in to_read:
        if cand.size > MAX_FILE_BYTES:
            # Never read whole: a stray 2 GB dump would sit in memory only to be skipped.
            digest = f"huge-{cand.size}-{cand.mtime_ns}"
            huge.append((digest, cand.language, "[]", "{}", 0, 0, f"larger than {MAX_FILE_BYTES // 1000} KB",
                         f"skipped: larger than {MAX_FILE_BYTES // 1000} KB"))
            hashes[cand.path] = digest
            file_rows.append((cand.path, cand.language, cand.mtime_ns, cand.size, digest, now))
            continue
        try:
            data = (root / cand.path).read_bytes()
        except OSError as error:
            stats.notes.append(f"{cand.path}: cannot be read ({error.strerror or error})")
            continue
        language = sniff_language(cand.path, data[:65536]).name if cand.language == "c" else cand.language
        digest = content_key(data, language, version, looks_like_test(cand.path))
        hashes[cand.path] = digest
        contents[cand.path] = data
        languages[cand.path] = language
        file_rows.append((cand.path, language, cand.mtime_ns, cand.size, digest, now))
    stats.reread = len(contents)
    seen_blobs = store.known_blobs(sorted({hashes[p] for p in contents} | {row[0] for row in huge}))
    to_parse: dict[str, tuple[str, bytes, bool]] = {}
    for path, data in contents.items():
        if hashes[path] not in seen_blobs:
            to_parse.setdefault(hashes[path], (languages[path], data, looks_like_test(path)))
    blobs = _parse_all(to_parse, workers) + [row for row in huge if row[0] not in seen_blobs]
    stats.parsed = len(blobs)
    stats.bytes_parsed = sum(len(data) for _, data, _ in to_parse.values())
    gone = [path for path in known if path not in hashes]
    if blobs or file_rows or gone:
        store.save(key, blobs, file_rows, gone)
    stats.files = len(hashes)
    signature = hashlib.blake2b("\n".join(f"{p}\0{hashes[p]}" for p in sorted(hashes)).encode(),
                                digest_size=16).hexdigest()
    if not load:
        # The file graph is built when a context first needs it: `forge index` stays a parse-and-store pass.
        stats.seconds = time.perf_counter() - started
        return stats, [], None
    files = [_indexed(row) for row in store.snapshot_rows(key)]
    stats.notes.extend(f"{f.path}: {f.note}" for f in files if f.note)
    graph = store.graph(key, signature)
    if graph is None:
        from forge.context.graph import file_graph

        graph = file_graph(files)
        store.save_graph(key, signature, graph)
        stats.graph_rebuilt = True
    stats.seconds = time.perf_counter() - started
    return stats, files, graph


def _indexed(row) -> IndexedFile:
    path, language, digest, definitions, refs, error_nodes, lines, skip, note = row
    return IndexedFile(path, language, digest, [Definition._make(d) for d in json.loads(definitions)],
                       refs, error_nodes, lines, skip, note)


def _parse_all(to_parse: dict[str, tuple[str, bytes, bool]], workers: int | None) -> list[tuple]:
    items = list(to_parse.items())
    total = sum(len(data) for _, (_, data, _) in items)
    workers = min(workers if workers is not None else (os.cpu_count() or 1), len(items))
    forkable = _can_fork()
    if workers > 1 and total >= (_FORK_BYTES if forkable else _SPAWN_BYTES):
        return _parse_in_processes(items, workers, forkable)
    return _parse_chunk(items)


def _can_fork() -> bool:
    # A forked child starts in ~5 ms with tree-sitter loaded; it is only safe with no other thread running,
    # and macOS's system libraries do not support it at all.
    import threading

    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1


_FORKED_ITEMS: list = []


def _parse_forked_share(share: tuple[int, int]) -> list[tuple]:
    start, step = share
    return _parse_chunk(_FORKED_ITEMS[start::step])


def _parse_in_processes(items, workers: int, forkable: bool) -> list[tuple]:
    import multiprocessing

    # Largest first, dealt round-robin, so the shares finish together.
    items.sort(key=lambda item: -len(item[1][1]))
    if not forkable:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            return [row for chunk in pool.map(_parse_chunk, [items[i::workers] for i in range(workers)])
                    for row in chunk]
    global _FORKED_ITEMS
    _FORKED_ITEMS = items           # the children see it through fork; only their rows travel back
    try:
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            pending = pool.map_async(_parse_forked_share, [(i, workers) for i in range(1, workers)])
            rows = _parse_chunk(items[0::workers])      # this process takes the first share
            for chunk in pending.get():
                rows.extend(chunk)
        return rows
    finally:
        _FORKED_ITEMS = []


def _parse_chunk(items) -> list[tuple]:
    parsers: dict[str, object] = {}
    rows = []
    for digest, (language, data, test) in items:
        skip = skip_reason(data, test)
        if skip is not None:
            rows.append((digest, language, "[]", "{}", 0, line_count(data), skip, f"skipped: {skip}"))
            continue
        parser = parsers.get(language) or parsers.setdefault(language, parser_for(language))
        symbols = extract(data, language, parser)
        notes = []
        if symbols.error_nodes:
            notes.append(f"does not parse cleanly ({symbols.error_nodes} error nodes); what parsed is indexed")
        if not data.isascii():
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                notes.append("not UTF-8; undecodable bytes shown as \ufffd")
        rows.append((digest, language,
                     json.dumps(symbols.definitions, separators=(",", ":")),
                     json.dumps(symbols.references, separators=(",", ":")),
                     symbols.error_nodes, symbols.lines, None, "; ".join(notes) or None))
    return rows
