"""`tmforge tm ...`: everyday operations on translation memories (thin commands over tm.ops)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, List, Optional

import typer

from tmforge.commandline import INPUT, OUTPUT, SCREEN, App, choices, plain, warn
from tmforge.tm import ops, store_cli
from tmforge.tm.formats import check_outputs, input_paths, read_memory, registry, write_memory
from tmforge.errors import TmforgeError
from tmforge.tm.model import TranslationMemory
from tmforge.tm.options import ReadOptions, WriteOptions

# Generated from the format registry; `tmforge tm formats` describes each one.
FORMAT_HELP = "Formats by extension: " + ", ".join(registry.extensions()) + "; `tmforge tm formats` describes each."


@dataclass
class Services:
    """What the commands need from outside tm/; the `tmforge` entry point (align/cli.py) passes it in."""

    detect: Optional[Callable[[str], str]] = None    # text -> language code, for filter --untranslated
    # For the store's commands (tm/store_cli.py): () -> sentence encoder, for semantic lookup; and
    # (path, lang or None) -> (lang, [(sentence, paragraph index)]), segmenting a document as align does.
    encoder: Optional[Callable[[], object]] = None
    segmenter: Optional[Callable] = None

app = App(short_help="Convert, merge, dedupe, filter and describe translation memories.",
          help="Convert, merge, dedupe, filter and describe translation memories.\n\n" + FORMAT_HELP + """

\b
Examples:
  tmforge tm convert memory.tmx memory.tsv
  tmforge tm merge a.tmx b.tsv -o all.tmx --dedupe normalized
  tmforge tm filter all.tmx -o good.tmx --min-score 0.5 --same
  tmforge tm stats memory.tmx
  tmforge tm convert -h              every option of a command""")

store_cli.register(app)   # import, index, lookup, concordance, pretranslate, serve, info (tm/store_cli.py)

# Options shared by every command that reads or writes a memory.
SRC_LANG = typer.Option(None, "--src-lang", metavar="LANG", rich_help_panel=INPUT,
                        help="Source language to read: picks the pair in a multilingual TMX (en finds "
                             "en-US), names the source file of a Moses pair.")
TGT_LANG = typer.Option(None, "--tgt-lang", metavar="LANG", rich_help_panel=INPUT,
                        help="Target language to read (as --src-lang).")
Inline = choices("Inline", "strip", "keep")
Whitespace = choices("Whitespace", "trim", "keep")
DedupeMode = choices("DedupeMode", "exact", "normalized")
INLINE = typer.Option("strip", "--inline", callback=plain, rich_help_panel=INPUT,
                      help="Inline tags (TMX bpt/ept/ph/it/hi, XLIFF g/x/bpt/ept/ph, XLIFF 2.0 pc/sc/ec/ph): "
                           "strip keeps the text only; keep keeps them as TMX tags and writes them back as "
                           "tags to TMX, XLIFF 1.2 and XLIFF 2.0.")
LANG_CODE = typer.Option(None, "--lang-code", metavar="CODE", rich_help_panel=OUTPUT,
                         help="Language code to write, as BCP 47: en-GB, or ru=ru-RU (repeatable). "
                              "Default: the codes of the units (ru, en).")
PROPS = typer.Option(True, "--props/--no-props", rich_help_panel=OUTPUT,
                     help="Write TMX props: x-score, x-bead, x-source-document, x-seq and the units' own.")
TUIDS = typer.Option(True, "--tuids/--no-tuids", rich_help_panel=OUTPUT, help="Write a tuid on every TMX unit.")
DATES = typer.Option(True, "--dates/--no-dates", rich_help_panel=OUTPUT,
                     help="Write creationdate on the TMX header and units.")
WHITESPACE = typer.Option("trim", "--whitespace", callback=plain, rich_help_panel=OUTPUT,
                          help="Leading/trailing whitespace of segments. Tabs and line breaks inside a "
                               "segment are always kept.")
INCLUDE_EMPTY = typer.Option(False, "--include-empty", rich_help_panel=OUTPUT,
                             help="Also write units with an empty side.")
FORCE = typer.Option(False, "--force", "-f", rich_help_panel=OUTPUT, help="Overwrite existing output files.")
FILTERS = "Filters"


def _read(path: Path, src_lang: Optional[str], tgt_lang: Optional[str], inline: str) -> TranslationMemory:
    return read_memory(path, ReadOptions(src_lang=src_lang, tgt_lang=tgt_lang, inline=inline))


def _write_options(*, lang_code, props, tuids, dates, whitespace, include_empty, inline: str) -> WriteOptions:
    return WriteOptions(lang_codes=lang_code, props=props, tuids=tuids, dates=dates, whitespace=whitespace,
                        include_empty=include_empty, inline_markup=inline == "keep")


def _write(tm: TranslationMemory, output: Path, inputs: list[Path], force: bool, options: WriteOptions) -> None:
    planned = check_outputs(output, inputs, force, languages=tm.languages, options=options)
    report = write_memory(tm, output, options)
    for warning in report.warnings:
        warn(warning)
    typer.echo(f"{report.summary()} -> {', '.join(str(p) for p in planned)}")


def _inputs(paths: List[Path], src_lang: Optional[str], tgt_lang: Optional[str]) -> list[Path]:
    options = ReadOptions(src_lang=src_lang, tgt_lang=tgt_lang)
    return [p for path in paths for p in input_paths(path, options)]


@app.command()
def convert(
    source: Path = typer.Argument(..., metavar="SOURCE", show_default=False, help="Input memory."),
    output: Path = typer.Argument(..., metavar="OUTPUT", show_default=False,
                                  help="Output memory; the extension picks the format."),
    src_lang: Optional[str] = SRC_LANG, tgt_lang: Optional[str] = TGT_LANG, inline: Inline = INLINE,
    lang_code: Optional[List[str]] = LANG_CODE, props: bool = PROPS, tuids: bool = TUIDS, dates: bool = DATES,
    whitespace: Whitespace = WHITESPACE, include_empty: bool = INCLUDE_EMPTY, force: bool = FORCE,
    low: Optional[float] = typer.Option(None, "--low", metavar="SCORE", min=0.0, max=1.0, rich_help_panel=OUTPUT,
                                        help="XLIFF: units scoring below this are flagged for review "
                                             "(1.2 state needs-review-translation, 2.0 subState "
                                             "tmforge:needs-review). Default: none flagged."),
) -> None:
    """Convert a memory between formats.

    \b
    Examples:
      tmforge tm convert memory.tmx memory.tsv
      tmforge tm convert memory.tmx corpus.moses    (corpus.ru + corpus.en)
      tmforge tm convert corpus.moses memory.tmx --src-lang ru --tgt-lang en \\
          --lang-code ru-RU --lang-code en-US
      tmforge tm convert trados.tmx pair.jsonl --src-lang en-US --tgt-lang de-DE
      tmforge tm convert aligned.tmx review.xlf --low 0.5
    """
    options = replace(_write_options(lang_code=lang_code, props=props, tuids=tuids, dates=dates,
                                     whitespace=whitespace, include_empty=include_empty, inline=inline),
                      review_below=low)
    tm = _read(source, src_lang, tgt_lang, inline)
    _write(tm, output, _inputs([source], src_lang, tgt_lang), force, options)


@app.command()
def merge(
    sources: List[Path] = typer.Argument(..., metavar="SOURCE ...", show_default=False,
                                         help="Memories to merge, in any formats."),
    output: Path = typer.Option(..., "-o", "--output", metavar="FILE", show_default=False, rich_help_panel=OUTPUT,
                                help="Merged memory; the extension picks the format."),
    dedupe: Optional[DedupeMode] = typer.Option(None, "--dedupe", callback=plain,
                                         help="Also drop duplicates: exact, or normalized (ignoring case, "
                                              "punctuation and whitespace)."),
    src_lang: Optional[str] = SRC_LANG, tgt_lang: Optional[str] = TGT_LANG, inline: Inline = INLINE,
    lang_code: Optional[List[str]] = LANG_CODE, props: bool = PROPS, tuids: bool = TUIDS, dates: bool = DATES,
    whitespace: Whitespace = WHITESPACE, include_empty: bool = INCLUDE_EMPTY, force: bool = FORCE,
) -> None:
    """Merge several memories into one, in the order given.

    \b
    Examples:
      tmforge tm merge a.tmx b.tsv c.parquet -o all.tmx
      tmforge tm merge a.tmx b.tmx -o all.tmx --dedupe normalized
    """
    options = _write_options(lang_code=lang_code, props=props, tuids=tuids, dates=dates, whitespace=whitespace,
                             include_empty=include_empty, inline=inline)
    tm = ops.merge([_read(p, src_lang, tgt_lang, inline) for p in sources])
    if dedupe:
        result = ops.dedupe(tm, dedupe)
        tm = result.memory
        typer.echo(f"dedupe ({dedupe}): {result.removed} duplicates removed")
    _write(tm, output, _inputs(sources, src_lang, tgt_lang), force, options)


@app.command()
def dedupe(
    source: Path = typer.Argument(..., metavar="SOURCE", show_default=False, help="Memory to deduplicate."),
    output: Path = typer.Option(..., "-o", "--output", metavar="FILE", show_default=False, rich_help_panel=OUTPUT,
                                help="Deduplicated memory."),
    mode: DedupeMode = typer.Option("exact", "--mode", callback=plain,
                             help="Exact text, or normalized: ignoring case, punctuation and whitespace."),
    src_lang: Optional[str] = SRC_LANG, tgt_lang: Optional[str] = TGT_LANG, inline: Inline = INLINE,
    lang_code: Optional[List[str]] = LANG_CODE, props: bool = PROPS, tuids: bool = TUIDS, dates: bool = DATES,
    whitespace: Whitespace = WHITESPACE, include_empty: bool = INCLUDE_EMPTY, force: bool = FORCE,
    conflicts: Optional[Path] = typer.Option(None, "--conflicts", metavar="FILE", rich_help_panel=OUTPUT,
                                             help="Write every source kept with several different targets to "
                                                  "this TSV (src_lang, tgt_lang, source, target)."),
) -> None:
    """Keep one unit per source/target pair: the best score, dated with the newest date.

    Sources that keep several different targets (conflicts) are counted and
    shown; --conflicts writes them all.

    \b
    Examples:
      tmforge tm dedupe memory.tmx -o unique.tmx
      tmforge tm dedupe memory.tsv -o unique.tsv --mode normalized
    """
    options = _write_options(lang_code=lang_code, props=props, tuids=tuids, dates=dates, whitespace=whitespace,
                             include_empty=include_empty, inline=inline)
    result = ops.dedupe(_read(source, src_lang, tgt_lang, inline), mode)
    typer.echo(f"dedupe ({mode}): {result.removed} duplicates removed; {len(result.conflicts)} sources keep "
               "several different targets (conflicts)")
    for conflict in result.conflicts[:5]:
        typer.echo(f"  conflict: {conflict.source!r} -> " + " | ".join(repr(t) for t in conflict.targets))
    if len(result.conflicts) > 5:
        typer.echo(f"  ... {len(result.conflicts) - 5} more" + ("" if conflicts else "; --conflicts FILE lists them all"))
    if conflicts is not None:
        _write_conflicts(result.conflicts, conflicts, [source], force)
    _write(result.memory, output, _inputs([source], src_lang, tgt_lang), force, options)


def _write_conflicts(found: list, path: Path, inputs: list[Path], force: bool) -> None:
    import csv

    from tmforge.atomic import atomic_write, check_writable

    check_writable(path, tuple(inputs), force)
    with atomic_write(path) as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(["src_lang", "tgt_lang", "source", "target"])
        for conflict in found:
            writer.writerows([conflict.src_lang, conflict.tgt_lang, conflict.source, t] for t in conflict.targets)


@app.command("filter")
def filter_command(
    ctx: typer.Context,
    source: Path = typer.Argument(..., metavar="SOURCE", show_default=False, help="Memory to filter."),
    output: Path = typer.Option(..., "-o", "--output", metavar="FILE", show_default=False, rich_help_panel=OUTPUT,
                                help="The units that pass."),
    rejects: Optional[Path] = typer.Option(None, "--rejects", metavar="FILE", rich_help_panel=OUTPUT,
                                           help="Also write the removed units here, each with a prop "
                                                "'reject' naming its filter."),
    min_score: Optional[float] = typer.Option(None, "--min-score", metavar="SCORE", rich_help_panel=FILTERS,
                                              help="Remove units scored below this (units without a score "
                                                   "stay)."),
    max_ratio: Optional[float] = typer.Option(None, "--max-ratio", metavar="RATIO", rich_help_panel=FILTERS,
                                              help="Remove units whose longer side has more than this many "
                                                   "times the characters of the shorter."),
    ratio_min_chars: int = typer.Option(20, "--ratio-min-chars", metavar="N", rich_help_panel=FILTERS,
                                        help="Apply --max-ratio only when the longer side has at least "
                                             "this many characters."),
    max_length: Optional[int] = typer.Option(None, "--max-length", metavar="N", rich_help_panel=FILTERS,
                                             help="Remove units with a side longer than this many characters "
                                                  "(Trados Cloud skips > 2000)."),
    same: bool = typer.Option(False, "--same", rich_help_panel=FILTERS,
                              help="Remove units whose target equals the source."),
    untranslated: bool = typer.Option(False, "--untranslated", rich_help_panel=FILTERS,
                                      help="Remove units whose target is in the source language "
                                           "(Russian/English detector)."),
    numbers: bool = typer.Option(False, "--numbers", rich_help_panel=FILTERS,
                                 help="Remove units whose numbers differ between source and target "
                                      "(1,000 = 1 000; 2.5 = 2,5)."),
    no_text: bool = typer.Option(False, "--no-text", rich_help_panel=FILTERS,
                                 help="Remove units with a side without a letter (numbers, bullets, table "
                                      "signs), as align leaves them out."),
    keep_empty: bool = typer.Option(False, "--keep-empty", rich_help_panel=FILTERS,
                                    help="Keep units with an empty side (removed by default)."),
    src_lang: Optional[str] = SRC_LANG, tgt_lang: Optional[str] = TGT_LANG, inline: Inline = INLINE,
    lang_code: Optional[List[str]] = LANG_CODE, props: bool = PROPS, tuids: bool = TUIDS, dates: bool = DATES,
    whitespace: Whitespace = WHITESPACE, force: bool = FORCE,
) -> None:
    """Remove units that fail quality filters and report how many each filter removed.

    \b
    Examples:
      tmforge tm filter memory.tmx -o clean.tmx --min-score 0.5 --max-ratio 3 \\
          --same --numbers
      tmforge tm filter memory.tmx -o clean.tmx --untranslated --max-length 2000 \\
          --rejects rejected.tsv
    """
    options = ops.FilterOptions(min_score=min_score, max_ratio=max_ratio, ratio_min_chars=ratio_min_chars,
                                same=same, untranslated=untranslated, numbers=numbers, empty=not keep_empty,
                                max_length=max_length, no_text=no_text)
    write = _write_options(lang_code=lang_code, props=props, tuids=tuids, dates=dates, whitespace=whitespace,
                           include_empty=keep_empty, inline=inline)
    services = ctx.find_object(Services)
    if untranslated and (services is None or services.detect is None):
        raise TmforgeError("--untranslated needs a language detector; run it as `tmforge tm filter`")
    tm = _read(source, src_lang, tgt_lang, inline)
    inputs = _inputs([source], src_lang, tgt_lang)
    result = ops.filter_memory(tm, options, detect=services.detect if services else None)
    for name, count in result.removed.items():
        typer.echo(f"{name:<14}{count:>10} removed")
    reject_options = replace(write, include_empty=True)
    # Check both outputs before writing either, so a refusal leaves nothing half done.
    planned = check_outputs(output, inputs, force, languages=result.memory.languages, options=write)
    if rejects is not None:
        planned_rejects = check_outputs(rejects, inputs, force, languages=result.rejected.languages,
                                        options=reject_options)
        if {p.resolve() for p in [output, *planned]} & {p.resolve() for p in [rejects, *planned_rejects]}:
            raise TmforgeError("--rejects and --output name the same file; choose two")
        _write(result.rejected, rejects, inputs, force, reject_options)
    _write(result.memory, output, inputs, force, write)


@app.command()
def stats(
    source: Path = typer.Argument(..., metavar="SOURCE", show_default=False, help="Memory to describe."),
    as_json: bool = typer.Option(False, "--json", rich_help_panel=SCREEN, help="One JSON object instead of tables."),
    src_lang: Optional[str] = SRC_LANG, tgt_lang: Optional[str] = TGT_LANG,
) -> None:
    """Describe a memory: units, words and characters per language, scores, length ratios, beads, duplicates.

    \b
    Examples:
      tmforge tm stats memory.tmx
      tmforge tm stats memory.parquet --json
    """
    if source.suffix.lower() == ".tmx":  # streamed: a TMX of any size in little memory
        from tmforge.tm.tmx import iter_tmx

        result = ops.stats_of_units(iter_tmx(source, src_lang, tgt_lang, "strip"))
    else:
        result = ops.stats(_read(source, src_lang, tgt_lang, "strip"))
    typer.echo(ops.stats_json(result) if as_json else ops.format_stats(result))


@app.command("formats")
def formats_command() -> None:
    """List the memory formats: name, extensions, what a round trip keeps.

    Example: tmforge tm formats
    """
    width = max(len(" ".join(f.extensions)) for f in registry.formats(beads=True)) + 2
    for fmt in registry.formats(beads=True):
        if fmt.needs_beads:
            keeps = "bead indices, written by tmforge align"
        elif set(fmt.fields) <= {"source", "target", "src_lang", "tgt_lang", "seq"}:
            keeps = "text only"
        else:
            keeps = "every column" + (" and header facts" if fmt.keeps_meta else "")
        typer.echo(f"{fmt.name:<9}{' '.join(fmt.extensions):<{width}}{keeps}")
        typer.echo(textwrap.fill(fmt.description, width=79, initial_indent=" " * 9, subsequent_indent=" " * 9))
