"""Demo data built once per test process, then copied into each test's database in bulk.

Replaying the demo through the services is most of what a test would spend its time on, and it
leaves the same rows every time. So each test process builds every level of the demo once, on the
freshly migrated database, in a transaction it rolls back: after each level the rows it added (read
back per table, as the values the database takes) and the files they point to are kept in memory.
A test that asks for a level gets those rows inserted again with their primary keys, one multi-row
statement per table and batch, and any file missing from the storage in use is written back.

Levels are cumulative (each contains the one before, with the same primary keys); a test that asks
for two of them gets the higher. Primary keys do not collide with rows a test creates afterwards:
SQLite's AUTOINCREMENT counter follows the largest id inserted, and on PostgreSQL each restore sets
the sequences of its tables to their largest key (a test that imports an archive resets them to its
own rows). Rows the migrations made (the award types) are referenced, not copied; a browser
journey's flush removes them, so they are written back into a table found empty.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction

#: Rows Django itself keeps (and re-creates after a flush, with new keys): never part of a snapshot.
EXCLUDED = {"contenttypes.contenttype", "auth.permission", "sessions.session", "admin.logentry"}


@dataclass
class Snapshot:
    tables: list = field(default_factory=list)  # (sql, [params of each row], batch size)
    pks: list = field(default_factory=list)  # (model, pk) of each added row, to remove it again
    models: list = field(default_factory=list)  # the models it adds rows to
    files: dict = field(default_factory=dict)  # storage name -> bytes
    result: tuple | None = None  # (model, pk) of what the level's step returned


@dataclass
class Snapshots:
    levels: list
    by_level: dict
    migrated: list  # (model, sql, [params], batch): rows of the migrated database


_restored: dict = {"test": None, "index": -1, "snapshot": None}


def _models():
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.proxy or not opts.managed or opts.label_lower in EXCLUDED:
            continue
        yield model


def _table(model):
    """The model's concrete fields, the index of its primary key, and its INSERT statement's parts."""
    quote = connection.ops.quote_name
    fields = list(model._meta.concrete_fields)
    columns = ", ".join(quote(f.column) for f in fields)
    head = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608 (our table names)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return fields, fields.index(model._meta.pk), (head, placeholder), max(1, min(500, 30000 // len(fields)))


def _rows(model, fields):
    for row in model._base_manager.order_by("pk").values_list(*[f.attname for f in fields]):
        yield row, [f.get_db_prep_save(value, connection) for f, value in zip(fields, row, strict=True)]


def _state():
    """Every row of the database now, per model: {model: {pk: params}}."""
    state = {}
    for model in _models():
        fields, pk_index, _sql, _batch = _table(model)
        state[model] = {row[pk_index]: params for row, params in _rows(model, fields)}
    return state


def _capture(before, result):
    snapshot = Snapshot(result=(type(result), result.pk))
    for model in _models():
        fields, pk_index, sql, batch = _table(model)
        added = []
        for row, params in _rows(model, fields):
            if row[pk_index] in before[model]:
                continue
            added.append(params)
            snapshot.pks.append((model, row[pk_index]))
            for f, value in zip(fields, row, strict=True):
                if isinstance(f, models.FileField) and value and default_storage.exists(value):
                    with default_storage.open(value, "rb") as handle:
                        snapshot.files[value] = handle.read()
        if added:
            snapshot.tables.append((sql, added, batch))
            snapshot.models.append(model)
    return snapshot


def build(levels, steps):
    """Build every level on the migrated database, keep its rows, and roll everything back.

    `steps[i]` builds level i from what the step of level i-1 returned (None for the first)."""
    by_level = {}
    with transaction.atomic():
        before = _state()
        migrated = []
        for model, rows in before.items():
            if rows:
                _fields, _pk_index, sql, batch = _table(model)
                migrated.append((model, sql, list(rows.values()), batch))
        previous = None
        for level, step in zip(levels, steps, strict=True):
            previous = step(previous)
            by_level[level] = _capture(before, previous)
        transaction.set_rollback(True)
    return Snapshots(levels=list(levels), by_level=by_level, migrated=migrated)


def _execute(cursor, sql, rows, batch):
    head, placeholder = sql
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        cursor.execute(head + ", ".join([placeholder] * len(chunk)), [v for row in chunk for v in row])


def _insert(snapshots, snapshot):
    # One transaction, so that foreign keys are checked at its end (they are deferred) also in a
    # test that runs outside a transaction (browser journeys).
    with transaction.atomic(), connection.cursor() as cursor:
        for model, sql, rows, batch in snapshots.migrated:
            if not model._base_manager.exists():  # emptied by a browser journey's flush
                _execute(cursor, sql, rows, batch)
        for sql, rows, batch in snapshot.tables:
            _execute(cursor, sql, rows, batch)
        if connection.vendor == "postgresql":
            # A sequence may stand below the inserted keys (a test's import reset it to its own
            # rows): set each to the table's largest key, so that the next new row gets a free one.
            for statement in connection.ops.sequence_reset_sql(no_style(), snapshot.models):
                cursor.execute(statement)
    for name, content in snapshot.files.items():
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(content))


def _remove(snapshot):
    quote = connection.ops.quote_name
    by_model = {}
    for model, pk in snapshot.pks:
        by_model.setdefault(model, []).append(pk)
    with transaction.atomic(), connection.cursor() as cursor:
        for model, pks in by_model.items():
            table, column = quote(model._meta.db_table), quote(model._meta.pk.column)
            for start in range(0, len(pks), 500):
                chunk = pks[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)  # noqa: S608 (our table names)


def _result(snapshot):
    model, pk = snapshot.result
    return model._base_manager.get(pk=pk)


def restore(snapshots, level, test_id):
    """The demo at `level` in this test's database; returns what that level's step returned."""
    index = snapshots.levels.index(level)
    snapshot = snapshots.by_level[level]
    if _restored["test"] != test_id:
        _restored.update(test=test_id, index=-1, snapshot=None)
    if _restored["index"] >= index:  # this level, or a higher one, is already there
        return _result(snapshot)
    if _restored["snapshot"] is not None:
        _remove(_restored["snapshot"])
    _insert(snapshots, snapshot)
    _restored.update(index=index, snapshot=snapshot)
    return _result(snapshot)
