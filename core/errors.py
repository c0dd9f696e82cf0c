"""The one exception type for problems a user can fix."""


class TmforgeError(Exception):
    """Bad input, options or output location; the message says what to do.

    `exit_code` follows the documented CLI convention: 2 for usage and input
    errors.
    """

    exit_code = 2


# Ctrl-C (and, like it, a termination signal): the documented exit code and the one line printed.
INTERRUPTED = 130
INTERRUPTED_MESSAGE = ("interrupted; no partial file was left (files finished before stay); "
                       "run the command again to redo the rest")
