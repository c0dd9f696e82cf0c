"""`tmforge edit` and `tmforge export`: the editor's commands, registered into the main CLI."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import List, Optional

import typer

from tmforge.commandline import warn
from tmforge.errors import TmforgeError

EDIT_EPILOG = ("The project file keeps the documents, their sentences and embeddings, the beads and the "
               "edit history; every edit is saved when it is made. Ctrl-C stops the editor.")


def _user(name: str | None) -> str:
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): TMX changeid stays informative
        return "tmforge"


def register(app: typer.Typer) -> None:
    app.command(epilog=EDIT_EPILOG)(edit)
    app.command("export")(export)


def edit(
    inputs: List[Path] = typer.Argument(..., help="SRC TGT (any pair `align` reads), one mixed file, "
                                                  "or a .tmfproj project to reopen."),
    project: Optional[Path] = typer.Option(None, "--project", "-o",
                                           help="Project file to create (default: SRC's name with .tmfproj "
                                                "in the current folder)."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Print the editor's address instead of "
                                                                 "opening the default browser."),
    src_lang: Optional[str] = typer.Option(None, help="Source language (ru or en); skips detection."),
    tgt_lang: Optional[str] = typer.Option(None, help="Target language (ru or en); skips detection."),
    segmented: bool = typer.Option(False, help="Inputs are one sentence per line."),
    model: Optional[str] = typer.Option(None, help="A sentence-transformers model instead of the bundled encoder."),
    encoding: Optional[str] = typer.Option(None, help="Input encoding (default: detected)."),
    user: Optional[str] = typer.Option(None, help="Name written as TMX changeid on units you change "
                                                  "(default: your login name)."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite an existing project file."),
) -> None:
    """Correct an alignment in the browser: merge, split, move, confirm, fix text, realign the rest, export.

    \b
    Examples:
      tmforge edit ru.docx en.docx             aligns, saves ru.tmfproj, opens it
      tmforge edit ru.tmfproj                  reopens where you left off
      tmforge edit ru.txt en.txt --no-browser  prints the address to open
    """
    from tmforge.align.editor.project import SUFFIX, Project

    if len(inputs) == 1 and inputs[0].suffix.lower() == SUFFIX:
        opened = Project.open(inputs[0])
    elif len(inputs) in (1, 2):
        opened = _new_project(inputs, project, src_lang, tgt_lang, segmented, model, encoding, _user(user), force)
    else:
        raise TmforgeError("edit takes SRC TGT, one mixed file, or one .tmfproj project")
    if user:
        opened.meta["user"] = user
    _serve(opened, no_browser)


def _new_project(inputs: list[Path], project: Path | None, src_lang, tgt_lang, segmented, model, encoding,
                 user: str, force: bool):
    from tmforge.align import pipeline
    from tmforge.align.editor.build import SpanRecorder, create_project
    from tmforge.align.editor.project import SUFFIX
    from tmforge.align.embed import load_encoder
    from tmforge.align.search import SearchParams
    from tmforge.atomic import check_writable

    for p in inputs:
        if p.is_dir():   # a project holds one document pair; batches are align's job
            raise TmforgeError(f"{p} is a folder: the editor opens one document pair at a time; give two "
                               f"documents of the folders (or align the folders with `tmforge align`)")
        if not p.is_file():
            raise TmforgeError(f"file not found: {p}; give two documents, a mixed one, or a {SUFFIX} project")
    target = project or Path(f"{inputs[0].resolve().stem}{SUFFIX}")
    if target.suffix.lower() != SUFFIX:
        raise TmforgeError(f"a project file ends in {SUFFIX}; give --project NAME{SUFFIX}")
    if target.exists() and not force:
        raise TmforgeError(f"{target} already exists; reopen it with `tmforge edit {target}`, "
                           "or pass --force to align again and replace it")
    check_writable(target, tuple(inputs), force=True)
    # The editor's runs, merges and moves need monotone beads: no crossing repair pass.
    params = SearchParams(cross_margin=0.0)
    typer.echo(f"aligning {' and '.join(str(p) for p in inputs)} ...", err=True)
    recorder = SpanRecorder(load_encoder(model))
    if len(inputs) == 2:
        alignment = pipeline.align_files(inputs[0], inputs[1], src_lang=src_lang, tgt_lang=tgt_lang,
                                         segmented=segmented, encoder=recorder, params=params, encoding=encoding)
    else:
        alignment = pipeline.align_mixed(inputs[0], src_lang=src_lang, encoder=recorder, params=params,
                                         encoding=encoding)
    for warning in alignment.warnings:
        warn(warning)
    created = create_project(target, alignment, recorder, params, inputs, user)
    typer.echo(f"project saved: {target} ({len(alignment.src)} + {len(alignment.tgt)} sentences, "
               f"{len(alignment.beads)} beads)", err=True)
    return created


def _serve(project, no_browser: bool) -> None:
    from tmforge.align.editor.app import Editor, Server
    from tmforge.align.editor.export import export_project
    from tmforge.tm.options import WriteOptions

    def write(p, path):
        return export_project(p, path, WriteOptions(inline_markup=True)).written

    server = Server(Editor(project, export=write))
    typer.echo(f"editor: {server.url}")
    typer.echo("Ctrl-C stops it; every edit is already saved.", err=True)
    if not no_browser and not os.environ.get("TMFORGE_NO_BROWSER"):
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.run()
    except KeyboardInterrupt:   # uvicorn re-raises the Ctrl-C it shut down on: for the editor, the normal stop
        pass
    finally:
        project.close()
    typer.echo(f"editor stopped; every edit is saved in {project.path}", err=True)


def export(
    project: Path = typer.Argument(..., help="A .tmfproj project made by `tmforge edit`."),
    output: Path = typer.Option(..., "-o", "--output", help="Output; its extension picks the format: "
                                ".tmx, .tsv, .csv, .jsonl, .parquet, .moses, .xlf, .align."),
    include_empty: bool = typer.Option(False, help="Also write units with an empty side."),
    lang_code: Optional[List[str]] = typer.Option(None, "--lang-code", help="Language code to write "
                                                  "(BCP 47): en-GB, or ru=ru-RU (repeatable)."),
    props: bool = typer.Option(True, "--props/--no-props", help="Write TMX props (x-score, x-status ...)."),
    whitespace: str = typer.Option("trim", help="Leading/trailing whitespace of segments: trim or keep."),
    tags: bool = typer.Option(True, "--tags/--no-tags", help="Formatting of HTML, Markdown and DOCX input as "
                              "inline tags (TMX, XLIFF); a sentence edited in the editor is written without them."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite an existing output file."),
) -> None:
    """Write a project's corrected alignment as a memory: edited text, deleted units left out.

    Units a person confirmed or edited carry TMX changedate and changeid and an x-status prop.

    \b
    Example:
      tmforge export ru.tmfproj -o memory.tmx
    """
    from tmforge.align.editor.export import check_export, export_project
    from tmforge.align.editor.project import Project
    from tmforge.tm.options import WriteOptions

    options = WriteOptions(lang_codes=lang_code or None, props=props, whitespace=whitespace,
                           include_empty=include_empty, inline_markup=tags)
    check_export(project, output, force, options)
    opened = Project.open(project)
    try:
        languages = (opened.meta["src_lang"], opened.meta["tgt_lang"])
        check_export(project, output, force, options, languages)   # a Moses pair is named after them
        report = export_project(opened, output, options)
    finally:
        opened.close()
    for w in report.warnings:
        warn(w)
    typer.echo(f"wrote {output} ({report.written} units)")
