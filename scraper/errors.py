"""Errors commentscope raises on bad input.

Every error carries what went wrong, where (a file, URL or line) and what the user can do about it.
The CLI prints ``str(error)`` as one line and exits 2; anything else is an internal error (exit 1).
"""

from __future__ import annotations


class CommentscopeError(Exception):
    """Bad input or bad usage: one line for the user, never a traceback."""

    def __init__(self, what: str, where: str | None = None, fix: str | None = None):
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        text = self.what
        if self.where:
            text = f"{self.where}: {text}"
        if self.fix:
            text = f"{text}; {self.fix}"
        return text


class InputError(CommentscopeError):
    """A source cannot be read: missing, a directory, empty, binary, unreadable."""


class FormatError(CommentscopeError):
    """A source is in no known format, or its content breaks the format it claims."""


class FetchError(CommentscopeError):
    """A URL could not be fetched within the fetcher's limits."""


class UsageError(CommentscopeError):
    """Options that do not fit together or name something unknown."""
