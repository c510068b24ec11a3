"""pip without an index, for the tests that install nb2post the way its users do (the GitHub Action's
virtualenv, pre-commit's hook environment): nb2post's dependencies, as this interpreter has them
installed, packed back into wheels, plus the setuptools/pip wheels virtualenv ships for the isolated build.

Those environments are made from the *base* interpreter (`python3 -m venv`, or virtualenv, run from a
venv still starts from the Python the venv was made from), so with `--system-site-packages` they see the
base's packages, not the test interpreter's. When the suite runs from a checkout whose Python has
everything installed, pip finds the dependencies already there; when it runs from a wheel installed into
a fresh venv (scripts/wheel_suite.sh), the base has nothing, and pip installs them from these wheels.
"""
from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from importlib import metadata
from pathlib import Path

# written by the installer, not part of a wheel (pip writes its own)
_INSTALLER_FILES = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


def requirement_closure(name: str, extras: tuple[str, ...] = ()) -> dict[str, metadata.Distribution]:
    """``name`` and every distribution it needs on this interpreter (markers evaluated here, extras
    followed), by canonical name; ``name`` itself included."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    found: dict[str, metadata.Distribution] = {}
    pending = [(name, extras)]
    seen: set[tuple[str, tuple[str, ...]]] = set()
    while pending:
        project, wanted = pending.pop()
        key = (canonicalize_name(project), tuple(sorted(wanted)))
        if key in seen:
            continue
        seen.add(key)
        distribution = metadata.distribution(project)
        found[key[0]] = distribution
        for line in distribution.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or any(requirement.marker.evaluate({"extra": extra}) for extra in ("", *wanted)):
                pending.append((requirement.name, tuple(requirement.extras)))
    return found


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _compressed_tag(tags: list[str]) -> str:
    """`cp313-cp313-manylinux_2_17_x86_64` and `...-manylinux2014_x86_64` -> one compressed tag set."""
    parts: list[list[str]] = [[], [], []]
    for tag in tags:
        for index, part in enumerate(tag.split("-")):
            if part not in parts[index]:
                parts[index].append(part)
    return "-".join(".".join(part) for part in parts)


def repack(distribution: metadata.Distribution, destination: Path) -> Path | None:
    """An installed distribution back as a wheel: its files as RECORD lists them (bytecode left out),
    files installed outside site-packages (nbconvert's templates under share/) as the wheel's data,
    console scripts left to pip to write again from entry_points.txt. None when it was not installed
    from a wheel (no RECORD or WHEEL, as with a Debian package): pip then finds it in the system's
    site-packages, or says which requirement it cannot satisfy."""
    files = distribution.files or []
    found = [entry for entry in files if len(entry.parts) == 2 and entry.parts[0].endswith(".dist-info") and entry.name == "WHEEL"]
    if not found:
        return None
    info = found[0].parent.as_posix()  # the .dist-info folder, relative to site-packages
    site = Path(distribution.locate_file("")).resolve()
    prefix = site.parents[2]  # <prefix>/lib/pythonX.Y/site-packages: where `../../../share/...` lands
    stem = info[: -len(".dist-info")]
    tags = re.findall(r"^Tag:\s*(\S+)", distribution.read_text("WHEEL") or "", flags=re.MULTILINE)
    if not tags:
        return None
    destination.mkdir(parents=True, exist_ok=True)
    target = destination / f"{stem}-{_compressed_tag(tags)}.whl"
    records = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as wheel:
        for entry in files:
            source = (site / entry).resolve()
            if entry.suffix == ".pyc" or "__pycache__" in entry.parts or not source.is_file():
                continue
            if entry.parts[0] == "..":
                inside = source.relative_to(prefix) if source.is_relative_to(prefix) else None
                if inside is None or inside.parts[0] in ("bin", "Scripts"):
                    continue
                name = f"{stem}.data/data/{inside.as_posix()}"
            elif entry.parts[0] == info and entry.name in _INSTALLER_FILES:
                continue
            else:
                name = entry.as_posix()
            data = source.read_bytes()
            wheel.writestr(name, data)
            records.append(_record_line(name, data))
        records.append(f"{info}/RECORD,,")
        wheel.writestr(f"{info}/RECORD", "\n".join(records) + "\n")
    return target


def offline_pip_variables(wheelhouse: Path, project: str = "nb2post") -> dict[str, str]:
    """The environment variables that make pip install ``project`` offline: no index, and find-links on
    the wheels of its dependencies (packed once into ``wheelhouse``) and on virtualenv's embedded wheels."""
    import virtualenv

    embedded = Path(virtualenv.__file__).parent / "seed" / "wheels" / "embed"
    assert any(embedded.glob("setuptools-*.whl")), f"no setuptools wheel in {embedded}"
    if not wheelhouse.is_dir() or not any(wheelhouse.glob("*.whl")):
        for name, distribution in requirement_closure(project).items():
            if name != project:
                repack(distribution, wheelhouse)
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": f"{wheelhouse} {embedded}"}
