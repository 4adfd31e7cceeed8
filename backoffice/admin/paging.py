"""A paginator for the admin's long lists: it counts up to a cap, not every row.

An exact COUNT(*) of a million cases on every page of the case list costs more than the page
itself; past ten thousand, the exact number tells a manager nothing they would act on, and they
filter or search instead. Counting stops at `cap + 1` rows (a subquery with a LIMIT, served by the
list's own index), the page says "more than 10,000 cases", and pages run to the cap.
"""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet


class CappedCountPaginator(Paginator[Any]):
    cap = 10_000

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return rows[: self.cap + 1].count()
        return len(rows)

    @property
    def capped(self) -> bool:
        return self.count > self.cap
