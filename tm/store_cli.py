"""`tmforge tm import/index/lookup/concordance/pretranslate/serve/info`: the memory store's commands.

tm/ does not import the aligner, so what only the aligner has comes in the
command context's object (tm.cli.Services, filled by align/cli.py's entry
point from tmforge.align.tm_services): the sentence encoder for semantic
lookup and the document segmenter for pretranslation.
"""

from __future__ import annotations

import errno
import functools
import json
import sys
import time
from pathlib import Path
from typing import List, Optional

import typer

from tmforge.commandline import error_line, warn
from tmforge.errors import TmforgeError


def _service(ctx: typer.Context, name: str):
    """A service the entry point handed in (tm.cli.Services), or None."""
    return getattr(ctx.obj, name, None)


def _encoder_factory(ctx: typer.Context):
    factory = _service(ctx, "encoder")
    if factory is None:
        raise TmforgeError("no sentence encoder is available in this program; run through the tmforge command")
    return factory


def _progress_bar(quiet: bool):
    """A rich progress bar on stderr when it is a terminal and not --quiet, else None."""
    if quiet or not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=Console(stderr=True), transient=True)


def _memory_sources(paths: list[Path], src_lang: Optional[str], tgt_lang: Optional[str]):
    """(name, units factory) for every input, formats checked before the store is touched."""
    from tmforge.tm.formats import format_for, input_paths, iter_memory
    from tmforge.tm.options import ReadOptions

    options = ReadOptions(src_lang=src_lang, tgt_lang=tgt_lang)
    sources = []
    for path in paths:
        format_for(path)
        for opened in input_paths(path, options):
            if not opened.is_file():
                raise TmforgeError(f"file not found: {opened}")
        # Streamed: a large TMX never sits in memory whole. A partial pickles (read in a child process).
        sources.append((str(path), functools.partial(iter_memory, path, options)))
    return sources


def _check_store_name(store: Path) -> None:
    """A store named like a memory (out.tmx) would be an SQLite file that every tool reading .tmx fails on:
    the usual slip is the arguments' order, or taking import for convert."""
    from tmforge.tm.formats import registry

    if store.suffix.lower() in registry.extensions(beads=True):
        raise TmforgeError(f"{store} is named as a {store.suffix} memory, not a store: the first argument is "
                           f"the store (e.g. memory.tmdb), then the memories; to convert formats use "
                           f"tmforge tm convert")


def import_command(
    store: Path = typer.Argument(..., help="The store file (created when missing), e.g. memory.tmdb."),
    memories: List[Path] = typer.Argument(..., help="Memories to import: .tmx .tsv .csv .jsonl .parquet .moses "
                                          ".xlf .xliff .xlf2"),
    src_lang: Optional[str] = typer.Option(None, "--src-lang", help="Source language to read from a "
                                           "multilingual TMX or a Moses pair."),
    tgt_lang: Optional[str] = typer.Option(None, "--tgt-lang", help="Target language (as --src-lang)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Import memories into a store: deduplicated, incremental (only what is new is added).

    The import is one transaction: if it is interrupted the store stays as it
    was. A damaged file adds nothing (its error names the file and line) and the
    others are imported; the exit code is then 1.

    Examples:

      tmforge tm import memory.tmdb memory.tmx

      tmforge tm import memory.tmdb a.tmx b.tsv c.jsonl
    """
    from tmforge.threads import usable_cores
    from tmforge.tm.import_reader import LARGE_INPUT_BYTES
    from tmforge.tm.store import Store

    _check_store_name(store)
    sources = _memory_sources(memories, src_lang, tgt_lang)
    started = time.perf_counter()
    bar = _progress_bar(quiet or as_json)
    # With two cores, large inputs are read in a second process while this one writes the store.
    in_child = usable_cores() >= 2 and sum(p.stat().st_size for p in memories if p.is_file()) >= LARGE_INPUT_BYTES
    with Store.create_or_open(store) as st:
        if bar is None:
            reports = st.import_units(sources, read_in_child=in_child)
        else:
            with bar:
                tasks = {}

                def progress(name: str, read: int) -> None:
                    if name not in tasks:
                        tasks[name] = bar.add_task(Path(name).name, total=None)
                    bar.update(tasks[name], completed=read)

                reports = st.import_units(sources, progress, read_in_child=in_child)
        total = st.count()
    elapsed = time.perf_counter() - started
    failed = [r for r in reports if r.error]
    if as_json:
        typer.echo(json.dumps({"store": str(store), "units": total, "seconds": round(elapsed, 2),
                               "files": [r.__dict__ for r in reports]}, ensure_ascii=False))
    else:
        for r in reports:
            if r.error:
                error_line(f"{r.error}; nothing imported from {r.path}")
            else:
                typer.echo(f"{r.path}: {r.added} units added, {r.duplicates} duplicates skipped"
                           + (f", {r.skipped_empty} with an empty side skipped" if r.skipped_empty else ""))
        typer.echo(f"{store}: {total} units ({elapsed:.1f} s)")
    if failed:
        raise typer.Exit(1)


def index_command(
    ctx: typer.Context,
    store: Path = typer.Argument(..., help="The store."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Compute sentence vectors for semantic lookup (units imported since the last run only).

    Encoding takes about a minute per 100,000 units on 2 cores; an interrupted
    run keeps what it encoded.

    Example:

      tmforge tm index memory.tmdb
    """
    from tmforge.tm.store import Store
    from tmforge.tm.vectors import index_store

    started = time.perf_counter()
    bar = _progress_bar(quiet)
    with Store.open(store, readonly=False) as st:
        encoder = _encoder_factory(ctx)()
        if bar is None:
            added = index_store(st, encoder)
        else:
            with bar:
                task = bar.add_task("encoding", total=None)
                added = index_store(st, encoder, lambda done, todo: bar.update(task, completed=done, total=todo))
        count = st.conn.execute("SELECT count(*) FROM vectors").fetchone()[0]
    typer.echo(f"{store}: {added} vectors added, {count} in all ({time.perf_counter() - started:.1f} s)")


def _check_pair(st, src: Optional[str], tgt: Optional[str], store: Path, both_ways: bool = True) -> None:
    """A clear error when the store holds no units in the asked languages (either way round when both are
    given, as lookups answer): a typo in --tgt otherwise reads as "no matches" or an empty pretranslation."""
    if (src is None and tgt is None) or st.pair_ids(src, tgt) or (both_ways and src and tgt and st.pair_ids(tgt, src)):
        return
    if not st.pairs():
        raise TmforgeError(f"{store} holds no units yet; import memories first: tmforge tm import {store} MEMORY.tmx")
    held = ", ".join(f"{s} -> {t}" for s, t in sorted(st.pairs().values()))
    hint = "" if (src and tgt) or not both_ways else " (with both, units stored the other way round answer too)"
    raise TmforgeError(f"{store} holds no {src or 'any'} -> {tgt or 'any'} units (it holds {held}); "
                       f"check --src and --tgt{hint}")


def _semantic(ctx: typer.Context, st, wanted: bool):
    if not wanted:
        return None
    from tmforge.tm.vectors import SemanticIndex

    try:
        index = SemanticIndex(st, _encoder_factory(ctx)())
    except TmforgeError as exc:   # a stale vector index must not cost the exact and fuzzy matches
        warn(f"no semantic matches: {exc}")
        return None
    return index if len(index) else None


def lookup_command(
    ctx: typer.Context,
    store: Path = typer.Argument(..., help="The store."),
    text: str = typer.Argument(..., help="The sentence to look up."),
    src: Optional[str] = typer.Option(None, "--src", help="Source language (ru, en-GB ...); default: any."),
    tgt: Optional[str] = typer.Option(None, "--tgt", help="Target language; default: any."),
    min_quality: int = typer.Option(70, "--min", help="Lowest fuzzy match percentage shown (1-100)."),
    limit: int = typer.Option(10, "--limit", min=1, help="Exact and fuzzy matches shown at most."),
    semantic: bool = typer.Option(True, "--semantic/--no-semantic", help="Also show semantic matches "
                                  "(paraphrases), when the store has vectors (tmforge tm index)."),
    semantic_min: int = typer.Option(75, "--semantic-min", min=0, max=100,
                                     help="Lowest semantic similarity shown (cosine x 100)."),
    as_json: bool = typer.Option(False, "--json", help="A JSON list of matches, best first."),
) -> None:
    """Exact, fuzzy and semantic matches for a sentence, best first, with match percentages.

    Examples:

      tmforge tm lookup memory.tmdb "Проверьте настройки термостата." --src ru --tgt en

      tmforge tm lookup memory.tmdb "Check the thermostat." --min 60 --json
    """
    from tmforge.tm.langtags import canonical_tag
    from tmforge.tm.lookup import lookup
    from tmforge.tm.store import Store

    if not 1 <= min_quality <= 100:
        raise TmforgeError("--min must be between 1 and 100")
    src = canonical_tag(src) if src else None
    tgt = canonical_tag(tgt) if tgt else None
    with Store.open(store) as st:
        _check_pair(st, src, tgt, store)
        matches = lookup(st, text, src, tgt, min_quality=min_quality, limit=limit,
                         semantic=_semantic(ctx, st, semantic), semantic_min=semantic_min)
    if as_json:
        typer.echo(json.dumps([m.as_json() for m in matches], ensure_ascii=False, indent=1))
        return
    if not matches:
        # Say which threshold hid them: a translator's next step is usually a lower --min.
        typer.echo(f"no matches of {min_quality} % or more (--min lowers the threshold"
                   + ("" if src and tgt else "; the stored sources were searched: with --src and --tgt, "
                      "units stored the other way round answer too") + ")")
        return
    from rich.console import Console
    from rich.table import Table

    for kind in ("exact/fuzzy", "semantic"):
        shown = [m for m in matches if (m.kind == "semantic") == (kind == "semantic")]
        if not shown:
            if kind == "exact/fuzzy":     # only paraphrases: say so, or they read as the fuzzy matches
                typer.echo(f"no exact or fuzzy matches of {min_quality} % or more (--min lowers the threshold)")
            continue
        table = Table(title=f"{kind} matches", show_lines=True, expand=True)
        table.add_column("%", justify="right", no_wrap=True)
        table.add_column("source")
        table.add_column("target")
        table.add_column("origin")
        for m in shown:
            table.add_row(str(m.quality), m.source, m.target, m.origin)
        Console().print(table)


def concordance_command(
    store: Path = typer.Argument(..., help="The store."),
    term: str = typer.Argument(..., help="A word or phrase (any word form), or a regular expression with --regex."),
    side: str = typer.Option("src", "--side", help="Search the source, the target or both (src, tgt, both)."),
    regex: bool = typer.Option(False, "--regex", help="TERM is a regular expression (case-insensitive; reads "
                               "every unit, slower)."),
    src: Optional[str] = typer.Option(None, "--src", help="Source language; default: any."),
    tgt: Optional[str] = typer.Option(None, "--tgt", help="Target language; default: any."),
    limit: int = typer.Option(50, "--limit", min=1, help="Units shown at most."),
    as_json: bool = typer.Option(False, "--json", help="JSON list with the term's character offsets."),
) -> None:
    """Every unit containing a term, the term highlighted; finds word forms (термостат -> термостата).

    Examples:

      tmforge tm concordance memory.tmdb "термостат"

      tmforge tm concordance memory.tmdb "thermostat" --side tgt --json

      tmforge tm concordance memory.tmdb "\\d+ ?°C" --regex
    """
    from tmforge.tm.concordance import concordance
    from tmforge.tm.langtags import canonical_tag
    from tmforge.tm.store import Store

    src = canonical_tag(src) if src else None
    tgt = canonical_tag(tgt) if tgt else None
    with Store.open(store) as st:
        _check_pair(st, src, tgt, store, both_ways=False)       # concordance reads units as stored
        hits = concordance(st, term, side, src, tgt, regex=regex, limit=limit)
    if as_json:
        typer.echo(json.dumps([h.as_json() for h in hits], ensure_ascii=False, indent=1))
        return
    if not hits:
        # The usual slip: an English term searched in the sources of a Russian -> English memory.
        typer.echo("no units contain it" + ("" if side == "both" else
                                           f" in the {'sources' if side == 'src' else 'targets'} "
                                           f"(--side {'tgt' if side == 'src' else 'src'} or both searches the "
                                           f"{'targets' if side == 'src' else 'sources'})"))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    def marked(text: str, spans) -> Text:
        out = Text(text)
        for start, end in spans:
            out.stylize("bold reverse", start, end)
        return out

    table = Table(show_lines=True, expand=True)
    table.add_column("source")
    table.add_column("target")
    table.add_column("origin")
    for h in hits:
        table.add_row(marked(h.unit.source, h.source_spans), marked(h.unit.target, h.target_spans), h.unit.origin)
    Console().print(table)
    typer.echo(f"{len(hits)} units" + (" (--limit reached)" if len(hits) >= limit else ""))


def _only_target(st, lang: str, store: Path) -> str:
    """The one language the store translates `lang` into (units answer both ways), or a clear error."""
    pairs = st.pairs()
    found = sorted({pairs[p][1] for p in st.pair_ids(lang, None)} | {pairs[p][0] for p in st.pair_ids(None, lang)})
    if len(found) == 1:
        return found[0]
    if not found:
        raise TmforgeError(f"{store} holds no units in {lang}, the document's language; "
                           "import a memory of that language or give --src")
    raise TmforgeError(f"{store} translates {lang} into {', '.join(found)}; choose one with --tgt")


def pretranslate_command(
    ctx: typer.Context,
    document: Path = typer.Argument(..., help="The document to translate (any format align reads)."),
    tm: Path = typer.Option(..., "--tm", help="The store to take translations from."),
    output: Path = typer.Option(..., "-o", "--output", help="Output: .xlf/.xliff (XLIFF 1.2), .tmx or .tsv."),
    src: Optional[str] = typer.Option(None, "--src", help="Language of the document; default: detected."),
    tgt: Optional[str] = typer.Option(None, "--tgt", help="Language to translate into (en, ru, en-GB ...); "
                                      "default: the store's one language for the document's."),
    min_quality: int = typer.Option(75, "--min", min=1, max=100, help="Lowest fuzzy match percentage used (1-100)."),
    alternatives: int = typer.Option(3, "--alternatives", min=0, help="Other candidates kept per segment "
                                     "(XLIFF alt-trans)."),
    semantic: bool = typer.Option(False, "--semantic", help="Also offer semantic matches as alternatives "
                                  "(needs tmforge tm index)."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite an existing output."),
) -> None:
    """Segment a document as align does and fill in translations from a store.

    Exact and fuzzy matches fill the targets (state and match quality marked);
    other candidates are kept as XLIFF alt-trans, ready for a CAT tool.

    Examples:

      tmforge tm pretranslate new_ru.docx --tm memory.tmdb -o new_ru.xlf

      tmforge tm pretranslate page.md --tm memory.tmdb --tgt en -o page.tsv --min 85
    """
    from tmforge.atomic import check_writable
    from tmforge.tm.langtags import canonical_tag
    from tmforge.tm.pretranslate import Segment, output_format, pretranslate, report_of, write_pretranslation
    from tmforge.tm.store import Store

    output_format(output)
    check_writable(output, (document, tm), force)
    segmenter = _service(ctx, "segmenter")
    if segmenter is None:
        raise TmforgeError("no document segmenter is available in this program; run through the tmforge command")
    if not document.is_file():
        raise TmforgeError(f"file not found: {document}")
    with Store.open(tm) as st:
        lang, sentences = segmenter(document, canonical_tag(src) if src else None)
        if tgt:
            tgt = canonical_tag(tgt)
            _check_pair(st, lang, tgt, tm)
        else:
            tgt = _only_target(st, lang, tm)
        segments = [Segment(text, paragraph) for text, paragraph in sentences]
        results = pretranslate(st, segments, lang, tgt, min_quality=min_quality, alternatives=alternatives,
                               semantic=_semantic(ctx, st, semantic))
    write_pretranslation(results, output, original=document.name, src_lang=lang, tgt_lang=tgt)
    typer.echo(f"{report_of(results).summary()} -> {output}")


def serve_command(
    ctx: typer.Context,
    store: Path = typer.Argument(..., help="The store to serve."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0 for every interface)."),
    port: int = typer.Option(8080, "--port", help="Port to listen on."),
    write_token: Optional[str] = typer.Option(None, "--write-token", envvar="TMFORGE_WRITE_TOKEN",
                                              help="Accept new units (POST /api/v1/units) from clients sending "
                                              "this bearer token; read-only without it."),
    semantic: bool = typer.Option(True, "--semantic/--no-semantic", help="Answer semantic lookups when the "
                                  "store has vectors (loads the encoder)."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, max=64, help="Worker processes answering "
                                          "requests (default: one per usable core)."),
) -> None:
    """Serve the store over HTTP: the tmserver protocol Weblate uses, and a richer JSON API.

    Examples:

      tmforge tm serve memory.tmdb --port 8080

      curl http://127.0.0.1:8080/ru/en/unit/%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82

      tmforge tm serve memory.tmdb --write-token "$TOKEN"
    """
    from tmforge.tm.server import serve
    from tmforge.tm.store import Store

    if not 0 < port < 65536:
        raise TmforgeError(f"--port {port} is not a port number; use 1-65535")
    Store.open(store).close()      # a bad store is one error line, before "serving" is announced
    _check_listen(host, port)
    typer.echo(f"serving {store} on http://{host}:{port}/ ({'read-write' if write_token else 'read-only'}); "
               "Ctrl-C stops", err=True)
    serve(store, host, port, encoder_factory=_service(ctx, "encoder") if semantic else None,
          write_token=write_token, workers=workers)


def _check_listen(host: str, port: int) -> None:
    """One error line for an address that cannot be listened on (uvicorn logs it and exits with 3)."""
    import socket

    try:
        # As uvicorn binds: IPv6 only for an address with a colon, SO_REUSEADDR.
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise TmforgeError(f"cannot listen on {host}:{port}: the port is in use; stop what listens there "
                               "or choose another --port") from None
        raise TmforgeError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); give --host an address of "
                           "this machine (127.0.0.1, or 0.0.0.0 for all) and a --port you may use") from None


def info_command(
    store: Path = typer.Argument(..., help="The store."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object."),
) -> None:
    """Units per language pair, vectors and imports of a store.

    Example:

      tmforge tm info memory.tmdb
    """
    from tmforge.tm.store import Store

    with Store.open(store) as st:
        summary = st.summary()
    summary["bytes"] = store.stat().st_size
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
        return
    typer.echo(f"{store}: {summary['units']} units, {summary['vectors']} vectors, {summary['imports']} imports, "
               f"{summary['bytes'] / 1e6:.1f} MB")
    for pair in summary["pairs"]:
        typer.echo(f"  {pair['source']} -> {pair['target']}: {pair['units']} units")


def register(app: typer.Typer) -> None:
    """Add the store commands to the `tm` command group."""
    app.command("import")(import_command)
    app.command("index")(index_command)
    app.command("lookup")(lookup_command)
    app.command("concordance")(concordance_command)
    app.command("pretranslate")(pretranslate_command)
    app.command("serve")(serve_command)
    app.command("info")(info_command)
