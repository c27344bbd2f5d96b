"""The access log: who read which confidential entry, when and through which page; append-only and chained."""

import pytest
from django.contrib.auth.models import AnonymousUser

from boligsocial.core.models import AccessLog, AppendOnlyError
from boligsocial.core.selectors import access_log_for, chains_verify
from boligsocial.core.services import access_log_record
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_read_is_recorded_with_reader_target_time_and_context():
    plan = factories.plan()
    reader = factories.user(username="politi")

    entry = access_log_record(user=reader, target=plan, context="page plans:detail – forberedelse af møde")

    assert entry.user == reader and entry.target_id == plan.pk and entry.at is not None
    assert list(access_log_for(target=plan)) == [entry]
    assert entry.context == "page plans:detail – forberedelse af møde"
    assert chains_verify().ok


def test_anonymous_reads_are_not_logged_and_rows_cannot_be_changed():
    plan = factories.plan()
    assert access_log_record(user=AnonymousUser(), target=plan, context="page") is None
    entry = access_log_record(user=factories.user(), target=plan, context="x" * 400)
    assert len(entry.context) == 300
    entry.context = "skjult"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=entry.pk).delete()
