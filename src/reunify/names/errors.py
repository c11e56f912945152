"""Errors raised by the normalisation functions.

Every error is a ``ValueError`` whose message names the offending value and the
form that was expected, because feed readers show the message, unchanged, to the
agency's data officer as the reason a row was quarantined.
"""

from __future__ import annotations


class NormalisationError(ValueError):
    """A value could not be brought into its canonical form."""


class InvalidIdentifier(NormalisationError):
    """An A-number or FIN is not made of the expected number of digits."""


class InvalidDate(NormalisationError):
    """A date or date-time is not in the column's documented form, or is impossible."""


class UnknownCountry(NormalisationError):
    """A country name or code that we cannot map to an ISO 3166-1 alpha-2 code."""
