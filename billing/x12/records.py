"""`@record`: a frozen dataclass that is quick to build, for the values a file holds by the
hundred thousand (segments, and the claims, lines and adjustments of an 835).

A frozen dataclass's generated `__init__` sets each field through `object.__setattr__`
(frozen forbids plain assignment), which costs more than everything else in building the
object. A record is the same frozen, slotted dataclass (equality, repr, hash, `replace()`,
`FrozenInstanceError` on assignment) whose `__init__` fills each slot through the slot's own
descriptor instead: about twice as fast for positional arguments.
"""

from dataclasses import MISSING, dataclass, fields
from typing import TypeVar

__all__ = ["record"]

T = TypeVar("T")


def record(cls: type[T]) -> type[T]:
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: a record has no __post_init__")
    cls = dataclass(frozen=True, slots=True)(cls)
    namespace: dict[str, object] = {}
    parameters, body = [], []
    for item in fields(cls):
        if item.default_factory is not MISSING or not item.init:
            raise TypeError(f"{cls.__name__}.{item.name}: a record field takes a plain default")
        namespace[f"_set_{item.name}"] = cls.__dict__[item.name].__set__
        if item.default is MISSING:
            parameters.append(item.name)
        else:
            namespace[f"_default_{item.name}"] = item.default
            parameters.append(f"{item.name}=_default_{item.name}")
        body.append(f"    _set_{item.name}(self, {item.name})")
    source = f"def __init__(self, {', '.join(parameters)}):\n" + "\n".join(body or ["    pass"])
    exec(source, namespace)  # noqa: S102 - generated from the field names, as dataclass does
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init
    return cls
