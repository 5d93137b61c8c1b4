"""Fill msgstr entries of the Russian catalogue from a Python dict file.

Usage: python scripts/apply_translations.py DICT_FILE  (the file defines RU = {...}).
Entries not in the dict are left as they are; the file is rewritten in place.
"""
import runpy
import sys

from babel.messages.pofile import read_po, write_po

PO = "onboarding/translations/ru/LC_MESSAGES/messages.po"


def main(path: str) -> None:
    translations = runpy.run_path(path)["RU"]
    with open(PO, "rb") as file:
        catalog = read_po(file, locale="ru")
    filled = 0
    for message in catalog:
        if message.id and isinstance(message.id, str) and message.id in translations:
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
            filled += 1
    with open(PO, "wb") as file:
        write_po(file, catalog, width=0, sort_output=False, omit_header=False)
    print(f"filled {filled} entries")


if __name__ == "__main__":
    main(sys.argv[1])
