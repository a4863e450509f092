"""Reports of a schedule: rich tables in the terminal (:mod:`twin.report.terminal`) and,
from a results folder, a self-contained HTML page with PNG figures and an Excel workbook
(:func:`twin.report.write.write_report`; plotly, openpyxl and, for PNGs, kaleido are
imported only there)."""

from twin.report.calibration import print_assumptions, print_calibration
from twin.report.terminal import print_kind, print_kinds, print_summary

__all__ = ["print_assumptions", "print_calibration", "print_kind", "print_kinds", "print_summary"]
