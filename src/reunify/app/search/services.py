"""Rebuilding the person summaries and the search index from the linked records."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, transaction

from reunify.app.people.models import Person
from reunify.custody import custody_episodes
from reunify.linkage.person_records import LinkRecord
from reunify.names.search import KEY, identifier_terms, name_terms

from .models import PersonSummary, SearchTerm

Progress = Callable[[str, int, int], None]

#: Identifiers a user may type whole to find a person: the row's own id and the shared ones.
_KEY_FIELDS = ("record_id", "uac_id", "register_number", "event_id", "family_group_id", "case_number")

BATCH = 5000


def _name_of(fields: dict) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    name = fields.get("name")
    if not isinstance(name, dict):
        return None
    given = tuple(name.get("given") or ())
    surnames = tuple(name.get("surnames") or ())
    if not given and not surnames:
        tokens = tuple(name.get("tokens") or ())
        return (tokens, ()) if tokens else None
    return given, surnames


def _most_common(values: Iterable[object]) -> object | None:
    counted = Counter(v for v in values if v not in (None, ""))
    if not counted:
        return None
    return sorted(counted.items(), key=lambda item: (-item[1], str(item[0])))[0][0]


def summarise(public_id: str, records: Sequence[LinkRecord]) -> tuple[dict, set[str]]:
    """A person's summary row and search terms, from their records alone (pure, so it is easy to test)."""
    names = [n for n in (_name_of(r.fields) for r in records) if n]
    best = _most_common(names)
    display = " ".join(w.title() for w in (*best[0], *best[1])) if best else "(no name recorded)"
    others = sorted({" ".join((*g, *s)).title() for g, s in names} - {display})
    exact_dobs = [r.fields.get("dob") for r in records if not r.fields.get("dob_estimated")]
    dob_text = _most_common(exact_dobs) or _most_common(r.fields.get("dob") for r in records)
    hints = Counter(r.fields.get("role_hint") for r in records)
    episodes = custody_episodes(records)
    terms: set[str] = set()
    for given, surnames in names:
        terms |= name_terms((*given, *surnames))
    for record in records:
        terms |= identifier_terms(record.fields)
        terms.add(KEY + record.record_key.upper())
        for key_field in _KEY_FIELDS:
            value = record.fields.get(key_field)
            if value:
                terms.add(KEY + str(value).strip().upper())
    summary = {
        "public_id": public_id,
        "display_name": display[:200],
        "other_names": others[:10],
        "dob": dt.date.fromisoformat(str(dob_text)) if dob_text else None,
        "sex": str(_most_common(r.fields.get("sex") for r in records) or ""),
        "is_child": hints["child"] > hints["adult"],
        "a_numbers": sorted({str(r.fields["a_number"]) for r in records if r.fields.get("a_number")}),
        "fins": sorted({str(r.fields["fin"]) for r in records if r.fields.get("fin")}),
        "countries": sorted({str(r.fields["country"]) for r in records if r.fields.get("country")}),
        "states": sorted({e.state for e in episodes if e.state}),
        "agencies": sorted({e.agency for e in episodes if e.agency}),
        "record_count": len(records),
    }
    return summary, {t for t in terms if len(t) <= 220}


def _insert_summaries(cursor: Any, summaries: list[dict]) -> None:
    """Plain INSERTs: the ORM's bulk_create spends more time compiling than the database spends writing."""
    fields = [f for f in PersonSummary._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(f.column for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    rows = [[f.get_db_prep_save(summary[f.attname], connection) for f in fields] for summary in summaries]
    cursor.executemany(f"INSERT INTO {PersonSummary._meta.db_table} ({columns}) VALUES ({marks})", rows)


def search_index_rebuild(
    progress: Progress | None = None, persons: Mapping[str, list[LinkRecord]] | None = None
) -> dict[str, int]:
    """Replace every summary and search term with ones derived from the current persons, in one transaction.

    ``persons`` (records by person) may be passed by a caller that has read them already.
    """
    from reunify.app.custody.selectors import records_by_person

    grouped = records_by_person() if persons is None else persons
    pk_of = dict(Person.objects.filter(retired_run__isnull=True).values_list("public_id", "id"))
    summaries: list[dict] = []
    term_rows: list[tuple[str, int]] = []
    total = len(grouped)
    with transaction.atomic():
        SearchTerm.objects.all().delete()
        PersonSummary.objects.all().delete()
        table = SearchTerm._meta.db_table
        with connection.cursor() as cursor:
            for done, (public_id, records) in enumerate(sorted(grouped.items()), start=1):
                person_pk = pk_of.get(public_id)
                if person_pk is None:
                    continue
                summary, terms = summarise(public_id, records)
                summaries.append({"person_id": person_pk, **summary})
                term_rows.extend((term, person_pk) for term in sorted(terms))
                if len(term_rows) >= BATCH * 4 or done == total:
                    cursor.executemany(f"INSERT INTO {table} (term, person_id) VALUES (%s, %s)", term_rows)
                    term_rows.clear()
                    _insert_summaries(cursor, summaries)
                    summaries.clear()
                    if progress:
                        progress("search index", done, total)
            if term_rows:
                cursor.executemany(f"INSERT INTO {table} (term, person_id) VALUES (%s, %s)", term_rows)
            if summaries:
                _insert_summaries(cursor, summaries)
    return {"persons_indexed": PersonSummary.objects.count(), "terms": SearchTerm.objects.count()}
