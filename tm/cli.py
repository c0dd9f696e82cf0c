"""`tmforge tm ...`: everyday operations on translation memories."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import typer

from tm.atomic import check_writable
from tm.formats import read_memory, write_memory

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Convert and inspect translation memories.")


@app.command()
def convert(
    source: Path = typer.Argument(..., help="Input memory (.tmx, .tsv, .jsonl, .parquet)."),
    output: Path = typer.Argument(..., help="Output memory; the extension picks the format."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite an existing output file."),
) -> None:
    """Convert a memory between formats.

    Example: tmforge tm convert memory.tmx memory.tsv
    """
    check_writable(output, (source,), force)
    tm = read_memory(source)
    write_memory(tm, output)
    typer.echo(f"{len(tm)} units -> {output}")


@app.command()
def stats(
    source: Path = typer.Argument(..., help="Memory to describe."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of a table."),
) -> None:
    """Units, languages and bead types of a memory.

    Example: tmforge tm stats memory.tmx
    """
    frame = read_memory(source).frame
    result = {
        "units": frame.height,
        "directions": {f"{r['src_lang']}-{r['tgt_lang']}": r["len"]
                       for r in frame.group_by("src_lang", "tgt_lang").len().iter_rows(named=True)},
        "beads": {r["bead"] or "unknown": r["len"]
                  for r in frame.group_by("bead").len().sort("bead").iter_rows(named=True)},
        "mean_score": frame.select(pl.col("score").mean()).item(),
    }
    if as_json:
        typer.echo(json.dumps(result))
    else:
        for key, value in result.items():
            typer.echo(f"{key:12} {value}")
