"""Which database the tests' warehouses live in: `CLOUDINTEL_TEST_BACKEND`.

- `sqlite` (the default): each test's warehouse is a SQLite file under its tmp_path (the settings
  fixture and the CLI use the default `$CLOUDINTEL_HOME/warehouse.db`).
- `postgresql`: every fixture that makes a warehouse (`settings`, `database_url`, `warehouse_env`, the
  web app's and the fault suite's warehouses) makes a fresh database on the session's PostgreSQL
  server instead (tests/support/postgres.py: Debian's server binaries, or CLOUDINTEL_TEST_POSTGRES_URL).
  `make test-postgres` runs the whole suite this way. A test that cannot apply to PostgreSQL carries
  `@pytest.mark.sqlite_only(reason=...)` and is skipped with that reason.
"""

from __future__ import annotations

import os

VARIABLE = "CLOUDINTEL_TEST_BACKEND"
_NAMES = {"sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql"}

_value = os.environ.get(VARIABLE, "").strip().lower() or "sqlite"
if _value not in _NAMES:
    raise RuntimeError(f"{VARIABLE}={_value!r}: use sqlite (the default) or postgresql")

BACKEND = _NAMES[_value]
ON_POSTGRES = BACKEND == "postgresql"
