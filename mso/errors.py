class FieldErrors(Exception):  # noqa: N818 - a bundle of field errors, not one error
    """A request that the rules refuse, with messages per field so that forms and the API can
    show them where they belong. `__all__` holds messages about the request as a whole."""

    def __init__(self, errors: dict[str, list[str]] | str):
        if isinstance(errors, str):
            errors = {"__all__": [errors]}
        self.errors = errors
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
