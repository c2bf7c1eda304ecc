from django import template
from django.template.base import render_value_in_context
from django.utils.safestring import mark_safe

from core.cefr import plain_number

register = template.Library()


@register.filter
def plain(value):
    """A score as people write it: 100, 13.5."""
    return plain_number(value)


@register.simple_tag(takes_context=True)
def table_rows(context, rows, *, first_is_header=True, cell_class=""):
    """The body rows of a table of figures, exactly as nested `{% for %}` loops render them
    (each value localised and escaped as `{{ value }}` would be), in a fraction of the time: a
    dashboard shows thousands of cells. With `first_is_header` the first cell of a row is its
    row header."""
    td = f'<td class="{cell_class}">' if cell_class else "<td>"
    parts = []
    for row in rows:
        parts.append("<tr>")
        for index, value in enumerate(row):
            text = render_value_in_context(value, context)
            if index == 0 and first_is_header:
                parts.append(f'<th scope="row">{text}</th>')
            else:
                parts.append(f"{td}{text}</td>")
        parts.append("</tr>")
    return mark_safe("".join(parts))
