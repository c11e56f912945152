"""Sign-in (with the optional second factor), sign-out, an administrator's authenticator and user list."""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from reunify.app.accounts import services
from reunify.app.accounts.forms import CodeForm, SignInForm
from reunify.app.accounts.selectors import users_overview
from reunify.app.web.decorators import requires

_PENDING = "reunify_pending_user"
_PENDING_SECONDS = 300


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = services.account_authenticate(
            request, form.cleaned_data["username"], form.cleaned_data["password"]
        )
        if result.user is not None and result.needs_code:
            request.session[_PENDING] = {
                "user": result.user.pk,
                "at": time.time(),
                "next": _next_url(request),
            }
            return redirect("accounts:sign_in_code")
        if result.user is not None:
            login(request, result.user)
            return redirect(_next_url(request))
        error = result.error
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "error": error, "next": _next_url(request)},
        status=400 if error else 200,
    )


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def sign_in_code(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(_PENDING)
    if not pending or time.time() - pending["at"] > _PENDING_SECONDS:
        request.session.pop(_PENDING, None)
        return redirect("accounts:sign_in")
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        return redirect("accounts:sign_in")
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = services.account_verify_code(request, user, form.cleaned_data["code"])
        if result.user is not None:
            next_url = pending.get("next") or "/"
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url)
        error = result.error
        if result.locked_until:
            request.session.pop(_PENDING, None)
    return render(
        request, "accounts/sign_in_code.html", {"form": form, "error": error}, status=400 if error else 200
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.account_signed_out(request, request.user)
    logout(request)
    return redirect("accounts:sign_in")


@login_required
@csrf_protect
def second_factor(request: HttpRequest) -> HttpResponse:
    """An administrator sets up an authenticator app: start (secret shown once), then confirm a code."""
    from reunify.app.accounts.models import TotpDevice

    context: dict[str, object] = {"error": "", "secret": "", "uri": ""}
    device = TotpDevice.objects.filter(user=request.user).first()
    if request.method == "POST":
        try:
            if request.POST.get("step") == "start":
                context["secret"], context["uri"] = services.totp_enrol(request.user)
            elif services.totp_confirm(request.user, request.POST.get("code", "")):
                return redirect("accounts:second_factor")
            else:
                context["error"] = _("That code is not right; check the time on your phone and try again.")
                device = TotpDevice.objects.filter(user=request.user).first()
                context["secret"] = device.secret if device and not device.confirmed_at else ""
        except services.AccountError as exc:
            context["error"] = str(exc)
    context["confirmed"] = bool(device and device.confirmed_at)
    return render(request, "accounts/second_factor.html", context)


@requires("user.manage")
def users(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/users.html", {"rows": users_overview(request.user)})
