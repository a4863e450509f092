"""What every verb shares: the one error path, the spinner and the common options.

A verb catches the project's own errors (:class:`~twin.errors.TwinError`) and hands them
to :func:`fail`, which prints one line (or one JSON object with ``--json``) and exits
with status 2. No modelling logic lives in the CLI.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager, nullcontext
from typing import NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console

#: ``--json`` on every verb: machine-readable output on stdout.
JSON = typer.Option(False, "--json", help="Print the result as JSON.")

err = Console(stderr=True)


def fail(exc: Exception, as_json: bool) -> NoReturn:
    """Report `exc` for people (or as ``{"status", "error"}`` JSON) and exit with 2."""
    problems = getattr(exc, "problems", None)
    if isinstance(exc, ValidationError):
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    message = "; ".join(problems) if problems and isinstance(exc, ValidationError) else str(exc)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "status": getattr(exc, "status", "invalid_instance"),
                    "error": "; ".join(problems) if problems else message,
                }
            )
        )
    else:
        err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code=2)


def busy(message: str, as_json: bool) -> AbstractContextManager:
    """A spinner on stderr while a verb works (none with ``--json``)."""
    return nullcontext() if as_json else err.status(message)
