"""The package as a user installs it: the wheel, in a clean environment with only numpy."""

import shutil
import subprocess
import sys
import sysconfig
import textwrap
import venv
import zipfile
from pathlib import Path

from conftest import ROOT

CHECK = textwrap.dedent(
    """
    import importlib.metadata as metadata
    import sys

    import tconv_lib as tl

    assert tl.__file__.startswith(sys.prefix), tl.__file__  # the installed copy
    assert tl.__version__ == metadata.version("tconv-lib")
    y = tl.conv_transpose([[[[0., 1.], [2., 3.]]]], [[[[0., 1.], [2., 3.]]]])
    assert y.tolist() == [[[[0, 0, 1], [0, 4, 6], [4, 12, 9]]]]
    assert tl.conv_matrix([[[1., 2.]]], 3).tolist() == [[1, 2, 0], [0, 1, 2]]
    try:
        tl.conv_matrix([[[1., 2.]]], 3, sparse=True)
    except ImportError as error:
        assert "tconv-lib[sparse]" in str(error), error
    else:
        raise AssertionError("scipy should not be installed here")
    meta = metadata.metadata("tconv-lib")
    assert meta["License-Expression"] == "MIT", meta["License-Expression"]
    assert any(str(f).endswith("licenses/LICENSE") for f in metadata.files("tconv-lib"))
    print(sorted(metadata.requires("tconv-lib")))
    """
)


def test_the_wheel_installs_and_imports_with_only_numpy(tmp_path):
    # Build from a copy of exactly what the wheel needs, so the source tree stays clean
    # and nothing outside these files can leak in.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "tconv_lib", source / "tconv_lib", ignore=ignore)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    # --no-build-isolation: build with this environment's setuptools. With isolation pip
    # would download setuptools into a fresh build environment, and the tests run offline.
    build = pip + [
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        tmp_path,
        source,
    ]
    subprocess.run(build, check=True, capture_output=True, text=True)
    (wheel,) = tmp_path.glob("tconv_lib-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    # Package discovery ships the subpackages (tconv_lib.viz), and nothing but tconv_lib.
    assert "tconv_lib/viz/__init__.py" in names, names
    assert "tconv_lib/__init__.py" in names, names
    packaged = {name.split("/")[0] for name in names}
    assert packaged <= {
        "tconv_lib",
        wheel.name.split("-")[0]
        + "-"
        + wheel.name.split("-")[1]
        + ".dist-info",
    }, packaged
    assert not any("test" in name.split("/")[-1] for name in names), names

    # A venv without pip; numpy is linked in from this environment, nothing else.
    env_dir = tmp_path / "clean"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [
            python,
            "-c",
            "import sysconfig; print(sysconfig.get_path('purelib'))",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    here = Path(sysconfig.get_path("purelib"))
    for name in (
        "numpy",
        "numpy.libs",
    ):  # numpy.libs: its bundled BLAS, where it has one
        if (here / name).exists():
            (Path(site) / name).symlink_to(here / name)
    install = pip + [
        "install",
        "--no-deps",
        "--no-compile",
        "--target",
        site,
        wheel,
    ]
    subprocess.run(install, check=True, capture_output=True, text=True)

    run = subprocess.run(
        [python, "-I", "-c", CHECK],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    requires = run.stdout.strip()
    assert "'numpy>=1.26'" in requires and 'extra == "sparse"' in requires, (
        requires
    )
    assert "matplotlib>=3.11" in requires, requires
