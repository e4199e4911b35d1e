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
    """One simple-history row per object of `objs`, the rows simple-history's
    `bulk_history_create` makes (same columns, user, reason and date), inserted with one
    multi-row INSERT per batch instead of a model instance and an ORM insert per row."""
    if not objs or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return 0
    historical = _historical_model(model)
    connection = connections[router.db_for_write(historical)]
    quote = connection.ops.quote_name
    meta = historical._meta
    tracked = [meta.get_field(f.name) for f in historical.tracked_fields]
    fixed = [meta.get_field(name) for name in ("history_date", "history_user", "history_change_reason", "history_type")]
    relation = [meta.get_field("history_relation")] if hasattr(historical, "history_relation") else []
    columns = fixed + relation + tracked
    now = timezone.now()
    rows, seen = [], {}

    def prepared(i, field, value):
        """The value as the column stores it, prepared once per distinct value of a column (the
        date, the user, the reason, the scorecard repeat on every row)."""
        try:
            key = (i, type(value), value)
            if key not in seen:
                seen[key] = field.get_db_prep_save(value, connection)
            return seen[key]
        except TypeError:  # not hashable: prepared each time
            return field.get_db_prep_save(value, connection)

    for obj in objs:
        user = getattr(obj, "_history_user", default_user or historical.get_default_history_user(obj))
        values = [
            getattr(obj, "_history_date", now),
            getattr(user, "pk", None),
            get_change_reason_from_object(obj) or default_change_reason or "",
            history_type,
            *([obj.pk] if relation else []),
            *(getattr(obj, f.attname) for f in tracked),
        ]
        rows.append([prepared(i, f, v) for i, (f, v) in enumerate(zip(columns, values, strict=True))])
    names = ", ".join(quote(f.column) for f in columns)
    row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_batch = max(1, 30000 // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_batch):
            batch = rows[start : start + per_batch]
            marks = ", ".join([row_marks] * len(batch))
            sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES {marks}"  # noqa: S608 (quoted names; values are parameters)
            cursor.execute(sql, [value for row in batch for value in row])
    return len(rows)


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
