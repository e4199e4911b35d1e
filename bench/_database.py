"""A throw-away test database for a bench run (SQLite file by default, PostgreSQL with
DATABASE_URL): created before, destroyed after, whatever the bench does in between."""

import contextlib


@contextlib.contextmanager
def throwaway_database():
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield connection
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
