"""Spreadsheets: XLSX (openpyxl) and CSV (stdlib) — each sheet becomes a table.

A sheet is a heading (the sheet name) followed by one table; merged cells keep their
spans; the first non-empty row is taken as the header. Values are shown as a person
reads them: whole floats without ".0", dates as ISO dates.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from typing import Any

from doum.documents.blocks import finish_document
from doum.documents.errors import CorruptDocument, EncryptedDocument
from doum.documents.limits import Limits, SafeZip
from doum.documents.model import Block, BlockKind, Document, TableCell
from doum.documents.tables import table_from_cells, table_from_grid
from doum.documents.textcodec import decode_text, sniff_encoding

MAX_CELLS_PER_SHEET = 2_000_000


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time() else value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


class XlsxParser:
    format = "xlsx"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    def parse(self, data: bytes, *, filename: str | None = None) -> Document:
        archive = SafeZip(data, self.limits, fmt="XLSX")  # zip-bomb checks before openpyxl
        if "EncryptedPackage" in archive:
            raise EncryptedDocument(format="XLSX")
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
        except MemoryError:
            raise
        except Exception as exc:  # openpyxl raises many types (KeyError, ValueError, …)
            raise CorruptDocument(format="XLSX") from exc
        document = Document(format=self.format)
        props = workbook.properties
        for key, value in (
            ("title", props.title),
            ("author", props.creator),
            ("subject", props.subject),
        ):
            if value:
                document.metadata[key] = str(value)
        document.title = document.metadata.get("title", "")
        document.metadata["sheets"] = list(workbook.sheetnames)
        try:
            for sheet in workbook.worksheets:
                self._sheet(sheet, document)
        except MemoryError:
            raise
        except Exception as exc:
            raise CorruptDocument(format="XLSX") from exc
        finally:
            workbook.close()
        return finish_document(document, statute=False)

    def _sheet(self, sheet: Any, document: Document) -> None:
        rows: list[list[str]] = []
        cells = 0
        for values in sheet.iter_rows(values_only=True):
            rows.append([cell_text(v) for v in values])
            cells += len(values)
            if cells > MAX_CELLS_PER_SHEET:
                document.warnings.append(f"'{sheet.title}' 시트가 너무 커서 일부만 읽었습니다.")
                break
        while rows and not any(rows[-1]):
            rows.pop()
        width = max(
            (max((i + 1 for i, v in enumerate(r) if v), default=0) for r in rows), default=0
        )
        rows = [r[:width] for r in rows]
        first = next((i for i, r in enumerate(rows) if any(r)), None)
        document.blocks.append(Block(kind=BlockKind.HEADING, text=str(sheet.title), level=1))
        if first is None:
            return
        rows = rows[first:]
        covered: dict[tuple[int, int], tuple[int, int]] = {}
        for merged in (getattr(sheet, "merged_cells", None) and sheet.merged_cells.ranges) or []:
            r0, c0 = merged.min_row - 1 - first, merged.min_col - 1
            covered[(r0, c0)] = (
                merged.max_row - merged.min_row + 1,
                merged.max_col - merged.min_col + 1,
            )
            for r in range(r0, r0 + merged.max_row - merged.min_row + 1):
                for c in range(c0, c0 + merged.max_col - merged.min_col + 1):
                    if (r, c) != (r0, c0):
                        covered[(r, c)] = (0, 0)
        table_cells: list[TableCell] = []
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                span = covered.get((r, c), (1, 1))
                if span == (0, 0):
                    continue
                table_cells.append(
                    TableCell(
                        text=text, row=r, col=c, row_span=span[0], col_span=span[1], header=r == 0
                    )
                )
        if table_cells:
            document.blocks.append(Block(kind=BlockKind.TABLE, table=table_from_cells(table_cells)))


class CsvParser:
    format = "csv"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    def parse(self, data: bytes, *, filename: str | None = None) -> Document:
        text = decode_text(data)
        sample = text[:16384]
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
        except csv.Error:
            delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        try:
            rows = [
                [c.strip() for c in row]
                for row in csv.reader(io.StringIO(text), delimiter=delimiter)
            ]
        except csv.Error as exc:
            raise CorruptDocument(format="CSV") from exc
        rows = [r for r in rows if any(r)]
        document = Document(
            format=self.format,
            metadata={"encoding": sniff_encoding(data), "delimiter": delimiter},
        )
        if rows:
            document.blocks.append(
                Block(kind=BlockKind.TABLE, table=table_from_grid(rows, header_rows=1))
            )
        return finish_document(document, statute=False)
