"""Any language pair the encoder knows (issue 11, case 6): detection, segmentation, multilingual TMX."""

from __future__ import annotations

import pytest
from lxml import etree

from tmforge.align.beads import Bead
from tmforge.align.identify import identify_language
from tmforge.align.multi import multilingual_units, source_runs
from tmforge.align.pipeline import align_files
from tmforge.align.segment import split_sentences
from tmforge.errors import TmforgeError
from tmforge.tm.tmx import read_tmx
from tmforge.types import Alignment, Sentence

from conftest import DATA, read_lines

DTD = DATA / "tmx" / "dtd" / "tmx14.dtd"
EN = ["The hut lies at an altitude of 2,500 metres.", "In summer it is staffed from June to September.",
      "The climb from the valley takes about four hours.", "Dogs are not allowed inside."]
DE = ["Die Hütte liegt auf 2500 Metern Höhe.", "Im Sommer ist sie von Juni bis September bewartet.",
      "Der Aufstieg vom Tal dauert etwa vier Stunden.", "Hunde sind im Haus nicht erlaubt."]
FR = ["La cabane se trouve à 2500 mètres d'altitude.", "En été, elle est gardée de juin à septembre.",
      "La montée depuis la vallée dure environ quatre heures.", "Les chiens ne sont pas admis à l'intérieur."]


def write(path, sentences):
    path.write_text(" ".join(sentences) + "\n", encoding="utf-8")
    return path


def test_a_german_french_pair_is_detected_without_flags(tmp_path, encoder):
    result = align_files(write(tmp_path / "de.txt", DE), write(tmp_path / "fr.txt", FR), encoder=encoder)
    assert (result.src_lang, result.tgt_lang) == ("de", "fr")
    assert [(b.src, b.tgt) for b in result.beads] == [((k,), (k,)) for k in range(4)]


def test_a_flag_contradicted_by_a_german_text_is_refused(tmp_path):
    with pytest.raises(TmforgeError, match=r"German \(detected: de\)"):
        align_files(write(tmp_path / "de.txt", DE), write(tmp_path / "fr.txt", FR), src_lang="fr")


def test_russian_neighbours_are_no_language_of_the_encoder():
    for lang in ("ukr", "bel", "bul"):
        lines = read_lines(DATA / "tatoeba" / f"tatoeba.{lang}-eng.{lang}")[:40]
        assert identify_language(" ".join(lines)) == "other", lang
    assert identify_language(" ".join(DE)) == "de" and identify_language(" ".join(FR)) == "fr"
    assert identify_language("这座小屋位于海拔两千五百米处。夏天有人看守。") == "zh"


def test_german_ordinals_and_abbreviations_do_not_end_a_sentence():
    text = "Die Tour beginnt am 3. Oktober um 7 Uhr. Mitzubringen sind z. B. Steigeisen und Pickel."
    assert split_sentences(text, "de") == ["Die Tour beginnt am 3. Oktober um 7 Uhr.",
                                          "Mitzubringen sind z. B. Steigeisen und Pickel."]


def _alignment(tgt_lang, tgt, beads, untranslated=(), no_text=()):
    return Alignment("en", tgt_lang, [Sentence(s, 0) for s in EN], [Sentence(t, 0) for t in tgt],
                     beads, "sig", untranslated=list(untranslated), no_text=list(no_text))


def test_units_follow_the_coarsest_grouping_and_leave_out_partial_translations():
    de = _alignment("de", ["A B", "C", "D"], [Bead((0, 1), (0,), 0.9), Bead((2,), (1,), 0.8), Bead((3,), (2,), 0.7)])
    fr = _alignment("fr", ["a", "b", "c", "d"], [Bead((0,), (0,), 0.95), Bead((1,), (1,), 0.6),
                                                  Bead((2,), (2,), 0.9), Bead((3,), ()), Bead((), (3,))])
    assert [(r.start, r.stop) for r in source_runs([de, fr])] == [(0, 2), (2, 3), (3, 4)]
    units = multilingual_units([de, fr])
    assert [[(v.lang, v.text) for v in u.variants()] for u in units] == [
        [("en", " ".join(EN[:2])), ("de", "A B"), ("fr", "a b")],
        [("en", EN[2]), ("de", "C"), ("fr", "c")],
        [("en", EN[3]), ("de", "D")]]                      # French left sentence 3 unaligned
    assert units[0].translations[1].score == 0.6 and units[0].translations[1].bead == "2-2"
    untranslated = multilingual_units([de, _alignment("fr", fr.tgt and ["a", "b", "c", "d"], fr.beads, [2])])
    assert [v.lang for v in untranslated[1].variants()] == ["en", "de"]
    # A translation whose side has no letter (a number, a table sign) is left out the same way (issue 17).
    signs = _alignment("fr", ["a", "b", "+", "d"], fr.beads, no_text=[2])
    assert [v.lang for v in multilingual_units([de, signs])[1].variants()] == ["en", "de"]
    assert [v.lang for v in multilingual_units([de, signs], keep_no_text=True)[1].variants()] == ["en", "de", "fr"]


def test_cli_writes_a_dtd_valid_tmx_with_a_tuv_per_language(tmp_path, cli):
    out = tmp_path / "hut.tmx"
    files = [write(tmp_path / f"{lang}.txt", text) for lang, text in (("en", EN), ("de", DE), ("fr", FR))]
    result = cli("align-multi", *files, "-o", out, "--lang-code", "de=de-CH", "-q")
    assert result.returncode == 0, result.stderr
    tree = etree.parse(str(out))
    dtd = etree.DTD(str(DTD))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    tus = tree.findall("body/tu")
    assert len(tus) == 4
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert all([tuv.get(xml_lang) for tuv in tu.findall("tuv")] == ["en", "de-CH", "fr"] for tu in tus)
    # Any language pair of it reads back as a bilingual memory.
    pairs = read_tmx(out, "de-CH", "fr").frame
    assert list(pairs["source"]) == DE and list(pairs["target"]) == FR


def test_cli_writes_a_tsv_with_a_column_per_language(tmp_path, cli):
    import polars as pl

    from tmforge.tm.formats.delimited import tsv_unescape

    out = tmp_path / "hut.tsv"
    files = [write(tmp_path / f"{lang}.txt", text) for lang, text in (("en", EN), ("de", DE), ("fr", FR))]
    result = cli("align-multi", *files, "-o", out, "--lang-code", "de=de-CH", "-q")
    assert result.returncode == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5 and all(line.count("\t") == 4 for line in lines)   # one line per unit, no quoting
    frame = pl.read_csv(out, separator="\t", quote_char=None, infer_schema=False)
    assert frame.columns == ["en", "de-CH", "fr", "score:de-CH", "score:fr"]
    assert [tsv_unescape(v) for v in frame["de-CH"]] == DE and [tsv_unescape(v) for v in frame["fr"]] == FR
    assert all(0.0 <= float(v) <= 1.0 for v in frame["score:fr"])


def test_cli_reads_the_comments_in_markdown_code_unless_told_not_to(tmp_path, cli):
    # A hut's web page with a booking snippet whose comment the translators translated (issue 17).
    comment = {"en": "Book a bed for the night of arrival", "de": "Ein Bett für die Nacht der Ankunft buchen",
               "fr": "Réserver un lit pour la nuit d'arrivée"}
    files = []
    for lang, text in (("en", EN), ("de", DE), ("fr", FR)):
        page = " ".join(text) + f"\n\n```js\n// {comment[lang]}\nbook(hut, date);\n```\n"
        files.append(tmp_path / f"{lang}.md")
        files[-1].write_text(page, encoding="utf-8")
    for flag, expected in ((None, EN + [comment["en"]]), ("--no-code-comments", EN)):
        out = tmp_path / f"hut{flag or ''}.tmx"
        result = cli("align-multi", *files, "-o", out, "-q", *([flag] if flag else []))
        assert result.returncode == 0, result.stderr
        assert list(read_tmx(out, "en", "fr").frame["source"]) == expected


def test_cli_refuses_two_translations_in_one_language(tmp_path, cli):
    files = [write(tmp_path / f"{name}.txt", text) for name, text in (("en", EN), ("de", DE), ("de2", DE))]
    result = cli("align-multi", *files, "-o", tmp_path / "x.tmx")
    assert result.returncode == 2 and "both in de" in result.stderr
    assert not (tmp_path / "x.tmx").exists()
