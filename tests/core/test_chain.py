"""The audit trail, the access log and the activation timeline are hash chains; verify_chain finds tampering."""

import datetime
import io
import threading
from importlib import import_module

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import close_old_connections, connection, connections
from django.db.migrations.executor import MigrationExecutor

from boligsocial.activations import flows
from boligsocial.activations.models import TimelineEntry
from boligsocial.activations.services import timeline_add
from boligsocial.core.chain import GENESIS, REDACTED_KEY
from boligsocial.core.models import AccessLog, AppendOnlyError, AuditEntry, ChainHead
from boligsocial.core.selectors import chains_verify
from boligsocial.core.services import access_log_record, audit_record, chain_redact
from boligsocial.plans import services as plan_services
from tests import factories
from tests.activations.conftest import Crisis


def _verify() -> tuple[int, str]:
    """Run the command: (exit code, what it wrote)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_chain", stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, err.getvalue() + str(exc)
    return 0, out.getvalue()


def _sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def trail(db):
    """A plan whose creation and edits left five audit rows, plus two reads in the access log."""
    admin = factories.user(username="admin", is_staff=True)
    plan = factories.plan(actor=admin)
    for purpose in ("Et", "To", "Tre", "Fire"):
        plan_services.plan_update(actor=admin, plan=plan, purpose=purpose)
    access_log_record(user=admin, target=plan, context="plans:detail")
    access_log_record(user=admin, target=plan, context="api:plan_read")
    return list(AuditEntry.objects.order_by("pk"))


def test_each_audit_row_carries_the_hash_of_the_row_before(trail):
    assert trail[0].chain_prev == GENESIS
    for before, row in zip(trail, trail[1:], strict=False):
        assert row.chain_prev == before.chain_hash
        assert len(row.chain_hash) == 64
    head = ChainHead.objects.get(key="core.auditentry")
    assert (head.last_id, head.last_hash, head.length) == (trail[-1].pk, trail[-1].chain_hash, len(trail))


def test_an_untouched_database_verifies(trail):
    code, output = _verify()
    assert code == 0, output
    assert output.startswith("OK: 2 chains, 7 rows checked")


def test_a_changed_summary_is_reported_at_its_row(trail):
    victim = trail[2]
    _sql("UPDATE core_auditentry SET summary = %s WHERE id = %s", "Ændret bagefter", victim.pk)

    code, output = _verify()

    assert code == 1
    assert f"core.auditentry: row {victim.pk}: its text was changed" in output


def test_a_changed_actor_is_reported_at_its_row(trail):
    other = factories.user(username="someone-else")
    victim = trail[3]
    _sql("UPDATE core_auditentry SET actor_id = %s WHERE id = %s", other.pk, victim.pk)

    code, output = _verify()

    assert code == 1
    assert f"row {victim.pk}: its content was changed" in output
    # Only the first broken row of the chain is reported.
    assert output.count("BROKEN") == 1


def test_a_removed_row_is_reported_at_the_row_after_it(trail):
    _sql("DELETE FROM core_auditentry WHERE id = %s", trail[1].pk)

    code, output = _verify()

    assert code == 1
    assert f"row {trail[2].pk}: it does not follow the row before it" in output


def test_removed_rows_at_the_end_are_reported_from_the_head(trail):
    _sql("DELETE FROM core_auditentry WHERE id = %s", trail[-1].pk)

    code, output = _verify()

    assert code == 1
    assert f"core.auditentry: end of chain: rows were removed after row {trail[-2].pk}" in output


def test_a_rewritten_access_log_is_reported(trail):
    row = AccessLog.objects.order_by("pk").first()
    _sql("UPDATE core_accesslog SET context = %s WHERE id = %s", "noget andet", row.pk)

    code, output = _verify()

    assert code == 1
    assert f"core.accesslog: row {row.pk}: its content was changed" in output


def test_the_orm_refuses_to_change_or_delete_chained_rows(trail):
    entry = trail[0]
    entry.summary = "Ændret"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([AuditEntry(action="x", target_type_id=1, target_id=1)])
    assert _verify()[0] == 0


@pytest.fixture
def two_timelines(db):
    crisis = Crisis()
    activations = []
    for hour in (10, 11):
        incident = crisis.incident(occurred_at=datetime.datetime(2026, 4, 1, hour, tzinfo=datetime.UTC))
        activations.append(
            flows.activation_activate(
                actor=crisis.police_user,
                incident=incident,
                level="red",
                rationale="Skud i området",
                police_consulted=True,
                police_contact="Vagtchefen",
            )
        )
    return crisis, activations


def test_each_activation_has_its_own_timeline_chain(two_timelines):
    _, (first, second) = two_timelines
    for activation in (first, second):
        rows = list(activation.timeline.order_by("pk"))
        assert rows[0].chain_prev == GENESIS
        assert all(b.chain_prev == a.chain_hash for a, b in zip(rows, rows[1:], strict=False))
        assert ChainHead.objects.get(key=f"activations.timelineentry:{activation.pk}").length == len(rows)


def test_a_changed_timeline_text_breaks_only_that_activations_chain(two_timelines):
    _, (first, second) = two_timelines
    victim = first.timeline.order_by("pk")[1]
    _sql("UPDATE activations_timelineentry SET text = %s WHERE id = %s", "Ingen blev alarmeret", victim.pk)

    report = chains_verify()

    assert [str(b) for b in report.breaks] == [
        f"activations.timelineentry:{first.pk}: row {victim.pk}: its text was changed"
    ]


def test_a_timeline_row_moved_to_another_activation_is_reported(two_timelines):
    _, (first, second) = two_timelines
    victim = first.timeline.order_by("pk").last()
    _sql("UPDATE activations_timelineentry SET activation_id = %s WHERE id = %s", second.pk, victim.pk)

    keys = {b.chain for b in chains_verify().breaks}

    assert keys == {f"activations.timelineentry:{first.pk}", f"activations.timelineentry:{second.pk}"}


def test_recorded_redaction_keeps_the_chain_valid_and_unrecorded_blanking_does_not(two_timelines):
    _, (first, second) = two_timelines
    ids = chain_redact(rows=first.timeline.all())
    timeline_add(activation=first, actor=None, kind="pseudonymised", text="", data={REDACTED_KEY: ids})
    assert TimelineEntry.objects.filter(pk__in=ids, text="", content_salt="").count() == len(ids)
    assert chains_verify().ok

    # Blanking a row by hand, without a row that records it, is reported.
    victim = second.timeline.order_by("pk").first()
    _sql(
        "UPDATE activations_timelineentry SET text = '', content_salt = '', redacted_at = %s WHERE id = %s",
        victim.at,
        victim.pk,
    )
    (broken,) = chains_verify().breaks
    assert (broken.row_id, broken.reason) == (victim.pk, "its text was removed without a recorded pseudonymisation")


def test_the_data_migration_chains_rows_written_before_the_chain(trail, two_timelines):
    _sql("UPDATE core_auditentry SET chain_prev = '', chain_hash = '', content_salt = '', content_digest = ''")
    _sql(
        "UPDATE activations_timelineentry SET chain_prev = '', chain_hash = '', content_salt = '', content_digest = ''"
    )
    _sql("DELETE FROM core_chainhead WHERE key <> 'core.accesslog'")
    assert not chains_verify().ok

    state = MigrationExecutor(connection).loader.project_state(
        [("core", "0003_chain_existing_rows"), ("activations", "0003_chain_existing_rows")]
    )
    for app in ("core", "activations"):
        import_module(f"boligsocial.{app}.migrations.0003_chain_existing_rows").forwards(state.apps, None)

    report = chains_verify()
    assert report.ok, report.breaks
    assert report.rows == AuditEntry.objects.count() + AccessLog.objects.count() + TimelineEntry.objects.count()
    # New rows continue the migrated chains.
    audit_record(actor=None, action="test", target=AuditEntry.objects.first())
    assert chains_verify().ok


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="Concurrent writers need PostgreSQL: SQLite's in-memory test database reports lock conflicts instead "
    "of waiting. On SQLite the IMMEDIATE transactions (settings) serialise writers anyway.",
)
def test_concurrent_writers_keep_one_unbroken_chain():
    plan = factories.plan()
    start = threading.Barrier(4)
    errors = []

    def write():
        try:
            start.wait(5)
            for _ in range(10):
                audit_record(actor=None, action="concurrent", target=plan)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    close_old_connections()

    assert errors == []
    assert AuditEntry.objects.filter(action="concurrent").count() == 40
    report = chains_verify()
    assert report.ok, report.breaks
    assert len(set(AuditEntry.objects.values_list("chain_prev", flat=True))) == AuditEntry.objects.count()
