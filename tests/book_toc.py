"""Reading _toc.yml, shared by the notebook-hygiene and website tests."""

import yaml
from conftest import ROOT


def toc_files():
    """Every document of _toc.yml in reading order (root first), as paths without extension."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return files
