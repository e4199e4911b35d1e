"""Numbers as Vietnamese staff type them: a decimal comma ("66,67"), or a dot ("66.67")."""

from decimal import Decimal, InvalidOperation


def decimal_from_text(text):
    """The Decimal that "66,67", "66.67", "1.000,5" or "1 000,5" means; ValueError otherwise.

    A comma is the decimal mark and dots then group thousands; without a comma, a dot is the
    decimal mark (what a number pad or an English keyboard gives)."""
    raw = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not value.is_finite():
        raise ValueError(text)
    return value
