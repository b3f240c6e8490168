#!/usr/bin/env python3
"""Mutation testing of the rules that matter (issue 8): a hand-rolled loop.

For each rule listed in TARGETS below, the script makes small wrong versions of the
code ("mutants": `<` for `<=`, `or` for `and`, a Q term or filter dropped, a day
count off by one, a guard forced, a refusal emptied...), one at a time, and runs the
tests that execute that code. A mutant the tests catch is *killed*; one they do not
catch has *survived*: either the tests miss a behaviour, or the mutant is equivalent
(it cannot change behaviour; EQUIVALENT below lists those and why).

Nothing in the working tree is ever changed: the project is copied to a scratch
directory (default /tmp/ccpor-mutants/src) and mutated there, one file at a time,
restored from the original bytes in a `finally` and checked by hash after every
mutant. Python writes no bytecode there (so a stale .pyc can never hide a mutant).

Which tests run for a mutant: the first run traces the whole suite once (a profiler
records which project functions each test calls, and how long each test takes), then
each mutant runs only the tests that call its function, quickest first (and first of
all the tests that killed the same function's earlier mutants), stopping at the first
failure (`-x`); pytest-django still runs transactional tests last. Module-level
constants run the tests of every function that names them. The trace is cached and
redone when the code or the tests change.

Usage (`make mutants` starts PostgreSQL and Redis as `make test` does):

    export TEST_DATABASE_URL=postgres://app:app@127.0.0.1:5432/app_mutants
    export TEST_CELERY_BROKER_URL=redis://127.0.0.1:6379/11
    make mutants                                  # every mutant (about 1.5 h)
    make mutants ARGS="--list --diff"             # list them, run nothing
    make mutants ARGS="--only health"             # ids containing "health"
    make mutants ARGS="--resume"                  # skip mutants already run
    make mutants ARGS="--exact --only 'checklists/health.py::health_for#10' \\
        --tests tests/checklists/test_health.py"  # one mutant against one file

Results: <workdir>/results.jsonl (one line per mutant) and a summary on stdout
(also <workdir>/summary.md). Survivors listed in EQUIVALENT are reported apart,
with the reason. Exit status 0 when every survivor is a known equivalent, else 1.
Not part of `make test`.
"""

from __future__ import annotations

import argparse
import ast
import copy
import difflib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# --- What to mutate ------------------------------------------------------------------
# (area, file, [function qualnames or module-level names]). A qualname is the
# function's dotted path in its module ("ChecklistItemQuerySet.overdue",
# "court_view.decorator.wrapped"); a module-level name is written "=NAME" and its
# integer constants (day counts) and tuple members are mutated. A function that only
# runs at import time (a decorator's set-up) names its tests after "@", since the
# trace cannot see which tests depend on it.
TARGETS: list[tuple[str, str, list[str]]] = [
    (
        "health rule",
        "checklists/health.py",
        [
            "health_for",
            "health_sql_conditions",
            "health_rank_sql",
            "health_is_sql",
            "=LATE_AFTER_DAYS",
        ],
    ),
    (
        "marks (60-day, 30-day, Go-Live)",
        "checklists/marks.py",
        ["marks_for", "next_mark", "next_mark_date_sql", "=MARKS", "=REMINDER_MARKS"],
    ),
    (
        "open / overdue / visible items",
        "checklists/models.py",
        [
            "OnboardingQuerySet.open",
            "Onboarding.is_open",
            "=ACTOR_FOR_ORGANISATION",
            "open_q",
            "overdue_q",
            "visible_items_q",
            "ChecklistItemQuerySet.open",
            "ChecklistItemQuerySet.overdue",
            "ChecklistItemQuerySet.visible_to",
            "ChecklistItem.is_open",
            "ChecklistItem.is_finished",
            "ChecklistItem.is_verified",
            "ChecklistItem.is_overdue_on",
        ],
    ),
    (
        "stored per-onboarding summary (counts the dashboard reads)",
        "checklists/services/summaries.py",
        ["summarise", "onboarding_summaries_refresh"],
    ),
    (
        "the portfolio: each court's current onboarding and its summary, joined",
        "dashboard/selectors.py",
        ["current_onboarding_q", "portfolio_base", "overdue_count"],
    ),
    (
        "membership and staff gate",
        "courts/access.py",
        [
            "signed_in",
            "is_ccpor_staff",
            "courts_for_user",
            "court_for_user",
            "membership_for",
            "allowed_methods@tests/test_access_matrix.py,tests/courts/test_access.py",
            "court_view.decorator.wrapped",
            "require",
            "ccpor_staff_required.wrapped",
        ],
    ),
    (
        "item access (organisation/actor, viewer, internal-only, closed onboarding)",
        "checklists/access.py",
        [
            "actor_for_user",
            "items_for_user",
            "item_for_user",
            "item_view.decorator.wrapped",
            "update_refusal",
            "can_update_item",
            "can_comment",
            "can_verify_item",
            "can_reopen_item",
            "can_manage_onboarding",
        ],
    ),
    (
        "item status (dependency refusal, stale version, reasons)",
        "checklists/services/items.py",
        ["item_set_status", "item_verify"],
    ),
    (
        "reminders: window, due, skip, digest",
        "reminders/selectors.py",
        [
            "=REMINDER_ROLES",
            "=_WIDEST",
            "=_LATEST_MARK",
            "onboardings_in_reminder_window",
            "reminders_due",
            "reminder_logs_open",
            "reminder_recipients",
            "reminder_items",
            "week_start",
            "digest_entries",
        ],
    ),
    (
        "outbox: claim, send, settle (every mail)",
        "notifications/outbox.py",
        [
            "=MAX_SEND_ATTEMPTS",
            "=CLAIM_TIMEOUT",
            "=OPEN",
            "retry_countdown",
            "is_open",
            "claimable",
            "claim",
            "held",
            "take",
            "settle",
            "settle_each",
            "attempt",
            "deliver",
        ],
    ),
    (
        "reminders: what is owed, and sent",
        "reminders/services.py",
        [
            "reminder_context",
            "reminders_send_due",
        ],
    ),
    (
        "reminders: the weekly digest",
        "reminders/digest.py",
        ["digest_send_weekly"],
    ),
    (
        "dashboard: portfolio and filters",
        "dashboard/selectors.py",
        [
            "PortfolioStatus.q",
            "PortfolioStatus.of",
            "=PortfolioStatus.ONBOARDING_STATUSES",
            "portfolio_base",
            "no_one_to_remind_q",
            "health_rank",
            "overdue_of",
            "portfolio_values",
            "health_q",
            "portfolio_courts",
            "_open_overdue_items",
            "portfolio_summary",
            "_summary_queryset",
            "=GO_LIVE_WINDOWS",
            "go_live_window_q",
            "overdue_items_across_courts",
        ],
    ),
    (
        "dashboard: portfolio and filters",
        "dashboard/filters.py",
        [
            "SortFilter.filter",
            "PortfolioFilter.filter_name",
            "PortfolioFilter.filter_status",
            "PortfolioFilter.filter_phase",
            "PortfolioFilter.filter_health",
            "PortfolioFilter.filter_reach",
            "PortfolioFilter.filter_window",
            "PortfolioFilter.filter_queryset",
            "PortfolioFilter.sort_params",
        ],
    ),
    (
        "CSV exports (honour the filters)",
        "dashboard/exports.py",
        ["_if_open", "portfolio_line", "portfolio_csv", "items_line", "items_csv"],
    ),
    (
        "CSV exports (honour the filters)",
        "dashboard/presenters.py",
        [
            "PortfolioRow.status_label",
            "PortfolioRow.is_open",
            "PortfolioRow.phase_label",
            "portfolio_rows",
        ],
    ),
    (
        "CSV exports (honour the filters)",
        "dashboard/views/exports.py",
        ["export_portfolio", "export_items"],
    ),
]

# Project packages whose functions the trace records (for module-level constants,
# whose mutants run the tests of every function naming them, wherever it lives).
PROJECT_DIRS = ["accounts", "courts", "checklists", "reminders", "dashboard", "portal"]

# Survivors that cannot change what the product does, with the reason (see
# docs/testing.md, "Mutation testing"). Keyed by mutant id and checked against its
# description, so that an edit which renumbers a function's mutants does not silently
# excuse a different one (all_mutants fails loudly instead).
EQUIVALENT: dict[str, tuple[str, str]] = {
    "courts/access.py::signed_in#5": (
        "operand 1 dropped",
        "`bool(user.is_active)` alone: an anonymous user's is_active is False and "
        "every real user is authenticated, so it answers the same.",
    ),
    "courts/access.py::ccpor_staff_required.wrapped#4": (
        "2 → 3",
        "Only `len(own) == 1` is asked: the first two or three of a member's courts "
        "have one element exactly when the member has one court.",
    ),
    "courts/access.py::ccpor_staff_required.wrapped#12": (
        "0 → -1",
        "`own[-1]` is read only when `own` has one element: the same court.",
    ),
    "checklists/services/items.py::item_set_status#60": (
        "condition → True",
        "An empty change reason is stored as '' instead of NULL; its one reader "
        "(checklists/selectors.py, `history_change_reason or ''`) makes both ''.",
    ),
    "checklists/marks.py::REMINDER_MARKS#6": (
        "0 → 1",
        "Marks more than 1 day before Go-Live instead of more than 0: no mark "
        "falls between, so still the 60-day and 30-day marks.",
    ),
    "reminders/selectors.py::_LATEST_MARK#5": (
        "1 → 0",
        "The earliest-named reminder mark instead of the one with fewest days: "
        "'30-day' sorts before '60-day' either way.",
    ),
    "reminders/selectors.py::reminder_logs_open#1": (
        "statement removed",
        "`due = list(due)` only guards against a one-shot iterator; both callers "
        "pass a list.",
    ),
    "reminders/selectors.py::reminder_logs_open#3": (
        "condition → False",
        "With no reminders the filter is `onboarding_id__in=set()`, which Django "
        "answers with no rows and no query: the same empty dict.",
    ),
    "reminders/services.py::reminders_send_due#34": (
        "condition → True",
        "Without the `if stale_skips:` guard the update runs on `pk__in=[]`, "
        "which changes no row.",
    ),
    "reminders/selectors.py::digest_entries#7": (
        "`onboarding__court_id__in=` dropped from filter()",
        "The overdue items are only looked up by the (court, actor) of each "
        "person's memberships: reading other courts' items too changes nothing "
        "but the work done.",
    ),
    "reminders/selectors.py::digest_entries#10": (
        "`actor__in=` dropped from filter()",
        "As above: CCPOR Team and DOJ items are read but never looked up (no "
        "member organisation answers for them).",
    ),
    "dashboard/selectors.py::portfolio_courts#3": (
        "1 → 2",
        "Never-started courts rank 6 instead of 5: still after every other rank (1-4).",
    ),
    "dashboard/filters.py::SortFilter.filter#3": (
        "operand 2 dropped",
        "Without `or [DEFAULT_SORT]` no sort key is added, and the trailing "
        "`order_by(..., 'name', 'pk')` gives the default order (by court name) "
        "anyway.",
    ),
    "dashboard/filters.py::PortfolioFilter.filter_queryset#3": (
        "condition → False",
        "An unreadable sort left unsorted falls back to Court.Meta.ordering "
        "(name, unique): the same rows in the same order.",
    ),
}

# --- Mutants -------------------------------------------------------------------------

COMPARE_FLIPS = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
OP_SYMBOLS = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.And: "and",
    ast.Or: "or",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.Add: "+",
    ast.Sub: "-",
}
LOOKUP_FLIPS = {"__lt": "__lte", "__lte": "__lt", "__gt": "__gte", "__gte": "__gt"}
NAME_SWAPS = {"Min": "Max", "Max": "Min", "min": "max", "max": "min", "any": "all"}
QUERY_METHODS = {"filter", "exclude"}  # calls whose clauses are dropped one by one
KWARG_DROP_CALLS = {"filter", "exclude", "Q", "update", "get"}


@dataclass
class Mutant:
    id: str
    area: str
    file: str
    target: str
    function: str  # qualname of the innermost function holding it ("" at module level)
    line: int
    op: str
    description: str
    diff: str = ""
    tests: str = ""  # explicit tests ("@..." in TARGETS), else from the trace
    new_source: str = field(default="", repr=False)


def _line_offsets(data: bytes) -> list[int]:
    offsets = [0]
    for i, byte in enumerate(data):
        if byte == 0x0A:
            offsets.append(i + 1)
    return offsets


class Source:
    """One file's bytes, and byte positions of its AST nodes (col_offset is UTF-8)."""

    def __init__(self, path: Path):
        self.path = path
        self.data = path.read_bytes()
        self.text = self.data.decode()
        self.tree = ast.parse(self.text)
        self.offsets = _line_offsets(self.data)

    def span(self, node) -> tuple[int, int]:
        start = self.offsets[node.lineno - 1] + node.col_offset
        end = self.offsets[node.end_lineno - 1] + node.end_col_offset
        return start, end

    def segment(self, node) -> str:
        start, end = self.span(node)
        return self.data[start:end].decode()

    def replace(self, node, text: str) -> bytes:
        start, end = self.span(node)
        return self.data[:start] + text.encode() + self.data[end:]

    def insert_line_before(self, node, line: str) -> bytes:
        start = self.offsets[node.lineno - 1]
        indent = " " * node.col_offset
        return self.data[:start] + f"{indent}{line}\n".encode() + self.data[start:]


def _qualnames(tree: ast.Module) -> dict[str, ast.AST]:
    """Dotted name -> FunctionDef/ClassDef/Assign node, for every def and class, and
    for module-level and class-level assignments ("=NAME", "=Class.NAME")."""
    found: dict[str, ast.AST] = {}

    def visit(body, prefix):
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{node.name}"
                found[name] = node
                visit(node.body, name + ".")
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = (
                    node.targets if isinstance(node, ast.Assign) else [node.target]
                )
                for target in targets:
                    if isinstance(target, ast.Name):
                        found[f"={prefix}{target.id}"] = node

    visit(tree.body, "")
    return found


def _code_qualname(dotted: str, tree: ast.Module) -> str:
    """ "court_view.decorator.wrapped" -> "court_view.<locals>.decorator.<locals>.
    wrapped" (as code objects name themselves); classes add no <locals>."""
    parts = dotted.split(".")
    names = _qualnames(tree)
    out = []
    for i, part in enumerate(parts):
        out.append(part)
        node = names[".".join(parts[: i + 1])]
        if i < len(parts) - 1 and isinstance(node, ast.FunctionDef):
            out.append("<locals>")
    return ".".join(out)


def _is_docstring(stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _unparse(node) -> str:
    text = ast.unparse(node)
    return f"({text})" if isinstance(node, ast.expr) else text


def _returns(function) -> str:
    return ast.unparse(function.returns) if function.returns is not None else ""


class Mutator:
    """Every mutant of one target (a function, or a module-level assignment)."""

    def __init__(self, source: Source, area: str, rel: str, target: str):
        self.source = source
        self.area = area
        self.rel = rel
        self.target = target
        self.node = _qualnames(source.tree)[target]
        self.mutants: list[Mutant] = []
        self._function = self.function_name  # the function being walked
        # Statements alone in an `if` without else: removing one is the same mutant
        # as forcing the condition to False, so it is not made twice.
        self._sole_guarded: set[int] = set()
        self._parameters: set[str] = set()

    # Bookkeeping ----------------------------------------------------------------
    def add(self, node, new_text: str | None, op: str, description: str, *, new=None):
        """Record a mutant that replaces `node`'s text by `new_text` (or by the
        unparsed `new` node), or, with op "insert", a line before `node`."""
        if new is not None:
            new_text = _unparse(new)
        if op == "early return":
            data = self.source.insert_line_before(node, new_text)
        else:
            data = self.source.replace(node, new_text)
        text = data.decode()
        try:
            tree = ast.parse(text)
        except SyntaxError as exc:  # a bug in the mutator: say so, never run it
            raise RuntimeError(f"{self.rel}:{node.lineno} {op}: {exc}") from exc
        if ast.dump(tree) == ast.dump(self.source.tree):
            return  # the same program: not a mutant
        diff = "".join(
            difflib.unified_diff(
                self.source.text.splitlines(True),
                text.splitlines(True),
                n=0,
            )
        )
        diff = "\n".join(line for line in diff.splitlines()[2:] if line[:1] in "+-")
        self.mutants.append(
            Mutant(
                id="",
                area=self.area,
                file=self.rel,
                target=self.target,
                function=self._function,
                line=node.lineno,
                op=op,
                description=description,
                diff=diff,
                new_source=text,
            )
        )

    @property
    def function_name(self) -> str:
        return "" if self.target.startswith("=") else self.target

    # Walking ---------------------------------------------------------------------
    def run(self) -> list[Mutant]:
        node = self.node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self._parameters = {
                a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)
            }
            body = [s for s in node.body if not _is_docstring(s)]
            self._early_return(node, body)
            for stmt in body:
                self._walk(stmt, self.target, returns=_returns(node))
        else:  # a module-level constant
            self._walk_constant(node.value)
        for i, mutant in enumerate(self.mutants, 1):
            mutant.id = f"{self.rel}::{self.target.lstrip('=')}#{i}"
        return self.mutants

    def _walk(self, node, function: str, *, returns: str):
        """Mutate `node` and everything inside it, except nested defs' decorators,
        annotations, docstrings and f-string internals."""
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inner = f"{function}.{node.name}"
            for stmt in node.body:
                if not _is_docstring(stmt):
                    self._walk(stmt, inner, returns=_returns(node))
            return
        if isinstance(node, ast.ClassDef | ast.arguments):
            return
        self._function = function
        self._mutate(node, returns=returns)
        if isinstance(node, ast.JoinedStr):
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr_context):
                continue
            self._walk(child, function, returns=returns)

    def _walk_constant(self, node):
        for child in ast.walk(node):
            if isinstance(child, ast.Constant) and type(child.value) is int:
                self._int(child)
            elif isinstance(child, ast.Tuple) and len(child.elts) >= 2:
                # A member of a set of statuses/roles, dropped (not tuples that are
                # unpacked, such as GO_LIVE_WINDOWS's (label, from, to)).
                if all(isinstance(e, ast.Attribute | ast.Name) for e in child.elts):
                    self._drop_elements(child)
            elif isinstance(child, ast.Compare):
                self._compare(child)
            elif isinstance(child, ast.Dict):
                self._dict_values(child)
            elif isinstance(child, ast.Call) and isinstance(child.func, ast.Name):
                if child.func.id in NAME_SWAPS:
                    self._name_swap(child.func)

    # Operators -------------------------------------------------------------------
    def _mutate(self, node, *, returns: str):
        if isinstance(node, ast.Compare):
            self._compare(node)
        elif isinstance(node, ast.BoolOp):
            self._boolop(node)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            self.add(node, None, "not removed", "`not x` → `x`", new=node.operand)
        elif isinstance(node, ast.BinOp):
            self._binop(node)
        elif isinstance(node, ast.Constant):
            if type(node.value) is bool:
                new = ast.Constant(not node.value)
                self.add(
                    node, None, "bool", f"{node.value} → {not node.value}", new=new
                )
            elif type(node.value) is int:
                self._int(node)
            elif isinstance(node.value, str):
                self._lookup_string(node)
        elif isinstance(node, ast.JoinedStr):
            self._lookup_fstring(node)
        elif isinstance(node, ast.Call):
            self._call(node)
        elif isinstance(node, ast.Name) and node.id in NAME_SWAPS:
            self._name_swap(node)
        elif isinstance(node, ast.If | ast.IfExp):
            self._condition(node.test)
            if isinstance(node, ast.If) and len(node.body) == 1 and not node.orelse:
                self._sole_guarded.add(id(node.body[0]))
        elif isinstance(node, ast.Return) and node.value is not None:
            self._return(node, returns)
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.Raise):
            # Not a local variable's first binding (a NameError, not a mutant worth
            # running), nor a statement alone under an `if` (the guard forced False).
            names = [n for t in getattr(node, "targets", []) for n in ast.walk(t)]
            first_binding = (
                isinstance(node, ast.Assign)
                and all(isinstance(n, ast.Name | ast.Tuple | ast.Store) for n in names)
                and not {n.id for n in names if isinstance(n, ast.Name)}
                & self._parameters
            )
            if not first_binding and id(node) not in self._sole_guarded:
                self.add(node, "pass", "statement removed", "statement removed")
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            self.add(node, "pass", "statement removed", "call removed")

    def _compare(self, node: ast.Compare):
        for i, op in enumerate(node.ops):
            flip = COMPARE_FLIPS.get(type(op))
            if flip is None:
                continue
            new = copy.deepcopy(node)
            new.ops[i] = flip()
            self.add(
                node,
                None,
                "comparison",
                f"`{OP_SYMBOLS[type(op)]}` → `{OP_SYMBOLS[flip]}`",
                new=new,
            )
            if isinstance(op, ast.In | ast.NotIn):
                container = node.comparators[i]
                if isinstance(container, ast.Tuple | ast.List | ast.Set):
                    self._drop_elements(container)

    def _boolop(self, node: ast.BoolOp):
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        new = copy.deepcopy(node)
        new.op = other()
        self.add(
            node,
            None,
            "boolean",
            f"`{OP_SYMBOLS[type(node.op)]}` → `{OP_SYMBOLS[other]}`",
            new=new,
        )
        for i in range(len(node.values)):
            kept = [v for j, v in enumerate(node.values) if j != i]
            new = kept[0] if len(kept) == 1 else ast.BoolOp(op=node.op, values=kept)
            self.add(node, None, "clause dropped", f"operand {i + 1} dropped", new=new)

    def _binop(self, node: ast.BinOp):
        op = type(node.op)
        if op in (ast.BitAnd, ast.BitOr):  # Q objects
            other = ast.BitOr if op is ast.BitAnd else ast.BitAnd
            new = copy.deepcopy(node)
            new.op = other()
            self.add(
                node,
                None,
                "Q combination",
                f"`{OP_SYMBOLS[op]}` → `{OP_SYMBOLS[other]}`",
                new=new,
            )
            self.add(
                node, None, "clause dropped", "left Q term dropped", new=node.right
            )
            self.add(
                node, None, "clause dropped", "right Q term dropped", new=node.left
            )
        elif op in (ast.Add, ast.Sub):
            other = ast.Sub if op is ast.Add else ast.Add
            new = copy.deepcopy(node)
            new.op = other()
            self.add(
                node,
                None,
                "arithmetic",
                f"`{OP_SYMBOLS[op]}` → `{OP_SYMBOLS[other]}`",
                new=new,
            )

    def _int(self, node: ast.Constant):
        for delta in (1, -1):
            value = node.value + delta
            self.add(
                node,
                None,
                "constant",
                f"{node.value} → {value}",
                new=ast.Constant(value),
            )

    def _lookup_string(self, node: ast.Constant):
        for suffix, other in LOOKUP_FLIPS.items():
            if node.value.endswith(suffix):
                value = node.value[: -len(suffix)] + other
                self.add(
                    node,
                    None,
                    "lookup",
                    f"`{suffix}` → `{other}`",
                    new=ast.Constant(value),
                )
                return

    def _lookup_fstring(self, node: ast.JoinedStr):
        last = node.values[-1] if node.values else None
        if isinstance(last, ast.Constant) and isinstance(last.value, str):
            for suffix, other in LOOKUP_FLIPS.items():
                if last.value.endswith(suffix):
                    new = copy.deepcopy(node)
                    new.values[-1].value = last.value[: -len(suffix)] + other
                    self.add(node, None, "lookup", f"`{suffix}` → `{other}`", new=new)
                    return

    def _call(self, node: ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        for i, keyword in enumerate(node.keywords):
            if keyword.arg is None:
                if isinstance(keyword.value, ast.Dict) and name in KWARG_DROP_CALLS:
                    self._dict_values(keyword.value, any_values=True)
                continue
            for suffix, other in LOOKUP_FLIPS.items():
                if keyword.arg.endswith(suffix):
                    new = copy.deepcopy(node)
                    new.keywords[i].arg = keyword.arg[: -len(suffix)] + other
                    self.add(node, None, "lookup", f"`{suffix}` → `{other}`", new=new)
                    break
            if name in KWARG_DROP_CALLS and len(node.keywords) + len(node.args) > 1:
                new = copy.deepcopy(node)
                del new.keywords[i]
                self.add(
                    node,
                    None,
                    "clause dropped",
                    f"`{keyword.arg}=` dropped from {name}()",
                    new=new,
                )
            if keyword.arg.endswith("__in") and isinstance(
                keyword.value, ast.Tuple | ast.List | ast.Set
            ):
                self._drop_elements(keyword.value)
        if name in QUERY_METHODS and isinstance(func, ast.Attribute):
            if len(node.args) > 1:
                for i in range(len(node.args)):
                    new = copy.deepcopy(node)
                    del new.args[i]
                    self.add(
                        node,
                        None,
                        "clause dropped",
                        f"argument {i + 1} dropped from {name}()",
                        new=new,
                    )
            self.add(
                node, None, "clause dropped", f".{name}(...) removed", new=func.value
            )

    def _name_swap(self, node: ast.Name):
        other = NAME_SWAPS[node.id]
        self.add(node, other, "name", f"`{node.id}` → `{other}`")

    def _condition(self, test):
        for value in (True, False):
            self.add(
                test,
                None,
                "condition forced",
                f"condition → {value}",
                new=ast.Constant(value),
            )

    def _return(self, node: ast.Return, returns: str):
        value = node.value
        if returns == "bool":
            new = ast.Return(ast.UnaryOp(op=ast.Not(), operand=value))
            self.add(node, ast.unparse(new), "return", "return value negated")
        elif returns == "str" and isinstance(value, ast.Constant | ast.JoinedStr):
            if not (isinstance(value, ast.Constant) and value.value == ""):
                self.add(node, 'return ""', "return", "refusal emptied")

    def _early_return(self, function, body):
        if not body:
            return
        returns = _returns(function)
        values = {"bool": ["True", "False"], "str": ['""'], "None": [""]}
        for value in values.get(returns, []):
            line = f"return {value}".rstrip()
            self.add(body[0], line, "early return", f"`{line}` first")

    def _drop_elements(self, container):
        if len(container.elts) < 2:
            return
        for i, element in enumerate(container.elts):
            new = copy.deepcopy(container)
            del new.elts[i]
            self.add(
                container,
                None,
                "member dropped",
                f"`{ast.unparse(element)}` dropped",
                new=new,
            )

    def _dict_values(self, node: ast.Dict, *, any_values: bool = False):
        """ACTOR_FOR_ORGANISATION-like maps, and `Q(**{...})` lookups: each entry
        dropped."""
        if len(node.keys) < 2 or any(k is None for k in node.keys):
            return
        if not any_values and not all(
            isinstance(v, ast.Attribute | ast.Name) for v in node.values
        ):
            return
        for i, key in enumerate(node.keys):
            new = copy.deepcopy(node)
            del new.keys[i]
            del new.values[i]
            self.add(
                node, None, "member dropped", f"`{ast.unparse(key)}` dropped", new=new
            )


def all_mutants(root: Path) -> list[Mutant]:
    mutants: list[Mutant] = []
    for area, rel, targets in TARGETS:
        source = Source(root / rel)
        for entry in targets:
            target, _, tests = entry.partition("@")
            for mutant in Mutator(source, area, rel, target).run():
                mutant.tests = tests
                mutants.append(mutant)
    for mutant in mutants:
        expected = EQUIVALENT.get(mutant.id, (mutant.description,))[0]
        if expected != mutant.description:
            raise RuntimeError(
                f"EQUIVALENT names {mutant.id} as {expected!r}, but it is now "
                f"{mutant.description!r}: review the list."
            )
    return mutants


# --- Tracing which tests call which function ------------------------------------------

PLUGIN = '''
"""Written by scripts/mutants.py into its scratch copy only."""
import json
import os
import sys
import threading
import time

import pytest

_TRACE = os.environ.get("MUTANTS_TRACE")
_SELECT = os.environ.get("MUTANTS_SELECT")
_ROOT = os.getcwd() + os.sep
_calls = {}
_durations = {}
_failed = []


def _profile(hits):
    def profile(frame, event, arg):
        if event == "call":
            code = frame.f_code
            name = code.co_filename
            if name.startswith(_ROOT) and "/tests/" not in name:
                hits.add((name[len(_ROOT):], code.co_qualname))
    return profile


if _TRACE:
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(item, nextitem):
        hits = set()
        profile = _profile(hits)
        sys.setprofile(profile)
        threading.setprofile(profile)
        started = time.monotonic()
        try:
            yield
        finally:
            sys.setprofile(None)
            threading.setprofile(None)
        _durations[item.nodeid] = time.monotonic() - started
        _calls[item.nodeid] = sorted(f"{f}::{q}" for f, q in hits)

    def pytest_runtest_logreport(report):
        if report.failed:
            _failed.append(report.nodeid)

    def pytest_sessionfinish(session, exitstatus):
        with open(_TRACE, "w") as out:
            json.dump(
                {"calls": _calls, "durations": _durations, "failed": _failed,
                 "exitstatus": int(exitstatus)},
                out,
            )

if _SELECT:
    def pytest_collection_modifyitems(session, config, items):
        with open(_SELECT) as f:
            order = {nodeid: i for i, nodeid in enumerate(json.load(f))}
        kept = [item for item in items if item.nodeid in order]
        deselected = [item for item in items if item.nodeid not in order]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
        kept.sort(key=lambda item: order[item.nodeid])
        items[:] = kept
        # pytest-django runs transactional tests last (they flush the database, and
        # the reference data with it); this hook runs after its own, so sort again
        # the same way (stable: the order above holds within each group).
        from pytest_django.plugin import (
            pytest_collection_modifyitems as django_order,
        )

        django_order(items)
'''


def tree_hash(root: Path) -> str:
    """The code and tests the trace depends on (not this script, nor the bench)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] in (".venv", ".git", "scripts", "bench"):
            continue
        if "__pycache__" in rel.parts:
            continue
        digest.update(str(rel).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "__pycache__",
    "*.pyc",
    ".pytest_cache",
    ".ruff_cache",
    "media",
    "staticfiles",
    "bench-results",
)


def make_scratch(workdir: Path) -> Path:
    """A fresh copy of the project (code and tests, no .git or .venv)."""
    src = workdir / "src"
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(ROOT, src, ignore=IGNORE)
    (src / "staticfiles").mkdir()
    (src / "_mutants_plugin.py").write_text(PLUGIN)
    return src


def child_env(**extra) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ccpor_onboard.settings.test",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '')}",
        **extra,
    }
    env.setdefault("TEST_DATABASE_URL", "postgres://app:app@127.0.0.1:5432/app")
    return env


def pytest_command(*args: str) -> list[str]:
    python = ROOT / ".venv" / "bin" / "python"
    return [
        str(python if python.exists() else sys.executable),
        "-m",
        "pytest",
        "-p",
        "_mutants_plugin",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "--reuse-db",
        "-q",
        *args,
    ]


def run(cmd, *, cwd: Path, env: dict, timeout: float | None, log: Path) -> int | None:
    """Run a command in its own process group; None if it ran out of time (then the
    whole group, and anything it started, is killed)."""
    with log.open("w") as out:
        process = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return None


def trace(workdir: Path, src: Path, *, force: bool) -> dict:
    """Which tests call which function, and how long each takes (cached)."""
    cache = workdir / "trace.json"
    current = tree_hash(ROOT)
    if cache.exists() and not force:
        data = json.loads(cache.read_text())
        if data.get("hash") == current:
            return data
    print("Tracing the whole suite once (which tests call which function)...")
    started = time.monotonic()
    out = workdir / "trace-raw.json"
    rc = run(
        # The browser journeys and the fault tests (their own servers on fixed
        # ports) are left out: the rules are reached by the unit and page tests.
        pytest_command(
            "-p",
            "no:randomly",
            "tests",
            "--ignore=tests/browser",
            "--ignore=tests/faults",
        ),
        cwd=src,
        env=child_env(MUTANTS_TRACE=str(out)),
        timeout=None,
        log=workdir / "trace.log",
    )
    data = json.loads(out.read_text())
    if rc != 0 or data["failed"]:
        sys.exit(
            f"The suite does not pass unmutated (exit {rc}; failed: "
            f"{data['failed'][:5]}); see {workdir / 'trace.log'}."
        )
    data["hash"] = current
    cache.write_text(json.dumps(data))
    print(f"  traced {len(data['calls'])} tests in {time.monotonic() - started:.0f} s")
    return data


def tests_for(mutant: Mutant, trace_data: dict, names_index: dict) -> list[str]:
    """The tests that call the mutated function (for a module-level constant: that
    call any project function naming it), quickest first."""
    calls, durations = trace_data["calls"], trace_data["durations"]
    if mutant.tests:
        prefixes = tuple(mutant.tests.split(","))
        chosen = [t for t in calls if t.startswith(prefixes)]
        return sorted(chosen, key=lambda t: (durations.get(t, 0), t))
    keys = set()
    if mutant.function:
        tree = ast.parse((ROOT / mutant.file).read_text())
        keys.add(f"{mutant.file}::{_code_qualname(mutant.function, tree)}")
    else:
        name = mutant.target.lstrip("=").split(".")[-1]
        keys |= names_index.get(name, set())
    selected = [t for t, hits in calls.items() if keys & set(hits)]
    return sorted(selected, key=lambda t: (durations.get(t, 0), t))


def _words(node) -> set[str]:
    """The names and attribute names used in `node`."""
    words = (getattr(n, "id", None) or getattr(n, "attr", None) for n in ast.walk(node))
    return {w for w in words if isinstance(w, str)}


def _mentions(rel: str, body, prefix: str, mentions: dict, derived: dict) -> None:
    """Fill `mentions` (name -> functions naming it) and `derived` (name ->
    module-level names built from it) from one module's `body`."""
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}{node.name}"
            for word in _words(node):
                mentions.setdefault(word, set()).add(f"{rel}::{name}")
            _mentions(rel, node.body, f"{name}.<locals>.", mentions, {})
        elif isinstance(node, ast.ClassDef):
            _mentions(rel, node.body, f"{prefix}{node.name}.", mentions, {})
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    for word in _words(node.value):
                        derived.setdefault(word, set()).add(target.id)


def names_index() -> dict[str, set[str]]:
    """Name -> every project function that mentions it ("file::code qualname"), with
    module-level names that depend on it followed through (REMINDER_MARKS ->
    _WIDEST -> onboardings_in_reminder_window)."""
    mentions: dict[str, set[str]] = {}
    derived: dict[str, set[str]] = {}
    for directory in PROJECT_DIRS:
        for path in sorted((ROOT / directory).rglob("*.py")):
            if "migrations" not in path.parts:
                tree = ast.parse(path.read_text())
                rel = str(path.relative_to(ROOT))
                _mentions(rel, tree.body, "", mentions, derived)
    index: dict[str, set[str]] = {}
    for name in set(mentions) | set(derived):
        seen, todo = set(), [name]
        while todo:
            word = todo.pop()
            if word not in seen:
                seen.add(word)
                todo.extend(derived.get(word, ()))
        index[name] = set().union(*(mentions.get(w, set()) for w in seen))
    return index


# --- The loop ----------------------------------------------------------------------


def run_mutant(
    mutant: Mutant, *, src: Path, workdir: Path, tests: list[str], trace_data: dict
) -> dict:
    path = src / mutant.file
    original = path.read_bytes()
    digest = hashlib.sha256(original).hexdigest()
    if trace_data is None:  # --tests: these paths, in pytest's order
        args, env, timeout = tests, child_env(), 3600
    else:
        select = workdir / "select.json"
        select.write_text(json.dumps(tests))
        args = sorted({t.split("::")[0] for t in tests})
        env = child_env(MUTANTS_SELECT=str(select))
        budget = sum(trace_data["durations"].get(t, 1) for t in tests)
        timeout = 120 + 4 * budget
    log = workdir / "last-mutant.log"
    started = time.monotonic()
    try:
        path.write_text(mutant.new_source)
        rc = run(
            pytest_command("-x", *args), cwd=src, env=env, timeout=timeout, log=log
        )
    finally:
        path.write_bytes(original)
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            sys.exit(f"Could not restore {path}: stopping.")
    if rc is None:
        outcome = "killed"
        how = f"timeout after {timeout:.0f} s"
    elif rc in (1, 2, 3):
        outcome = "killed"
        how = _first_failure(log.read_text()) or f"pytest exit {rc}"
    elif rc == 0:
        outcome = "survived"
        how = f"{len(tests)} tests passed"
    else:
        outcome = "error"
        how = f"pytest exit {rc}: {log.read_text()[-500:]}"
    killer = how.split()[1] if how.startswith(("FAILED ", "ERROR ")) else ""
    return {
        **{k: v for k, v in asdict(mutant).items() if k != "new_source"},
        "outcome": outcome,
        "how": how,
        "killer": killer,
        "tests": len(tests),
        "seconds": round(time.monotonic() - started, 1),
    }


def _first_failure(output: str) -> str:
    """pytest's first "FAILED tests/...::test" or "ERROR tests/...::test" summary
    line (not a captured log line such as "ERROR    django.request: ...")."""
    for line in output.splitlines():
        if re.match(r"(FAILED|ERROR) \S+::", line):
            return line[:300]
    return ""


def summarise(results: list[dict]) -> str:
    """Per area: mutants run, killed, survived as known equivalents (EQUIVALENT) and
    survived unexplained; then every survivor with its diff."""
    columns = ("ran", "killed", "equivalent", "survived")
    areas: dict[str, dict[str, int]] = {}
    for r in results:
        counts = areas.setdefault(r["area"], dict.fromkeys(columns, 0))
        counts["ran"] += 1
        if r["outcome"] == "survived" and r["id"] in EQUIVALENT:
            counts["equivalent"] += 1
        elif r["outcome"] in counts:
            counts[r["outcome"]] += 1
    lines = [
        "| Area | Mutants | Killed | Survived, equivalent | Survived, unexplained |",
        "|---|---:|---:|---:|---:|",
    ]
    for area, c in areas.items():
        lines.append(f"| {area} | " + " | ".join(str(c[k]) for k in columns) + " |")
    total = {k: sum(c[k] for c in areas.values()) for k in columns}
    lines.append(
        "| **Total** | " + " | ".join(f"**{total[k]}**" for k in columns) + " |"
    )
    errors = [r for r in results if r["outcome"] == "error"]
    if errors:
        lines.append(f"\n{len(errors)} mutants could not be run (see results.jsonl).")
    for title, wanted in [("Unexplained survivors", False), ("Equivalent", True)]:
        chosen = [
            r
            for r in results
            if r["outcome"] == "survived" and (r["id"] in EQUIVALENT) == wanted
        ]
        if not chosen:
            continue
        lines.append(f"\n{title}:\n")
        for r in chosen:
            why = f" {EQUIVALENT[r['id']][1]}" if wanted else f" ({r['how']})"
            lines.append(f"- `{r['id']}` line {r['line']}, {r['description']}.{why}")
            lines.append("  ```diff")
            lines.extend(f"  {line}" for line in r["diff"].splitlines())
            lines.append("  ```")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--workdir", default=Path(tempfile.gettempdir()) / "ccpor-mutants", type=Path
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="run mutants whose id contains this (repeatable)",
    )
    parser.add_argument(
        "--exact", action="store_true", help="--only names whole mutant ids"
    )
    parser.add_argument(
        "--only-file", type=Path, help="run the mutant ids listed in this file"
    )
    parser.add_argument("--list", action="store_true", help="list mutants and stop")
    parser.add_argument("--diff", action="store_true", help="with --list: show diffs")
    parser.add_argument(
        "--resume", action="store_true", help="skip mutants already in results.jsonl"
    )
    parser.add_argument("--retrace", action="store_true", help="trace the suite again")
    parser.add_argument(
        "--tests",
        action="append",
        default=[],
        help="run these test paths for every mutant instead of the traced ones "
        "(repeatable; no trace needed): to check that a new test kills a mutant",
    )
    args = parser.parse_args()

    mutants = all_mutants(ROOT)
    if args.only_file:
        args.only += args.only_file.read_text().split()
        args.exact = True
    if args.only and args.exact:
        mutants = [m for m in mutants if m.id in set(args.only)]
    elif args.only:
        mutants = [m for m in mutants if any(o in m.id for o in args.only)]
    if args.list:
        for m in mutants:
            print(f"{m.id:60} line {m.line:4}  {m.op:18} {m.description}")
            if args.diff:
                print("    " + m.diff.replace("\n", "\n    "))
        print(f"{len(mutants)} mutants")
        return 0

    workdir = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    results_path = workdir / "results.jsonl"
    done = {}
    if args.resume and results_path.exists():
        for line in results_path.read_text().splitlines():
            r = json.loads(line)
            done[r["id"]] = r
    elif results_path.exists() and not args.only:
        results_path.unlink()

    src = make_scratch(workdir)
    trace_data = None if args.tests else trace(workdir, src, force=args.retrace)
    index = names_index()
    results = []
    todo = [m for m in mutants if m.id not in done]
    print(f"{len(mutants)} mutants, {len(todo)} to run")
    started = time.monotonic()
    killers: dict[str, list[str]] = {}  # target -> tests that killed its mutants
    for n, mutant in enumerate(todo, 1):
        if args.tests:
            tests = args.tests
        else:
            tests = tests_for(mutant, trace_data, index)
        # The tests that killed this target's earlier mutants go first (newest first):
        # a mutant that they kill too then dies after one or two tests.
        history = [t for t in killers.get(mutant.target, []) if t in set(tests)]
        tests = history + [t for t in tests if t not in set(history)]
        if not tests:
            result = {
                **{k: v for k, v in asdict(mutant).items() if k != "new_source"},
                "outcome": "survived",
                "how": "no test calls this code",
                "tests": 0,
                "seconds": 0,
            }
        else:
            result = run_mutant(
                mutant, src=src, workdir=workdir, tests=tests, trace_data=trace_data
            )
        results.append(result)
        killer = result.get("killer")
        if killer:
            seen = killers.setdefault(mutant.target, [])
            if killer in seen:
                seen.remove(killer)
            seen.insert(0, killer)
        with results_path.open("a") as out:
            out.write(json.dumps(result) + "\n")
        mark = {"killed": ".", "survived": "S", "error": "E"}[result["outcome"]]
        print(
            f"[{n}/{len(todo)} {time.monotonic() - started:5.0f}s] {mark} {mutant.id} "
            f"line {mutant.line}: {mutant.description} ({result['tests']} tests, "
            f"{result['seconds']} s) {result['how']}",
            flush=True,
        )
    all_results = [*done.values(), *results] if args.resume else results
    summary = summarise(all_results)
    (workdir / "summary.md").write_text(summary + "\n")
    print()
    print(summary)
    unexplained = [
        r
        for r in all_results
        if r["outcome"] in ("survived", "error") and r["id"] not in EQUIVALENT
    ]
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
