"""The strict base of every model of input data (the design, catalogs, image recipes): unknown keys are
errors, values are immutable once loaded, and numbers and booleans are taken only as YAML wrote them."""

from functools import cache
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator


class Model(BaseModel):
    """Base of every input model: unknown keys are errors, values are immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    @field_validator("*", mode="before")
    @classmethod
    def _strict_scalars(cls, value: Any, info: ValidationInfo) -> Any:
        """Numbers and booleans as YAML wrote them: pydantic's lax mode would read `vlan: true` and
        `asn: yes` as 1, `mtu: "9000"` as 9000 and `thin: 1` as true, hiding a mistake in the design."""
        kind = type(value)
        if info.field_name is None or kind not in _YAML_TYPE:
            return value
        accepted = _field_scalars(cls, info.field_name)
        if kind in accepted:
            return value
        if int in accepted:
            raise ValueError(f"must be a whole number, not {_YAML_TYPE[kind]}")
        if bool in accepted:
            raise ValueError(f"must be true or false, not {_YAML_TYPE[kind]}")
        return value


_YAML_TYPE = {bool: "true/false", str: "text", float: "a decimal number", int: "a number"}


@cache
def _field_scalars(model: type[BaseModel], field: str) -> frozenset[type]:
    return frozenset(_scalar_types(model.model_fields[field].annotation))


def _scalar_types(annotation: Any) -> set[type]:
    """The plain scalar types an annotation accepts: int for `int`, `Annotated[int, ...]`, `int | None`."""
    if annotation in (bool, str, float, int):
        return {annotation}
    if get_origin(annotation) is Annotated:
        return _scalar_types(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        return set().union(*(_scalar_types(arg) for arg in get_args(annotation)))
    if get_origin(annotation) is Literal:
        return {type(arg) for arg in get_args(annotation)}
    return set()
