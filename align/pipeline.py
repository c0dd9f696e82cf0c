"""The public Python API: wiring read → detect → segment → embed → search → memory."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from tmforge.align.beads import Bead
from tmforge.align.confidence import reference_mean, rescore
from tmforge.align.detect import LANGS
from tmforge.align.identify import identify_language, language_share
from tmforge.align.mixed import split_document
from tmforge.align.embed import DEFAULT_MODEL, Encoder, SpanEncoder, load_encoder
from tmforge.align.plausibility import check_decoding
from tmforge.align.relatedness import check_related
from tmforge.align.languages import ENCODER_LANGUAGES, NAMES, check_flag, check_segmentable, normalise_flag
from tmforge.align.readers import Document, ReadingOptions, read_document, read_lines
from tmforge.align.cuetime import cue_times
from tmforge.align.inline import BeadMarkup
from tmforge.align.realign import align_passes
from tmforge.align.search import SearchParams, search
from tmforge.align.notext import no_text_beads
from tmforge.align.untranslated import untranslated_beads
from tmforge.align.segment import Sentence, segment_paragraphs
from tmforge.errors import TmforgeError
from tmforge.reporting import Progress, Stage, Step, stage_step, tell
from tmforge.types import Alignment, Paragraph
from tmforge.tm.model import TranslationMemory, TranslationUnit, now_utc
from tmforge.version import tool_version

# One side this many times longer (in letters) than the other is not a translation pair.
MAX_LENGTH_RATIO = 10.0
EMBED_CHUNK = 256  # texts per encoder call when spans are re-encoded, so progress can be told

LANGUAGE_NAMES = {"ru": "Russian", "en": "English", "other": "another language", "neutral": "no language"}


def signature(encoder: Encoder, params: SearchParams) -> str:
    """Everything a result depends on, so any figure can be reproduced."""
    return f"tmforge:{tool_version()}|enc:{encoder.name}:{encoder.version}|{params.signature()}"


def signature_encoder(signature_text: str) -> str | None:
    """The encoder's name in a `signature` (None when it names none)."""
    for part in signature_text.split("|"):
        if part.startswith("enc:") and ":" in part[4:]:
            return part[4:].rsplit(":", 1)[0]
    return None


def span_embeddings(encoder: Encoder, texts: Sequence[str], max_span: int, exact: bool = False,
                    on_step: Step | None = None) -> np.ndarray:
    """(max_span, n, d): row [k-1, i] embeds sentences i..i+k-1.

    Encoders that can compose spans from per-sentence parts (the bundled one)
    do so; others, or `exact=True`, re-encode the joined text of every span.
    `on_step(done, n)` is told how many of the n sentences are embedded.
    """
    if not exact and isinstance(encoder, SpanEncoder):
        return encoder.spans(texts, max_span, on_step) if on_step else encoder.spans(texts, max_span)
    n = len(texts)
    batches = [[" ".join(texts[i:i + k]) for i in range(n - k + 1)] for k in range(1, max_span + 1)]
    joined = [t for batch in batches for t in batch]
    # Fixed chunks whether or not anyone listens, so results never depend on the display.
    parts = []
    for start in range(0, len(joined), EMBED_CHUNK):
        parts.append(encoder.encode(joined[start:start + EMBED_CHUNK]))
        if on_step is not None:
            on_step(min(start + EMBED_CHUNK, len(joined)), len(joined))
    flat = np.concatenate(parts) if parts else encoder.encode([])
    dim = flat.shape[1] if flat.size else 0
    spans = np.zeros((max_span, n, dim), dtype=np.float32)
    offset = 0
    for k, batch in enumerate(batches):
        spans[k, : len(batch)] = flat[offset: offset + len(batch)]
        offset += len(batch)
    return spans


def align_sentences(src: Sequence[str], tgt: Sequence[str], encoder: Encoder | None = None,
                    params: SearchParams = SearchParams(), src_paragraphs: Sequence[int] | None = None,
                    tgt_paragraphs: Sequence[int] | None = None, progress: Progress | None = None,
                    src_lang: str | None = None, tgt_lang: str | None = None,
                    times: tuple[np.ndarray, np.ndarray] | None = None) -> list[Bead]:
    """Align two lists of sentences; bead indices refer to positions in the lists.

    `progress` is told the sentences embedded and the rows of the search done.
    `times` are subtitle cues' start/end milliseconds per side (align/cuetime.py), used as evidence.
    Each bead's score is its confidence (align/confidence.py), which centres
    short inputs on the languages' reference means: give the languages when known.
    """
    encoder = encoder or load_encoder()
    if not src or not tgt:
        return search(np.zeros((1, len(src), 1)), np.zeros((1, len(tgt), 1)), [], [], params)
    embedding = Stage(progress, "embedding", len(src) + len(tgt))
    src_spans = span_embeddings(encoder, src, params.max_span, on_step=embedding.part(0, len(src)))
    tgt_spans = span_embeddings(encoder, tgt, params.max_span, on_step=embedding.part(len(src), len(tgt)))
    references = (reference_mean(encoder.name, src_lang), reference_mean(encoder.name, tgt_lang))
    beads = align_passes(src_spans, tgt_spans, src, tgt, params, src_paragraphs, tgt_paragraphs,
                         on_step=stage_step(progress, "aligning"), times=times, references=references)
    lengths = (np.array([len(s) for s in src]), np.array([len(t) for t in tgt]))
    return rescore(beads, src_spans, tgt_spans, *references, lengths=lengths)


def sentences_of(paragraphs: Sequence[Paragraph], lang: str, subtitles: bool = False,
                 detected: str | None = None) -> list[Sentence]:
    """Sentences of paragraphs; a subtitle cue stays one unit (its timing belongs to it).

    `detected`: the language the whole text was detected as, where the flag `lang` overrode it (a
    half-translated file): paragraphs identified as `detected` are split by its rules, not by `lang`'s.
    """
    if subtitles:
        return [Sentence(p.text, k) for k, p in enumerate(paragraphs)]
    if detected and detected != lang and detected in ENCODER_LANGUAGES:
        languages = [detected if identify_language(p.text) == detected else lang for p in paragraphs]
        return segment_paragraphs(paragraphs, lang, languages)
    return segment_paragraphs(paragraphs, lang)


def _cue_times(src_doc: Document, tgt_doc: Document) -> tuple[np.ndarray, np.ndarray] | None:
    """Both sides' cue timings when both are subtitles (one sentence per cue), else None."""
    if not (src_doc.whole_units and tgt_doc.whole_units):
        return None
    src, tgt = cue_times(src_doc.paragraphs), cue_times(tgt_doc.paragraphs)
    return None if src is None or tgt is None else (src, tgt)


def _check_lengths(src_doc: Document, tgt_doc: Document) -> None:
    sizes = [sum(ch.isalpha() for ch in d.text) for d in (src_doc, tgt_doc)]
    if min(sizes) and max(sizes) / min(sizes) > MAX_LENGTH_RATIO:
        longer, shorter = (src_doc, tgt_doc) if sizes[0] > sizes[1] else (tgt_doc, src_doc)
        raise TmforgeError(f"{longer.path} is {max(sizes) / min(sizes):.0f} times longer than {shorter.path}, "
                           "so they are unlikely to translate each other; check the pair, or pass "
                           "--no-length-check to align them anyway")


LANGUAGE_SAMPLE = 64  # paragraphs read to name a document's language


def document_language(doc: Document) -> str:
    """The language of a document, judged on paragraphs spread over it, read as one text.

    A sample suffices to name the language of a whole file. Read as one text,
    the sample carries enough grammar words for the detector to decide without
    its statistical models in the common case (loading them costs seconds),
    and a stray quotation in the other language cannot tip it.
    """
    step = max(1, len(doc.paragraphs) // LANGUAGE_SAMPLE)
    return identify_language("\n".join(p.text for p in doc.paragraphs[::step]))


def _check_pair(src_lang: str, tgt_lang: str, src_name: str, tgt_name: str) -> None:
    for lang, name in ((src_lang, src_name), (tgt_lang, tgt_name)):
        if lang in ("other", "neutral"):
            raise TmforgeError(f"{name} does not look like Russian or English text, nor clearly like another language "
                               f"of the encoder (detected: "
                               f"{LANGUAGE_NAMES.get(lang, lang)}); name its language with --src-lang/--tgt-lang "
                               "(e.g. de, fr, es)")
    if src_lang == tgt_lang:
        raise TmforgeError(f"both files are in {NAMES.get(src_lang, src_lang)}; give files in two languages, "
                           "or set --src-lang/--tgt-lang")


def _checked_encoding(path: str | Path, own: str | None, shared: str | None, option: str) -> str | None:
    """The encoding asked for one file (its own option, else --encoding), refused if it garbles the text."""
    chosen = own or shared
    if chosen:
        check_decoding(path, chosen, option if own else "--encoding")
    return chosen


def _language(flag: str | None, detected: str, option: str, path: str | Path, paragraphs: Sequence[str],
              warnings: list[str]) -> str:
    """The flag unless the text contradicts it, else the detected language.

    A text mostly in another language keeps its flag when enough of it is in the
    flagged one (align/languages.py MIN_FLAGGED_SHARE): a half-translated file,
    whose untranslated units the memory leaves out; a warning says so.
    """
    if flag is None:
        return detected
    share = language_share(paragraphs, flag) if detected in ENCODER_LANGUAGES and detected != flag else 0.0
    if check_flag(flag, detected, option, str(path), share):
        warnings.append(f"{path} is mostly {NAMES[detected]} ({share:.0%} of it is {NAMES[flag]}); aligned as "
                        f"{NAMES[flag]} as {option} says: units whose target was left untranslated are left out "
                        "of the memory (--keep-untranslated keeps them)")
    return flag


def align_files(src_path: str | Path, tgt_path: str | Path, *, src_lang: str | None = None,
                tgt_lang: str | None = None, segmented: bool = False, encoder: Encoder | None = None,
                params: SearchParams = SearchParams(), encoding: str | None = None,
                length_check: bool = True, force_pair: bool = False, src_encoding: str | None = None,
                tgt_encoding: str | None = None, progress: Progress | None = None,
                reading: ReadingOptions | None = None) -> Alignment:
    """Align a pair of files, one per language (`reading`: the user's reading options, e.g. --sheet).

    Files that turn out not to translate each other (align/relatedness.py) are
    refused with UnrelatedDocuments unless `force_pair`. `src_encoding` and
    `tgt_encoding` override `encoding` for one file; a decoding that gives
    garbled text is refused with the encoding that reads the file.
    """
    tell(progress, "reading")
    src_paras: list[Paragraph] = []
    tgt_paras: list[Paragraph] = []
    encodings: dict[str, str] = {}
    warnings: list[str] = []
    times = None
    other_encoder = encoder is not None and encoder.name != DEFAULT_MODEL
    src_lang = normalise_flag(src_lang, "--src-lang", other_encoder)
    tgt_lang = normalise_flag(tgt_lang, "--tgt-lang", other_encoder)
    for lang, option in ((src_lang, "--src-lang"), (tgt_lang, "--tgt-lang")):
        if lang:
            check_segmentable(lang, segmented, option)
    src_enc = _checked_encoding(src_path, src_encoding, encoding, "--src-encoding")
    tgt_enc = _checked_encoding(tgt_path, tgt_encoding, encoding, "--tgt-encoding")
    if segmented:
        src = [Sentence(t, 0) for t in read_lines(src_path, src_enc)]
        tgt = [Sentence(t, 0) for t in read_lines(tgt_path, tgt_enc)]
        src_lang = _language(src_lang, identify_language(" ".join(s.text for s in src[:200])), "--src-lang", src_path,
                             [s.text for s in src], warnings)
        tgt_lang = _language(tgt_lang, identify_language(" ".join(t.text for t in tgt[:200])), "--tgt-lang", tgt_path,
                             [t.text for t in tgt], warnings)
    else:
        src_doc = read_document(src_path, src_enc, options=reading)
        tgt_doc = read_document(tgt_path, tgt_enc, options=reading)
        src_detected, tgt_detected = document_language(src_doc), document_language(tgt_doc)
        src_lang = _language(src_lang, src_detected, "--src-lang", src_path,
                             [p.text for p in src_doc.paragraphs], warnings)
        tgt_lang = _language(tgt_lang, tgt_detected, "--tgt-lang", tgt_path,
                             [p.text for p in tgt_doc.paragraphs], warnings)
        _check_pair(src_lang, tgt_lang, str(src_path), str(tgt_path))
        if length_check:
            _check_lengths(src_doc, tgt_doc)
        tell(progress, "segmenting")
        src = sentences_of(src_doc.paragraphs, src_lang, src_doc.whole_units, src_detected)
        tgt = sentences_of(tgt_doc.paragraphs, tgt_lang, tgt_doc.whole_units, tgt_detected)
        src_paras, tgt_paras = src_doc.paragraphs, tgt_doc.paragraphs
        encodings = {str(src_path): src_doc.encoding, str(tgt_path): tgt_doc.encoding}
        warnings = src_doc.warnings + tgt_doc.warnings + warnings
        times = _cue_times(src_doc, tgt_doc)
    encoder = encoder or load_encoder()
    beads = align_sentences([s.text for s in src], [t.text for t in tgt], encoder, params,
                            [s.paragraph for s in src], [t.paragraph for t in tgt], progress,
                            src_lang=src_lang, tgt_lang=tgt_lang, times=times)
    if not force_pair:
        check_related(beads, str(src_path), str(tgt_path))
    return _mark_untranslated(Alignment(src_lang, tgt_lang, src, tgt, beads, signature(encoder, params),
                                        document=Path(src_path).name, warnings=warnings, src_paragraphs=src_paras,
                                        tgt_paragraphs=tgt_paras, encodings=encodings))


def align_mixed(path: str | Path, *, src_lang: str | None = None, encoder: Encoder | None = None,
                params: SearchParams = SearchParams(), encoding: str | None = None,
                progress: Progress | None = None, reading: ReadingOptions | None = None) -> Alignment:
    """Split a mixed Russian/English document into streams and align them.

    Neighbouring paragraphs that translate each other (judged by embedding
    similarity) are anchors: their sentences are aligned with each other, and
    the paragraphs between two anchors are aligned as a block.
    """
    src_lang = normalise_flag(src_lang, "--src-lang", encoder is not None and encoder.name != DEFAULT_MODEL)
    if src_lang is not None and src_lang not in LANGS:
        raise TmforgeError(f"--src-lang {src_lang}: a mixed file is split into Russian and English only; "
                           "give two files, one per language")
    tell(progress, "reading")
    doc = read_document(path, _checked_encoding(path, None, encoding, "--encoding"), options=reading)
    encoder = encoder or load_encoder()
    tell(progress, "embedding")
    # Pieces: paragraphs, with those that switch language cut into their runs.
    split = split_document(doc.paragraphs, encoder)
    pieces = split.paragraphs
    streams = {lang: split.stream(lang) for lang in LANGS}
    if not streams["ru"] or not streams["en"]:
        found = "Russian" if streams["ru"] else "English" if streams["en"] else "neither language"
        raise TmforgeError(f"{path} holds only {found}; a mixed file needs Russian and English "
                           "paragraphs, or give two files")
    if src_lang is None:
        first = min(split.anchors, key=min) if split.anchors else (streams["ru"][0], streams["en"][0])
        src_lang = split.labels[min(first)]
    tgt_lang = "en" if src_lang == "ru" else "ru"

    tell(progress, "segmenting")
    sentences = {lang: sentences_of([pieces[k] for k in streams[lang]], lang, doc.whole_units)
                 for lang in LANGS}
    # Piece index -> indices of its sentences in its stream.
    by_paragraph: dict[int, list[int]] = {}
    for lang in LANGS:
        for idx, sent in enumerate(sentences[lang]):
            by_paragraph.setdefault(streams[lang][sent.paragraph], []).append(idx)

    beads: list[Bead] = []
    anchors = [(r, e) if src_lang == "ru" else (e, r) for r, e in split.anchors]
    src_paras, tgt_paras = streams[src_lang], streams[tgt_lang]
    done_src = done_tgt = -1
    aligning = Stage(progress, "aligning", len(sentences[src_lang]))  # rows: source sentences aligned
    rows = 0
    for s_para, t_para in anchors + [(len(pieces), len(pieces))]:
        gap_src = [k for k in src_paras if done_src < k < s_para]
        gap_tgt = [k for k in tgt_paras if done_tgt < k < t_para]
        blocks = [(gap_src, gap_tgt)]
        if s_para < len(pieces):
            blocks.append(([s_para], [t_para]))
        for block_src, block_tgt in blocks:
            s_idx = [i for k in block_src for i in by_paragraph.get(k, [])]
            t_idx = [j for k in block_tgt for j in by_paragraph.get(k, [])]
            found = align_sentences([sentences[src_lang][i].text for i in s_idx],
                                    [sentences[tgt_lang][j].text for j in t_idx], encoder, params,
                                    [sentences[src_lang][i].paragraph for i in s_idx],
                                    [sentences[tgt_lang][j].paragraph for j in t_idx],
                                    src_lang=src_lang, tgt_lang=tgt_lang)
            beads += [Bead(tuple(s_idx[i] for i in b.src), tuple(t_idx[j] for j in b.tgt), b.score)
                      for b in found]
            rows += len(s_idx)
            aligning.at(rows)
        done_src, done_tgt = s_para, t_para
    return _mark_untranslated(Alignment(
        src_lang, tgt_lang, sentences[src_lang], sentences[tgt_lang], beads, signature(encoder, params),
        document=Path(path).name, warnings=list(doc.warnings), src_paragraphs=[pieces[k] for k in streams[src_lang]],
        tgt_paragraphs=[pieces[k] for k in streams[tgt_lang]], encodings={str(path): doc.encoding}))


def _mark_untranslated(alignment: Alignment) -> Alignment:
    """Mark the beads a memory leaves out unless asked: untranslated targets, and sides with no text."""
    alignment.untranslated = untranslated_beads(alignment)
    untranslated = set(alignment.untranslated)
    alignment.no_text = [k for k in no_text_beads(alignment) if k not in untranslated]
    return alignment


def bead_props(alignment: Alignment, bead: Bead) -> dict[str, str] | None:
    """Facts the input carried for a bead's sentences: subtitle timing as src-start/src-end/tgt-start/tgt-end."""
    props: dict[str, str] = {}
    for side, indices, sentences, paragraphs in (("src", bead.src, alignment.src, alignment.src_paragraphs),
                                                 ("tgt", bead.tgt, alignment.tgt, alignment.tgt_paragraphs)):
        timed = [paragraphs[sentences[i].paragraph].props for i in indices
                 if sentences[i].paragraph < len(paragraphs) and paragraphs[sentences[i].paragraph].props]
        if timed and "start" in timed[0]:
            props[f"{side}-start"], props[f"{side}-end"] = timed[0]["start"], timed[-1]["end"]
    return props or None


def to_memory(alignment: Alignment, include_empty: bool = False,
              keep_untranslated: bool | None = None, tags: bool = False,
              keep_no_text: bool | None = None) -> TranslationMemory:
    """One translation unit per bead (beads with an empty side only when asked; beads whose
    target was left untranslated, see align/untranslated.py, only when asked: by `keep_untranslated`,
    else by the alignment's `untranslated_kept`; beads with a side without a letter, see align/notext.py,
    likewise by `keep_no_text` or `no_text_kept`). With `tags`, segments are TMX markup: escaped text
    with the documents' inline formatting as bpt/ept/ph (align/inline.py), to write with
    WriteOptions(inline_markup=True)."""
    if keep_untranslated is None:
        keep_untranslated = alignment.untranslated_kept
    created = now_utc()
    if keep_no_text is None:
        keep_no_text = alignment.no_text_kept
    left_out = set() if keep_untranslated else set(alignment.untranslated)
    if not keep_no_text:
        left_out |= set(alignment.no_text)
    pairs = alignment.pairs()
    if tags:
        markup = BeadMarkup(alignment)
        pairs = [(*markup(b), b) for _, _, b in pairs]
    units = [TranslationUnit(source=s, target=t, src_lang=alignment.src_lang, tgt_lang=alignment.tgt_lang,
                             score=b.score, bead=b.kind, document=alignment.document, seq=seq,
                             created=created, props=bead_props(alignment, b))
             for seq, (s, t, b) in enumerate(pairs, 1)
             if (include_empty or (b.src and b.tgt)) and seq - 1 not in left_out]
    return TranslationMemory.from_units(units, meta={"signature": alignment.signature})
