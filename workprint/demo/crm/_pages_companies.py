"""Company pages: the list filtered by industry, a company with its people and deals, edits."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from workprint.demo.crm import _queries as db
from workprint.demo.crm import _writes as write
from workprint.demo.crm import schema
from workprint.demo.crm._forms import check_company, check_note
from workprint.demo.crm._web import (
    Crm,
    PageNotFound,
    Posted,
    Services,
    SignedIn,
    form_page,
    redirect,
    render,
)
from workprint.demo.crm.schema import writing

router = APIRouter(prefix="/companies")
_FORM = "company_form.html"


@router.get("")
def company_list(
    request: Request, crm: Services, member: SignedIn, q: str = "", industry: str = ""
) -> HTMLResponse:
    industry = industry if industry in schema.INDUSTRIES else ""
    with crm.engine.connect() as conn:
        rows = db.companies(conn, q=q.strip(), industry=industry)
    return render(
        request,
        "companies.html",
        {"section": "companies", "companies": rows, "q": q.strip(), "industry": industry},
    )


@router.get("/new")
def new_company(request: Request, member: SignedIn) -> HTMLResponse:
    values = {"industry": "", "size": ""}
    return form_page(request, _FORM, _form_context(None), values=values, errors={})


@router.post("", response_model=None)
def create_company(request: Request, crm: Services, member: SignedIn, form: Posted) -> Response:
    data, errors = check_company(form)
    with writing(crm.engine) as conn:
        if data is not None and db.company_name_taken(conn, data.name):
            errors["name"] = "A company with this name already exists."
        if data is None or errors:
            return form_page(request, _FORM, _form_context(None), values=form, errors=errors)
        company_id = write.insert_company(conn, data, member.user.id, crm.now_ms())
    crm.sessions.flash(member.visit.token, "Company created.")
    return redirect(f"/companies/{company_id}")


@router.get("/{company_id}")
def company_page(
    request: Request, crm: Services, member: SignedIn, company_id: int
) -> HTMLResponse:
    return _company_page(request, crm, company_id)


def _company_page(
    request: Request,
    crm: Crm,
    company_id: int,
    *,
    note: str = "",
    note_error: str | None = None,
) -> HTMLResponse:
    with crm.engine.connect() as conn:
        company = db.company(conn, company_id)
        if company is None:
            raise PageNotFound
        people, _total = db.contacts(conn, company_id=company_id, per_page=200)
        context = {
            "section": "companies",
            "company": company,
            "contacts": people,
            "deals": db.deals(conn, company_id=company_id),
            "notes": db.notes_for(conn, "company", company_id),
            "note_action": f"/companies/{company_id}/notes",
            "note_value": note,
            "note_error": note_error,
        }
    return render(request, "company.html", context, status=422 if note_error else 200)


@router.get("/{company_id}/edit")
def edit_company(
    request: Request, crm: Services, member: SignedIn, company_id: int
) -> HTMLResponse:
    with crm.engine.connect() as conn:
        company = db.company(conn, company_id)
    if company is None:
        raise PageNotFound
    values = {k: str(v) for k, v in company._mapping.items() if v is not None}
    return form_page(request, _FORM, _form_context(company_id), values=values, errors={})


@router.post("/{company_id}/edit", response_model=None)
def update_company(
    request: Request, crm: Services, member: SignedIn, form: Posted, company_id: int
) -> Response:
    data, errors = check_company(form)
    with writing(crm.engine) as conn:
        if db.company(conn, company_id) is None:
            raise PageNotFound
        if data is not None and db.company_name_taken(conn, data.name, exclude_id=company_id):
            errors["name"] = "A company with this name already exists."
        if data is None or errors:
            context = _form_context(company_id)
            return form_page(request, _FORM, context, values=form, errors=errors)
        write.update_company(conn, company_id, data, crm.now_ms())
    crm.sessions.flash(member.visit.token, "Company saved.")
    return redirect(f"/companies/{company_id}")


@router.post("/{company_id}/notes", response_model=None)
def add_company_note(
    request: Request, crm: Services, member: SignedIn, form: Posted, company_id: int
) -> Response:
    body, errors = check_note(form)
    with writing(crm.engine) as conn:
        if db.company(conn, company_id) is None:
            raise PageNotFound
        if body is not None:
            write.insert_note(conn, "company", company_id, body, member.user.id, crm.now_ms())
    if body is None:
        return _company_page(
            request, crm, company_id, note=form.get("body", ""), note_error=errors["body"]
        )
    crm.sessions.flash(member.visit.token, "Note added.")
    return redirect(f"/companies/{company_id}#notes")


def _form_context(company_id: int | None) -> dict[str, object]:
    return {
        "section": "companies",
        "company_id": company_id,
        "industries": schema.INDUSTRIES,
        "sizes": schema.COMPANY_SIZES,
    }
