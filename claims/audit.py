"""The audit trail: who is acting, as seen by the database triggers that record every change.

The event rows themselves are written by PostgreSQL (django-pghistory triggers on the tracked
tables, see the end of claims/models.py), so bulk updates and raw SQL are recorded too. This module
only puts the actor into the trigger's context (pghistory passes it to the database as a
transaction-local setting before each statement):

- HTTP requests: ``AuditMiddleware`` (the session user, and the API's token user once DRF has
  authenticated it, since DRF assigns the user to the underlying Django request);
- Celery tasks: ``system:<task name>``, from the task_prerun/task_postrun signals;
- management commands: ``system:<command>``, for commands built on ``AuditedCommand``;
- anything else (a psql session, a script without a context): no context, shown as "unknown".
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pghistory
import pgtrigger
import psycopg
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.wsgi import WSGIRequest
from django.core.management.base import BaseCommand
from django.db import connection
from pghistory import config as pghistory_config
from pghistory import runtime as pghistory_runtime
from pghistory.trigger import Event as PghistoryEventTrigger

UNKNOWN_ACTOR = "unknown"
ANONYMOUS_ACTOR = "anonymous"
SYSTEM_PREFIX = "system:"

# --- Recording "before and after" in the trigger ------------------------------------------------

# {column: [before, after]} for every column an UPDATE changed, computed by PostgreSQL itself.
# (No braces: pgtrigger formats the function body with str.format.)
_CHANGED_COLUMNS_SQL = (
    "(SELECT jsonb_object_agg(n.key, jsonb_build_array(o.value, n.value))"
    " FROM jsonb_each(to_jsonb(OLD)) AS o JOIN jsonb_each(to_jsonb(NEW)) AS n ON n.key = o.key"
    " WHERE o.value IS DISTINCT FROM n.value)"
)


def _summary_sql(value: str) -> str:
    """A text column's value as {"characters": n, "md5": hex}: which text, not the text."""
    return (
        f"CASE WHEN {value} IS NULL THEN NULL ELSE jsonb_build_object("
        f"'characters', length({value}), 'md5', md5({value})) END"
    )


def _changed_columns_sql(summarised: tuple[str, ...], as_text: frozenset[str] = frozenset()) -> str:
    """``_CHANGED_COLUMNS_SQL`` with each of ``summarised`` (large text columns) recorded by its
    length and digest when it changed, rather than its whole text before and after; a column in
    ``as_text`` (JSON) is summarised by its text."""
    if not summarised:
        return _CHANGED_COLUMNS_SQL
    if not all(c.isidentifier() for c in summarised):
        raise ImproperlyConfigured(f"not column names: {summarised!r}")
    minus = "".join(f" - '{c}'" for c in summarised)
    # column names from the model declarations, checked above
    changed = (
        "(SELECT jsonb_object_agg(n.key, jsonb_build_array(o.value, n.value))"  # noqa: S608
        f" FROM jsonb_each(to_jsonb(OLD){minus}) AS o"
        f" JOIN jsonb_each(to_jsonb(NEW){minus}) AS n ON n.key = o.key"
        " WHERE o.value IS DISTINCT FROM n.value)"
    )
    parts = [f"COALESCE({changed}, jsonb_build_object())"]
    for c in summarised:
        old, new = f'OLD."{c}"', f'NEW."{c}"'
        if c in as_text:
            old, new = f"({old})::text", f"({new})::text"
        parts.append(
            f"CASE WHEN {old} IS DISTINCT FROM {new} THEN jsonb_build_object('{c}', "
            f"jsonb_build_array({_summary_sql(old)}, {_summary_sql(new)})) "
            "ELSE jsonb_build_object() END"
        )
    return f"NULLIF({' || '.join(parts)}, jsonb_build_object())"


def _changed_columns_by_column_sql(
    columns: tuple[str, ...], summarised: tuple[str, ...], as_text: frozenset[str]
) -> str:
    """What ``_changed_columns_sql`` computes, written column by column over ``old_values`` and
    ``new_values`` (a statement trigger's transition tables, joined): the same object, with no
    conversion of whole rows to JSON and no join of their keys for each row."""
    if not all(c.isidentifier() for c in columns):
        raise ImproperlyConfigured(f"not column names: {columns!r}")
    parts = []
    for c in columns:
        old, new = f'old_values."{c}"', f'new_values."{c}"'
        if c in summarised:
            if c in as_text:
                old, new = f"({old})::text", f"({new})::text"
            pair = f"jsonb_build_array({_summary_sql(old)}, {_summary_sql(new)})"
        else:
            pair = f"jsonb_build_array(to_jsonb({old}), to_jsonb({new}))"
        parts.append(
            f"CASE WHEN {old} IS DISTINCT FROM {new} THEN jsonb_build_object('{c}', {pair}) "
            "ELSE jsonb_build_object() END"
        )
    return f"NULLIF({' || '.join(parts)}, jsonb_build_object())"


class _UpdateWithChangesTrigger(PghistoryEventTrigger):
    """pghistory's event trigger, also storing the changed columns' old and new values.

    At the statement level, one INSERT ... SELECT over the statement's transition tables writes
    the events of every row it changed. JIT compilation is off for that INSERT: the planner cannot
    estimate a transition table's join, and compiling its plan cost more than running it (0.3 s
    for 5,000 claims)."""

    def __init__(self, *args, summarised: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.summarised = summarised
        if self.level == pgtrigger.Statement:
            self.declare = [("_jit", "text")]

    def get_func(self, model):
        func = super().get_func(model)
        table = self.event_model._meta.db_table
        head = f'INSERT INTO "{table}" ('
        statement = self.level == pgtrigger.Statement
        values = ") SELECT " if statement else ") VALUES ("
        rows = "SELECT new_values.* FROM {cond_new_values}"
        if (
            func.func.count(head) != 1
            or func.func.count(values) != 1
            or (statement and func.func.count(rows) != 1)
        ):
            raise ImproperlyConfigured(
                "django-pghistory's trigger SQL changed shape; update claims.audit"
            )
        as_text = frozenset(
            c
            for c in self.summarised
            if model._meta.get_field(c).get_internal_type() in ("JSONField", "ArrayField")
        )
        summarised_columns = tuple(model._meta.get_field(c).column for c in self.summarised)
        if not statement:
            changes = _changed_columns_sql(self.summarised, as_text)
            sql = func.func.replace(head, head + '"pgh_changes", ').replace(
                values, values + changes + ", "
            )
            return pgtrigger.Func(sql)
        columns = tuple(f.column for f in model._meta.concrete_fields)
        as_text_columns = frozenset(model._meta.get_field(c).column for c in as_text)
        changes = _changed_columns_by_column_sql(columns, summarised_columns, as_text_columns)
        sql = (
            func.func.replace(head, head + '"pgh_changes", ')
            .replace(values, values + 'new_values."_pgh_changes", ')
            .replace(
                rows,
                # column names from the model declarations, checked where they are written in
                f"SELECT new_values.*, {changes} AS _pgh_changes FROM {{cond_joined_values}}",  # noqa: S608
            )
        )
        start = sql.index("WITH _pgh_attached_context")
        end = sql.index("RETURN NULL;", start)
        sql = (
            sql[:start]
            + "_jit := current_setting('jit'); PERFORM set_config('jit', 'off', true); "
            + sql[start:end]
            + "PERFORM set_config('jit', _jit, true); "
            + sql[end:]
        )
        return pgtrigger.Func(sql)


class AuditUpdateEvent(pghistory.UpdateEvent):
    """Record updates (the new row), with the before and after of each changed column."""

    def __init__(self, *args, summarised: tuple[str, ...] = (), **kwargs):
        if summarised and "condition" not in kwargs:
            # pghistory fires on a change of the event model's fields, which leave these out: a
            # change of any column is recorded.
            kwargs["condition"] = pgtrigger.Condition("OLD.* IS DISTINCT FROM NEW.*")
        super().__init__(*args, **kwargs)
        self.summarised = summarised

    def add_event_trigger(self, event_model):
        pgtrigger.register(
            _UpdateWithChangesTrigger(
                event_model=event_model,
                label=self.label,
                name=self.trigger_name,
                row=self.row,
                operation=self.operation,
                condition=self.condition,
                level=self.level,
                summarised=self.summarised,
            )
        )(event_model.pgh_tracked_model)


def audit_event_model(
    tracked_model,
    *,
    base_model,
    summarised: tuple[str, ...] = (),
    bulk_inserts: bool = False,
    bulk_updates: bool = False,
    inserts: bool = True,
    update_condition: pgtrigger.Condition | None = None,
    exclude: tuple[str, ...] = (),
):
    """An abstract, append-only event model recording every insert, update and delete.

    The columns in ``summarised`` (large texts kept elsewhere, append-only) are left out of the
    event rows; an update that changes one records its length and md5 before and after. With
    ``bulk_inserts``, the insert events of one statement are written by one statement-level
    trigger from its transition table (one INSERT ... SELECT), not by a trigger call per row;
    with ``bulk_updates``, so are the update events of one statement (its old and new rows
    joined). Without ``inserts``, only updates (those meeting ``update_condition``, when given) and
    deletes are recorded; ``exclude`` leaves columns out of the event rows altogether.
    """
    insert_level = pghistory.Statement if bulk_inserts else None
    update_options = {"condition": update_condition} if update_condition is not None else {}
    if bulk_updates:
        update_options["level"] = pghistory.Statement
    trackers = [
        AuditUpdateEvent(trigger_name="audit_update", summarised=summarised, **update_options),
        pghistory.DeleteEvent(trigger_name="audit_delete"),
    ]
    if inserts:
        trackers.insert(0, pghistory.InsertEvent(trigger_name="audit_insert", level=insert_level))
    return pghistory.create_event_model(
        tracked_model,
        *trackers,
        exclude=[*summarised, *exclude] or None,
        base_model=base_model,
        obj_field=pghistory.ObjForeignKey(
            related_name="audit_events", related_query_name="audit_event"
        ),
        # The context is stored in each event row (not in a shared, mutable context table), so an
        # event is complete on its own and the append-only trigger protects all of it.
        context_field=pghistory.ContextJSONField(),
        context_id_field=pghistory.ContextUUIDField(),
        append_only=True,
    )


# --- The actor ----------------------------------------------------------------------------------


def _current_metadata() -> dict[str, Any] | None:
    tracker = getattr(pghistory_runtime._tracker, "value", None)
    return tracker.metadata if tracker is not None else None


def user_metadata(user: Any) -> dict[str, Any]:
    """The context naming a user (or the anonymous visitor)."""
    if user is not None and getattr(user, "is_authenticated", False) and user.pk is not None:
        return {"user": user.pk, "actor": user.get_username()}
    return {"user": None, "actor": ANONYMOUS_ACTOR}


@contextlib.contextmanager
def audit_context(**metadata: Any) -> Iterator[None]:
    """Attribute the database changes made inside to ``metadata`` (``actor``, ``user`` ...).

    Nested inside another context (a task run eagerly in a request), the outer metadata is
    restored on the way out.
    """
    outer = _current_metadata()
    saved = dict(outer) if outer is not None else None
    try:
        with pghistory.context(**metadata):
            try:
                yield
            finally:
                if outer is not None and saved is not None:
                    outer.clear()
                    outer.update(saved)
    finally:
        if outer is None:
            _clear_database_context()


def _clear_database_context() -> None:
    """Forget the actor in the open transaction, so later writes in it are not attributed to it.

    pghistory passes the context as transaction-local settings; leaving the outermost context
    inside a transaction that goes on (a task run in a larger transaction) would otherwise leave
    the last actor in place until COMMIT.
    """
    raw = connection.connection
    if raw is None or not connection.in_atomic_block:
        return
    if raw.info.transaction_status != psycopg.pq.TransactionStatus.INTRANS:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pghistory.context_id', '', true),"
            " set_config('pghistory.context_metadata', '', true)"
        )


def system_actor(name: str) -> str:
    return f"{SYSTEM_PREFIX}{name}"


# --- HTTP ---------------------------------------------------------------------------------------


class _AuditedRequest:
    """Updates the actor whenever ``request.user`` is assigned (login, logout, DRF auth)."""

    def __setattr__(self, attr: str, value: Any) -> None:
        if attr == "user":
            pghistory.context(**user_metadata(value))
        super().__setattr__(attr, value)


class _AuditedWSGIRequest(_AuditedRequest, WSGIRequest):
    pass


class _AuditedASGIRequest(_AuditedRequest, ASGIRequest):
    pass


class AuditMiddleware:
    """Puts the requesting user (and the path) into the audit context of the request.

    Must come after AuthenticationMiddleware. DRF authenticates later, in the view, and assigns
    the user to this same request object, which updates the context before any write.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in pghistory_config.middleware_methods():
            return self.get_response(request)
        with audit_context(url=request.path, **user_metadata(getattr(request, "user", None))):
            if isinstance(request, WSGIRequest):
                request.__class__ = _AuditedWSGIRequest
            elif isinstance(request, ASGIRequest):
                request.__class__ = _AuditedASGIRequest
            return self.get_response(request)


# --- Celery -------------------------------------------------------------------------------------

_task_contexts: dict[str, contextlib.ExitStack] = {}


def on_task_prerun(sender=None, task_id=None, task=None, **kwargs) -> None:
    """task_prerun receiver: the task's writes are made by ``system:<task name>``."""
    stack = contextlib.ExitStack()
    stack.enter_context(
        audit_context(actor=system_actor(task.name), user=None, task_id=task_id, url=None)
    )
    _task_contexts[task_id] = stack


def on_task_postrun(sender=None, task_id=None, **kwargs) -> None:
    """task_postrun receiver: leave the task's context."""
    stack = _task_contexts.pop(task_id, None)
    if stack is not None:
        stack.close()


def connect_celery_signals() -> None:
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(on_task_prerun, weak=False, dispatch_uid="claims.audit.task_prerun")
    task_postrun.connect(on_task_postrun, weak=False, dispatch_uid="claims.audit.task_postrun")


# --- Management commands ------------------------------------------------------------------------


class AuditedCommand(BaseCommand):
    """A management command whose writes are made by ``system:<command>``."""

    def execute(self, *args, **options):
        name = type(self).__module__.rsplit(".", 1)[-1]
        with audit_context(actor=system_actor(name), user=None):
            return super().execute(*args, **options)
