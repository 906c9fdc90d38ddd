#!/usr/bin/env python3
"""Traceability matrix: every requirement of docs/requirements.md, its status, the code that names
it and the tests that prove it.

    python scripts/trace.py             the matrix, as text
    python scripts/trace.py --markdown  the matrix, as a markdown table
    python scripts/trace.py --check     exit 1 when an implemented requirement has no test naming it,
                                        or when code or tests name an ID the requirements do not define

Where it looks (standard library only, no Django):

- requirements: the rows `| ID | rule | status | where |` of docs/requirements.md; status is
  `implemented`, `planned` or `out of scope` (docs/requirements.md, Format);
- code: every top-level Python package of the repository except `tests/` (the apps and `config/`,
  found by their `__init__.py`, so nothing here knows an app's inner layout) and `templates/`;
  migrations excepted;
- tests: every `.py` file under `tests/`. A test function names an ID by its name (`test_org3_...`,
  `test_cal_3_...`, `test_occ1_occ2_...`) or by its text: docstring, comments, decorators, body
  (a docstring such as `REG-2: ...`); a test class's docstring names it for all of the class's tests. An ID written
  elsewhere in a test file (its module docstring, a helper) is listed, but does not count as a test.

In text an ID is PREFIX-NUMBER for the prefixes the requirements use; a range `EXAM-1..3` or
`ORG-2..ORG-8` names every ID in it.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = Path("docs") / "requirements.md"
STATUSES = ("implemented", "planned", "out of scope")
CODE_SUFFIXES = {".py", ".html", ".txt", ".json", ".md", ".xml", ".js", ".css", ".yml", ".yaml"}
SKIP_DIRS = {"migrations", "__pycache__", "node_modules"}
MAX_FILE_BYTES = 2_000_000
ROW = re.compile(r"^\s*\|\s*([A-Z][A-Z0-9]*-\d+)\s*\|")
MAX_RANGE = 50


@dataclass
class Requirement:
    id: str
    rule: str
    status: str
    where: str
    line: int


@dataclass
class Matrix:
    requirements: dict[str, Requirement]
    code: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # ID -> files
    tests: dict[str, set[tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(set)
    )  # ID -> (file, test)
    test_files: dict[str, set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )  # ID -> files naming it anywhere
    unknown: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # ID -> places


class RequirementsError(Exception):
    """docs/requirements.md cannot be read as the Format section describes."""


# --- Requirements -------------------------------------------------------------------------------


def parse_requirements(path: Path) -> dict[str, Requirement]:
    if not path.is_file():
        raise RequirementsError(f"{path}: not found")
    requirements: dict[str, Requirement] = {}
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = ROW.match(line)
        if not match:
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rid = match.group(1)
        if len(cells) != 4:
            problems.append(
                f"line {number}: {rid}: expected 4 cells | ID | rule | status | where |, found {len(cells)}"
            )
            continue
        _, rule, status, where = cells
        if status not in STATUSES:
            problems.append(f"line {number}: {rid}: status {status!r} is not one of {', '.join(STATUSES)}")
        elif status == "implemented" and where.strip("—- ") == "":
            problems.append(f"line {number}: {rid}: an implemented requirement says where it is implemented")
        if rid in requirements:
            problems.append(f"line {number}: {rid} is defined twice (first on line {requirements[rid].line})")
            continue
        requirements[rid] = Requirement(rid, rule, status, where, number)
    if not requirements and not problems:
        problems.append("no requirement rows (| ID | rule | status | where |) found")
    if problems:
        raise RequirementsError(f"{path}:\n  " + "\n  ".join(problems))
    return requirements


# --- Finding IDs -------------------------------------------------------------------------------


class IdFinder:
    """Finds the IDs of the requirements' prefixes in text and in test function names."""

    def __init__(self, prefixes):
        alternatives = "|".join(sorted(prefixes, key=len, reverse=True))
        # ORG-3, ORG-2..8, ORG-2..ORG-8 (a range names every ID in it).
        self.text = re.compile(rf"\b({alternatives})-(\d+)(?:\.\.(?:\1-)?(\d+))?\b")
        # test_org3_..., test_cal_3_..., test_occ1_occ2_...: at most two digits, between underscores.
        self.name = re.compile(rf"(?:^|_)({alternatives.lower()})_?(\d{{1,2}})(?=_|$)")

    def in_text(self, text: str):
        """(ID, line number) for every ID in the text."""
        for match in self.text.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            prefix, first = match.group(1), int(match.group(2))
            last = int(match.group(3)) if match.group(3) else first
            numbers = range(first, last + 1) if first <= last <= first + MAX_RANGE else (first, last)
            for number in numbers:
                yield f"{prefix}-{number}", line

    def in_name(self, name: str):
        for match in self.name.finditer(name.lower()):
            yield f"{match.group(1).upper()}-{int(match.group(2))}"


def read(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def walk(directory: Path, suffixes):
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if any(part in SKIP_DIRS or part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and path.suffix in suffixes:
            yield path


def code_dirs(root: Path) -> list[Path]:
    """The apps and config/ (every top-level package but tests/), and templates/."""
    dirs = [
        child
        for child in sorted(root.iterdir())
        if child.is_dir()
        and not child.name.startswith(".")
        and child.name != "tests"
        and (child / "__init__.py").is_file()
    ]
    if (root / "templates").is_dir():
        dirs.append(root / "templates")
    return dirs


def test_functions(tree: ast.AST):
    """(test function, its class or None) for every test function of a module, methods included."""

    def visit(body, cls):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                yield node, cls
            elif isinstance(node, ast.ClassDef):
                yield from visit(node.body, node)

    yield from visit(getattr(tree, "body", []), None)


def build(root: Path, requirements_path: Path | None = None) -> Matrix:
    requirements = parse_requirements(requirements_path or root / REQUIREMENTS)
    matrix = Matrix(requirements)
    finder = IdFinder({rid.split("-")[0] for rid in requirements})

    def note(rid, place, where_known):
        if rid in requirements:
            where_known[rid].add(place[0] if isinstance(place, tuple) else place)
        else:
            matrix.unknown[rid].add(place[1] if isinstance(place, tuple) else place)

    for directory in code_dirs(root):
        for path in walk(directory, CODE_SUFFIXES):
            text = read(path)
            if not text:
                continue
            name = path.relative_to(root).as_posix()
            for rid, line in finder.in_text(text):
                note(rid, (name, f"{name}:{line}"), matrix.code)

    tests_dir = root / "tests"
    if tests_dir.is_dir():
        for path in walk(tests_dir, {".py"}):
            text = read(path)
            if not text:
                continue
            name = path.relative_to(root).as_posix()
            for rid, line in finder.in_text(text):
                note(rid, (name, f"{name}:{line}"), matrix.test_files)
            try:
                tree = ast.parse(text)
            except SyntaxError:
                continue  # its IDs are still listed above; pytest reports the error
            lines = text.splitlines()
            for node, cls in test_functions(tree):
                ids = set(finder.in_name(node.name))
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                ids.update(rid for rid, _ in finder.in_text("\n".join(lines[first - 1 : node.end_lineno])))
                if cls is not None:
                    ids.update(rid for rid, _ in finder.in_text(ast.get_docstring(cls) or ""))
                    test = f"{cls.name}::{node.name}"
                else:
                    test = node.name
                for rid in ids:
                    if rid in requirements:
                        matrix.tests[rid].add((name, test))
                        matrix.test_files[rid].add(name)
                    else:
                        matrix.unknown[rid].add(f"{name}::{test}")
    return matrix


# --- Output ----------------------------------------------------------------------------------------


def grouped_tests(matrix: Matrix, rid: str) -> list[tuple[str, list[str]]]:
    by_file = defaultdict(list)
    for file, test in sorted(matrix.tests.get(rid, ())):
        by_file[file].append(test)
    for file in sorted(matrix.test_files.get(rid, ())):
        by_file.setdefault(file, [])  # named in the file, by no test
    return sorted(by_file.items())


def summary(matrix: Matrix) -> str:
    counts = dict.fromkeys(STATUSES, 0)
    for requirement in matrix.requirements.values():
        counts[requirement.status] += 1
    return f"{len(matrix.requirements)} requirements: " + ", ".join(f"{n} {s}" for s, n in counts.items())


def as_text(matrix: Matrix) -> str:
    out = [f"Traceability matrix ({summary(matrix)})", ""]
    for rid, requirement in matrix.requirements.items():
        out.append(f"{rid}  [{requirement.status}]  {requirement.where}")
        code = sorted(matrix.code.get(rid, ()))
        out.append(f"    code:  {', '.join(code) if code else '-'}")
        groups = grouped_tests(matrix, rid)
        if not groups:
            out.append("    tests: -")
        for index, (file, tests) in enumerate(groups):
            label = "    tests: " if index == 0 else "           "
            out.append(f"{label}{file}: {', '.join(tests) if tests else '(named in the file, by no test)'}")
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown(matrix: Matrix) -> str:
    out = [
        f"<!-- {summary(matrix)}; made by scripts/trace.py --markdown -->",
        "",
        "| ID | status | code | tests |",
        "|---|---|---|---|",
    ]
    for rid, requirement in matrix.requirements.items():
        code = "<br>".join(f"`{file}`" for file in sorted(matrix.code.get(rid, ()))) or "—"
        tests = (
            "<br>".join(
                f"`{file}`: " + (", ".join(f"`{test}`" for test in names) if names else "(file only)")
                for file, names in grouped_tests(matrix, rid)
            )
            or "—"
        )
        out.append(f"| {rid} | {requirement.status} | {_cell(code)} | {_cell(tests)} |")
    return "\n".join(out)


def problems(matrix: Matrix) -> list[str]:
    found = []
    untested = [
        requirement
        for rid, requirement in matrix.requirements.items()
        if requirement.status == "implemented" and not matrix.tests.get(rid)
    ]
    if untested:
        found.append(
            "Implemented requirements that no test names (put the ID in a test's name, e.g. "
            'test_org3_..., or in its docstring, e.g. """ORG-3: ..."""):'
        )
        found.extend(f"  {r.id}: {r.rule[:90]}{'…' if len(r.rule) > 90 else ''}" for r in untested)
    if matrix.unknown:
        found.append(f"IDs named in code or tests that {REQUIREMENTS.as_posix()} does not define:")
        for rid in sorted(matrix.unknown, key=_order):
            places = sorted(matrix.unknown[rid])
            more = f" and {len(places) - 5} more" if len(places) > 5 else ""
            found.append(f"  {rid}: {', '.join(places[:5])}{more}")
    return found


def _order(rid: str):
    prefix, number = rid.rsplit("-", 1)
    return prefix, int(number)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="fail on an untested implemented requirement or an unknown ID"
    )
    parser.add_argument("--markdown", action="store_true", help="print the matrix as a markdown table")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this one)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        matrix = build(root)
    except RequirementsError as exc:
        print(f"trace: {exc}", file=sys.stderr)
        return 2
    if args.markdown:
        print(as_markdown(matrix))
    elif not args.check:
        print(as_text(matrix))
    if args.check:
        found = problems(matrix)
        if found:
            print("trace --check: FAILED", file=sys.stderr)
            print("\n".join(found), file=sys.stderr)
            return 1
        implemented = sum(r.status == "implemented" for r in matrix.requirements.values())
        print(
            f"trace --check: OK ({summary(matrix)}); every implemented requirement ({implemented}) "
            "has a test naming it; code and tests name no undefined ID"
        )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `trace.py | head`: the reader has seen enough
        sys.stderr.close()
        sys.exit(0)
