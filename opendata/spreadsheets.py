"""CSV that spreadsheets open as data, never as formulas: the one writer every CSV of the portal goes through."""

import csv
import re
from decimal import Decimal

# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number is read as a number and can carry no formula; serializers give decimals as such strings.
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def neutralise(value):
    """Prefix text that a spreadsheet would run as a formula with an apostrophe; numbers stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    if isinstance(value, int | float | Decimal | str) or value is None:
        return value
    return neutralise(str(value))


class SafeWriter:
    """A `csv.writer` whose every cell goes through `neutralise`."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)
