"""Encoding detection on real text: tmforge's detector against charset-normalizer.

Russian WMT22 segments encoded in Windows-1251 and KOI8-R, English ones with
non-ASCII characters in Windows-1252, at three sizes (one segment, five, a
whole document's worth of fifty); a detection is right when it decodes the
bytes to the original text. charset-normalizer (pip install charset-normalizer)
is measured when installed, restricted to the same candidate encodings and unrestricted.

    python benchmarks/encodings.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tmforge.align.encodings import SINGLE_BYTE, detect_encoding  # noqa: E402
from benchmarks.report import SHARED, table, write_section  # noqa: E402

DATA = SHARED / "data" / "wmt22-ru-en" / "generaltest2022.ru-en"


def samples(lines: list[str], size: int, codec: str) -> list[tuple[bytes, str]]:
    out = []
    for k in range(0, len(lines) - size + 1, size):
        text = "\n".join(lines[k:k + size])
        data = text.encode(codec, errors="replace")
        out.append((data, data.decode(codec)))
    return out


def main() -> None:
    ru = (DATA.parent / (DATA.name + ".ru")).read_text(encoding="utf-8").splitlines()
    en = [t for t in (DATA.parent / (DATA.name + ".en")).read_text(encoding="utf-8").splitlines()
          if not t.isascii()]
    detectors = {"tmforge": lambda data: detect_encoding(data) or None}
    try:
        import charset_normalizer as cn

        def cn_best(data, isolation=None):
            best = cn.from_bytes(data, cp_isolation=isolation).best()
            return best.encoding if best else None

        detectors["charset-normalizer (same candidates)"] = lambda d: cn_best(d, list(SINGLE_BYTE))
        detectors["charset-normalizer (all)"] = cn_best
    except ImportError:
        print("charset-normalizer not installed: measuring tmforge only")
    rows = []
    for codec, lines in (("cp1251", ru), ("koi8_r", ru), ("cp1252", en)):
        for size in (1, 5, 50):
            cases = samples(lines, size, codec)
            row = [codec, size, len(cases)]
            for detect in detectors.values():
                start = time.perf_counter()
                right = 0
                for data, text in cases:
                    found = detect(data)
                    try:
                        right += found is not None and data.decode(found) == text
                    except (LookupError, UnicodeDecodeError):
                        pass
                row += [f"{right / len(cases):.4f}", f"{(time.perf_counter() - start) / len(cases) * 1000:.2f}"]
            rows.append(row)
    header = ["encoding", "segments per text", "texts"]
    for name in detectors:
        header += [f"{name} accuracy", f"{name} ms/text"]
    body = ("Accuracy = share of texts decoded back exactly (WMT22 ru-en test set; English only segments "
            "with non-ASCII characters).\n\n" + table(header, rows))
    print(body)
    write_section("encodings", "Encoding detection (cp1251, KOI8-R, cp1252)", body)


if __name__ == "__main__":
    main()
