"""Pausing the cyclic garbage collector around bulk reads and postings."""

import gc
import threading

from billing.x12.collector import cyclic_gc_paused


def test_collector_paused_then_restored_and_survivors_count_as_old():
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
        kept = [[n] for n in range(50_000)]  # what a read makes and returns
    assert gc.isenabled()
    assert gc.get_count()[0] < 1_000  # no collection of 50,000 young objects pending
    oldest = {id(obj) for obj in gc.get_objects(generation=2)}
    assert id(kept[0]) in oldest and id(kept[-1]) in oldest


def test_collector_stays_paused_until_the_last_concurrent_job_ends():
    inside, release = threading.Event(), threading.Event()

    def other_job():
        with cyclic_gc_paused():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=other_job)
    worker.start()
    inside.wait(5)
    with cyclic_gc_paused():
        pass
    assert not gc.isenabled()  # the other job is still running
    release.set()
    worker.join(5)
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled():
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_deliberate_freeze_is_kept():
    gc.freeze()  # as a server does before forking its workers
    try:
        frozen = gc.get_freeze_count()
        with cyclic_gc_paused():
            [[n] for n in range(1_000)]
        assert frozen and gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
