"""Which languages of a change (or of a repository) have a test stage here, what it runs, and why not when none:
a change validation could not test is named "not tested", never passed in silence (forge validate, forge run,
forge doctor)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from forge.config.load import LoadedConfig
from forge.validate import process
from forge.validate.profiles import C_TESTS, PYTHON_PYTEST, Applied, applicable, command_for

# Source files of languages forge has no profile for (no grammar either): named so their change is not tested
# unsaid. Data, not a claim of completeness: other files (docs, data, configuration) are no program to test.
UNVALIDATED = {
    ".rb": "ruby", ".php": "php", ".swift": "swift", ".kt": "kotlin", ".kts": "kotlin", ".scala": "scala",
    ".cs": "c#", ".fs": "f#", ".lua": "lua", ".pl": "perl", ".pm": "perl", ".sh": "shell", ".bash": "shell",
    ".ex": "elixir", ".exs": "elixir", ".erl": "erlang", ".hs": "haskell", ".ml": "ocaml", ".clj": "clojure",
    ".dart": "dart", ".zig": "zig", ".nim": "nim", ".jl": "julia", ".r": "r", ".m": "objective-c",
    ".vue": "vue", ".svelte": "svelte",
}
# What forge's own test steps run, in words.
STEP_WORDS = {PYTHON_PYTEST: "pytest (the affected tests first)"}


@dataclass(frozen=True)
class LanguageTests:
    language: str           # the profile's name, or the language forge does not validate
    command: str = ""       # what the test stage runs for it
    reason: str = ""        # why nothing runs, when command is ""
    fix: str = ""           # what would give it a test stage, when there is one

    @property
    def tested(self) -> bool:
        return bool(self.command)

    def clause(self) -> str:
        """"c (no `make test`/`make check` target ...)": what follows "not tested: "."""
        return f"{self.language} ({self.reason})"

    def as_json(self) -> dict:
        return {"language": self.language, "reason": self.reason, "fix": self.fix}


def language_tests(root: Path, files: list[str], loaded: LoadedConfig) -> list[LanguageTests]:
    """For each language among files (paths relative to root): its test stage's command, or why it has none."""
    from forge.validate.syntax import language_for

    languages = {path: language_for(root, path) for path in files}
    applied = applicable(root, languages)
    claimed = {f for a in applied for f in a.files}
    found = [_profile_tests(root, a, loaded) for a in _once(applied, languages)]
    others = {languages[f] or UNVALIDATED.get(PurePosixPath(f).suffix) for f in files if f not in claimed}
    found += [LanguageTests(name, reason="forge does not validate it") for name in sorted(others - {None})]
    return found


def not_tested(root: Path, files: list[str], loaded: LoadedConfig) -> list[LanguageTests]:
    """The languages among files that validation does not test here."""
    return [t for t in language_tests(root, files, loaded) if not t.tested]


def _once(applied: list[Applied], languages: dict[str, str | None]) -> list[Applied]:
    """The profiles to speak of: one claimed only through a manifest another already claimed (a Makefile concerns
    C and C++ alike) adds nothing."""
    kept, seen = [], set()
    for a in applied:
        if any(languages[f] in a.profile.languages for f in a.files) or not set(a.files) <= seen:
            kept.append(a)
        seen |= set(a.files)
    return kept


def _profile_tests(root: Path, applied: Applied, loaded: LoadedConfig) -> LanguageTests:
    name = applied.profile.name
    if not loaded.config.validation.test:
        return LanguageTests(name, reason="switched off ([validation] test = false)",
                             fix="set [validation] test = true in routing.toml")
    command = command_for(root, applied.profile, "test", loaded)
    if command is None:
        return LanguageTests(name, reason="no test command", fix=f"set [validation.commands.{name}] test in "
                                                                 "routing.toml")
    if command.command == C_TESTS:
        return _c_tests(root, name)
    if command.builtin_step:
        return LanguageTests(name, STEP_WORDS.get(command.command, command.command))
    return _runnable(root, name, command.command, (process.split(command.command)[0],))


def _c_tests(root: Path, name: str) -> LanguageTests:
    from forge.validate.c_tests import NOT_TESTED, find_suite

    try:
        found = find_suite(root)
    except process.ToolMissing as error:
        return LanguageTests(name, reason=str(error), fix=f"install {error.tool}")
    if found.suite is None:
        fix = ("declare the target .PHONY in the Makefile" if found.reason != NOT_TESTED else
               f"add a test target to the Makefile, configure CMake (cmake -B build) or set "
               f"[validation.commands.{name}] test in routing.toml")
        return LanguageTests(name, reason=found.reason, fix=fix)
    return _runnable(root, name, found.suite.text(), tuple(argv[0] for argv in found.suite.runs))


def _runnable(root: Path, name: str, command: str, programs: tuple[str, ...]) -> LanguageTests:
    """The command, or why it cannot run here: a program that is not installed skips the stage."""
    for program in programs:
        try:
            process.resolve(root, program)
        except process.ToolMissing as error:
            return LanguageTests(name, reason=str(error), fix=f"install {error.tool}")
    return LanguageTests(name, command)
