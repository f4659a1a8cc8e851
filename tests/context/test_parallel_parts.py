"""The parts of the context engine that use other processes: parsing in forked workers, and the tokenizer
loading in a forked child. Both must give exactly what the single-process path gives."""

from __future__ import annotations

import json
import os
import signal

from forge.context.index import open_store, refresh, snapshot
from forge.context.tokens import DEFAULT_ENCODING, EncoderLoader, TokenCounter, _encoder


def _write_many_modules(root, count: int = 70) -> int:
    size = 0
    for i in range(count):
        body = "\n".join(
            f"class Model{i}_{j}:\n    def method_{j}(self, x):\n        return helper_{i}(x) + {j}\n"
            for j in range(120))
        text = f'"""Module {i}."""\n\n\ndef helper_{i}(x):\n    return x * {i}\n\n\n{body}\n'
        (root / f"mod_{i:03d}.py").write_text(text)
        size += len(text)
    return size


def _definitions(root, home, workers, monkeypatch):
    monkeypatch.setenv("FORGE_HOME", str(home))
    stats = refresh(root, workers=workers)
    snap = snapshot(root)
    return stats, {f.path: list(f.definitions) for f in snap.files}, snap.graph


def test_forked_workers_index_exactly_what_one_process_does(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    assert _write_many_modules(repo) > 500_000         # past the size where forge forks workers
    serial_stats, serial, serial_graph = _definitions(repo, tmp_path / "one", 1, monkeypatch)
    forked_stats, forked, forked_graph = _definitions(repo, tmp_path / "many", 3, monkeypatch)
    assert serial_stats.parsed == forked_stats.parsed == 70
    assert forked == serial
    assert sum(len(d) for d in serial.values()) == 70 * 241
    assert sorted(map(tuple, forked_graph["edges"])) == sorted(map(tuple, serial_graph["edges"]))


def test_forge_index_on_a_large_repository_through_the_cli(forge_env):
    _write_many_modules(forge_env.cwd)
    result = forge_env.run("index", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # the fixture's repository already holds app.py with one function
    assert report["files"] == 71 and report["parsed"] == 71 and report["definitions"] == 70 * 241 + 1


def test_the_forked_tokenizer_counts_as_the_process_itself_would(tmp_path, monkeypatch):
    monkeypatch.setenv("FORGE_HOME", str(tmp_path))
    texts = ["def f(x):\n    return x + 1\n", "héllo wörld — ünïcode ✓", "<|endoftext|> is text here", ""]
    loader = EncoderLoader(DEFAULT_ENCODING)
    try:
        counted = loader.count(DEFAULT_ENCODING, texts)
        other = loader.count("o200k_base", texts)        # an encoding the child did not guess
    finally:
        loader.close()
    assert counted == [_encoder(DEFAULT_ENCODING)(t) for t in texts]
    assert other == [_encoder("o200k_base")(t) for t in texts]
    assert counted[0] > 5


def test_a_dead_tokenizer_child_falls_back_to_counting_here(tmp_path, monkeypatch):
    monkeypatch.setenv("FORGE_HOME", str(tmp_path))
    loader = EncoderLoader(DEFAULT_ENCODING)
    os.kill(loader.pid, signal.SIGKILL)
    os.waitpid(loader.pid, 0)
    loader.pid = loader.pid  # still recorded: count() must notice the broken pipe itself
    store = open_store()
    try:
        counter = TokenCounter(DEFAULT_ENCODING, store, loader)
        assert counter.count_many(["def g():\n    pass\n"]) == [_encoder(DEFAULT_ENCODING)("def g():\n    pass\n")]
    finally:
        store.close()
        loader.close()


def test_both_ways_of_parsing_in_processes_give_the_rows_of_one(tmp_path):
    from forge.context.index import _parse_chunk, _parse_in_processes

    _write_many_modules(tmp_path, count=12)
    items = [(f"hash{i}", ("python", path.read_bytes(), False)) for i, path in enumerate(sorted(tmp_path.glob("*.py")))]
    expected = sorted(_parse_chunk(items))
    assert sorted(_parse_in_processes(list(items), 3, True)) == expected      # forked
    assert sorted(_parse_in_processes(list(items), 2, False)) == expected     # spawned
