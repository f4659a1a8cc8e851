"""Validation profiles: which languages a change touches, and the build/test/lint command of each (data).

A profile claims the changed files in its languages (and its manifest files: a changed Cargo.toml concerns
Rust). Its commands come, per stage, from routing.toml's [validation.commands.LANGUAGE] when a user, repository,
environment or flag layer sets them; else from the profile's own defaults below (the first variant whose marker
file is at the repository root); else from routing.toml's built-in defaults. Commands starting with `forge:` are
steps forge runs itself (Python: byte-compile and import the changed modules, pytest with affected tests first and
a JUnit report, ruff's JSON; C/C++: the repository's ctest or make test/check); the rest run as programs with
shell=False. `{files}` in a command becomes the changed files of the profile's languages (C/C++: the changed
sources, or every source when only headers changed), `{tmp}` a scratch folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from forge.config.load import LoadedConfig

PYTHON_IMPORT = "forge:python-import"
PYTHON_PYTEST = "forge:pytest"
PYTHON_RUFF = "forge:ruff"
PYTHON_RUFF_FIX = "forge:ruff-fix"
# C and C++: ctest in a configured CMake build folder, else `make test`/`make check` (forge/validate/c_tests.py).
C_TESTS = "forge:c-tests"
MAKEFILES = ("GNUmakefile", "makefile", "Makefile")     # the names GNU make looks for, in its order
# What a reviewer would block in Python: syntax and I/O errors, undefined names, broken format strings, repeated
# dict keys, comparisons that are always wrong, statements where they cannot be (break outside a loop), pylint's
# errors. Unused imports, import order, f-strings without placeholders and the like are style: fixed or reported.
PYTHON_BLOCKING = ("E9", "F50", "F52", "F60", "F63", "F7", "F82", "PLE")      # F541 (f-string, no placeholder): style
COMMAND_STAGES = ("build", "test", "lint")
# Rust: a test the task concerns runs whatever its marker, so #[ignore]d tests run too. Clippy rejects what a
# reviewer would (code that is wrong or most likely wrong); its style, complexity and perf lints stay warnings,
# which clippy exits 0 on, and rustc's errors fail the build anyway. The fixers: clippy's machine-applicable fixes,
# then cargo fmt, which formats with the edition Cargo.toml gives each target (plain rustfmt assumes 2015 and fails
# on async code); it formats the whole crate, and fixers.py puts back every file the edit did not change.
RUST_TEST = "cargo test --quiet -- --include-ignored"
RUST_LINT = "cargo clippy --quiet -- -D clippy::correctness -D clippy::suspicious"
RUST_FIXERS = ("cargo clippy --fix --allow-dirty --allow-no-vcs --quiet", "cargo fmt --quiet -- {files}")
# What GCC 14 made errors, made errors on older compilers too: each is a bug, never a style question
# (return-type holds GCC 14's return-mismatch: `return x;` in a void function, a lost `;` after `return`).
C_ERRORS = ("-Werror=implicit-function-declaration -Werror=implicit-int -Werror=int-conversion "
            "-Werror=incompatible-pointer-types -Werror=return-type")


@dataclass(frozen=True)
class Variant:
    when: tuple[str, ...]           # marker files at the repository root, any of which selects it; () = always
    commands: dict[str, str]        # stage -> command


@dataclass(frozen=True)
class Profile:
    name: str                       # the key under [validation.commands]
    languages: tuple[str, ...]      # tree-sitter language names whose files it checks
    manifests: tuple[str, ...]      # other file names whose change concerns it
    variants: tuple[Variant, ...]
    sources: tuple[str, ...] = ()   # extensions {files} takes for compiled languages (not headers)
    # Deterministic style fixers run on the changed files before judging (forge: steps or commands over {files}).
    fixers: tuple[str, ...] = ()
    # Lint codes or prefixes that reject an edit; other findings are reported as style. ("ALL",): every finding.
    blocking: tuple[str, ...] = ("ALL",)

    def variant(self, root: Path) -> Variant | None:
        return next((v for v in self.variants if not v.when or any((root / m).exists() for m in v.when)), None)


PROFILES: tuple[Profile, ...] = (
    Profile("python", ("python",), ("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt"),
            (Variant((), {"build": PYTHON_IMPORT, "test": PYTHON_PYTEST, "lint": PYTHON_RUFF}),),
            fixers=(PYTHON_RUFF_FIX,), blocking=PYTHON_BLOCKING),
    Profile("rust", ("rust",), ("Cargo.toml", "Cargo.lock"),
            (Variant(("Cargo.toml",), {"build": "cargo check --quiet", "test": RUST_TEST, "lint": RUST_LINT}),),
            fixers=RUST_FIXERS),
    Profile("typescript", ("typescript", "tsx"), ("package.json", "tsconfig.json"),
            (Variant(("tsconfig.json",), {"build": "npx tsc --noEmit", "test": "npm test --silent",
                                          "lint": "npx eslint -f unix ."}),)),
    Profile("javascript", ("javascript",), ("package.json",),
            (Variant(("package.json",), {"test": "npm test --silent", "lint": "npx eslint -f unix ."}),)),
    Profile("go", ("go",), ("go.mod", "go.sum"),
            (Variant(("go.mod",), {"build": "go build ./...", "test": "go test ./...", "lint": "go vet ./..."}),)),
    Profile("c", ("c",), (*MAKEFILES, "CMakeLists.txt"),
            (Variant((), {"build": f"cc -fsyntax-only {C_ERRORS} -I. -Iinclude {{files}}", "test": C_TESTS}),),
            sources=(".c",)),
    Profile("cpp", ("cpp",), (*MAKEFILES, "CMakeLists.txt"),
            (Variant((), {"build": "c++ -fsyntax-only -I. -Iinclude {files}", "test": C_TESTS}),),
             sources=(".cc", ".cpp", ".cxx", ".c++")),
    Profile("java", ("java",), ("pom.xml", "build.gradle", "build.gradle.kts"),
            (Variant(("pom.xml",), {"build": "mvn -q -o compile", "test": "mvn -q -o test"}),
             Variant(("build.gradle", "build.gradle.kts"), {"build": "gradle -q --offline compileJava",
                                                           "test": "gradle -q --offline test"}),
             Variant((), {"build": "javac -d {tmp} -sourcepath . {files}"}))),
)
BY_NAME = {p.name: p for p in PROFILES}
# A JavaScript file in a TypeScript project is checked by tsc with the rest.
PROMOTED = {"javascript": ("tsconfig.json", "typescript")}


@dataclass(frozen=True)
class Applied:
    """A profile and the changed files it claims."""

    profile: Profile
    files: tuple[str, ...]


def applicable(root: Path, changed_languages: dict[str, str | None]) -> list[Applied]:
    """The profiles the changes concern, in PROFILES order; changed_languages maps each changed path to its
    tree-sitter language (None for other files)."""
    claimed: dict[str, list[str]] = {}
    for path, language in changed_languages.items():
        if language in PROMOTED and (root / PROMOTED[language][0]).exists():
            language = PROMOTED[language][1]
        name = Path(path).name
        for profile in PROFILES:
            if language in profile.languages:
                claimed.setdefault(profile.name, []).append(path)
                break
            # a manifest alone concerns a profile only where the repository is set up for it
            if name in profile.manifests and profile.variant(root) is not None:
                claimed.setdefault(profile.name, []).append(path)
    return [Applied(p, tuple(claimed[p.name])) for p in PROFILES if p.name in claimed]


@dataclass(frozen=True)
class StageCommand:
    profile: str
    stage: str
    command: str                    # program and arguments, or a forge: step
    origin: str                     # "profile" or the layer kind that set it: built-in, user, repo, env, flag
    config_file: Path | None = None  # the routing.toml that set it, for the trust check

    @property
    def builtin_step(self) -> bool:
        return self.command.startswith("forge:")


def blocking_codes(profile: Profile, loaded: LoadedConfig, builtin_step: bool = True) -> tuple[str, ...]:
    """The lint codes that reject an edit for a profile: routing.toml's [validation.lint_blocking], else the
    profile's own for forge's own lint step; a lint command the user configured is theirs: every finding of it
    blocks unless lint_blocking says otherwise."""
    configured = loaded.config.validation.lint_blocking.get(profile.name)
    if configured is not None:
        return tuple(configured)
    return profile.blocking if builtin_step else ("ALL",)


def blocks(code: str, blocking: tuple[str, ...]) -> bool:
    """Whether a finding's code is one that rejects an edit (by prefix: "F82" holds F821)."""
    return "ALL" in blocking or any(code.startswith(prefix) for prefix in blocking if prefix)


def command_for(root: Path, profile: Profile, stage: str, loaded: LoadedConfig) -> StageCommand | None:
    """The command a stage runs for a profile, and where it came from; None when there is none."""
    configured = loaded.config.validation.commands.get(profile.name, {}).get(stage)
    layer = loaded.sources.get(("validation", "commands", profile.name, stage))
    if configured and layer is not None and layer.kind != "built-in":
        return StageCommand(profile.name, stage, configured, layer.kind, layer.file)
    variant = profile.variant(root)
    if variant is not None and stage in variant.commands:
        return StageCommand(profile.name, stage, variant.commands[stage], "profile")
    if configured:
        return StageCommand(profile.name, stage, configured, "built-in")
    return None


def source_files(root: Path, applied: Applied, tree: list[str]) -> list[str]:
    """What {files} stands for: the changed files in the profile's languages that exist; for compiled languages
    with headers, the changed sources, or every source in the tree when only headers changed."""
    from forge.validate.syntax import language_for

    present = [f for f in applied.files if (root / f).is_file() and language_for(root, f) in
               applied.profile.languages]
    if not applied.profile.sources:
        return present
    sources = [f for f in present if f.endswith(applied.profile.sources)]
    if sources or not present:
        return sources
    return sorted(f for f in tree if f.endswith(applied.profile.sources))
