"""Page-number pagination on every list; clients may ask for up to 200 items a page."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination

from claims.api.pgjson import PageJSON, page_rows

_MAX_OFFSET = 2**63 - 1


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_json(self, queryset, document, request) -> PageJSON | None:
        """A page rendered by the database (one query, count included), or None to page as usual.

        None for what the usual path answers best: "last", a page number that is not a plain
        positive integer, an empty page (an empty list, or a 404 past the end), and an ordering
        the database page cannot repeat.
        """
        self.request = request
        page_size = self.get_page_size(request)
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings or not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            return None
        number = int(raw)
        if (number - 1) * page_size > _MAX_OFFSET:  # PostgreSQL's OFFSET is a bigint
            return None
        found = page_rows(queryset, document, offset=(number - 1) * page_size, limit=page_size)
        if found is None:
            return None
        items, total = found
        paginator = self.django_paginator_class(queryset, page_size)
        paginator.__dict__["count"] = total  # the cached property, known from the page query
        self.page = paginator.page(number)
        head = {"count": total, "next": self.get_next_link(), "previous": self.get_previous_link()}
        return PageJSON(head, items)
