"""The exercise corpus of benchmarks/exercises_bench.py means what it says: every correct Python answer (the
solution and its style variants) passes the exercise's own tests, and every broken one and every stub fails at
least one. Checks the corpus, not forge: run in-process, without pytest's collection, to stay cheap."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from exercises import all_projects  # noqa: E402

PROJECTS = [p for p in all_projects(quick=False) if p.language == "python"]


def failures(project, text: str) -> list[str]:
    """The names of the project's tests that fail with text as the answer file."""
    module_name = project.answer_path.removesuffix(".py").replace("/", ".")
    test_path = next(path for path in project.files if path.endswith("_test.py") or "/test_" in path)
    saved = {name: sys.modules.get(name) for name in (module_name, module_name.partition(".")[0])}
    try:
        if "." in module_name:
            sys.modules[module_name.partition(".")[0]] = types.ModuleType(module_name.partition(".")[0])
        module = types.ModuleType(module_name)
        exec(compile(text, project.answer_path, "exec"), module.__dict__)
        sys.modules[module_name] = module
        namespace: dict = {}
        exec(compile(project.files[test_path], test_path, "exec"), namespace)
        failed = []
        for name, test in namespace.items():
            if name.startswith("test_") and callable(test):
                try:
                    test()
                except (Exception, pytest.fail.Exception):   # an assertion, pytest.raises unmet, a stub's None
                    failed.append(name)
        return failed
    finally:
        for name, value in saved.items():
            if value is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = value


def test_the_corpus_is_as_big_as_promised():
    rust = [p for p in all_projects(quick=False) if p.language == "rust"]
    assert len(PROJECTS) >= 40 and len(rust) >= 15
    assert all(5 <= p.files[next(f for f in p.files if f.startswith("tests/"))].count("#[test]") <= 10 for p in rust)
    assert all(any("#[ignore]" in text for path, text in p.files.items() if path.startswith("tests/")) for p in rust)


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_correct_answers_pass_and_broken_ones_fail(project):
    assert failures(project, project.files[project.answer_path]), "the stub passes its tests"
    for kind, text in project.correct:
        assert failures(project, text) == [], f"correct answer {kind} fails"
    assert project.broken
    for kind, text in project.broken:
        assert failures(project, text), f"broken answer {kind} passes every test"
