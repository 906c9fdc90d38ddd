"""scripts/trace.py, the traceability check CI runs (docs/requirements.md, Format): an implemented
requirement needs a test that names its ID, and code and tests name no ID the requirements do not
define. Tried on small repositories made in tmp_path, then on this one.

The small repositories use a made-up prefix, RULE: RULE-3 plays a rule of the notice, and a test
named test_rule3_... or with RULE-3 in its docstring plays one named after it. So this file names no
requirement of the real repository: its tests prove the script, not a rule of the notice, and must
not be counted as tests of one in the real matrix."""

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "trace.py"

_spec = importlib.util.spec_from_file_location("trace_script", SCRIPT)
trace = importlib.util.module_from_spec(_spec)
sys.modules["trace_script"] = trace  # dataclasses look their module up by name
_spec.loader.exec_module(trace)

REQUIREMENTS = """\
# Requirements

Prose, and an ID in prose (RULE-1), are not rows.

| ID | rule | status | where |
|---|---|---|---|
| RULE-1 | The centers form a tree. | implemented | core models |
| RULE-2 | Certificates are reported once per issuance. | planned | certificates app |
| RULE-3 | A city center appraises level 3 for its region. | implemented | core authority engine |
| RULE-4 | Government institutions' workers. | out of scope | — |
"""


def make_repo(tmp_path: Path, files: dict[str, str], requirements: str = REQUIREMENTS) -> Path:
    """A small repository: docs/requirements.md, a core app, a tests/ folder, plus `files`."""
    tree = {
        "docs/requirements.md": requirements,
        "core/__init__.py": "",
        "core/models.py": '"""The centers (RULE-1) and the authority engine (RULE-3)."""\n',
        "tests/__init__.py": "",
        "tests/test_core.py": "def test_rule1_the_tree():\n    assert True\n",
        **files,
    }
    for name, text in tree.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def check(root: Path, capsys) -> tuple[int, str]:
    code = trace.main(["--root", str(root), "--check"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_an_implemented_id_without_a_test_fails_the_check(tmp_path, capsys):
    root = make_repo(tmp_path, {})
    code, output = check(root, capsys)
    assert code == 1
    assert "RULE-3" in output and "no test names" in output
    assert "RULE-1:" not in output  # test_rule1_the_tree names it


def test_a_test_named_after_the_id_counts(tmp_path, capsys):
    root = make_repo(
        tmp_path, {"tests/test_authority.py": "def test_rule3_city_level3_for_region():\n    pass\n"}
    )
    assert check(root, capsys)[0] == 0
    assert trace.build(root).tests["RULE-3"] == {
        ("tests/test_authority.py", "test_rule3_city_level3_for_region")
    }


@pytest.mark.parametrize(
    "source",
    [
        'def test_city_level3_for_region():\n    """RULE-3: a city appraises level 3 for its region."""\n',
        "def test_city_level3_for_region():\n    # RULE-3, to the letter\n    pass\n",
        'class TestCity:\n    """RULE-3"""\n\n    def test_level3_for_region(self):\n        pass\n',
        'def test_subjects():\n    """RULE-2..3: a range names every ID in it."""\n',
        "def test_rule1_rule_3_city_level3():\n    pass\n",
    ],
    ids=["docstring", "comment", "class-docstring", "range", "name-with-underscore"],
)
def test_an_id_in_a_tests_docstring_comment_or_name_counts(tmp_path, capsys, source):
    root = make_repo(tmp_path, {"tests/test_authority.py": source})
    code, output = check(root, capsys)
    assert code == 0, output


def test_an_id_only_in_a_test_modules_docstring_does_not_count(tmp_path, capsys):
    root = make_repo(tmp_path, {"tests/test_authority.py": '"""RULE-3."""\n\n\ndef helper():\n    pass\n'})
    code, output = check(root, capsys)
    assert code == 1 and "RULE-3" in output
    assert "tests/test_authority.py" in trace.build(root).test_files["RULE-3"]  # still listed


def test_a_planned_id_without_tests_passes(tmp_path, capsys):
    root = make_repo(tmp_path, {"tests/test_authority.py": "def test_rule3_x():\n    pass\n"})
    code, output = check(root, capsys)
    assert code == 0, output
    assert not trace.build(root).tests.get("RULE-2")


@pytest.mark.parametrize(
    "files",
    [
        {"core/authority.py": "# RULE-9: the typo of a rule\n"},
        {"tests/test_authority.py": "def test_rule3_x():\n    pass\n\n\ndef test_rule9_typo():\n    pass\n"},
        {"tests/test_authority.py": 'def test_rule3_x():\n    """RULE-3, RULE-7."""\n'},
        {"templates/core/page.html": "<!-- RULE-3..9 -->\n"},
    ],
    ids=["in-code", "in-a-test-name", "in-a-test-docstring", "range-in-a-template"],
)
def test_an_unknown_id_fails_the_check(tmp_path, capsys, files):
    files = {"tests/test_authority.py": "def test_rule3_x():\n    pass\n", **files}
    root = make_repo(tmp_path, files)
    code, output = check(root, capsys)
    assert code == 1
    assert "does not define" in output
    assert "RULE-9" in output or "RULE-7" in output


def test_migrations_and_files_outside_the_packages_are_not_code(tmp_path, capsys):
    root = make_repo(
        tmp_path,
        {
            "tests/test_authority.py": "def test_rule3_x():\n    pass\n",
            "core/migrations/0001_initial.py": "# RULE-9\n",
            "scripts/notes.py": "# RULE-9\n",
            "README.md": "RULE-9\n",
        },
    )
    assert check(root, capsys)[0] == 0
    assert trace.build(root).code["RULE-1"] == {"core/models.py"}


def test_a_malformed_requirements_file_is_refused(tmp_path, capsys):
    bad = REQUIREMENTS.replace("| planned |", "| maybe |").replace("| RULE-3 |", "| RULE-1 |")
    root = make_repo(tmp_path, {}, requirements=bad)
    code, output = check(root, capsys)
    assert code == 2
    assert "'maybe' is not one of" in output and "RULE-1 is defined twice" in output


def test_markdown_is_one_row_per_requirement(tmp_path, capsys):
    root = make_repo(tmp_path, {"tests/test_authority.py": "def test_rule3_x():\n    pass\n"})
    assert trace.main(["--root", str(root), "--markdown"]) == 0
    rows = [
        line for line in capsys.readouterr().out.splitlines() if line.startswith("| ") and "---" not in line
    ]
    assert [row.split("|")[1].strip() for row in rows] == ["ID", "RULE-1", "RULE-2", "RULE-3", "RULE-4"]
    assert "`tests/test_authority.py`: `test_rule3_x`" in rows[3]


def test_the_check_passes_on_this_repository():
    """Every implemented requirement of docs/requirements.md has a test, and no file names an ID it
    does not define: the command scripts/test.sh runs."""
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "trace --check: OK" in result.stdout
