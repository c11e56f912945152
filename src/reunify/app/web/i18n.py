"""Compile the committed .po catalogues to .mo without GNU gettext, so set-up needs no extra system package.

Handles what our catalogues use: msgctxt, msgid, msgid_plural, msgstr[n],
multi-line strings, fuzzy entries (skipped, as msgfmt does by default).
"""

from __future__ import annotations

import ast
import struct
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def _parse_po(text: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    entry: dict[str, list[str]] = {}
    key = ""
    fuzzy = False

    def flush() -> None:
        nonlocal entry, fuzzy
        if "msgid" in entry and not fuzzy:
            msgid = "".join(entry["msgid"])
            if "msgctxt" in entry:
                msgid = "".join(entry["msgctxt"]) + "\x04" + msgid
            if "msgid_plural" in entry:
                msgid += "\x00" + "".join(entry["msgid_plural"])
                forms = sorted(k for k in entry if k.startswith("msgstr["))
                msgstr = "\x00".join("".join(entry[k]) for k in forms)
            else:
                msgstr = "".join(entry.get("msgstr", []))
            if msgstr.replace("\x00", "") or not msgid:
                messages[msgid] = msgstr
        entry, fuzzy = {}, False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                if any(k.startswith("msgstr") for k in entry):
                    flush()
                fuzzy = True
            continue
        if line.startswith('"'):
            entry.setdefault(key, []).append(ast.literal_eval(line))
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in entry):
            flush()
        key = keyword
        entry[key] = [ast.literal_eval(rest.strip())]
    flush()
    return messages


def _mo_bytes(messages: dict[str, str]) -> bytes:
    keys = sorted(messages)
    ids = [k.encode("utf-8") for k in keys]
    strs = [messages[k].encode("utf-8") for k in keys]
    header_size = 7 * 4
    ids_table = header_size
    strs_table = ids_table + len(keys) * 8
    data_start = strs_table + len(keys) * 8
    offsets: list[int] = []
    blob = b""
    for item in ids + strs:
        offsets.append(len(blob))
        blob += item + b"\x00"
    out = struct.pack("<7I", 0x950412DE, 0, len(keys), ids_table, strs_table, 0, data_start)
    for index, item in enumerate(ids):
        out += struct.pack("<2I", len(item), data_start + offsets[index])
    for index, item in enumerate(strs):
        out += struct.pack("<2I", len(item), data_start + offsets[len(ids) + index])
    return out + blob


def compile_catalogs(locale_dir: Path = LOCALE_DIR, quiet: bool = False) -> list[Path]:
    """Write each .mo whose .po is newer (or whose .mo is missing); returns the files written."""
    written = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            mo.write_bytes(_mo_bytes(_parse_po(po.read_text(encoding="utf-8"))))
        except OSError:
            if not quiet:
                raise
            continue
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_catalogs():
        print(f"compiled {path}")
