"""The signal engine: reasons to look at a crime log, found by rules an admin can change.

    from cases.signals import evaluate_logs
    result = evaluate_logs(log_ids=new_or_changed_ids, now=now)

See docs/signals.md for the rules and evaluate.py for how they run at scale.
"""

from cases.signals.evaluate import EvaluationResult, evaluate_logs

__all__ = ["EvaluationResult", "evaluate_logs"]
