"""Set the course's public repository URL: the one setting behind every link to the repository.

    python .ci/set_repository.py https://github.com/OWNER/REPO   # (make repository URL=...)
    python .ci/set_repository.py ""                              # unset: no buttons, no Colab cell
    python .ci/set_repository.py --check                         # exit 1 if the copies disagree

The URL is ``repository.url`` in _config.yml. Setting it also writes what depends on it, so that nothing
points at a repository that does not exist:

- _config.yml: the repository button (``html.use_repository_button``) and the Binder and Colab launch
  buttons (``launch_buttons.binderhub_url``, ``colab_url``) are on when the URL is set, off when it is not
  (Jupyter Book cannot draw them without a URL);
- _config.yml: ``ogp_site_url`` (the social cards' address of the website) is the GitHub Pages site of
  the repository, https://OWNER.github.io/REPO/, where .github/workflows/pages.yml publishes it; empty
  (relative links) when unset;
- CITATION.cff: ``repository-code`` is the URL, and absent when unset;
- every notebook in notebooks/: a first code cell (hidden on the website) that, in Google Colab only,
  installs tconv_lib from the repository when it is missing. Colab opens the notebook alone, so the
  notebook must carry the URL. Elsewhere the cell does nothing and prints nothing (nbval is unaffected).
  Inserting or removing it renumbers the stored execution counts, so the notebooks need no re-execution.

It edits only those lines and cells (others edit _config.yml too), and running it twice changes nothing.
Standard library only: it runs before the virtual environment exists.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "_config.yml"
CITATION = ROOT / "CITATION.cff"
NOTEBOOKS = ROOT / "notebooks"
GITHUB_URL = re.compile(
    r"https://github\.com/[\w.-]+/[\w.-]+"
)  # Colab opens notebooks from GitHub only
BINDER = "https://mybinder.org"
COLAB = "https://colab.research.google.com"
CELL_ID = "colab-install"
COLAB_TEST = '"google.colab" in sys.modules'


def colab_cell_source(url: str) -> list[str]:
    text = (
        "# Colab only: install the course's library (elsewhere it is installed).\n"
        "import importlib.util\n"
        "import sys\n"
        "\n"
        f'if {COLAB_TEST} and not importlib.util.find_spec("tconv_lib"):\n'
        f'    %pip install --quiet "tconv-lib @ git+{url}"'
    )
    return text.splitlines(keepends=True)


def colab_cell(url: str) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": CELL_ID,
        "metadata": {"tags": ["remove-cell"]},
        "outputs": [],
        "source": colab_cell_source(url),
    }


def _block(text: str, section: str) -> re.Match:
    """The lines of a top-level section of _config.yml, up to the next top-level key."""
    match = re.search(rf"^{section}:\n(?:(?:[ \t].*)?\n)*", text, re.M)
    if match is None:
        raise SystemExit(f"_config.yml has no '{section}:' section")
    return match


def _set_key(text: str, section: str, key: str, value: str) -> str:
    block = _block(text, section)
    pattern = re.compile(rf"^(  {key}:)[^\n#]*?(\s*#.*)?$", re.M)
    if not pattern.search(block.group()):
        raise SystemExit(
            f"_config.yml has no '{key}:' in its '{section}:' section"
        )
    edited = pattern.sub(
        lambda m: f"{m.group(1)} {value}{m.group(2) or ''}",
        block.group(),
        count=1,
    )
    return text[: block.start()] + edited + text[block.end() :]


def _get_key(text: str, section: str, key: str) -> str:
    match = re.search(
        rf"^  {key}:\s*([^\n#]*?)\s*(?:#.*)?$",
        _block(text, section).group(),
        re.M,
    )
    if match is None:
        raise SystemExit(
            f"_config.yml has no '{key}:' in its '{section}:' section"
        )
    return match.group(1).strip("\"'")


def repository_url() -> str:
    """The URL in _config.yml ('' when unset)."""
    return _get_key(CONFIG.read_text(encoding="utf-8"), "repository", "url")


def pages_url(url: str) -> str:
    """Where GitHub Pages serves the website of https://github.com/OWNER/REPO."""
    if not url:
        return ""
    owner, repo = url.removeprefix("https://github.com/").split("/")
    return f"https://{owner.lower()}.github.io/{repo}/"


def config_with(text: str, url: str) -> str:
    on = bool(url)
    text, found = re.subn(
        r"^(    ogp_site_url:)[^\n]*$",
        lambda m: f"{m.group(1)} {json.dumps(pages_url(url))}",
        text,
        flags=re.M,
    )
    if found != 1:
        raise SystemExit("_config.yml has no 'ogp_site_url:' in sphinx.config")
    text = _set_key(text, "repository", "url", json.dumps(url))
    text = _set_key(
        text,
        "launch_buttons",
        "binderhub_url",
        json.dumps(BINDER if on else ""),
    )
    text = _set_key(
        text, "launch_buttons", "colab_url", json.dumps(COLAB if on else "")
    )
    return _set_key(
        text, "html", "use_repository_button", "true" if on else "false"
    )


def citation_with(text: str, url: str) -> str:
    """CITATION.cff with ``repository-code`` set to the URL, or without it when unset."""
    text = re.sub(r"^repository-code:.*\n", "", text, flags=re.M)
    if not url:
        return text
    return re.sub(
        r"^(license:\n(?:  - .*\n)+)",
        lambda m: f"{m.group(1)}repository-code: {json.dumps(url)}\n",
        text,
        count=1,
        flags=re.M,
    )


def _is_colab_cell(cell: dict) -> bool:
    return cell["cell_type"] == "code" and COLAB_TEST in "".join(cell["source"])


def _renumber(nb: dict, shift: int) -> None:
    for cell in nb["cells"]:
        if (
            cell["cell_type"] == "code"
            and cell.get("execution_count") is not None
        ):
            cell["execution_count"] += shift
            for output in cell.get("outputs", []):
                if output.get("execution_count") is not None:
                    output["execution_count"] += shift


def notebook_with(nb: dict, url: str) -> dict:
    cells = nb["cells"]
    present = [i for i, cell in enumerate(cells) if _is_colab_cell(cell)]
    if url and present:
        cells[present[0]]["source"] = colab_cell_source(url)
    elif url:
        first_code = next(
            i for i, cell in enumerate(cells) if cell["cell_type"] == "code"
        )
        _renumber(nb, +1)
        cell = colab_cell(url)
        cell["execution_count"] = 1
        cells.insert(first_code, cell)
    elif present:
        del cells[present[0]]
        _renumber(nb, -1)
    return nb


def _dump(nb: dict) -> str:
    # the layout Jupyter writes, so that an unchanged notebook stays byte for byte the same
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def problems() -> list[str]:
    """Every file whose copy of the URL disagrees with _config.yml's repository.url (empty: consistent)."""
    url = repository_url()
    found = []
    config = CONFIG.read_text(encoding="utf-8")
    if config_with(config, url) != config:
        found.append(
            f"_config.yml: the buttons do not match repository.url {url!r}"
        )
    citation = CITATION.read_text(encoding="utf-8")
    if citation_with(citation, url) != citation:
        found.append(f"CITATION.cff: repository-code does not match {url!r}")
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        raw = path.read_text(encoding="utf-8")
        if _dump(notebook_with(json.loads(raw), url)) != raw:
            found.append(
                f"{path.relative_to(ROOT)}: its Colab cell does not match repository.url {url!r}"
            )
    return found


def set_repository(url: str) -> list[Path]:
    """Write the URL everywhere; return the files that changed."""
    url = url.strip().rstrip("/").removesuffix(".git")
    if url and not GITHUB_URL.fullmatch(url):
        raise SystemExit(
            f"the repository URL must be https://github.com/OWNER/REPO (or empty), not {url!r}"
        )
    changed = []
    config = CONFIG.read_text(encoding="utf-8")
    if config_with(config, url) != config:
        CONFIG.write_text(config_with(config, url), encoding="utf-8")
        changed.append(CONFIG)
    citation = CITATION.read_text(encoding="utf-8")
    if citation_with(citation, url) != citation:
        CITATION.write_text(citation_with(citation, url), encoding="utf-8")
        changed.append(CITATION)
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        raw = path.read_text(encoding="utf-8")
        new = _dump(notebook_with(json.loads(raw), url))
        if new != raw:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def main(args: list[str]) -> int:
    if args == ["--check"]:
        found = problems()
        print(
            "\n".join(found)
            if found
            else f"repository URL {repository_url()!r}: every copy agrees"
        )
        return 1 if found else 0
    if len(args) != 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    changed = set_repository(args[0])
    for path in changed:
        print(f"updated {path.relative_to(ROOT)}")
    print(
        f"repository URL {repository_url()!r}: {len(changed)} file(s) changed"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
