from decimal import Decimal

from markupsafe import Markup

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..models.sfa_bulk import array_literal


@tagged("post_install", "-at_install")
class TestBulkSql(TransactionCase):
    """The array text the bulk writers pass as one parameter reads back as the values."""

    def _read_back(self, values, sql_type):
        return self.env.execute_query(SQL("SELECT %s::%s[]", array_literal(values), SQL(sql_type)))[
            0
        ][0]

    def test_text_round_trip(self):
        values = ['say "no", ok', "back\\slash", "{braces}", "NULL", "", "a\nb", None, "中文 'q'"]
        self.assertEqual(self._read_back(values, "text"), values)

    def test_number_and_flag_round_trip(self):
        self.assertEqual(self._read_back([1, None, 3], "int4"), [1, None, 3])
        self.assertEqual(self._read_back([True, False], "bool"), [True, False])
        # numbers as written (exact decimals, not binary floats)
        numbers = self.env.execute_query(
            SQL(
                "SELECT %s::numeric[]::text[]",
                array_literal([1.5, 1e-05, 123456789.125, None, -2.0, 0.1, Decimal("2.50")]),
            )
        )[0][0]
        self.assertEqual(numbers, ["1.5", "0.00001", "123456789.125", None, "-2.0", "0.1", "2.50"])

    def test_markup_reads_back_as_its_text(self):
        """A Markup (a str subclass that escapes what replace() inserts) is written as the
        plain text it holds, quotes and backslashes escaped for the array only."""
        values = [Markup('<p class="x">a\\b</p>')]
        self.assertEqual(self._read_back(values, "text"), ['<p class="x">a\\b</p>'])

    def test_empty(self):
        self.assertEqual(array_literal([]), "{}")
        self.assertEqual(self._read_back([], "int4"), [])
