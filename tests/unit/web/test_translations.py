"""Every string the pages can show has an English translation, and none is a guess.

The catalogue is checked against the strings in the source itself, so a new Dutch
string without its English counterpart fails here, not in front of a user.
"""

from configparser import ConfigParser
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = ROOT / "web/translations/en/LC_MESSAGES/messages.po"


def source_messages() -> set[str]:
    """The message ids in web/, extracted as `make translations` does (babel.cfg)."""
    config = ConfigParser()
    config.read(ROOT / "babel.cfg")
    method_map = [
        (section.split(":", 1)[1].strip(), section.split(":", 1)[0])
        for section in config.sections()
    ]
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map=method_map, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_source_string_has_an_english_translation() -> None:
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po)
    translated = {
        message.id[0] if isinstance(message.id, tuple) else message.id
        for message in catalogue
        if message.id
        and not message.fuzzy
        and (all(message.string) if isinstance(message.string, tuple) else message.string)
    }
    missing = sorted(source_messages() - translated)
    assert missing == [], (
        f"untranslated or fuzzy (run make translations, then translate): {missing}"
    )
