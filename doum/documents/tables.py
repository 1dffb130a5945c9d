"""Building :class:`Table` objects from cells with spans, or from a plain grid."""

from __future__ import annotations

from doum.documents.model import Table, TableCell

MAX_GRID_CELLS = 1_000_000
"""A table larger than this (rows × columns) is cut: spans in hostile files can claim
millions of positions."""


def table_from_grid(rows: list[list[str]], *, header_rows: int = 0, caption: str = "") -> Table:
    """A table from rows of strings (one cell per string, no spans)."""
    width = max((len(r) for r in rows), default=0)
    grid = [[*r, *([""] * (width - len(r)))] for r in rows]
    cells = [
        TableCell(text=text, row=r, col=c, header=r < header_rows)
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
    ]
    return Table(rows=grid, cells=cells, header_rows=min(header_rows, len(rows)), caption=caption)


def table_from_cells(
    cells: list[TableCell], *, caption: str = "", header_rows: int | None = None
) -> Table:
    """A table from positioned cells with spans; merged cells are repeated into every
    grid position they cover so each row reads on its own."""
    if not cells:
        return Table(rows=[], cells=[], caption=caption)
    n_rows = max(c.row + max(c.row_span, 1) for c in cells)
    n_cols = max(c.col + max(c.col_span, 1) for c in cells)
    if n_rows * n_cols > MAX_GRID_CELLS:
        n_cols = max(1, min(n_cols, MAX_GRID_CELLS // max(n_rows, 1)))
        n_rows = min(n_rows, MAX_GRID_CELLS // n_cols)
    grid = [[""] * n_cols for _ in range(n_rows)]
    for cell in cells:
        for r in range(cell.row, min(cell.row + max(cell.row_span, 1), n_rows)):
            for c in range(cell.col, min(cell.col + max(cell.col_span, 1), n_cols)):
                grid[r][c] = cell.text
    if header_rows is None:
        header_rows = _header_rows(cells)
    return Table(rows=grid, cells=list(cells), header_rows=header_rows, caption=caption)


def _header_rows(cells: list[TableCell]) -> int:
    marked = {c.row for c in cells if c.header}
    count = 0
    while count in marked:
        count += 1
    return count


def mark_header_row(table: Table) -> None:
    """Make the first grid row the header (cells starting in row 0)."""
    table.header_rows = 1
    for cell in table.cells:
        cell.header = cell.row == 0
