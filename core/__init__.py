"""tmforge: Russian/English (and other) sentence alignment and translation memories.

This folder is the bottom layer, installed as the `tmforge` package itself:
the error type, atomic writes, thread caps, the tool version and the data
types every step shares. `tmforge.align` (the aligner) and `tmforge.tm`
(memories and their formats) sit on it; nothing here imports either.

    >>> from tmforge import align, tm
"""

from tmforge.version import tool_version

__version__ = tool_version()
