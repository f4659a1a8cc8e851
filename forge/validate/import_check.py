"""Compile, then import, the modules an edit changed; run by forge in the repository's own interpreter.

forge passes this file's source to `python -c` (so that nothing of forge is imported, and this folder's modules do
not shadow the repository's), with the repository root as argv[1] and a JSON list of [path, module] on stdin; a
module of None is only compiled. It prints one line, MARKER + a JSON list of problems.
"""

import json
import os
import sys
import traceback

MARKER = "FORGE-IMPORT-CHECK:"


def _place(root, tb, fallback):
    """The deepest frame of the traceback inside the repository: where the edit's problem shows."""
    best = (fallback, 0)
    for frame in traceback.extract_tb(tb):
        path = os.path.abspath(frame.filename)
        if path.startswith(root + os.sep):
            best = (os.path.relpath(path, root), frame.lineno or 0)
    return best


def main():
    root = os.path.abspath(sys.argv[1])
    for folder in (os.path.join(root, "src"), root):
        if os.path.isdir(folder) and folder not in sys.path:
            sys.path.insert(0, folder)
    problems = []
    checked = 0
    for path, module in json.loads(sys.stdin.read()):
        try:
            with open(os.path.join(root, path), "rb") as handle:
                source = handle.read()
            compile(source, path, "exec", dont_inherit=True)
            checked += 1
            if module:
                __import__(module)
        except SyntaxError as error:
            problems.append({"file": path, "line": error.lineno or 0, "column": error.offset or 0,
                             "code": type(error).__name__, "message": f"{type(error).__name__}: {error.msg}"})
        except BaseException as error:  # an import may raise anything, SystemExit included
            file, line = _place(root, error.__traceback__, path)
            problems.append({"file": file, "line": line, "column": 0, "code": type(error).__name__,
                             "message": f"{type(error).__name__}: {error}" + ("" if file == path else
                                                                               f" (importing {module})")})
    sys.stdout.write("\n" + MARKER + json.dumps({"checked": checked, "problems": problems}) + "\n")


if __name__ == "__main__":
    main()
