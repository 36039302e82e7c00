"""`insert(obj)`: Model.save() for a new row on a hot write path, at less than half the cost.

The ORM compiles every INSERT afresh (query object, compiler, field resolution) and sends
signals; inside a transaction that holds a lock (SQLite's one write lock, the audit chain's
head row) that time is paid by every writer waiting behind it. Here the statement text is built
once per model, each value goes through its field's own pre_save() and get_db_prep_save() (so
auto_now_add, JSON and binary fields are stored exactly as the ORM stores them), and the new id
comes back through RETURNING (SQLite >= 3.35, PostgreSQL). No signals are sent: use it only
for models that have no receivers.

Most values need no conversion at all (a str for a CharField, an int for a foreign key, None for
a nullable date) or only the backend's (an int for an integer column): for fields whose class
converts exactly as Django's own does, such values skip the field's call chain (2-3 us a field;
a case has 30).

`insert_select_sql()`: the same INSERT with some values computed by the database from a CTE in
the same statement (a case's number from the day's sequence, an audit entry's hashes from the
chain's head), so the row is written once and no round trip waits in between.
"""

from __future__ import annotations

from functools import cache
from types import NoneType

from django.db import connections, models, router

# Django field classes whose get_db_prep_save() returns a value of these exact types unchanged on
# every backend, and None (a NULL): for dates, only None. A subclass qualifies only if it converts
# values with the very same methods (_converts_as()).
_UNCHANGED = (
    (models.CharField, (str,)),
    (models.TextField, (str,)),
    (models.BooleanField, (bool,)),
    (models.AutoField, (int,)),
    (models.BigAutoField, (int,)),
    (models.SmallAutoField, (int,)),
    (models.DateField, ()),
    (models.DateTimeField, ()),
)
# Integer columns: an int goes only through the backend's adapt_integerfield_value() (PostgreSQL
# tags it with the column's size for server-side binding; SQLite passes it on).
_INTEGERS = (models.IntegerField, models.SmallIntegerField, models.BigIntegerField,
             models.PositiveIntegerField, models.PositiveSmallIntegerField, models.PositiveBigIntegerField)
_CONVERSION = ("pre_save", "get_db_prep_save", "get_db_prep_value", "get_prep_value", "to_python")


@cache
def insert_fields(model, computed: tuple[tuple[str, str], ...] = ()) -> tuple:
    """The columns an INSERT of `model` gives a parameter: every concrete field but the primary
    key and those the statement computes itself (insert_select_sql()'s `computed` pairs)."""
    names = {attname for attname, _expression in computed}
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in names)


def _converts_as(field, base) -> bool:
    return all(getattr(type(field), name) is getattr(base, name) for name in _CONVERSION)


def _value_field(field):
    """The field whose conversion stores `field`'s values: a foreign key's target."""
    if isinstance(field, models.ForeignKey) and _converts_as(field, models.ForeignKey):
        return _value_field(field.target_field)
    return field


def unchanged_types(field) -> tuple[type, ...]:
    """The exact types of the values field.get_db_prep_save() returns as they are (none: always
    convert)."""
    field = _value_field(field)
    for base, types in _UNCHANGED:
        if _converts_as(field, base):
            return (*types, NoneType)
    return (NoneType,) if integer_type(field) else ()


def integer_type(field) -> str | None:
    """The internal type adapt_integerfield_value() is told for an int of this integer field."""
    field = _value_field(field)
    return field.get_internal_type() if any(_converts_as(field, base) for base in _INTEGERS) else None


@cache
def _conversions(model, computed: tuple[tuple[str, str], ...]) -> tuple:
    """Per insert field: (field, its attname or None if its pre_save() is its own, unchanged_types(),
    integer_type())."""
    return tuple((f, f.attname if type(f).pre_save is models.Field.pre_save else None, unchanged_types(f),
                  integer_type(f)) for f in insert_fields(model, computed))


def insert_params(obj, connection, computed: tuple[tuple[str, str], ...] = ()) -> list:
    """The values of insert_fields() for the unsaved `obj`, as the ORM would store them."""
    params = []
    for field, attname, unchanged, integer in _conversions(type(obj), computed):
        value = getattr(obj, attname) if attname else field.pre_save(obj, True)
        if type(value) in unchanged:
            params.append(value)
        elif integer and type(value) is int:
            params.append(connection.ops.adapt_integerfield_value(value, integer))
        else:
            params.append(field.get_db_prep_save(value, connection))
    return params


def _into(model) -> str:
    quote = connections[router.db_for_write(model)].ops.quote_name
    columns = ", ".join(quote(f.column) for f in insert_fields(model))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns})"


@cache
def insert_select_sql(model, source: str, computed: tuple[tuple[str, str], ...]) -> str:
    """`INSERT INTO <model> (<insert_fields()>) SELECT ... FROM <source>`: a parameter per value,
    except the fields `computed` gives an SQL expression for, as (attname, expression) pairs.
    Its parameters: insert_params(obj, connection, computed)."""
    expressions = dict(computed)
    values = ", ".join(expressions.get(f.attname, "%s") for f in insert_fields(model))
    return f"{_into(model)} SELECT {values} FROM {source}"  # noqa: S608


@cache
def _statement(model, vendor: str, returning: bool, rows: int = 1) -> str:
    quote = connections[router.db_for_write(model)].ops.quote_name
    row = f"({', '.join(['%s'] * len(insert_fields(model)))})"
    sql = f"{_into(model)} VALUES {', '.join([row] * rows)}"  # noqa: S608
    if returning:
        sql += f" RETURNING {quote(model._meta.pk.column)}"
    return sql


def insert(obj, *, need_pk: bool = True):
    """Insert the unsaved model instance `obj`; it comes back with its primary key, as saved.

    need_pk=False: nobody will look the row up by `obj.pk`, which stays None. Nothing then waits
    for the database's answer, so inside `core.pipeline.pipelined()` the statement travels with
    the next ones (an event or audit row written beside the act it records)."""
    if not need_pk:
        insert_rows([obj])
        return obj
    model = type(obj)
    connection = connections[router.db_for_write(model)]
    with connection.cursor() as cursor:
        cursor.execute(_statement(model, connection.vendor, True), insert_params(obj, connection))
        obj.pk = cursor.fetchone()[0]
    mark_saved([obj], connection.alias)
    return obj


def insert_rows(objs: list) -> None:
    """Insert several unsaved instances of one model in one statement, without their ids (as
    insert(need_pk=False)): a case's materials, written beside it."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    params = [value for obj in objs for value in insert_params(obj, connection)]
    with connection.cursor() as cursor:
        cursor.execute(_statement(model, connection.vendor, False, len(objs)), params)
    mark_saved(objs, connection.alias)


def mark_saved(objs, alias: str) -> None:
    """Tell the ORM that these instances now have their rows (as save() would), in `alias`."""
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias
