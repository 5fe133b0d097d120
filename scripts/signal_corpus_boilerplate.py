"""Write tests/data/signal_corpus/dev_boilerplate.jsonl (docs/signals.md, "The model").

Real logs wrap what happened in police routine ("Officers attended.", "CCTV requested.",
"DASH completed."), on stalking and innocent logs alike. The hand-written development splits
rarely do, and where they do it is mostly on innocent logs (police actions), so a model trained
on them alone learns that routine means "not stalking". This copies each narrative of the
splits the phrases were tuned on (dev, dev_extra, dev_more) with one or two routine sentences
before or after it, chosen deterministically, with the same label (two copies of each, so
that routine sentences and their count weigh alike on both labels). It is read for the model's
word weights only (training.RULE_TUNED), and never for cross-validation's test folds.

    .venv/bin/python scripts/signal_corpus_boilerplate.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "signal_corpus"
SOURCES = ("dev", "dev_extra", "dev_more")

BEFORE = (
    "Officers attended.",
    "Call received via 999.",
    "Attended at 2140 hrs.",
    "Front counter report.",
    "Report made online.",
    "Police called by a neighbour.",
    "Officers dispatched following a call from the informant.",
    "Call taken by the control room.",
    "PC attended and spoke to the complainant.",
    "IR created.",
    "Officers on scene within ten minutes.",
    "Report via 101.",
)
AFTER = (
    "Statement obtained.",
    "CCTV enquiries to be completed.",
    "House-to-house negative.",
    "DASH completed, graded standard.",
    "DASH risk assessment graded medium.",
    "Safeguarding advice given.",
    "Crime reference number provided.",
    "Body worn video reviewed.",
    "No injuries reported.",
    "Photos of the scene taken.",
    "Screenshots retained as evidence.",
    "OIC to review.",
    "Words of advice given.",
    "Referral made to victim services.",
    "Suspect not yet spoken to.",
    "Enquiries ongoing.",
    "IP wishes to support police action.",
    "Forensics requested.",
    "Neighbour spoken to, saw nothing.",
    "Risk assessed as low.",
)


def main() -> None:
    rng = random.Random(17)
    rows: list[dict[str, str]] = []
    for source in SOURCES:
        with open(CORPUS / f"{source}.jsonl", encoding="utf-8") as lines:
            rows += [json.loads(line) for line in lines]
    with open(CORPUS / "dev_boilerplate.jsonl", "w", encoding="utf-8") as out:
        for number, row in enumerate(rows + rows, 1):
            text = row["text"]
            shape = rng.randrange(3)
            if shape != 1:
                text = f"{rng.choice(BEFORE)} {text}"
            if shape != 0:
                text = f"{text.rstrip()}{'' if text.rstrip().endswith('.') else '.'} "
                text += " ".join(rng.sample(AFTER, rng.randint(1, 2)))
            record = {"id": f"b{number:04d}", "label": row["label"], "family": row["family"]}
            record["text"] = text
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
