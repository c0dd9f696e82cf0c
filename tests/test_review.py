"""The review page, checked in a real headless browser: what a translator sees."""

from tmforge.align.beads import Bead
from tmforge.align.pipeline import Alignment
from tmforge.align.review import review_html, write_review
from tmforge.align.segment import Sentence
from browser import rendered_dom, screenshot


def sample_alignment(sample_gold):
    """The bundled sample's gold alignment with scores, one extra untranslated sentence with markup in it."""
    en, ru, gold = sample_gold
    extra = "An untranslated note: <b>bold</b> & <script>alert(1)</script>"
    src = [Sentence(t, 0) for t in en] + [Sentence(extra, 0)]
    tgt = [Sentence(t, 0) for t in ru]
    beads = [Bead(b.src, b.tgt, 0.3 if k == 1 else 0.9 if k % 2 else 0.7) for k, b in enumerate(gold)]
    beads.append(Bead((len(en),), (), None))
    return Alignment("en", "ru", src, tgt, beads, "test-signature", document="sample",
                     encodings={"en.txt": "utf-8", "ru.txt": "cp1251"}), extra


def test_review_page_renders_beads_colours_jumps_and_unaligned(tmp_path, sample_gold):
    alignment, extra = sample_alignment(sample_gold)
    page = tmp_path / "review.html"
    write_review([alignment], page)
    dom = rendered_dom(page)

    rows = dom.xpath("//tr[contains(@class,'bead')]")
    assert len(rows) == len(alignment.beads)
    classes = [r.get("class").split() for r in rows]
    assert sum("s-low" in c for c in classes) == 2        # the 0.3 bead and the unaligned one
    assert sum("s-high" in c for c in classes) == sum(1 for b in alignment.beads if b.score == 0.9)
    non_one_to_one = [k for k, b in enumerate(alignment.beads) if b.src and b.tgt and b.kind != "1-1"]
    assert [k for k, c in enumerate(classes) if "multi" in c] == non_one_to_one

    # Jump links at the top lead to existing rows.
    ids = {r.get("id") for r in rows}
    for box, expected in (("jump-low", 1), ("jump-multi", len(non_one_to_one)), ("jump-unaligned", 1)):
        links = [a.get("href") for a in dom.xpath(f"//div[@id='{box}']//a")]
        assert len(links) == expected and all(h[1:] in ids for h in links)

    # The untranslated sentence is visible, as text (escaped), with its empty side marked.
    last = rows[-1]
    assert "unaligned" in last.get("class")
    assert last.xpath("string(.//td[@class='src'])") == extra
    assert last.xpath("string(.//td[@class='tgt'])") == "no counterpart"
    assert not dom.xpath("//td//b") and len(dom.xpath("//script")) == 1

    # The page's script ran: it counted the problems to review.
    assert dom.xpath("//body/@data-problems") == [str(1 + len(non_one_to_one) + 1)]
    assert dom.xpath("string(//*[@id='position'])") == f"{1 + len(non_one_to_one) + 1} to review"

    png = tmp_path / "review.png"
    screenshot(page, png)
    assert png.stat().st_size > 10_000


def test_review_page_is_self_contained(sample_gold):
    alignment, _ = sample_alignment(sample_gold)
    page = review_html([alignment])
    for reference in ("http://", "https://", "src=", "<link", "@import"):
        assert reference not in page
