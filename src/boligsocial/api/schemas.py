"""Schemas shared by several routers. Input schemas refuse unknown fields, so a misspelt field is an error
rather than silently ignored. Input fields carry the model's field names, so a service's error names the
field exactly as the client sent it."""

from ninja import Schema
from pydantic import ConfigDict

from boligsocial.directory.models import OrganisationKind, PhoneKind

from .errors import ErrorOut

# The error answers every operation can give; listed in the OpenAPI schema with each operation.
READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class Ref(Schema):
    id: int
    name: str


class OrganisationOut(Schema):
    id: int
    name: str
    kind: OrganisationKind
    is_public_authority: bool


class PhoneOut(Schema):
    number: str
    display: str
    kind: PhoneKind


class PersonOut(Schema):
    id: int
    name: str
    title: str
    organisation: Ref
    email: str
    phones: list[PhoneOut]


class PersonIn(In):
    name: str
    organisation: int
    title: str = ""
    email: str = ""
    phones: list[str] = []


class PersonPatch(In):
    name: str | None = None
    organisation: int | None = None
    title: str | None = None
    email: str | None = None
    phones: list[str] | None = None
