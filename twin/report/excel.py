"""The report's tables as an Excel workbook (openpyxl), for planners who work in
spreadsheets: the summary, cost breakdown, KPIs, benchmark and shadow prices first, then
every tidy table of the results (a benchmark's baseline tables prefixed 'baseline ').
Each sheet has a bold, frozen header row and columns sized to their contents."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from twin.report.results import TABLES, ReportData
from twin.report.tables import cost_table, headline, kpi_table, shadow_table

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

#: Excel's limit on the rows of a sheet (one is the header).
MAX_SHEET_ROWS = 1_048_575
#: Widest column, characters.
_MAX_WIDTH = 60
#: Sheets up to this many rows get number formats (cell by cell, slow beyond).
_FORMAT_ROWS = 10_000


def sheets(data: ReportData) -> dict[str, pd.DataFrame]:
    """The workbook's sheets by name (at most 31 characters each), in order."""
    out: dict[str, pd.DataFrame] = {
        "summary": headline(data),
        "cost breakdown": cost_table(data),
        "kpis vs targets": kpi_table(data),
    }
    if (benchmark := data.table("benchmark")) is not None:
        out["benchmark"] = benchmark
    if (shadow := shadow_table(data)) is not None:
        out["shadow prices"] = shadow
    for name in TABLES:
        if name not in ("benchmark", "shadow_prices") and name in data.schedule.tables:
            out[name] = data.schedule.tables[name]
    if data.baseline is not None:
        for name, table in data.baseline.tables.items():
            if name != "benchmark":
                out[f"baseline {name}"] = table
    return out


def write_workbook(data: ReportData, path: Path) -> Path:
    """Write the workbook to `path` (.xlsx); a table longer than a sheet holds is cut at
    MAX_SHEET_ROWS rows (the CSV files have them all)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets(data).items():
            frame.head(MAX_SHEET_ROWS).to_excel(writer, sheet_name=name, index=False)
            _format(writer.sheets[name], frame)
    return path


def _format(sheet: Worksheet, frame: pd.DataFrame) -> None:
    """Bold, frozen header; widths from the longest text of each column; numbers with
    thousands separators on sheets of up to _FORMAT_ROWS rows."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sample = frame.head(1000)
    for i, column in enumerate(frame.columns, start=1):
        texts = sample[column].astype(str)
        width = max([len(str(column)), *texts.str.len().tolist()], default=8)
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = min(width + 2, _MAX_WIDTH)
        if len(frame) <= _FORMAT_ROWS and pd.api.types.is_float_dtype(frame[column]):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = "#,##0.00####"
