"""Background tasks of activations, run by the worker."""

from django_tasks import task

from .flows import activation_escalate


@task()
def escalate_activation(activation_id: int) -> int:
    """Run the escalation steps that are due for one activation."""
    return activation_escalate(activation_id=activation_id)
