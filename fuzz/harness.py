"""One atheris (libFuzzer) fuzz target: python fuzz/harness.py TARGET [libFuzzer flags] [corpus folders].

TARGET is tmx, tabular, document or containers (fuzz/targets.py). tmforge's own modules
are instrumented for coverage; lxml, polars and python-docx run as they are.
`make fuzz` runs every target through fuzz/run.py.
"""

import sys

import atheris

with atheris.instrument_imports(include=["tmforge"]):
    import targets  # noqa: E402  (fuzz/ is on sys.path: this script's folder)
    from tmforge.tm import formats, tmx  # noqa: F401  (instrumented here, imported lazily by the targets)
    from tmforge.align import beads, io  # noqa: F401
    from tmforge.align.readers import epub, odt, pdf, pptx, xlsx  # noqa: F401  (the containers target)


def main() -> None:
    name = sys.argv.pop(1)
    atheris.Setup(sys.argv, targets.TARGETS[name])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
