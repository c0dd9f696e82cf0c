"""The one exception type for problems a user can fix."""


class TmforgeError(Exception):
    """Bad input, options or output location; the message says what to do.

    `exit_code` follows the documented CLI convention: 2 for usage and input
    errors.
    """

    exit_code = 2
