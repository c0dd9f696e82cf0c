"""What every tmforge command shares: help layout, `error:`/`warning:` lines, exit codes.

Help is click's plain layout at the terminal's width (at most 80 columns),
with each command's options in named sections: an option joins a section
through typer's `rich_help_panel`. Rich's boxed panels squeeze option names
into a third of an 80-column screen and cut them off; plain text wraps.

The entry point turns every way a command can end into the documented exit
code and at most one line on stderr: usage errors from the argument parser
(unknown option, missing argument, bad value) included.
"""

from __future__ import annotations

import enum
import os
import signal
import sys
import textwrap
from typing import Any, Callable, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

try:  # typer vendors its own copy of click since 0.2x; its exceptions are that copy's
    from typer import _click as click
except ImportError:  # older typer runs on click itself
    import click

from tmforge import signals
from tmforge.errors import INTERRUPTED, INTERRUPTED_MESSAGE, TmforgeError
from tmforge.version import tool_version

PROG = "tmforge"
PARTIAL = 1       # some pairs or files skipped; what was done is written
USAGE = 2         # usage or input error, nothing written

# Help sections (options join one with rich_help_panel=...); see the list atop align/cli.py.
INPUT, OUTPUT, ALIGNMENT, BATCH, SCREEN = "Input", "Output", "Alignment", "Batch", "Screen"

HELP_OPTIONS = {"help_option_names": ["-h", "--help"], "max_content_width": 80}
OTHER_OPTIONS = "Other options"  # the section of options that name none
NAME_COLUMN = 28  # option names longer than this put their help on the next line


def choices(name: str, *values: str) -> type[enum.Enum]:
    """A type for an option that takes one of `values`: the parser refuses others, help lists them.

    Declare the option with `callback=plain` so the command receives the plain string.
    """
    return enum.Enum(name, {value: value for value in values}, type=str)


def plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


def error_line(message: str) -> None:
    typer.echo(f"error: {message}", err=True)


def _write_row(formatter: click.HelpFormatter, name: str, text: str, column: int) -> None:
    indent = " " * formatter.current_indent
    width = max(formatter.width - formatter.current_indent - column, 20)
    # Never break inside a word: option names and codes (x-source-document) stay whole.
    lines = textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False) or [""]
    if len(name) + 2 > column:  # a long name gets a line of its own
        formatter.write(f"{indent}{name}\n")
        rest = lines
    else:
        formatter.write(f"{indent}{name:<{column}}{lines[0]}\n")
        rest = lines[1:]
    for line in rest:
        formatter.write(f"{indent}{'':<{column}}{line}\n")


def _argument_usage(param: click.Parameter) -> str:
    """SRC when required, [TGT] when not, FILES... when repeated: the metavar as declared, no type."""
    name = param.metavar or param.name.upper()
    if param.nargs == -1 and not name.endswith("..."):
        name += "..."
    return name if param.required else f"[{name}]"


class HelpCommand(TyperCommand):
    """A command whose help lists its arguments, then its options by section."""

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [_argument_usage(p) for p in self.get_params(ctx) if p.param_type_name == "argument"]

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        sections: dict[str, list[tuple[str, str]]] = {}
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = param.metavar or param.name.upper()
                sections.setdefault("Arguments", []).append((name, getattr(param, "help", None) or ""))
                continue
            record = param.get_help_record(ctx)
            if record is not None:
                title = getattr(param, "rich_help_panel", None) or OTHER_OPTIONS
                sections.setdefault(title, []).append(record)
        # Options of no section (-h, --help) come last.
        if OTHER_OPTIONS in sections:
            sections[OTHER_OPTIONS] = sections.pop(OTHER_OPTIONS)
        _write_sections(formatter, sections)


class HelpGroup(TyperGroup):
    """A command group with the same layout; its commands are listed with their one-line help."""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        sections: dict[str, list[tuple[str, str]]] = {}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                sections.setdefault("Options", []).append(record)
        commands = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        rows = [(name, cmd.get_short_help_str(limit=200)) for name, cmd in commands
                if cmd is not None and not cmd.hidden]
        if rows:
            sections["Commands"] = rows
        _write_sections(formatter, sections)


def _write_sections(formatter: click.HelpFormatter, sections: dict[str, list[tuple[str, str]]]) -> None:
    names = [len(name) for rows in sections.values() for name, _ in rows]
    column = min(max(names, default=0), NAME_COLUMN) + 2
    for title, rows in sections.items():
        with formatter.section(title):
            for name, text in rows:
                _write_row(formatter, name, text, column)


class App(typer.Typer):
    """typer.Typer with tmforge's help layout, -h, and no shell-completion options."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("cls", HelpGroup)
        kwargs.setdefault("rich_markup_mode", None)
        kwargs.setdefault("add_completion", False)
        kwargs.setdefault("no_args_is_help", True)
        kwargs.setdefault("context_settings", dict(HELP_OPTIONS))
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Callable:
        kwargs.setdefault("cls", HelpCommand)
        return super().command(*args, **kwargs)


def print_version(value: bool) -> None:
    """The eager --version option's callback: `tmforge X.Y.Z` on stdout."""
    if value:
        typer.echo(f"{PROG} {tool_version()}")
        raise typer.Exit()


VERSION_OPTION = typer.Option(False, "--version", callback=print_version, is_eager=True,
                              help="Print the version (tmforge X.Y.Z) and exit.")


NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click >= 8.2


def usage_message(exc: click.exceptions.UsageError) -> str:
    """Click's message as one line, with where to read more."""
    text = " ".join(exc.format_message().replace("Value error, ", "").split())
    text = text[:1].lower() + text[1:]
    where = exc.ctx.command_path if exc.ctx is not None else PROG
    return f"{text.rstrip('.')}; see {where} --help"


INTERNAL_ERROR = 3
DEBUG_ENV = "TMFORGE_DEBUG"


def internal_error(exc: BaseException) -> int:
    """An exception no check foresaw: one line (the traceback only with --debug), exit 3."""
    if os.environ.get(DEBUG_ENV):
        import traceback

        traceback.print_exception(exc)
    if isinstance(exc, MemoryError):
        error_line("out of memory; give smaller inputs (or split them) and run again")
        return USAGE
    detail = (str(exc).splitlines() or [""])[0][:200]
    error_line(f"internal error ({type(exc).__name__}{': ' + detail if detail else ''}); nothing was written; "
               "this is a bug in tmforge: rerun with --debug for the traceback and report it")
    return INTERNAL_ERROR


def run(app: typer.Typer, args: list[str] | None = None, obj: Any = None) -> NoReturn:
    """Run the app and exit with the documented code; problems are one `error:` line on stderr.

    `obj` becomes the commands' context object (ctx.obj).
    """
    signals.install()  # SIGTERM/SIGHUP unwind like Ctrl-C: no partial file, one line
    signals.received = None  # only a signal during this command counts (the library may run several)
    args = list(sys.argv[1:] if args is None else args)
    if "--debug" in args:  # accepted anywhere on the line, not only before the command
        os.environ[DEBUG_ENV] = "1"
        args = [a for a in args if a != "--debug"]
    try:
        code = app(args=args, prog_name=PROG, standalone_mode=False, obj=obj)
    except TmforgeError as exc:
        error_line(str(exc))
        sys.exit(exc.exit_code)
    except NO_ARGS_IS_HELP as exc:  # `tmforge` alone: the help is the answer
        typer.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
        sys.exit(USAGE)
    except click.exceptions.UsageError as exc:
        error_line(usage_message(exc))
        sys.exit(USAGE)
    except click.exceptions.ClickException as exc:  # e.g. a file option click could not open
        error_line(exc.format_message())
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        code = INTERRUPTED
    except OSError as exc:  # disk full, a folder made read-only mid-run ...
        where = f" {exc.filename}" if exc.filename else ""
        error_line(f"cannot read or write{where}: {exc.strerror or exc}; check the disk and "
                   "permissions, then run again")
        sys.exit(USAGE)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        sys.exit(internal_error(exc))
    if code == INTERRUPTED and signals.received is not None:  # typer reports any KeyboardInterrupt as 130
        code = 128 + signals.received
        error_line(INTERRUPTED_MESSAGE.replace("interrupted", f"terminated ({signal.Signals(signals.received).name})", 1))
    elif code == INTERRUPTED:  # typer turns Ctrl-C into this exit code
        error_line(INTERRUPTED_MESSAGE)
    sys.exit(code if isinstance(code, int) else 0)
