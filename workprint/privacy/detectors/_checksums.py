"""Check-digit algorithms the detectors validate candidates with (pure functions over digits).

Each takes the candidate already reduced to its significant characters (no spaces or dashes)
and answers whether its check digits are right. None of them raises on well-formed input;
callers pass strings their patterns guarantee to be digits (or the documented alphabet).
"""

from __future__ import annotations

_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10), as used by payment cards."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        total += _LUHN_DOUBLED[d] if i % 2 else d
    return total % 10 == 0


def iban_mod97(iban: str) -> int:
    """ISO 13616 remainder of an upper-case IBAN (country, check digits, BBAN); valid is 1."""
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97


_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


def verhoeff_ok(digits: str) -> bool:
    """Verhoeff dihedral check, as used by India's Aadhaar number."""
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _VERHOEFF_D[c][_VERHOEFF_P[i % 8][ord(ch) - 48]]
    return c == 0


def bsn_ok(digits: str) -> bool:
    """Dutch BSN "11-proof": weights 9..2 on the first eight digits, -1 on the last."""
    if len(digits) != 9:
        return False
    total = sum((9 - i) * (ord(ch) - 48) for i, ch in enumerate(digits[:8]))
    total -= ord(digits[8]) - 48
    return total % 11 == 0 and digits != "000000000"


_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def dni_letter(number: int) -> str:
    """The control letter of a Spanish DNI/NIE number (NIE with X/Y/Z mapped to 0/1/2)."""
    return _DNI_LETTERS[number % 23]


def nir_ok(nir: str) -> bool:
    """French NIR (INSEE number): 13 characters then a two-digit key, 97 - (n mod 97).

    Corsican departments 2A and 2B count as 19 and 18 in the key computation.
    """
    if len(nir) != 15:
        return False
    body = nir[:13].upper()
    if body[5:7] == "2A":
        body = body[:5] + "19" + body[7:]
    elif body[5:7] == "2B":
        body = body[:5] + "18" + body[7:]
    if not body.isdigit() or not nir[13:].isdigit():
        return False
    return 97 - int(body) % 97 == int(nir[13:])


def steuer_id_ok(digits: str) -> bool:
    """German tax id (Steuerliche Identifikationsnummer), 11 digits.

    The first digit is not 0; among the first ten, exactly one digit appears two or three
    times and the others at most once; the last digit is the ISO 7064 MOD 11,10 check.
    """
    if len(digits) != 11 or digits[0] == "0":
        return False
    counts = [digits[:10].count(d) for d in set(digits[:10])]
    repeated = [c for c in counts if c > 1]
    if len(repeated) != 1 or repeated[0] > 3:
        return False
    product = 10
    for ch in digits[:10]:
        total = (ord(ch) - 48 + product) % 10 or 10
        product = (total * 2) % 11
    check = (11 - product) % 10
    return check == ord(digits[10]) - 48


def cpf_ok(digits: str) -> bool:
    """Brazilian CPF: 11 digits, two mod-11 check digits; all-equal sequences are invalid."""
    if len(digits) != 11 or digits == digits[0] * 11:
        return False
    nums = [ord(ch) - 48 for ch in digits]
    for n in (9, 10):
        total = sum(nums[i] * (n + 1 - i) for i in range(n))
        check = total * 10 % 11 % 10
        if check != nums[n]:
            return False
    return True


_CF_ODD = (
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
)  # fmt: skip
"""Codice fiscale values of odd positions: ``0``/``A`` to ``9``/``J``, then ``K`` to ``Z``."""


def _cf_index(ch: str) -> int:
    return ord(ch) - 48 if ch.isdigit() else ord(ch) - 65


def codice_fiscale_ok(cf: str) -> bool:
    """Italian codice fiscale: 15 characters then a check letter (official odd/even tables).

    A character in an odd position (1-based) counts by the odd table, one in an even position
    by its index (digits 0-9, letters A-Z as 0-25); the sum mod 26 is the check letter.
    """
    if len(cf) != 16 or not cf.isascii() or not cf.isalnum():
        return False
    cf = cf.upper()
    if not cf[15].isalpha():
        return False
    total = 0
    for i, ch in enumerate(cf[:15]):
        total += _CF_ODD[_cf_index(ch)] if i % 2 == 0 else _cf_index(ch)
    return chr(65 + total % 26) == cf[15]
