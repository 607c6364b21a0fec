"""The exception types a user can see; every message names the fix."""

from __future__ import annotations


class MscqaError(Exception):
    """Base class: shown as one line at the edge (CLI or app), with `exit_code`."""

    exit_code = 1


class UsageError(MscqaError):
    """Bad input from the user: empty question, unknown option value, oversize text."""

    exit_code = 2


class CorpusError(MscqaError):
    """An article file that cannot be used; the message names the file and the field or line."""


class IndexError_(MscqaError):
    """Base for index problems (trailing underscore: `IndexError` is a builtin)."""


class IndexMissingError(IndexError_):
    """No index has been built in the index folder."""


class IndexCorruptError(IndexError_):
    """Index files are damaged, incomplete or of an unknown format version."""


class IndexMismatchError(IndexError_):
    """The index was built with another embedding model than the one configured."""


class IndexBusyError(IndexError_):
    """Another build or update holds the index lock."""


class IndexWriteError(IndexError_):
    """A build or update could not write its files (disk full, no permission); nothing changed."""
