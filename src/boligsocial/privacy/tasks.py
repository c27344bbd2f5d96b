"""Background tasks of the privacy rules, run by the worker (enqueued by `boligsocial apply_retention --enqueue`)."""

from django_tasks import task

from .services import retention_apply


@task()
def apply_retention() -> dict:
    """Pseudonymise the closed activations whose retention period has passed."""
    result = retention_apply()
    return {"done": result.done, "failed": result.failed}
