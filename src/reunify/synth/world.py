"""What really happened: families, custody, separations and outcomes, 2017–2018.

One apprehension group ("family") is simulated at a time, from the crossing to
the end of the data, and written at once: CBP processing, USMS bookings, ICE
stays, ORR referrals and placements, DNA tests, court findings and NGO
locates.  The truth rows of the family (ties and separations) are derived
from the same facts, after clipping at ``DATA_END``, so they say exactly what
the feeds say.  Nothing here keeps state across families except counters and
small reservoirs, which is what lets 100,000 families stream through.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from .clock import (
    COURT_ORDER,
    DATA_END,
    DAY,
    FIRST_APPREHENSION,
    HOUR,
    LAST_APPREHENSION,
    MINUTE,
    SEPARATED_COLUMN_FROM,
    SEPARATED_KEY_FROM,
    ZERO_TOLERANCE,
    age_on,
    daytime,
    iso_date,
    local_date,
    local_minutes,
    local_to_utc,
    us_date,
    utc_plain,
    utc_z,
    with_offset,
)
from .config import OUTCOME_WEIGHT_ORDER, SynthConfig
from .deliveries import CBP, COURT, DNA, ICE, NGO, ORR, USMS
from .people import A_FORMS_CBP, A_FORMS_ICE, A_FORMS_ORR, A_FORMS_OTHER, People, Person, Scribe
from .pools import (
    COUNTRIES,
    DISTRICT_REGISTER_CODE,
    FACILITIES,
    ICE_FAMILY,
    ICE_FAR,
    ICE_FAR_WOMEN,
    ICE_NEAR,
    NGO_ORGANIZATIONS,
    ORR_PROGRAMS,
    PILOT_SECTORS,
    SECTORS,
    STATIONS,
    TORNILLO,
    US_CITIES,
    Station,
    Weighted,
    plain_upper,
)
from .records import Emitter

TieWriter = Callable[[str, str, str], None]
SeparationWriter = Callable[[str, str, str, str, str, str], None]

_TORNILLO_OPENS = dt.datetime(2018, 6, 14)
_BASIS = frozenset({"UNFIT", "DANGER_TO_CHILD", "CRIMINAL_HISTORY", "COMMUNICABLE_DISEASE"})


@dataclass(slots=True)
class Event:
    """One apprehension: everyone in it shares ``event_id``."""

    event_id: str
    seq: int
    station: Station
    at: dt.datetime
    offset: int
    members: int = 0

    @property
    def local_day(self) -> dt.date:
        """The apprehension's date where it happened."""
        return local_date(self.at, self.offset)


@dataclass(slots=True)
class Custody:
    """What the truth needs to know about a parent after the simulation."""

    removed: bool = False
    declined: bool = False
    stays: list[tuple[dt.datetime, dt.datetime | None]] = field(default_factory=list)

    def detained_at(self, moment: dt.datetime) -> bool:
        """Whether one of the stays covers that instant (DNA needs both in custody)."""
        return any(a <= moment and (b is None or moment < b) for a, b in self.stays)


@dataclass(slots=True)
class ChildCare:
    """A child's ORR referral as simulated: for the truth and for DNA timing."""

    admitted: dt.datetime
    discharged: dt.datetime | None
    discharge_type: str | None
    uac_id: str


@dataclass(slots=True)
class Relative:
    """An adult relative travelling with children who are not theirs.

    ``parent_of`` and ``child_of`` hold the family members the relative is a
    parent or a child of (a grandparent is the parent's parent, an adult
    sibling the parent's child): those ties are real and go into the truth.
    """

    person: Person
    role: str  # AUNT, UNCLE, GRANDMOTHER, GRANDFATHER, BROTHER, SISTER, COUSIN
    parent_of: list[Person]
    child_of: list[Person]
    maternal: bool = False  # kin through the mother (a maternal aunt), for the remarks


#: Who travels with a child in a relative unit (rough shares).
_RELATIVE_ROLES = Weighted(
    [("AUNT", 24), ("UNCLE", 20), ("GRANDMOTHER", 20), ("GRANDFATHER", 5), ("BROTHER", 10),
     ("SISTER", 10), ("COUSIN", 11)]
)  # fmt: skip
#: The extra adult in an ordinary family unit.
_WITH_PARENT_ROLES = Weighted([("GRANDMOTHER", 45), ("SISTER", 15), ("BROTHER", 15), ("AUNT", 25)])
#: How a relation is written in an English remark, and in a Spanish one.
_REL_EN = {
    "AUNT": ("AUNT", "AUNT", "{side} AUNT", "TIA/AUNT"),
    "UNCLE": ("UNCLE", "UNCLE", "{side} UNCLE"),
    "GRANDMOTHER": ("GRANDMOTHER", "GRANDMA", "GRAND MOTHER"),
    "GRANDFATHER": ("GRANDFATHER", "GRANDPA"),
    "BROTHER": ("OLDER BROTHER", "BROTHER", "ADULT BROTHER", "BROTHER (18+)"),
    "SISTER": ("OLDER SISTER", "SISTER", "ADULT SISTER"),
    "COUSIN": ("COUSIN", "ADULT COUSIN"),
}
_REL_ES = {
    "AUNT": "TIA", "UNCLE": "TIO", "GRANDMOTHER": "ABUELA", "GRANDFATHER": "ABUELO",
    "BROTHER": "HERMANO", "SISTER": "HERMANA", "COUSIN": "PRIMO",
}  # fmt: skip


def _clip(moment: dt.datetime | None) -> dt.datetime | None:
    """Events after the end of the data have not happened (yet)."""
    return moment if moment is not None and moment <= DATA_END else None


class World:
    """Simulates families one at a time and writes them through the emitter."""

    def __init__(
        self,
        rng: random.Random,
        cfg: SynthConfig,
        people: People,
        scribe: Scribe,
        emitter: Emitter,
        write_tie: TieWriter,
        write_separation: SeparationWriter,
    ) -> None:
        self.rng = rng
        self.cfg = cfg
        self.people = people
        self.scribe = scribe
        self.emitter = emitter
        self.write_tie = write_tie
        self.write_separation = write_separation
        self._event_seq: dict[tuple[str, int], int] = {}
        self._e3 = 1_000_000
        self._usms = 40_000
        self._register = 10_000
        self._case = 0
        self._ice = 7_700_000
        self._orr = 10_000
        self._uac: dict[int, int] = {}
        self._dna = 0
        self._court: dict[int, int] = {}
        self._ngo: dict[str, int] = {}
        self._fgid_seq = 0
        self.persons = 0
        self.ties = 0
        self.separations: dict[str, int] = dict.fromkeys(
            ("REUNIFIED", "PARENT_DECLINED", "PARENT_REMOVED", "RELEASED_TO_SPONSOR", "APART"), 0
        )
        self.outcome_weights_zt = Weighted(
            list(zip(OUTCOME_WEIGHT_ORDER, cfg.outcome_weights_zero_tolerance, strict=True))
        )
        self.outcome_weights_pilot = Weighted(
            list(zip(OUTCOME_WEIGHT_ORDER, cfg.outcome_weights_pilot, strict=True))
        )
        self.children_count = Weighted([(str(i + 1), w) for i, w in enumerate(cfg.children_count_weights)])

    # ================================================================== helpers
    def _after(self, moment: dt.datetime, low_hours: float, high_hours: float) -> dt.datetime:
        return moment + MINUTE * self.rng.randint(int(low_hours * 60), int(high_hours * 60))

    def _chance(self, p: float) -> bool:
        return self.rng.random() < p

    def _event(self, day: dt.date, sectors: Weighted) -> Event:
        rng = self.rng
        stations = STATIONS[sectors.pick(rng)]
        station = stations[rng.randrange(len(stations))]
        if rng.random() < 0.75:
            minute = (18 * 60 + rng.randint(0, 16 * 60 - 1)) % 1440  # mostly at night
        else:
            minute = rng.randint(0, 1439)
        local = dt.datetime.combine(day, dt.time()) + MINUTE * minute
        at, offset = local_to_utc(local, station.zone)
        fiscal = day.year + 1 if day.month >= 10 else day.year
        key = (station.sector_code, fiscal)
        self._event_seq[key] = self._event_seq.get(key, 0) + 1
        self._e3 += rng.randint(1, 3)
        event_id = f"{station.sector_code}-{fiscal % 100:02d}-{self._event_seq[key]:06d}"
        return Event(event_id, self._e3, station, at, offset)

    def _new_fgid(self) -> str:
        self._fgid_seq += 1
        return f"FG-{self._fgid_seq:07d}"

    def _finish_family(self, persons: list[Person]) -> None:
        self.persons += sum(1 for p in persons if p.rows)

    def _note_event(self, person: Person, column: str) -> None:
        """Remember the event the record just emitted names, if it came out well-formed.

        Read from the newest delivered version, so the truth follows what the
        feeds finally say (a broken row names nothing, a blanked id neither).
        """
        row = self.emitter.last_row
        if row is not None and row.get(column):
            person.events.add(row[column])

    def _tie(self, parent: Person, child: Person) -> None:
        if parent.ok_rows and child.ok_rows:
            self.write_tie(parent.pid, child.pid, "MOTHER" if parent.sex == "F" else "FATHER")
            self.ties += 1

    # ================================================================== people
    def _family_people(
        self, day: dt.date, adults: str, children: int, twins_ok: bool = True
    ) -> tuple[Person | None, Person | None, list[Person]]:
        """(mother, father, children) with family-consistent names and ages.

        ``adults`` is "M" (mother only), "F" (father only) or "MF".
        """
        rng, people = self.rng, self.people
        country = people.country()
        mayan = people.is_mayan(country)
        father_surnames = people.surname_pair(mayan)
        mother_surnames = people.surname_pair(mayan)
        kids: list[Person] = []
        ages: list[int] = []
        for _ in range(children):
            if rng.random() < self.cfg.child_under5_share:
                ages.append(rng.randint(0, 4))
            else:
                ages.append(rng.randint(5, 17))
        oldest = max(ages) if ages else 5
        mother_age = min(52, max(18, oldest + rng.randint(17, 32)))
        father_age = min(60, max(18, mother_age + rng.randint(-2, 9)))
        child_surnames = (father_surnames[0], mother_surnames[0])
        if adults == "M" and rng.random() < 0.2:
            child_surnames = mother_surnames
        twin_at = (
            rng.randrange(children - 1)
            if twins_ok and children >= 2 and rng.random() < self.cfg.twin_rate
            else None
        )
        used: list[str] = []
        for index, age in enumerate(ages):
            sex = "M" if rng.random() < 0.55 else "F"
            given = people.given(sex, avoid=tuple(used))
            used.append(given[0])
            if twin_at is not None and index == twin_at + 1:
                dob = kids[twin_at].dob
            else:
                dob = people.dob_for_age(age, day)
            kid = people.person(
                sex,
                dob,
                given,
                child_surnames,
                country,
                mayan,
                fingerprinted=age_on(dob, day) >= 14,
                adult=False,
            )
            kids.append(kid)
        mother = father = None
        if "M" in adults:
            mother = people.person(
                "F",
                people.dob_for_age(mother_age, day),
                people.given("F"),
                mother_surnames,
                country,
                mayan,
                fingerprinted=True,
                adult=True,
            )
        if "F" in adults:
            father = people.person(
                "M",
                people.dob_for_age(father_age, day),
                people.given("M"),
                father_surnames,
                country,
                mayan,
                fingerprinted=True,
                adult=True,
            )
        return mother, father, kids

    def _lone_adult(self, day: dt.date, sex: str | None = None) -> Person:
        people = self.people
        country = people.country()
        mayan = people.is_mayan(country)
        sex = sex or ("M" if self.rng.random() < 0.8 else "F")
        age = self.rng.randint(18, 50)
        return people.person(
            sex,
            people.dob_for_age(age, day),
            people.given(sex),
            people.surname_pair(mayan),
            country,
            mayan,
            fingerprinted=True,
            adult=True,
        )

    # ================================================================== CBP
    def cbp(
        self,
        person: Person,
        ev: Event,
        *,
        relationship: str,
        classification: str,
        disposition: str,
        transferred_to: str,
        transferred_at: dt.datetime | None,
        family_group_id: str = "",
        separated: str = "",
        reason: str = "",
        remarks: str = "",
        first: dict[str, str] | None = None,
        protect: bool = False,
    ) -> None:
        """One processing record (E3); ``first`` holds the values before the transfer."""
        rng, cfg, scribe = self.rng, self.cfg, self.scribe
        ev.members += 1
        record_id = f"E3-{ev.seq:07d}-{ev.members:02d}"
        day = ev.local_day
        age = age_on(person.dob, day)
        last, first_name = scribe.upper_name(person)
        dob, _ = scribe.dob(person, day - DAY, child=age < 18)
        a_number = (
            ""
            if rng.random() < cfg.a_number_blank_cbp
            else scribe.a_number_form(scribe.a_number_digits(person), A_FORMS_CBP)
        )
        sex = "U" if age < 2 and rng.random() < 0.05 else person.sex
        if remarks and rng.random() < cfg.quoted_newline_rate and " " in remarks:
            cut = remarks.find(" ", len(remarks) // 3)
            cut = cut if cut >= 0 else remarks.index(" ")
            remarks = remarks[:cut] + "\n" + remarks[cut + 1 :]
        station = ev.station
        row = {
            "record_id": record_id,
            "event_id": ev.event_id,
            "fin": person.fin if person.fin and age >= 14 else "",
            "a_number": a_number,
            "last_name": last,
            "first_name": first_name,
            "dob": iso_date(dob),
            "sex": sex,
            "citizenship": COUNTRIES[person.country].english.upper(),
            "apprehended_at": with_offset(ev.at, ev.offset),
            "sector": station.sector,
            "station": station.name,
            "state": station.state,
            "family_group_id": family_group_id,
            "relationship": relationship,
            "classification": classification,
            "disposition": disposition,
            "transferred_to": transferred_to if transferred_at else "",
            "transferred_at": with_offset(transferred_at, ev.offset) if transferred_at else "",
            "separated": separated if day >= SEPARATED_COLUMN_FROM else "",
            "separation_reason": reason if day >= SEPARATED_COLUMN_FROM else "",
            "remarks": remarks,
        }
        processed = ev.at + MINUTE * rng.randint(30, 240)
        versions = []
        if transferred_at is not None and processed < transferred_at:
            early = dict(row)
            early.update(transferred_to="", transferred_at="", separated="", separation_reason="")
            if first:
                early.update(first)
            versions.append((processed, early))
        versions.append((transferred_at or processed, row))
        broken = (
            protect and cfg.broken_protected_cbp_rate > 0 and rng.random() < cfg.broken_protected_cbp_rate
        )
        self.emitter.emit(CBP, record_id, person, versions, protect, force_broken=broken)
        self._note_event(person, "event_id")

    # ================================================================== USMS
    def usms(
        self,
        person: Person,
        ev: Event,
        booked: dt.datetime,
        released: dt.datetime | None,
        released_to: str,
        disposition: str,
    ) -> None:
        """One booking by the Marshals for 8 USC 1325 (local district time, no offset)."""
        rng, cfg, scribe = self.rng, self.cfg, self.scribe
        station = ev.station
        zone = station.district_zone
        self._usms += rng.randint(1, 4)
        record_id = f"USMS-{booked.year}-{self._usms:07d}"
        if "usms" not in person.written:
            self._register += rng.randint(1, 9)
            last, first = scribe.upper_name(person)
            dob, _ = scribe.dob(person, booked.date() - DAY, child=False)
            register = f"{self._register:05d}-{DISTRICT_REGISTER_CODE[station.district]}"
            name = f"{last}, {first}" if last else first
            person.written["usms"] = (name, us_date(dob), register)
        name, dob_text, register = person.written["usms"]
        self._case += 1
        row = {
            "record_id": record_id,
            "register_number": register,
            "name": name,
            "dob": dob_text,
            "sex": person.sex,
            "a_number": scribe.a_number_form(scribe.a_number_digits(person), A_FORMS_OTHER)
            if rng.random() < 0.12
            else "",
            "fin": "" if rng.random() < cfg.fin_missing_usms or not person.fin else person.fin,
            "arrest_event_id": "" if rng.random() < cfg.event_id_missing_usms else ev.event_id,
            "booked_at": local_minutes(booked, zone),
            "released_at": "",
            "released_to": "",
            "district": station.district,
            "case_number": f"{station.division}-{booked.year % 100:02d}-MJ-{self._case % 100000:05d}",
            "charge": "8 USC 1325(a)(1)",
            "disposition": "PENDING",
        }
        versions = [(booked, row)]
        if released is not None:
            final = dict(row)
            final.update(
                released_at=local_minutes(released, zone),
                released_to=released_to,
                disposition=disposition,
            )
            versions.append((released, final))
        self.emitter.emit(USMS, record_id, person, versions)
        self._note_event(person, "arrest_event_id")

    # ================================================================== ICE
    def ice_stay(
        self,
        person: Person,
        code: str,
        book_in: dt.datetime,
        book_out: dt.datetime | None,
        reason: str,
        removal_country: str = "",
        stated_children: str = "",
        declined_at: dt.datetime | None = None,
        protect: bool = False,
    ) -> None:
        """One stay in one facility; re-sent when it closes (and when a parent declines)."""
        rng, cfg, scribe = self.rng, self.cfg, self.scribe
        self._ice += rng.randint(1, 6)
        record_id = f"EARM-{self._ice:07d}"
        ident = person.written.get("ice")
        if ident is None or rng.random() < 0.12:
            last, first = scribe.upper_name(person)
            latest = book_in.date() - DAY
            dob, _ = scribe.dob(person, latest, child=age_on(person.dob, latest) < 18)
            a_text = scribe.a_number_form(scribe.a_number_digits(person), A_FORMS_ICE)
            ident = (last, first, iso_date(dob), a_text)
            if "ice" not in person.written:
                person.written["ice"] = ident
        last, first, dob_text, a_text = ident
        facility = FACILITIES[code]
        fin = person.fin if person.fin and rng.random() >= cfg.fin_missing_ice else ""
        row = {
            "record_id": record_id,
            "a_number": a_text,
            "fin": fin,
            "last_name": last,
            "first_name": first,
            "dob": dob_text,
            "sex": person.sex,
            "country_of_birth": person.country,
            "book_in_at": utc_plain(book_in),
            "book_out_at": "",
            "facility_code": facility.code,
            "facility_name": facility.name,
            "facility_state": facility.state,
            "book_out_reason": "",
            "removal_country": "",
            "stated_children": stated_children,
            "declined_reunification": "",
            "declined_at": "",
        }
        versions = [(book_in, row)]
        if declined_at is not None:
            signed = dict(row)
            signed.update(declined_reunification="Y", declined_at=iso_date(declined_at.date()))
            versions.append((declined_at, signed))
            row = signed
        if book_out is not None:
            final = dict(row)
            final.update(
                book_out_at=utc_plain(book_out),
                book_out_reason=reason,
                removal_country=removal_country if reason == "REMOVED" else "",
            )
            versions.append((book_out, final))
        self.emitter.emit(ICE, record_id, person, versions, protect)

    def ice_custody(
        self,
        person: Person,
        start: dt.datetime,
        end: dt.datetime | None,
        reason: str,
        near: tuple[str, ...],
        *,
        stated_children: str = "",
        declined_at: dt.datetime | None = None,
        protect: bool = False,
        custody: Custody | None = None,
    ) -> None:
        """Detention from ``start`` to ``end`` (None: still detained), with transfers between."""
        rng = self.rng
        limit = end or DATA_END
        span = limit - start
        stays = 1
        if span > 4 * DAY:
            roll = rng.random()
            stays = 1 if roll < 0.5 else 2 if roll < 0.85 else 3
        far = ICE_FAR_WOMEN if person.sex == "F" else ICE_FAR
        codes = [near[rng.randrange(len(near))]]
        for _ in range(stays - 1):
            choice = far[rng.randrange(len(far))]
            codes.append(choice if choice != codes[-1] else far[(far.index(choice) + 1) % len(far)])
        cuts = [start + span * ((i + rng.uniform(0.3, 0.7)) / stays) for i in range(stays - 1)]
        cuts = [c.replace(second=0, microsecond=0) for c in cuts]
        book_in = start
        for index, code in enumerate(codes):
            last = index == len(codes) - 1
            book_out = end if last else cuts[index]
            out_reason = reason if last else "TRANSFER"
            signed = None
            if (
                declined_at is not None
                and book_in <= declined_at
                and (book_out is None or declined_at < book_out)
            ):
                signed = declined_at
            said = stated_children if index == 0 or rng.random() < 0.5 else ""
            removal = person.country if out_reason == "REMOVED" else ""
            self.ice_stay(
                person,
                code,
                book_in,
                book_out if book_out else None,
                out_reason if book_out else "",
                removal,
                said,
                signed,
                protect,
            )
            if custody is not None:
                custody.stays.append((book_in, book_out))
            if book_out is None:
                break
            if not last:
                book_in = self._after(book_out, 1, 6)

    # ================================================================== ORR
    def _orr_unknown(self, row: dict, key: str) -> None:
        roll = self.rng.random()
        if roll < self.cfg.orr_blank_as_missing_key:
            return
        row[key] = (
            "" if roll < self.cfg.orr_blank_as_missing_key + self.cfg.orr_blank_as_empty_string else None
        )

    def new_uac_id(self, when: dt.datetime) -> str:
        """A fresh ORR case id, ``UAC-YY-NNNNNN``."""
        year = when.year % 100
        self._uac[year] = self._uac.get(year, 0) + self.rng.randint(1, 3)
        return f"UAC-{year:02d}-{self._uac[year]:06d}"

    def orr(
        self,
        person: Person,
        ev: Event,
        referred: dt.datetime,
        placements: list[tuple[str, str, dt.datetime, dt.datetime | None, str | None]],
        *,
        uac_id: str,
        separated_flag: bool | None,
        stated_parents: list[dict] | None,
        resend_in_july: bool = False,
        protect: bool = False,
    ) -> None:
        """One referral, re-sent at each placement change (and with the new key in July 2018)."""
        rng, cfg, scribe = self.rng, self.cfg, self.scribe
        self._orr += rng.randint(1, 3)
        record_id = f"ORR-R-{self._orr:07d}"
        first, last = scribe.orr_name(person)
        latest = referred.date() - DAY
        dob, estimated = scribe.dob(person, latest, child=True)
        age = age_on(dob if estimated else person.dob, referred.date())
        base: dict = {"record_id": record_id, "uac_id": uac_id}
        if rng.random() < 0.7:
            base["a_number"] = scribe.a_number_form(scribe.a_number_digits(person), A_FORMS_ORR)
        else:
            self._orr_unknown(base, "a_number")
        base["first_name"] = first
        base["last_name"] = last
        base["dob"] = us_date(dob)
        base["dob_estimated"] = estimated if rng.random() > 0.04 else None
        base["age_at_referral"] = age if rng.random() > 0.02 else None
        base["gender"] = ("Male" if person.sex == "M" else "Female") if rng.random() > 0.02 else None
        if rng.random() > 0.03:
            base["country_of_birth"] = COUNTRIES[person.country].english
        else:
            self._orr_unknown(base, "country_of_birth")
        base["languages"] = list(person.languages)
        base["referred_at"] = utc_z(referred)
        base["referring_agency"] = "CBP"
        base["referring_office"] = f"{ev.station.name} STATION"
        if rng.random() >= cfg.event_id_missing_orr:
            base["apprehension_event_id"] = ev.event_id
        else:
            self._orr_unknown(base, "apprehension_event_id")
        base["separated_from_parent"] = separated_flag
        base["stated_parents"] = (
            stated_parents if stated_parents is not None else (None if rng.random() < 0.5 else [])
        )
        moments = {referred}
        for _, _, admitted, discharged, _ in placements:
            moments.add(admitted)
            if discharged is not None:
                moments.add(discharged)
        final_out = placements[-1][3] if placements else None
        july = dt.datetime.combine(SEPARATED_KEY_FROM, dt.time())
        if resend_in_july and referred < july and (final_out is None or final_out > july):
            moments.add(july)
        versions = []
        for moment in sorted(moments):
            row = dict(base)
            row["placements"] = [
                {
                    "program": program,
                    "program_state": state,
                    "admitted_at": utc_z(admitted),
                    "discharged_at": utc_z(discharged)
                    if discharged is not None and discharged <= moment
                    else None,
                    "discharge_type": dtype if discharged is not None and discharged <= moment else None,
                }
                for program, state, admitted, discharged, dtype in placements
                if admitted <= moment
            ]
            versions.append((moment, row))
        self.emitter.emit(ORR, record_id, person, versions, protect)
        self._note_event(person, "apprehension_event_id")

    def _programs(self, admitted: dt.datetime, count: int) -> list[tuple[str, str]]:
        rng = self.rng
        chosen = []
        for i in range(count):
            if i == 0 and admitted >= _TORNILLO_OPENS and rng.random() < 0.15:
                chosen.append(TORNILLO)
            else:
                chosen.append(ORR_PROGRAMS[rng.randrange(len(ORR_PROGRAMS))])
        return chosen

    def child_in_care(
        self,
        child: Person,
        ev: Event,
        transferred: dt.datetime,
        end: dt.datetime | None,
        end_type: str | None,
        *,
        separated_flag: bool | None,
        stated_parents: list[dict] | None,
        resend_in_july: bool,
        protect: bool,
        uac_id: str | None = None,
    ) -> ChildCare:
        """Referral and placements from the CBP transfer to ``end`` (None: still in care)."""
        rng = self.rng
        referred = max(ev.at + HOUR, transferred - MINUTE * rng.randint(60, 600))
        admitted = self._after(transferred, 2, 20)
        end = _clip(end)
        if end is not None and end <= admitted:
            end = admitted + DAY * rng.randint(1, 5)
            end = _clip(end)
        count = 2 if rng.random() < 0.2 and (end is None or end - admitted > 10 * DAY) else 1
        programs = self._programs(admitted, count)
        placements = []
        start = admitted
        for index, (program, state) in enumerate(programs):
            if index < count - 1:
                horizon = (end or DATA_END) - start
                move = start + horizon * rng.uniform(0.2, 0.6)
                move = move.replace(second=0, microsecond=0)
                placements.append((program, state, start, move, "TRANSFER"))
                start = self._after(move, 1, 10)
            else:
                placements.append((program, state, start, end, end_type if end else None))
        uac_id = uac_id or child.uac_id or self.new_uac_id(referred)
        child.uac_id = uac_id
        self.orr(
            child,
            ev,
            referred,
            placements,
            uac_id=uac_id,
            separated_flag=separated_flag,
            stated_parents=stated_parents,
            resend_in_july=resend_in_july,
            protect=protect,
        )
        return ChildCare(admitted, end, end_type if end else None, uac_id)

    # ================================================================== DNA, court, NGO
    def dna(self, adult: Person, child_uac: str, collected: dt.date, result: str) -> None:
        """A parentage test row: it belongs to the tested adult."""
        rng = self.rng
        reported = collected + DAY * rng.randint(1, 6)
        if dt.datetime.combine(reported, dt.time()) > DATA_END:
            return
        self._dna += 1
        record_id = f"DNA-{self._dna:06d}"
        name = self.scribe.free_name(adult, upper=rng.random() < 0.6, subject=True)
        row = {
            "record_id": record_id,
            "child_uac_id": child_uac,
            "adult_a_number": self.scribe.a_number_form(self.scribe.a_number_digits(adult), A_FORMS_OTHER),
            "adult_name": name,
            "collected_at": iso_date(collected),
            "result": result,
            "reported_at": iso_date(reported),
        }
        self.emitter.emit(DNA, record_id, adult, [(dt.datetime.combine(reported, dt.time(12)), row)])

    _SUMMARIES = {
        "CRIMINAL_HISTORY": (
            'Prior conviction, 8 USC 1326 "illegal reentry"',
            "Conviction for assault, Harris County, TX",
            "Outstanding warrant in country of origin; Interpol notice",
            "DUI conviction, 2013; probation completed",
        ),
        "DANGER_TO_CHILD": (
            "Child disclosed abuse; see ORR significant incident report",
            'Adult stated child was "not hers"; danger to child',
        ),
        "UNFIT": ("Parent unable to care for child, per evaluation", "Severe mental illness; unfit"),
        "COMMUNICABLE_DISEASE": (
            "Active tuberculosis; isolation until cleared",
            "Varicella, quarantine, 21 days",
        ),
        "NO_FINDING": (
            "No disqualifying finding; cleared for reunification",
            "Background check negative, no finding",
        ),
    }

    def court(self, person: Person, finding: str, found: dt.date, district: str) -> bool:
        """A judicial finding about a parent; returns whether it is well-formed in the feed."""
        rng = self.rng
        year = found.year
        self._court[year] = self._court.get(year, 0) + 1
        record_id = f"CF-{year}-{self._court[year]:06d}"
        if finding == "CRIMINAL_HISTORY" and found.year < 2018:
            court = f"U.S. District Court, {district}"
            case = f"{rng.randint(1, 7)}:{year % 100:02d}-cr-{rng.randint(100, 9999):05d}"
        elif finding in ("UNFIT", "DANGER_TO_CHILD", "NO_FINDING") and found >= COURT_ORDER:
            court = "U.S. District Court, S.D. Cal."
            case = f"18-cv-0428-{rng.randint(1000, 9999)}"
        else:
            court = (
                "Immigration Court, El Paso",
                "Immigration Court, Harlingen",
                f"U.S. District Court, {district}",
            )[rng.randrange(3)]
            case = f"{year % 100:02d}-{rng.randint(10000, 99999)}"
        summaries = self._SUMMARIES[finding]
        row = {
            "record_id": record_id,
            "court": court,
            "case_number": case,
            "subject_name": self.scribe.free_name(person, accents=rng.random() < 0.3, subject=True),
            "subject_dob": "" if rng.random() < self.cfg.free_text_dob_blank else iso_date(person.dob),
            "a_number": self.scribe.a_number_form(self.scribe.a_number_digits(person), A_FORMS_OTHER)
            if rng.random() < 0.6
            else "",
            "finding": finding,
            "found_at": iso_date(found),
            "summary": summaries[rng.randrange(len(summaries))],
        }
        known = dt.datetime.combine(found, dt.time(18))
        before = person.ok_rows
        self.emitter.emit(COURT, record_id, person, [(known, row)])
        return person.ok_rows > before

    def ngo_locates(self, parent: Person, child: Person, removed: dt.datetime) -> None:
        """Partner organisations looking for a removed parent abroad (from August 2018)."""
        rng = self.rng
        earliest = max(removed.date() + DAY * 14, dt.date(2018, 8, 1))
        last = DATA_END.date()
        if earliest >= last:
            return
        code, organization = NGO_ORGANIZATIONS[rng.randrange(len(NGO_ORGANIZATIONS))]
        attempts = ["UNREACHABLE", "LOCATED"] if rng.random() < 0.3 else ["LOCATED"]
        roll = rng.random()
        if roll < 0.08:
            attempts[-1] = "UNREACHABLE"
        elif roll < 0.1:
            attempts[-1] = "DECEASED"
        country = COUNTRIES[parent.country]
        when = earliest + DAY * rng.randint(0, min(60, (last - earliest).days))
        low = 10 ** (country.phone_digits - 1)
        phone_number = f"{country.phone_prefix}{rng.randint(2 * low, 10 * low - 1)}"
        for outcome in attempts:
            if when > last:
                return
            self._ngo[code] = self._ngo.get(code, 0) + 1
            record_id = f"NGO-{code}-{self._ngo[code]:06d}"
            located = outcome == "LOCATED"
            preference = ""
            if located:
                preference = ("REUNIFY_IN_US", "REUNIFY_ABROAD", "DECLINED", "UNDECIDED")[
                    min(3, int(rng.random() * 4))
                ]
            spanish = rng.random() < 0.7
            row = {
                "record_id": record_id,
                "organization": organization,
                "parent_name": self.scribe.free_name(parent, subject=True),
                "parent_dob": "" if rng.random() < self.cfg.free_text_dob_blank else iso_date(parent.dob),
                "country": country.spanish if spanish else country.english,
                "locality": country.localities[rng.randrange(len(country.localities))],
                "phone": phone_number if located and rng.random() < 0.8 else "",
                "child_name": self.scribe.free_name(child),
                "child_age": str(age_on(child.dob, when)) if rng.random() < 0.8 else "",
                "contacted_at": iso_date(when),
                "outcome": outcome,
                "preference": preference,
            }
            self.emitter.emit(NGO, record_id, parent, [(dt.datetime.combine(when, dt.time(20)), row)])
            when = when + DAY * rng.randint(5, 30)

    # ================================================================== statements
    def stated_children_text(self, parent: Person, children: list[Person], on: dt.date) -> str:
        """``NAME|AGE;NAME|AGE`` as the parent said it at interview (or blank)."""
        rng = self.rng
        if rng.random() >= self.cfg.stated_children_rate:
            return ""
        items = []
        for child in children:
            age = age_on(child.dob, on)
            if rng.random() < 0.1:
                age_text = ""
            else:
                age_text = str(max(0, age + (rng.choice((-1, 1)) if rng.random() < 0.1 else 0)))
            items.append(f"{self.scribe.spoken_name(child, 0.6)}|{age_text}")
        return ";".join(items)

    def stated_parents_list(
        self, parents: list[tuple[Person, str | None]], location: str, always: bool = False
    ) -> list[dict] | None:
        """The parents a child named (``relationship`` as the child said it).

        ``always`` skips the ``stated_parents_rate`` draw, for callers with rates of their own.
        """
        rng = self.rng
        if not always and rng.random() >= self.cfg.stated_parents_rate:
            return None if rng.random() < 0.5 else []
        if len(parents) >= 2 and rng.random() < self.cfg.one_parent_named_rate:
            # The child names one parent; the other is simply not mentioned.
            parents = [parents[rng.randrange(len(parents))]]
        out = []
        for parent, relationship in parents:
            spoken = self.scribe.spoken_name(parent, 0.4).title()
            item: dict = {"name": spoken if rng.random() > 0.05 else None}
            item["relationship"] = relationship
            item["location"] = location if rng.random() > 0.1 else None
            roll = rng.random()
            if roll < 0.1:
                pass  # the key is missing: every key may be
            elif roll < 0.92:
                item["phone"] = None
            else:
                item["phone"] = f"+1{rng.randint(2012000000, 9899999999)}"
            out.append(item)
        return out

    _WHERE = ("detained", "detained", "detained", "detained", "unknown", "unknown",
              "with immigration", "deported", "Port Isabel", "El Paso")  # fmt: skip

    def _where_said(self) -> str:
        """Where a separated child says the parent is (free text, often vague)."""
        return self._WHERE[self.rng.randrange(len(self._WHERE))]

    def _relationship_said(self, parent: Person) -> str | None:
        roll = self.rng.random()
        if roll < 0.85:
            return "MOTHER" if parent.sex == "F" else "FATHER"
        if roll < 0.93:
            return "PARENT"
        return None

    # ================================================================== repeat crossings
    def earlier_crossing(self, person: Person, day: dt.date) -> None:
        """An earlier apprehension of the same adult as a single adult (same FIN)."""
        rng = self.rng
        earlier_day = day - DAY * rng.randint(45, 300)
        if earlier_day < dt.date(2017, 7, 1):
            return
        ev = self._event(earlier_day, SECTORS)
        saved = person.alt_a_number
        if person.alt_a_number is None and rng.random() < 0.4:
            person.alt_a_number = self.people.new_a_number()
        if person.country == "MX" and rng.random() < 0.6:
            self.cbp(
                person,
                ev,
                relationship="",
                classification="SA",
                disposition="VR",
                transferred_to="",
                transferred_at=None,
                remarks="VR TO MEXICO",
            )
        else:
            moved = self._after(ev.at, 6, 40)
            self.cbp(
                person,
                ev,
                relationship="",
                classification="SA",
                disposition="ER",
                transferred_to="ICE",
                transferred_at=moved,
            )
            start = self._after(moved, 1, 8)
            out = _clip(start + DAY * rng.randint(5, 30))
            near = ICE_NEAR[ev.station.sector]
            self.ice_custody(person, start, out, "REMOVED", near)
        person.alt_a_number = saved if rng.random() < 0.5 else person.alt_a_number

    # ================================================================== scenario kinds
    def family(self, kind: str, day: dt.date) -> None:
        """Simulate and write one apprehension group of the given kind."""
        getattr(self, f"_kind_{kind}")(day)

    # ------------------------------------------------------------------ separated
    def _kind_separated(self, day: dt.date) -> None:
        rng, cfg = self.rng, self.cfg
        pilot = day < ZERO_TOLERANCE
        two = rng.random() < cfg.two_parent_separated_rate
        adults = "MF" if two else ("M" if rng.random() < 0.55 else "F")
        count = int(self.children_count.pick(rng))
        mother, father, kids = self._family_people(day, adults, count)
        rel = self._relative_with_parent(day, mother, father, kids)
        parents = [p for p in (father, mother) if p is not None]
        for parent in parents:
            if rng.random() < cfg.repeat_crosser_rate:
                self.earlier_crossing(parent, day)
        ev = self._event(day, PILOT_SECTORS if pilot else SECTORS)
        if rng.random() < cfg.non_prosecution_separation_share:
            reason = ("CRIMINAL_HISTORY", "CRIMINAL_HISTORY", "FRAUD_SUSPECTED", "MEDICAL", "OTHER")[
                rng.randrange(5)
            ]
        else:
            reason = "PROSECUTION"
        fgid = self._new_fgid()
        # -- transfers out of Border Patrol custody
        to_usms = reason == "PROSECUTION" or (reason == "CRIMINAL_HISTORY" and rng.random() < 0.3)
        parent_moves = [self._after(ev.at, 6, 48) for _ in parents]
        child_moves = []
        for _ in kids:
            moved = self._after(ev.at, 24, 72)
            if moved <= min(parent_moves):
                moved = self._after(min(parent_moves), 1, 8)
            child_moves.append(moved)
        separated_at = local_date(min(parent_moves + child_moves), ev.offset)
        # -- planned outcome, court findings may change it
        plan = (self.outcome_weights_pilot if pilot else self.outcome_weights_zt).pick(rng)
        findings: list[tuple[Person, str, dt.date]] = []
        for parent in parents:
            if rng.random() < cfg.court_finding_rate:
                finding, found = self._plan_finding(ev, separated_at)
                findings.append((parent, finding, found))
                if found >= separated_at and finding in ("UNFIT", "DANGER_TO_CHILD") and plan == "REUNIFIED":
                    plan = "RELEASED_TO_SPONSOR" if rng.random() < 0.6 else "APART"
        # -- CBP rows
        flag_filled = day >= SEPARATED_COLUMN_FROM and rng.random() >= cfg.separated_flag_blank
        blank_group = rng.random() < cfg.family_group_blank_after_split
        who = (
            "MOTHER" if mother is not None and father is None else ("FATHER" if mother is None else "PARENTS")
        )
        remark_child = ""
        if (not flag_filled and rng.random() < cfg.remarks_only_separation) or (
            flag_filled and rng.random() < 0.3
        ):
            remark_child = {
                "PROSECUTION": f"SEPARATED FROM {who} DUE TO 1325 PROSECUTION",
                "CRIMINAL_HISTORY": f"{who} HAS CRIMINAL HISTORY, CHILD TO ORR",
                "FRAUD_SUSPECTED": f'FAMILY RELATIONSHIP "NOT VERIFIED", SEPARATED FROM {who}',
                "MEDICAL": f"{who} HOSPITALIZED, CHILD SEPARATED, UAC",
                "OTHER": f"SEPARATED FROM {who}, SEE I-213",
            }[reason]
        for index, parent in enumerate(parents):
            disposition = "PROSECUTION" if to_usms else ("ER" if rng.random() < 0.4 else "NTA")
            self.cbp(
                parent,
                ev,
                relationship="HEAD" if index == 0 else "SPOUSE",
                classification="FMUA" if rng.random() < 0.7 else "SA",
                disposition=disposition,
                transferred_to="USMS" if to_usms else "ICE",
                transferred_at=parent_moves[index],
                family_group_id="" if blank_group else fgid,
                separated="Y" if flag_filled else "",
                reason=reason if flag_filled else "",
                remarks="REFERRED FOR 1325 PROSECUTION, FAMILY UNIT SPLIT"
                if to_usms and rng.random() < 0.3
                else "",
                first={"classification": "FMUA", "family_group_id": fgid, "disposition": ""},
                protect=True,
            )
        if rel is not None:
            self._relative_along(ev, rel, "" if blank_group else fgid, fgid, to_usms)
        for index, child in enumerate(kids):
            self.cbp(
                child,
                ev,
                relationship="CHILD" if rng.random() < 0.9 else "",
                classification="UAC",
                disposition="UAC_TRANSFER",
                transferred_to="ORR",
                transferred_at=child_moves[index],
                family_group_id="" if blank_group else fgid,
                separated="Y" if flag_filled else "",
                reason=reason if flag_filled else "",
                remarks=remark_child,
                first={"classification": "FMUA", "family_group_id": fgid, "disposition": ""},
                protect=True,
            )
        # -- parents' custody
        custody = {parent.pid: Custody() for parent in parents}
        ice_start: dict[str, dt.datetime] = {}
        for index, parent in enumerate(parents):
            moved = parent_moves[index]
            if to_usms:
                booked = self._after(moved, 0.5, 6)
                roll = rng.random()
                if roll < 0.85:
                    released = self._after(booked, 20, 5 * 24)
                    self.usms(parent, ev, booked, released, "ICE", "GUILTY PLEA - TIME SERVED")
                    ice_start[parent.pid] = self._after(released, 1, 10)
                elif roll < 0.93:
                    released = self._after(booked, 20, 3 * 24)
                    self.usms(parent, ev, booked, released, "ICE", "DISMISSED")
                    ice_start[parent.pid] = self._after(released, 1, 10)
                else:
                    released = self._after(booked, 24, 5 * 24)
                    self.usms(parent, ev, booked, released, "BOP", "GUILTY PLEA - SENTENCED")
                    ice_start[parent.pid] = released + DAY * rng.randint(10, 60)
            else:
                ice_start[parent.pid] = self._after(moved, 1, 8)
        first_start = max(ice_start.values())
        care_start = max(child_moves)
        # -- timing of the outcome
        reunified: dt.datetime | None = None
        removed_at: dt.datetime | None = None
        declined_at: dt.datetime | None = None
        parent_end: dt.datetime | None = None
        parent_reason = ""
        child_end: dt.datetime | None = None
        child_type: str | None = None
        if plan == "REUNIFIED":
            under5 = any(age_on(k.dob, day) < 5 for k in kids)
            if rng.random() < cfg.late_reunification_share:
                when = dt.date(2018, 7, 27) + DAY * rng.randint(0, 126)
            elif under5:
                when = dt.date(2018, 7, 10) + DAY * rng.randint(0, 4)
            else:
                when = dt.date(2018, 7, 10) + DAY * rng.randint(0, 16)
            when = max(when, max(first_start, care_start).date() + DAY * 2)
            reunified = _clip(daytime(when, rng.randint(0, 479)))
            if reunified is not None:
                parent_end = reunified
                parent_reason = "FAMILY_RESIDENTIAL" if rng.random() < 0.6 else "RELEASED"
                child_end, child_type = reunified, "REUNIFIED_WITH_PARENT"
        elif plan == "PARENT_REMOVED":
            removed_at = _clip(self._after(first_start, 10 * 24, 70 * 24))
            parent_end, parent_reason = removed_at, "REMOVED"
            roll = rng.random()
            base = removed_at or first_start
            if roll < 0.45:
                child_end, child_type = base + DAY * rng.randint(15, 120), "RELEASED_TO_SPONSOR"
            elif roll < 0.7:
                child_end, child_type = base + DAY * rng.randint(30, 150), "VOLUNTARY_DEPARTURE"
        elif plan == "PARENT_DECLINED":
            low = max(first_start + 3 * DAY, dt.datetime(2018, 7, 5, 15))
            declined_at = _clip(low + MINUTE * rng.randint(0, 26 * 24 * 60))
            if declined_at is not None:
                roll = rng.random()
                if roll < 0.8:
                    removed_at = _clip(declined_at + DAY * rng.randint(3, 30))
                    parent_end, parent_reason = removed_at, "REMOVED"
                elif roll < 0.9:
                    parent_end = _clip(declined_at + DAY * rng.randint(3, 60))
                    parent_reason = "RELEASED"
                if rng.random() < 0.5:
                    child_end = declined_at + DAY * rng.randint(20, 120)
                    child_type = "RELEASED_TO_SPONSOR"
        elif plan == "RELEASED_TO_SPONSOR":
            child_end = care_start + DAY * rng.randint(20, 150)
            child_type = "RELEASED_TO_SPONSOR"
            if rng.random() < 0.5:
                parent_end = _clip(first_start + DAY * rng.randint(10, 90))
                parent_reason = "RELEASED"
        else:  # APART
            if rng.random() < 0.4:
                parent_end = _clip(first_start + DAY * rng.randint(20, 150))
                parent_reason = "RELEASED"
        if parent_end is None:
            parent_reason = ""
        # -- ICE custody of each parent
        for parent in parents:
            start = ice_start[parent.pid]
            end = parent_end
            if end is not None and end <= start + HOUR:
                end = None if parent_reason != "REMOVED" else start + DAY * 2
            said = self.stated_children_text(parent, kids, start.date())
            self.ice_custody(
                parent,
                start,
                end,
                parent_reason if end is not None else "",
                ICE_NEAR[ev.station.sector],
                stated_children=said,
                declined_at=declined_at,
                protect=True,
                custody=custody[parent.pid],
            )
            if end is not None and parent_reason == "REMOVED":
                custody[parent.pid].removed = True
            if declined_at is not None and custody[parent.pid].detained_at(declined_at):
                custody[parent.pid].declined = True
        # -- children in ORR care
        said_parents = [(p, self._relationship_said(p)) for p in parents]
        cares: list[ChildCare] = []
        for index, child in enumerate(kids):
            flag = True if rng.random() < 0.85 else None
            cares.append(
                self.child_in_care(
                    child,
                    ev,
                    child_moves[index],
                    child_end,
                    child_type,
                    separated_flag=flag,
                    stated_parents=self.stated_parents_list(said_parents, self._where_said()),
                    resend_in_july=True,
                    protect=True,
                )
            )
        # -- after a reunification through a family residential centre
        if reunified is not None and parent_reason == "FAMILY_RESIDENTIAL":
            code = ICE_FAMILY[rng.randrange(len(ICE_FAMILY))]
            arrive = self._after(reunified, 1, 6)
            roll = rng.random()
            if roll < 0.85:
                leave, why = _clip(arrive + DAY * rng.randint(2, 20)), "RELEASED"
            elif roll < 0.95:
                leave, why = _clip(arrive + DAY * rng.randint(10, 60)), "REMOVED"
            else:
                leave, why = None, ""
            for person in parents + kids:
                if arrive <= DATA_END:
                    self.ice_stay(
                        person,
                        code,
                        arrive,
                        leave,
                        why if leave else "",
                        person.country if why == "REMOVED" and leave else "",
                    )
        # -- court findings, DNA, NGO
        findings_ok: list[tuple[Person, str, dt.date]] = []
        for parent, finding, found in findings:
            if self.court(parent, finding, found, ev.station.district):
                findings_ok.append((parent, finding, found))
        for care in cares:
            for parent in parents:
                if rng.random() < cfg.dna_test_rate:
                    self._maybe_dna(parent, care, custody[parent.pid], inclusion=True)
        for parent in parents:
            if custody[parent.pid].removed and rng.random() < cfg.ngo_locate_rate:
                out = custody[parent.pid].stays[-1][1]
                if out is not None:
                    self.ngo_locates(parent, kids[0], out)
        # -- truth
        for parent in parents:
            for child in kids:
                self._tie(parent, child)
        for index, child in enumerate(kids):
            care = cares[index]
            for p_index, parent in enumerate(parents):
                if not (parent.ok_rows and child.ok_rows):
                    continue
                # EXPORTS.md: the joint apprehension must be evidenced for both by a
                # well-formed row naming the event (CBP, else USMS or ORR).
                if ev.event_id not in parent.events or ev.event_id not in child.events:
                    continue
                state = custody[parent.pid]
                reunified_at = ""
                if care.discharge_type == "REUNIFIED_WITH_PARENT":
                    outcome = "REUNIFIED"
                    assert care.discharged is not None
                    reunified_at = iso_date(care.discharged.date())
                elif state.declined:
                    outcome = "PARENT_DECLINED"
                elif state.removed:
                    outcome = "PARENT_REMOVED"
                elif care.discharge_type == "RELEASED_TO_SPONSOR":
                    outcome = "RELEASED_TO_SPONSOR"
                else:
                    outcome = "APART"
                # The pair's joint custody ends with whichever of the two leaves first.
                pair_at = local_date(min(parent_moves[p_index], child_moves[index]), ev.offset)
                basis = any(
                    who is parent and finding in _BASIS and found < pair_at
                    for who, finding, found in findings_ok
                )
                self.write_separation(
                    child.pid,
                    parent.pid,
                    iso_date(pair_at),
                    reunified_at,
                    outcome,
                    "Y" if basis else "N",
                )
                self.separations[outcome] += 1
        if rel is not None:
            self._relative_ties(rel)
            parents_and_relative = [*parents, rel.person]
        else:
            parents_and_relative = parents
        self._finish_family(parents_and_relative + kids)

    def _plan_finding(self, ev: Event, separated_at: dt.date) -> tuple[str, dt.date]:
        rng = self.rng
        if rng.random() < self.cfg.court_finding_before_share:
            roll = rng.random()
            if roll < 0.75:
                return "CRIMINAL_HISTORY", ev.local_day - DAY * rng.randint(200, 3000)
            if roll < 0.85 and separated_at > ev.local_day:
                return "COMMUNICABLE_DISEASE", ev.local_day
            return "NO_FINDING", ev.local_day - DAY * rng.randint(100, 2000)
        finding = (
            "NO_FINDING",
            "NO_FINDING",
            "CRIMINAL_HISTORY",
            "CRIMINAL_HISTORY",
            "DANGER_TO_CHILD",
            "UNFIT",
            "COMMUNICABLE_DISEASE",
        )[rng.randrange(7)]
        if rng.random() < 0.1:
            return finding, separated_at  # the same day: not *before* the separation
        low = max(separated_at + DAY, dt.date(2018, 7, 2))
        return finding, min(low + DAY * rng.randint(0, 40), DATA_END.date())

    def _maybe_dna(self, adult: Person, care: ChildCare, custody: Custody, inclusion: bool) -> None:
        """A test in July 2018 when both were in custody; INCLUSION, INCONCLUSIVE or EXCLUSION."""
        rng = self.rng
        for _ in range(3):
            collected = dt.date(2018, 7, 5) + DAY * rng.randint(0, 15)
            noon = dt.datetime.combine(collected, dt.time(17))
            in_care = care.admitted <= noon and (care.discharged is None or noon < care.discharged)
            if in_care and custody.detained_at(noon):
                if not inclusion:
                    result = "EXCLUSION"
                elif rng.random() < self.cfg.dna_inconclusive_rate:
                    result = "INCONCLUSIVE"
                else:
                    result = "INCLUSION"
                self.dna(adult, care.uac_id, collected, result)
                return

    # ------------------------------------------------------------------ released together
    def _kind_released_together(self, day: dt.date) -> None:
        rng = self.rng
        two = rng.random() < self.cfg.two_parent_released_rate
        adults = "MF" if two else ("M" if rng.random() < 0.6 else "F")
        count = int(self.children_count.pick(rng))
        mother, father, kids = self._family_people(day, adults, count)
        rel = self._relative_with_parent(day, mother, father, kids)
        parents = [p for p in (father, mother) if p is not None]
        for parent in parents:
            if rng.random() < self.cfg.repeat_crosser_rate:
                self.earlier_crossing(parent, day)
        ev = self._event(day, SECTORS)
        extra: tuple[tuple[Person, str, str], ...] = ()
        if rel is not None:
            extra = ((rel.person, self._relative_recorded_as(), ""),)
        self._family_together(ev, parents, kids, head_index=0, extra=extra)
        for parent in parents:
            for child in kids:
                self._tie(parent, child)
        if rel is not None:
            self._relative_ties(rel)
            parents = [*parents, rel.person]
        self._finish_family(parents + kids)

    def _family_together(
        self,
        ev: Event,
        parents: list[Person],
        kids: list[Person],
        head_index: int,
        remarks: str = "",
        extra: tuple[tuple[Person, str, str], ...] = (),
        child_remarks: str = "",
    ) -> None:
        """Parents and children processed as a family unit, released or held together.

        ``extra`` adds adults who are not parents (a grandmother, an aunt, an
        adult sibling) as ``(person, relationship as recorded, remarks)``; they
        go where the unit goes but name no children. ``child_remarks`` goes on
        the first child's row.
        """
        rng = self.rng
        fgid = self._new_fgid()
        disposition = "NTA" if rng.random() < 0.8 else "ER"
        released = rng.random() < 0.55
        moved = self._after(ev.at, 12, 72)
        to = "RELEASED" if released else "ICE"
        members = [(p, "HEAD" if i == head_index else "SPOUSE", "") for i, p in enumerate(parents)]
        members += list(extra)
        members += [(k, "CHILD", child_remarks if i == 0 else "") for i, k in enumerate(kids)]
        for person, relationship, said in members:
            self.cbp(
                person,
                ev,
                relationship=relationship if rng.random() < 0.95 else "",
                classification="FMUA",
                disposition=disposition,
                transferred_to=to,
                transferred_at=moved,
                family_group_id=fgid,
                remarks=said or (remarks if relationship == "HEAD" else ""),
            )
        if released:
            return
        code = ICE_FAMILY[rng.randrange(len(ICE_FAMILY))]
        arrive = self._after(moved, 2, 12)
        roll = rng.random()
        if roll < 0.85:
            leave, why = _clip(arrive + DAY * rng.randint(2, 25)), "RELEASED"
        elif roll < 0.95:
            leave, why = _clip(arrive + DAY * rng.randint(10, 60)), "REMOVED"
        else:
            leave, why = None, ""
        for person, _, _ in members:
            said = (
                self.stated_children_text(person, kids, arrive.date())
                if any(person is p for p in parents)
                else ""
            )
            self.ice_stay(
                person,
                code,
                arrive,
                leave,
                why if leave else "",
                person.country if why == "REMOVED" and leave else "",
                said,
            )

    # ------------------------------------------------------------------ one parent prosecuted
    def _kind_one_parent_prosecuted(self, day: dt.date) -> None:
        rng = self.rng
        count = int(self.children_count.pick(rng))
        mother, father, kids = self._family_people(day, "MF", count)
        assert mother is not None and father is not None
        prosecuted, stays = (father, mother) if rng.random() < 0.8 else (mother, father)
        ev = self._event(day, SECTORS)
        moved = self._after(ev.at, 6, 48)
        word = "MOTHER" if stays is mother else "FATHER"
        self.cbp(
            prosecuted,
            ev,
            relationship="SPOUSE",
            classification="FMUA" if rng.random() < 0.5 else "SA",
            disposition="PROSECUTION",
            transferred_to="USMS",
            transferred_at=moved,
            family_group_id=""
            if rng.random() < self.cfg.family_group_blank_after_split
            else self._new_fgid(),
            remarks=f"REFERRED FOR 1325, CHILDREN REMAIN WITH {word}" if rng.random() < 0.4 else "",
        )
        booked = self._after(moved, 0.5, 6)
        released = self._after(booked, 20, 4 * 24)
        self.usms(prosecuted, ev, booked, released, "ICE", "GUILTY PLEA - TIME SERVED")
        start = self._after(released, 1, 10)
        roll = rng.random()
        if roll < 0.5:
            end, why = _clip(start + DAY * rng.randint(10, 80)), "REMOVED"
        elif roll < 0.85:
            end, why = _clip(start + DAY * rng.randint(10, 90)), "RELEASED"
        else:
            end, why = None, ""
        said = self.stated_children_text(prosecuted, kids, start.date())
        self.ice_custody(
            prosecuted, start, end, why if end else "", ICE_NEAR[ev.station.sector], stated_children=said
        )
        self._family_together(ev, [stays], kids, head_index=0)
        for child in kids:
            self._tie(mother, child)
            self._tie(father, child)
        self._finish_family([mother, father, *kids])

    # ------------------------------------------------------------------ unaccompanied children
    def _kind_uac_alone(self, day: dt.date) -> None:
        rng, people = self.rng, self.people
        country = people.country()
        mayan = people.is_mayan(country)
        surnames = (people.surname(mayan), people.surname(mayan))
        kids = []
        for _ in range(2 if rng.random() < 0.12 else 1):
            age = rng.randint(13, 17) if rng.random() < 0.8 else rng.randint(6, 12)
            sex = "M" if rng.random() < 0.68 else "F"
            dob = people.dob_for_age(age, day)
            kids.append(
                people.person(
                    sex,
                    dob,
                    people.given(sex),
                    surnames,
                    country,
                    mayan,
                    fingerprinted=age >= 14,
                    adult=False,
                )
            )
        if rng.random() < self.cfg.uac_repeat_rate:
            self._earlier_uac(kids[0], day)
        parent: Person | None = None
        where, custody = "", Custody()
        if rng.random() < self.cfg.lone_child_parent_in_feeds:
            parent = self._lone_child_parent(kids, day)
            where, custody = self._parent_apart(parent, kids, day)
        ev = self._event(day, SECTORS)
        for child in kids:
            moved = self._after(ev.at, 12, 72)
            self.cbp(
                child,
                ev,
                relationship="",
                classification="UAC",
                disposition="UAC_TRANSFER",
                transferred_to="ORR",
                transferred_at=moved,
                remarks="UAC, TRAVELED WITH SMUGGLER" if rng.random() < 0.1 else "",
            )
            end, kind = self._uac_outcome(child, moved)
            location = COUNTRIES[country].localities[rng.randrange(len(COUNTRIES[country].localities))]
            if rng.random() < 0.3:
                location = US_CITIES[rng.randrange(len(US_CITIES))]
            stated = None
            if parent is not None:
                stated = self._stated_lone_parent(parent, where)
            elif rng.random() < self.cfg.stated_parents_rate:
                stated = [
                    {
                        "name": self.scribe.free_name(self._phantom_parent(child, "F")).title(),
                        "relationship": "MOTHER",
                        "location": location,
                        "phone": None
                        if rng.random() < 0.6
                        else f"{COUNTRIES[country].phone_prefix}{rng.randint(30000000, 59999999)}",
                    }
                ]
            care = self.child_in_care(
                child,
                ev,
                moved,
                end,
                kind,
                separated_flag=False if rng.random() < 0.9 else None,
                stated_parents=stated,
                resend_in_july=False,
                protect=False,
            )
            if parent is not None and rng.random() < self.cfg.dna_test_rate * 0.5:
                self._maybe_dna(parent, care, custody, inclusion=True)
        if parent is not None:
            for child in kids:
                self._tie(parent, child)
            kids = [*kids, parent]
        self._finish_family(kids)

    def _lone_child_parent(self, kids: list[Person], day: dt.date) -> Person:
        """The real mother or father of unaccompanied children, with the surname they passed on."""
        rng, people = self.rng, self.people
        kid = kids[0]
        sex = "F" if rng.random() < 0.55 else "M"
        mine = kid.surnames[-1] if sex == "F" else kid.surnames[0]
        other = people.surname(kid.mayan)
        oldest = max(age_on(k.dob, day) for k in kids)
        return people.person(
            sex,
            people.dob_for_age(min(62, oldest + rng.randint(18, 34)), day),
            people.given(sex),
            (mine, other if other != mine else people.surname(kid.mayan)),
            kid.country,
            kid.mayan,
            fingerprinted=True,
            adult=True,
        )

    def _stated_lone_parent(self, parent: Person, where: str) -> list[dict] | None:
        """A lone child naming its parent who is in the feeds: often only part of the name."""
        rng = self.rng
        if rng.random() >= self.cfg.stated_parents_rate:
            return None if rng.random() < 0.5 else []
        roll = rng.random()
        word = "MOTHER" if parent.sex == "F" else "FATHER"
        relationship = word if roll < 0.85 else ("PARENT" if roll < 0.97 else None)
        item: dict = {"name": self._named_by_child(parent), "relationship": relationship}
        item["location"] = where if rng.random() > 0.1 else None
        if rng.random() < 0.35:
            country = COUNTRIES[parent.country]
            prefix = "+1" if where in US_CITIES else country.phone_prefix
            item["phone"] = (
                f"{prefix}{rng.randint(2012000000, 9899999999)}"
                if prefix == "+1"
                else (f"{prefix}{rng.randint(30000000, 59999999)}")
            )
        else:
            item["phone"] = None
        return [item]

    def _phantom_parent(self, child: Person, sex: str) -> Person:
        """A parent who never appears in the feeds, only named by the child."""
        return Person(
            pid="",
            sex=sex,
            given=self.people.given(sex),
            surnames=(child.surnames[-1], self.people.surname(child.mayan)),
            dob=child.dob,
            country=child.country,
            languages=(),
            a_number="000000000",
            alt_a_number=None,
            fin=None,
            mayan=child.mayan,
        )

    def _uac_outcome(self, child: Person, moved: dt.datetime) -> tuple[dt.datetime | None, str | None]:
        rng = self.rng
        roll = rng.random()
        try:
            eighteen = child.dob.replace(year=child.dob.year + 18)
        except ValueError:
            eighteen = child.dob.replace(year=child.dob.year + 18, day=28)
        if roll < 0.75:
            end = moved + DAY * rng.randint(20, 120)
            if end.date() >= eighteen:
                return daytime(eighteen, rng.randint(0, 479)), "AGED_OUT"
            return end, "RELEASED_TO_SPONSOR"
        if roll < 0.8:
            return moved + DAY * rng.randint(20, 90), "VOLUNTARY_DEPARTURE"
        return None, None

    def _earlier_uac(self, child: Person, day: dt.date) -> None:
        """A child referred before, who went home and came back (usually one uac_id)."""
        rng = self.rng
        earlier = day - DAY * rng.randint(90, 250)
        if earlier < dt.date(2017, 7, 1):
            return
        ev = self._event(earlier, SECTORS)
        moved = self._after(ev.at, 12, 72)
        self.cbp(
            child,
            ev,
            relationship="",
            classification="UAC",
            disposition="UAC_TRANSFER",
            transferred_to="ORR",
            transferred_at=moved,
        )
        out = moved + DAY * rng.randint(20, 60)
        if out.date() >= day - DAY * 10:
            out = dt.datetime.combine(day - DAY * 10, dt.time(15))
        if out <= moved + DAY:
            return
        self.child_in_care(
            child,
            ev,
            moved,
            out,
            "VOLUNTARY_DEPARTURE",
            separated_flag=False,
            stated_parents=None,
            resend_in_july=False,
            protect=False,
        )
        if rng.random() < 0.15:
            child.uac_id = None  # referred again under a new case id

    # ------------------------------------------------------------------ single adults
    def _kind_single_adult(self, day: dt.date) -> None:
        rng = self.rng
        adult = self._lone_adult(day)
        if rng.random() < self.cfg.repeat_crosser_rate * 2:
            self.earlier_crossing(adult, day)
        ev = self._event(day, SECTORS)
        near = ICE_NEAR[ev.station.sector]
        roll = rng.random()
        if adult.country == "MX" and roll < 0.5:
            self.cbp(
                adult,
                ev,
                relationship="",
                classification="SA",
                disposition="VR",
                transferred_to="",
                transferred_at=None,
                remarks="VR TO MEXICO" if rng.random() < 0.5 else "",
            )
        elif roll < 0.35:
            moved = self._after(ev.at, 6, 40)
            self.cbp(
                adult,
                ev,
                relationship="",
                classification="SA",
                disposition="ER",
                transferred_to="ICE",
                transferred_at=moved,
            )
            start = self._after(moved, 1, 8)
            self.ice_custody(adult, start, _clip(start + DAY * rng.randint(5, 40)), "REMOVED", near)
        elif roll < 0.6:
            moved = self._after(ev.at, 6, 40)
            self.cbp(
                adult,
                ev,
                relationship="",
                classification="SA",
                disposition="NTA",
                transferred_to="ICE",
                transferred_at=moved,
            )
            start = self._after(moved, 1, 8)
            end = _clip(start + DAY * rng.randint(10, 200)) if rng.random() < 0.7 else None
            self.ice_custody(adult, start, end, "RELEASED" if end else "", near)
        else:
            moved = self._after(ev.at, 6, 40)
            self.cbp(
                adult,
                ev,
                relationship="",
                classification="SA",
                disposition="PROSECUTION",
                transferred_to="USMS",
                transferred_at=moved,
            )
            booked = self._after(moved, 0.5, 6)
            released = self._after(booked, 20, 6 * 24)
            self.usms(adult, ev, booked, released, "ICE", "GUILTY PLEA - TIME SERVED")
            start = self._after(released, 1, 10)
            self.ice_custody(adult, start, _clip(start + DAY * rng.randint(7, 60)), "REMOVED", near)
            if rng.random() < 0.03:
                self.court(adult, "CRIMINAL_HISTORY", day - DAY * rng.randint(300, 3000), ev.station.district)
        self._finish_family([adult])

    # ------------------------------------------------------------------ false parents
    def _kind_false_parent(self, day: dt.date) -> None:
        """An adult who presents a child not theirs as their own (fraudulent family unit).

        The 2018 reviews found some by DNA exclusion; most carried no contrary
        evidence at all.  So most units show the adult as HEAD, the child naming
        the adult as MOTHER/FATHER and no remark, and are handled like any
        family: separated for prosecution, or released together.  A share
        (``false_parent_flagged_rate``) carries a contrary signal: FRAUD_SUSPECTED,
        a remark, the child naming the adult as OTHER.  Truth: no tie, and no
        separation (a separation is only from a parent).
        """
        rng, cfg = self.rng, self.cfg
        _, _, kids = self._family_people(day, "M", 1, twins_ok=False)
        child = kids[0]
        adult = self._lone_adult(day, "M" if rng.random() < 0.75 else "F")
        if rng.random() < 0.4:  # an uncle or aunt who shares a surname
            adult.surnames = (child.surnames[0], adult.surnames[1])
        ev = self._event(day, SECTORS)
        flagged = rng.random() < cfg.false_parent_flagged_rate
        word = "FATHER" if adult.sex == "M" else "MOTHER"
        if not flagged and rng.random() < 0.3:
            self._family_together(ev, [adult], [child], head_index=0)
            self._finish_family([adult, child])
            return
        fgid = self._new_fgid()
        adult_move = self._after(ev.at, 6, 48)
        child_move = self._after(adult_move, 6, 48)
        flag_filled = day >= SEPARATED_COLUMN_FROM and rng.random() >= cfg.separated_flag_blank
        if flagged:
            to_usms = rng.random() < 0.3
            reason = "FRAUD_SUSPECTED"
            # Without the separated column, a remark is the only place to say so.
            remark_adult = self._fraud_remark(word) if not flag_filled or rng.random() < 0.5 else ""
            remark_child = ""
        else:
            # Treated as a genuine family: the adult referred for prosecution.
            to_usms = True
            reason = "PROSECUTION"
            remark_adult = "REFERRED FOR 1325 PROSECUTION, FAMILY UNIT SPLIT" if rng.random() < 0.3 else ""
            remark_child = (
                f"SEPARATED FROM {word} DUE TO 1325 PROSECUTION"
                if not flag_filled and rng.random() < cfg.remarks_only_separation
                else ""
            )
        self.cbp(
            adult,
            ev,
            relationship="HEAD",
            classification="FMUA",
            disposition="PROSECUTION" if to_usms else "NTA",
            transferred_to="USMS" if to_usms else "ICE",
            transferred_at=adult_move,
            family_group_id=fgid,
            separated="Y" if flag_filled else "",
            reason=reason if flag_filled else "",
            remarks=remark_adult,
        )
        self.cbp(
            child,
            ev,
            relationship="CHILD",
            classification="UAC",
            disposition="UAC_TRANSFER",
            transferred_to="ORR",
            transferred_at=child_move,
            family_group_id="" if rng.random() < 0.5 else fgid,
            separated="Y" if flag_filled else "",
            reason=reason if flag_filled else "",
            remarks=remark_child,
            first={"classification": "FMUA", "disposition": ""},
        )
        if to_usms:
            booked = self._after(adult_move, 0.5, 6)
            released = self._after(booked, 20, 4 * 24)
            self.usms(adult, ev, booked, released, "ICE", "GUILTY PLEA - TIME SERVED")
            start = self._after(released, 1, 10)
        else:
            start = self._after(adult_move, 1, 8)
        custody = Custody()
        end = _clip(
            max(start + DAY * rng.randint(20, 60), dt.datetime(2018, 7, 25)) + DAY * rng.randint(0, 40)
        )
        said = self.stated_children_text(adult, [child], start.date())
        self.ice_custody(
            adult,
            start,
            end,
            "REMOVED" if end else "",
            ICE_NEAR[ev.station.sector],
            stated_children=said,
            custody=custody,
        )
        if flagged:
            relationship: str | None = word if rng.random() < 0.5 else "OTHER"
        else:
            relationship = word if rng.random() < 0.95 else "PARENT"
        stated = self.stated_parents_list([(adult, relationship)], "detained")
        child_end = max(child_move + DAY * rng.randint(20, 90), dt.datetime(2018, 7, 25))
        if flagged:
            flag = (True, True, True, True, True, False, False, False, None, None)[rng.randrange(10)]
        else:
            flag = True if rng.random() < 0.85 else None
        care = self.child_in_care(
            child,
            ev,
            child_move,
            child_end + DAY * rng.randint(0, 60),
            "RELEASED_TO_SPONSOR",
            separated_flag=flag,
            stated_parents=stated,
            resend_in_july=True,
            protect=False,
        )
        if rng.random() < cfg.false_parent_dna_rate:
            self._maybe_dna(adult, care, custody, inclusion=False)
        self._finish_family([adult, child])

    def _fraud_remark(self, word: str) -> str:
        """A contrary remark on a suspected fraudulent unit (varied wording)."""
        options = (
            'CLAIMS TO BE PARENT, "NO DOCUMENTS"',
            f"CLAIMS TO BE {word}, NO BIRTH CERTIFICATE",
            "RELATIONSHIP NOT VERIFIED, POSSIBLE FRAUD",
            "FRAUDULENT FAMILY UNIT SUSPECTED",
            f"DOCUMENTS DO NOT MATCH, NOT {word}",
            "UAC STATES ADULT IS NOT PARENT",
            "DICE QUE NO ES SU PADRE" if word == "FATHER" else "DICE QUE NO ES SU MADRE",
        )
        return options[self.rng.randrange(len(options))]

    # ================================================================== relatives
    def _make_relative(
        self, day: dt.date, role: str, mother: Person | None, father: Person | None, kids: list[Person]
    ) -> Relative:
        """An adult relative of ``kids`` who is not their parent, with kinship-true names and ages.

        Surnames follow the two-surname rule: a paternal aunt or uncle carries
        the father's surnames (so the child's first), a maternal one the
        mother's (the child's second), a grandfather the parent's first, a
        grandmother the parent's second, an adult sibling the child's own (a
        maternal half-sibling only the second), a cousin one or none.  An adult
        sibling is 4–15 years older than the oldest child, an aunt, uncle or
        cousin 10–40, a grandparent 35–65 (and 16+ older than the parent).
        Parents not yet written are aged where the kinship needs it.
        """
        rng, people = self.rng, self.people
        kid = kids[0]
        oldest = max(age_on(k.dob, day) for k in kids)
        if role in ("BROTHER", "SISTER") and oldest < 3:
            role = "AUNT" if rng.random() < 0.6 else "GRANDMOTHER"
        side: Person | None
        if mother is not None and father is not None:
            side = mother if rng.random() < 0.5 else father
        else:
            side = mother or father
        assert side is not None
        side_age = age_on(side.dob, day)
        mayan, country = kid.mayan, kid.country
        parent_of: list[Person] = []
        child_of: list[Person] = []
        new = people.surname(mayan)
        if role in ("AUNT", "UNCLE"):
            surnames: tuple[str, ...] = side.surnames
            age = side_age + rng.randint(-12, 12)
            age = min(oldest + 40, max(oldest + 10, age, 18))
        elif role in ("GRANDMOTHER", "GRANDFATHER"):
            mine = side.surnames[0] if role == "GRANDFATHER" else side.surnames[-1]
            surnames = (mine, new if new != mine else people.surname(mayan))
            age = max(oldest + rng.randint(35, 65), side_age + rng.randint(16, 26), 36)
            age = min(age, 88)
            parent_of = [side]
        elif role in ("BROTHER", "SISTER"):
            age = oldest + rng.randint(max(4, 18 - oldest), 15)
            if mother is not None and rng.random() < 0.2:  # a maternal half-sibling
                surnames = (new, mother.surnames[0])
                child_of = [mother]
            else:
                surnames = kid.surnames
                child_of = [p for p in (mother, father) if p is not None]
            for parent in child_of:
                if age_on(parent.dob, day) < age + 16:
                    parent.dob = people.dob_for_age(min(70, age + rng.randint(16, 24)), day)
        else:  # COUSIN
            age = max(18, oldest + (rng.randint(10, 22) if rng.random() < 0.8 else rng.randint(23, 40)))
            roll = rng.random()
            shared = kid.surnames[0] if roll < 0.5 else kid.surnames[-1]
            if roll < 0.4 or 0.5 <= roll < 0.7:
                surnames = (shared, new)
            elif roll < 0.85:
                surnames = (new, shared)
            else:
                surnames = people.surname_pair(mayan)
        if role in ("AUNT", "GRANDMOTHER", "SISTER"):
            sex = "F"
        elif role in ("UNCLE", "GRANDFATHER", "BROTHER"):
            sex = "M"
        else:
            sex = "F" if rng.random() < 0.45 else "M"
        person = people.person(
            sex,
            people.dob_for_age(age, day),
            people.given(sex, avoid=tuple(k.given[0] for k in kids)),
            surnames,
            country,
            mayan,
            fingerprinted=True,
            adult=True,
        )
        return Relative(person, role, parent_of, child_of, maternal=side is mother)

    def _relative_with_parent(
        self, day: dt.date, mother: Person | None, father: Person | None, kids: list[Person]
    ) -> Relative | None:
        """At ``relative_with_parent_rate``, a grandmother, adult sibling or aunt along with the parents."""
        if self.rng.random() >= self.cfg.relative_with_parent_rate:
            return None
        return self._make_relative(day, _WITH_PARENT_ROLES.pick(self.rng), mother, father, kids)

    def _relative_recorded_as(self) -> str:
        """How CBP records an extra adult relative in a family unit: SPOUSE, OTHER or blank."""
        roll = self.rng.random()
        return "SPOUSE" if roll < 0.35 else ("OTHER" if roll < 0.8 else "")

    def _relative_along(self, ev: Event, rel: Relative, fgid: str, first_fgid: str, to_usms: bool) -> None:
        """The extra relative of a separated family: processed with it, then custody of their own."""
        rng = self.rng
        adult = rel.person
        moved = self._after(ev.at, 6, 48)
        self.cbp(
            adult,
            ev,
            relationship=self._relative_recorded_as(),
            classification="FMUA" if rng.random() < 0.7 else "SA",
            disposition="PROSECUTION" if to_usms else ("ER" if rng.random() < 0.4 else "NTA"),
            transferred_to="USMS" if to_usms else "ICE",
            transferred_at=moved,
            family_group_id=fgid,
            first={"classification": "FMUA", "family_group_id": first_fgid, "disposition": ""},
        )
        start, end, why = self._relative_custody(adult, ev, moved, to_usms)
        self.ice_custody(adult, start, end, why if end else "", ICE_NEAR[ev.station.sector])

    def _relative_custody(
        self, adult: Person, ev: Event, moved: dt.datetime, to_usms: bool
    ) -> tuple[dt.datetime, dt.datetime | None, str]:
        """A relative's custody after Border Patrol: the Marshals when prosecuted, then ICE (start, end, reason)."""
        rng = self.rng
        if to_usms:
            booked = self._after(moved, 0.5, 6)
            released = self._after(booked, 20, 4 * 24)
            self.usms(adult, ev, booked, released, "ICE", "GUILTY PLEA - TIME SERVED")
            start = self._after(released, 1, 10)
        else:
            start = self._after(moved, 1, 8)
        roll = rng.random()
        if roll < 0.45:
            end, why = _clip(start + DAY * rng.randint(10, 80)), "REMOVED"
        elif roll < 0.85:
            end, why = _clip(start + DAY * rng.randint(5, 90)), "RELEASED"
        else:
            end, why = None, ""
        return start, end, why

    def _relative_ties(self, rel: Relative) -> None:
        """The parent–child ties a relative has with people of the family (grandparent, sibling)."""
        for child in rel.parent_of:
            self._tie(rel.person, child)
        for parent in rel.child_of:
            self._tie(parent, rel.person)

    def _relative_remark(self, rel: Relative, child: Person) -> tuple[str, str]:
        """(adult's remark, child's remark): one says the adult is a relative, not a parent.

        Built from parts so that no single fixed string carries the signal:
        English and Spanish (uppercase, no accents, as CBP writes), the
        relation spelled several ways, sometimes two clauses.
        """
        rng = self.rng
        sex = rel.person.sex
        en = _REL_EN[rel.role]
        word = en[rng.randrange(len(en))].replace("{side}", "MATERNAL" if rel.maternal else "PATERNAL")
        es = _REL_ES[rel.role]
        if rel.role == "COUSIN":
            es = "PRIMA" if sex == "F" else "PRIMO"
        parent_es = "MADRE" if sex == "F" else "PADRE"
        pronoun = "SHE" if sex == "F" else "HE"
        minor = "MENOR" if rng.random() < 0.7 else ("NINA" if child.sex == "F" else "NINO")
        who = ("UAC", "MINOR", "JUVENILE", "CHILD")[rng.randrange(4)]
        on_adult = rng.random() < 0.55
        spanish = rng.random() < 0.3
        if spanish:
            pool = (
                f"VIAJA CON SU {es}",
                f"NO ES SU {parent_es}",
                f"{es} DEL {minor}",
                f"DICE SER SU {es}",
                f"VIENE CON SU {es}, NO CON SUS PADRES",
                f"{es} DEL {minor}, NO ES TUTOR LEGAL",
                f"{'ACOMPANADA' if child.sex == 'F' else 'ACOMPANADO'} POR SU {es}",
                f"ES {es}, NO ES LA {parent_es}" if sex == "F" else f"ES {es}, NO ES EL {parent_es}",
            )
        elif on_adult:
            pool = (
                "NOT PARENT",
                f"NOT THE PARENT OF {who}",
                f"CLAIMS TO BE {word}",
                f"CLAIMS TO BE {word} OF {who}",
                f"{word}, NOT LEGAL GUARDIAN",
                f"{word} OF {who}, NO CUSTODY DOCUMENTS",
                f"SUBJ STATES {pronoun} IS THE {word}",
                f"RELATIVE ({word}), NOT PARENT",
                f"ADULT {word} - NOT A PARENT",
            )
        else:
            pool = (
                f"TRAVELING WITH {word}",
                f"TRAVELLING W/ {word}",
                f"{who} TRAVELING WITH {word}",
                f"ARRIVED WITH {word}, PARENTS NOT PRESENT",
                f"ACCOMPANIED BY {word} (NOT PARENT)",
                f"{who} W/ ADULT {word}, NO PARENT",
                f"WITH {word}, PARENTS IN HOME COUNTRY",
            )
        text = pool[rng.randrange(len(pool))]
        if rng.random() < 0.2:
            extra = (
                "NO DOCUMENTS",
                "NO BIRTH CERTIFICATE",
                "SEE I-213",
                "PARENTS IN US",
                "NO PARENTAL CONSENT",
            )
            text = f"{text}, {extra[rng.randrange(len(extra))]}"
        if rng.random() < self.cfg.typo:
            text = self.scribe.typo(text)
        return (text, "") if on_adult else ("", text)

    def _named_by_child(self, parent: Person) -> str:
        """A parent's name as a child gives it: full, one given name and one surname, or a surname."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.45:
            text = " ".join(parent.given + parent.surnames)
        elif roll < 0.85:
            surname = parent.surnames[0] if rng.random() < 0.8 else parent.surnames[-1]
            text = f"{parent.given[0]} {surname}"
        else:
            text = parent.surnames[0]
        text = plain_upper(text) if rng.random() < 0.5 else text
        if rng.random() < self.cfg.typo:
            text = self.scribe.typo(text)
        return text.title() if rng.random() < 0.6 else text

    def _parent_apart(self, parent: Person, kids: list[Person], day: dt.date) -> tuple[str, Custody]:
        """A parent who is in the feeds but never apprehended with ``kids``.

        Crossed earlier as a single adult (CBP SA row, ICE, often removed),
        later, or was already in the country (no CBP row, an ICE stay after an
        interior arrest).  The ICE interview may name the children; a removed
        parent may be located abroad by an NGO looking for a child.  Returns
        where the parent is as the child would put it, and the custody (for DNA).
        """
        rng, cfg = self.rng, self.cfg
        custody = Custody()
        roll = rng.random()
        when = day
        mode = "inside"
        if roll < 0.4:
            when = day - DAY * rng.randint(30, 420)
            mode = "earlier" if when >= FIRST_APPREHENSION else "inside"
        elif roll < 0.6:
            when = day + DAY * rng.randint(10, 160)
            mode = "later" if when <= LAST_APPREHENSION else "inside"
        removed = rng.random() < 0.5
        if mode == "inside":
            start = daytime(day + DAY * rng.randint(-200, 150), rng.randint(0, 479))
            start = min(max(start, dt.datetime(2017, 7, 3, 15)), DATA_END - DAY * 20)
            near = ICE_FAR_WOMEN if parent.sex == "F" else ICE_FAR
        else:
            ev = self._event(when, SECTORS)
            moved = self._after(ev.at, 6, 40)
            prosecuted = when >= ZERO_TOLERANCE and rng.random() < 0.6
            self.cbp(
                parent,
                ev,
                relationship="",
                classification="SA",
                disposition="PROSECUTION" if prosecuted else ("ER" if removed else "NTA"),
                transferred_to="USMS" if prosecuted else "ICE",
                transferred_at=moved,
            )
            start = self._after(moved, 1, 8)
            if prosecuted:
                booked = self._after(moved, 0.5, 6)
                out = self._after(booked, 20, 5 * 24)
                self.usms(parent, ev, booked, out, "ICE", "GUILTY PLEA - TIME SERVED")
                start = self._after(out, 1, 10)
            near = ICE_NEAR[ev.station.sector]
        if removed:
            end, why = _clip(start + DAY * rng.randint(10, 90)), "REMOVED"
        elif rng.random() < 0.75:
            end, why = _clip(start + DAY * rng.randint(5, 120)), "RELEASED"
        else:
            end, why = None, ""
        said = self.stated_children_text(parent, kids, start.date())
        self.ice_custody(parent, start, end, why if end else "", near, stated_children=said, custody=custody)
        if end is not None and why == "REMOVED":
            custody.removed = True
            out = custody.stays[-1][1]
            if out is not None and rng.random() < cfg.ngo_locate_rate * 0.5:
                self.ngo_locates(parent, kids[rng.randrange(len(kids))], out)
        if custody.removed:
            where = COUNTRIES[parent.country].localities[
                rng.randrange(len(COUNTRIES[parent.country].localities))
            ]
            where = where if rng.random() < 0.6 else "deported"
        elif custody.detained_at(daytime(day, 0)):
            where = "detained"
        else:
            where = US_CITIES[rng.randrange(len(US_CITIES))]
        return where, custody

    # ------------------------------------------------------------------ relative units
    def _kind_relative_unit(self, day: dt.date) -> None:
        """A child (or two siblings) travelling with a relative who is not a parent.

        The rows say so at configurable rates (family group with the adult as
        OTHER, or HEAD; the child naming the adult as OTHER, or naming its real
        parents; remarks), and some say nothing.  Usually the child goes to ORR
        as unaccompanied, sometimes the two are released together.  Truth: no
        tie between relative and child and no separation; ties only for a real
        parent who appears elsewhere in the feeds, and for the relative's own
        kinship (a grandparent is the parent's parent, an adult sibling the
        parent's child).
        """
        rng, cfg = self.rng, self.cfg
        count = 2 if rng.random() < 0.25 else 1
        mother, father, kids = self._family_people(day, "MF", count)
        assert mother is not None and father is not None
        rel = self._make_relative(day, _RELATIVE_ROLES.pick(rng), mother, father, kids)
        adult = rel.person
        apart: list[tuple[Person, str]] = []
        custody_of: dict[str, Custody] = {}
        if rng.random() < cfg.relative_parent_in_feeds_rate:
            real = mother if rng.random() < 0.6 else father
            where, custody_of[real.pid] = self._parent_apart(real, kids, day)
            apart.append((real, where))
        if rng.random() < cfg.repeat_crosser_rate:
            self.earlier_crossing(adult, day)
        ev = self._event(day, SECTORS)
        together = rng.random() < cfg.relative_released_together_rate
        group = together or rng.random() < cfg.relative_group_rate
        role = ""
        if group:
            role = "HEAD" if rng.random() < cfg.relative_head_rate else "OTHER"
        remark_adult = remark_child = ""
        if rng.random() < cfg.relative_remark_rate:
            remark_adult, remark_child = self._relative_remark(rel, kids[0])
        if together:
            self._family_together(
                ev, [], kids, head_index=-1, extra=((adult, role, remark_adult),), child_remarks=remark_child
            )
        else:
            self._relative_split(
                day, ev, rel, kids, group, role, remark_adult, remark_child, apart, [mother, father]
            )
        for parent in (mother, father):
            for child in kids:
                self._tie(parent, child)
        self._relative_ties(rel)
        self._finish_family([adult, mother, father, *kids])

    def _relative_split(
        self,
        day: dt.date,
        ev: Event,
        rel: Relative,
        kids: list[Person],
        group: bool,
        role: str,
        remark_adult: str,
        remark_child: str,
        apart: list[tuple[Person, str]],
        real: list[Person],
    ) -> None:
        """The relative to ICE (via USMS when prosecuted), the children to ORR as UAC."""
        rng, cfg = self.rng, self.cfg
        adult = rel.person
        fgid = self._new_fgid() if group else ""
        blank_group = rng.random() < cfg.family_group_blank_after_split
        to_usms = day >= ZERO_TOLERANCE and rng.random() < 0.5
        flag_filled = day >= SEPARATED_COLUMN_FROM and rng.random() >= cfg.separated_flag_blank
        reason = "PROSECUTION" if to_usms else ("OTHER" if rng.random() < 0.7 else "FRAUD_SUSPECTED")
        adult_move = self._after(ev.at, 6, 48)
        first = {"classification": "FMUA", "family_group_id": fgid, "disposition": ""} if group else None
        self.cbp(
            adult,
            ev,
            relationship=role if rng.random() < 0.95 else "",
            classification=("FMUA" if rng.random() < 0.6 else "SA") if group else "SA",
            disposition="PROSECUTION" if to_usms else ("ER" if rng.random() < 0.4 else "NTA"),
            transferred_to="USMS" if to_usms else "ICE",
            transferred_at=adult_move,
            family_group_id="" if blank_group else fgid,
            separated="Y" if flag_filled and group else "",
            reason=reason if flag_filled and group else "",
            remarks=remark_adult,
            first=first,
        )
        child_moves = []
        for index, child in enumerate(kids):
            moved = self._after(ev.at, 12, 72)
            child_moves.append(moved)
            self.cbp(
                child,
                ev,
                relationship=("CHILD" if rng.random() < 0.9 else "") if group else "",
                classification="UAC",
                disposition="UAC_TRANSFER",
                transferred_to="ORR",
                transferred_at=moved,
                family_group_id="" if blank_group else fgid,
                separated="Y" if flag_filled and group else "",
                reason=reason if flag_filled and group else "",
                remarks=remark_child if index == 0 else "",
                first=first,
            )
        start, end, why = self._relative_custody(adult, ev, adult_move, to_usms)
        said = self.stated_children_text(adult, kids, start.date()) if rng.random() < 0.5 else ""
        self.ice_custody(
            adult, start, end, why if end else "", ICE_NEAR[ev.station.sector], stated_children=said
        )
        # What the child says: the relative (OTHER), its real parents, both or neither.
        # A real parent not in the feeds is a phantom: named, never written.
        for index, child in enumerate(kids):
            stated: list[dict] = []
            if rng.random() < cfg.relative_stated_other_rate:
                stated += self.stated_parents_list([(adult, "OTHER")], self._where_said(), always=True) or []
            if rng.random() < cfg.relative_stated_real_parent_rate:
                roll = rng.random()
                chosen = [p for p, _ in apart]
                for parent in real:
                    wanted = roll < 0.3 or (roll < 0.75) == (parent.sex == "F")
                    if wanted and parent not in chosen:
                        chosen.append(parent)
                named = [(p, self._relationship_said(p)) for p in chosen]
                home = COUNTRIES[child.country]
                where = (
                    apart[0][1] if apart else ("unknown", home.english, home.localities[0])[rng.randrange(3)]
                )
                stated += self.stated_parents_list(named, where, always=True) or []
            end_at, kind = self._uac_outcome(child, child_moves[index])
            flag = (True, True, False, False, False, False, None, None)[rng.randrange(8)]
            self.child_in_care(
                child,
                ev,
                child_moves[index],
                end_at,
                kind,
                separated_flag=flag,
                stated_parents=stated if stated else (None if rng.random() < 0.5 else []),
                resend_in_july=True,
                protect=False,
            )
