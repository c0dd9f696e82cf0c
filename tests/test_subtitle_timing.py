"""Subtitles aligned by time as well as meaning: overlap finds a cue split in two, timings keep their notation."""

import numpy as np
import pytest

from tmforge.align.cuetime import TimeScorer, cue_times, fit_clock, millis
from tmforge.align.pipeline import align_files, to_memory
from tmforge.align.readers import read_document
from tmforge.align.review import review_html
from tmforge.types import Bead

# A scene as two subtitlers time it: (start ms, end ms, Russian, English). The Russian cue at
# index 4 is one line; the English subtitler split it in two (cues 4 and 5 there).
SCENE = [
    (1000, 3500, "Где ты был всю ночь?", "Where were you all night?"),
    (3800, 6200, "Я работал в лаборатории.", "I was working in the lab."),
    (6500, 9000, "Опять эти опыты с мышами?", "Those experiments with mice again?"),
    (9300, 12000, "Они почти готовы к испытаниям.", "They are almost ready for testing."),
    (12300, 17800, "Профессор сказал, что завтра утром приедет комиссия из министерства.", None),
    (18100, 20500, "Тебе нужно поспать.", "You need to sleep."),
    (20800, 23400, "Сначала я допишу отчёт.", "First I will finish the report."),
    (23700, 26000, "Кофе будешь?", "Want some coffee?"),
    (26300, 29000, "Да, и покрепче, пожалуйста.", "Yes, and make it strong, please."),
    (29300, 32000, "Спасибо, что ждала меня.", "Thank you for waiting for me."),
]
SPLIT = [(12300, 14900, "The professor said that a commission"),
         (15000, 17800, "from the ministry is coming tomorrow morning.")]


def _srt_time(ms: int) -> str:
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    return write_scene(tmp_path_factory.mktemp("subtitles"), SPLIT)


def write_scene(folder, split):
    """The Russian side as SRT, the English as WebVTT (with the split cue), written as the tools write them."""
    ru = "".join(f"{k}\n{_srt_time(s)} --> {_srt_time(e)}\n{text}\n\n" for k, (s, e, text, _) in enumerate(SCENE, 1))
    en_cues = []
    for s, e, _, text in SCENE:
        en_cues += [(s, e, text)] if text else split
    en = "WEBVTT\n\n" + "".join(f"{_srt_time(s).replace(',', '.')} --> {_srt_time(e).replace(',', '.')}\n{text}\n\n"
                                for s, e, text in en_cues)
    (folder / "scene.ru.srt").write_text(ru, encoding="utf-8")
    (folder / "scene.en.vtt").write_text(en, encoding="utf-8")
    return folder / "scene.ru.srt", folder / "scene.en.vtt"


def test_cue_timings_keep_the_notation_of_their_source(scene):
    ru, en = (read_document(p) for p in scene)
    assert ru.paragraphs[0].props == {"start": "00:00:01,000", "end": "00:00:03,500"}
    assert en.paragraphs[0].props == {"start": "00:00:01.000", "end": "00:00:03.500"}
    assert millis("00:00:03,500") == millis("00:03.500") == 3500
    assert cue_times(ru.paragraphs)[4].tolist() == [12300, 17800]


def test_overlap_scores_the_whole_split_above_either_half():
    src = np.array([[0, 4000.0]])
    tgt = np.array([[0, 1900.0], [2100, 4000.0]])
    scorer = TimeScorer(src, tgt, weight=1.0, offset=0.0)
    one, both = scorer(1, 1, 0, np.array([0, 1])), scorer(1, 2, 0, np.array([0]))
    assert both[0] > 0.99 and one.max() < 0.5
    assert scorer(1, 1, 0, np.array([1]))[0] < both[0]


def test_a_shifted_clock_is_fitted_and_a_disagreeing_one_refused():
    src = np.array([[k * 3000.0, k * 3000.0 + 2500] for k in range(10)])
    other_release = src * 25 / 23.976 + 2500
    beads = [Bead((k,), (k,), 0.95) for k in range(10)]
    scale, shift = fit_clock(beads, src, other_release)
    assert abs(scale - 23.976 / 25) < 1e-3 and abs(shift + 2500 * 23.976 / 25) < 5
    shuffled = other_release[np.random.default_rng(0).permutation(10)]
    assert fit_clock(beads, src, shuffled) is None
    assert fit_clock(beads[:3], src, other_release) is None        # too few beads to trust a clock


def test_a_cue_split_in_two_becomes_a_1_2_bead_with_both_timings(scene, encoder):
    alignment = align_files(*scene, src_lang="ru", tgt_lang="en", encoder=encoder)
    split = next(b for b in alignment.beads if 4 in b.src)
    assert (split.src, split.tgt) == ((4,), (4, 5))
    assert [b.kind for b in alignment.beads].count("1-1") == 9
    unit = next(u for u in to_memory(alignment).units() if u.bead == "1-2")
    assert unit.target == "The professor said that a commission from the ministry is coming tomorrow morning."
    assert unit.props == {"src-start": "00:00:12,300", "src-end": "00:00:17,800",
                          "tgt-start": "00:00:12.300", "tgt-end": "00:00:17.800"}
    page = review_html([alignment])
    assert "00:00:12,300 → 00:00:17,800" in page and "00:00:15.000 → 00:00:17.800" in page



# A dialogue scene as Russian subtitles write it: two speakers' short lines in one cue ("- ... - Ладно."),
# which the English subtitler gave a cue each. Meaning alone pairs "- Ветер не стучит в дверь. - Ладно."
# with the first English line only and leaves "- Fine." alone (checked by aligning the same cues without
# their times: align_files with pipeline._cue_times returning None); the cue times make it one 1-2 bead.
DIALOGUE = [
    (1000, 2600, "Ты слышал?", [(1000, 2600, "Did you hear that?")]),
    (2900, 3800, "Что?", [(2900, 3800, "What?")]),
    (4100, 6900, "- Там кто-то есть. - Нет.", [(4100, 5600, "- There's someone out there."), (5700, 6900, "- No.")]),
    (7200, 9500, "Нет, я точно что-то слышал.", [(7200, 9500, "No, I definitely heard something.")]),
    (9800, 11800, "Это просто ветер.", [(9800, 11800, "It's just the wind.")]),
    (12100, 14900, "- Ветер не стучит в дверь. - Ладно.",
     [(12100, 13900, "- The wind doesn't knock on doors."), (14000, 14900, "- Fine.")]),
    (15200, 16800, "Ладно, я посмотрю.", [(15200, 16800, "Fine, I'll take a look.")]),
    (17100, 19000, "Возьми фонарик.", [(17100, 19000, "Take the flashlight.")]),
    (19300, 22000, "- Где он? - В ящике.", [(19300, 20500, "- Where is it?"), (20600, 22000, "- In the drawer.")]),
    (22300, 24100, "В каком ящике?", [(22300, 24100, "Which drawer?")]),
    (24400, 26500, "В верхнем, под ключами.", [(24400, 26500, "The top one, under the keys.")]),
    (26800, 28900, "- Нашёл. - Иди.", [(26800, 27800, "- Got it."), (27900, 28900, "- Go.")]),
    (29200, 31000, "Иди же, быстрее!", [(29200, 31000, "Go on, hurry!")]),
    (31300, 33500, "Дверь открыта.", [(31300, 33500, "The door is open.")]),
]


def test_a_dialogue_scene_where_meaning_alone_misses_a_split_is_aligned_by_the_cue_times(tmp_path, encoder):
    ru = "".join(f"{k}\n{_srt_time(s)} --> {_srt_time(e)}\n{text}\n\n" for k, (s, e, text, _) in enumerate(DIALOGUE, 1))
    en = "WEBVTT\n\n" + "".join(f"{_srt_time(s).replace(',', '.')} --> {_srt_time(e).replace(',', '.')}\n{text}\n\n"
                                for *_, cues in DIALOGUE for s, e, text in cues)
    (tmp_path / "ru.srt").write_text(ru, encoding="utf-8")
    (tmp_path / "en.vtt").write_text(en, encoding="utf-8")
    alignment = align_files(tmp_path / "ru.srt", tmp_path / "en.vtt", src_lang="ru", tgt_lang="en", encoder=encoder)
    gold, j = [], 0
    for i, (*_, cues) in enumerate(DIALOGUE):
        gold.append(((i,), tuple(range(j, j + len(cues)))))
        j += len(cues)
    assert [(b.src, b.tgt) for b in alignment.beads] == gold


def test_webvtt_character_references_are_read_as_the_characters(tmp_path):
    # WebVTT must write "&", "<" and ">" of cue text as &amp; &lt; &gt;: read as text they reached the memory
    # as "&amp;" (and "&amp;amp;" in a TMX). SRT has no such escapes: there they are the text.
    vtt = tmp_path / "scene.vtt"
    vtt.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Роман>Том &amp; Джерри</v>\n\n"
                   "00:00:04.000 --> 00:00:06.000\n&lt;шёпотом&gt; Иди&nbsp;сюда.\n", encoding="utf-8")
    assert [p.text for p in read_document(vtt).paragraphs] == ["Том & Джерри", "<шёпотом> Иди сюда."]
    srt = tmp_path / "scene.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:03,000\nAT&amp;T\n", encoding="utf-8")
    assert [p.text for p in read_document(srt).paragraphs] == ["AT&amp;T"]
