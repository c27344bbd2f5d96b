"""Local development and `make demo`: debug on, a fixed key, mail printed to the console."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "development-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Static files straight from the apps: no collectstatic outside production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# `load_demo` creates a superuser with a printed password, so the demo app is never installed in production.
INSTALLED_APPS = [*INSTALLED_APPS, "boligsocial.demo"]  # noqa: F405

# The demo has no SMS gateway: text messages are written to the worker's log.
NOTIFICATION_TRANSPORTS = {"sms": "boligsocial.notifications.transports.ConsoleTransport"}
