"""Typed errors: the library raises these; only the CLI turns them into messages and exit codes."""


class UnmaskError(Exception):
    """Base of every error unmask raises on purpose."""


class InputError(UnmaskError, ValueError):
    """A file or argument that unmask cannot use at all (not a single bad record: those go to rejects)."""


class UnknownFormatError(InputError):
    """The layout of an input file could not be recognised and no --format was given."""


class StoreError(UnmaskError, RuntimeError):
    """The DuckDB store cannot be opened, read or written."""


class NotFoundError(UnmaskError, LookupError):
    """A campaign, account or page asked for by id does not exist."""


class NetworkError(UnmaskError, OSError):
    """Something had to be fetched over the network and could not be (offline, server error, timeout)."""
