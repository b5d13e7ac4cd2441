"""List pages rendered by PostgreSQL: each item's JSON written by the query that reads it.

A page of 50 claims cost Python most of its time in building the ORM query, loading timestamps and
JSON, converting them back to text and encoding the page. Here Django builds only the filtered
query (who may see what, the filters), and a fixed SQL wrapper orders it, counts it (a window, so
one statement answers a page), limits it and writes each item's JSON text: the same fields, in the
same order and formats, as the item's serializer. Python joins the texts.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from rest_framework.renderers import JSONRenderer


def sql_timestamp(column: str) -> str:
    """A timestamptz as DRF writes it: ISO 8601 in UTC, 'Z', microseconds only when non-zero."""
    return (
        f"(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN date_part('microseconds', {column})::integer %% 1000000 = 0"
        f" THEN '' ELSE to_char({column} AT TIME ZONE 'UTC', '.US') END || 'Z')"
    )


def sql_object(pairs: Iterable[tuple[str, str]]) -> str:
    """json_build_object over (key, SQL expression) pairs; json keeps the keys' order (jsonb sorts)."""
    args = ", ".join(f"'{key}', {expression}" for key, expression in pairs)
    return f"json_build_object({args})"


class PageDocument:
    """How one model's list items are written: the JSON expression and the joins it reads.

    `select` reads the page's rows as alias `c` and may use the aliases its `joins` introduce.
    """

    def __init__(self, *, table: str, select: str, joins: str = ""):
        self.table = table
        self.select = select
        self.joins = joins


def page_rows(
    queryset, document: PageDocument, *, offset: int, limit: int
) -> tuple[list[str], int] | None:
    """One query: the JSON text of a page's items in the queryset's order, and the total.

    None for an empty page (past the end, or nothing matches: it says nothing about the total)
    and when the queryset's ordering is not on the model's own columns (page it as usual).
    """
    model = queryset.model
    keys = []  # (attname, column, descending): the ordering, then the primary key
    for name in [*(queryset.query.order_by or model._meta.ordering), "pk"]:
        descending = isinstance(name, str) and name.startswith("-")
        try:
            field = model._meta.pk if name == "pk" else model._meta.get_field(name.lstrip("-"))
        except (FieldDoesNotExist, AttributeError):
            return None
        if not getattr(field, "column", None):
            return None
        keys.append((field.attname, field.column, descending))
    # Django writes the filtered rows (who may see what, the filters); ordering its query would
    # cost more Python than the whole page, so the wrapper orders, counts and limits.
    attnames = list(dict.fromkeys(attname for attname, _, _ in keys))
    inner, params = queryset.order_by().values_list(*attnames).query.sql_with_params()
    position = {attname: f"k{i}" for i, attname in enumerate(attnames)}
    inner_order = ", ".join(f"f.{position[a]}{' DESC' if d else ''}" for a, _, d in keys)
    outer_order = ", ".join(f'c."{column}"{" DESC" if d else ""}' for _, column, d in keys)
    pk = position[model._meta.pk.attname]
    # Only names from the models and Django's own SQL go into the text; values stay parameters.
    sql = (
        f"SELECT p.total, ({document.select})::text FROM ("  # noqa: S608
        f"SELECT f.{pk} AS id, COUNT(*) OVER () AS total"
        f" FROM ({inner}) AS f({', '.join(position.values())})"
        f" ORDER BY {inner_order} LIMIT %s OFFSET %s) AS p"
        f" JOIN {connection.ops.quote_name(document.table)} c ON c.id = p.id {document.joins}"
        f" ORDER BY {outer_order}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, limit, offset))
        rows = cursor.fetchall()
    if not rows:
        return None
    return [doc for _, doc in rows], rows[0][0]


class PageJSON:
    """A list page whose items are already JSON text; ProjectJSONRenderer splices them in."""

    __slots__ = ("head", "items")

    def __init__(self, head: dict, items: list[str]):
        self.head = head
        self.items = items


class ProjectJSONRenderer(JSONRenderer):
    """DRF's JSON renderer, which also writes pages the database rendered (PageJSON)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, PageJSON):
            head = super().render(data.head, accepted_media_type, renderer_context)
            body = ",".join(data.items).encode()
            return head[: head.rindex(b"}")] + b',"results":[' + body + b"]}"
        return super().render(data, accepted_media_type, renderer_context)
