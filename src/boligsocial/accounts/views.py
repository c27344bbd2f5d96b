"""Sign-in pages beyond the password: the two-factor code, setting up an authenticator, backup codes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from boligsocial.plans.forms import apply_errors

from . import selectors, services
from .forms import CodeForm, SetupCodeForm
from .middleware import PENDING_SESSION_KEY


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    if url and safe:
        return url
    return reverse("plans:list")


def _signed_in_fully(request: HttpRequest, device) -> None:
    otp_login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    request.session.cycle_key()  # a new session id for the fully signed-in session


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.session.get(PENDING_SESSION_KEY) != "verify":
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_verify(user=request.user, token=form.cleaned_data["token"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            _signed_in_fully(request, device)
            if isinstance(device, StaticDevice):
                left = selectors.backup_codes_left(user=request.user)
                messages.warning(
                    request,
                    _("You signed in with a backup code. You have %(left)d left; make new ones on the security page.")
                    % {"left": left},
                )
            return redirect(next_url)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    # Replacing an authenticator needs the current one first: otherwise a stolen password would be enough.
    if selectors.two_factor_enabled(user=request.user) and not request.user.is_verified():
        return redirect(reverse("accounts:two_factor_verify") + "?next=" + reverse("accounts:two_factor_enrol"))
    device = services.totp_enrolment_start(user=request.user)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enrolment_confirm(user=request.user, device=device, token=form.cleaned_data["token"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            _signed_in_fully(request, device)
            return render(request, "accounts/backup_codes.html", {"codes": codes, "next": next_url, "new": True})
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": selectors.totp_qr_svg(device=device),
        "secret": selectors.totp_secret_text(device=device),
        "required": selectors.user_requires_two_factor(user=request.user),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@login_required
def security(request: HttpRequest) -> HttpResponse:
    context = {
        "enabled": selectors.two_factor_enabled(user=request.user),
        "required": selectors.user_requires_two_factor(user=request.user),
        "backup_codes_left": selectors.backup_codes_left(user=request.user),
        "idle_minutes": settings.SESSION_IDLE_MINUTES,
    }
    return render(request, "accounts/security.html", context)


def _needs_verified(request: HttpRequest) -> bool:
    return selectors.two_factor_enabled(user=request.user) and not request.user.is_verified()


@login_required
@require_POST
def backup_codes_new(request: HttpRequest) -> HttpResponse:
    if not selectors.two_factor_enabled(user=request.user) or _needs_verified(request):
        return redirect("accounts:security")
    codes = services.backup_codes_replace(actor=request.user, user=request.user)
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": reverse("accounts:security")})


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    if _needs_verified(request):
        return redirect("accounts:security")
    try:
        services.two_factor_disable(actor=request.user, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Two-factor sign-in is turned off."))
    return redirect("accounts:security")


def lockout(request: HttpRequest, original_response: HttpResponse | None = None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out login (AXES_LOCKOUT_CALLABLE): a Danish page, status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/lockout.html", {"minutes": minutes}, status=429)
