"""How much every input field takes at most: a person types names, dates and paths, never pages.

Textual's Input re-measures its whole value on each key, so an unbounded field costs quadratic time (a typed
20,000-character passphrase took 58 s of CPU). Every ``Input`` in the TUI passes one of these as ``max_length``;
the campaign layer caps what it accepts as well.
"""

from __future__ import annotations

from campaign.names import MAX_NAME
from campaign.passphrase import MAX_LENGTH as MAX_PASSPHRASE
from campaign.pledge_rules import MAX_NOTE, MAX_TARGET, MAX_TEXT

#: A name, a title, a place: what the campaign accepts for names.
TEXT = MAX_NAME
#: The secretary's passphrase.
PASSPHRASE = MAX_PASSPHRASE
#: A file path to read or write.
PATH = 1024
#: A date typed as YYYY-MM-DD (with room for a time).
DATE = 16
#: A search or filter.
SEARCH = 64
#: A pledge's text, its target, a progress note: one character over the campaign's limit, so that a longer paste
#: is refused with the message that names the limit instead of being cut silently.
PLEDGE_TEXT = MAX_TEXT + 1
PLEDGE_TARGET = MAX_TARGET + 1
PLEDGE_NOTE = MAX_NOTE + 1

__all__ = ["DATE", "PASSPHRASE", "PATH", "PLEDGE_NOTE", "PLEDGE_TARGET", "PLEDGE_TEXT", "SEARCH", "TEXT"]
