"""The signed-in person's settings (profile, password change) and the team's billing card.

The card form is validated here (Luhn, expiry, security code) and only the holder's name,
the brand, the last four digits and the expiry are written; the number and the code are
dropped as soon as they are checked and never logged, stored or echoed back into the form.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from workprint.demo.crm import _queries as db
from workprint.demo.crm import _writes as write
from workprint.demo.crm._forms import (
    MIN_PASSWORD,
    PASSWORD_FIELDS,
    check_card,
    check_new_password,
    check_profile,
)
from workprint.demo.crm._passwords import hash_password, verify_password
from workprint.demo.crm._web import Crm, Member, Posted, Services, SignedIn, redirect, render
from workprint.demo.crm.schema import writing

log = logging.getLogger(__name__)
router = APIRouter()
_CARD_SECRETS = frozenset({"card_number", "card_cvc"})


def _settings_page(
    request: Request,
    crm: Crm,
    member: Member,
    *,
    profile: Mapping[str, str] | None = None,
    profile_errors: Mapping[str, str] | None = None,
    password_errors: Mapping[str, str] | None = None,
) -> HTMLResponse:
    user = member.user
    values = profile or {"full_name": user.full_name, "email": user.email, "title": user.title}
    failed = bool(profile_errors or password_errors)
    return render(
        request,
        "settings.html",
        {
            "section": "settings",
            "values": values,
            "errors": profile_errors or {},
            "password_errors": password_errors or {},
            "min_password": MIN_PASSWORD,
        },
        status=422 if failed else 200,
    )


@router.get("/settings")
def settings(request: Request, crm: Services, member: SignedIn) -> HTMLResponse:
    return _settings_page(request, crm, member)


@router.post("/settings/profile", response_model=None)
def save_profile(request: Request, crm: Services, member: SignedIn, form: Posted) -> Response:
    data, errors = check_profile(form)
    if data is None:
        return _settings_page(request, crm, member, profile=form, profile_errors=errors)
    with writing(crm.engine) as conn:
        write.update_profile(conn, member.user.id, data)
    crm.sessions.flash(member.visit.token, "Profile saved.")
    return redirect("/settings")


@router.post("/settings/password", response_model=None)
def change_password(request: Request, crm: Services, member: SignedIn, form: Posted) -> Response:
    with crm.engine.connect() as conn:
        row = db.user_by_id(conn, member.user.id)
    current = form.get(PASSWORD_FIELDS[0], "")
    current_ok = row is not None and verify_password(row.password_hash, current)
    errors = check_new_password(form, current_ok)
    if errors:
        log.info("crm password change refused user_id=%d", member.user.id)
        return _settings_page(request, crm, member, password_errors=errors)
    new_hash = hash_password(form[PASSWORD_FIELDS[1]])
    with writing(crm.engine) as conn:
        write.set_password_hash(conn, member.user.id, new_hash)
    crm.sessions.end_others(member.user.id, keep=member.visit.token)
    crm.sessions.flash(member.visit.token, "Password changed. Other sign-ins were ended.")
    log.info("crm password changed user_id=%d", member.user.id)
    return redirect("/settings")


def _billing_page(
    request: Request,
    crm: Crm,
    *,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> HTMLResponse:
    with crm.engine.connect() as conn:
        cards = db.payment_methods(conn)
    shown = {k: v for k, v in (values or {}).items() if k not in _CARD_SECRETS}
    return render(
        request,
        "billing.html",
        {"section": "billing", "cards": cards, "values": shown, "errors": errors or {}},
        status=422 if errors else 200,
    )


@router.get("/billing")
def billing(request: Request, crm: Services, member: SignedIn) -> HTMLResponse:
    return _billing_page(request, crm)


@router.post("/billing/cards", response_model=None)
def add_card(request: Request, crm: Services, member: SignedIn, form: Posted) -> Response:
    card, errors = check_card(form, crm.today())
    if card is None:
        return _billing_page(request, crm, values=form, errors=errors)
    with writing(crm.engine) as conn:
        write.insert_card(conn, card, member.user.id, crm.now_ms())
    crm.sessions.flash(member.visit.token, f"Card ending in {card.last4} added.")
    log.info("crm card added brand=%s", card.brand)
    return redirect("/billing")
