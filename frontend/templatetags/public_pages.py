"""Template helpers for links to the public pages."""

from django import template

from claims.exports.claimreview import fact_check_path

register = template.Library()


@register.filter
def fact_check_url(claim) -> str:
    """The site path of a claim's public fact-check page."""
    return fact_check_path(claim)
