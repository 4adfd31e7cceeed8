"""Pages of a list read without counting it: what every case list of the pages uses.

An exact COUNT(*) of the rows a list holds was the slowest part of a case list at a million cases
(224 ms), and the total tells a reader nothing they act on: they filter instead. A page reads
`size + 1` rows; the extra one only says that there is a next page. Pagination then says
"Page 3 · cases 51 to 75" with Previous and Next (templates/components/pagination.html).
"""

from collections.abc import Sequence
from typing import Generic, TypeVar

from django.db.models import Model, QuerySet

T = TypeVar("T", bound=Model)


class Window(Generic[T]):
    """One page of `items`: its rows (`object_list`), whether pages come before and after it, and
    the positions of its first and last rows."""

    def __init__(self, items: QuerySet[T], size: int, number: int) -> None:
        self.number = max(number, 1)
        self.size = size
        start = (self.number - 1) * size
        fetched = list(items[start : start + size + 1])
        self.object_list: Sequence[T] = fetched[:size]
        self.has_next = len(fetched) > size
        self.has_previous = self.number > 1
        self.previous_page_number = self.number - 1
        self.next_page_number = self.number + 1
        self.start_index = start + 1 if self.object_list else 0
        self.end_index = start + len(self.object_list)


PAGE_SIZES = (25, 50, 100)


def page_size_of(value: str | None) -> int:
    try:
        size = int(value or "")
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


def page_number_of(value: str | None) -> int:
    try:
        number = int(value or "1")
    except ValueError:
        return 1
    return min(max(number, 1), 100_000)
