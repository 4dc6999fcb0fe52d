"""Nexus CRM: the demo internal web tool that the simulated team works in and Workprint records.

A small, real, server-rendered CRM (companies, contacts, deals with stages, activities,
notes, search, settings, billing) on FastAPI, Jinja2 and SQLite. Its database, seeded
deterministically, is also the ground truth for judging whether a task was done
(:mod:`workprint.demo.crm.state`). See ``docs/crm.md``.

Public surface: :class:`~workprint.demo.crm.config.CrmConfig`,
:func:`~workprint.demo.crm.app.create_crm_app`, :func:`~workprint.demo.crm.server.run_crm`,
:func:`~workprint.demo.crm.server.running_crm`, :mod:`~workprint.demo.crm.seed` and
:mod:`~workprint.demo.crm.state`.
"""
