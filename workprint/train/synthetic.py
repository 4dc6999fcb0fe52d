"""A synthetic CRM dataset in the dataset format, for tests, development and the benchmark.

:func:`write_synthetic` writes a dataset folder exactly as the dataset builder does
(``steps-<split>-00000.parquet``, ``episodes-<split>-00000.parquet``, ``datasheet.md``,
``manifest.json`` last) for simulated people doing CRM task families in the pages of
:mod:`workprint.train._crm_pages`:

* ``Create a contact <name> at <company> with email <email>``,
* ``Move deal <deal> to <stage>``,
* ``Log a call with <contact> about <subject>: <note>``,
* ``Add a note to <company>: <note>``,
* ``Create a deal <deal> for <company> worth <amount>``,
* ``Change the phone number of <contact> to <phone>``,

each in two phrasings. People differ: some find records with the global search and others
browse the lists, fill forms in their own order, submit with Enter, scroll, make typos and
retype. Splits are by person, as in real datasets. Everything is a function of the seed.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import msgspec

from workprint.dataset.errors import OutputExists
from workprint.dataset.format import (
    DATASET_SCHEMA_VERSION,
    EPISODES_SCHEMA,
    FORMAT_NAME,
    STEPS_SCHEMA,
    EpisodeRow,
    StepRow,
    to_table,
)
from workprint.dataset.manifest import (
    MANIFEST,
    FileEntry,
    Manifest,
    SplitEntry,
    encode_manifest,
    sha256_file,
)
from workprint.dataset.spec import DatasetSpec, spec_hash, spec_to_dict
from workprint.dataset.splits import SplitSpec
from workprint.train import _crm_pages as pages
from workprint.train._crm_world import Episode, Persona, World
from workprint.train._parquet import pq
from workprint.train.errors import TrainConfigInvalid

ORIGIN = "https://crm.example.internal"
CROSS_TASK = "cross_task"


@dataclass(frozen=True, slots=True)
class SyntheticSpec:
    """What to simulate."""

    people: int = 24
    """Simulated people."""
    episodes_per_person: int = 30
    """Tasks each person does."""
    test_people: int = 5
    """People in the ``test`` split (held out)."""
    val_people: int = 3
    """People in the ``val`` split."""
    seed: int = 7
    """Seed of everything drawn."""
    held_out_families: tuple[str, ...] = ()
    """Task families kept out of training: their episodes by people outside ``train`` form
    the ``cross_task`` split, those by ``train`` people are left out."""


def _create_contact(ep: Episode) -> None:
    w, rng = ep.world, ep.rng
    first, last, company, email = w.new_person(rng)
    ep.task = rng.choice(
        [
            f"Create a contact {first} {last} at {company} with email {email}",
            f"Add {first} {last} ({email}) as a new contact at {company}",
        ]
    )
    ep.open_section("contacts")
    ep.click("new_contact", pages.contact_form(ep.skin, w.company_options(rng, company)))
    fields = [("first_name", first), ("last_name", last), ("email", email)]
    fields = ep.persona.order(fields)
    for handle, value in fields:
        ep.type(handle, value)
    ep.select("company", company)
    ep.submit("submit", w.record(rng, ep.skin, "contact", f"{first} {last}", company))


def _move_deal(ep: Episode) -> None:
    w, rng = ep.world, ep.rng
    deal, _company = rng.choice(w.deals)
    stage = rng.choice(pages.STAGES)
    said = stage if rng.random() < 0.5 else stage.lower()
    ep.task = rng.choice([f"Move deal {deal} to {said}", f"Set the stage of {deal} to {said}"])
    ep.find("deal", deal)
    ep.select("stage", stage)
    ep.click("move", ep.page)


def _log_call(ep: Episode) -> None:
    w, rng = ep.world, ep.rng
    name, company = rng.choice(w.contacts)
    subject, note = rng.choice(w.subjects), rng.choice(w.notes)
    ep.task = rng.choice(
        [
            f"Log a call with {name} about {subject}: {note}",
            f"Record a call with {name} ({company}) about {subject}, note: {note}",
        ]
    )
    ep.open_section("activities")
    ep.click(
        "log_activity",
        pages.activity_form(ep.skin, w.contact_options(rng, name), w.deal_names(rng)),
    )
    ep.click("kind:call", ep.page)
    ep.type("subject", subject)
    ep.select("contact", f"{name} ({company})")
    ep.type("notes", note)
    ep.submit("submit", w.lists(rng, ep.skin, "activities"))


def _add_note(ep: Episode) -> None:
    w, rng = ep.world, ep.rng
    company = rng.choice(w.companies)
    note = rng.choice(w.notes)
    ep.task = rng.choice([f"Add a note to {company}: {note}", f"Note on {company}: {note}"])
    ep.find("company", company)
    if rng.random() < 0.7:
        ep.click("note_body", ep.page)
    ep.type("note_body", note)
    ep.click("add_note", ep.page)


def _create_deal(ep: Episode) -> None:
    w, rng = ep.world, ep.rng
    company = rng.choice(w.companies)
    deal = f"{company} {rng.choice(w.products)}"
    amount = str(rng.randrange(20, 400) * 500)
    ep.task = rng.choice(
        [
            f"Create a deal {deal} for {company} worth {amount}",
            f"New deal for {company}: {deal}, {amount} USD",
        ]
    )
    ep.open_section("deals")
    form = pages.deal_form(ep.skin, w.company_options(rng, company), w.contact_labels(rng), w.team)
    ep.click("new_deal", form)
    steps: list[tuple[str, Callable[[], None]]] = [
        ("deal_name", lambda: ep.type("deal_name", deal)),
        ("company", lambda: ep.select("company", company)),
        ("amount", lambda: ep.type("amount", amount)),
    ]
    for _handle, act in ep.persona.order(steps):
        act()
    ep.submit("submit", w.record(rng, ep.skin, "deal", deal, company))


def _update_phone(ep: Episode) -> None:
    w, rng = ep.world, ep.rng
    name, company = rng.choice(w.contacts)
    phone = f"+1 {rng.randrange(200, 999)} {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}"
    ep.task = rng.choice(
        [
            f"Change the phone number of {name} to {phone}",
            f"Update {name}'s phone to {phone}",
        ]
    )
    ep.find("contact", name)
    ep.click("edit", pages.contact_form(ep.skin, w.company_options(rng, company), editing=name))
    ep.type("phone", phone)
    ep.submit("submit", w.record(rng, ep.skin, "contact", name, company))


FAMILIES: dict[str, Callable[[Episode], None]] = {
    "create_contact": _create_contact,
    "move_deal": _move_deal,
    "log_call": _log_call,
    "add_note": _add_note,
    "create_deal": _create_deal,
    "update_phone": _update_phone,
}


def _pseudonym(seed: int, index: int) -> str:
    return "p_" + hashlib.sha256(f"synthetic\x00{seed}\x00{index}".encode()).hexdigest()[:16]


Simulated = dict[str, list[tuple[str, EpisodeRow, list[StepRow]]]]


def simulate(spec: SyntheticSpec) -> Simulated:
    """Every person's episodes: ``pseudonym -> [(family, episode, steps), ...]``."""
    world = World(random.Random(spec.seed))
    out: Simulated = {}
    names = list(FAMILIES)
    for index in range(spec.people):
        pseudonym = _pseudonym(spec.seed, index)
        rng = random.Random(f"{spec.seed}/{pseudonym}")
        persona = Persona.draw(rng, pseudonym, names)
        page = world.dashboard(rng, pages.Skin.draw(rng))
        episodes = []
        for n in range(spec.episodes_per_person):
            family = persona.family(rng)
            ep = Episode(world, persona, rng, page, f"{pseudonym}-{n:04d}")
            FAMILIES[family](ep)
            ep.act("END", None)  # the person marks the task done on the page it led to
            episodes.append((family, *ep.rows()))
            page = ep.page
        out[pseudonym] = episodes
    return out


def assign_splits(pseudonyms: list[str], spec: SyntheticSpec) -> dict[str, str]:
    """``test`` and ``val`` get the first people in pseudonym order, ``train`` the rest."""
    ordered = sorted(pseudonyms)
    split = {}
    for i, p in enumerate(ordered):
        if i < spec.test_people:
            split[p] = "test"
        elif i < spec.test_people + spec.val_people:
            split[p] = "val"
        else:
            split[p] = "train"
    return split


def write_synthetic(out_dir: Path | str, spec: SyntheticSpec | None = None) -> Manifest:
    """Write a synthetic dataset into ``out_dir`` (which must not exist) and return its
    manifest."""
    spec = spec or SyntheticSpec()
    if spec.people < 1 or spec.test_people + spec.val_people >= spec.people:
        raise TrainConfigInvalid(
            "synthetic datasets need more people than test_people + val_people"
        )
    root = Path(out_dir)
    if root.exists():
        raise OutputExists(f"{root} exists; datasets are never overwritten, choose a new folder")
    root.mkdir(parents=True)
    unknown = set(spec.held_out_families) - set(FAMILIES)
    if unknown:
        raise TrainConfigInvalid(f"unknown task families: {', '.join(sorted(unknown))}")
    data = simulate(spec)
    person_split = assign_splits(list(data), spec)
    held = set(spec.held_out_families)
    chosen: dict[str, list[tuple[EpisodeRow, list[StepRow]]]] = defaultdict(list)
    for person in sorted(data):
        for family, episode, rows in data[person]:
            if family not in held:
                chosen[person_split[person]].append((episode, rows))
            elif person_split[person] != "train":
                chosen[CROSS_TASK].append((episode, rows))
    names = ("train", "val", "test", *((CROSS_TASK,) if held else ()))
    files: dict[str, int] = {}
    entries = {}
    for split in names:
        episodes = [e for e, _ in chosen[split]]
        steps = [s for _, rows in chosen[split] for s in rows]
        people = sorted({e.person for e in episodes})
        tables: list[tuple[str, list[msgspec.Struct], object]] = [
            ("steps", list(steps), STEPS_SCHEMA),
            ("episodes", list(episodes), EPISODES_SCHEMA),
        ]
        for table, table_rows, schema in tables:
            name = f"{table}-{split}-00000.parquet"
            pq.write_table(to_table(table_rows, schema), root / name, compression="zstd")
            files[name] = len(table_rows)
        entries[split] = SplitEntry(
            people=people,
            episodes=len(episodes),
            steps=len(steps),
            source_events=sum(e.n_events for e in episodes),
            event_id_min=min((e.first_event_id for e in episodes), default=None),
            event_id_max=max((e.last_event_id for e in episodes), default=None),
        )
    # Shares of the people in the three splits (someone whose every task is of a held-out
    # family is in none of them).
    placed = sum(len(entries[s].people) for s in ("train", "val", "test")) or 1
    ratios = tuple((s, len(entries[s].people) / placed) for s in ("train", "val", "test"))
    dspec = DatasetSpec(name="synthetic-crm", seed=spec.seed, splits=SplitSpec(ratios=ratios))
    (root / "datasheet.md").write_text(_datasheet(spec, entries), encoding="utf-8")
    hashes = {n: sha256_file(root / n) for n in sorted([*files, "datasheet.md"])}
    body = spec_hash(dspec) + "".join(f"{n}\t{h}\n" for n, h in sorted(hashes.items()))
    manifest = Manifest(
        format=FORMAT_NAME,
        schema_version=DATASET_SCHEMA_VERSION,
        version_id="ds_" + hashlib.sha256(body.encode()).hexdigest()[:20],
        name=dspec.name,
        spec_hash=spec_hash(dspec),
        spec={**spec_to_dict(dspec), "synthetic": msgspec.to_builtins(spec)},
        policy_version=0,
        pseudonyms={"scheme": "synthetic", "key_fingerprint": ""},
        counts={
            "people": spec.people,
            "episodes": sum(e.episodes for e in entries.values()),
            "steps": sum(e.steps for e in entries.values()),
        },
        splits=entries,
        files={
            n: FileEntry(sha256=h, bytes=(root / n).stat().st_size, rows=files.get(n))
            for n, h in hashes.items()
        },
    )
    (root / MANIFEST).write_bytes(encode_manifest(manifest))
    return manifest


def _datasheet(spec: SyntheticSpec, entries: dict[str, SplitEntry]) -> str:
    lines = [
        "# Datasheet: synthetic CRM next-action dataset",
        "",
        "Simulated people doing CRM task families in a synthetic Nexus CRM "
        "(`workprint.train.synthetic`); no real person's data.",
        "",
        f"- people: {spec.people}, episodes per person: {spec.episodes_per_person}, "
        f"seed: {spec.seed}",
        f"- task families: {', '.join(FAMILIES)}",
        "",
        "| split | people | episodes | steps |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {n} | {len(e.people)} | {e.episodes} | {e.steps} |" for n, e in entries.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """``python -m workprint.train.synthetic OUT [--people N] [--episodes N] [--seed N]``;
    about a fifth of the people are held out for ``test`` and an eighth for ``val``."""
    import argparse
    import sys

    from workprint.core.errors import WorkprintError

    parser = argparse.ArgumentParser(description="Write a synthetic CRM dataset.")
    parser.add_argument("out", type=Path)
    defaults = SyntheticSpec()
    parser.add_argument("--people", type=int, default=defaults.people)
    parser.add_argument("--episodes", type=int, default=defaults.episodes_per_person)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    args = parser.parse_args(argv)
    spec = SyntheticSpec(
        people=args.people,
        episodes_per_person=args.episodes,
        test_people=max(1, round(args.people * 5 / 24)),
        val_people=max(1, round(args.people / 8)),
        seed=args.seed,
    )
    try:
        manifest = write_synthetic(args.out, spec)
    except WorkprintError as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise SystemExit(1) from None
    print(f"{args.out}: {manifest.version_id}, {manifest.counts['steps']} steps")


if __name__ == "__main__":
    main()
