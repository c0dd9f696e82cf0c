"""`tmforge align-multi`: one source and its translations into one multilingual TMX (or TSV)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from tmforge.align.languages import normalise_flag
from tmforge.commandline import INPUT, OUTPUT, SCREEN, warn
from tmforge.errors import TmforgeError
from tmforge.tm.options import WriteOptions


def register(app: typer.Typer) -> None:
    app.command("align-multi", short_help="Align a source with several translations into one multilingual TMX.")(
        align_multi)


def align_multi(
    files: List[Path] = typer.Argument(..., metavar="SRC TGT TGT ...", show_default=False,
                                       help="The source file, then two or more translations of it."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="FILE", rich_help_panel=OUTPUT,
                                          help="TMX (.tmx) or TSV (.tsv: a column per language) file to write. "
                                               "Default: SRC's name with .tmx."),
    src_lang: Optional[str] = typer.Option(None, metavar="LANG", rich_help_panel=INPUT,
                                           help="Source language (detected when omitted)."),
    tgt_lang: Optional[List[str]] = typer.Option(None, metavar="LANG", rich_help_panel=INPUT,
                                                 help="Language of each translation, in order (repeat once per "
                                                      "TGT; detected when omitted)."),
    segmented: bool = typer.Option(False, "--segmented", rich_help_panel=INPUT,
                                   help="Inputs are one sentence per line."),
    encoding: Optional[str] = typer.Option(None, metavar="NAME", rich_help_panel=INPUT,
                                           help="Input encoding. Default: detected."),
    force_pair: bool = typer.Option(False, "--force-pair", rich_help_panel=INPUT,
                                    help="Align files that do not look like translations of the source."),
    code_comments: bool = typer.Option(True, "--code-comments/--no-code-comments", rich_help_panel=INPUT,
                                       help="Markdown and HTML: align the comments in code blocks (as for align)."),
    keep_untranslated: bool = typer.Option(False, "--keep-untranslated", rich_help_panel=OUTPUT,
                                           help="Keep translations left in the source language."),
    keep_no_text: bool = typer.Option(False, "--keep-no-text", rich_help_panel=OUTPUT,
                                      help="Keep segments with a side without a letter (numbers, signs)."),
    lang_code: Optional[List[str]] = typer.Option(None, "--lang-code", metavar="CODE", rich_help_panel=OUTPUT,
                                                  help="Language code to write: de=de-CH (repeatable)."),
    props: bool = typer.Option(True, "--props/--no-props", rich_help_panel=OUTPUT,
                               help="Write x-score and x-bead on each translation's tuv."),
    force: bool = typer.Option(False, "--force", "-f", rich_help_panel=OUTPUT,
                               help="Overwrite an existing output file."),
    model: Optional[str] = typer.Option(None, metavar="NAME", help="Encoder (as for align)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", rich_help_panel=SCREEN,
                               help="Print nothing but warnings and errors."),
) -> None:
    """Align SRC with each translation and write one tu per source segment,
    with a tuv per language (TMX 1.4b).

    \b
    Examples:
      tmforge align-multi en.txt de.txt fr.txt es.txt -o manual.tmx
      tmforge align-multi ru.txt en.txt de.txt --tgt-lang en --tgt-lang de
    """
    from tmforge.align import pipeline
    from tmforge.align.embed import load_encoder, resolve_model
    from tmforge.align.multi import check_languages, multilingual_units
    from tmforge.align.progress import ProgressView
    from tmforge.align.readers import ReadingOptions
    from tmforge.atomic import check_writable
    from tmforge.tm.multilingual import write_multilingual_tmx, write_multilingual_tsv

    if len(files) < 3:
        raise TmforgeError("give the source and at least two translations (for one translation use "
                           "`tmforge align SRC TGT`)")
    src, targets = files[0], files[1:]
    langs = list(tgt_lang or [])
    if langs and len(langs) != len(targets):
        raise TmforgeError(f"--tgt-lang given {len(langs)} times for {len(targets)} translations; give it "
                           "once per translation, in order, or not at all")
    any_language = model is not None
    src_code = normalise_flag(src_lang, "--src-lang", any_language)
    codes = [normalise_flag(code, "--tgt-lang", any_language) for code in langs] or [None] * len(targets)
    options = WriteOptions(lang_codes=lang_code, props=props)
    output = output or Path(f"{src.resolve().stem or 'memory'}.tmx")
    if output.suffix.lower() not in (".tmx", ".tsv"):
        raise TmforgeError(f"a multilingual memory is written as TMX or TSV; give -o a name ending in .tmx or "
                           f".tsv, not {output.name}")
    check_writable(output, tuple(files), force)
    resolve_model(model)
    with ProgressView(enabled=not quiet) as view:
        view.stage("loading encoder")
        encoder = view.wrap(load_encoder(model))
        alignments = []
        for target, code in zip(targets, codes):
            alignments.append(pipeline.align_files(src, target, src_lang=src_code, tgt_lang=code,
                                                   segmented=segmented, encoder=encoder, encoding=encoding,
                                                   force_pair=force_pair, progress=view.stage,
                                                   reading=ReadingOptions(code_comments=code_comments)))
            src_code = src_code or alignments[0].src_lang   # read the source the same way each time
        check_languages(alignments, targets)
        units = multilingual_units(alignments, keep_untranslated, document=src.name, keep_no_text=keep_no_text)
        view.stage("writing")
        if output.suffix.lower() == ".tsv":
            languages = [alignments[0].src_lang] + [a.tgt_lang for a in alignments]
            report = write_multilingual_tsv(units, output, languages, options=options)
        else:
            report = write_multilingual_tmx(units, output, meta={"signature": alignments[0].signature},
                                            options=options)
    for warning in report.warnings:
        warn(warning)
    if not quiet:
        complete = sum(len(u.translations) == len(targets) for u in units)
        languages = ", ".join([alignments[0].src_lang] + [a.tgt_lang for a in alignments])
        typer.echo(f"wrote {output} ({report.written} units in {languages}; {complete} with every translation)")
