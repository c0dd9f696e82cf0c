"""The `tmforge` command line: thin typer commands over the public functions."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from align.threads import cap_thread_env

cap_thread_env()

from align import pipeline  # noqa: E402
from align.beads import format_beads, read_beads  # noqa: E402
from align.mixed import split_document, write_split  # noqa: E402
from align.evaluate import evaluate  # noqa: E402
from align.io import read_document  # noqa: E402
from tm.atomic import atomic_write, check_writable  # noqa: E402
from tm.errors import TmforgeError  # noqa: E402
from tm.formats import FORMATS, check_outputs, format_of, write_memory  # noqa: E402
from tm.cli import app as tm_app  # noqa: E402
from tm.tmx import TmxOptions  # noqa: E402

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Align Russian/English texts into translation memories (TMX, TSV, JSONL, Parquet).")
app.add_typer(tm_app, name="tm")

ALIGN_FORMATS = FORMATS + (".align",)


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _output_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".align":
        return suffix
    return format_of(path)


@app.command()
def align(
    src: Path = typer.Argument(..., help="Source file, or one mixed Russian/English file."),
    tgt: Optional[Path] = typer.Argument(None, help="Target file (omit for a mixed file)."),
    output: Path = typer.Option(..., "-o", "--output",
                                help="Output; its extension picks the format: " + ", ".join(ALIGN_FORMATS)),
    segmented: bool = typer.Option(False, help="Inputs are one sentence per line: no detection or segmentation."),
    src_lang: Optional[str] = typer.Option(None, help="Source language (ru or en); skips detection."),
    tgt_lang: Optional[str] = typer.Option(None, help="Target language (ru or en); skips detection."),
    model: Optional[str] = typer.Option(None, help="A sentence-transformers model name or path instead of the bundled encoder."),
    device: Optional[str] = typer.Option(None, help="Device for --model: cpu, cuda, cuda:1 ... (default: the model's choice)."),
    encoding: Optional[str] = typer.Option(None, help="Input encoding (default: detected)."),
    include_empty: bool = typer.Option(False, help="Also write beads with an empty side (insertions, deletions)."),
    lang_code: Optional[List[str]] = typer.Option(None, "--lang-code", help="Language code to write, validated "
                                                  "as BCP 47: en-GB, or ru=ru-RU (repeatable). Default: ru, en."),
    props: bool = typer.Option(True, "--props/--no-props", help="Write TMX props: x-score, x-bead, x-source-document, x-seq."),
    whitespace: str = typer.Option("trim", help="Leading/trailing whitespace of segments: trim or keep."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite an existing output file."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    show: int = typer.Option(3, help="How many aligned pairs to print in the summary."),
) -> None:
    """Align SRC and TGT (or one mixed file) and write a translation memory.

    Example: tmforge align ru.txt en.txt -o memory.tmx
    """
    inputs = tuple(p for p in (src, tgt) if p is not None)
    fmt = _output_format(output)
    check_writable(output, inputs, force)
    TmxOptions(lang_codes=lang_code or {}, whitespace=whitespace)   # refuse bad codes before the long work
    from align.embed import load_encoder

    encoder = load_encoder(model, device=device)
    if tgt is None:
        if segmented:
            raise TmforgeError("--segmented needs two files, one sentence per line each")
        result = pipeline.align_mixed(src, src_lang=src_lang, encoder=encoder, encoding=encoding)
    else:
        result = pipeline.align_files(src, tgt, src_lang=src_lang, tgt_lang=tgt_lang, segmented=segmented,
                                      encoder=encoder, encoding=encoding)
    if fmt == ".align":
        with atomic_write(output) as fh:
            fh.write(format_beads(result.beads))
    else:
        memory = pipeline.to_memory(result, include_empty)
        options = dict(lang_codes=lang_code or None, props=props, whitespace=whitespace, include_empty=include_empty)
        check_outputs(memory, output, inputs, force, **options)
        report = write_memory(memory, output, **options)
        for warning in report.warnings:
            typer.echo(f"warning: {warning}", err=True)
    if not quiet:
        _print_summary(result, output, show)


def _print_summary(result: pipeline.Alignment, output: Path, show: int) -> None:
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(result.kinds().items()))
    full = [b for b in result.beads if b.src and b.tgt]
    mean = sum(b.score or 0 for b in full) / len(full) if full else 0.0
    typer.echo(f"{len(result.src)} {result.src_lang} and {len(result.tgt)} {result.tgt_lang} sentences "
               f"-> {len(full)} pairs ({kinds}); mean score {mean:.2f}")
    for source, target, bead in [p for p in result.pairs() if p[2].src and p[2].tgt][:show]:
        typer.echo(f"  [{bead.kind} {bead.score:.2f}] {source}\n            {target}")
    typer.echo(f"wrote {output}")


@app.command("eval")
def eval_command(
    files: List[Path] = typer.Argument(..., help="PRED GOLD [PRED GOLD ...] in the bead format [0, 1]:[2]."),
    as_json: bool = typer.Option(False, "--json", help="One JSON line instead of a table."),
) -> None:
    """Score predicted alignments against gold: pooled strict and lax precision, recall, F1.

    Example: tmforge eval pred.align gold.align
    """
    if len(files) % 2:
        raise TmforgeError("eval takes pairs: PRED GOLD [PRED GOLD ...]")
    pairs = [(read_beads(files[k]), read_beads(files[k + 1])) for k in range(0, len(files), 2)]
    result = evaluate(pairs)
    if as_json:
        typer.echo(json.dumps(result))
        return
    typer.echo(f"{'':8}{'precision':>10}{'recall':>10}{'f1':>10}")
    for mode in ("strict", "lax"):
        r = result[mode]
        typer.echo(f"{mode:8}{r['precision']:>10.4f}{r['recall']:>10.4f}{r['f1']:>10.4f}")


@app.command()
def split(
    mixed: Path = typer.Argument(..., help="A file that mixes Russian and English paragraphs or sentences."),
    output: Path = typer.Option(..., "-o", "--output",
                                help="Folder for ru.txt, en.txt, other.txt, anchors.tsv and report.tsv."),
    model: Optional[str] = typer.Option(None, help="A sentence-transformers model name or path instead of the bundled encoder."),
    encoding: Optional[str] = typer.Option(None, help="Input encoding (default: detected)."),
) -> None:
    """Split a mixed document into Russian, English and other streams, keeping translation pairs.

    report.tsv lists every piece with its label, stream, anchor partner and offsets.
    Example: tmforge split page.txt -o streams/
    """
    from align.embed import load_encoder

    doc = read_document(mixed, encoding)
    result = split_document(doc.paragraphs, load_encoder(model))
    counts = write_split(result, output)
    typer.echo(f"{counts['ru']} Russian, {counts['en']} English, {counts['other']} other pieces; "
               f"{len(result.anchors)} anchor pairs -> {output}")


def main() -> None:
    """Entry point: user errors become one line on stderr and exit code 2."""
    try:
        app(standalone_mode=False)
    except TmforgeError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("error: interrupted; no output was written", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        typer.echo("error: interrupted; no output was written", err=True)
        sys.exit(130)
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(2)
        raise
