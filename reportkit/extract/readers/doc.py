"""Legacy Word .doc (OLE2), converted by a program on PATH.

* LibreOffice (``soffice --headless --convert-to docx``) when present: the result is read by
  :mod:`reportkit.extract.readers.docx`, so merged cells keep their structure;
* else ``antiword``: its text (tables drawn as ``|cell|cell|`` lines) is turned into
  tab-separated rows and read by :mod:`reportkit.extract.readers.text`. antiword is weak on
  merged cells (it may drop a complex table), so the result says so in its notes;
* else the file fails with a message naming what to install.

Each conversion runs in a temporary folder with a time limit (:data:`TIMEOUT_S`).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from reportkit.extract.document import Document
from reportkit.extract.errors import ReportError
from reportkit.extract.numbers import read_cell
from reportkit.extract.readers.docx import read_docx
from reportkit.extract.readers.text import read_text

TIMEOUT_S = 120
INSTALL_HINT = ("cannot read .doc: install antiword or LibreOffice (apt-get install antiword), "
                "or save the file as .docx")


def _run(cmd: list[str], cwd: str, timeout: float = TIMEOUT_S) -> subprocess.CompletedProcess:
    """Run a converter in its own process group, killing the whole group on time-out."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise ReportError(f"converting the .doc took more than {timeout:.0f} s: open it in "
                          "Word and save it as .docx") from exc
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def soffice_path() -> str | None:
    """LibreOffice's command, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def via_soffice(data: bytes, soffice: str) -> Document:
    """Convert with LibreOffice to .docx and read that."""
    with tempfile.TemporaryDirectory(prefix="reportkit-doc-") as tmp:
        src = Path(tmp, "report.doc")
        src.write_bytes(data)
        profile = Path(tmp, "profile").as_uri()
        result = _run([soffice, f"-env:UserInstallation={profile}", "--headless",
                       "--norestore", "--infilter=MS Word 97", "--convert-to", "docx",
                       "--outdir", tmp, str(src)], tmp)
        out = Path(tmp, "report.docx")
        if result.returncode != 0 or not out.exists():
            raise ReportError("LibreOffice could not convert the .doc (damaged, or not a "
                              "Word document): open it in Word and save it as .docx")
        doc = read_docx(out.read_bytes())
    doc.source_format = "doc"
    doc.notes.append("converted from .doc by LibreOffice")
    return doc


def _cells(line: str) -> list[str] | None:
    s = line.strip()
    if len(s) >= 2 and s.startswith("|") and s.endswith("|"):
        return [c.strip() for c in s[1:-1].split("|")]
    return None


def antiword_text(text: str) -> str:
    """antiword's text with its table lines (``|a |b |``) as tab-separated rows.

    antiword wraps a long cell over several lines of the same width; a line with the same
    number of cells and no value of its own continues the row above (its texts are
    appended), so a wrapped label never becomes a row. Figures are never moved.
    """
    out: list[str | list[str]] = []
    for line in text.splitlines():
        cells = _cells(line)
        if cells is None:
            out.append(line)
            continue
        prev = out[-1] if out else None
        if (isinstance(prev, list) and len(prev) == len(cells)
                and not any(c and read_cell(c) is not None for c in cells)):
            for i, c in enumerate(cells):
                if c:
                    prev[i] = f"{prev[i]}{c}" if prev[i] else c
            continue
        out.append(cells)
    return "\n".join("\t".join(x) if isinstance(x, list) else x for x in out)


def via_antiword(data: bytes, antiword: str) -> Document:
    """Convert with antiword to UTF-8 text and read that."""
    with tempfile.TemporaryDirectory(prefix="reportkit-doc-") as tmp:
        src = Path(tmp, "report.doc")
        src.write_bytes(data)
        result = _run([antiword, "-m", "UTF-8.txt", "-w", "0", str(src)], tmp)
    if result.returncode != 0 or not result.stdout.strip():
        raise ReportError("antiword could not read the .doc (damaged, or not a Word "
                          "document): open it in Word and save it as .docx")
    doc = read_text(antiword_text(result.stdout.decode("utf-8", errors="replace")))
    doc.source_format, doc.encoding = "doc", None
    doc.notes.append("converted from .doc by antiword, which reads merged table cells "
                     "poorly: install LibreOffice for exact tables")
    return doc


def read_doc(data: bytes) -> Document:
    """Read a legacy Word .doc through LibreOffice or antiword (see module docstring)."""
    soffice = soffice_path()
    if soffice:
        return via_soffice(data, soffice)
    antiword = shutil.which("antiword")
    if antiword:
        return via_antiword(data, antiword)
    raise ReportError(INSTALL_HINT)
