"""The ledger: the brief checklist's "Posted where" / "Posted when" columns (and ``posted_id`` in the
JSON twin). ``nb2post share`` records each channel it posted to there, and skips a channel already
recorded — whether nb2post or a person wrote it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


class Ledger:
    """What a brief's two files record, read once: ``recorded(channel)`` for each channel."""

    def __init__(self, markdown_path: Path, json_path: Path):
        from .brief import recorded_in_json, recorded_in_markdown

        json_text = _read(json_path)
        # the Markdown's cells win over the JSON's, as when the brief is rewritten
        self._found = (recorded_in_markdown(_read(markdown_path)), recorded_in_json(json_text))
        try:
            rows = (json.loads(json_text).get("channels") or []) if json_text else []
        except (ValueError, AttributeError):
            rows = []
        self._rows = [row for row in rows if isinstance(row, dict)]

    def recorded(self, channel: str) -> dict[str, str] | None:
        """What the ledger holds for ``channel`` (its id, e.g. "mastodon"), or None when it holds nothing."""
        names = [channel] + [str(row.get("name")).lower() for row in self._rows if row.get("id") == channel]
        for found in self._found:
            for name in dict.fromkeys(names):
                values = found.get(name)
                if values and values.get("posted_where"):
                    return values
        return None


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def record(
    site: Path, markdown_path: Path, json_path: Path, channel: str, label: str, where: str, ident: str, when: str
) -> None:
    """Write one channel's result into both files at once (temporary files, then renames). What a person
    typed into the Markdown's other rows is kept, as ``brief`` keeps it."""
    from ..site import write_all
    from .brief import merge_recorded, render_markdown

    previous_markdown, previous_json = _read(markdown_path), _read(json_path)
    brief = merge_recorded(json.loads(previous_json), previous_markdown, previous_json)
    row = next((row for row in brief["channels"] if row.get("id") == channel), None)
    if row is None:  # the site took the channel off the checklist: the ledger still says where it went
        row = {
            "id": channel,
            "name": label,
            "where": "",
            "text": channel,
            "paste": "",
            "share_link": "",
            "tip": "",
            "when": {},
            "why": "posted by nb2post share",
        }
        brief["channels"].append(row)
    row.update({"posted_where": where, "posted_when": when, "posted_id": ident})
    write_all(
        {
            markdown_path: render_markdown(brief).encode("utf-8"),
            json_path: (json.dumps(brief, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        },
        inside=Path(site),
    )
