"""The Python half of the exercise corpus (issue 14): small programming exercises of our own, each a correct
solution, its tests (5-10, `from MODULE import ...`), a one-paragraph instruction and the mistakes a model makes
writing it, as (kind, text in the solution, what the mistake puts there). Stubs, partial solutions and the
correct-with-style variants are generated from the solution (benchmarks/exercises.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PythonExercise:
    name: str                                   # the module: NAME.py and NAME_test.py
    instructions: str
    solution: str
    tests: str
    mistakes: tuple[tuple[str, str, str], ...]  # (kind, old, new), old once in the solution
    package: bool = False                       # NAME/core.py and tests/test_NAME.py instead


EXERCISES: tuple[PythonExercise, ...] = (
    PythonExercise(
        "leap", "Write `leap_year(year)`: True for years divisible by 4, except centuries, unless divisible by 400.",
        '''\
def leap_year(year):
    """Whether year is a leap year in the Gregorian calendar."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
''', '''\
from MODULE import leap_year


def test_ordinary_year():
    assert leap_year(2015) is False


def test_divisible_by_four():
    assert leap_year(1996) is True


def test_century():
    assert leap_year(1900) is False


def test_four_hundred():
    assert leap_year(2000) is True


def test_divisible_by_two_only():
    assert leap_year(1970) is False
''', (("missing-branch", "year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)", "year % 4 == 0"),
      ("wrong-logic", "year % 100 != 0 or year % 400 == 0", "year % 100 != 0"))),

    PythonExercise(
        "word_count", "Write `count_words(text)`: a dict of each lower-cased word to how often it occurs; words are "
        "letters, digits and inner apostrophes; punctuation separates words.",
        '''\
import re
from collections import Counter

WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def count_words(text):
    return dict(Counter(WORD.findall(text.lower())))
''', '''\
from MODULE import count_words


def test_one_word():
    assert count_words("word") == {"word": 1}


def test_repeated():
    assert count_words("one fish two fish") == {"one": 1, "fish": 2, "two": 1}


def test_punctuation():
    assert count_words("car: carpet, as; java!") == {"car": 1, "carpet": 1, "as": 1, "java": 1}


def test_case_folded():
    assert count_words("Go go GO") == {"go": 3}


def test_apostrophes():
    assert count_words("don't 'stop' me") == {"don't": 1, "stop": 1, "me": 1}


def test_numbers():
    assert count_words("1 2 2 testing") == {"1": 1, "2": 2, "testing": 1}
''', (("missing-branch", "text.lower()", "text"),
      ("wrong-logic", r'''r"[a-z0-9]+(?:'[a-z0-9]+)*"''', r'''r"[a-z0-9']+"'''))),

    PythonExercise(
        "run_length", "Write `encode(text)` and `decode(text)` for run-length encoding: `AAB` is `2AB`.",
        '''\
from itertools import groupby


def encode(text):
    parts = []
    for char, group in groupby(text):
        count = len(list(group))
        parts.append(f"{count}{char}" if count > 1 else char)
    return "".join(parts)


def decode(text):
    result, digits = [], ""
    for char in text:
        if char.isdigit():
            digits += char
        else:
            result.append(char * int(digits or 1))
            digits = ""
    return "".join(result)
''', '''\
from MODULE import decode, encode


def test_encode_empty():
    assert encode("") == ""


def test_encode_singles():
    assert encode("XYZ") == "XYZ"


def test_encode_runs():
    assert encode("WWWWWWWWWWWWBWWWWWWWWWWWWBBB") == "12WB12W3B"


def test_encode_spaces():
    assert encode("  hsqq qww  ") == "2 hs2q q2w2 "


def test_decode_runs():
    assert decode("12WB12W3B") == "WWWWWWWWWWWWBWWWWWWWWWWWWBBB"


def test_decode_singles():
    assert decode("XYZ") == "XYZ"


def test_round_trip():
    assert decode(encode("zzz ZZ  zZ")) == "zzz ZZ  zZ"
''', (("off-by-one", "if count > 1 else char", "if count > 2 else char * count"),
      ("wrong-logic", "digits += char", "digits = char"))),

    PythonExercise(
        "roman", "Write `to_roman(number)` and `from_roman(numeral)` for numbers 1 to 3999.",
        '''\
NUMERALS = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)


def to_roman(number):
    parts = []
    for value, letters in NUMERALS:
        while number >= value:
            parts.append(letters)
            number -= value
    return "".join(parts)


def from_roman(numeral):
    values = {letters: value for value, letters in NUMERALS if len(letters) == 1}
    total = 0
    for here, after in zip(numeral, [*numeral[1:], None], strict=True):
        if after is not None and values[here] < values[after]:
            total -= values[here]
        else:
            total += values[here]
    return total
''', '''\
from MODULE import from_roman, to_roman


def test_one():
    assert to_roman(1) == "I"


def test_four():
    assert to_roman(4) == "IV"


def test_forty_nine():
    assert to_roman(49) == "XLIX"


def test_big():
    assert to_roman(3999) == "MMMCMXCIX"


def test_from_simple():
    assert from_roman("XVI") == 16


def test_from_subtractive():
    assert from_roman("MCMXCIV") == 1994


def test_round_trip():
    assert all(from_roman(to_roman(n)) == n for n in range(1, 400))
''', (("missing-branch", '(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")', '(10, "X"), (5, "V"), (1, "I")'),
      ("off-by-one", "while number >= value:", "while number > value:"))),

    PythonExercise(
        "matrix", "Write a `Matrix` class built from a string of rows (numbers separated by spaces, rows by new "
        "lines) with `row(i)`, `column(i)` (1-based) and `transpose()`.",
        '''\
class Matrix:
    SEPARATORS = ("\\n", " ")

    def __init__(self, text):
        rows, cells = self.SEPARATORS
        self.rows = [[int(cell) for cell in line.split(cells) if cell] for line in text.split(rows)]

    def row(self, index):
        return list(self.rows[index - 1])

    def column(self, index):
        return [row[index - 1] for row in self.rows]

    def transpose(self):
        return [list(column) for column in zip(*self.rows, strict=True)]
''', '''\
from MODULE import Matrix


def test_single():
    assert Matrix("1").row(1) == [1]


def test_row():
    assert Matrix("1 2\\n10 20").row(2) == [10, 20]


def test_column():
    assert Matrix("1 2 3\\n4 5 6\\n7 8 9").column(3) == [3, 6, 9]


def test_first_column():
    assert Matrix("89 1903 3\\n18 3 1\\n9 4 800").column(1) == [89, 18, 9]


def test_row_is_a_copy():
    matrix = Matrix("1 2\\n3 4")
    matrix.row(1).append(9)
    assert matrix.row(1) == [1, 2]


def test_transpose():
    assert Matrix("1 2 3\\n4 5 6").transpose() == [[1, 4], [2, 5], [3, 6]]
''', (("off-by-one", "return [row[index - 1] for row in self.rows]", "return [row[index] for row in self.rows]"),
      ("wrong-type", "return [list(column) for column", "return [column for column"))),

    PythonExercise(
        "bank_account", "Write a `BankAccount` with `open()`, `deposit(amount)`, `withdraw(amount)`, `balance` and "
        "`close()`. Amounts must be positive; a withdrawal cannot exceed the balance; a closed account refuses "
        "everything with ValueError('account not open').",
        '''\
class BankAccount:
    STATES = ("closed", "open")

    def __init__(self):
        self._state = self.STATES[0]
        self._balance = 0

    def _require_open(self):
        if self._state != "open":
            raise ValueError("account not open")

    @property
    def balance(self):
        self._require_open()
        return self._balance

    def open(self):
        if self._state == "open":
            raise ValueError("account already open")
        self._state = "open"
        self._balance = 0

    def deposit(self, amount):
        self._require_open()
        if amount <= 0:
            raise ValueError("amount must be greater than 0")
        self._balance += amount

    def withdraw(self, amount):
        self._require_open()
        if amount <= 0:
            raise ValueError("amount must be greater than 0")
        if amount > self._balance:
            raise ValueError("amount must be less than balance")
        self._balance -= amount

    def close(self):
        self._require_open()
        self._state = "closed"
''', '''\
import pytest

from MODULE import BankAccount


def opened():
    account = BankAccount()
    account.open()
    return account


def test_new_account_is_empty():
    assert opened().balance == 0


def test_deposit_and_withdraw():
    account = opened()
    account.deposit(100)
    account.withdraw(30)
    assert account.balance == 70


def test_overdraw():
    account = opened()
    account.deposit(10)
    with pytest.raises(ValueError, match="less than balance"):
        account.withdraw(11)


def test_withdraw_everything():
    account = opened()
    account.deposit(10)
    account.withdraw(10)
    assert account.balance == 0


def test_negative_deposit():
    with pytest.raises(ValueError, match="greater than 0"):
        opened().deposit(-5)


def test_closed_account():
    account = opened()
    account.close()
    with pytest.raises(ValueError, match="account not open"):
        account.deposit(5)


def test_reopened_account_is_empty():
    account = opened()
    account.deposit(50)
    account.close()
    account.open()
    assert account.balance == 0


def test_double_open():
    with pytest.raises(ValueError, match="already open"):
        opened().open()
''', (("off-by-one", "if amount > self._balance:", "if amount >= self._balance:"),
      ("missing-branch", '''\
        self._state = "open"
        self._balance = 0
''', '''\
        self._state = "open"
''')), package=True),

    PythonExercise(
        "clock", "Write a `Clock(hour, minute)` without dates: it rolls over at midnight, prints as `HH:MM`, adds and "
        "subtracts minutes, and two clocks showing the same time are equal.",
        '''\
class Clock:
    MINUTES_A_DAY = 24 * 60

    def __init__(self, hour, minute):
        self.minutes = (hour * 60 + minute) % self.MINUTES_A_DAY

    def __repr__(self):
        return f"Clock({self.minutes // 60}, {self.minutes % 60})"

    def __str__(self):
        return f"{self.minutes // 60:02d}:{self.minutes % 60:02d}"

    def __eq__(self, other):
        return isinstance(other, Clock) and self.minutes == other.minutes

    def __hash__(self):
        return hash(self.minutes)

    def __add__(self, minutes):
        return Clock(0, self.minutes + minutes)

    def __sub__(self, minutes):
        return Clock(0, self.minutes - minutes)
''', '''\
from MODULE import Clock


def test_on_the_hour():
    assert str(Clock(8, 0)) == "08:00"


def test_rolls_over():
    assert str(Clock(25, 0)) == "01:00"


def test_minutes_roll_into_hours():
    assert str(Clock(1, 160)) == "03:40"


def test_negative():
    assert str(Clock(-1, -40)) == "22:20"


def test_add():
    assert str(Clock(23, 59) + 2) == "00:01"


def test_subtract():
    assert str(Clock(0, 3) - 4) == "23:59"


def test_equal():
    assert Clock(15, 37) == Clock(-9, 37)


def test_not_equal():
    assert Clock(15, 37) != Clock(15, 36)
''', (("missing-branch", "(hour * 60 + minute) % self.MINUTES_A_DAY", "hour * 60 + minute"),
      ("wrong-logic", "return Clock(0, self.minutes - minutes)", "return Clock(0, minutes - self.minutes)"))),

    PythonExercise(
        "acronym", "Write `abbreviate(phrase)`: the first letter of each word, upper-cased; hyphens separate words, "
        "other punctuation is ignored.",
        '''\
import re


def abbreviate(phrase):
    words = re.findall(r"[A-Za-z][A-Za-z']*", phrase)
    return "".join(word[0] for word in words).upper()
''', '''\
from MODULE import abbreviate


def test_basic():
    assert abbreviate("Portable Network Graphics") == "PNG"


def test_lowercase():
    assert abbreviate("Ruby on Rails") == "ROR"


def test_hyphen():
    assert abbreviate("Complementary metal-oxide semiconductor") == "CMOS"


def test_punctuation():
    assert abbreviate("The Road _Not_ Taken") == "TRNT"


def test_apostrophe():
    assert abbreviate("Halley's Comet") == "HC"
''', (("missing-branch", "return \"\".join(word[0] for word in words).upper()",
       "return \"\".join(word[0] for word in words)"),
      ("wrong-logic", r'''r"[A-Za-z][A-Za-z']*"''', r'''r"[A-Za-z'-]+"'''))),

    PythonExercise(
        "isogram", "Write `is_isogram(text)`: no letter repeats (case-insensitive); spaces and hyphens may.",
        '''\
def is_isogram(text):
    letters = [char.lower() for char in text if char.isalpha()]
    return len(letters) == len(set(letters))
''', '''\
from MODULE import is_isogram


def test_empty():
    assert is_isogram("") is True


def test_isogram():
    assert is_isogram("isogram") is True


def test_repeated():
    assert is_isogram("eleven") is False


def test_mixed_case():
    assert is_isogram("Alphabet") is False


def test_hyphens():
    assert is_isogram("six-year-old") is True
''', (("missing-branch", "char.lower() for char", "char for char"),
      ("wrong-logic", "if char.isalpha()]", "]"))),

    PythonExercise(
        "pangram", "Write `is_pangram(sentence)`: every letter of the English alphabet occurs, in either case.",
        '''\
from string import ascii_lowercase


def is_pangram(sentence):
    return set(ascii_lowercase) <= set(sentence.lower())
''', '''\
from MODULE import is_pangram


def test_empty():
    assert is_pangram("") is False


def test_pangram():
    assert is_pangram("the quick brown fox jumps over the lazy dog") is True


def test_missing_x():
    assert is_pangram("a quick movement of the enemy will jeopardize five gunboats") is False


def test_mixed_case():
    assert is_pangram("the quick brown fox jumps over THE LAZY DOG") is True


def test_upper_only():
    assert is_pangram("THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG") is True
''', (("missing-branch", "set(sentence.lower())", "set(sentence)"),
      ("wrong-logic", "set(ascii_lowercase) <= set(", "len(set(ascii_lowercase)) <= len("))),

    PythonExercise(
        "hamming", "Write `distance(a, b)`: how many positions differ between two DNA strands; strands of different "
        "lengths raise ValueError('strands must be of equal length').",
        '''\
def distance(a, b):
    if len(a) != len(b):
        raise ValueError("strands must be of equal length")
    return sum(1 for x, y in zip(a, b, strict=True) if x != y)
''', '''\
import pytest

from MODULE import distance


def test_empty():
    assert distance("", "") == 0


def test_same():
    assert distance("GGACTGAAATCTG", "GGACTGAAATCTG") == 0


def test_long():
    assert distance("GGACGGATTCTG", "AGGACGGATTCT") == 9


def test_one():
    assert distance("A", "G") == 1


def test_unequal():
    with pytest.raises(ValueError, match="equal length"):
        distance("AATG", "AAA")


def test_empty_against_one():
    with pytest.raises(ValueError):
        distance("", "G")
''', (("missing-branch", '''\
    if len(a) != len(b):
        raise ValueError("strands must be of equal length")
    return sum(1 for x, y in zip(a, b, strict=True) if x != y)''', '''\
    return sum(1 for x, y in zip(a, b, strict=False) if x != y)'''),
      ("wrong-logic", "if x != y)", "if x == y)"))),

    PythonExercise(
        "raindrops", "Write `convert(number)`: `Pling` if 3 divides it, `Plang` for 5, `Plong` for 7, joined; else "
        "the number's digits.",
        '''\
SOUNDS = ((3, "Pling"), (5, "Plang"), (7, "Plong"))


def convert(number):
    sounds = "".join(sound for factor, sound in SOUNDS if number % factor == 0)
    return sounds or str(number)
''', '''\
from MODULE import convert


def test_one():
    assert convert(1) == "1"


def test_three():
    assert convert(3) == "Pling"


def test_five():
    assert convert(5) == "Plang"


def test_thirty_five():
    assert convert(35) == "PlangPlong"


def test_one_hundred_five():
    assert convert(105) == "PlingPlangPlong"


def test_fifty_two():
    assert convert(52) == "52"
''', (("wrong-type", "return sounds or str(number)", "return sounds or number"),
      ("missing-branch", '(5, "Plang"), (7, "Plong")', '(5, "Plang")'))),

    PythonExercise(
        "anagram", "Write `find_anagrams(word, candidates)`: the candidates that are anagrams of word, "
        "case-insensitively, in their order; a word is not its own anagram.",
        '''\
from collections import Counter
from collections.abc import Iterable


def find_anagrams(word: str, candidates: Iterable[str]) -> list[str]:
    target = word.lower()
    letters = Counter(target)
    return [c for c in candidates if c.lower() != target and Counter(c.lower()) == letters]
''', '''\
from MODULE import find_anagrams


def test_none():
    assert find_anagrams("diaper", ["hello", "world"]) == []


def test_two():
    assert find_anagrams("solemn", ["lemons", "cherry", "melons"]) == ["lemons", "melons"]


def test_case_insensitive():
    assert find_anagrams("Orchestra", ["cashregister", "Carthorse", "radishes"]) == ["Carthorse"]


def test_not_itself():
    assert find_anagrams("BANANA", ["banana"]) == []


def test_subset_is_not_anagram():
    assert find_anagrams("good", ["dog", "goody"]) == []


def test_repeated_letters():
    assert find_anagrams("galea", ["eagle"]) == []
''', (("missing-branch", "c.lower() != target and ", ""),
      ("wrong-logic", "Counter(c.lower()) == letters", "set(c.lower()) == set(letters)"))),

    PythonExercise(
        "atbash", "Write `encode(text)` and `decode(text)` for the Atbash cipher (a<->z); encoded text is lower case, "
        "digits kept, punctuation dropped, in groups of five separated by spaces.",
        '''\
from string import ascii_lowercase

KEY = str.maketrans(ascii_lowercase, ascii_lowercase[::-1])


def _clean(text):
    return "".join(char for char in text.lower() if char.isalnum()).translate(KEY)


def encode(text):
    plain = _clean(text)
    return " ".join(plain[i:i + 5] for i in range(0, len(plain), 5))


def decode(text):
    return _clean(text)
''', '''\
from MODULE import decode, encode


def test_encode_yes():
    assert encode("yes") == "bvh"


def test_encode_mixed_case():
    assert encode("OMG") == "lnt"


def test_encode_groups():
    assert encode("mindblowingly") == "nrmwy oldrm tob"


def test_encode_digits():
    assert encode("Testing,1 2 3, testing.") == "gvhgr mt123 gvhgr mt"


def test_decode():
    assert decode("vcvix rhn") == "exercism"


def test_decode_spaces():
    assert decode("zmlyh gzxov rhlug vmzhg vkkrm thglm v") == "anobstacleisoftenasteppingstone"
''', (("off-by-one", "plain[i:i + 5] for i", "plain[i:i + 4] for i"),
      ("missing-branch", "for char in text.lower() if char.isalnum()", "for char in text.lower() if char.isalpha()"))),

    PythonExercise(
        "caesar", "Write `rotate(text, key)`: each letter shifted key places along the alphabet (wrapping, keeping "
        "case); other characters unchanged.",
        '''\
from string import ascii_lowercase, ascii_uppercase


def rotate(text, key):
    shift = key % 26
    table = str.maketrans(ascii_lowercase + ascii_uppercase,
                          ascii_lowercase[shift:] + ascii_lowercase[:shift]
                          + ascii_uppercase[shift:] + ascii_uppercase[:shift])
    return text.translate(table)
''', '''\
from MODULE import rotate


def test_by_one():
    assert rotate("a", 1) == "b"


def test_by_zero():
    assert rotate("a", 0) == "a"


def test_wraps():
    assert rotate("z", 1) == "a"


def test_capitals():
    assert rotate("OMG", 5) == "TRL"


def test_punctuation():
    assert rotate("Let's eat, Grandma!", 21) == "Gzo'n zvo, Bmviyhv!"


def test_full_key():
    assert rotate("abc", 26) == "abc"
''', (("missing-branch", "+ ascii_uppercase[shift:] + ascii_uppercase[:shift]",
       "+ ascii_lowercase[shift:] + ascii_lowercase[:shift]"),
      ("wrong-logic", "shift = key % 26", "shift = key % 25"))),

    PythonExercise(
        "collatz", "Write `steps(number)`: how many Collatz steps (halve if even, else 3n+1) reach 1; a number below 1 "
        "raises ValueError('Only positive integers are allowed').",
        '''\
def steps(number):
    if number < 1:
        raise ValueError("Only positive integers are allowed")
    count = 0
    while number != 1:
        number = number // 2 if number % 2 == 0 else 3 * number + 1
        count += 1
    return count
''', '''\
import pytest

from MODULE import steps


def test_one():
    assert steps(1) == 0


def test_even():
    assert steps(16) == 4


def test_mixed():
    assert steps(12) == 9


def test_large():
    assert steps(1000000) == 152


def test_zero():
    with pytest.raises(ValueError, match="positive"):
        steps(0)


def test_negative():
    with pytest.raises(ValueError, match="positive"):
        steps(-15)
''', (("off-by-one", "count = 0\n", "count = 1\n"),
      ("wrong-logic", "while number != 1:", "while number > 2:"))),

    PythonExercise(
        "armstrong", "Write `is_armstrong_number(number)`: the sum of its digits each raised to the number of digits "
        "equals the number.",
        '''\
def is_armstrong_number(number):
    digits = str(number)
    return number == sum(int(digit) ** len(digits) for digit in digits)
''', '''\
from MODULE import is_armstrong_number


def test_zero():
    assert is_armstrong_number(0) is True


def test_single_digit():
    assert is_armstrong_number(5) is True


def test_two_digits():
    assert is_armstrong_number(10) is False


def test_three_digits():
    assert is_armstrong_number(153) is True


def test_not_three_digits():
    assert is_armstrong_number(100) is False


def test_seven_digits():
    assert is_armstrong_number(9926315) is True


def test_not_seven_digits():
    assert is_armstrong_number(9926314) is False
''', (("off-by-one", "int(digit) ** len(digits)", "int(digit) ** (len(digits) - 1)"),
      ("wrong-logic", "int(digit) ** len(digits)", "int(digit) ** 3"))),

    PythonExercise(
        "perfect_numbers", "Write `classify(number)`: 'perfect', 'abundant' or 'deficient' by the sum of its proper "
        "divisors; below 1 raises ValueError('Classification is only possible for positive integers.').",
        '''\
def classify(number):
    if number < 1:
        raise ValueError("Classification is only possible for positive integers.")
    total = sum(d for d in range(1, number // 2 + 1) if number % d == 0)
    if total == number:
        return "perfect"
    return "abundant" if total > number else "deficient"
''', '''\
import pytest

from MODULE import classify


def test_perfect():
    assert classify(28) == "perfect"


def test_large_perfect():
    assert classify(8128) == "perfect"


def test_abundant():
    assert classify(12) == "abundant"


def test_deficient():
    assert classify(13) == "deficient"


def test_one():
    assert classify(1) == "deficient"


def test_zero():
    with pytest.raises(ValueError, match="positive integers"):
        classify(0)
''', (("off-by-one", "range(1, number // 2 + 1)", "range(1, number // 2)"),
      ("wrong-logic", "range(1, number // 2 + 1)", "range(1, number + 1)"))),

    PythonExercise(
        "grains", "Write `square(n)` (grains on square n of a chessboard, doubling from 1; n outside 1-64 raises "
        "ValueError('square must be between 1 and 64')) and `total()`.",
        '''\
def square(number):
    if not 1 <= number <= 64:
        raise ValueError("square must be between 1 and 64")
    return 2 ** (number - 1)


def total():
    return 2 ** 64 - 1
''', '''\
import pytest

from MODULE import square, total


def test_first():
    assert square(1) == 1


def test_second():
    assert square(2) == 2


def test_sixteenth():
    assert square(16) == 32768


def test_last():
    assert square(64) == 9223372036854775808


def test_zero():
    with pytest.raises(ValueError, match="between 1 and 64"):
        square(0)


def test_too_big():
    with pytest.raises(ValueError, match="between 1 and 64"):
        square(65)


def test_total():
    assert total() == 18446744073709551615
''', (("off-by-one", "return 2 ** (number - 1)", "return 2 ** number"),
      ("off-by-one", "if not 1 <= number <= 64:", "if not 1 <= number < 64:"))),

    PythonExercise(
        "difference_of_squares", "Write `square_of_sum(n)`, `sum_of_squares(n)` and `difference_of_squares(n)` of "
        "the first n natural numbers.",
        '''\
def square_of_sum(number):
    return sum(range(1, number + 1)) ** 2


def sum_of_squares(number):
    return sum(n * n for n in range(1, number + 1))


def difference_of_squares(number):
    return square_of_sum(number) - sum_of_squares(number)
''', '''\
from MODULE import difference_of_squares, square_of_sum, sum_of_squares


def test_square_of_sum_one():
    assert square_of_sum(1) == 1


def test_square_of_sum_ten():
    assert square_of_sum(10) == 3025


def test_sum_of_squares_five():
    assert sum_of_squares(5) == 55


def test_sum_of_squares_hundred():
    assert sum_of_squares(100) == 338350


def test_difference_ten():
    assert difference_of_squares(10) == 2640


def test_difference_hundred():
    assert difference_of_squares(100) == 25164150
''', (("off-by-one", "sum(n * n for n in range(1, number + 1))", "sum(n * n for n in range(1, number))"),
      ("wrong-logic", "return square_of_sum(number) - sum_of_squares(number)",
       "return sum_of_squares(number) - square_of_sum(number)"))),

    PythonExercise(
        "sieve", "Write `primes(limit)`: the primes up to and including limit, by the sieve of Eratosthenes.",
        '''\
def primes(limit):
    marked = [False] * (limit + 1)
    found = []
    for number in range(2, limit + 1):
        if not marked[number]:
            found.append(number)
            for multiple in range(number * number, limit + 1, number):
                marked[multiple] = True
    return found
''', '''\
from MODULE import primes


def test_no_primes_under_two():
    assert primes(1) == []


def test_two():
    assert primes(2) == [2]


def test_ten():
    assert primes(10) == [2, 3, 5, 7]


def test_thirteen_included():
    assert primes(13) == [2, 3, 5, 7, 11, 13]


def test_count_to_thousand():
    assert len(primes(1000)) == 168
''', (("off-by-one", "for number in range(2, limit + 1):", "for number in range(2, limit):"),
      ("wrong-logic", "range(number * number, limit + 1, number)", "range(number * number, limit + 1, 2)"))),

    PythonExercise(
        "prime_factors", "Write `factors(value)`: the prime factors of value in ascending order, repeated as often as "
        "they divide it.",
        '''\
def factors(value):
    found = []
    divisor = 2
    while value > 1:
        while value % divisor == 0:
            found.append(divisor)
            value //= divisor
        divisor += 1
    return found
''', '''\
from MODULE import factors


def test_one():
    assert factors(1) == []


def test_prime():
    assert factors(2) == [2]


def test_square():
    assert factors(9) == [3, 3]


def test_cube():
    assert factors(8) == [2, 2, 2]


def test_mixed():
    assert factors(60) == [2, 2, 3, 5]


def test_large():
    assert factors(93819012551) == [11, 9539, 894119]
''', (("wrong-logic", "found.append(divisor)", "found.append(value)"),
      ("off-by-one", "    while value > 1:\n", "    while value > 2:\n"))),

    PythonExercise(
        "nth_prime", "Write `prime(number)`: the number-th prime (1-based); 0 raises "
        "ValueError('there is no zeroth prime').",
        '''\
import itertools
import math


def _is_prime(candidate):
    return all(candidate % d for d in range(2, math.isqrt(candidate) + 1))


def prime(number):
    if number < 1:
        raise ValueError("there is no zeroth prime")
    found = (n for n in itertools.count(2) if _is_prime(n))
    return next(itertools.islice(found, number - 1, None))
''', '''\
import pytest

from MODULE import prime


def test_first():
    assert prime(1) == 2


def test_second():
    assert prime(2) == 3


def test_sixth():
    assert prime(6) == 13


def test_big():
    assert prime(10001) == 104743


def test_zeroth():
    with pytest.raises(ValueError, match="zeroth"):
        prime(0)
''', (("off-by-one", "range(2, math.isqrt(candidate) + 1)", "range(2, math.isqrt(candidate))"),
      ("off-by-one", "islice(found, number - 1, None)", "islice(found, number, None)"))),

    PythonExercise(
        "binary_search", "Write `find(items, value)`: the index of value in the sorted list by binary search; a "
        "missing value raises ValueError('value not in array').",
        '''\
def find(items, value):
    low, high = 0, len(items) - 1
    while low <= high:
        middle = (low + high) // 2
        if items[middle] == value:
            return middle
        if items[middle] < value:
            low = middle + 1
        else:
            high = middle - 1
    raise ValueError("value not in array")
''', '''\
import pytest

from MODULE import find


def test_single():
    assert find([6], 6) == 0


def test_middle():
    assert find([1, 3, 4, 6, 8, 9, 11], 6) == 3


def test_first():
    assert find([1, 3, 4, 6, 8, 9, 11], 1) == 0


def test_last():
    assert find([1, 3, 4, 6, 8, 9, 11], 11) == 6


def test_large():
    assert find(list(range(0, 2000, 2)), 1998) == 999


def test_missing():
    with pytest.raises(ValueError, match="not in array"):
        find([1, 3, 4, 6, 8, 9, 11], 7)


def test_empty():
    with pytest.raises(ValueError, match="not in array"):
        find([], 1)
''', (("off-by-one", "while low <= high:", "while low < high:"),
      ("off-by-one", "low, high = 0, len(items) - 1", "low, high = 0, len(items) - 2"))),

    PythonExercise(
        "bob", "Write `response(remark)`: 'Fine. Be that way!' to silence, 'Calm down, I know what I'm doing!' to a "
        "shouted question, 'Sure.' to a question, 'Whoa, chill out!' to shouting, else 'Whatever.'.",
        '''\
def response(remark):
    remark = remark.strip()
    shouting = remark.isupper()
    asking = remark.endswith("?")
    if not remark:
        return "Fine. Be that way!"
    if shouting and asking:
        return "Calm down, I know what I'm doing!"
    if asking:
        return "Sure."
    if shouting:
        return "Whoa, chill out!"
    return "Whatever."
''', '''\
from MODULE import response


def test_statement():
    assert response("Tom-ay-to, tom-aaaah-to.") == "Whatever."


def test_shouting():
    assert response("WATCH OUT!") == "Whoa, chill out!"


def test_question():
    assert response("Does this cryogenic chamber make me look fat?") == "Sure."


def test_shouted_question():
    assert response("WHAT'S GOING ON?") == "Calm down, I know what I'm doing!"


def test_silence():
    assert response("          ") == "Fine. Be that way!"


def test_question_with_trailing_space():
    assert response("Okay if like my  spacebar  quite a bit?   ") == "Sure."


def test_numbers_are_not_shouting():
    assert response("1, 2, 3") == "Whatever."
''', (("missing-branch", '''\
    if shouting and asking:
        return "Calm down, I know what I'm doing!"
''', ""),
      ("wrong-logic", "    remark = remark.strip()\n", ""))),

    PythonExercise(
        "luhn", "Write `valid(number)`: whether a string of digits and spaces passes the Luhn check; one digit or "
        "less, or any other character, is not valid.",
        '''\
def valid(number):
    digits = number.replace(" ", "")
    if len(digits) < 2 or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0
''', '''\
from MODULE import valid


def test_single_digit():
    assert valid("1") is False


def test_single_zero():
    assert valid("0") is False


def test_canadian():
    assert valid("055 444 285") is True


def test_invalid_canadian():
    assert valid("055 444 286") is False


def test_credit_card():
    assert valid("4539 3195 0343 6467") is True


def test_letters():
    assert valid("055a 444 285") is False


def test_double_zero():
    assert valid("00") is True


def test_nine_doubled():
    assert valid("091") is True
''', (("off-by-one", "if position % 2 == 1:", "if position % 2 == 0:"),
      ("off-by-one", "value * 2 - 9 if value > 4", "value * 2 - 9 if value > 5"))),

    PythonExercise(
        "isbn", "Write `is_valid(isbn)`: an ISBN-10 with optional hyphens, the last character may be X (10); the "
        "weighted sum (10 down to 1) must be divisible by 11.",
        '''\
def is_valid(isbn):
    chars = isbn.replace("-", "")
    if len(chars) != 10:
        return False
    if not chars[:9].isdigit() or not (chars[9].isdigit() or chars[9] == "X"):
        return False
    values = [10 if char == "X" else int(char) for char in chars]
    return sum(value * weight for value, weight in zip(values, range(10, 0, -1), strict=True)) % 11 == 0
''', '''\
from MODULE import is_valid


def test_valid():
    assert is_valid("3-598-21508-8") is True


def test_invalid_check_digit():
    assert is_valid("3-598-21508-9") is False


def test_check_digit_x():
    assert is_valid("3-598-21507-X") is True


def test_x_in_the_middle():
    assert is_valid("3-598-2X507-9") is False


def test_too_short():
    assert is_valid("3-598-21507") is False


def test_without_hyphens():
    assert is_valid("3598215088") is True


def test_too_long():
    assert is_valid("3-598-21507-XX") is False
''', (("missing-branch", "if not chars[:9].isdigit() or not", "if not"),
      ("missing-branch", '''\
    if len(chars) != 10:
        return False
''', ""))),

    PythonExercise(
        "series", "Write `slices(digits, length)`: every run of length consecutive characters, in order; a length "
        "of 0 or below, or longer than the series, raises ValueError.",
        '''\
def slices(series, length):
    if length <= 0:
        raise ValueError("slice length must be positive")
    if length > len(series):
        raise ValueError("slice length cannot be greater than series length")
    return [series[i:i + length] for i in range(len(series) - length + 1)]
''', '''\
import pytest

from MODULE import slices


def test_one():
    assert slices("1", 1) == ["1"]


def test_twos():
    assert slices("35", 2) == ["35"]


def test_threes():
    assert slices("777777", 3) == ["777", "777", "777", "777"]


def test_fives():
    assert slices("918493904243", 5) == ["91849", "18493", "84939", "49390", "93904", "39042", "90424", "04243"]


def test_too_long():
    with pytest.raises(ValueError, match="greater than series"):
        slices("12345", 6)


def test_zero():
    with pytest.raises(ValueError, match="positive"):
        slices("12345", 0)
''', (("off-by-one", "range(len(series) - length + 1)", "range(len(series) - length)"),
      ("missing-branch", '''\
    if length <= 0:
        raise ValueError("slice length must be positive")
''', ""))),

    PythonExercise(
        "largest_product", "Write `largest_product(series, size)`: the largest product of size adjacent digits; a "
        "negative size, a size above the length or a non-digit raises ValueError.",
        '''\
from math import prod
from operator import methodcaller


def largest_product(series, size):
    if size < 0 or size > len(series):
        raise ValueError("span must be between 0 and the length of the series")
    if not all(map(methodcaller("isdigit"), series)):
        raise ValueError("digits input must only contain digits")
    return max(prod(int(d) for d in series[i:i + size]) for i in range(len(series) - size + 1))
''', '''\
import pytest

from MODULE import largest_product


def test_two():
    assert largest_product("0123456789", 2) == 72


def test_unordered():
    assert largest_product("576802143", 2) == 48


def test_three():
    assert largest_product("1027839564", 3) == 270


def test_whole_series():
    assert largest_product("29", 2) == 18


def test_zero_size():
    assert largest_product("123", 0) == 1


def test_too_big():
    with pytest.raises(ValueError):
        largest_product("123", 4)


def test_letters():
    with pytest.raises(ValueError, match="only contain digits"):
        largest_product("1234a5", 2)
''', (("off-by-one", "range(len(series) - size + 1)", "range(len(series) - size)"),
      ("wrong-logic", "return max(prod(", "return min(prod("))),

    PythonExercise(
        "pascal", "Write `rows(count)`: the first count rows of Pascal's triangle as lists; a negative count raises "
        "ValueError('number of rows is negative').",
        '''\
from itertools import pairwise


def rows(count):
    if count < 0:
        raise ValueError("number of rows is negative")
    triangle = []
    for _ in range(count):
        previous = triangle[-1] if triangle else []
        triangle.append([1, *(a + b for a, b in pairwise(previous)), 1] if previous else [1])
    return triangle
''', '''\
import pytest

from MODULE import rows


def test_zero():
    assert rows(0) == []


def test_one():
    assert rows(1) == [[1]]


def test_two():
    assert rows(2) == [[1], [1, 1]]


def test_four():
    assert rows(4) == [[1], [1, 1], [1, 2, 1], [1, 3, 3, 1]]


def test_tenth_row():
    assert rows(10)[-1] == [1, 9, 36, 84, 126, 126, 84, 36, 9, 1]


def test_negative():
    with pytest.raises(ValueError, match="negative"):
        rows(-1)
''', (("off-by-one", "for _ in range(count):", "for _ in range(count - 1):"),
      ("wrong-logic", "a + b for a, b in pairwise(previous)", "a * 2 for a in previous[1:]"))),

    PythonExercise(
        "triangle", "Write `equilateral(sides)`, `isosceles(sides)` and `scalene(sides)`: a triangle has positive "
        "sides and each side at most the sum of the others; isosceles includes equilateral.",
        '''\
def _valid(sides):
    a, b, c = sorted(sides)
    return a > 0 and a + b >= c


def equilateral(sides):
    return _valid(sides) and len(set(sides)) == 1


def isosceles(sides):
    return _valid(sides) and len(set(sides)) <= 2


def scalene(sides):
    return _valid(sides) and len(set(sides)) == 3
''', '''\
from MODULE import equilateral, isosceles, scalene


def test_equilateral():
    assert equilateral([2, 2, 2]) is True


def test_equilateral_zero():
    assert equilateral([0, 0, 0]) is False


def test_isosceles_last_two():
    assert isosceles([3, 4, 4]) is True


def test_equilateral_is_isosceles():
    assert isosceles([4, 4, 4]) is True


def test_isosceles_inequality():
    assert isosceles([1, 1, 3]) is False


def test_scalene():
    assert scalene([5, 4, 6]) is True


def test_scalene_not_isosceles():
    assert scalene([4, 4, 3]) is False


def test_degenerate_is_a_triangle():
    assert scalene([1, 2, 3]) is True
''', (("off-by-one", "a + b >= c", "a + b > c"),
      ("wrong-logic", "len(set(sides)) <= 2", "len(set(sides)) == 2"))),

    PythonExercise(
        "scrabble", "Write `score(word)`: the Scrabble score of a word (AEIOULNRST 1, DG 2, BCMP 3, FHVWY 4, K 5, "
        "JX 8, QZ 10), case-insensitive.",
        '''\
GROUPS = {"aeioulnrst": 1, "dg": 2, "bcmp": 3, "fhvwy": 4, "k": 5, "jx": 8, "qz": 10}
LETTERS = {letter: value for group, value in GROUPS.items() for letter in group}


def score(word):
    return sum(LETTERS.get(letter, 0) for letter in word.lower())
''', '''\
from MODULE import score


def test_lower_letter():
    assert score("a") == 1


def test_upper_letter():
    assert score("A") == 1


def test_valuable():
    assert score("f") == 4


def test_short_word():
    assert score("zoo") == 12


def test_long_word():
    assert score("OxyphenButazone") == 41


def test_empty():
    assert score("") == 0
''', (("missing-branch", "for letter in word.lower())", "for letter in word)"),
      ("wrong-logic", '"jx": 8, "qz": 10', '"jx": 8, "qz": 8'))),

    PythonExercise(
        "flatten", "Write `flatten(iterable)`: nested lists flattened into one list, depth first, dropping None.",
        '''\
from collections.abc import Iterable
from typing import Any


def flatten(iterable: Iterable[Any]) -> list[Any]:
    flat = []
    for item in iterable:
        if isinstance(item, list | tuple):
            flat.extend(flatten(item))
        elif item is not None:
            flat.append(item)
    return flat
''', '''\
from MODULE import flatten


def test_empty():
    assert flatten([]) == []


def test_flat():
    assert flatten([0, 1, 2]) == [0, 1, 2]


def test_one_level():
    assert flatten([1, [2, 3, 4, 5, 6, 7], 8]) == [1, 2, 3, 4, 5, 6, 7, 8]


def test_deep():
    assert flatten([0, 2, [[2, 3], 8, 100, 4, [[[50]]]], -2]) == [0, 2, 2, 3, 8, 100, 4, 50, -2]


def test_none_dropped():
    assert flatten([0, 2, [[2, 3], 8, [[100]], None, [[None]]], -2]) == [0, 2, 2, 3, 8, 100, -2]


def test_only_none():
    assert flatten([None, [[[None]]], None]) == []
''', (("missing-branch", "            flat.extend(flatten(item))\n", "            flat.extend(item)\n"),
      ("wrong-logic", "        elif item is not None:\n", "        else:\n"))),

    PythonExercise(
        "sublist", "Write `sublist(first, second)`: EQUAL, SUBLIST (first inside second, contiguous), SUPERLIST or "
        "UNEQUAL, constants of the module.",
        '''\
SUBLIST, SUPERLIST, EQUAL, UNEQUAL = 1, 2, 3, 4


def _contains(outer, inner):
    size = len(inner)
    return any(outer[i:i + size] == inner for i in range(len(outer) - size + 1))


def sublist(first, second):
    if first == second:
        return EQUAL
    if _contains(second, first):
        return SUBLIST
    if _contains(first, second):
        return SUPERLIST
    return UNEQUAL
''', '''\
from MODULE import EQUAL, SUBLIST, SUPERLIST, UNEQUAL, sublist


def test_empty_lists():
    assert sublist([], []) == EQUAL


def test_empty_in_list():
    assert sublist([], [1, 2, 3]) == SUBLIST


def test_list_over_empty():
    assert sublist([1, 2, 3], []) == SUPERLIST


def test_at_end():
    assert sublist([3, 4, 5], [1, 2, 3, 4, 5]) == SUBLIST


def test_superlist():
    assert sublist([0, 1, 2, 3, 4, 5], [3, 4]) == SUPERLIST


def test_not_contiguous():
    assert sublist([1, 3], [1, 2, 3]) == UNEQUAL


def test_partial_match_then_match():
    assert sublist([1, 1, 2], [0, 1, 1, 1, 2, 1, 2]) == SUBLIST
''', (("off-by-one", "range(len(outer) - size + 1)", "range(len(outer) - size)"),
      ("missing-branch", '''\
    if _contains(first, second):
        return SUPERLIST
''', ""))),

    PythonExercise(
        "allergies", "Write `Allergies(score)` with `allergic_to(item)` and `lst`: the allergens (eggs 1, peanuts 2, "
        "shellfish 4, strawberries 8, tomatoes 16, chocolate 32, pollen 64, cats 128) the score's bits name.",
        '''\
class Allergies:
    ITEMS = (
        "eggs", "peanuts", "shellfish", "strawberries", "tomatoes", "chocolate", "pollen", "cats",
    )

    def __init__(self, score):
        self.score = score

    def allergic_to(self, item):
        return bool(self.score & 1 << self.ITEMS.index(item))

    @property
    def lst(self):
        return [item for item in self.ITEMS if self.allergic_to(item)]
''', '''\
from MODULE import Allergies


def test_none():
    assert Allergies(0).lst == []


def test_eggs():
    assert Allergies(1).allergic_to("eggs") is True


def test_not_peanuts():
    assert Allergies(1).allergic_to("peanuts") is False


def test_cats():
    assert Allergies(128).lst == ["cats"]


def test_several():
    assert Allergies(5).lst == ["eggs", "shellfish"]


def test_everything():
    assert len(Allergies(255).lst) == 8


def test_ignores_high_bits():
    assert Allergies(257).lst == ["eggs"]
''', (("off-by-one", "1 << self.ITEMS.index(item)", "1 << (self.ITEMS.index(item) + 1)"),
      ("wrong-type", "return bool(self.score & 1 << self.ITEMS.index(item))",
       "return self.score & 1 << self.ITEMS.index(item)"))),

    PythonExercise(
        "phone_number", "Write `PhoneNumber(text)` for NANP numbers: `number` (10 digits, a leading country code 1 "
        "dropped), `area_code` and `pretty()` as (NXX)-NXX-XXXX; anything else raises ValueError.",
        '''\
class PhoneNumber:
    PUNCTUATION = ("(", ")", "-", ".", "+", " ")

    def __init__(self, text):
        digits = text
        for mark in self.PUNCTUATION:
            digits = digits.replace(mark, "")
        if not digits.isdigit():
            raise ValueError("letters and punctuations not permitted")
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) != 10:
            raise ValueError("must be 10 digits")
        if digits[0] in "01" or digits[3] in "01":
            raise ValueError("area and exchange codes cannot start with 0 or 1")
        self.number = digits

    @property
    def area_code(self):
        return self.number[:3]

    def pretty(self):
        return f"({self.area_code})-{self.number[3:6]}-{self.number[6:]}"
''', '''\
import pytest

from MODULE import PhoneNumber


def test_clean():
    assert PhoneNumber("(223) 456-7890").number == "2234567890"


def test_dots():
    assert PhoneNumber("223.456.7890").number == "2234567890"


def test_country_code():
    assert PhoneNumber("+1 (223) 456-7890").number == "2234567890"


def test_area_code():
    assert PhoneNumber("2234567890").area_code == "223"


def test_pretty():
    assert PhoneNumber("2234567890").pretty() == "(223)-456-7890"


def test_eleven_without_one():
    with pytest.raises(ValueError):
        PhoneNumber("22234567890")


def test_letters():
    with pytest.raises(ValueError, match="letters"):
        PhoneNumber("523-abc-7890")


def test_exchange_code_zero():
    with pytest.raises(ValueError, match="cannot start"):
        PhoneNumber("(223) 056-7890")
''', (("missing-branch", ' or digits[3] in "01"', ""),
      ("off-by-one", "{self.number[3:6]}-{self.number[6:]}", "{self.number[3:6]}-{self.number[7:]}"))),

    PythonExercise(
        "queen_attack", "Write `Queen(row, column)` on an 8x8 board (else ValueError) with `can_attack(other)`: same "
        "row, column or diagonal; the same square raises ValueError.",
        '''\
class Queen:
    BOARD = (0, 8)

    def __init__(self, row, column):
        low, high = self.BOARD
        if not (low <= row < high and low <= column < high):
            raise ValueError("queen must be on the board")
        self.row, self.column = row, column

    def can_attack(self, other):
        rows, columns = abs(self.row - other.row), abs(self.column - other.column)
        if rows == 0 and columns == 0:
            raise ValueError("Invalid queen position: both queens in the same square")
        return rows == 0 or columns == 0 or rows == columns
''', '''\
import pytest

from MODULE import Queen


def test_valid():
    assert Queen(2, 2).row == 2


def test_off_board():
    with pytest.raises(ValueError, match="on the board"):
        Queen(8, 4)


def test_negative():
    with pytest.raises(ValueError):
        Queen(-2, 2)


def test_no_attack():
    assert Queen(2, 4).can_attack(Queen(6, 6)) is False


def test_same_row():
    assert Queen(2, 4).can_attack(Queen(2, 6)) is True


def test_same_column():
    assert Queen(4, 5).can_attack(Queen(2, 5)) is True


def test_diagonal():
    assert Queen(2, 2).can_attack(Queen(5, 5)) is True


def test_other_diagonal():
    assert Queen(2, 2).can_attack(Queen(0, 4)) is True


def test_same_square():
    with pytest.raises(ValueError, match="same square"):
        Queen(2, 4).can_attack(Queen(2, 4))
''', (("missing-branch", "rows == 0 or columns == 0 or rows == columns", "rows == 0 or columns == 0"),
      ("off-by-one", "low <= row < high and low <= column < high", "low <= row <= high and low <= column <= high"))),

    PythonExercise(
        "robot_simulator", "Write `Robot(direction, x, y)` with `move(instructions)`: R turns right, L left, A "
        "advances one step; `direction` and `coordinates` tell where it is. NORTH, EAST, SOUTH, WEST are module "
        "constants.",
        '''\
NORTH, EAST, SOUTH, WEST = range(4)


class Robot:
    STEPS = ((0, 1), (1, 0), (0, -1), (-1, 0))

    def __init__(self, direction=NORTH, x_pos=0, y_pos=0):
        self.direction = direction
        self.coordinates = (x_pos, y_pos)

    def move(self, instructions):
        for instruction in instructions:
            if instruction == "R":
                self.direction = (self.direction + 1) % 4
            elif instruction == "L":
                self.direction = (self.direction - 1) % 4
            elif instruction == "A":
                dx, dy = self.STEPS[self.direction]
                x, y = self.coordinates
                self.coordinates = (x + dx, y + dy)
''', '''\
from MODULE import EAST, NORTH, SOUTH, WEST, Robot


def test_created():
    robot = Robot(NORTH, 0, 0)
    assert (robot.coordinates, robot.direction) == ((0, 0), NORTH)


def test_turn_right():
    robot = Robot(NORTH, 0, 0)
    robot.move("R")
    assert robot.direction == EAST


def test_turn_left_wraps():
    robot = Robot(NORTH, 0, 0)
    robot.move("L")
    assert robot.direction == WEST


def test_advance_north():
    robot = Robot(NORTH, 0, 0)
    robot.move("A")
    assert robot.coordinates == (0, 1)


def test_advance_south():
    robot = Robot(SOUTH, 0, 0)
    robot.move("A")
    assert robot.coordinates == (0, -1)


def test_route():
    robot = Robot(NORTH, 7, 3)
    robot.move("RRAAAAALA")
    assert (robot.coordinates, robot.direction) == ((8, -2), EAST)
''', (("wrong-logic", "STEPS = ((0, 1), (1, 0), (0, -1), (-1, 0))", "STEPS = ((0, 1), (-1, 0), (0, -1), (1, 0))"),
      ("missing-branch", "self.direction = (self.direction - 1) % 4", "self.direction = self.direction - 1"))),

    PythonExercise(
        "space_age", "Write `SpaceAge(seconds)` with `on_earth()`, `on_mercury()` and the other planets' methods: the "
        "age in that planet's years, rounded to 2 places (an Earth year is 31,557,600 s).",
        '''\
EARTH_YEAR = 31_557_600
ORBITS = {"earth": 1.0, "mercury": 0.2408467, "venus": 0.61519726, "mars": 1.8808158, "jupiter": 11.862615,
          "saturn": 29.447498, "uranus": 84.016846, "neptune": 164.79132}


class SpaceAge:
    def __init__(self, seconds):
        self.seconds = seconds

    def _on(self, planet):
        return round(self.seconds / EARTH_YEAR / ORBITS[planet], 2)

    def on_earth(self):
        return self._on("earth")

    def on_mercury(self):
        return self._on("mercury")

    def on_venus(self):
        return self._on("venus")

    def on_mars(self):
        return self._on("mars")

    def on_jupiter(self):
        return self._on("jupiter")

    def on_saturn(self):
        return self._on("saturn")

    def on_uranus(self):
        return self._on("uranus")

    def on_neptune(self):
        return self._on("neptune")
''', '''\
from MODULE import SpaceAge


def test_earth():
    assert SpaceAge(1000000000).on_earth() == 31.69


def test_mercury():
    assert SpaceAge(2134835688).on_mercury() == 280.88


def test_venus():
    assert SpaceAge(189839836).on_venus() == 9.78


def test_mars():
    assert SpaceAge(2129871239).on_mars() == 35.88


def test_jupiter():
    assert SpaceAge(901876382).on_jupiter() == 2.41


def test_neptune():
    assert SpaceAge(1821023456).on_neptune() == 0.35
''', (("wrong-logic", "self.seconds / EARTH_YEAR / ORBITS[planet]", "self.seconds / EARTH_YEAR * ORBITS[planet]"),
      ("wrong-logic", "round(self.seconds / EARTH_YEAR / ORBITS[planet], 2)",
       "round(self.seconds / EARTH_YEAR / ORBITS[planet], 1)"))),

    PythonExercise(
        "etl", "Write `transform(legacy)`: from {score: [upper-case letters]} to {lower-case letter: score}.",
        '''\
def transform(legacy):
    return {letter.lower(): score for score, letters in legacy.items() for letter in letters}
''', '''\
from MODULE import transform


def test_single():
    assert transform({1: ["A"]}) == {"a": 1}


def test_several_letters():
    assert transform({1: ["A", "E", "I"]}) == {"a": 1, "e": 1, "i": 1}


def test_several_scores():
    assert transform({1: ["A", "E"], 2: ["D", "G"]}) == {"a": 1, "d": 2, "e": 1, "g": 2}


def test_empty():
    assert transform({}) == {}


def test_ten():
    assert transform({10: ["Q", "Z"]})["z"] == 10
''', (("missing-branch", "{letter.lower(): score", "{letter: score"),
      ("wrong-type", "{letter.lower(): score", "{letter.lower(): str(score)"))),

    PythonExercise(
        "high_scores", "Write `latest(scores)`, `personal_best(scores)` and `personal_top_three(scores)` (highest "
        "first, fewer when there are fewer).",
        '''\
import heapq
from collections.abc import Sequence


def latest(scores: Sequence[int]) -> int:
    return scores[-1]


def personal_best(scores: Sequence[int]) -> int:
    return max(scores)


def personal_top_three(scores: Sequence[int]) -> list[int]:
    return heapq.nlargest(3, scores)
''', '''\
from MODULE import latest, personal_best, personal_top_three


def test_latest():
    assert latest([100, 0, 90, 30]) == 30


def test_best():
    assert personal_best([40, 100, 70]) == 100


def test_top_three():
    assert personal_top_three([10, 30, 90, 30, 100, 20, 10, 0, 30, 40, 40, 70, 70]) == [100, 90, 70]


def test_top_ties():
    assert personal_top_three([40, 20, 40, 30]) == [40, 40, 30]


def test_top_of_two():
    assert personal_top_three([30, 70]) == [70, 30]


def test_latest_after_top_three():
    scores = [70, 50, 20, 30]
    personal_top_three(scores)
    assert latest(scores) == 30
''', (("off-by-one", "return scores[-1]", "return scores[0]"),
      ("wrong-logic", "return heapq.nlargest(3, scores)", "return sorted(set(scores), reverse=True)[:3]"))),

    PythonExercise(
        "secret_handshake", "Write `commands(binary)` for a string of 5 bits: from the right, 'wink', 'double "
        "blink', 'close your eyes', 'jump'; the fifth bit reverses the order.",
        '''\
ACTIONS = ("wink", "double blink", "close your eyes", "jump")


def commands(binary):
    bits = binary[::-1]
    chosen = [action for bit, action in zip(bits, ACTIONS, strict=False) if bit == "1"]
    if len(bits) > 4 and bits[4] == "1":
        chosen.reverse()
    return chosen
''', '''\
from MODULE import commands


def test_wink():
    assert commands("00001") == ["wink"]


def test_double_blink():
    assert commands("00010") == ["double blink"]


def test_jump():
    assert commands("01000") == ["jump"]


def test_two():
    assert commands("00011") == ["wink", "double blink"]


def test_reversed():
    assert commands("10011") == ["double blink", "wink"]


def test_nothing():
    assert commands("00000") == []


def test_all_reversed():
    assert commands("11111") == ["jump", "close your eyes", "double blink", "wink"]
''', (("missing-branch", "    bits = binary[::-1]\n", "    bits = binary\n"),
      ("off-by-one", "bits[4] == \"1\"", "bits[3] == \"1\""))),

    PythonExercise(
        "rna", "Write `to_rna(dna)`: each nucleotide replaced by its complement (G->C, C->G, T->A, A->U).",
        '''\
COMPLEMENT = str.maketrans("GCTA", "CGAU")


def to_rna(dna):
    return dna.translate(COMPLEMENT)
''', '''\
from MODULE import to_rna


def test_empty():
    assert to_rna("") == ""


def test_cytosine():
    assert to_rna("C") == "G"


def test_thymine():
    assert to_rna("T") == "A"


def test_adenine():
    assert to_rna("A") == "U"


def test_strand():
    assert to_rna("ACGTGGTCTTAA") == "UGCACCAGAAUU"
''', (("wrong-logic", 'str.maketrans("GCTA", "CGAU")', 'str.maketrans("GCTA", "CGAT")'),
      ("missing-branch", 'str.maketrans("GCTA", "CGAU")', 'str.maketrans("GCT", "CGA")'))),

    PythonExercise(
        "inventory", "Write `create_inventory(items)`, `add_items(inventory, items)`, `remove_item(inventory, item)` "
        "(counts never go below zero) and `list_inventory(inventory)` ((item, count) pairs with a count above 0).",
        '''\
def create_inventory(items):
    return add_items({}, items)


def add_items(inventory, items):
    for item in items:
        inventory[item] = inventory.get(item, 0) + 1
    return inventory


def remove_item(inventory, item):
    if item in inventory and inventory[item] > 0:
        inventory[item] -= 1
    return inventory


def list_inventory(inventory):
    return [(item, count) for item, count in inventory.items() if count > 0]
''', '''\
from MODULE import add_items, create_inventory, list_inventory, remove_item


def test_create():
    assert create_inventory(["wood", "iron", "wood"]) == {"wood": 2, "iron": 1}


def test_add():
    assert add_items({"wood": 1}, ["wood", "gold"]) == {"wood": 2, "gold": 1}


def test_remove():
    assert remove_item({"wood": 2}, "wood") == {"wood": 1}


def test_remove_never_negative():
    assert remove_item({"wood": 0}, "wood") == {"wood": 0}


def test_remove_missing():
    assert remove_item({"wood": 1}, "gold") == {"wood": 1}


def test_list():
    assert list_inventory({"wood": 2, "iron": 0, "gold": 1}) == [("wood", 2), ("gold", 1)]
''', (("missing-branch", "if item in inventory and inventory[item] > 0:", "if item in inventory:"),
      ("off-by-one", "if count > 0]", "if count > 1]")), package=True),

    PythonExercise(
        "two_fer", "Write `two_fer(name='you')`: 'One for NAME, one for me.'.",
        '''\
def two_fer(name="you"):
    return f"One for {name}, one for me."
''', '''\
from MODULE import two_fer


def test_no_name():
    assert two_fer() == "One for you, one for me."


def test_name():
    assert two_fer("Alice") == "One for Alice, one for me."


def test_another_name():
    assert two_fer("Bob") == "One for Bob, one for me."


def test_empty_name_is_a_name():
    assert two_fer("") == "One for , one for me."


def test_spaces_kept():
    assert two_fer("Mary Ann") == "One for Mary Ann, one for me."
''', (("wrong-logic", 'f"One for {name}, one for me."', 'f"One for {name or \'you\'}, one for me."'),
      ("wrong-logic", 'one for me."', 'one for me!"'))),

    PythonExercise(
        "change", "Write `find_fewest_coins(coins, target)`: the fewest coins (ascending) summing to target; a "
        "negative target or an impossible one raises ValueError.",
        '''\
def find_fewest_coins(coins, target):
    if target < 0:
        raise ValueError("target can't be negative")
    best = [[]] + [None] * target
    for amount in range(1, target + 1):
        for coin in coins:
            if coin <= amount and best[amount - coin] is not None:
                candidate = [*best[amount - coin], coin]
                if best[amount] is None or len(candidate) < len(best[amount]):
                    best[amount] = candidate
    if best[target] is None:
        raise ValueError("can't make target with given coins")
    return sorted(best[target])
''', '''\
import pytest

from MODULE import find_fewest_coins


def test_single_coin():
    assert find_fewest_coins([1, 5, 10, 25, 100], 25) == [25]


def test_several():
    assert find_fewest_coins([1, 5, 10, 25, 100], 15) == [5, 10]


def test_not_greedy():
    assert find_fewest_coins([1, 4, 15, 20, 50], 23) == [4, 4, 15]


def test_large():
    assert find_fewest_coins([1, 2, 5, 10, 20, 50, 100], 999) == [2, 2, 5, 20, 20, 50, 100, 100, 100, 100, 100,
                                                                  100, 100, 100, 100]


def test_zero():
    assert find_fewest_coins([1, 5, 10, 21, 25], 0) == []


def test_impossible():
    with pytest.raises(ValueError, match="can't make target"):
        find_fewest_coins([5, 10], 3)


def test_negative():
    with pytest.raises(ValueError, match="negative"):
        find_fewest_coins([1, 2, 5], -5)
''', (("off-by-one", "for amount in range(1, target + 1):", "for amount in range(1, target):"),
      ("wrong-logic", "len(candidate) < len(best[amount])", "len(candidate) > len(best[amount])"))),
)
