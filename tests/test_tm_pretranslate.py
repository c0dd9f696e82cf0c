"""A translator's path: align a pair, import the memory, pretranslate a new Russian document for a CAT tool."""

import csv
import sys
import subprocess

import pytest
from lxml import etree

from tmforge.tm.formats import read_memory

from conftest import DATA, SAMPLES

XLIFF_XSD = DATA / "xliff" / "xliff-core-1.2-strict.xsd"
XML_XSD = DATA / "xliff" / "xml.xsd"
TMX_DTD = DATA / "tmx" / "dtd" / "tmx14.dtd"


class _LocalSchemas(etree.Resolver):
    """The XLIFF schema imports the W3C xml.xsd by its web address: answer from tests/data instead."""

    def resolve(self, url, public_id, context):
        if url.endswith("xml.xsd"):
            return self.resolve_filename(str(XML_XSD), context)
        return None


def xliff_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(XLIFF_XSD), parser))


@pytest.fixture(scope="module")
def aligned_store(tmp_path_factory):
    """The bundled sample aligned by `tmforge align` (ru -> en) and imported into a store."""
    work = tmp_path_factory.mktemp("pretranslate")
    for args in (["align", SAMPLES / "parallel" / "ru.txt", SAMPLES / "parallel" / "en.txt", "-o", work / "mem.tmx"],
                 ["tm", "import", work / "m.tmdb", work / "mem.tmx"]):
        run = subprocess.run([sys.executable, "-m", "tmforge", *map(str, args)], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
    return work / "m.tmdb", read_memory(work / "mem.tmx")


def new_document(tmp_path, memory):
    """A new version of the document: three paragraphs, one sentence edited, one sentence new."""
    paragraphs = (SAMPLES / "parallel" / "ru.txt").read_text(encoding="utf-8").split("\n\n")
    text = "\n\n".join(paragraphs[:4])
    edited = text.replace("Благодарю за приглашение выступить", "Благодарю за приглашение выступить сегодня")
    assert edited != text
    edited += "\n\nЭтого предложения в памяти нет совсем, оно новое."
    doc = tmp_path / "new_ru.txt"
    doc.write_text(edited, encoding="utf-8")
    return doc


def test_pretranslated_xliff_is_valid_and_reads_back_in_translate_toolkit(tmp_path, aligned_store, cli):
    from translate.storage import xliff as ttk_xliff

    store, memory = aligned_store
    doc = new_document(tmp_path, memory)
    out = tmp_path / "new_ru.xlf"
    run = cli("tm", "pretranslate", doc, "--tm", store, "--tgt", "en", "-o", out)
    assert run.returncode == 0, run.stderr
    assert "exact" in run.stdout and "fuzzy" in run.stdout
    schema = xliff_schema()
    tree = etree.parse(str(out))
    assert schema.validate(tree), schema.error_log
    store_file = ttk_xliff.xlifffile.parsefile(str(out))
    units = [u for u in store_file.units if u.source]
    by_source = {u.source: u for u in units}
    targets = {u.source: u.target for u in memory.units()}
    heading = "Тезисы выступления Генерального секретаря ОДКБ на заседании Совета Парламентской Ассамблеи ОДКБ 03.06.2024"
    assert by_source[heading].target == targets[heading]           # exact match filled in
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    edited = next(tu for tu in tree.iterfind(".//x:trans-unit", ns)
                  if "выступить сегодня" in tu.findtext("x:source", namespaces=ns))
    target = edited.find("x:target", ns)
    assert target.get("state") == "needs-review-translation" and target.get("state-qualifier") == "fuzzy-match"
    assert 75 <= int(edited.find("x:alt-trans", ns).get("match-quality")) < 100
    new = next(tu for tu in tree.iterfind(".//x:trans-unit", ns) if "новое" in tu.findtext("x:source", namespaces=ns))
    assert new.find("x:target", ns) is None
    exact = [tu for tu in tree.iterfind(".//x:trans-unit", ns)
             if tu.find("x:target", ns) is not None and tu.find("x:target", ns).get("state") == "translated"]
    assert exact and all(tu.find("x:alt-trans", ns).get("match-quality") == "100" for tu in exact)


def test_a_pretranslated_xliff_imported_back_brings_no_unreviewed_fuzzy_target(tmp_path, aligned_store, cli):
    """A fuzzy target is the translation of another source: imported back (a translator's usual round trip)
    it became a 100 % exact match for the edited sentence. Left out until a reviewer sets its state."""
    from tmforge.tm.store import Store

    store, memory = aligned_store
    doc = new_document(tmp_path, memory)
    out = tmp_path / "new_ru.xlf"
    assert cli("tm", "pretranslate", doc, "--tm", store, "-o", out).returncode == 0
    back = tmp_path / "back.tmdb"
    assert cli("tm", "import", back, out).returncode == 0
    with Store.open(back) as st:
        sources = {r[0] for r in st.conn.execute("SELECT source FROM units")}
    assert sources and not any("выступить сегодня" in s for s in sources)     # the exact ones came back
    # Reviewed in a CAT tool (state translated): now it is the translator's own, and is imported.
    text = out.read_text(encoding="utf-8")
    start = text.index("выступить сегодня")
    reviewed = text[:start] + text[start:].replace('state="needs-review-translation"', 'state="translated"', 1)
    out.write_text(reviewed, encoding="utf-8")
    assert cli("tm", "import", back, out).returncode == 0
    with Store.open(back) as st:
        assert any("выступить сегодня" in r[0] for r in st.conn.execute("SELECT source FROM units"))


def test_pretranslation_as_tmx_and_tsv(tmp_path, aligned_store, cli):
    store, memory = aligned_store
    doc = new_document(tmp_path, memory)
    run = cli("tm", "pretranslate", doc, "--tm", store, "--tgt", "en", "-o", tmp_path / "out.tmx")
    assert run.returncode == 0, run.stderr
    assert etree.DTD(str(TMX_DTD)).validate(etree.parse(str(tmp_path / "out.tmx")))
    units = list(read_memory(tmp_path / "out.tmx").units())
    assert units and all(u.props["match-kind"] in ("exact", "fuzzy") for u in units)
    run = cli("tm", "pretranslate", doc, "--tm", store, "--tgt", "en", "-o", tmp_path / "out.tsv")
    assert run.returncode == 0, run.stderr
    with open(tmp_path / "out.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert len(rows) > len(units)                              # segments without a match are listed too
    assert rows[-1]["target"] == "" and "новое" in rows[-1]["source"]
    run = cli("tm", "pretranslate", doc, "--tm", store, "--tgt", "en", "-o", tmp_path / "out.tsv")
    assert run.returncode == 2 and "--force" in run.stderr
    run = cli("tm", "pretranslate", doc, "--tm", store, "--tgt", "en", "-o", tmp_path / "out.docx")
    assert run.returncode == 2 and run.stderr.startswith("error:")



def test_target_language_defaults_to_the_stores_only_one(tmp_path, aligned_store, cli):
    from tmforge.tm.formats import write_memory
    from tmforge.tm.model import TranslationMemory, TranslationUnit

    store, memory = aligned_store
    doc = new_document(tmp_path, memory)
    run = cli("tm", "pretranslate", doc, "--tm", store, "-o", tmp_path / "out.xlf")
    assert run.returncode == 0, run.stderr
    assert etree.parse(str(tmp_path / "out.xlf")).getroot()[0].get("target-language") == "en"
    # With a German memory for Russian too, the choice is the user's: the error names both languages.
    german = tmp_path / "de.tmx"
    write_memory(TranslationMemory.from_units([TranslationUnit("Привет, мир.", "Hallo, Welt.", "ru", "de")]), german)
    two = tmp_path / "two.tmdb"
    assert cli("tm", "import", two, german, store.parent / "mem.tmx").returncode == 0
    run = cli("tm", "pretranslate", doc, "--tm", two, "-o", tmp_path / "out2.xlf")
    assert run.returncode == 2 and run.stderr.startswith("error:")
    assert "de, en" in run.stderr and "--tgt" in run.stderr and not (tmp_path / "out2.xlf").exists()
    run = cli("tm", "pretranslate", doc, "--tm", two, "--tgt", "en", "-o", tmp_path / "out2.xlf")
    assert run.returncode == 0, run.stderr
