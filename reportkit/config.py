"""The run's config, once: :data:`DEFAULTS`, :func:`read_config`, :class:`ConfigError`.

A config file (YAML, see ``configs/example.yml``) holds any of the keys of :data:`DEFAULTS`;
what it leaves out keeps its default. ``reportkit run`` (:mod:`reportkit.run`) and
``reportkit brief`` (:mod:`reportkit.brief`, its ``brief:`` section) read it through here.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from reportkit.corpus.store import PROCESSED_DIR, RAW_DIR

DEFAULTS: dict[str, Any] = {
    "base_dir": None,
    "inputs": {"raw": RAW_DIR, "processed": PROCESSED_DIR},
    "outputs": {"notebooks": "outputs/notebooks", "figures": "outputs/figures"},
    "ingest": True,
    "kernel": "python3",
    "cell_timeout": 600,
    "parallel": None,  # notebooks executed at once (None: one a core, at most 2)
    "parameters": {},
    "notebooks": None,
    "notebooks_dir": "notebooks",
    "brief": None,  # the Word briefing written last (reportkit.brief.DEFAULTS)
}
#: Parameters the pipeline sets in every notebook (a config may not override them).
MANAGED_PARAMETERS = ("processed_dir", "raw_dir", "output_dir")


class ConfigError(Exception):
    """A config file that cannot be used: exit code 2."""


def _merge(base: dict[str, Any], extra: dict[str, Any], where: str = "") -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if key not in base:
            raise ConfigError(f"unknown key '{where}{key}': expected one of "
                              f"{', '.join(sorted(base))}")
        if isinstance(base[key], dict) and key != "parameters":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}{key!r} must be a mapping")
            out[key] = _merge(base[key], value, f"{where}{key}.")
        else:
            out[key] = value
    return out


def project_root(start: str | Path | None = None) -> Path:
    """The project folder: the nearest folder at or above ``start`` (default: the current
    folder) that holds both ``notebooks/`` and ``data/``, as a clone of reportkit does;
    else ``start`` itself. Relative paths of the defaults and of the notebooks' parameters
    are read from here, so a notebook run from ``notebooks/`` (Jupyter, ``papermill
    --cwd notebooks``) reads the same ``data/processed`` as one run from the root."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "notebooks").is_dir() and (folder / "data").is_dir():
            return folder
    return here


def project_path(path: str | Path, base: str | Path | None = None) -> Path:
    """``path`` as an absolute path: as it is when absolute, else under ``base`` (default
    :func:`project_root`)."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else (Path(base) if base else project_root()) / p


def read_config(config_path: str | Path | None) -> tuple[dict[str, Any], Path]:
    """The config merged over :data:`DEFAULTS`, and the folder relative paths start from:
    the config's ``base_dir`` (relative to the config file), else the config file's
    folder; without a config, :func:`project_root`."""
    if config_path is None:
        return copy.deepcopy(DEFAULTS), project_root()
    import yaml

    path = Path(config_path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a mapping of keys to values")
    config = _merge(DEFAULTS, data)
    base = path.resolve().parent
    if config["base_dir"]:
        base = (base / config["base_dir"]).resolve()
    return config, base


__all__ = ["DEFAULTS", "MANAGED_PARAMETERS", "ConfigError", "project_path", "project_root",
           "read_config"]
