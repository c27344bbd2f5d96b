"""The .ics files of meeting invitations (RFC 5545, iTIP methods of RFC 5546), made with icalendar.

One UID per meeting for its whole life and a SEQUENCE that grows with every change sent, so calendars update
or remove the event they already have instead of adding a second one.
"""

import datetime
import email.utils

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from boligsocial.core.workdays import COPENHAGEN
from boligsocial.directory.models import Person

from .models import Meeting

# Without an end time, calendars show the meeting as one hour.
DEFAULT_LENGTH = datetime.timedelta(hours=1)
PRODID = "-//boligsocial//Housing-social preparedness//DA"


def meeting_uid(meeting: Meeting) -> str:
    """The calendar UID: the meeting's own UUID, so it never changes and never collides across servers."""
    return f"{meeting.uid}@boligsocial"


def meeting_url(meeting: Meeting) -> str:
    """The meeting's page (behind sign-in)."""
    return settings.SITE_URL + reverse("meetings:detail", args=[meeting.pk])


def meeting_title(meeting: Meeting) -> str:
    """The meeting's name as invitations and calendars show it: level, type and area, no details."""
    activation = meeting.activation
    if activation is not None:
        return _("Preparedness meeting: %(level)s – %(type)s – %(area)s") % {
            "level": activation.get_level_display(),
            "type": activation.incident.incident_type.name,
            "area": activation.incident.area.name,
        }
    return f"{meeting.get_kind_display()}: {meeting.plan.name}"


def meeting_location(meeting: Meeting) -> str:
    """The place, the video link, or both."""
    return " / ".join(part for part in (meeting.place.strip(), meeting.video_link) if part)


def meeting_ics(*, meeting: Meeting, method: str = "REQUEST", attendee: Person | None = None) -> str:
    """The meeting as an iCalendar text. REQUEST invites (or updates), CANCEL removes, PUBLISH is for download.

    The time is written in Europe/Copenhagen with its VTIMEZONE, so calendars show the Danish local time.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    starts = meeting.starts_at.astimezone(COPENHAGEN)
    event.add("dtstart", starts)
    event.add("dtend", (meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH).astimezone(COPENHAGEN))
    event.add("summary", meeting_title(meeting))
    location = meeting_location(meeting)
    if location:
        event.add("location", location)
    url = meeting_url(meeting)
    event.add("url", url)
    description = [_("Meeting page: %(url)s") % {"url": url}]
    if meeting.video_link:
        description.append(_("Video link: %(url)s") % {"url": meeting.video_link})
    event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = icalendar.vCalAddress(f"mailto:{_from_address()}")
    organizer.params["cn"] = icalendar.vText(_("Preparedness group"))
    event.add("organizer", organizer)
    if attendee is not None and attendee.email:
        address = icalendar.vCalAddress(f"mailto:{attendee.email}")
        address.params["cn"] = icalendar.vText(attendee.name)
        address.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        address.params["partstat"] = icalendar.vText("NEEDS-ACTION")
        address.params["rsvp"] = icalendar.vText("FALSE")
        event.add("attendee", address)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def _from_address() -> str:
    return email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "noreply@localhost"
