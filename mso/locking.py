"""Row locks for read-modify-write services."""


def lock_fresh(instance) -> None:
    """Lock the row for the rest of the transaction and reload it: two people correcting the
    same record one after the other, never over each other's change."""
    type(instance).objects.select_for_update().filter(pk=instance.pk).exists()
    instance.refresh_from_db()
