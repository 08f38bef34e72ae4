"""The Parquet files that hold a CUR 2.0 export's current data.

An export lands under ``<root>/<export>/``: ``data/BILLING_PERIOD=YYYY-MM/*.parquet`` and, per
refresh, ``metadata/BILLING_PERIOD=YYYY-MM/.../<export>-Manifest.json``, written after all of its data
files and listing them (``dataFiles``, as s3:// URIs). For each billing period the newest manifest
(by last-modified time, then name) says which files are current: a file it no longer lists (an
earlier refresh's, or a 'create new report' delivery folder) is never read twice. Its URIs are
mapped onto the root, so a local copy (``aws s3 sync``) reads the same files as S3. A period without
a manifest reads the Parquet files directly in its data folder.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Any

from bedrock_costs.loading.log_files import FileSystem, split_root

PERIOD = re.compile(r"BILLING_PERIOD=([^/]+)")
DATA_PART = re.compile(r"/(data/BILLING_PERIOD=.+)$")


@dataclass(frozen=True)
class CurFile:
    path: str  # as the reader opens it (with the root's protocol)
    billing_period: str
    listed_by: str  # 'manifest' or 'folder'


def _modified(info: dict[str, Any]) -> float:
    value = info.get("mtime") or info.get("LastModified") or info.get("last_modified") or 0
    return float(value.timestamp()) if hasattr(value, "timestamp") else float(value)


def current_files(fs: FileSystem, root: str, export_name: str = "*") -> list[CurFile]:
    protocol, root_path = split_root(root)
    # a local root is listed by its absolute path, and its files named under the root as given
    listed_root = root_path if protocol else os.path.abspath(root_path)

    def shown(name: str) -> str:
        return protocol + root_path + name[len(listed_root):]

    export_root = f"{listed_root}/{export_name}"
    newest: dict[tuple[str, str], tuple[float, str]] = {}
    manifests = {}
    for metadata in fs.glob(f"{export_root}/metadata"):  # type: ignore[attr-defined]
        for name, info in fs.find(str(metadata), detail=True).items():
            if str(name).endswith("Manifest.json") and "/BILLING_PERIOD=" in str(name):
                manifests[str(name)] = info
    for name, info in manifests.items():
        folder, _, _ = name.partition("/metadata/BILLING_PERIOD=")
        found_period = PERIOD.search(name)
        if found_period is None:
            continue
        key = (folder, found_period.group(1))
        candidate = (_modified(info), name)
        if key not in newest or candidate > newest[key]:
            newest[key] = candidate
    files: list[CurFile] = []
    covered = set()
    for (folder, manifest_period), (_, manifest) in sorted(newest.items()):
        with fs.open(manifest, "rb") as handle:
            listed = json.loads(handle.read().decode("utf-8")).get("dataFiles") or []
        covered.add((folder, manifest_period))
        for uri in listed:
            part = DATA_PART.search(str(uri))
            if part is not None:
                files.append(CurFile(shown(f"{folder}/{part.group(1)}"), manifest_period, "manifest"))
    for data_file in sorted(str(n) for n in fs.glob(f"{export_root}/data/BILLING_PERIOD=*/*.parquet")):  # type: ignore[attr-defined]
        folder, _, rest = data_file.partition("/data/BILLING_PERIOD=")
        folder_period = rest.split("/", 1)[0]
        if (folder, folder_period) not in covered:
            files.append(CurFile(shown(data_file), folder_period, "folder"))
    return sorted(files, key=lambda f: f.path)
