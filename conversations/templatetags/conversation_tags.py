from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    """``{{ mapping|get_item:key }}``: look a key up in a dict, ``None`` when absent."""
    if not mapping:
        return None
    return mapping.get(key)
