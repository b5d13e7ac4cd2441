"""Bulk actions: run a service on each selected object, then say what worked and why not.

The admin's one mapping of domain errors: a refusal becomes a message with the service's reason
(``refusal``), whether the action ran on one object or on many.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from claims.services.errors import DomainError

MAX_FAILURES_LISTED = 20


def refusal(exc: DomainError) -> str:
    """What the admin says when a service refuses."""
    return exc.message


def run_each(objects: Iterable[Any], operation: Callable[[Any], Any]) -> tuple[int, list]:
    """Apply ``operation`` to each object on its own; a refusal does not stop the others."""
    done, failures = 0, []
    for obj in objects:
        try:
            operation(obj)
        except DomainError as exc:
            failures.append((obj, refusal(exc)))
        else:
            done += 1
    return done, failures


def report(modeladmin: admin.ModelAdmin, request, *, verb: str, done: int, failures: list) -> None:
    """ "Approved 2 verdicts." and one warning per refused object with the service's reason."""
    opts = modeladmin.model._meta

    def noun(n: int) -> str:
        return opts.verbose_name if n == 1 else opts.verbose_name_plural

    if done or not failures:
        modeladmin.message_user(
            request, f"{verb.capitalize()} {done} {noun(done)}.", messages.SUCCESS
        )
    if failures:
        modeladmin.message_user(
            request, f"{len(failures)} {noun(len(failures))} not {verb}:", messages.WARNING
        )
    for obj, reason in failures[:MAX_FAILURES_LISTED]:
        modeladmin.message_user(
            request, f"{opts.verbose_name} {obj.pk} ({obj}): {reason}", messages.WARNING
        )
    if len(failures) > MAX_FAILURES_LISTED:
        modeladmin.message_user(
            request, f"… and {len(failures) - MAX_FAILURES_LISTED} more.", messages.WARNING
        )


def with_form(
    modeladmin: admin.ModelAdmin,
    request,
    queryset,
    *,
    form_class: type[forms.Form],
    title: str,
    submit: str,
    apply: Callable[[forms.Form], None],
):
    """An action that first asks for input (a reason) on an intermediate page, then applies it."""
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            apply(form)
            return None
    else:
        form = form_class()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "opts": modeladmin.model._meta,
        "queryset": queryset,
        "form": form,
        "action": request.POST.get("action", ""),
        "submit": submit,
        "selected_field": helpers.ACTION_CHECKBOX_NAME,
        "select_across": request.POST.get("select_across", "0"),
    }
    return TemplateResponse(request, "admin/claims/action_form.html", context)


class BulkActions:
    """Admin mixin: bulk actions that run a service on each selected object and report."""

    def apply_each(self, request, queryset, operation: Callable[[Any], Any], *, verb: str) -> None:
        """Run ``operation`` on each selected object, then say what worked and why not."""
        done, failures = run_each(queryset, operation)
        report(self, request, verb=verb, done=done, failures=failures)

    def apply_each_with_form(
        self,
        request,
        queryset,
        operation: Callable[[Any, dict], Any],
        *,
        verb: str,
        form_class: type[forms.Form],
    ):
        """Ask for input first (a reason) with ``form_class``, whose ``title`` and ``submit``
        label its page; then ``operation(obj, cleaned_data)`` runs on each selected object."""

        def apply(form: forms.Form) -> None:
            data = form.cleaned_data
            self.apply_each(request, queryset, lambda obj: operation(obj, data), verb=verb)

        return with_form(
            self,
            request,
            queryset,
            form_class=form_class,
            title=form_class.title,
            submit=form_class.submit,
            apply=apply,
        )
