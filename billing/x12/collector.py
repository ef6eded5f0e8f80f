"""Pausing Python's cyclic garbage collector around bulk work.

Reading or posting a large file allocates several objects per segment or row (segments, loop
nodes, row tuples) that stay alive until the work ends, and it makes no reference cycles worth
collecting: the collector would only rescan the growing heap, again and again (about a third
of the time of a large 835). Reference counting still frees memory as usual.
"""

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_active = 0  # bulk jobs in progress (in any thread) while the collector is paused
_was_enabled = False


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """The collector's previous state comes back when the last paused job (in any thread)
    ends; nested and concurrent uses are fine."""
    global _active, _was_enabled
    with _lock:
        if _active == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                _age_survivors()
                if _was_enabled:
                    gc.enable()


def _age_survivors() -> None:
    """Count what the paused work made and kept (the file just read) as old objects.

    Everything allocated during the pause is still in the youngest generation, so the first
    collection after it would scan every survivor: a quarter of the time of reading a large
    835. freeze() then unfreeze() moves every tracked object to the oldest generation (and
    resets the young count) without scanning anything; the next full collection looks at them
    as it looks at any long-lived object, so nothing escapes collection. (Cycles that other
    threads made meanwhile are aged too: they are freed at that full collection, later than
    they would have been.) A process that froze objects on purpose (gc.freeze() before
    forking workers, for copy-on-write) keeps its freeze: unfreeze() would undo it, so then
    the survivors are left to the young collection."""
    if gc.get_freeze_count():
        return
    gc.freeze()
    gc.unfreeze()
