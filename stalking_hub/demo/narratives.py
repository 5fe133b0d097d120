"""Narratives for the demo feed, in the varied words officers use (written for the demo; none
is taken from the labelled corpus in tests/data/signal_corpus/).

Three sorts, so the review queue looks like a force's:

- stalking behaviour, for the logs recorded as stalking and for the few recorded as something
  else (what the narrative signal is for);
- near misses: the same words used innocently (police work, shop security, lost property,
  road incidents, tradespeople, scams, idioms, negations);
- ordinary incidents of the offence recorded.
"""

from __future__ import annotations

import random

OPENINGS = (
    "IP reports that",
    "IP states",
    "Caller reports that",
    "IP attended the front counter and reports that",
    "Officers attended after a call from IP. IP states",
    "Third-party report from IP's sister:",
    "Victim states",
)

# A behaviour, then what makes it a pattern; combined at random.
BEHAVIOURS = (
    "her former partner has been waiting outside her work",
    "the suspect followed her from the station to her front door",
    "the suspect turned up at her flat uninvited",
    "the suspect keeps sending her messages from new numbers",
    "the suspect has been sitting in his car opposite her house",
    "her ex keeps driving past the house",
    "the suspect left flowers and a card on her car",
    "the suspect has been ringing her mum asking where she is living",
    "her ex has been logging into her email and reading her messages",
    "an AirTag was found in the lining of her handbag",
    "the suspect set up a new Instagram account after she blocked him",
    "the suspect has threatened to share intimate photos of her",
    "the male she turned down at work has been walking behind her on her way home",
    "the suspect was seen hanging around the school gates at drop-off",
    "her ex has been turning up at the gym at the times she trains",
)
PATTERNS = (
    "This has happened several times this month.",
    "She has told him to stop and he carries on.",
    "It started when she ended the relationship.",
    "It is the third time this week.",
    "This has been going on since the spring.",
    "She has blocked him on every app.",
)

NEAR_MISSES = (
    "Officers followed the suspect vehicle to the retail park where the occupants were detained.",
    "Store detective watched a male on CCTV taking razor blades; stopped at the exit.",
    "IP tracked her stolen phone using Find My to a house on the estate; phone recovered.",
    "Driver followed IP for a mile flashing his lights after a near miss at the junction, "
    "then turned off. One occasion.",
    "Builder keeps calling IP for the final payment; IP disputes the work. Civil matter.",
    "IP has had repeated calls from a number claiming to be her bank. Reported to Action Fraud.",
    "OIC to follow up with the witness on Monday.",
    "IP confirms the suspect has not contacted her since bail conditions were imposed.",
    "Bailiff waited outside IP's address about an unpaid fine; lawful visit.",
    "IP asked what to do if her ex starts messaging her again; no contact so far.",
    "Courier tracking shows IP's parcel delivered to the wrong address.",
    "Neighbour keeps parking across IP's drive; words exchanged. Advised re council.",
)

INCIDENTS = {
    "8L": (
        "the suspect shouted abuse at her outside the shop",
        "the suspect made offensive comments about her in a group chat",
        "the suspect swore at her during a row over the children",
    ),
    "195/94": (
        "the suspect sent her an abusive message after an argument",
        "an offensive comment about her was posted on a local Facebook group",
        "she received an abusive voicemail from an unknown caller",
    ),
    "195/12": (
        "the suspect sent a menacing message after a dispute over money",
        "she was sent a threatening email by a former business partner",
    ),
    "58C": (
        "a window at her address was found smashed in the morning",
        "her front door was kicked in during an argument",
        "her car tyres were found slashed on the drive",
    ),
    "105A": (
        "the suspect pushed her during an argument in the kitchen",
        "she was slapped by the suspect outside a pub",
    ),
    "3A": (
        "the suspect threatened to kill her during a row",
        "the suspect said he would stab her if she called the police",
    ),
    "8D": (
        "the suspect squared up to her in the street shouting abuse",
        "the suspect threatened to punch her at the bus stop",
    ),
}
CONTEXT = (
    "No injuries reported.",
    "CCTV has been requested from the neighbouring property.",
    "Suspect denies the allegations.",
    "IP supports a prosecution.",
    "IP does not wish to make a statement at this time.",
    "A DASH risk assessment was completed and graded medium.",
    "A DASH risk assessment was completed and graded high.",
    "Officers completed house-to-house enquiries with negative result.",
    "Screenshots have been saved to the evidence folder.",
)


def stalking(rng: random.Random) -> str:
    """A narrative describing a course of stalking behaviour."""
    chosen = rng.sample(BEHAVIOURS, rng.randint(1, 2))
    text = f"{rng.choice(OPENINGS)} {' and '.join(chosen)}. {rng.choice(PATTERNS)}"
    return f"{text} {rng.choice(CONTEXT)}"


def near_miss(rng: random.Random) -> str:
    """Stalking-like words used innocently."""
    return f"{rng.choice(NEAR_MISSES)} {rng.choice(CONTEXT)}"


def incident(rng: random.Random, code: str) -> str:
    """An ordinary incident of the offence recorded."""
    options = INCIDENTS.get(code, INCIDENTS["8L"])
    sentences = rng.sample(CONTEXT, rng.randint(1, 2))
    return f"{rng.choice(OPENINGS)} {rng.choice(options)}. {' '.join(sentences)}"
