"""manage.py train_signal_model [--check] [--cross-validate]; docs/signals.md, The model."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.signals import training
from cases.signals.model import EMPTY_MODEL, MODEL_PATH
from cases.signals.narrative import NarrativeRule
from cases.signals.rules import narrative_rows


class Command(BaseCommand):
    help = (
        "Train the narrative model from the signal corpus's development files and the active "
        "phrase rows, and write it (deterministic: the same corpus and rows give the same file)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", type=Path, default=training.CORPUS)
        parser.add_argument("--output", type=Path, default=MODEL_PATH)
        parser.add_argument("--threshold", type=float, default=training.THRESHOLD)
        parser.add_argument(
            "--check", action="store_true", help="Fail if the file differs; write nothing."
        )
        parser.add_argument(
            "--cross-validate",
            action="store_true",
            help="Print recall and false-positive rate by threshold, out of fold; write nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The active phrase rows, split as the sweep reads them with a model (violence rows
        # apart); what a rule reads of them does not depend on the model's weights.
        rule = NarrativeRule.build(narrative_rows(), model=EMPTY_MODEL)
        if options["cross_validate"]:
            scored = training.cross_validate(rule, options["corpus"])
            positives = sum(stalking for _, stalking in scored)
            negatives = len(scored) - positives
            self.stdout.write(f"out of fold: {positives} stalking, {negatives} not")
            for threshold in (-0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0):
                found = sum(s > threshold and stalking for s, stalking in scored)
                alarms = sum(s > threshold and not stalking for s, stalking in scored)
                self.stdout.write(
                    f"threshold {threshold:+.2f}: recall {found / positives:.1%}, "
                    f"false-positive rate {alarms / negatives:.1%}"
                )
            return
        model = training.train(rule, options["corpus"], options["threshold"])
        text = model.to_json()
        output: Path = options["output"]
        if options["check"]:
            current = output.read_text(encoding="utf-8") if output.exists() else ""
            if current != text:
                raise CommandError(f"{output} is not what the corpus and phrases train.")
            self.stdout.write(f"{output} is up to date.")
            return
        output.write_text(text, encoding="utf-8")
        self.stdout.write(
            f"Wrote {output}: {len(model.words)} word weights, {len(model.rule)} rule features, "
            f"trained on {sum(model.trained_on.values())} narratives."
        )
