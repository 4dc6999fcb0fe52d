"""Contact pages: search and filter by company, a contact's record, create, edit, delete."""

from __future__ import annotations

import math

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Connection

from workprint.demo.crm import _queries as db
from workprint.demo.crm import _writes as write
from workprint.demo.crm import schema
from workprint.demo.crm._forms import check_contact, check_note
from workprint.demo.crm._web import (
    Crm,
    PageNotFound,
    Posted,
    Services,
    SignedIn,
    form_page,
    int_or_none,
    page_number,
    redirect,
    render,
)
from workprint.demo.crm.schema import writing

router = APIRouter(prefix="/contacts")
_FORM = "contact_form.html"
PER_PAGE = 50


@router.get("")
def contact_list(
    request: Request,
    crm: Services,
    member: SignedIn,
    q: str = "",
    company: str = "",
    page: str = "1",
) -> HTMLResponse:
    text = " ".join(q.split())[:100]
    company_id = int_or_none(company)
    number = page_number(page)
    with crm.engine.connect() as conn:
        rows, total = db.contacts(
            conn, q=text, company_id=company_id, page=number, per_page=PER_PAGE
        )
        choices = db.company_choices(conn)
    return render(
        request,
        "contacts.html",
        {
            "section": "contacts",
            "contacts": rows,
            "total": total,
            "page": number,
            "pages": max(1, math.ceil(total / PER_PAGE)),
            "q": text,
            "company_id": company_id,
            "companies": choices,
        },
    )


def _form_context(conn: Connection, contact_id: int | None) -> dict[str, object]:
    return {
        "section": "contacts",
        "contact_id": contact_id,
        "companies": db.company_choices(conn),
    }


@router.get("/new")
def new_contact(
    request: Request, crm: Services, member: SignedIn, company: str = ""
) -> HTMLResponse:
    with crm.engine.connect() as conn:
        context = _form_context(conn, None)
    values = {"company_id": company} if int_or_none(company) else {}
    return form_page(request, _FORM, context, values=values, errors={})


@router.post("", response_model=None)
def create_contact(request: Request, crm: Services, member: SignedIn, form: Posted) -> Response:
    with writing(crm.engine) as conn:
        data, errors = check_contact(form, db.ids(conn, schema.companies))
        if data is not None and db.email_taken(conn, data.email):
            errors["email"] = "Another contact already has this email address."
        if data is None or errors:
            context = _form_context(conn, None)
            return form_page(request, _FORM, context, values=form, errors=errors)
        contact_id = write.insert_contact(conn, data, member.user.id, crm.now_ms())
    crm.sessions.flash(member.visit.token, "Contact created.")
    return redirect(f"/contacts/{contact_id}")


@router.get("/{contact_id}")
def contact_page(
    request: Request, crm: Services, member: SignedIn, contact_id: int
) -> HTMLResponse:
    return _contact_page(request, crm, contact_id)


def _contact_page(
    request: Request,
    crm: Crm,
    contact_id: int,
    *,
    note: str = "",
    note_error: str | None = None,
) -> HTMLResponse:
    with crm.engine.connect() as conn:
        contact = db.contact(conn, contact_id)
        if contact is None:
            raise PageNotFound
        context = {
            "section": "contacts",
            "contact": contact,
            "deals": db.deals(conn, contact_id=contact_id),
            "activities": db.activities(conn, contact_id=contact_id),
            "notes": db.notes_for(conn, "contact", contact_id),
            "note_action": f"/contacts/{contact_id}/notes",
            "note_value": note,
            "note_error": note_error,
        }
    return render(request, "contact.html", context, status=422 if note_error else 200)


@router.get("/{contact_id}/edit")
def edit_contact(
    request: Request, crm: Services, member: SignedIn, contact_id: int
) -> HTMLResponse:
    with crm.engine.connect() as conn:
        contact = db.contact(conn, contact_id)
        if contact is None:
            raise PageNotFound
        context = _form_context(conn, contact_id)
    values = {k: str(v) for k, v in contact._mapping.items() if v is not None}
    return form_page(request, _FORM, context, values=values, errors={})


@router.post("/{contact_id}/edit", response_model=None)
def update_contact(
    request: Request, crm: Services, member: SignedIn, form: Posted, contact_id: int
) -> Response:
    with writing(crm.engine) as conn:
        if db.contact(conn, contact_id) is None:
            raise PageNotFound
        data, errors = check_contact(form, db.ids(conn, schema.companies))
        if data is not None and db.email_taken(conn, data.email, exclude_id=contact_id):
            errors["email"] = "Another contact already has this email address."
        if data is None or errors:
            context = _form_context(conn, contact_id)
            return form_page(request, _FORM, context, values=form, errors=errors)
        write.update_contact(conn, contact_id, data, crm.now_ms())
    crm.sessions.flash(member.visit.token, "Contact saved.")
    return redirect(f"/contacts/{contact_id}")


@router.get("/{contact_id}/delete")
def confirm_delete(
    request: Request, crm: Services, member: SignedIn, contact_id: int
) -> HTMLResponse:
    with crm.engine.connect() as conn:
        contact = db.contact(conn, contact_id)
    if contact is None:
        raise PageNotFound
    return render(request, "contact_delete.html", {"section": "contacts", "contact": contact})


@router.post("/{contact_id}/delete", response_model=None)
def delete_contact(
    request: Request, crm: Services, member: SignedIn, form: Posted, contact_id: int
) -> Response:
    with writing(crm.engine) as conn:
        if db.contact(conn, contact_id) is None:
            raise PageNotFound
        write.delete_contact(conn, contact_id)
    crm.sessions.flash(member.visit.token, "Contact deleted.")
    return redirect("/contacts")


@router.post("/{contact_id}/notes", response_model=None)
def add_contact_note(
    request: Request, crm: Services, member: SignedIn, form: Posted, contact_id: int
) -> Response:
    body, errors = check_note(form)
    with writing(crm.engine) as conn:
        if db.contact(conn, contact_id) is None:
            raise PageNotFound
        if body is not None:
            write.insert_note(conn, "contact", contact_id, body, member.user.id, crm.now_ms())
    if body is None:
        return _contact_page(
            request, crm, contact_id, note=form.get("body", ""), note_error=errors["body"]
        )
    crm.sessions.flash(member.visit.token, "Note added.")
    return redirect(f"/contacts/{contact_id}#notes")
