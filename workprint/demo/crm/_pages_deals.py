"""Deal pages (list by stage and owner, board by stage, a deal, new deal, stage moves) and
activities (the log of calls, meetings and emails, and the form that adds one)."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Connection

from workprint.demo.crm import _queries as db
from workprint.demo.crm import _writes as write
from workprint.demo.crm import schema
from workprint.demo.crm._forms import check_activity, check_deal, check_note
from workprint.demo.crm._web import (
    Crm,
    PageNotFound,
    Posted,
    Services,
    SignedIn,
    form_page,
    int_or_none,
    redirect,
    render,
)
from workprint.demo.crm.schema import writing

router = APIRouter()


def _filters(stage: str, owner: str, team: db.Rows) -> tuple[str, str]:
    stage = stage if stage in schema.STAGES else ""
    owner = owner if owner in {u.username for u in team} else ""
    return stage, owner


@router.get("/deals")
def deal_list(
    request: Request, crm: Services, member: SignedIn, stage: str = "", owner: str = "", q: str = ""
) -> HTMLResponse:
    text = " ".join(q.split())[:100]
    with crm.engine.connect() as conn:
        team = db.team(conn)
        stage, owner = _filters(stage, owner, team)
        rows = db.deals(conn, stage=stage, owner=owner, q=text)
    return render(
        request,
        "deals.html",
        {
            "section": "deals",
            "deals": rows,
            "team": team,
            "stage": stage,
            "owner": owner,
            "q": text,
            "total_cents": sum(d.amount_cents for d in rows),
        },
    )


@router.get("/deals/board")
def deal_board(request: Request, crm: Services, member: SignedIn, owner: str = "") -> HTMLResponse:
    with crm.engine.connect() as conn:
        team = db.team(conn)
        _stage, owner = _filters("", owner, team)
        rows = db.deals(conn, owner=owner)
    columns = {stage: [d for d in rows if d.stage == stage] for stage in schema.STAGES}
    return render(
        request,
        "deal_board.html",
        {"section": "deals", "columns": columns, "team": team, "owner": owner},
    )


def _deal_form_context(conn: Connection) -> dict[str, object]:
    return {
        "section": "deals",
        "companies": db.company_choices(conn),
        "contacts": db.contact_choices(conn),
        "team": db.team(conn),
    }


@router.get("/deals/new")
def new_deal(request: Request, crm: Services, member: SignedIn, company: str = "") -> HTMLResponse:
    with crm.engine.connect() as conn:
        context = _deal_form_context(conn)
    values = {"stage": "lead", "owner_id": str(member.user.id)}
    if int_or_none(company):
        values["company_id"] = company
    return form_page(request, "deal_form.html", context, values=values, errors={})


@router.post("/deals", response_model=None)
def create_deal(request: Request, crm: Services, member: SignedIn, form: Posted) -> Response:
    with writing(crm.engine) as conn:
        data, errors = check_deal(
            form,
            db.ids(conn, schema.companies),
            db.ids(conn, schema.contacts),
            db.ids(conn, schema.users),
        )
        if data is None:
            context = _deal_form_context(conn)
            return form_page(request, "deal_form.html", context, values=form, errors=errors)
        deal_id = write.insert_deal(conn, data, member.user.id, crm.now_ms())
    crm.sessions.flash(member.visit.token, "Deal created.")
    return redirect(f"/deals/{deal_id}")


def _deal_page(
    request: Request,
    crm: Crm,
    deal_id: int,
    *,
    note: str = "",
    note_error: str | None = None,
    stage_error: str | None = None,
) -> HTMLResponse:
    with crm.engine.connect() as conn:
        deal = db.deal(conn, deal_id)
        if deal is None:
            raise PageNotFound
        context = {
            "section": "deals",
            "deal": deal,
            "history": db.stage_history(conn, deal_id),
            "activities": db.activities(conn, deal_id=deal_id),
            "notes": db.notes_for(conn, "deal", deal_id),
            "note_action": f"/deals/{deal_id}/notes",
            "note_value": note,
            "note_error": note_error,
            "stages": schema.STAGES,
            "stage_error": stage_error,
        }
    failed = note_error or stage_error
    return render(request, "deal.html", context, status=422 if failed else 200)


@router.get("/deals/{deal_id}")
def deal_page(request: Request, crm: Services, member: SignedIn, deal_id: int) -> HTMLResponse:
    return _deal_page(request, crm, deal_id)


@router.post("/deals/{deal_id}/stage", response_model=None)
def move_deal(
    request: Request, crm: Services, member: SignedIn, form: Posted, deal_id: int
) -> Response:
    stage = form.get("stage", "")
    if stage not in schema.STAGES:
        return _deal_page(request, crm, deal_id, stage_error="Choose a stage from the list.")
    with writing(crm.engine) as conn:
        if db.deal(conn, deal_id) is None:
            raise PageNotFound
        moved = write.move_deal(conn, deal_id, stage, member.user.id, crm.now_ms())
    message = f"Deal moved to {stage}." if moved else f"The deal is already in {stage}."
    crm.sessions.flash(member.visit.token, message)
    return redirect(f"/deals/{deal_id}")


@router.post("/deals/{deal_id}/notes", response_model=None)
def add_deal_note(
    request: Request, crm: Services, member: SignedIn, form: Posted, deal_id: int
) -> Response:
    body, errors = check_note(form)
    with writing(crm.engine) as conn:
        if db.deal(conn, deal_id) is None:
            raise PageNotFound
        if body is not None:
            write.insert_note(conn, "deal", deal_id, body, member.user.id, crm.now_ms())
    if body is None:
        return _deal_page(
            request, crm, deal_id, note=form.get("body", ""), note_error=errors["body"]
        )
    crm.sessions.flash(member.visit.token, "Note added.")
    return redirect(f"/deals/{deal_id}#notes")


@router.get("/activities")
def activity_list(
    request: Request, crm: Services, member: SignedIn, kind: str = "", user: str = ""
) -> HTMLResponse:
    kind = kind if kind in schema.ACTIVITY_KINDS else ""
    with crm.engine.connect() as conn:
        team = db.team(conn)
        user = user if user in {u.username for u in team} else ""
        rows = db.activities(conn, kind=kind, user=user, limit=200)
    return render(
        request,
        "activities.html",
        {"section": "activities", "activities": rows, "team": team, "kind": kind, "user": user},
    )


def _activity_form(
    request: Request, conn: Connection, values: Mapping[str, str], errors: Mapping[str, str]
) -> HTMLResponse:
    context = {
        "section": "activities",
        "kinds": schema.ACTIVITY_KINDS,
        "contacts": db.contact_choices(conn),
        "deals": db.deal_choices(conn),
    }
    return form_page(request, "activity_form.html", context, values=values, errors=errors)


@router.get("/activities/new")
def new_activity(
    request: Request, crm: Services, member: SignedIn, contact: str = "", deal: str = ""
) -> HTMLResponse:
    values = {"kind": "call", "occurred_on": crm.today().isoformat()}
    if int_or_none(contact):
        values["contact_id"] = contact
    if int_or_none(deal):
        values["deal_id"] = deal
    with crm.engine.connect() as conn:
        deal_row = db.deal(conn, int(deal)) if int_or_none(deal) else None
        if deal_row is not None and deal_row.contact_id is not None and not contact:
            values["contact_id"] = str(deal_row.contact_id)
        return _activity_form(request, conn, values, {})


@router.post("/activities", response_model=None)
def create_activity(request: Request, crm: Services, member: SignedIn, form: Posted) -> Response:
    with writing(crm.engine) as conn:
        data, errors = check_activity(
            form, db.ids(conn, schema.contacts), db.ids(conn, schema.deals)
        )
        if data is None:
            return _activity_form(request, conn, form, errors)
        write.insert_activity(conn, data, member.user.id, crm.now_ms())
    crm.sessions.flash(member.visit.token, f"{data.kind.capitalize()} logged.")
    if data.deal_id is not None:
        return redirect(f"/deals/{data.deal_id}#activities")
    return redirect(f"/contacts/{data.contact_id}#activities")
