"""Settings for processes the benchmark and the fault tests start: the test settings, with mail and SMS going to
the loopback servers named in the environment (worker subprocesses cannot be given settings any other way)."""

import os

from boligsocial.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ.get("LOOPBACK_SMTP_PORT", "2525"))
EMAIL_USE_TLS = False
DEFAULT_FROM_EMAIL = "beredskab@bs.example"
SMS_GATEWAY_URL = os.environ.get("LOOPBACK_SMS_URL", "http://127.0.0.1:8025")
SMS_GATEWAY_TOKEN = os.environ.get("LOOPBACK_SMS_TOKEN", "loopback-token")
SMS_SENDER = "Beredskab"
NOTIFICATION_EMAIL_TIMEOUT = 5
SMS_GATEWAY_TIMEOUT = 5
# A test that kills a worker shortens the lease and the grace, so recovery does not wait two minutes.
NOTIFICATION_SENDING_LEASE_SECONDS = int(os.environ.get("NOTIFICATION_SENDING_LEASE_SECONDS", "120"))
NOTIFICATION_LOST_TASK_GRACE_SECONDS = int(os.environ.get("NOTIFICATION_LOST_TASK_GRACE_SECONDS", "120"))
NOTIFICATION_RETRY_BASE_SECONDS = int(os.environ.get("NOTIFICATION_RETRY_BASE_SECONDS", "30"))
SITE_URL = "https://beredskab.example"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django_tasks_db": {"level": "INFO"}, "mail.log": {"level": "WARNING"}},
}
