"""The document model every reader produces: paragraphs and tables, in reading order.

Readers (text, HTML, .docx, PDF, .doc) differ in how they find cells; once they have, a
report is a sequence of blocks, and everything downstream (finding the three tables,
mapping labels to keys) works on this model alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    """A run of prose (a heading, a title, a sentence)."""

    text: str


@dataclass
class Table:
    """A table as rows of cell texts. Spanned cells are repeated in every row/column they
    cover for labels; readers leave a spanned *number* in its first cell only."""

    rows: list[list[str]] = field(default_factory=list)
    #: The page each row was printed on (PDF), else None.
    pages: list[int | None] | None = None

    def row_pages(self) -> list[int | None]:
        """The page of each row (None where not known)."""
        if self.pages is not None and len(self.pages) == len(self.rows):
            return self.pages
        return [None] * len(self.rows)


Block = Paragraph | Table


@dataclass
class Document:
    """A report as read: its blocks, the format it came in and the text encoding used."""

    blocks: list[Block]
    source_format: str = "text"
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    #: The title the file carries besides its text (a web page's <title>), or ''.
    title: str = ""
    #: What the reader saw but could not place (figures outside their rows …): each
    #: makes the report ``partial``.
    problems: list[str] = field(default_factory=list)

    def paragraphs(self) -> list[str]:
        """The texts of the paragraph blocks, in order."""
        return [b.text for b in self.blocks if isinstance(b, Paragraph)]

    def text(self) -> str:
        """All text, paragraphs and cells, one line per paragraph or table row."""
        lines: list[str] = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                lines.append(b.text)
            else:
                lines.extend("\t".join(r) for r in b.rows)
        return "\n".join(lines)
