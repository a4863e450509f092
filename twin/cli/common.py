"""What every verb shares: the one error path, the spinner and the common options.

A verb catches the project's own errors (:class:`~twin.errors.TwinError`, and OSError
where it writes files) and hands them to :func:`fail`, which prints one line (or one JSON
object with ``--json``) and exits with status 2. No modelling logic lives in the CLI.
"""

from __future__ import annotations

import json
import math
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    import pandas as pd

#: ``--json`` on every verb: machine-readable output on stdout.
JSON = typer.Option(False, "--json", help="Print the result as JSON.")

err = Console(stderr=True)


def one_line(exc: BaseException) -> str:
    """The error's message on one line: its lines (and list items) joined by '; ', or by
    a space after a line that ends with a colon."""
    text = ""
    for line in (raw.strip().removeprefix("- ") for raw in str(exc).splitlines()):
        if line:
            text += ("" if not text else " " if text.endswith(":") else "; ") + line
    return text


def fail(exc: Exception, as_json: bool) -> NoReturn:
    """Report `exc` on one line for people (or as ``{"status", "error"}`` JSON) and exit
    with status 2."""
    message = one_line(exc)
    if as_json:
        status = getattr(exc, "status", "invalid_instance")
        typer.echo(json.dumps({"status": status, "error": message}))
    else:
        err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code=2)


def busy(message: str, as_json: bool) -> AbstractContextManager:
    """A spinner on stderr while a verb works (none with ``--json``)."""
    return nullcontext() if as_json else err.status(message)


def json_rows(table: pd.DataFrame) -> list[dict]:
    """Rows of a table for JSON, NaN as null."""
    return [
        {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}
        for row in table.to_dict("records")
    ]
