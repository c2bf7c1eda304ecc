"""What every form of the apps shares."""


def apply_errors(form, error, *, fields=None):
    """Put a service's ValidationError next to the fields it names (else above the form);
    `fields` maps a service's names to the form's where they differ."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = (fields or {}).get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
