"""The `tmforge` command line: thin typer commands over the public functions.

Help layout (tmforge.commandline): each command's help lists its arguments,
then its options in sections, fitting an 80-column terminal. An option joins
a section with `rich_help_panel=`; the sections of `tmforge align`, in order:

  Input      what is read and how: --segmented, --src-lang/--tgt-lang,
             --encoding, --code-comments, --sheet, --length-check
  Output     what is written: -o, --include-empty, --lang-code, --props,
             --whitespace, --review, --force
  Alignment  how pairs are found: --model, --device
  Batch      many pairs at once: --split-output, --format, --jobs, --resume,
             --engine, --address
  Screen     what is printed: --quiet, --json, --show, --low

Other commands use the same names (tm commands: Input, Output, and their
own such as Filters). Keep help strings short: the name column is 28
characters and the text wraps in the remaining 50.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import List, Optional

import typer

from tmforge.inputs import MAX_INPUT_ENV, parse_size
from tmforge.threads import cap_thread_env

cap_thread_env()

from tmforge.align import batch, pipeline, resume, sinks, tm_services  # noqa: E402
from tmforge.align.batch import plan_inputs  # noqa: E402
from tmforge.align.beads import read_beads  # noqa: E402
from tmforge.align.embed import resolve_model  # noqa: E402
from tmforge.align.mixed import check_split_outputs, split_document, write_split  # noqa: E402
from tmforge.align.evaluate import evaluate  # noqa: E402
from tmforge.align.significance import DEFAULT_SAMPLES, compare  # noqa: E402
from tmforge.align.editor.cli import register as register_editor  # noqa: E402
from tmforge.align.multi_cli import register as register_multi  # noqa: E402
from tmforge.align.readers import READERS, ReadingOptions, read_document  # noqa: E402
from tmforge.align.readers.html import batch_template  # noqa: E402
from tmforge.align.languages import normalise_flag  # noqa: E402
from tmforge.align.progress import ProgressView  # noqa: E402
from tmforge.atomic import atomic_group, check_folder, check_writable, refuse_inputs  # noqa: E402
from tmforge.commandline import (ALIGNMENT, BATCH, INPUT, OUTPUT, PARTIAL, SCREEN, VERSION_OPTION,  # noqa: E402
                                 App, choices, plain, run, warn)
from tmforge.errors import TmforgeError  # noqa: E402
from tmforge.align.detect import detect_language  # noqa: E402
from tmforge.align.export import check_alignment_output  # noqa: E402
from tmforge.tm.cli import Services as TmServices, app as tm_app  # noqa: E402
from tmforge.tm.formats import registry  # noqa: E402
from tmforge.tm.options import WriteOptions, WriteReport  # noqa: E402

app = App()
app.add_typer(tm_app, name="tm")


@app.callback()
def tmforge(
    version: bool = VERSION_OPTION,
    debug: bool = typer.Option(False, "--debug", help="On an internal error (exit 3), print the traceback. "
                                                      "Accepted anywhere on the command line."),
    max_input_size: Optional[str] = typer.Option(None, "--max-input-size", metavar="SIZE",
                                                 help="Largest input read whole (documents, TSV/CSV/JSONL/Parquet "
                                                      "memories, DOCX unpacked): 500M, 2G ... Default 256M; also "
                                                      "the environment variable " + MAX_INPUT_ENV + "."),
) -> None:
    """Turn Russian/English texts into translation memories: TMX and XLIFF for CAT
    tools, or TSV, CSV, JSONL, Parquet and Moses for pipelines.

    \b
    Examples:
      tmforge align ru.txt en.txt -o memory.tmx    two files, languages detected
      tmforge align page.txt                       one mixed file -> page.tmx
      tmforge align ru/ en/ -o all.tmx             folders, files paired by name
      tmforge tm filter all.tmx -o good.tmx --min-score 0.5
      tmforge align -h                             every option of a command
    """
    if max_input_size:
        os.environ[MAX_INPUT_ENV] = str(parse_size(max_input_size))  # batch workers inherit it


EXIT_CODES = ("Exit codes: 0 everything aligned; 1 partly done (some pairs or files skipped, see the "
              "warnings; what was aligned is written); 2 usage or input error, nothing written; "
              "3 internal error (a bug: rerun with --debug for the traceback); 130 interrupted (Ctrl-C), "
              "143 terminated (SIGTERM), 129 hang-up (SIGHUP): no partial file left.")
Whitespace = choices("Whitespace", "trim", "keep")
Engine = choices("Engine", "local", "ray")


def _default_output(src: Path, split_output: bool) -> Path:
    stem = src.resolve().stem or "memory"
    return Path(f"{stem}-memories") if split_output else Path(f"{stem}.tmx")


def _tag_formats() -> str:
    """The outputs that carry inline tags, from the registry (help text)."""
    return ", ".join("/".join(f.extensions) for f in registry.formats() if f.inline_tags)


def _split_format(out_format: str | None, output: Path, split_output: bool) -> str:
    """The format of --split-output's memories. An explicit --format that one memory's extension
    contradicts is refused: it was ignored (`-o all.xlf --format xliff2` wrote XLIFF 1.2)."""
    if out_format is None:
        return "tmx"
    wanted = registry.named(out_format, beads=True)
    if not split_output and output.suffix:
        try:
            written = registry.for_path(output, beads=True)
        except TmforgeError:
            return out_format  # an unknown extension: refused with the known ones by the output checks
        if written is not wanted:
            raise TmforgeError(f"--format {out_format} is for --split-output; one memory's format is its "
                               f"extension's, so -o {output.name} writes {written.name}: name it "
                               f"{output.stem}{wanted.extensions[0]} to write {wanted.name}")
    return out_format


def _check_outputs(output: Path, split_output: bool, review: Optional[Path],
                   inputs: tuple[Path, ...], force: bool, options: WriteOptions,
                   languages: tuple[str, str] | None) -> None:
    """Refuse every output that would lose work before the long alignment starts."""
    if split_output:
        refuse_inputs(output, inputs)
        if output.exists() and not output.is_dir():
            raise TmforgeError(f"{output} is a file; with --split-output give a folder for the memories")
        check_folder(output if output.is_dir() else (output.parent if str(output.parent) else Path(".")))
    else:
        check_alignment_output(output, inputs, force, options, languages)
    if review is not None:
        if review.suffix.lower() not in (".html", ".htm"):
            raise TmforgeError(f"--review writes an HTML page; give a name ending in .html, not {review.name}")
        if not split_output and review.resolve() == output.resolve():
            raise TmforgeError("--review and -o name the same file; give the review page its own name")
        check_writable(review, inputs, force)


def _report_warnings(report: WriteReport) -> int:
    for warning in report.warnings:
        warn(warning)
    return report.written


@app.command(epilog=EXIT_CODES,
             short_help="Align two files, a mixed file, two folders or a manifest into a memory.")
def align(
    src: Path = typer.Argument(..., metavar="SRC", show_default=False,
                               help="Source file (" + " ".join(READERS.extensions) + "; the extension, "
                                    "else the content, names the format); or one file mixing Russian and "
                                    "English; or a CSV manifest of pairs (source,target[,name] per row); or a "
                                    "folder."),
    tgt: Optional[Path] = typer.Argument(None, metavar="TGT", show_default=False,
                                         help="Target file, or a folder of files paired with SRC's by "
                                              "name. Omit for a mixed file or a manifest."),
    segmented: bool = typer.Option(False, "--segmented", rich_help_panel=INPUT,
                                   help="Inputs are one sentence per line: no detection or segmentation."),
    src_lang: Optional[str] = typer.Option(None, metavar="LANG", rich_help_panel=INPUT,
                                           help="Source language: ru, en, or another language of the encoder "
                                                "(de, fr, es ...; ru-RU, en_US accepted). A flag the text "
                                                "contradicts is refused."),
    tgt_lang: Optional[str] = typer.Option(None, metavar="LANG", rich_help_panel=INPUT,
                                           help="Target language (as --src-lang)."),
    encoding: Optional[str] = typer.Option(None, metavar="NAME", rich_help_panel=INPUT,
                                           help="Input encoding. Default: detected (UTF-8/UTF-16 BOM, "
                                                "UTF-8, cp1251, koi8-r, cp1252)."),
    src_encoding: Optional[str] = typer.Option(None, "--src-encoding", metavar="NAME", rich_help_panel=INPUT,
                                               help="Encoding of the source file(s) only (overrides --encoding). "
                                                    "A decoding that garbles the text is refused."),
    tgt_encoding: Optional[str] = typer.Option(None, "--tgt-encoding", metavar="NAME", rich_help_panel=INPUT,
                                               help="Encoding of the target file(s) only (overrides --encoding)."),
    code_comments: bool = typer.Option(True, "--code-comments/--no-code-comments", rich_help_panel=INPUT,
                                       help="Markdown and HTML: align the comments in code blocks (fences, "
                                            "<pre><code>; translators translate them; the code itself is "
                                            "never read). Default: on."),
    sheet: Optional[str] = typer.Option(None, "--sheet", metavar="NAME", rich_help_panel=INPUT,
                                        help="XLSX: read only this sheet, by name or by number (2: the second; "
                                             "a number picks the same sheet when the names are translated). "
                                             "Default: every visible sheet."),
    force_pair: bool = typer.Option(False, "--force-pair", rich_help_panel=INPUT,
                                    help="Align files even when they do not look like translations of each "
                                         "other (refused by default; in a batch such pairs are reported and "
                                         "left out)."),
    length_check: bool = typer.Option(True, "--length-check/--no-length-check", rich_help_panel=INPUT,
                                      help="Refuse a pair where one side is over 10 times longer than "
                                           "the other."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="FILE", rich_help_panel=OUTPUT,
                                          help="Output; its extension picks the format: "
                                               + " ".join(registry.extensions(beads=True)) + ". "
                                               "Default: SRC's name with .tmx, in the current folder. "
                                               "A folder with --split-output."),
    include_empty: bool = typer.Option(False, "--include-empty", rich_help_panel=OUTPUT,
                                       help="Also write beads with an empty side (insertions, deletions)."),
    keep_untranslated: bool = typer.Option(False, "--keep-untranslated", rich_help_panel=OUTPUT,
                                           help="Also write units whose target is in the source language or "
                                                "copies the source (left out by default, counted in the "
                                                "summary)."),
    keep_no_text: bool = typer.Option(False, "--keep-no-text", rich_help_panel=OUTPUT,
                                      help="Also write units with a side without a letter: numbers, bullets, "
                                           "table signs such as + and - (left out by default, counted in the "
                                           "summary)."),
    lang_code: Optional[List[str]] = typer.Option(None, "--lang-code", metavar="CODE", rich_help_panel=OUTPUT,
                                                  help="Language code to write, as BCP 47: en-GB, or "
                                                       "ru=ru-RU (repeatable). Default: ru, en."),
    props: bool = typer.Option(True, "--props/--no-props", rich_help_panel=OUTPUT,
                               help="Write TMX props: x-score, x-bead, x-source-document, x-seq."),
    tags: bool = typer.Option(True, "--tags/--no-tags", rich_help_panel=OUTPUT,
                              help="Bold, italic, links, inline code and footnote references of HTML, "
                                   "Markdown and DOCX inputs as TMX inline tags (bpt/ept/ph, paired across "
                                   "the two sides) in " + _tag_formats() + " output (the others get plain "
                                   "text); --no-tags writes plain text."),
    whitespace: Whitespace = typer.Option("trim", callback=plain, rich_help_panel=OUTPUT,
                                   help="Leading/trailing whitespace of segments."),
    review: Optional[Path] = typer.Option(None, "--review", metavar="PAGE", rich_help_panel=OUTPUT,
                                          help="Also write an HTML page (.html) to check the alignment side "
                                               "by side; it works offline."),
    force: bool = typer.Option(False, "--force", "-f", rich_help_panel=OUTPUT,
                               help="Overwrite existing output files."),
    model: Optional[str] = typer.Option(None, metavar="NAME", rich_help_panel=ALIGNMENT,
                                        help="Encoder: use-m3 (bundled, default), or st:NAME_OR_PATH (a "
                                             "sentence-transformers model, pip install 'tmforge[st]'; a "
                                             "plain name or path too)."),
    device: Optional[str] = typer.Option(None, metavar="DEVICE", rich_help_panel=ALIGNMENT,
                                         help="Device for --model: cpu, cuda, cuda:1 ... Default: the "
                                              "model's choice."),
    split_output: bool = typer.Option(False, "--split-output", rich_help_panel=BATCH,
                                      help="One memory per pair, named after the pair, in the -o folder."),
    out_format: Optional[str] = typer.Option(None, "--format", metavar="NAME", rich_help_panel=BATCH,
                                             help="Format of each memory with --split-output: "
                                                  + ", ".join(f.name for f in registry.formats(beads=True))
                                                  + ". Default: tmx. One memory's format is its extension's."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, metavar="N", rich_help_panel=BATCH,
                                       help="Pairs aligned at once. Default: one per usable core (with "
                                            "--address: two per core of the cluster)."),
    resume_done: bool = typer.Option(True, "--resume/--no-resume", rich_help_panel=BATCH,
                                     help="With --split-output, skip pairs whose memory a former run wrote "
                                          "with the same options and inputs."),
    engine: Engine = typer.Option("local", callback=plain, rich_help_panel=BATCH,
                                  help="Where pairs are aligned: local (processes on this machine) or ray "
                                       "(a Ray cluster; pip install 'tmforge[ray]')."),
    address: Optional[str] = typer.Option(None, "--address", metavar="ADDR", rich_help_panel=BATCH,
                                          help="With --engine ray: the cluster, HOST:PORT, ray://HOST:PORT or "
                                               "auto. Default: a Ray instance started on this machine."),
    quiet: bool = typer.Option(False, "--quiet", "-q", rich_help_panel=SCREEN,
                               help="Print nothing but warnings and errors."),
    as_json: bool = typer.Option(False, "--json", rich_help_panel=SCREEN,
                                 help="Print the summary as one JSON object on stdout."),
    show: int = typer.Option(3, metavar="N", rich_help_panel=SCREEN,
                             help="How many aligned pairs to print in the summary."),
    low: float = typer.Option(0.5, metavar="SCORE", rich_help_panel=SCREEN,
                              help="Beads scoring below this count as low confidence (summary, review page; XLIFF flags them for review)."),
) -> None:
    """Align SRC and TGT into a translation memory.

    SRC and TGT are two files, one per language, in any order (languages are
    detected), or two folders of files paired by name. SRC alone is a file
    mixing both languages, or a CSV manifest of pairs.

    \b
    Examples:
      tmforge align ru.txt en.txt -o memory.tmx
      tmforge align book_ru.docx book_en.docx --review check.html
      tmforge align page.txt -o memory.tsv          (one mixed file)
      tmforge align ru/ en/ -o all.tmx              (files paired by name)
      tmforge align pairs.csv --split-output -o memories/
    """
    started = time.perf_counter()
    if address is not None and engine != "ray":
        raise TmforgeError("--address names a Ray cluster; add --engine ray")
    plan = plan_inputs(src, tgt, encoding)
    output = output or _default_output(src, split_output)
    inputs = tuple(p for j in plan.jobs for p in (j.src, j.tgt) if p is not None)
    # Refuse bad language codes and outputs before the long work.
    write_options = WriteOptions(lang_codes=lang_code, props=props, whitespace=whitespace,
                                 include_empty=include_empty, inline_markup=tags, review_below=low)
    out_format = _split_format(out_format, output, split_output)
    extension = registry.named(out_format, beads=True).extensions[0] if split_output else None
    src_lang = normalise_flag(src_lang, "--src-lang", any_language=model is not None)
    tgt_lang = normalise_flag(tgt_lang, "--tgt-lang", any_language=model is not None)
    known = (src_lang, tgt_lang) if src_lang and tgt_lang else None
    _check_outputs(output, split_output, review, inputs, force, write_options, known)
    options = batch.Options(segmented=segmented, src_lang=src_lang, tgt_lang=tgt_lang, model=model,
                            device=device, encoding=encoding, length_check=length_check, force_pair=force_pair,
                            src_encoding=src_encoding, tgt_encoding=tgt_encoding,
                            keep_untranslated=keep_untranslated, keep_no_text=keep_no_text,
                            reading=ReadingOptions(code_comments=code_comments, sheet=sheet,
                                                   template=batch_template(plan.jobs)))
    resolve_model(model)  # an unknown encoder backend is refused before any work
    journal = resume.Journal(output, extension, resume.request_signature(options, write_options, extension)) \
        if split_output else None
    todo, done = journal.partition(plan.jobs) if journal is not None and resume_done else (plan.jobs, [])
    workers, threads = batch.plan_workers(len(todo) or 1, jobs)
    single = len(plan.jobs) == 1

    with ProgressView(enabled=not (quiet or as_json)) as view, contextlib.ExitStack() as stack:
        cluster = None
        if engine == "ray" and todo:  # connected and checked before any work
            from tmforge.align.cluster import Cluster, RayExecutor

            view.stage("connecting to Ray" if address else "starting Ray")
            cluster = stack.enter_context(Cluster(address, cpus=None if address else jobs))
            executor = RayExecutor(cluster, window=jobs if address else None)
            executor.check(options)
        pairs_task = view.task("pairs", len(todo)) if not single and todo else None
        if split_output:  # each pair's file as soon as it is aligned
            writer = sinks.SplitOutput(output, extension, write_options, force, _report_warnings, inputs, journal)
            outputs: list[sinks.Sink] = [writer]
        else:
            writer = sinks.MergedMemory(output, write_options, inputs, force, _report_warnings)
            outputs = [sinks.InJobOrder(writer)]
        if review is not None:
            outputs.append(sinks.InJobOrder(sinks.Review(review, low)))
        tally = sinks.Tally(low, keep_first=single)
        bar = [sinks.Notify(lambda outcome: view.advance(pairs_task))] if pairs_task is not None else []
        sink = sinks.Sinks([*bar, *outputs, sinks.InJobOrder(tally)], tell=view.stage)
        if cluster is not None:
            view.stage("aligning on Ray")
        elif workers == 1 and todo:  # one process: its steps are shown as they go
            view.stage("loading encoder")
            executor = batch.InProcess(view.wrap(batch.make_encoder(model, threads, device)), threads,
                                       progress=view.stage)
        else:
            executor = batch.ProcessPool(workers, threads)
        # The merged memory and its review page are replaced together or not at all; the files of
        # --split-output stay as each pair finishes.
        with contextlib.nullcontext() if split_output else atomic_group():
            outcomes = batch.run_jobs(todo, options, executor, sink) if todo else []
    failed = [o for o in outcomes if o.error]
    written = writer.written
    warnings = list(plan.skipped) + writer.warnings
    warnings += [f"{o.job.src}: {o.error}" for k, o in enumerate(outcomes) if o.error and k not in writer.refused]
    warnings += tally.warnings
    code = PARTIAL if failed or plan.skipped else 0
    summary = summarize(outcomes, tally, written, review, time.perf_counter() - started, warnings, code)
    summary["workers"] = workers if cluster is None else None
    summary["engine"] = engine
    summary["already_done"] = len(done)
    if cluster is not None:
        summary["cluster"] = {"address": cluster.info.address, "nodes": cluster.info.nodes,
                              "cpus": cluster.info.cpus, "gpus": cluster.info.gpus,
                              "pairs_per_node": executor.nodes}
    for w in warnings:
        warn(w)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
    elif not quiet:
        _print_summary(summary, tally.first, show if single else 0)
    if code:
        raise typer.Exit(code)


def summarize(outcomes: list[batch.Outcome], tally: sinks.Tally, written: list[tuple[Path, int]],
              review: Optional[Path], seconds: float, warnings: list[str], code: int) -> dict:
    """The facts of a run, for the screen summary and --json."""
    scores = tally.scores
    return {
        "pairs": len(outcomes), "aligned": tally.aligned, "failed": [
            {"source": str(o.job.src), "target": str(o.job.tgt) if o.job.tgt else None, "error": o.error}
            for o in outcomes if o.error],
        "sentences": dict(tally.sentences), "beads": dict(sorted(tally.kinds.items())),
        "pairs_of_sentences": len(scores),
        "mean_score": round(sum(scores) / len(scores), 4) if scores else None,
        "low_confidence": sum(s < tally.low for s in scores), "low_threshold": tally.low,
        "unaligned": dict(tally.unaligned), "encodings": dict(tally.encodings),
        "untranslated": tally.untranslated, "untranslated_kept": tally.untranslated_kept,
        "no_text": tally.no_text, "no_text_kept": tally.no_text_kept,
        "outputs": [{"path": str(p), "units": n} for p, n in written],
        "review": str(review) if review else None, "seconds": round(seconds, 2),
        "warnings": warnings, "exit_code": code,
        "inputs": [{"path": p, "encoding": e} for p, e in tally.inputs],
    }


def _print_summary(summary: dict, first: pipeline.Alignment | None, show: int) -> None:
    def counts(d: dict) -> str:
        return ", ".join(f"{v} {k}" for k, v in d.items()) or "none"

    failed = f" ({len(summary['failed'])} failed)" if summary["failed"] else ""
    noun = "pair" if summary["pairs"] == 1 else "pairs"
    if summary.get("already_done"):
        typer.echo(f"skipped {summary['already_done']} pairs done by an earlier run (same options and inputs; "
                   "--no-resume redoes them)")
        if not summary["pairs"]:
            return
    if summary.get("cluster"):
        c = summary["cluster"]
        typer.echo(f"Ray cluster {c['address']}: {c['nodes']} node(s), {c['cpus']:g} CPUs, {c['gpus']:g} GPUs; "
                   "pairs per node " + (", ".join(f"{n[:8]} {k}" for n, k in c["pairs_per_node"].items()) or "none"))
    mean = summary["mean_score"]
    lines = [
        f"aligned {summary['aligned']} of {summary['pairs']} {noun}{failed} in {summary['seconds']:.1f} s",
        f"  sentences  {counts(summary['sentences'])}; read as "
        + (", ".join(f"{Path(i['path']).name} {i['encoding']}" for i in summary["inputs"])
           if len(summary["inputs"]) <= 2 else ", ".join(f"{k} ×{v}" for k, v in summary["encodings"].items())),
        f"  beads      {sum(summary['beads'].values())}: " + ", ".join(f"{k} {v}" for k, v in summary["beads"].items()),
        f"  score      mean {mean:.2f}; {summary['low_confidence']} low confidence (< {summary['low_threshold']:.2f})"
        if mean is not None else "  score      no pairs of sentences",
        f"  unaligned  {counts(summary['unaligned'])} sentences" if summary["unaligned"] else "  unaligned  none",
    ]
    if summary["untranslated"]:
        lines.append(f"  untranslated {summary['untranslated']} units (target in the source language or a copy "
                     "of it) " + ("kept (--keep-untranslated)" if summary["untranslated_kept"]
                                  else "left out; --keep-untranslated keeps them"))
    if summary["no_text"]:
        lines.append(f"  no text    {summary['no_text']} units (a side without a letter: numbers, signs) "
                     + ("kept (--keep-no-text)" if summary["no_text_kept"] else "left out; --keep-no-text keeps them"))
    for result in [first] if show and first is not None else []:
        for source, target, bead in [p for p in result.pairs() if p[2].src and p[2].tgt][:show]:
            lines.append(f"  [{bead.kind} {bead.score:.2f}] {source}\n              {target}")
    outs = summary["outputs"]
    if len(outs) <= 3:
        lines += [f"wrote {o['path']} ({o['units']} units)" for o in outs]
    else:
        lines.append(f"wrote {len(outs)} files, {sum(o['units'] for o in outs)} units, e.g. {outs[0]['path']}")
    if summary["review"]:
        lines.append(f"review page: {summary['review']}")
    typer.echo("\n".join(lines))


@app.command("eval", short_help="Score predicted alignments against gold (precision, recall, F1).")
def eval_command(
    files: List[Path] = typer.Argument(..., metavar="PRED GOLD ...", show_default=False,
                                       help="Pairs of files in the bead format [0, 1]:[2]: a prediction, "
                                            "then its gold."),
    against: Optional[List[Path]] = typer.Option(None, "--against", metavar="OTHER", show_default=False,
                                                 help="Another prediction for the same texts, once per pair in "
                                                      "the same order: prints its scores and the difference "
                                                      "with a 95% interval (paired bootstrap)."),
    samples: int = typer.Option(DEFAULT_SAMPLES, "--samples", metavar="N", min=100, max=1_000_000,
                                help="Bootstrap resamples for --against."),
    as_json: bool = typer.Option(False, "--json", rich_help_panel=SCREEN,
                                 help="One JSON line instead of a table."),
) -> None:
    """Score predicted alignments against gold: pooled strict and lax precision, recall and F1.

    With --against, a second prediction is scored too, and the two are set
    against each other on the same resamples of the units they disagree in:
    the difference gets a 95% interval and the share of resamples in which
    PRED scores higher. An interval that holds 0 is no evidence either way.

    \b
    Examples:
      tmforge eval pred.align gold.align
      tmforge eval a.align a-gold.align b.align b-gold.align --json
      tmforge eval new.align gold.align --against old.align
    """
    if len(files) % 2:
        raise TmforgeError("eval takes pairs: PRED GOLD [PRED GOLD ...]")
    pairs = [(read_beads(files[k]), read_beads(files[k + 1])) for k in range(0, len(files), 2)]
    if against and len(against) != len(pairs):
        raise TmforgeError(f"--against takes one prediction per PRED GOLD pair: {len(pairs)} pair(s), "
                           f"{len(against)} --against")
    result = evaluate(pairs)
    comparison = None
    if against:
        others = [read_beads(path) for path in against]
        result_other = evaluate(zip(others, (gold for _, gold in pairs)))
        comparison = compare(pairs, others, samples)
        result = {**result, "against": result_other, "difference": comparison}
    if as_json:
        typer.echo(json.dumps(result))
        return
    typer.echo(f"{'':8}{'precision':>10}{'recall':>10}{'f1':>10}")
    for mode in ("strict", "lax"):
        r = result[mode]
        typer.echo(f"{mode:8}{r['precision']:>10.4f}{r['recall']:>10.4f}{r['f1']:>10.4f}")
    if comparison is not None:
        typer.echo("against OTHER:")
        for mode in ("strict", "lax"):
            r, d = result["against"][mode], comparison[mode]
            typer.echo(f"{mode:8}{r['precision']:>10.4f}{r['recall']:>10.4f}{r['f1']:>10.4f}   PRED - OTHER "
                       f"{d['f1']:+.4f} (95% interval {d['low']:+.4f} .. {d['high']:+.4f}; PRED higher in "
                       f"{d['higher']:.1%} of {samples:,} resamples)")


@app.command(short_help="Split a mixed document into Russian, English and other streams.")
def split(
    mixed: Path = typer.Argument(..., metavar="MIXED", show_default=False,
                                 help="A file that mixes Russian and English paragraphs or sentences."),
    encoding: Optional[str] = typer.Option(None, metavar="NAME", rich_help_panel=INPUT,
                                           help="Input encoding. Default: detected."),
    output: Path = typer.Option(..., "-o", "--output", metavar="FOLDER", show_default=False,
                                rich_help_panel=OUTPUT,
                                help="Folder for ru.txt, en.txt, other.txt, anchors.tsv and report.tsv."),
    model: Optional[str] = typer.Option(None, metavar="NAME", rich_help_panel=ALIGNMENT,
                                        help="Encoder: use-m3 (bundled, default), or st:NAME_OR_PATH."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite existing files in the output folder "
                                                           "(never the input)."),
) -> None:
    """Split a mixed document into Russian, English and other streams, keeping translation pairs.

    report.tsv lists every piece with its label, stream, anchor partner and offsets.

    \b
    Example:
      tmforge split page.txt -o streams/
    """
    from tmforge.align.embed import load_encoder

    check_split_outputs(output, (mixed,), force)  # before the long work
    with ProgressView() as view:
        view.stage("reading")
        doc = read_document(mixed, encoding)
        view.stage("loading encoder")
        encoder = load_encoder(model)
        view.stage("splitting")
        result = split_document(doc.paragraphs, encoder)
        view.stage("writing")
        counts = write_split(result, output, (mixed,), force)
    typer.echo(f"{counts['ru']} Russian, {counts['en']} English, {counts['other']} other pieces; "
               f"{len(result.anchors)} anchor pairs -> {output}")


register_editor(app)  # tmforge edit, tmforge export (align/editor/cli.py)
register_multi(app)  # tmforge align-multi (align/multi_cli.py)


def main() -> None:
    """Entry point: exit codes and one-line errors as documented (tmforge.commandline.run)."""
    # tm/ has no language detector, encoder or segmenter of its own (it never imports align/):
    # hand it the aligner's.
    run(app, obj=TmServices(detect=detect_language, encoder=tm_services.encoder,
                            segmenter=tm_services.segment_document))
