"""The rules layer: court orders, statutory deadlines and class definitions as versioned data (pure core).

Rule sets are TOML files (``reunify/rules/sets/*.toml`` ships the Ms. L. v. ICE
injunction and class definitions and the TVPRA transfer limits; a deployment
adds folders of its own).  ``load_rule_book`` reads and validates them,
``evaluate_separation`` judges one separation's plain facts against the rule
sets in force on a date (class membership, deadlines met / missed / open,
findings), and ``status_report`` turns evaluated separations into the tables a
court asks for, each figure with its definition.
"""

from reunify.rules.evaluation import (
    ContactEvent,
    DeadlineResult,
    Evaluation,
    JudicialFinding,
    Membership,
    RuleFinding,
    SeparationFacts,
    class_membership,
    evaluate_separation,
)
from reunify.rules.loader import (
    PACKAGED_DIR,
    Rule,
    RuleBook,
    RuleSet,
    RuleSetError,
    check_rule_sets,
    load_rule_book,
    parse_rule_set,
)
from reunify.rules.report import RENDERERS, StatusReport, status_report

__all__ = [
    "PACKAGED_DIR",
    "RENDERERS",
    "ContactEvent",
    "DeadlineResult",
    "Evaluation",
    "JudicialFinding",
    "Membership",
    "Rule",
    "RuleBook",
    "RuleFinding",
    "RuleSet",
    "RuleSetError",
    "SeparationFacts",
    "StatusReport",
    "check_rule_sets",
    "class_membership",
    "evaluate_separation",
    "load_rule_book",
    "parse_rule_set",
    "status_report",
]
