"""Confidence means the same at any document length (issue 11, case 1)."""

from __future__ import annotations

import numpy as np

from tmforge.align.confidence import blended_centre, reference_mean
from tmforge.align.pipeline import align_sentences

CONTRACT_RU = ["Договор вступает в силу с момента подписания."]
CONTRACT_EN = ["The contract enters into force upon signature."]


def test_a_correct_one_sentence_pair_is_confident(encoder):
    [bead] = align_sentences(CONTRACT_RU, CONTRACT_EN, encoder, src_lang="ru", tgt_lang="en")
    assert bead.src == (0,) and bead.tgt == (0,)
    assert bead.score >= 0.8


def test_a_one_sentence_mismatch_is_not(encoder):
    [bead] = align_sentences(CONTRACT_RU, ["Prices for the spring season are listed below."], encoder,
                             src_lang="ru", tgt_lang="en")
    assert bead.score is None or bead.score < 0.5


def test_two_sentences_a_right_and_a_nonsense_bead_score_apart(encoder):
    ru = ["Договор вступает в силу с момента подписания.", "Оплата производится в течение десяти дней."]
    en = ["The contract enters into force upon signature.", "My cat likes to sleep on the warm windowsill."]
    beads = align_sentences(ru, en, encoder, src_lang="ru", tgt_lang="en")
    scores = {(b.src, b.tgt): b.score for b in beads}
    assert scores[((0,), (0,))] >= 0.8
    nonsense = scores.get(((1,), (1,)))
    assert nonsense is None or nonsense < 0.5


def test_a_short_correct_contract_scores_high_on_every_line(encoder):
    ru = ["ДОГОВОР ПОСТАВКИ", "Поставщик обязуется передать товар покупателю.", "Покупатель обязуется оплатить товар.",
          "Срок поставки составляет тридцать дней.", "Споры разрешаются в арбитражном суде.",
          "Договор составлен в двух экземплярах.", "Подписи сторон"]
    en = ["SUPPLY CONTRACT", "The supplier undertakes to deliver the goods to the buyer.",
          "The buyer undertakes to pay for the goods.", "The delivery period is thirty days.",
          "Disputes are settled by the arbitration court.", "The contract is made in two copies.",
          "Signatures of the parties"]
    beads = align_sentences(ru, en, encoder, src_lang="ru", tgt_lang="en")
    assert [(b.src, b.tgt) for b in beads] == [((k,), (k,)) for k in range(7)]
    assert min(b.score for b in beads) >= 0.5
    assert np.mean([b.score for b in beads]) >= 0.8


def test_long_documents_are_centred_on_their_own_mean():
    rng = np.random.default_rng(0)
    sentences = rng.normal(size=(400, 8)).astype(np.float32) + 3.0
    reference = np.zeros(8, np.float32)
    centre = blended_centre(sentences, reference)
    assert np.allclose(centre, sentences.mean(axis=0), atol=0.1)
    assert np.allclose(blended_centre(sentences[:1], reference), sentences[0] / 9, atol=1e-5)


def test_the_bundled_encoder_ships_reference_means():
    for lang in ("ru", "en", "de", "fr"):
        mean = reference_mean("use-m3", lang)
        assert mean is not None and mean.shape == (512,)
    assert reference_mean("some-other-model", "ru") is None


def test_long_documents_are_scored_on_the_long_document_curve():
    # One curve for all lengths made long documents under-confident (Text+Berg calibration error 0.07):
    # the one-sentence curve weighs nothing in a long document and everything in a one-sentence one.
    from tmforge.align.confidence import (CALIBRATION_LONG, CALIBRATION_SHORT, confidence, document_share,
                                          short_weight)

    assert short_weight(document_share(1, 1)) == 1.0
    assert short_weight(document_share(200, 180)) < 0.01
    weights = [short_weight(document_share(n, n)) for n in (1, 2, 5, 20)]
    assert weights == sorted(weights, reverse=True)
    for similarity in (0.1, 0.25, 0.4):
        long = confidence(similarity, document_share(200, 180))
        slope, midpoint, _ = CALIBRATION_LONG
        assert abs(long - 1 / (1 + np.exp(-slope * (similarity - midpoint)))) < 0.01
        slope, midpoint, _ = CALIBRATION_SHORT
        short = confidence(similarity, document_share(1, 1))
        assert abs(short - 1 / (1 + np.exp(-slope * (similarity - midpoint)))) < 1e-9


def test_a_bead_joining_a_true_pair_and_a_mismatch_loses_its_confidence(encoder):
    # As a whole, a 2-2 bead that glues a true pair to a mismatched one looks half right (Text+Berg short
    # documents: 73 of 301 wrong beads were such); its true part matching better than the whole gives it away.
    from tmforge.align.beads import Bead
    from tmforge.align.confidence import reference_mean, rescore
    from tmforge.align.pipeline import span_embeddings

    # A long true pair dominates the joined spans' vectors, so the whole still scores like a translation.
    ru = ["Поставщик обязуется в течение тридцати календарных дней с момента подписания настоящего договора "
          "передать покупателю товар надлежащего качества в количестве, указанном в спецификации.",
          "Оплата производится в течение десяти дней."]
    en_true = ["Within thirty calendar days of signing this contract, the supplier undertakes to deliver to the "
               "buyer goods of proper quality in the quantity stated in the specification.",
               "Payment is made within ten days."]
    en_glued = [en_true[0], "My cat sleeps."]
    src = span_embeddings(encoder, ru, 2)
    refs = reference_mean(encoder.name, "ru"), reference_mean(encoder.name, "en")
    joined = [Bead((0, 1), (0, 1))]
    [true_merge] = rescore(joined, src, span_embeddings(encoder, en_true, 2), *refs)
    [glued] = rescore(joined, src, span_embeddings(encoder, en_glued, 2), *refs)
    assert true_merge.score >= 0.8
    assert glued.score <= true_merge.score - 0.25   # as a whole it scored 0.99 before parts were checked
