"""The package's shape: one import root, layers that import only downwards, no import cycles.

The repository's top-level folders are mapped into the `jiandu` namespace at install time, so
the import graph is read from an installed wheel, not from the working tree.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

BIN = Path(sys.executable).parent
CYCLES = """
import grimp, networkx as nx
graph = grimp.build_graph("jiandu")
imports = nx.DiGraph()
for module in graph.modules:
    imports.add_node(module)
    imports.add_edges_from((module, other) for other in graph.find_modules_directly_imported_by(module))
print(len(imports), [sorted(c) for c in nx.strongly_connected_components(imports) if len(c) > 1])
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, list[str]]:
    """The wheel `pip install .` would install, installed without dependencies into a fresh venv:
    (the venv's python, its site-packages, the wheel's file names)."""
    tmp = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", ROOT],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = (tmp / "dist").glob("jiandu-*.whl")
    venv.create(tmp / "venv", with_pip=True)
    python = tmp / "venv" / "bin" / "python"
    done = subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", wheel], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    (site,) = (tmp / "venv" / "lib").glob("python*/site-packages")
    return python, site, zipfile.ZipFile(wheel).namelist()


def test_the_wheel_holds_only_jiandu_and_its_data(installed):
    _, _, names = installed
    assert {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")} == {"jiandu"}
    for wanted in ("jiandu/graph/ontology.yaml", "jiandu/queries/audit_gaps.cypher", "jiandu/cli/__init__.py",
                   "jiandu/views/model.py", "jiandu/ingest/samples/Leader.csv", "jiandu/ingest/samples/_planted.json",
                   "jiandu/ingest/sample_reports/北州区住建系统案件通报.txt"):
        assert wanted in names, wanted


def test_only_jiandu_is_importable_after_install(installed, tmp_path):
    python, _, _ = installed
    # installed without dependencies: packages are found, not imported (their modules need yaml, fastapi …)
    probe = ("import importlib.util as u, jiandu.graph\n"
             "assert all(u.find_spec('jiandu.' + n) for n in ('graph', 'api', 'ingest', 'queries', 'visualizations',"
             " 'views', 'cli'))\n"
             "print([n for n in ('graph', 'api', 'ingest', 'queries', 'visualizations', 'views', 'cli')"
             " if u.find_spec(n) is not None])\n")
    seen = subprocess.run([python, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert seen.returncode == 0, seen.stderr[-2000:]
    assert seen.stdout.strip() == "[]"


def _with_installed(site: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(site)}


def test_layers_import_only_downwards(installed, tmp_path):
    _, site, _ = installed
    done = subprocess.run([BIN / "lint-imports", "--no-cache", "--config", ROOT / "pyproject.toml"], cwd=tmp_path,
                          env=_with_installed(site), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 kept, 0 broken" in done.stdout


def test_no_module_imports_itself_through_others(installed, tmp_path):
    _, site, _ = installed
    done = subprocess.run([sys.executable, "-c", CYCLES], cwd=tmp_path, env=_with_installed(site),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    modules, cycles = done.stdout.split(" ", 1)
    assert int(modules) > 60 and cycles.strip() == "[]", cycles
