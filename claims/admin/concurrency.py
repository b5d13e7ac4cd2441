"""Optimistic concurrency in the admin: a change form saved after someone else's change is refused."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from claims.selectors_audit import EVENT_MODELS, object_history

SEEN_FIELD = "concurrency_token"


def concurrency_token(obj) -> str:
    """What the form remembers of the row it showed: its version, else its updated_at."""
    if hasattr(obj, "version"):
        return f"v{obj.version}"
    return obj.updated_at.isoformat()


def _last_change(obj) -> str:
    if type(obj) not in EVENT_MODELS:
        return ""
    history = object_history(obj=obj)
    if not history:
        return ""
    last = history[-1]
    return f" (last by {last.actor} at {last.at:%Y-%m-%d %H:%M:%S} UTC)"


class ConcurrencyGuardedForm(forms.ModelForm):
    """Carries the token of the row it was rendered from; refuses to save over a newer row."""

    concurrency_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial[SEEN_FIELD] = concurrency_token(self.instance)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        # Locked until the admin's transaction commits, so nobody slips in between check and save.
        current = (
            type(self.instance)._default_manager.select_for_update().filter(pk=self.instance.pk)
        ).first()
        name = self.instance._meta.verbose_name
        if current is None:
            raise ValidationError(f"This {name} was deleted by someone else meanwhile.")
        if self.cleaned_data.get(SEEN_FIELD) != concurrency_token(current):
            raise ValidationError(
                f"This {name} was changed by someone else since you opened it"
                f"{_last_change(current)}. Nothing was saved: reload the page to see their "
                "change, then make yours again.",
                code="stale",
            )
        return cleaned


class ConcurrencyGuardMixin:
    """For ModelAdmins: guarded change forms; a model's ``version`` is bumped on every save."""

    form = ConcurrencyGuardedForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or any(SEEN_FIELD in opts.get("fields", ()) for _, opts in fieldsets):
            return fieldsets
        (title, first), *rest = fieldsets
        return [(title, {**first, "fields": [*first["fields"], SEEN_FIELD]}), *rest]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and hasattr(obj, "version") and "version" not in readonly:
            readonly.append("version")
        return readonly

    def save_model(self, request, obj, form, change):
        if change and hasattr(obj, "version"):
            obj.version += 1
        super().save_model(request, obj, form, change)
