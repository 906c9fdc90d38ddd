"""The shape of the house (docs/architecture.md): apps depend one way only,
appraisal ← registration ← exams ← certificates ← stats, and the core names no app to its right."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["appraisal", "registration", "exams", "certificates", "stats"]
RIGHT_OF_CORE = ORDER[1:]


def python_files(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", ORDER)
def test_imports_go_one_way(package):
    """No module of an app imports an app to its right (nor the wiring in config/)."""
    forbidden = set(ORDER[ORDER.index(package) + 1 :]) | {"config"}
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & forbidden)
        for path in python_files(package)
        if imported_packages(path) & forbidden
    }
    assert offenders == {}


def test_core_names_no_app_to_its_right():
    """No file of the core or of its templates names registration, exams, certificates or stats:
    no import, URL name, template path or command of theirs (domain words are fine)."""
    names = "|".join(RIGHT_OF_CORE)
    pattern = re.compile(
        rf"\b(?:from|import)\s+(?:{names})\b"  # imports
        rf"|[\"'](?:{names})[:./]"  # URL names, template paths, dotted paths in strings
        rf"|\bcall_command\(\s*[\"'](?:load_exam_demo|load_demo_applications|load_fee_schedule)"
    )
    files = [*ROOT.joinpath("appraisal").rglob("*.py"), *ROOT.joinpath("templates", "appraisal").rglob("*.html")]
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_the_pattern_would_catch_a_url_name_of_registration():
    """The check above is not vacuous: it recognises the ways the core used to name the apps."""
    names = "|".join(RIGHT_OF_CORE)
    pattern = re.compile(rf"\b(?:from|import)\s+(?:{names})\b|[\"'](?:{names})[:./]")
    assert pattern.search("""<a href="{% url 'registration:apply' %}">""")
    assert pattern.search("from exams.services import seated_guard")
    assert pattern.search("""{% include "certificates/_home.html" %}""")
    assert not pattern.search("registration_deadline(day, extension)")
