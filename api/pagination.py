"""Page-number pagination with a caller-chosen page size of at most 200.

A `page_size` given must be a whole number from 1 (400 otherwise: a client that sends `null` or
`abc` has a bug, and a silent default page would hide it); above 200 it is read as 200. A `page`
that is no page of the list answers 404, as DRF does, an empty `?page=` included."""

import re
from typing import Any

from django.core.paginator import Paginator
from django.utils.encoding import force_str
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination as BasePageNumberPagination
from rest_framework.request import Request

WHOLE_NUMBER = re.compile(r"[0-9]+", re.ASCII)


class PageNumberPagination(BasePageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
    page_query_description = "A page number from 1; past the last page, 404."
    page_size_query_description = (
        f"Results per page, from 1 (default {BasePageNumberPagination.page_size}); a larger value "
        f"than {max_page_size} is read as {max_page_size}."
    )

    def get_page_size(self, request: Request) -> int | None:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = int(raw) if WHOLE_NUMBER.fullmatch(raw) else 0
        if size < 1:
            raise ValidationError(
                {self.page_size_query_param: ["A whole number from 1 (at most 200 is used)."]}
            )
        return min(size, self.max_page_size)

    def get_page_number(self, request: Request, paginator: Paginator[Any]) -> int | str:
        """As DRF's, except that an empty `?page=` is no page (404), not page 1."""
        number = request.query_params.get(self.page_query_param)
        if number is None:
            return 1
        if number in self.last_page_strings:
            return paginator.num_pages
        return number

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """The bounds the two parameters are checked against, so that schema and answers agree:
        no maximum for `page_size`, since a larger one is accepted (and read as 200)."""
        bounds = {"type": "integer", "minimum": 1}
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": force_str(self.page_query_description),
                "schema": dict(bounds),
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": force_str(self.page_size_query_description),
                "schema": dict(bounds),
            },
        ]
