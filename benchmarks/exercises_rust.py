"""The Rust half of the exercise corpus (issue 14): crates of our own, src/lib.rs and tests/NAME.rs (the first test
runs, the rest are #[ignore]d, as exercise repositories ship them), no dependencies. Mistakes and style variants
are (kind, text in the solution, what the variant puts there); style kinds name the clippy lint they trigger."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RustExercise:
    name: str                                   # the crate
    instructions: str
    solution: str
    tests: str                                  # `use MODULE::*;`
    mistakes: tuple[tuple[str, str, str], ...]
    style: tuple[tuple[str, str, str], ...]     # correct, but clippy (default lints) warns


EXERCISES: tuple[RustExercise, ...] = (
    RustExercise(
        "leap", "Write `is_leap_year(year: u64) -> bool`: divisible by 4, except centuries unless divisible by 400.",
        '''\
pub fn is_leap_year(year: u64) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}
''', '''\
use MODULE::*;

#[test]
fn year_not_divisible_by_4() {
    assert!(!is_leap_year(2015));
}

#[test]
#[ignore]
fn year_divisible_by_4() {
    assert!(is_leap_year(1996));
}

#[test]
#[ignore]
fn century() {
    assert!(!is_leap_year(1900));
}

#[test]
#[ignore]
fn four_hundred() {
    assert!(is_leap_year(2000));
}

#[test]
#[ignore]
fn divisible_by_2_only() {
    assert!(!is_leap_year(1970));
}
''', (("missing-branch", "year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))",
       "year.is_multiple_of(4)"),
      ("wrong-logic", " || year.is_multiple_of(400))", ")")),
        (("manual_is_multiple_of", "year.is_multiple_of(4) &&", "year % 4 == 0 &&"),
         ("needless_return", "    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))\n",
          "    return year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));\n"))),

    RustExercise(
        "raindrops", "Write `raindrops(n: u32) -> String`: Pling for 3, Plang for 5, Plong for 7, else the number.",
        '''\
pub fn raindrops(n: u32) -> String {
    let mut sound = String::new();
    for (factor, word) in [(3, "Pling"), (5, "Plang"), (7, "Plong")] {
        if n.is_multiple_of(factor) {
            sound.push_str(word);
        }
    }
    if sound.is_empty() {
        n.to_string()
    } else {
        sound
    }
}
''', '''\
use MODULE::*;

#[test]
fn one() {
    assert_eq!(raindrops(1), "1");
}

#[test]
#[ignore]
fn three() {
    assert_eq!(raindrops(3), "Pling");
}

#[test]
#[ignore]
fn thirty_five() {
    assert_eq!(raindrops(35), "PlangPlong");
}

#[test]
#[ignore]
fn all_three() {
    assert_eq!(raindrops(105), "PlingPlangPlong");
}

#[test]
#[ignore]
fn fifty_two() {
    assert_eq!(raindrops(52), "52");
}
''', (("missing-branch", '(5, "Plang"), (7, "Plong")', '(5, "Plang")'),
      ("wrong-logic", "sound.push_str(word);", "sound = word.to_string();")),
        (("manual_is_multiple_of", "if n.is_multiple_of(factor) {", "if n % factor == 0 {"),
         ("len_zero", "if sound.is_empty() {", "if sound.len() == 0 {"))),

    RustExercise(
        "hamming", "Write `hamming_distance(a: &str, b: &str) -> Option<usize>`: positions that differ; None when "
        "the lengths differ.",
        '''\
pub fn hamming_distance(a: &str, b: &str) -> Option<usize> {
    if a.len() != b.len() {
        return None;
    }
    Some(a.chars().zip(b.chars()).filter(|(x, y)| x != y).count())
}
''', '''\
use MODULE::*;

#[test]
fn empty() {
    assert_eq!(hamming_distance("", ""), Some(0));
}

#[test]
#[ignore]
fn identical() {
    assert_eq!(hamming_distance("GGACTGAAATCTG", "GGACTGAAATCTG"), Some(0));
}

#[test]
#[ignore]
fn long() {
    assert_eq!(hamming_distance("GGACGGATTCTG", "AGGACGGATTCT"), Some(9));
}

#[test]
#[ignore]
fn first_longer() {
    assert_eq!(hamming_distance("AATG", "AAA"), None);
}

#[test]
#[ignore]
fn second_longer() {
    assert_eq!(hamming_distance("ATA", "AGTG"), None);
}
''', (("missing-branch", "    if a.len() != b.len() {\n        return None;\n    }\n", ""),
      ("wrong-logic", ".filter(|(x, y)| x != y)", ".filter(|(x, y)| x == y)")),
        (("needless_return", "    Some(a.chars().zip(b.chars()).filter(|(x, y)| x != y).count())\n",
          "    return Some(a.chars().zip(b.chars()).filter(|(x, y)| x != y).count());\n"),
         ("redundant_closure", ".zip(b.chars())", ".zip(b.chars().map(|c| char::from(c)))"))),

    RustExercise(
        "armstrong", "Write `is_armstrong_number(n: u32) -> bool`: the sum of its digits each to the power of the "
        "number of digits is n.",
        '''\
pub fn is_armstrong_number(n: u32) -> bool {
    let digits = n.to_string();
    let power = digits.len() as u32;
    let sum: u64 = digits.chars().map(|d| u64::from(d.to_digit(10).unwrap()).pow(power)).sum();
    sum == u64::from(n)
}
''', '''\
use MODULE::*;

#[test]
fn zero() {
    assert!(is_armstrong_number(0));
}

#[test]
#[ignore]
fn single_digit() {
    assert!(is_armstrong_number(5));
}

#[test]
#[ignore]
fn two_digits() {
    assert!(!is_armstrong_number(10));
}

#[test]
#[ignore]
fn three_digits() {
    assert!(is_armstrong_number(153));
}

#[test]
#[ignore]
fn seven_digits() {
    assert!(is_armstrong_number(9_926_315));
}

#[test]
#[ignore]
fn not_seven_digits() {
    assert!(!is_armstrong_number(9_926_314));
}
''', (("off-by-one", "let power = digits.len() as u32;", "let power = digits.len() as u32 - 1;"),
      ("wrong-logic", "let power = digits.len() as u32;", "let power = 3;")),
        (("let_and_return", "    sum == u64::from(n)\n", "    let result = sum == u64::from(n);\n    result\n"),
         ("bool_comparison", "    sum == u64::from(n)\n", "    (sum == u64::from(n)) == true\n"))),

    RustExercise(
        "nth_prime", "Write `nth(n: u32) -> u32`: the prime at 0-based index n (nth(0) is 2).",
        '''\
fn is_prime(candidate: u32) -> bool {
    (2..).take_while(|d| d * d <= candidate).all(|d| !candidate.is_multiple_of(d))
}

pub fn nth(n: u32) -> u32 {
    (2..).filter(|&c| is_prime(c)).nth(n as usize).unwrap()
}
''', '''\
use MODULE::*;

#[test]
fn first() {
    assert_eq!(nth(0), 2);
}

#[test]
#[ignore]
fn second() {
    assert_eq!(nth(1), 3);
}

#[test]
#[ignore]
fn third() {
    assert_eq!(nth(2), 5);
}

#[test]
#[ignore]
fn sixth() {
    assert_eq!(nth(5), 13);
}

#[test]
#[ignore]
fn big() {
    assert_eq!(nth(10_000), 104_743);
}
''', (("off-by-one", "take_while(|d| d * d <= candidate)", "take_while(|d| d * d < candidate)"),
      ("off-by-one", ".nth(n as usize)", ".nth(n as usize + 1)")),
        (("manual_is_multiple_of", ".all(|d| !candidate.is_multiple_of(d))", ".all(|d| candidate % d != 0)"),
         ("clone_on_copy", ".filter(|&c| is_prime(c))", ".filter(|&c| is_prime(c.clone()))"))),

    RustExercise(
        "sieve", "Write `primes_up_to(limit: u64) -> Vec<u64>`: the primes up to and including limit, sieved.",
        '''\
pub fn primes_up_to(limit: u64) -> Vec<u64> {
    let size = limit as usize + 1;
    let mut marked = vec![false; size];
    let mut primes = Vec::new();
    for number in 2..size {
        if !marked[number] {
            primes.push(number as u64);
            let mut multiple = number * number;
            while multiple < size {
                marked[multiple] = true;
                multiple += number;
            }
        }
    }
    primes
}
''', '''\
use MODULE::*;

#[test]
fn limit_one() {
    assert_eq!(primes_up_to(1), Vec::<u64>::new());
}

#[test]
#[ignore]
fn limit_two() {
    assert_eq!(primes_up_to(2), vec![2]);
}

#[test]
#[ignore]
fn limit_ten() {
    assert_eq!(primes_up_to(10), vec![2, 3, 5, 7]);
}

#[test]
#[ignore]
fn limit_is_prime() {
    assert_eq!(primes_up_to(13), vec![2, 3, 5, 7, 11, 13]);
}

#[test]
#[ignore]
fn thousand() {
    assert_eq!(primes_up_to(1000).len(), 168);
}
''', (("off-by-one", "let size = limit as usize + 1;", "let size = limit as usize;"),
      ("wrong-logic", "multiple += number;", "multiple += 2;")),
        (("needless_return", "    primes\n}", "    return primes;\n}"),
         ("clone_on_copy", "primes.push(number as u64);", "primes.push(number.clone() as u64);"))),

    RustExercise(
        "collatz", "Write `collatz(n: u64) -> Option<u64>`: the steps to reach 1 (halve if even, else 3n + 1); None "
        "for 0.",
        '''\
pub fn collatz(mut n: u64) -> Option<u64> {
    if n == 0 {
        return None;
    }
    let mut steps = 0;
    while n != 1 {
        n = if n.is_multiple_of(2) { n / 2 } else { 3 * n + 1 };
        steps += 1;
    }
    Some(steps)
}
''', '''\
use MODULE::*;

#[test]
fn one() {
    assert_eq!(collatz(1), Some(0));
}

#[test]
#[ignore]
fn sixteen() {
    assert_eq!(collatz(16), Some(4));
}

#[test]
#[ignore]
fn twelve() {
    assert_eq!(collatz(12), Some(9));
}

#[test]
#[ignore]
fn million() {
    assert_eq!(collatz(1_000_000), Some(152));
}

#[test]
#[ignore]
fn zero() {
    assert_eq!(collatz(0), None);
}
''', (("off-by-one", "let mut steps = 0;", "let mut steps = 1;"),
      ("wrong-logic", "while n != 1 {", "while n > 2 {")),
        (("manual_is_multiple_of", "n = if n.is_multiple_of(2) {", "n = if n % 2 == 0 {"),
         ("needless_return", "    Some(steps)\n}", "    return Some(steps);\n}"))),

    RustExercise(
        "grains", "Write `square(s: u32) -> u64` (grains on square s, doubling from 1; panics outside 1-64 with "
        "'Square must be between 1 and 64') and `total() -> u64`.",
        '''\
pub fn square(s: u32) -> u64 {
    if !(1..=64).contains(&s) {
        panic!("Square must be between 1 and 64");
    }
    1 << (s - 1)
}

pub fn total() -> u64 {
    (1..=64).map(square).sum()
}
''', '''\
use MODULE::*;

#[test]
fn first() {
    assert_eq!(square(1), 1);
}

#[test]
#[ignore]
fn sixteenth() {
    assert_eq!(square(16), 32_768);
}

#[test]
#[ignore]
fn last() {
    assert_eq!(square(64), 9_223_372_036_854_775_808);
}

#[test]
#[ignore]
#[should_panic(expected = "Square must be between 1 and 64")]
fn zero() {
    square(0);
}

#[test]
#[ignore]
#[should_panic(expected = "Square must be between 1 and 64")]
fn sixty_five() {
    square(65);
}

#[test]
#[ignore]
fn sum() {
    assert_eq!(total(), 18_446_744_073_709_551_615);
}
''', (("off-by-one", "if !(1..=64).contains(&s) {", "if !(1..64).contains(&s) {"),
      ("off-by-one", "(1..=64).map(square).sum()", "(1..64).map(square).sum()")),
        (("manual_range_contains", "if !(1..=64).contains(&s) {", "if s < 1 || s > 64 {"),
         ("redundant_closure", "(1..=64).map(square).sum()", "(1..=64).map(|s| square(s)).sum()"))),

    RustExercise(
        "clock", "Write a `Clock` with `Clock::new(hours, minutes)` (i32s, rolling over), `add_minutes(self, "
        "minutes)`, `Display` as HH:MM, and equality of the same time.",
        '''\
use std::fmt;

const DAY: i32 = 24 * 60;

#[derive(Debug, PartialEq, Eq)]
pub struct Clock {
    minutes: i32,
}

impl Clock {
    pub fn new(hours: i32, minutes: i32) -> Self {
        Clock { minutes: (hours * 60 + minutes).rem_euclid(DAY) }
    }

    pub fn add_minutes(&self, minutes: i32) -> Self {
        Clock::new(0, self.minutes + minutes)
    }
}

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}
''', '''\
use MODULE::*;

#[test]
fn on_the_hour() {
    assert_eq!(Clock::new(8, 0).to_string(), "08:00");
}

#[test]
#[ignore]
fn past_midnight() {
    assert_eq!(Clock::new(25, 0).to_string(), "01:00");
}

#[test]
#[ignore]
fn negative() {
    assert_eq!(Clock::new(-1, -40).to_string(), "22:20");
}

#[test]
#[ignore]
fn add_across_midnight() {
    assert_eq!(Clock::new(23, 59).add_minutes(2).to_string(), "00:01");
}

#[test]
#[ignore]
fn subtract() {
    assert_eq!(Clock::new(0, 3).add_minutes(-4).to_string(), "23:59");
}

#[test]
#[ignore]
fn equal() {
    assert_eq!(Clock::new(15, 37), Clock::new(-9, 37));
}
''', (("missing-branch", "(hours * 60 + minutes).rem_euclid(DAY)", "(hours * 60 + minutes) % DAY"),
      ("wrong-logic", "Clock::new(0, self.minutes + minutes)", "Clock::new(0, self.minutes + minutes.abs())")),
        (("redundant_field_names", "        Clock { minutes: (hours * 60 + minutes).rem_euclid(DAY) }\n",
          "        let minutes = (hours * 60 + minutes).rem_euclid(DAY);\n        Clock { minutes: minutes }\n"),
         ("needless_return", "        Clock::new(0, self.minutes + minutes)\n",
          "        return Clock::new(0, self.minutes + minutes);\n"))),

    RustExercise(
        "roman", "Write `to_roman(n: u32) -> String` for 1 to 3999.",
        '''\
const NUMERALS: &[(u32, &str)] = &[
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
    (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
];

pub fn to_roman(mut n: u32) -> String {
    let mut out = String::new();
    for &(value, letters) in NUMERALS {
        while n >= value {
            out.push_str(letters);
            n -= value;
        }
    }
    out
}
''', '''\
use MODULE::*;

#[test]
fn one() {
    assert_eq!(to_roman(1), "I");
}

#[test]
#[ignore]
fn four() {
    assert_eq!(to_roman(4), "IV");
}

#[test]
#[ignore]
fn forty_nine() {
    assert_eq!(to_roman(49), "XLIX");
}

#[test]
#[ignore]
fn ninety_four() {
    assert_eq!(to_roman(1994), "MCMXCIV");
}

#[test]
#[ignore]
fn biggest() {
    assert_eq!(to_roman(3999), "MMMCMXCIX");
}
''', (("off-by-one", "while n >= value {", "while n > value {"),
      ("missing-branch", '(5, "V"), (4, "IV"), (1, "I"),', '(5, "V"), (1, "I"),')),
        (("needless_return", "    out\n}", "    return out;\n}"),
         ("let_and_return", "    out\n}", "    let numeral = out;\n    numeral\n}"))),

    RustExercise(
        "run_length", "Write `encode(text: &str) -> String` and `decode(text: &str) -> String` for run-length "
        "encoding: `AAB` is `2AB`.",
        '''\
pub fn encode(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let mut run = 1;
        while i + run < chars.len() && chars[i + run] == chars[i] {
            run += 1;
        }
        if run > 1 {
            out.push_str(&run.to_string());
        }
        out.push(chars[i]);
        i += run;
    }
    out
}

pub fn decode(text: &str) -> String {
    let mut out = String::new();
    let mut count = 0;
    for c in text.chars() {
        if let Some(digit) = c.to_digit(10) {
            count = count * 10 + digit as usize;
        } else {
            out.push_str(&c.to_string().repeat(count.max(1)));
            count = 0;
        }
    }
    out
}
''', '''\
use MODULE::*;

#[test]
fn encode_empty() {
    assert_eq!(encode(""), "");
}

#[test]
#[ignore]
fn encode_singles() {
    assert_eq!(encode("XYZ"), "XYZ");
}

#[test]
#[ignore]
fn encode_runs() {
    assert_eq!(encode("WWWWWWWWWWWWBWWWWWWWWWWWWBBB"), "12WB12W3B");
}

#[test]
#[ignore]
fn decode_runs() {
    assert_eq!(decode("12WB12W3B"), "WWWWWWWWWWWWBWWWWWWWWWWWWBBB");
}

#[test]
#[ignore]
fn decode_singles() {
    assert_eq!(decode("XYZ"), "XYZ");
}

#[test]
#[ignore]
fn round_trip() {
    assert_eq!(decode(&encode("zzz ZZ  zZ")), "zzz ZZ  zZ");
}
''', (("off-by-one", "if run > 1 {", "if run > 2 {"),
      ("wrong-logic", "count = count * 10 + digit as usize;", "count = digit as usize;")),
        (("len_zero", "    while i < chars.len() {\n", "    while chars.len() != 0 && i < chars.len() {\n"),
         ("single_char_add_str", "out.push(chars[i]);", "out.push_str(&chars[i].to_string());"))),

    RustExercise(
        "isogram", "Write `check(candidate: &str) -> bool`: no letter repeats, ignoring case; spaces and hyphens may.",
        '''\
use std::collections::HashSet;

pub fn check(candidate: &str) -> bool {
    let mut seen = HashSet::new();
    candidate
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| seen.insert(c.to_ascii_lowercase()))
}
''', '''\
use MODULE::*;

#[test]
fn empty() {
    assert!(check(""));
}

#[test]
#[ignore]
fn isogram() {
    assert!(check("isogram"));
}

#[test]
#[ignore]
fn repeated() {
    assert!(!check("eleven"));
}

#[test]
#[ignore]
fn mixed_case() {
    assert!(!check("Alphabet"));
}

#[test]
#[ignore]
fn hyphens() {
    assert!(check("six-year-old"));
}
''', (("missing-branch", "seen.insert(c.to_ascii_lowercase())", "seen.insert(c)"),
      ("wrong-logic", "        .filter(|c| c.is_alphabetic())\n", "")),
        (("needless_return", """    candidate
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| seen.insert(c.to_ascii_lowercase()))
""", """    return candidate
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| seen.insert(c.to_ascii_lowercase()));
"""),
         ("bool_comparison", ".filter(|c| c.is_alphabetic())", ".filter(|c| c.is_alphabetic() == true)"))),

    RustExercise(
        "luhn", "Write `is_valid(code: &str) -> bool`: digits and spaces passing the Luhn check; one digit or less, "
        "or another character, is not valid.",
        '''\
pub fn is_valid(code: &str) -> bool {
    let digits: Vec<char> = code.chars().filter(|c| *c != ' ').collect();
    if digits.len() < 2 || !digits.iter().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let mut sum = 0;
    for (position, c) in digits.iter().rev().enumerate() {
        let mut value = c.to_digit(10).unwrap();
        if position % 2 == 1 {
            value *= 2;
            if value > 9 {
                value -= 9;
            }
        }
        sum += value;
    }
    sum % 10 == 0
}
''', '''\
use MODULE::*;

#[test]
fn single_digit() {
    assert!(!is_valid("1"));
}

#[test]
#[ignore]
fn canadian() {
    assert!(is_valid("055 444 285"));
}

#[test]
#[ignore]
fn invalid_canadian() {
    assert!(!is_valid("055 444 286"));
}

#[test]
#[ignore]
fn card() {
    assert!(is_valid("4539 3195 0343 6467"));
}

#[test]
#[ignore]
fn letters() {
    assert!(!is_valid("055a 444 285"));
}

#[test]
#[ignore]
fn nine_doubled() {
    assert!(is_valid("091"));
}
''', (("off-by-one", "if position % 2 == 1 {", "if position % 2 == 0 {"),
      ("missing-branch", "digits.len() < 2 || !digits.iter().all(|c| c.is_ascii_digit())", "digits.len() < 2")),
        (("len_zero", "if digits.len() < 2 ||", "if digits.len() == 0 || digits.len() == 1 ||"),
         ("collapsible_if", '''\
            value *= 2;
            if value > 9 {
                value -= 9;
            }
        }''', '''\
            value *= 2;
        }
        if position % 2 == 1 {
            if value > 9 {
                value -= 9;
            }
        }'''))),

    RustExercise(
        "matrix", "Write a `Matrix` parsed from rows of numbers (spaces between, new lines between rows) with "
        "`row(i)` and `column(i)` (1-based) returning `Option<Vec<u32>>`.",
        '''\
pub struct Matrix {
    rows: Vec<Vec<u32>>,
}

impl Matrix {
    pub fn new(input: &str) -> Self {
        let rows = input
            .lines()
            .map(|line| line.split_whitespace().map(|n| n.parse().unwrap()).collect())
            .collect();
        Matrix { rows }
    }

    pub fn row(&self, index: usize) -> Option<Vec<u32>> {
        self.rows.get(index.checked_sub(1)?).cloned()
    }

    pub fn column(&self, index: usize) -> Option<Vec<u32>> {
        let at = index.checked_sub(1)?;
        self.rows.iter().map(|row| row.get(at).copied()).collect()
    }
}
''', '''\
use MODULE::*;

#[test]
fn single_row() {
    assert_eq!(Matrix::new("1").row(1), Some(vec![1]));
}

#[test]
#[ignore]
fn second_row() {
    assert_eq!(Matrix::new("1 2\\n10 20").row(2), Some(vec![10, 20]));
}

#[test]
#[ignore]
fn third_column() {
    assert_eq!(Matrix::new("1 2 3\\n4 5 6\\n7 8 9").column(3), Some(vec![3, 6, 9]));
}

#[test]
#[ignore]
fn missing_row() {
    assert_eq!(Matrix::new("1 2\\n3 4").row(3), None);
}

#[test]
#[ignore]
fn missing_column() {
    assert_eq!(Matrix::new("1 2\\n3 4").column(0), None);
}
''', (("off-by-one", "self.rows.get(index.checked_sub(1)?).cloned()", "self.rows.get(index).cloned()"),
      ("wrong-logic", "row.get(at).copied()", "row.first().copied()")),
        (("redundant_field_names", "        Matrix { rows }\n", "        Matrix { rows: rows }\n"),
         ("needless_return", "        self.rows.get(index.checked_sub(1)?).cloned()\n",
          "        return self.rows.get(index.checked_sub(1)?).cloned();\n"))),

    RustExercise(
        "perfect_numbers", "Write `classify(n: u64) -> Option<Classification>` (Perfect, Abundant, Deficient by "
        "the sum of proper divisors); None for 0.",
        '''\
#[derive(Debug, PartialEq, Eq)]
pub enum Classification {
    Abundant,
    Perfect,
    Deficient,
}

pub fn classify(n: u64) -> Option<Classification> {
    if n == 0 {
        return None;
    }
    let sum: u64 = (1..=n / 2).filter(|d| n.is_multiple_of(*d)).sum();
    Some(match sum.cmp(&n) {
        std::cmp::Ordering::Equal => Classification::Perfect,
        std::cmp::Ordering::Greater => Classification::Abundant,
        std::cmp::Ordering::Less => Classification::Deficient,
    })
}
''', '''\
use MODULE::*;

#[test]
fn perfect() {
    assert_eq!(classify(28), Some(Classification::Perfect));
}

#[test]
#[ignore]
fn abundant() {
    assert_eq!(classify(12), Some(Classification::Abundant));
}

#[test]
#[ignore]
fn deficient() {
    assert_eq!(classify(13), Some(Classification::Deficient));
}

#[test]
#[ignore]
fn one() {
    assert_eq!(classify(1), Some(Classification::Deficient));
}

#[test]
#[ignore]
fn zero() {
    assert_eq!(classify(0), None);
}
''', (("off-by-one", "(1..=n / 2)", "(1..n / 2)"),
      ("wrong-logic", "std::cmp::Ordering::Less => Classification::Deficient",
       "std::cmp::Ordering::Less => Classification::Abundant")),
        (("manual_is_multiple_of", ".filter(|d| n.is_multiple_of(*d))", ".filter(|d| n % *d == 0)"),
         ("useless_conversion", "(1..=n / 2).filter(", "(1..=n / 2).into_iter().filter("))),

    RustExercise(
        "word_count", "Write `word_count(words: &str) -> HashMap<String, u32>`: lower-cased words (letters, digits, "
        "inner apostrophes) and how often each occurs.",
        '''\
use std::collections::HashMap;

pub fn word_count(words: &str) -> HashMap<String, u32> {
    let mut counts = HashMap::new();
    for word in words
        .split(|c: char| !c.is_alphanumeric() && c != '\\'')
        .map(|w| w.trim_matches('\\''))
        .filter(|w| !w.is_empty())
    {
        *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    counts
}
''', '''\
use std::collections::HashMap;

use MODULE::*;

fn expect(pairs: &[(&str, u32)]) -> HashMap<String, u32> {
    pairs.iter().map(|(w, n)| (w.to_string(), *n)).collect()
}

#[test]
fn one_word() {
    assert_eq!(word_count("word"), expect(&[("word", 1)]));
}

#[test]
#[ignore]
fn repeated() {
    assert_eq!(word_count("one fish two fish"), expect(&[("one", 1), ("fish", 2), ("two", 1)]));
}

#[test]
#[ignore]
fn punctuation() {
    assert_eq!(word_count("car: carpet, as; java!"), expect(&[("car", 1), ("carpet", 1), ("as", 1), ("java", 1)]));
}

#[test]
#[ignore]
fn case() {
    assert_eq!(word_count("Go go GO"), expect(&[("go", 3)]));
}

#[test]
#[ignore]
fn apostrophes() {
    assert_eq!(word_count("don't 'stop' me"), expect(&[("don't", 1), ("stop", 1), ("me", 1)]));
}
''', (("missing-branch", "entry(word.to_lowercase())", "entry(word.to_string())"),
      ("wrong-logic", "        .map(|w| w.trim_matches('\\''))\n", "")),
        (("needless_return", "    counts\n}", "    return counts;\n}"),
         ("len_zero", ".filter(|w| !w.is_empty())", ".filter(|w| w.len() != 0)"))),

    RustExercise(
        "sum_of_multiples", "Write `sum_of_multiples(limit: u32, factors: &[u32]) -> u32`: the sum of the distinct "
        "numbers below limit that a non-zero factor divides.",
        '''\
pub fn sum_of_multiples(limit: u32, factors: &[u32]) -> u32 {
    (1..limit)
        .filter(|n| factors.iter().any(|&f| f != 0 && n.is_multiple_of(f)))
        .sum()
}
''', '''\
use MODULE::*;

#[test]
fn none_below_one() {
    assert_eq!(sum_of_multiples(1, &[3, 5]), 0);
}

#[test]
#[ignore]
fn three_and_five_to_ten() {
    assert_eq!(sum_of_multiples(10, &[3, 5]), 23);
}

#[test]
#[ignore]
fn overlap_counted_once() {
    assert_eq!(sum_of_multiples(20, &[3, 5]), 78);
}

#[test]
#[ignore]
fn zero_factor() {
    assert_eq!(sum_of_multiples(4, &[3, 0]), 3);
}

#[test]
#[ignore]
fn big() {
    assert_eq!(sum_of_multiples(10_000, &[43, 47]), 2_203_160);
}
''', (("off-by-one", "(1..limit)", "(1..=limit)"),
      ("wrong-logic", ".any(|&f| f != 0 && n.is_multiple_of(f))", ".all(|&f| f != 0 && n.is_multiple_of(f))")),
        (("manual_is_multiple_of", "n.is_multiple_of(f))", "n % f == 0)"),
         ("bool_comparison", "f != 0 && n.is_multiple_of(f)", "f != 0 && n.is_multiple_of(f) == true"))),
)
