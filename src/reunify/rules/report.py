"""The court's status report: plain separations in, tables of figures with their definitions out.

Why every figure carries its definition: a count is only useful to a court
when the reader knows exactly what it counts (children or parents, by which
date, under which class definition), and two reports can only be compared
when their definitions are the same.  The unit is said in each definition:
children are counted once however many parents they were separated from;
parents once however many children; deadlines and exclusions per separation
(one child and one parent).

The renderers (CSV, Markdown, HTML) are deterministic: the same rows give
byte-identical output, so a report can be reproduced and diffed.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reunify.rules.evaluation import (
    EXCLUDED,
    MEMBER,
    NO_CLASS,
    OUT_OF_PERIOD,
    Evaluation,
    SeparationFacts,
)

DEADLINE_STATUSES = ("MET", "MISSED", "OPEN", "EXCUSED", "UNKNOWN")


@dataclass(frozen=True, slots=True)
class Figure:
    """One number of the report, with its key, its label and what exactly it counts."""

    key: str
    label: str
    value: int
    definition: str


@dataclass(frozen=True, slots=True)
class ReportTable:
    """A titled group of figures."""

    title: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True, slots=True)
class StatusReport:
    """The whole report: its date, how the data was chosen, the rule sets used and the tables."""

    as_of: dt.date
    basis: str
    rule_sets: tuple[str, ...]
    tables: tuple[ReportTable, ...]

    def figure(self, key: str) -> int:
        """A figure's value by key (0 when the report has no such line, e.g. a reason that never occurs)."""
        for table in self.tables:
            for figure in table.figures:
                if figure.key == key:
                    return figure.value
        return 0


def _visible(day: dt.date | None, as_of: dt.date) -> bool:
    return day is not None and day <= as_of


def status_report(
    rows: Iterable[tuple[SeparationFacts, Evaluation]],
    as_of: dt.date,
    basis: str,
    group_order: Sequence[str] = (),
) -> StatusReport:
    """The tables a court asks for, as of the end of ``as_of``, from evaluated separations.

    ``rows`` are the separations known by then, each evaluated as of
    ``as_of``; ``basis`` says in words which data they were computed from
    (printed in the report's heading).  ``group_order`` orders the age groups
    (the reunification deadlines' groups, as the rule sets name them).
    """
    rows = [(f, e) for f, e in rows if f.separated_at <= as_of]
    rule_sets = sorted({label for _, e in rows for label in e.rule_sets})
    children = sorted({f.child_person for f, _ in rows})
    member_rows = [(f, e) for f, e in rows if e.membership.status == MEMBER]
    class_children: dict[str, list[tuple[SeparationFacts, Evaluation]]] = {}
    for f, e in member_rows:
        class_children.setdefault(f.child_person, []).append((f, e))

    # -- children in the class, by age group
    groups = Counter(
        next((e.group for _, e in pairs if e.group), None) or "age unknown"
        for pairs in class_children.values()
    )
    ordered_groups = [g for g in group_order if g in groups] + sorted(
        g for g in groups if g not in group_order
    )
    class_table = [
        Figure(
            "children_separated",
            "children separated",
            len(children),
            "Children separated from at least one accompanying parent on or before the date "
            "(custody diverged after a joint apprehension and the child went to the refugee office); "
            "a child separated from two parents counts once.",
        ),
        Figure(
            "children_in_class",
            "children in the class",
            len(class_children),
            "Separated children with at least one separated parent who is a class member on the date, "
            "under the class definitions in force on the date (exclusions as found by then).",
        ),
    ]
    for group in ordered_groups:
        class_table.append(
            Figure(
                f"children_in_class_{group}",
                f"children in the class, {group}",
                groups[group],
                f"Children in the class whose reunification deadline is the one for children {group} "
                "(age on the date the rule set names); 'age unknown' when no date of birth is known.",
            )
        )

    # -- where the class children are
    reunified = discharged = in_care = unknown = 0
    discharge_types: Counter[str] = Counter()
    for pairs in class_children.values():
        facts = pairs[0][0]
        if any(f.outcome == "REUNIFIED" and _visible(f.outcome_at, as_of) for f, _ in pairs):
            reunified += 1
        elif _visible(facts.child_discharged_at, as_of):
            discharged += 1
            discharge_types[facts.child_discharge_type or "UNKNOWN"] += 1
        elif facts.child_placed_at is not None and facts.child_placed_at.date() <= as_of:
            in_care += 1
        else:
            unknown += 1
    where_table = [
        Figure(
            "children_reunified",
            "reunified",
            reunified,
            "Children in the class handed back to a separated parent on or before the date.",
        ),
        Figure(
            "children_discharged_otherwise",
            "discharged otherwise",
            discharged,
            "Children in the class whose care by the refugee office ended on or before the date other "
            "than by reunification with a separated parent: "
            + (", ".join(f"{k} {v}" for k, v in sorted(discharge_types.items())) or "none")
            + ".",
        ),
        Figure(
            "children_in_care",
            "still in care",
            in_care,
            "Children in the class placed with the refugee office and not discharged by the end of the date.",
        ),
    ]
    if unknown:
        where_table.append(
            Figure(
                "children_custody_unknown",
                "custody unknown",
                unknown,
                "Children in the class with no placement with the refugee office known by the date.",
            )
        )

    # -- parents
    parents: dict[str, list[SeparationFacts]] = {}
    for f, _ in member_rows:
        parents.setdefault(f.parent_person, []).append(f)
    removed = {p for p, fs in parents.items() if any(_visible(f.parent_removed_at, as_of) for f in fs)}
    removed_alone = {
        f.parent_person for f, e in member_rows if any(x.kind == "REMOVED_WITHOUT_CHILD" for x in e.findings)
    }
    declined = {p for p, fs in parents.items() if any(_visible(f.parent_declined_at, as_of) for f in fs)}
    parent_table = [
        Figure(
            "parents_in_class", "parents in the class", len(parents), "Class members (parents) on the date."
        ),
        Figure(
            "parents_removed",
            "parents removed",
            len(removed),
            "Parents in the class removed from the United States on or before the date.",
        ),
        Figure(
            "parents_removed_without_child",
            "parents removed without the child and without declining",
            len(removed_alone),
            "Parents in the class removed on or before the date without their child and without a "
            "declination of reunification signed before the removal (forbidden by the injunction).",
        ),
        Figure(
            "parents_declined",
            "parents who declined reunification",
            len(declined),
            "Parents in the class who signed a declination of reunification dated on or before the date.",
        ),
    ]

    # -- ineligible, by reason
    reasons: Counter[str] = Counter()
    for _, e in rows:
        status = e.membership.status
        if status == EXCLUDED:
            for reason in e.membership.reasons:
                reasons[reason.code] += 1
        elif status in (OUT_OF_PERIOD, NO_CLASS):
            reasons[status] += 1
    not_member = sum(1 for _, e in rows if e.membership.status != MEMBER)
    ineligible_table = [
        Figure(
            "separations_not_in_class",
            "separations not in the class",
            not_member,
            "Separations (one child and one parent) whose parent is not a class member on the date, for "
            "any of the reasons below (a separation with two reasons counts once here, once per reason below).",
        )
    ]
    for code in sorted(reasons):
        ineligible_table.append(
            Figure(
                f"ineligible_{code}",
                f"not in the class: {code}",
                reasons[code],
                _REASON_DEFINITIONS.get(code, "Separations excluded for this reason (see the rule set)."),
            )
        )

    # -- deadlines
    deadline_counts: dict[tuple[str, str, str], Counter[str]] = {}
    for _, e in rows:
        for d in e.deadlines:
            deadline_counts.setdefault((d.rule_set, d.rule, d.title), Counter())[d.status] += 1
    deadline_table = []
    for (rule_set, rule, title), counts in sorted(deadline_counts.items()):
        for status in DEADLINE_STATUSES:
            if status in ("EXCUSED", "UNKNOWN") and not counts[status]:
                continue
            deadline_table.append(
                Figure(
                    f"deadline_{rule}_{status.lower()}",
                    f"{rule}: {status.lower()}",
                    counts[status],
                    f"Separations to which '{title}' ({rule_set}) applies whose deadline is "
                    + _STATUS_DEFINITIONS[status],
                )
            )

    # -- judicial basis
    without = [(f, e) for f, e in rows if not f.judicial_basis]
    basis_table = [
        Figure(
            "separations",
            "separations",
            len(rows),
            "Separations (one child and one parent) on or before the date.",
        ),
        Figure(
            "separations_without_judicial_basis",
            "separations without a judicial basis",
            len(without),
            "Separations with no court finding about the parent (unfit, danger to the child, criminal "
            "history, communicable disease) dated strictly before the separation.",
        ),
        Figure(
            "class_separations_without_judicial_basis",
            "of which in the class",
            sum(1 for _, e in without if e.membership.status == MEMBER),
            "Separations without a judicial basis whose parent is a class member on the date.",
        ),
    ]
    return StatusReport(
        as_of,
        basis,
        tuple(rule_sets),
        (
            ReportTable("Children separated and in the class", tuple(class_table)),
            ReportTable("Where the children in the class are", tuple(where_table)),
            ReportTable("Parents in the class", tuple(parent_table)),
            ReportTable("Not in the class, by reason", tuple(ineligible_table)),
            ReportTable("Deadlines", tuple(deadline_table)),
            ReportTable("Judicial basis", tuple(basis_table)),
        ),
    )


_REASON_DEFINITIONS = {
    "PARENT_CRIMINAL_HISTORY": "Separations whose parent has a court finding of criminal history dated on or before the date.",
    "PARENT_UNFIT": "Separations whose parent was found unfit by a court on or before the date.",
    "PARENT_DANGER_TO_CHILD": "Separations whose parent was found a danger to the child by a court on or before the date.",
    "PARENT_COMMUNICABLE_DISEASE": "Separations whose parent has a court finding of communicable disease dated on or before the date.",
    "CHILD_NOT_MINOR": "Separations of a child who was 18 or older when separated.",
    "PARENT_NOT_ADULT": "Separations of a parent who was under 18 when separated.",
    OUT_OF_PERIOD: "Separations that no class definition in force on the date covers (e.g. the child left "
    "government care before the order, under the class as certified).",
    NO_CLASS: "Separations evaluated on a date when no class definition was in force yet.",
}

_STATUS_DEFINITIONS = {
    "MET": "met: the event happened on or before the due date, and on or before the report date.",
    "MISSED": "missed: the event happened after it was due, or it is due and none is recorded by the report date.",
    "OPEN": "open: not due yet on the report date and no event recorded.",
    "EXCUSED": "excused: an outcome the rule names (e.g. the parent declined reunification) happened first.",
    "UNKNOWN": "unknown: a fact the deadline runs from is missing from the records.",
}


# --------------------------------------------------------------------------- rendering


def _heading(report: StatusReport) -> list[str]:
    return [
        f"Status report as of {report.as_of.isoformat()} (end of day)",
        f"Data: {report.basis}",
        f"Rule sets: {', '.join(report.rule_sets) or 'none'}",
    ]


def render_csv(report: StatusReport) -> str:
    """One line per figure: table, key, label, value, definition (heading lines as comments are avoided)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["as_of", "table", "key", "label", "value", "definition"])
    for table in report.tables:
        for f in table.figures:
            writer.writerow([report.as_of.isoformat(), table.title, f.key, f.label, f.value, f.definition])
    return buffer.getvalue()


def render_markdown(report: StatusReport) -> str:
    """Markdown tables, one per group of figures, each figure with its definition."""
    title, *rest = _heading(report)
    lines = [f"# {title}", "", *(f"{line}  " for line in rest), ""]
    for table in report.tables:
        lines += [f"## {table.title}", "", "| figure | value | definition |", "| --- | ---: | --- |"]
        for f in table.figures:
            definition = f.definition.replace("|", "\\|")
            lines.append(f"| {f.label} | {f.value} | {definition} |")
        lines.append("")
    return "\n".join(lines)


def render_html(report: StatusReport) -> str:
    """A self-contained HTML page (no scripts, no external resources)."""
    title, *rest = _heading(report)
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}"
        "table{border-collapse:collapse;width:100%;margin-bottom:2rem}"
        "th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}"
        "td.n{text-align:right}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        *(f"<p>{esc(line)}</p>" for line in rest),
    ]
    for table in report.tables:
        parts.append(f"<h2>{esc(table.title)}</h2>")
        parts.append('<table><thead><tr><th scope="col">figure</th><th scope="col">value</th>'
                     '<th scope="col">definition</th></tr></thead><tbody>')  # fmt: skip
        for f in table.figures:
            parts.append(
                f'<tr><th scope="row">{esc(f.label)}</th><td class="n">{f.value}</td><td>{esc(f.definition)}</td></tr>'
            )
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


RENDERERS = {"csv": render_csv, "md": render_markdown, "html": render_html}
