"""Small Arrow helpers shared by the decision modules: select rows by id, update where a mask
holds. Pure functions, no I/O."""

from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc


def listed(table: pa.Table, column: str, ids: Iterable[str]) -> pa.Array:
    """A mask: whether each row's `column` is one of `ids` (False for nulls)."""
    return pc.fill_null(pc.is_in(table[column], pa.array(list(ids), pa.string())), False)


def only(table: pa.Table, column: str, ids: Iterable[str]) -> pa.Table:
    """The rows of `table` whose `column` is one of `ids`."""
    return table.filter(listed(table, column, ids))


def without(table: pa.Table, column: str, ids: Iterable[str]) -> pa.Table:
    """The rows of `table` whose `column` is not one of `ids` (nulls are kept)."""
    return table.filter(pc.invert(listed(table, column, ids)))


def update_where(table: pa.Table, mask: Any, updates: dict[str, Any]) -> pa.Table:
    """Set columns to new values (a scalar or an array as long as the table) where `mask`
    holds; other rows keep theirs. Each column keeps its declared field."""
    for name, value in updates.items():
        index = table.schema.get_field_index(name)
        field = table.schema.field(index)
        if not isinstance(value, pa.Scalar | pa.Array | pa.ChunkedArray):
            value = pa.scalar(value, field.type)
        column = pc.if_else(mask, value, table[name]).cast(field.type)
        table = table.set_column(index, field, column)
    return table
