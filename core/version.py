"""The installed tool version, written into signatures and TMX headers."""

from importlib.metadata import PackageNotFoundError, version


def tool_version() -> str:
    try:
        return version("tmforge")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0.0.0+source"
