"""Synthetic crime-log feeds for benchmarks and demos, in the format of docs/log-feed.md.

    python bench/feedgen.py --rows 100000 --out /tmp/feed.csv
    python bench/feedgen.py --rows 100000 --out /tmp/feed2.csv --change-fraction 0.01

The benchmarks use it through bench/feedgen.py; `seed_demo` uses it for the demo feed, with
dates ending yesterday.

Everything is invented: the names come from short lists written for this file, the force
("Northshire", areas NS-*) does not exist, and the offence codes only look like Home Office
classifications (8Q stalking, 8L harassment, 195/94 malicious communications, ...); they
are not an authoritative code list.

Output is deterministic for a seed and is written as it is generated (1M rows use a few MB).
A "changed" feed (--change-fraction f) is the same feed with about f of its rows changed
(status moved on, or an update added to the narrative) and every other row byte-identical,
so an import of it should report about f * rows updated and the rest unchanged.
"""

import argparse
import csv
import json
import random
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from stalking_hub.demo import narratives

COLUMNS = (
    "reference",
    "source",
    "recorded_at",
    "occurred_from",
    "occurred_to",
    "offence_code",
    "offence",
    "flags",
    "area",
    "officer",
    "victim_id",
    "victim_name",
    "victim_dob",
    "suspect_id",
    "suspect_name",
    "suspect_dob",
    "relationship",
    "narrative",
    "status",
)

# (code, description, weight in percent). Codes are synthetic look-alikes, see the docstring.
OFFENCES = (
    ("8Q", "Stalking", 6),
    ("8Q", "Stalking involving fear of violence or serious alarm or distress", 4),
    ("8L", "Harassment", 16),
    ("8L", "Harassment - breach of restraining order", 2),
    ("195/94", "Malicious communications", 14),
    ("195/12", "Sending a menacing electronic communication", 8),
    ("58C", "Criminal damage to a dwelling", 12),
    ("105A", "Common assault", 16),
    ("3A", "Threats to kill", 4),
    ("8D", "Public order - causing fear or provocation of violence", 16),
    ("8Q/2", "Breach of a stalking protection order", 2),
)
OFFENCE_WEIGHTS = tuple(weight for _, _, weight in OFFENCES)
STALKING_CODES = frozenset({"8Q", "8Q/2"})

HOME_AREAS = ("NS-NORTH", "NS-SOUTH", "NS-CITY", "NS-EAST", "NS-WEST")
OTHER_FORCES = ("WM", "GM", "WY", "MET", "TVP", "SY")
STATUSES = ("open", "under investigation", "suspect interviewed", "charged", "filed", "NFA")
STATUS_WEIGHTS = (35, 20, 8, 10, 17, 10)
RELATIONSHIPS = (
    ("ex-partner", 35),
    ("partner", 8),
    ("acquaintance", 15),
    ("neighbour", 8),
    ("colleague", 6),
    ("stranger", 8),
    ("online contact", 10),
    ("family member", 10),
)
RELATIONSHIP_NAMES = tuple(name for name, _ in RELATIONSHIPS)
RELATIONSHIP_WEIGHTS = tuple(weight for _, weight in RELATIONSHIPS)
INTIMATE = frozenset({"ex-partner", "partner"})

FIRST_NAMES = (
    "Amelia", "Bethan", "Chloe", "Dana", "Eleanor", "Fiona", "Grace", "Hannah", "Imogen",
    "Jasmine", "Kirsty", "Leah", "Megan", "Niamh", "Olivia", "Priya", "Rachel", "Sophie",
    "Tamsin", "Una", "Vicky", "Wendy", "Yasmin", "Zoë", "Renée", "Siân", "Aoife", "Adam",
    "Ben", "Callum", "Darren", "Ethan", "Faisal", "Gareth", "Harry", "Ian", "Jamie", "Kieran",
    "Liam", "Mohammed", "Nathan", "Owen", "Paul", "Reece", "Stuart", "Tom", "Wayne", "José",
)  # fmt: skip
LAST_NAMES = (
    "Ashworth", "Barraclough", "Clegg", "Dunmore", "Elland", "Fairbrother", "Garside",
    "Holroyd", "Illingworth", "Jagger", "Kershaw", "Lumb", "Marsden", "Naylor", "Oldroyd",
    "Pickles", "Quarmby", "Ramsden", "Sutcliffe", "Thwaite", "Uttley", "Varley", "Whiteley",
    "Yeadon", "Ackroyd", "Brearley", "Crabtree", "Dyson", "Firth", "Greenwood", "Haigh",
    "Ibbotson", "Jowett", "Kitching", "Lister", "Mitchell", "Nuttall", "Outhwaite",
    "Priestley", "Rhodes", "Shackleton", "Tordoff", "Wadsworth", "O'Hara", "Khan", "Begum",
)  # fmt: skip

OPENINGS = (
    "IP reports that",
    "IP states that",
    "Caller reports that",
    "IP attended the front counter and reports that",
    "Officers attended after a call from IP. IP states that",
    "Third-party report from IP's sister:",
)
STALKING_BEHAVIOURS = (
    "the suspect has been waiting outside her work most evenings",
    "the suspect followed her home from the station",
    "the suspect turned up at her home address uninvited",
    "she has received repeated unwanted messages from the suspect, over 40 in one day",
    "the suspect has been tracking her phone through a shared account",
    "the suspect sent gifts and flowers to her workplace",
    "the suspect contacted her family asking where she is now living",
    "the suspect has been seen loitering near her children's school",
    "the suspect set up fake social media accounts to watch what she posts",
    "the suspect keeps driving past her address late at night",
    "the suspect left notes on her car windscreen",
    "the suspect keeps calling from withheld numbers and says nothing",
)
THREATS = (
    "the suspect threatened to kill her if she went to the police",
    "the suspect punched the front door and smashed a window",
    "the suspect grabbed her arm and pushed her against the wall",
    "the suspect said she would regret leaving him",
    "the suspect threatened to share intimate images of her",
    "the suspect threatened to burn her car",
)
INCIDENTS = (
    "there was an argument in the street outside the address",
    "a window at the address was found smashed in the morning",
    "abusive comments were posted about her online",
    "the suspect shouted abuse at her in a supermarket car park",
    "the suspect sent an offensive message about her to a group chat",
    "her car tyres were found slashed",
)
INTIMATE_CONTEXT = (
    "The parties were in a relationship for three years and separated in the spring.",
    "IP ended the relationship in January; the suspect has not accepted it.",
    "They share a child and contact arrangements are through a family court order.",
)
CONTEXT = (
    "IP has blocked the suspect's number but messages continue from new numbers.",
    "No injuries reported.",
    "CCTV has been requested from the neighbouring property.",
    "IP is fearful and has moved in with a relative.",
    "Suspect denies the allegations.",
    "Neighbours heard shouting at around 23:00.",
    "IP supports a prosecution.",
    "IP does not wish to make a statement at this time.",
    "A DASH risk assessment was completed and graded medium.",
    "A DASH risk assessment was completed and graded high.",
    "Officers completed house-to-house enquiries with negative result.",
    'IP said "I just want it to stop, I feel like I\'m being watched all the time".',
    "Screenshots of the messages have been saved to the evidence folder.",
)
UPDATES = (
    "Update: suspect arrested and interviewed, released under investigation.",
    "Update: file reviewed by the stalking hub, advice given to the OIC.",
    "Update: further messages received, added to the crime.",
    "Update: IP provided a statement.",
)

# In the demo, the share of repeated pairs that continue a course of conduct already recorded as
# stalking (the rest repeat any recent pair, the courses of conduct the sweep should find). The
# pinned default output repeats any recent pair: there about a quarter of all logs are courses of
# conduct not recorded as stalking, which would bury the demo's review queue (docs/signals.md).
DEMO_REPEATS_OF_STALKING = 0.96

Format = Literal["csv", "jsonl"]
START = datetime(2023, 1, 1)  # noqa: DTZ001 - feeds carry naive Europe/London times
SPAN = timedelta(days=3 * 365)  # the feed covers 2023 to 2025, all safely in the past


class _Generator:
    """Row factory. Person and pair details come from their own seeded RNG, so a pair can
    reappear thousands of rows later without the generator remembering every pair."""

    def __init__(
        self,
        n_rows: int,
        seed: int,
        start: datetime = START,
        span: timedelta = SPAN,
        demo: bool = False,
    ) -> None:
        self.demo = demo
        self.n_rows = n_rows
        self.seed = seed
        self.start = start
        self.span = span
        self.rng = random.Random(seed)
        self.pairs = 0
        # Demo only: the pairs whose logs were recorded as stalking, in order (see next_pair).
        self.stalking_pairs: list[int] = []

    @lru_cache(maxsize=8192)  # noqa: B019 - one generator per feed; the cache dies with it
    def person(self, index: int) -> tuple[str, str, str]:
        rng = random.Random(self.seed * 7_919 + 2 * index)
        dob = date(1950, 1, 1) + timedelta(days=rng.randrange(55 * 365))
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        return f"P{index:08d}", name, dob.isoformat()

    @lru_cache(maxsize=8192)  # noqa: B019
    def pair(self, index: int) -> tuple[int, int, str]:
        rng = random.Random(self.seed * 7_919 + 2 * index + 1)
        victim = 2 * index
        suspect = 2 * index + 1
        if index > 50 and rng.random() < 0.05:  # a suspect with several victims
            suspect = 2 * (index - rng.randint(1, 50)) + 1
        relationship = rng.choices(RELATIONSHIP_NAMES, RELATIONSHIP_WEIGHTS)[0]
        return victim, suspect, relationship

    def next_pair(self) -> int:
        rng = self.rng
        if self.pairs == 0 or rng.random() < 0.85:
            self.pairs += 1
            return self.pairs - 1
        if self.demo and self.stalking_pairs and rng.random() < DEMO_REPEATS_OF_STALKING:
            # The demo's repeats are mostly the next incidents of a course of conduct already
            # recorded as stalking: the hub's cases, and no extra flags (DEMO_REPEATS_OF_STALKING).
            back = min(int(rng.expovariate(1 / 300)), len(self.stalking_pairs) - 1)
            return self.stalking_pairs[-1 - back]
        # A repeat of a recent pair: the courses of conduct the log sweep should find.
        back = min(int(rng.expovariate(1 / 300)), self.pairs - 1)
        return self.pairs - 1 - back

    def officer(self) -> str:
        rng = self.rng
        if rng.random() < 0.7:
            first = rng.choice(FIRST_NAMES).lower().replace("ë", "e").replace("é", "e")
            last = rng.choice(LAST_NAMES).lower().replace("'", "")
            return f"{first}.{last}@northshire.police.example"
        return f"NS{rng.randrange(1000, 9999)}"

    def narrative(self, code: str, relationship: str) -> str:
        rng = self.rng
        if self.demo:
            return self.demo_narrative(code)
        stalking_like = code in STALKING_CODES or (relationship in INTIMATE and rng.random() < 0.2)
        parts = [rng.choice(OPENINGS)]
        if stalking_like or rng.random() < 0.02:
            chosen = rng.sample(STALKING_BEHAVIOURS, rng.randint(1, 3))
        else:
            chosen = [rng.choice(INCIDENTS)]
        if code in ("3A", "105A") or rng.random() < 0.04:
            chosen.append(rng.choice(THREATS))
        parts.append(", and ".join(chosen) + ".")
        if relationship in INTIMATE and rng.random() < 0.5:
            parts.append(rng.choice(INTIMATE_CONTEXT))
        parts.extend(rng.sample(CONTEXT, rng.randint(1, 3)))
        text = " ".join(parts)
        if rng.random() < 0.05:  # a multi-line note with bullet points
            text = f"Summary:\n- {text}\n- OIC to review."
        return text

    def demo_narrative(self, code: str) -> str:
        """The demo's words (stalking_hub/demo/narratives.py): stalking on the logs recorded as
        stalking and on about 2% of the others, near misses on about 12%."""
        rng = self.rng
        if code in STALKING_CODES:
            return narratives.stalking(rng)
        draw = rng.random()
        if draw < 0.02:
            return narratives.stalking(rng)
        if draw < 0.15:
            return narratives.near_miss(rng)
        return narratives.incident(rng, code)

    def row(self, i: int) -> dict[str, str]:
        rng = self.rng
        recorded = (
            self.start
            + self.span * (i / max(self.n_rows, 1))
            + timedelta(minutes=rng.randrange(120))
        )
        occurred = recorded - timedelta(minutes=rng.randrange(10 * 24 * 60))
        occurred_to = (
            (occurred + timedelta(minutes=rng.randrange(5, 600))).isoformat(timespec="seconds")
            if rng.random() < 0.5
            else ""
        )
        pair = self.next_pair()
        victim, suspect, relationship = self.pair(pair)
        victim_id, victim_name, victim_dob = self.person(victim)
        suspect_id, suspect_name, suspect_dob = self.person(suspect)
        code, offence, _ = rng.choices(OFFENCES, OFFENCE_WEIGHTS)[0]
        if relationship in INTIMATE and code in STALKING_CODES and rng.random() < 0.5:
            code, offence = "8L", "Harassment"  # stalking recorded as harassment: a hub catch
        flags = []
        if code in STALKING_CODES and rng.random() < 0.85:
            flags.append("STALKING")
        if relationship in INTIMATE and rng.random() < 0.85:
            flags.append("DA")
        if rng.random() < 0.05:
            flags.append("REPEAT VICTIM")
        if rng.random() < 0.03:
            flags.append("VULNERABLE")
        recorded_as_stalking = code in STALKING_CODES or "STALKING" in flags
        if self.demo and recorded_as_stalking and self.stalking_pairs[-1:] != [pair]:
            self.stalking_pairs.append(pair)
        outside = 0.01 if self.demo else 0.03
        area = rng.choice(HOME_AREAS) if rng.random() >= outside else rng.choice(OTHER_FORCES)
        return {
            "reference": f"NS/{recorded.year % 100:02d}/{i + 1:07d}",
            "source": "rms",
            "recorded_at": recorded.isoformat(timespec="seconds"),
            "occurred_from": occurred.isoformat(timespec="seconds"),
            "occurred_to": occurred_to,
            "offence_code": code,
            "offence": offence,
            "flags": ";".join(flags),
            "area": area,
            "officer": self.officer(),
            "victim_id": victim_id,
            "victim_name": victim_name,
            "victim_dob": victim_dob,
            "suspect_id": suspect_id,
            "suspect_name": suspect_name,
            "suspect_dob": suspect_dob,
            "relationship": relationship,
            "narrative": self.narrative(code, relationship),
            "status": rng.choices(STATUSES, STATUS_WEIGHTS)[0],
        }


def generate_rows(
    n_rows: int,
    *,
    seed: int = 1,
    changed_fraction: float = 0.0,
    change_seed: int | None = None,
    start: datetime = START,
    span: timedelta = SPAN,
    demo: bool = False,
) -> Iterator[dict[str, str]]:
    """The feed's rows in order. Changes use their own RNG, so unchanged rows stay identical.

    `demo` writes the demo's narratives and puts fewer logs in other forces' areas;
    the benchmarks and tests use the default, so their figures stay comparable."""
    generator = _Generator(n_rows, seed, start, span, demo)
    changes = random.Random(seed + 1 if change_seed is None else change_seed)
    for i in range(n_rows):
        row = generator.row(i)
        if changed_fraction and changes.random() < changed_fraction:
            if changes.random() < 0.5:
                others = [status for status in STATUSES if status != row["status"]]
                row["status"] = changes.choice(others)
            else:
                row["narrative"] = f"{row['narrative']} {changes.choice(UPDATES)}"
        yield row


def generate_feed(
    path: str | Path,
    n_rows: int,
    *,
    seed: int = 1,
    fmt: Format = "csv",
    changed_fraction: float = 0.0,
    change_seed: int | None = None,
    start: datetime = START,
    span: timedelta = SPAN,
    demo: bool = False,
) -> int:
    """Write a synthetic feed of `n_rows` records to `path`; returns the bytes written."""
    rows = generate_rows(
        n_rows,
        seed=seed,
        changed_fraction=changed_fraction,
        change_seed=change_seed,
        start=start,
        span=span,
        demo=demo,
    )
    with open(path, "w", encoding="utf-8", newline="") as out:
        if fmt == "csv":
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(COLUMNS)
            for row in rows:
                writer.writerow(row.values())
        else:
            for row in rows:
                out.write(json.dumps(_jsonl_record(row), ensure_ascii=False))
                out.write("\n")
    return Path(path).stat().st_size


def _jsonl_record(row: dict[str, str]) -> dict[str, object]:
    """JSON Lines rows: mostly flat, sometimes a `parties` list (victim, suspect, a witness)."""
    # Derived from the reference, not the RNG, so both formats carry the same base content.
    if int(row["reference"][-7:]) % 20:
        return dict(row)
    record: dict[str, object] = {
        key: value for key, value in row.items() if not key.startswith(("victim_", "suspect_"))
    }
    record["parties"] = [
        {
            "role": role,
            "id": row[f"{role}_id"],
            "name": row[f"{role}_name"],
            "dob": row[f"{role}_dob"],
        }
        for role in ("victim", "suspect")
    ] + [{"role": "witness", "name": "Witness " + row["reference"][-4:], "area": row["area"]}]
    return record


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=("csv", "jsonl"), help="default: from --out's suffix")
    parser.add_argument("--change-fraction", type=float, default=0.0)
    parser.add_argument("--change-seed", type=int)
    args = parser.parse_args(argv)
    fmt: Format = args.format or ("csv" if args.out.suffix.lower() == ".csv" else "jsonl")
    started = time.perf_counter()
    size = generate_feed(
        args.out,
        args.rows,
        seed=args.seed,
        fmt=fmt,
        changed_fraction=args.change_fraction,
        change_seed=args.change_seed,
    )
    seconds = time.perf_counter() - started
    print(
        f"wrote {args.rows:,} rows ({size / 1e6:,.1f} MB, {fmt}) to {args.out} "
        f"in {seconds:.1f}s ({args.rows / seconds:,.0f} rows/s)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
