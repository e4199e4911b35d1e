"""Writing many rows of one model at once, with their history.

`update_in_bulk` writes what Django's `QuerySet.bulk_update` writes — one UPDATE per batch
setting each field with ``CASE pk WHEN … THEN … END`` — but puts the SQL together itself:
`bulk_update` builds and resolves an ORM expression for every value, about 1 ms a row in the
scorecard save (issue 14: 500 criteria spent 0.5 s there). The values go through each field's
own `get_db_prep_save`, so they are stored exactly as `bulk_update` stores them; like it, it
calls no `save()` and sends no signal.
"""

import functools

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone
from simple_history.utils import get_change_reason_from_object

#: Rows per statement: 400 rows × 3 fields × 2 parameters + 400 stays far below SQLite's limit of
#: 32,766 parameters and PostgreSQL's of 65,535.
BATCH = 400


def update_in_bulk(model, objs, fields, batch_size=BATCH):
    """UPDATE `fields` of every object of `objs` (saved instances of `model`); the rows updated."""
    if not objs or not fields:
        return 0
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    pk = quote(meta.pk.column)
    columns = [meta.get_field(name) for name in fields]
    # PostgreSQL types a CASE of bare parameters as text: each value is cast to its column's type.
    casts = {
        f.name: f"CAST(%s AS {f.db_type(connection)})" if connection.vendor == "postgresql" else "%s" for f in columns
    }
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            sets, params = [], []
            for f in columns:
                whens = " ".join(f"WHEN %s THEN {casts[f.name]}" for _obj in batch)
                sets.append(f"{quote(f.column)} = CASE {pk} {whens} END")
                for obj in batch:
                    params += [obj.pk, f.get_db_prep_save(getattr(obj, f.attname), connection)]
            params += [obj.pk for obj in batch]
            marks = ", ".join(["%s"] * len(batch))
            sql = f"UPDATE {quote(meta.db_table)} SET {', '.join(sets)} WHERE {pk} IN ({marks})"  # noqa: S608 (quoted names; values are parameters)
            cursor.execute(sql, params)
            updated += cursor.rowcount
    return updated


def insert_history_in_bulk(model, objs, *, history_type="~", default_user=None, default_change_reason=""):
    """One simple-history row per object of `objs` (saved instances of `model`), the rows
    simple-history's `bulk_history_create` makes (same columns, user, reason and date).

    The database copies the tracked values from the objects' own rows (``INSERT … SELECT``
    joined to a ``VALUES`` list of each row's key, date, user and reason, one statement per
    batch), so the history holds exactly what was stored, and a save of 120 scores sends 480
    parameters instead of 2,160 values each prepared in Python (a fifth of the scorecard save).
    The rows are numbered in the order of `objs`, as the history lists them. Every object must
    have its row (the caller has just written them): a missing one is an error, not a history
    row silently left out."""
    if not objs or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return 0
    if model._meta.parents:  # its tracked columns are spread over several tables
        raise ValueError(f"{model.__name__}: a model with multi-table inheritance is not supported here.")
    historical = _historical_model(model)
    connection = connections[router.db_for_write(historical)]
    quote = connection.ops.quote_name
    meta = historical._meta
    date_field = meta.get_field("history_date")
    user_field = meta.get_field("history_user")
    # PostgreSQL types a VALUES column of NULLs as text: the date and the user are cast to their
    # columns' types (SQLite stores what it is given; a CAST there would turn a date into a number).
    cast = {
        name: f"CAST(v.{name} AS {field.db_type(connection)})" if connection.vendor == "postgresql" else f"v.{name}"
        for name, field in (("column2", date_field), ("column3", user_field))
    }
    tracked = historical.tracked_fields
    source_pk = quote(model._meta.pk.column)
    columns = [date_field.column, user_field.column, meta.get_field("history_change_reason").column, "history_type"]
    selected = [cast["column2"], cast["column3"], "v.column4", "%s"]
    if hasattr(historical, "history_relation"):
        columns.append(meta.get_field("history_relation").column)
        selected.append(f"s.{source_pk}")
    columns += [meta.get_field(f.name).column for f in tracked]
    selected += [f"s.{quote(f.column)}" for f in tracked]
    now = timezone.now()
    dates = {}  # the date is prepared once per distinct date (each row of a save shares one)

    def row(position, obj):
        user = getattr(obj, "_history_user", default_user or historical.get_default_history_user(obj))
        date = getattr(obj, "_history_date", now)
        if date not in dates:
            dates[date] = date_field.get_db_prep_save(date, connection)
        reason = str(get_change_reason_from_object(obj) or default_change_reason or "")  # a lazy text too
        return [obj.pk, dates[date], getattr(user, "pk", None), reason, position]

    rows = [row(position, obj) for position, obj in enumerate(objs)]
    head = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 (quoted names)
        f"SELECT {', '.join(selected)} FROM {quote(model._meta.db_table)} s JOIN (VALUES "
    )
    inserted = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            marks = ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
            sql = f"{head}{marks}) v ON s.{source_pk} = v.column1 ORDER BY v.column5"
            cursor.execute(sql, [history_type, *(value for r in batch for value in r)])
            inserted += cursor.rowcount
    if inserted != len(rows):
        raise RuntimeError(f"{model.__name__}: {len(rows) - inserted} of {len(rows)} rows to record are missing.")
    return inserted


@functools.cache
def _historical_model(model):
    """simple-history's model of `model`'s history (its manager descriptor builds a manager
    class on every access)."""
    return model.history.model


def update_with_history(objs, model, fields, *, default_user=None, default_change_reason=None):
    """`update_in_bulk`, then one history row per object (`insert_history_in_bulk`), in one
    transaction."""
    with transaction.atomic(savepoint=False):
        updated = update_in_bulk(model, objs, fields)
        insert_history_in_bulk(
            model, objs, history_type="~", default_user=default_user, default_change_reason=default_change_reason
        )
    return updated
