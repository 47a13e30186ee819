"""Errors that speak to the user: each carries one line that says what is wrong and what to do."""


class GongkaiError(Exception):
    """Base of the errors the command line prints as one line, without a traceback."""


class StoreError(GongkaiError):
    """The database cannot be opened, reached or migrated."""


class ConfigError(GongkaiError):
    """A site config, catalog or settings file is malformed (the message names file and field)."""
