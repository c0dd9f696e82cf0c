"""Units with nothing to translate (issue 17): table cells of numbers and signs left out of the memory.

Real help pages compare editions in tables of `+` and `-` and list ports and
sizes in cells of bare numbers; aligned cell by cell, each becomes a unit
that a CAT tool would carry over by itself. They are left out by default,
counted and listed in the review page; `--keep-no-text` keeps them.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tmforge.align.notext import has_letter
from tmforge.align.pipeline import align_files, to_memory

RU = """# Редакции сервера отчётов

Сервер отчётов поставляется в трёх редакциях, которые различаются набором возможностей.

| Возможность | Стандартная | Командная | Корпоративная |
|---|:-:|:-:|:-:|
| Публикация отчётов | + | + | + |
| Расписание рассылки | - | + | + |
| Единый вход через LDAP | - | - | + |

## Порты

| Служба | Порт |
|---|--:|
| Веб-интерфейс | 8080 |
| Защищённое соединение | 8443 |

Порты можно изменить в файле настроек сервера.
"""

EN = """# Report server editions

The report server comes in three editions that differ in what they can do.

| Feature | Standard | Team | Enterprise |
|---|:-:|:-:|:-:|
| Publishing reports | + | + | + |
| Scheduled mailing | - | + | + |
| Single sign-on via LDAP | - | - | + |

## Ports

| Service | Port |
|---|--:|
| Web interface | 8080 |
| Secure connection | 8443 |

The ports can be changed in the server settings file.
"""


def tmforge(*args):
    return subprocess.run([sys.executable, "-m", "tmforge", *map(str, args)], capture_output=True, text=True)


def pages(tmp_path):
    (tmp_path / "ru.md").write_text(RU, encoding="utf-8")
    (tmp_path / "en.md").write_text(EN, encoding="utf-8")
    return tmp_path / "ru.md", tmp_path / "en.md"


def test_cells_without_letters_are_marked_and_left_out(tmp_path, encoder):
    result = align_files(*pages(tmp_path), encoder=encoder)
    pairs = result.pairs()
    signs = [k for k, (s, t, b) in enumerate(pairs) if b.src and b.tgt and not (has_letter(s) and has_letter(t))]
    assert signs and sorted(result.no_text) == signs
    assert {pairs[k][1] for k in result.no_text} >= {"+", "-", "8080", "8443"}
    memory = to_memory(result).frame
    assert all(has_letter(s) and has_letter(t) for s, t in memory.select("source", "target").iter_rows())
    assert "Scheduled mailing" in memory["target"].to_list()
    assert len(to_memory(result, keep_no_text=True).frame) == len(memory) + len(signs)


def test_cli_counts_no_text_units_lists_them_in_the_review_and_keeps_them_when_asked(tmp_path):
    src, tgt = pages(tmp_path)
    out, review = tmp_path / "m.tsv", tmp_path / "r.html"
    run = tmforge("align", src, tgt, "-o", out, "--review", review, "--json")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["no_text"] > 0 and summary["no_text_kept"] is False
    lines = out.read_text(encoding="utf-8").splitlines()
    assert all(has_letter(field) for line in lines[1:] for field in line.split("\t")[:2])
    assert f"No text ({summary['no_text']})" in review.read_text(encoding="utf-8")
    kept = tmforge("align", src, tgt, "-o", out, "--keep-no-text", "--force", "--json")
    assert kept.returncode == 0, kept.stderr
    assert json.loads(kept.stdout)["outputs"][0]["units"] == summary["outputs"][0]["units"] + summary["no_text"]
