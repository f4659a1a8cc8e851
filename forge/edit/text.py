"""A file's text as lines to match against, and back to text with the file's own line endings, byte order mark
and final newline (so an edit changes only the lines it means to)."""

from __future__ import annotations

from dataclasses import dataclass, field

_BOM = "\ufeff"


@dataclass
class FileText:
    lines: list[str]                # without line endings
    newline: str = "\n"             # "\r\n" when most of the file's lines end so
    final_newline: bool = True
    bom: bool = False
    _stripped: list[str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def parse(cls, text: str) -> FileText:
        bom = text.startswith(_BOM)
        if bom:
            text = text[1:]
        crlf = text.count("\r\n")
        newline = "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"
        text = text.replace("\r\n", "\n")
        final_newline = text.endswith("\n") or not text
        lines = text.split("\n")
        if final_newline:
            lines.pop()
        return cls(lines, newline, final_newline, bom)

    def render(self) -> str:
        text = self.newline.join(self.lines)
        if self.lines and self.final_newline:
            text += self.newline
        return (_BOM if self.bom else "") + text

    def with_lines(self, lines: list[str]) -> FileText:
        """Other lines in this file's style (line endings, final newline, byte order mark)."""
        return FileText(list(lines), self.newline, self.final_newline, self.bom)

    def stripped(self) -> list[str]:
        """The lines without surrounding whitespace, kept across splices: stripping a large file for every block
        would cost more than all the matching."""
        if self._stripped is None:
            self._stripped = list(map(str.strip, self.lines))
        return self._stripped

    def splice(self, start: int, end: int, new: list[str]) -> None:
        self.lines[start:end] = new
        if self._stripped is not None:
            self._stripped[start:end] = map(str.strip, new)


def split_lines(block: str) -> list[str]:
    """An edit's text ("a\\nb\\n") as its lines (["a", "b"]); "" is no lines, "\\n" one blank line."""
    lines = block.replace("\r\n", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines
