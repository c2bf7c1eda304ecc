"""Integer lookups that a number beyond the column's range cannot crash.

Django answers `id=<30 digits>` with an empty result, but `id__in=[<30 digits>]` (what a
multiple-choice form field asks) reaches the database driver, which raises OverflowError on
SQLite and "out of range" on PostgreSQL. Such a number matches no row, so it is left out.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
