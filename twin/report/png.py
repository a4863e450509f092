"""The report's charts as static PNG files, for pasting into documents: the same plotly
figures as the page, rendered by kaleido in a headless Chrome or Chromium found on the
machine (``BROWSER_PATH`` or the usual places; kaleido never downloads one here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from twin.errors import OptionError
from twin.report.style import PNG_WIDTH, Chart

#: Pixels per layout pixel: 2 gives sharp figures in documents.
PNG_SCALE = 2


def write_pngs(charts: list[Chart], folder: Path) -> list[Path]:
    """One ``KEY.png`` in `folder` for each chart that has a figure (PNG_WIDTH layout
    pixels wide, its own height, at PNG_SCALE); the paths written. OptionError naming
    --png when kaleido (the 'png' extra) or a browser for it is missing."""
    figures = {c.key: c.figure for c in charts if c.figure is not None}
    if not figures:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{key}.png" for key in figures]
    write_figures(list(figures.values()), paths, "--png")
    return paths


def write_figures(figures: list[Any], paths: list[Path], option: str) -> None:
    """Render plotly `figures` to the PNG files `paths` (PNG_WIDTH layout pixels wide,
    each its own height, at PNG_SCALE). OptionError naming `option` when kaleido (the
    'png' extra) or a browser for it is missing."""
    try:
        import kaleido  # noqa: F401
        import plotly.io as pio
    except ImportError:
        raise OptionError(
            f"{option} needs kaleido, in the 'png' extra: pip install 'twin[png]'"
        ) from None
    try:
        pio.write_images(
            figures,
            paths,
            width=PNG_WIDTH,
            height=[f.layout.height for f in figures],
            scale=PNG_SCALE,
            format="png",
        )
    except RuntimeError as exc:
        first = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
        raise OptionError(
            f"{option}: kaleido could not render the charts ({first}); it needs Chrome or "
            "Chromium (Debian: apt-get install chromium) or BROWSER_PATH naming one"
        ) from None
