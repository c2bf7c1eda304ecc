from django import template

from core.cefr import plain_number

register = template.Library()


@register.filter
def plain(value):
    """A score as people write it: 100, 13.5."""
    return plain_number(value)
