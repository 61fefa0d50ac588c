"""Plain text extracted from Word or PDF, in the two layouts seen in real reports.

* **one cell a line** (text extracted from .docx): every cell starts with a tab; a line
  without the tab continues the cell above (a label broken across lines); a blank line
  ends the table row.
* **one row a line** (text extracted from .doc or PDF): the row's cells separated by tabs.

Other lines are paragraphs. Consecutive rows form one table until a paragraph intervenes.
"""

from __future__ import annotations

from reportkit.extract.document import Block, Document, Paragraph, Table


def read_text(text: str) -> Document:
    """Split decoded report text into paragraphs and tables."""
    blocks: list[Block] = []
    table: Table | None = None
    row: list[str] | None = None  # an open one-cell-a-line row
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for line in text.split("\n"):
        last_tab = line.rfind("\t")
        if last_tab >= 0:
            if not last_tab:  # its only tab leads it: one cell a line
                if row is None:
                    row = []
                row.append(line[1:])
                continue
            if row is not None:
                table, row = _close_row(blocks, table, row), None
            if table is None:
                table = Table()
                blocks.append(table)
            table.rows.append(line.split("\t"))
            continue
        if not line.strip(" "):  # NBSP-only lines are cell content, not row breaks
            if row is not None:
                table, row = _close_row(blocks, table, row), None
            continue
        if row is not None:  # a cell broken across lines
            row[-1] += "\n" + line
            continue
        table = None
        blocks.append(Paragraph(line.strip()))
    if row is not None:
        _close_row(blocks, table, row)
    return Document(blocks, source_format="text")


def _close_row(blocks: list[Block], table: Table | None, row: list[str]) -> Table:
    """Add a one-cell-a-line row to the open table (a new one if none is); returns it."""
    if table is None:
        table = Table()
        blocks.append(table)
    table.rows.append(row)
    return table
