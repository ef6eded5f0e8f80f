"""@record: frozen dataclasses built through their slots behave as frozen dataclasses."""

import dataclasses
import pickle
from dataclasses import FrozenInstanceError, replace

import pytest

from billing.x12.reader835 import Adjustment835
from billing.x12.records import record


@record
class Point:
    x: int
    y: int = 0
    label: str = "origin"


def test_a_record_is_built_like_a_dataclass():
    assert Point(1, 2) == Point(x=1, y=2) == Point(1, y=2, label="origin")
    assert Point(3).y == 0 and Point(3).label == "origin"
    assert repr(Point(1, 2)) == "Point(x=1, y=2, label='origin')"
    assert hash(Point(1, 2)) == hash(Point(1, 2))
    assert replace(Point(1, 2), y=5) == Point(1, 5)
    assert dataclasses.is_dataclass(Point) and not hasattr(Point(1), "__dict__")
    assert pickle.loads(pickle.dumps(Point(1, 2))) == Point(1, 2)
    with pytest.raises(TypeError):
        Point()  # x is required
    with pytest.raises(TypeError):
        Point(1, 2, "a", "extra")


def test_a_record_is_frozen():
    point = Point(1, 2)
    with pytest.raises(FrozenInstanceError):
        point.x = 3
    adjustment = Adjustment835("CO", "45", 1, None, "", 1)
    with pytest.raises(FrozenInstanceError):
        adjustment.amount = 0


def test_fields_with_factories_are_refused():
    with pytest.raises(TypeError, match="plain default"):

        @record
        class Bag:
            items: list = dataclasses.field(default_factory=list)


def test_post_init_is_refused():
    with pytest.raises(TypeError, match="__post_init__"):

        @record
        class Checked:
            x: int

            def __post_init__(self):
                pass
