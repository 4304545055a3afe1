"""Schema changes go through Alembic: a warehouse created by the first schema upgrades with its data,
and the newest revision is exactly the models' schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

from warehouse.alerts import undelivered
from warehouse.engine import session_scope
from warehouse.migrate import upgrade
from warehouse.schema import Alert, PipelineRun, Source


def test_a_warehouse_of_the_first_schema_upgrades_and_keeps_its_data(database_url: str) -> None:
    engine = create_engine(database_url)
    upgrade(engine, "0001")
    assert "backoff_until" not in {c["name"] for c in inspect(engine).get_columns("sources")}
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO sources (name, kind, url, consecutive_failures, items_last_seen) "
                "VALUES ('dcpulse', 'feed', 'https://x.example/f', 4, 6)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO pipeline_runs (started_at, status, sources_ok, sources_failed, documents_new, "
                "documents_updated, documents_unchanged, documents_duplicate, documents_failed, not_modified, "
                "events_new, alerts_fired, alerts_delivered, alerts_failed, errors, durations) VALUES "
                "(CURRENT_TIMESTAMP, 'completed', 6, 0, 27, 0, 0, 0, 1, 0, 14, 9, 9, 0, '[]', '{}')"
            )
        )
    engine.dispose()

    with session_scope(database_url) as session:  # opening the warehouse migrates it to the newest revision
        [source] = session.query(Source).all()
        [run] = session.query(PipelineRun).all()
    assert (source.name, source.consecutive_failures, source.backoff_until) == ("dcpulse", 4, None)
    assert (run.documents_new, run.sources_skipped) == (27, 0)


def test_the_newest_revision_is_the_models_schema(database_url: str) -> None:
    engine = create_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


def test_alerts_already_delivered_are_not_outstanding_after_the_upgrade(database_url: str) -> None:
    engine = create_engine(database_url)
    upgrade(engine, "0003")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO events (id, type, status, date, title, parties, themes, created_at) VALUES "
                "('e1', 'partnership', 'announced', '2025-11-03', 'x', '[]', '[]', CURRENT_TIMESTAMP)"
            )
        )
        for rule, delivery in (
            ("a", '{"hook": "delivered"}'),
            ("b", '{"hook": "delivered", "mail": "failed"}'),
        ):
            connection.execute(
                text(
                    "INSERT INTO alerts (event_id, rule, fired_at, channels, message, delivery, errors, attempts) "
                    f"VALUES ('e1', '{rule}', CURRENT_TIMESTAMP, '[]', 'm', '{delivery}', '{{}}', 1)"
                )
            )
    engine.dispose()

    with session_scope(database_url) as session:
        outstanding = {a.rule: a.outstanding for a in session.query(Alert).all()}
        assert [a.rule for a in undelivered(session)] == ["b"]
    assert outstanding == {"a": False, "b": True}
