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
    "outputs": {"notebooks": "outputs/notebooks", "figures": "outputs/figures",
                "workbook": "outputs/reportkit.xlsx"},  # the corpus for Excel (issue 12)
    "ingest": True,
    "kernel": "python3",
    "cell_timeout": 600,
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


def read_config(config_path: str | Path | None) -> tuple[dict[str, Any], Path]:
    """The config merged over :data:`DEFAULTS`, and the folder relative paths start from."""
    if config_path is None:
        return copy.deepcopy(DEFAULTS), Path.cwd()
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


__all__ = ["DEFAULTS", "MANAGED_PARAMETERS", "ConfigError", "read_config"]
