"""Phone numbers Ofcom reserves for use in drama: never anyone's real number.

A fictional authority (a test's, an example's) uses only these, so its numbers
can never ring a real line; a real authority never has one. The conformance kit
accepts them from an authority whose every number is one, and refuses one mixed
with real numbers (a number left over from an example).
"""

from __future__ import annotations

#: Ofcom's drama ranges, as first and last national numbers (digits only).
DRAMA_RANGES = (
    ("01134960000", "01134960999"),  # Leeds
    ("01144960000", "01144960999"),  # Sheffield
    ("01154960000", "01154960999"),  # Nottingham
    ("01164960000", "01164960999"),  # Leicester
    ("01174960000", "01174960999"),  # Bristol
    ("01184960000", "01184960999"),  # Reading
    ("01214960000", "01214960999"),  # Birmingham
    ("01314960000", "01314960999"),  # Edinburgh
    ("01414960000", "01414960999"),  # Glasgow
    ("01514960000", "01514960999"),  # Liverpool
    ("01614960000", "01614960999"),  # Manchester
    ("01914980000", "01914980999"),  # Tyneside
    ("02079460000", "02079460999"),  # London
    ("02896496000", "02896496999"),  # Belfast
    ("02920180000", "02920180999"),  # Cardiff
    ("01632960000", "01632960999"),  # no area
    ("07700900000", "07700900999"),  # mobile
    ("08081570000", "08081570999"),  # freephone
    ("09098790000", "09098790999"),  # premium rate
    ("03069990000", "03069990999"),  # UK-wide
)


def national_digits(phone: str) -> str:
    """A UK number as its national digits ("+44 115 496 0100" -> "01154960100")."""
    digits = "".join(c for c in phone if c.isdigit())
    if phone.strip().startswith("+44"):
        digits = "0" + digits[2:]
    return digits


def is_drama_number(phone: str) -> bool:
    """Whether ``phone`` is in a range Ofcom reserves for drama."""
    digits = national_digits(phone)
    return any(
        len(digits) == len(first) and first <= digits <= last for first, last in DRAMA_RANGES
    )
