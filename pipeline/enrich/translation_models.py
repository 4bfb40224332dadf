"""Manage the argostranslate packages Praxis translates with: list, install, download, remove.

Packages live in `Settings.models_dir`. An `.argosmodel` file is checked before argos unpacks it:
a zip without its single top folder would otherwise land loose in the packages folder and break
every installed language. Downloads use argos's package index with a short timeout, so an offline
machine gets a clear error instead of a hang.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.enrich.translate import TARGET, source_candidates
from pipeline.enrich.translation_engine import configure_argos, refresh_argos

SPLITTER_FOLDERS = ("minisbd", "stanza", "spacy")
TOKENIZER_FILES = ("sentencepiece.model", "bpe.model")
DOWNLOAD_TIMEOUT = 15.0


class ModelFileError(ValueError):
    """A package file that cannot be installed; the message names the file and the reason."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


class DownloadError(RuntimeError):
    """The package index or a package could not be fetched."""


@dataclass(frozen=True)
class PackageInfo:
    """One installed package as a steward sees it."""

    name: str
    from_code: str
    to_code: str
    version: str
    size_bytes: int
    path: Path


def read_archive_metadata(path: Path) -> dict:
    """Check an .argosmodel file's layout and return its metadata; raise ModelFileError if bad."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(path, "no such file")
    if not zipfile.is_zipfile(path):
        raise ModelFileError(path, "not a zip archive (an .argosmodel is a zip file)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = [PurePosixPath(name) for name in archive.namelist()]
            top = check_top_folder(path, names)
            metadata = load_metadata(path, archive, f"{top}/metadata.json")
    except zipfile.BadZipFile as exc:
        raise ModelFileError(path, f"damaged zip archive ({exc})") from None
    members = {name.relative_to(top).as_posix() for name in names if len(name.parts) > 1}
    if "model/model.bin" not in members:
        raise ModelFileError(path, f"no CTranslate2 model: {top}/model/model.bin is missing")
    if not members & set(TOKENIZER_FILES):
        raise ModelFileError(path, f"no tokenizer: {top}/sentencepiece.model is missing")
    if not any(has_splitter(member) for member in members):
        raise ModelFileError(path, f"no sentence splitter ({', '.join(SPLITTER_FOLDERS)} folder) "
                             f"in {top}/: argos would try to download one")
    return metadata


def has_splitter(member: str) -> bool:
    """Tell whether an archive member is a sentence splitter file argos can use offline."""
    folder, _, rest = member.partition("/")
    if folder == "minisbd":
        return rest.endswith(".onnx")
    return folder in SPLITTER_FOLDERS and bool(rest)


def check_top_folder(path: Path, names: list[PurePosixPath]) -> str:
    """Return the archive's single top folder; raise if there is none, several, or unsafe paths."""
    if not names:
        raise ModelFileError(path, "the archive is empty")
    if any(name.is_absolute() or ".." in name.parts for name in names):
        raise ModelFileError(path, "the archive holds absolute or '..' paths")
    tops = {name.parts[0] for name in names}
    if len(tops) != 1 or all(len(name.parts) == 1 for name in names):
        found = ", ".join(sorted(tops)[:5])
        raise ModelFileError(path, "files must sit inside exactly one top folder "
                             f"(found {len(tops)} top-level entries: {found})")
    top = tops.pop()
    if "stanza" in top:
        raise ModelFileError(path, f"top folder {top!r} contains 'stanza', which makes argos "
                             "split sentences with stanza")
    return top


def load_metadata(path: Path, archive: zipfile.ZipFile, member: str) -> dict:
    """Read metadata.json from the archive and check the fields argos reads."""
    try:
        metadata = json.loads(archive.read(member).decode("utf-8"))
    except KeyError:
        raise ModelFileError(path, f"no metadata.json in the top folder ({member})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(path, f"metadata.json is not valid JSON ({exc})") from None
    if not isinstance(metadata, dict):
        raise ModelFileError(path, "metadata.json must hold a JSON object")
    for key in ("from_code", "to_code"):
        if not isinstance(metadata.get(key), str) or not metadata[key]:
            raise ModelFileError(path, f"metadata.json has no {key}")
    if metadata.get("type", "translate") != "translate":
        raise ModelFileError(path, f"not a translation package (type {metadata['type']!r})")
    return metadata


def list_packages(models_dir: Path) -> list[PackageInfo]:
    """Return the installed translation packages, sorted by pair."""
    package = configure_argos(models_dir)
    found = []
    for folder in sorted(Path(models_dir).iterdir()):
        if not (folder / "metadata.json").is_file():
            continue
        pkg = package.Package(folder)
        if pkg.type == "translate":
            found.append(PackageInfo(package.argospm_package_name(pkg), pkg.from_code, pkg.to_code,
                                     pkg.package_version, folder_size(folder), folder))
    return sorted(found, key=lambda info: (info.from_code, info.to_code, info.name))


def folder_size(folder: Path) -> int:
    """Return the bytes used by the files under folder."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def install_packages(paths: list[Path], models_dir: Path) -> list[PackageInfo]:
    """Check every file first, then install each with argos, replacing the same pair's package."""
    metadata = [read_archive_metadata(Path(path)) for path in paths]
    package = configure_argos(models_dir)
    for path, meta in zip(paths, metadata):
        for old in list_packages(models_dir):
            if (old.from_code, old.to_code) == (meta["from_code"], meta["to_code"]):
                shutil.rmtree(old.path)
        package.install_from_path(Path(path))
    refresh_argos()
    pairs = {(meta["from_code"], meta["to_code"]) for meta in metadata}
    return [info for info in list_packages(models_dir) if (info.from_code, info.to_code) in pairs]


def remove_packages(selectors: list[str], models_dir: Path) -> list[PackageInfo]:
    """Uninstall packages named by source code (`sv`), pair (`sv_en`) or package name."""
    package = configure_argos(models_dir)
    chosen = [info for info in list_packages(models_dir)
              if any(matches_selector(info, selector) for selector in selectors)]
    for info in chosen:
        package.uninstall(package.Package(info.path))
    refresh_argos()
    return chosen


def matches_selector(info: PackageInfo, selector: str) -> bool:
    """Tell whether a steward's word names this package."""
    return selector in (info.from_code, f"{info.from_code}_{info.to_code}", info.name,
                        info.path.name)


def download_packages(codes: list[str], models_dir: Path,
                      timeout: float = DOWNLOAD_TIMEOUT) -> list[PackageInfo]:
    """Fetch `<code>→en` packages listed in argos's index and install them."""
    package = configure_argos(models_dir)
    fetch_index(timeout)
    available = [pkg for pkg in package.get_available_packages() if pkg.to_code == TARGET]
    chosen = [choose_available(code, available) for code in codes]
    with tempfile.TemporaryDirectory(prefix="praxis-models-") as tmp:
        files = [fetch_package(pkg, Path(tmp), timeout) for pkg in chosen]
        return install_packages(files, models_dir)


def fetch_index(timeout: float) -> Path:
    """Download argos's package index to where argos reads it; fail clearly when offline."""
    from argostranslate import settings

    url = settings.remote_package_index
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = response.read()
        json.loads(data)
    except Exception as exc:  # noqa: BLE001 - every failure here means the same to a steward
        raise DownloadError(
            f"cannot fetch the argos package index {url} ({type(exc).__name__}: {exc}). "
            "On a machine without internet, download the .argosmodel files elsewhere, copy "
            "them here and run `praxis models install FILE...`") from exc
    settings.local_package_index.write_bytes(data)
    return settings.local_package_index


def choose_available(code: str, available: list) -> object:
    """Return the index entry translating code to English (any Norwegian code for nb/nn/no)."""
    for candidate in source_candidates(code):
        for pkg in available:
            if pkg.from_code == candidate:
                return pkg
    offered = sorted({pkg.from_code for pkg in available})
    raise DownloadError(f"the argos index has no {code}→{TARGET} package "
                        f"(it offers: {', '.join(offered)})")


def fetch_package(pkg, folder: Path, timeout: float) -> Path:
    """Download one package file from the first of its links that answers."""
    target = folder / f"{pkg.type}-{pkg.from_code}_{pkg.to_code}.argosmodel"
    errors = []
    for link in pkg.links:
        try:
            with urllib.request.urlopen(link, timeout=timeout) as response, \
                    target.open("wb") as out:
                shutil.copyfileobj(response, out)
            return target
        except Exception as exc:  # noqa: BLE001 - try the next mirror
            errors.append(f"{link}: {type(exc).__name__}: {exc}")
    raise DownloadError(f"could not download {pkg.from_code}→{pkg.to_code}: " + "; ".join(errors))
