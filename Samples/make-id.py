#!/usr/bin/env python3
"""Make a valid resident ID number (GB 11643-1999) for sample and test documents.

    python3 Samples/make-id.py BIRTHDATE SEQUENCE [AREA]

BIRTHDATE is YYYYMMDD, SEQUENCE three digits (odd = male, even = female),
AREA the 6-digit area code (default 511011, Dongxing).  Prints the 18
characters with the ISO 7064 MOD 11-2 check character, e.g.

    $ python3 Samples/make-id.py 19500412 021
    511011195004120214

The numbers are made up: never use a real person's number in a sample.
"""
import sys

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def check_character(first17: str) -> str:
    """The check character for 17 digits."""
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    birth, seq = argv[1], argv[2]
    area = argv[3] if len(argv) == 4 else "511011"
    first17 = area + birth + seq
    if len(area) != 6 or len(birth) != 8 or len(seq) != 3 or not first17.isdigit():
        print("make-id: need a 6-digit area, an 8-digit YYYYMMDD birth date and a 3-digit sequence", file=sys.stderr)
        return 2
    print(first17 + check_character(first17))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
