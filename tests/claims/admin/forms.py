"""Build the POST an admin change form would send, from the form the admin rendered."""

from __future__ import annotations

from django import forms


def _field_data(prefix_name: str, bound_field) -> dict[str, object]:
    widget = bound_field.field.widget
    value = bound_field.value()
    if isinstance(widget, forms.MultiWidget):
        parts = widget.decompress(value) if not isinstance(value, list) else value
        return {
            f"{prefix_name}{suffix}": "" if part is None else part
            for suffix, part in zip(widget.widgets_names, parts, strict=False)
        }
    if isinstance(widget, forms.CheckboxInput):
        return {prefix_name: "on"} if value else {}
    if isinstance(widget, forms.SelectMultiple):
        return {prefix_name: [str(v) for v in (value or [])]}
    return {prefix_name: "" if value is None else value}


def _form_data(form) -> dict[str, object]:
    data: dict[str, object] = {}
    for name in form.fields:
        data.update(_field_data(form.add_prefix(name), form[name]))
    return data


def admin_form_data(response, **changes) -> dict[str, object]:
    """The data of the change form in ``response`` (with its inlines), updated with ``changes``."""
    context = response.context
    data = _form_data(context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.forms:
            data.update(_form_data(form))
    data.update(changes)
    return data
