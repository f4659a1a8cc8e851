"""Body of `forge index`."""

from __future__ import annotations

import sqlite3

from forge import paths
from forge.cli import output
from forge.cli.state import CliState


def run(st: CliState, *, stats: bool, as_json: bool) -> None:
    from forge.context.index import index_file, open_store, refresh
    from forge.context.store import index_error

    root = (paths.repo_root(st.directory) or st.directory).resolve()
    store = open_store()
    try:
        result = refresh(root, store)
        languages = store.language_stats(str(root))
        notes = [*result.notes, *store.file_notes(str(root))]
    except sqlite3.DatabaseError as error:
        raise index_error(index_file(), error) from error
    finally:
        store.close()
    per_language = [{"language": lang, "files": files, "lines": lines or 0, "definitions": defs or 0,
                     "parse_errors": errors or 0, "skipped": skipped or 0}
                    for lang, files, lines, defs, errors, skipped in languages]
    totals = {key: sum(row[key] for row in per_language) for key in ("files", "lines", "definitions")}
    if as_json:
        output.print_json({"root": str(root), "index": str(index_file()), "seconds": round(result.seconds, 4),
                           "files": result.files, "parsed": result.parsed, "reread": result.reread,
                           "bytes_parsed": result.bytes_parsed,
                           **{k: v for k, v in totals.items() if k != "files"},
                           "languages": per_language, "notes": notes})
        return
    lines = [f"indexed {root}: {result.files:,} files, {totals['definitions']:,} definitions, "
             f"{totals['lines']:,} lines in {result.seconds:.2f} s "
             f"({result.parsed:,} parsed, {result.reread - result.parsed:,} re-read unchanged)"]
    if stats:
        lines.append(f"index: {index_file()}")
        for row in per_language:
            problems = [f"{row['parse_errors']} with parse errors"] if row["parse_errors"] else []
            problems += [f"{row['skipped']} skipped"] if row["skipped"] else []
            lines.append(f"  {row['language']:<11} {row['files']:>6,} files {row['lines']:>9,} lines "
                         f"{row['definitions']:>8,} definitions" + (f"  ({', '.join(problems)})" if problems else ""))
    lines += [f"note: {note}" for note in notes[:20 if not stats else None]]
    if len(notes) > 20 and not stats:
        lines.append(f"note: … and {len(notes) - 20} more (forge index --stats lists them all)")
    output.print_lines(lines)
