"""Each language's query finds the definitions (kind, qualified name, signature, lines) and references of a
realistic file, and a file that does not parse still yields what comes before its error."""

from __future__ import annotations

import json

import pytest

from forge.context.extract import SIGNATURE_CHARS, Definition, extract
from forge.context.languages import LANGUAGES, language_of, query, sniff_language


def definitions(symbols) -> list[tuple[str, str]]:
    return sorted((d.qualified, d.kind) for d in symbols.definitions)


def the(symbols, qualified: str, kind: str | None = None):
    found = [d for d in symbols.definitions if d.qualified == qualified and kind in (None, d.kind)]
    assert len(found) == 1, (qualified, symbols.definitions)
    return found[0]


def test_every_query_compiles_against_its_grammar():
    for spec in LANGUAGES:
        assert query(spec.name).pattern_count > 0


PYTHON = b'''\
import os

TIMEOUT = 30


class Client(Base):
    def fetch(self, url):
        return os.path.join(url, helper(url))


def helper(url):
    return Client(url)
'''


def test_python():
    symbols = extract(PYTHON, "python")
    assert definitions(symbols) == sorted([
        ("TIMEOUT", "constant"), ("Client", "class"), ("Client.fetch", "method"), ("helper", "function"),
    ])
    assert the(symbols, "Client.fetch").signature == "def fetch(self, url)"
    assert {"Base", "helper", "Client", "join"} <= symbols.references.keys()
    assert symbols.error_nodes == 0


RUST = b'''\
use std::collections::HashMap;

pub const MAX_SHAPES: usize = 64;
static GREETING: &str = "hello";

/// Anything with an area.
pub trait Shape {
    fn area(&self) -> f64;
    fn describe(&self) -> String {
        format!("area {}", self.area())
    }
}

#[derive(Debug, Clone)]
pub struct Circle {
    pub radius: f64,
}

pub enum Color {
    Red,
    Custom(u8, u8, u8),
}

pub type Registry = HashMap<String, Box<dyn Shape>>;

impl Circle {
    pub fn new(radius: f64) -> Self {
        Circle { radius }
    }
}

impl Shape for Circle {
    fn area(&self) -> f64 {
        std::f64::consts::PI * self.radius * self.radius
    }
}

mod geometry {
    pub fn scale(c: &super::Circle, k: f64) -> super::Circle {
        super::Circle::new(c.radius * k)
    }
}

macro_rules! square {
    ($x:expr) => {
        $x * $x
    };
}

pub fn total_area(shapes: &[Box<dyn Shape>]) -> f64 {
    let unit = Circle::new(1.0);
    let scaled = geometry::scale(&unit, 2.0);
    shapes.iter().map(|s| s.area()).sum::<f64>() + scaled.area() + square!(1.0)
}
'''


def test_rust():
    symbols = extract(RUST, "rust")
    assert definitions(symbols) == sorted([
        ("MAX_SHAPES", "constant"), ("GREETING", "constant"),
        ("Shape", "trait"), ("Shape.area", "method"), ("Shape.describe", "method"),
        ("Circle", "struct"), ("Color", "enum"), ("Registry", "type"),
        ("Circle.new", "method"), ("Circle.area", "method"),      # impl blocks name their type
        ("geometry", "module"), ("geometry.scale", "function"),
        ("square", "macro"), ("total_area", "function"),
    ])
    assert the(symbols, "Circle.new").signature == "pub fn new(radius: f64) -> Self"
    assert the(symbols, "Shape.area").signature == "fn area(&self) -> f64;"
    assert the(symbols, "Circle").signature == "pub struct Circle"
    assert the(symbols, "MAX_SHAPES").signature == "pub const MAX_SHAPES: usize = 64;"
    assert the(symbols, "square").signature == "macro_rules! square"      # not its rules
    trait = the(symbols, "Shape")
    assert (trait.start_line, trait.end_line) == (7, 12)
    total = the(symbols, "total_area")
    assert (total.start_line, total.end_line) == (50, 54)
    refs = symbols.references
    assert {"Circle", "Shape", "HashMap", "new", "scale", "geometry", "area", "square", "format"} <= refs.keys()
    assert "total_area" not in refs and "Registry" not in refs     # a definition's own name is no reference
    assert symbols.error_nodes == 0


GO = b'''\
package shapes

import (
\t"fmt"
\t"math"
)

const MaxShapes = 64

const (
\tSmall Size = iota
\tLarge
)

type Size int

// Shape is anything with an area.
type Shape interface {
\tArea() float64
\tfmt.Stringer
}

type Circle struct {
\tRadius float64
\tLabel  string
}

type Registry = map[string]Shape

func NewCircle(r float64) *Circle {
\treturn &Circle{Radius: r}
}

func (c *Circle) Area() float64 {
\treturn math.Pi * c.Radius * c.Radius
}

func (c Circle) String() string {
\treturn fmt.Sprintf("circle(%v)", c.Radius)
}

func TotalArea(shapes []Shape) float64 {
\ttotal := 0.0
\tfor _, s := range shapes {
\t\ttotal += s.Area()
\t}
\treturn total + NewCircle(1).Area()
}
'''


def test_go():
    symbols = extract(GO, "go")
    assert definitions(symbols) == sorted([
        ("MaxShapes", "constant"), ("Small", "constant"), ("Large", "constant"),
        ("Size", "type"), ("Shape", "interface"), ("Shape.Area", "method"),
        ("Circle", "struct"), ("Registry", "type"),
        ("NewCircle", "function"), ("Circle.Area", "method"), ("Circle.String", "method"),
        ("TotalArea", "function"),
    ])
    assert the(symbols, "NewCircle").signature == "func NewCircle(r float64) *Circle"
    assert the(symbols, "Circle.Area", "method").signature == "func (c *Circle) Area() float64"
    assert the(symbols, "Size").signature == "Size int"
    assert the(symbols, "MaxShapes").signature == "MaxShapes = 64"
    assert the(symbols, "Circle", "struct").signature == "Circle struct"      # not its fields
    assert the(symbols, "Shape", "interface").signature == "Shape interface"
    circle = the(symbols, "Circle")
    assert (circle.start_line, circle.end_line) == (23, 26)
    total = the(symbols, "TotalArea")
    assert (total.start_line, total.end_line) == (42, 48)
    assert {"Circle", "Shape", "Size", "NewCircle", "Area", "Sprintf", "Stringer", "fmt"} <= symbols.references.keys()
    assert symbols.error_nodes == 0


JAVA = b'''\
package com.example.shapes;

import java.util.ArrayList;
import java.util.List;

public interface Shape extends Comparable<Shape> {
    double area();

    default int compareTo(Shape other) {
        return Double.compare(area(), other.area());
    }
}

public abstract class Base implements Shape {
    public static final int MAX_SHAPES = 64, MIN_SHAPES = 1;
    private static final String UNIT = "cm";
    protected final List<Shape> children = new ArrayList<>();

    protected Base(List<Shape> children) {
        this.children.addAll(children);
    }

    @Override
    public String toString() {
        return Formatter.describe(this) + UNIT;
    }

    public enum Kind {
        ROUND, SQUARE;

        Kind flip() { return this == ROUND ? SQUARE : ROUND; }
    }

    static class Circle extends Base {
        private final double radius;

        Circle(double radius) {
            super(new ArrayList<>());
            this.radius = radius;
        }

        public double area() {
            return Math.PI * radius * radius;
        }
    }

    public record Point(int x, int y) {}
}
'''


def test_java():
    symbols = extract(JAVA, "java")
    assert definitions(symbols) == sorted([
        ("Shape", "interface"), ("Shape.area", "method"), ("Shape.compareTo", "method"),
        ("Base", "class"), ("Base.MAX_SHAPES", "constant"), ("Base.MIN_SHAPES", "constant"),
        ("Base.UNIT", "constant"),                  # static final; `final List<Shape> children` is no constant
        ("Base.Base", "method"), ("Base.toString", "method"),
        ("Base.Kind", "enum"), ("Base.Kind.flip", "method"),
        ("Base.Circle", "class"), ("Base.Circle.Circle", "method"), ("Base.Circle.area", "method"),
        ("Base.Point", "class"),
    ])
    assert the(symbols, "Base").signature == "public abstract class Base implements Shape"
    assert the(symbols, "Base.toString").signature == "@Override public String toString()"
    assert the(symbols, "Shape.area").signature == "double area();"
    assert the(symbols, "Base.MIN_SHAPES").signature == "MIN_SHAPES = 1"
    circle = the(symbols, "Base.Circle")
    assert (circle.start_line, circle.end_line) == (34, 45)
    assert {"Shape", "List", "ArrayList", "Comparable", "Formatter", "describe", "compare", "addAll",
            "Override", "Math"} <= symbols.references.keys()
    assert symbols.error_nodes == 0


C = b'''\
#include <stdio.h>
#include <stdlib.h>

#define MAX_SHAPES 64
#define SQUARE(x) ((x) * (x))

typedef enum { SHAPE_CIRCLE, SHAPE_RECT } shape_kind;

typedef struct point {
    double x, y;
} Point;

struct shape {
    shape_kind kind;
    Point origin;
    double (*area)(const struct shape *self);
};

union number { int i; double d; };

typedef int (*compare_fn)(const void *, const void *);

static const double PI = 3.14159;

static double circle_area(const struct shape *self) {
    return PI * SQUARE(self->origin.x);
}

struct shape *shape_new(shape_kind kind, Point origin);

struct shape *shape_new(shape_kind kind, Point origin) {
    struct shape *s = malloc(sizeof(struct shape));
    s->kind = kind;
    s->origin = origin;
    s->area = circle_area;
    return s;
}

int main(void) {
    Point p = {1.0, 2.0};
    struct shape *s = shape_new(SHAPE_CIRCLE, p);
    printf("%f\\n", s->area(s));
    free(s);
    return 0;
}
'''


def test_c():
    symbols = extract(C, "c")
    assert definitions(symbols) == sorted([
        ("MAX_SHAPES", "constant"), ("SQUARE", "macro"),
        ("shape_kind", "enum"), ("shape_kind.SHAPE_CIRCLE", "constant"), ("shape_kind.SHAPE_RECT", "constant"),
        ("point", "struct"), ("Point", "type"),     # typedef struct point {...} Point: both names
        ("shape", "struct"), ("number", "union"), ("compare_fn", "type"), ("PI", "constant"),
        ("circle_area", "function"),
        ("shape_new", "function"), ("shape_new", "function"),   # the prototype and the definition
        ("main", "function"),
    ])
    assert the(symbols, "circle_area").signature == "static double circle_area(const struct shape *self)"
    assert the(symbols, "compare_fn").signature == "typedef int (*compare_fn)(const void *, const void *);"
    assert the(symbols, "shape").signature == "struct shape"
    shape_new = [d for d in symbols.definitions if d.name == "shape_new"]
    assert [d.signature for d in shape_new] == ["struct shape *shape_new(shape_kind kind, Point origin);",
                                                "struct shape *shape_new(shape_kind kind, Point origin)"]
    assert [(d.start_line, d.end_line) for d in shape_new] == [(29, 29), (31, 37)]
    refs = symbols.references
    assert {"shape_new", "printf", "malloc", "SQUARE", "Point", "shape", "shape_kind", "area"} <= refs.keys()
    assert "circle_area" not in refs
    assert symbols.error_nodes == 0


CPP = b'''\
#include <memory>
#include <vector>

#define SHAPES_VERSION 2

namespace shapes {

constexpr double kPi = 3.14159;

enum class Kind { Round, Square };

using Area = double;

class Shape {
public:
    virtual ~Shape() = default;
    virtual Area area() const = 0;
    static std::unique_ptr<Shape> make(Kind kind);
};

template <typename T>
struct Box : public Shape {
    T side;
    Area area() const override { return side * side; }
};

class Circle final : public Shape {
public:
    explicit Circle(double r);
    Area area() const override;
    bool operator==(const Circle &other) const;

private:
    double radius_;
};

Circle::Circle(double r) : radius_(r) {}

Area Circle::area() const { return kPi * radius_ * radius_; }

std::unique_ptr<Shape> Shape::make(Kind kind) {
    if (kind == Kind::Round) return std::make_unique<Circle>(1.0);
    return std::make_unique<Box<double>>();
}

}  // namespace shapes

double total(const std::vector<shapes::Shape *> &all) {
    double sum = 0;
    for (auto *s : all) sum += s->area();
    return sum + shapes::Shape::make(shapes::Kind::Round)->area();
}
'''


def test_cpp():
    symbols = extract(CPP, "cpp")
    assert definitions(symbols) == sorted([
        ("SHAPES_VERSION", "constant"),
        ("shapes.kPi", "constant"),                 # a namespace only names what it holds
        ("shapes.Kind", "enum"), ("shapes.Kind.Round", "constant"), ("shapes.Kind.Square", "constant"),
        ("shapes.Area", "type"),
        ("shapes.Shape", "class"), ("shapes.Shape.~Shape", "method"), ("shapes.Shape.area", "method"),
        ("shapes.Shape.make", "method"),
        ("shapes.Box", "struct"), ("shapes.Box.area", "method"),
        ("shapes.Circle", "class"), ("shapes.Circle.Circle", "method"), ("shapes.Circle.area", "method"),
        ("shapes.Circle.operator==", "method"),
        # out-of-class definitions `Circle::Circle`, `Circle::area`, `Shape::make`: the same names as the
        # declarations in their class
        ("shapes.Circle.Circle", "method"), ("shapes.Circle.area", "method"), ("shapes.Shape.make", "method"),
        ("total", "function"),
    ])
    assert the(symbols, "shapes.Circle", "class").signature == "class Circle final : public Shape"
    assert the(symbols, "shapes.Box").signature == "struct Box : public Shape"
    area = [d for d in symbols.definitions if d.qualified == "shapes.Circle.area"]
    assert [d.signature for d in area] == ["Area area() const override;", "Area Circle::area() const"]
    make = [d for d in symbols.definitions if d.qualified == "shapes.Shape.make"]
    assert [d.signature for d in make] == ["static std::unique_ptr<Shape> make(Kind kind);",
                                           "std::unique_ptr<Shape> Shape::make(Kind kind)"]
    assert (make[1].start_line, make[1].end_line) == (41, 44)
    assert the(symbols, "total").signature == "double total(const std::vector<shapes::Shape *> &all)"
    assert {"Shape", "Circle", "Box", "Kind", "Area", "make", "make_unique", "area", "unique_ptr"} \
        <= symbols.references.keys()
    assert symbols.error_nodes == 0


JAVASCRIPT = b'''\
import { formatArea } from "./format.js";

export const MAX_SHAPES = 64;
const DEFAULTS = { unit: "cm" };
let counter = 0;

export const double = (x) => x * 2;
const square = function (x) {
  return x * x;
};

/** Anything with an area. */
export class Shape {
  static count = 0;

  constructor(name) {
    this.name = name;
    Shape.count += 1;
  }

  area() {
    return 0;
  }

  get label() {
    return formatArea(this.area(), DEFAULTS.unit);
  }

  onResize = (event) => {
    this.render(event);
  };
}

class Circle extends Shape {
  constructor(radius) {
    super("circle");
    this.radius = radius;
  }

  area() {
    return Math.PI * square(this.radius);
  }
}

export function totalArea(shapes) {
  function add(sum, shape) {
    return sum + shape.area();
  }
  return shapes.reduce(add, 0) + new Circle(1).area();
}

module.exports.makeCircle = function (r) {
  return new Circle(double(r));
};
'''


def test_javascript():
    symbols = extract(JAVASCRIPT, "javascript")
    assert definitions(symbols) == sorted([
        ("MAX_SHAPES", "constant"), ("DEFAULTS", "constant"),      # `let counter` is no constant
        ("double", "function"), ("square", "function"),            # const bound to a function is a function
        ("Shape", "class"), ("Shape.constructor", "method"), ("Shape.area", "method"), ("Shape.label", "method"),
        ("Shape.onResize", "method"),                               # a class field holding an arrow function
        ("Circle", "class"), ("Circle.constructor", "method"), ("Circle.area", "method"),
        ("totalArea", "function"), ("totalArea.add", "function"),
        ("makeCircle", "function"),
    ])
    assert the(symbols, "totalArea").signature == "function totalArea(shapes)"
    assert the(symbols, "Circle").signature == "class Circle extends Shape"
    assert the(symbols, "Shape.label").signature == "get label()"
    assert the(symbols, "makeCircle").signature == "module.exports.makeCircle = function (r)"
    assert the(symbols, "double").signature == "double = (x) =>"               # up to the function's body
    assert the(symbols, "square").signature == "square = function (x)"
    assert the(symbols, "Shape.onResize").signature == "onResize = (event) =>"
    assert the(symbols, "MAX_SHAPES").signature == "MAX_SHAPES = 64"           # a constant shows its value
    assert the(symbols, "DEFAULTS").signature == 'DEFAULTS = { unit: "cm" }'
    shape = the(symbols, "Shape")
    assert (shape.start_line, shape.end_line) == (13, 32)
    assert (the(symbols, "square").start_line, the(symbols, "square").end_line) == (8, 10)
    assert {"Shape", "Circle", "formatArea", "square", "double", "add", "reduce", "area", "Math"} \
        <= symbols.references.keys()
    assert symbols.error_nodes == 0


TYPESCRIPT = b'''\
import { Logger } from "./logger";

export const MAX_SHAPES: number = 64;
export const double = (x: number): number => x * 2;

export interface Shape {
  readonly name: string;
  area(): number;
}

export type ShapeMap = Map<string, Shape>;

export enum Kind {
  Round = "round",
  Square = "square",
}

declare function measure(shape: Shape): number;

export abstract class Base implements Shape {
  constructor(public readonly name: string, private logger?: Logger) {}

  abstract area(): number;

  describe(): string {
    this.logger?.info(this.name);
    return `${this.name}: ${this.area()}`;
  }
}

export class Circle extends Base {
  constructor(private radius: number) {
    super("circle");
  }

  area(): number {
    return Math.PI * this.radius ** 2;
  }
}

export namespace Geometry {
  export function scale(shape: Circle, k: number): Circle {
    return new Circle(shape.area() * k);
  }
}

export function totalArea(shapes: ShapeMap): number {
  let total = 0;
  shapes.forEach((s: Shape) => (total += s.area()));
  return total + Geometry.scale(new Circle(1), 2).area();
}
'''


@pytest.mark.parametrize("language", ["typescript", "tsx"])
def test_typescript(language):
    symbols = extract(TYPESCRIPT, language)
    assert definitions(symbols) == sorted([
        ("MAX_SHAPES", "constant"), ("double", "function"),
        ("Shape", "interface"), ("Shape.area", "method"), ("ShapeMap", "type"), ("Kind", "enum"),
        ("measure", "function"),
        ("Base", "class"), ("Base.constructor", "method"), ("Base.area", "method"), ("Base.describe", "method"),
        ("Circle", "class"), ("Circle.constructor", "method"), ("Circle.area", "method"),
        ("Geometry.scale", "function"),                             # a namespace only names what it holds
        ("totalArea", "function"),
    ])
    assert the(symbols, "totalArea").signature == "function totalArea(shapes: ShapeMap): number"
    assert the(symbols, "Base").signature == "abstract class Base implements Shape"
    assert the(symbols, "Shape.area").signature == "area(): number"
    assert the(symbols, "ShapeMap").signature == "type ShapeMap = Map<string, Shape>;"
    assert the(symbols, "double").signature == "double = (x: number): number =>"
    assert the(symbols, "MAX_SHAPES").signature == "MAX_SHAPES: number = 64"
    base = the(symbols, "Base")
    assert (base.start_line, base.end_line) == (20, 29)
    refs = symbols.references
    assert {"Logger", "Shape", "ShapeMap", "Map", "Base", "Circle", "Geometry", "scale", "area"} <= refs.keys()
    assert "Kind" not in refs and "totalArea" not in refs
    assert symbols.error_nodes == 0


TSX = b'''\
import React from "react";
import { Button } from "./ui";

export const THEME = "dark";

export interface CardProps {
  title: string;
  onOpen?: () => void;
}

type State = { open: boolean };

export const Card = ({ title, onOpen }: CardProps) => {
  const [open, setOpen] = React.useState<State>({ open: false });
  return (
    <ui.Panel title={title}>
      <Button onClick={() => setOpen({ open: !open.open })}>{title}</Button>
      <div className="body" />
    </ui.Panel>
  );
};

export function App(): JSX.Element {
  return <Card title="hello" />;
}

export class Counter extends React.Component<CardProps, State> {
  state: State = { open: false };

  render() {
    return <Card title={String(this.state.open)} />;
  }
}
'''


def test_tsx():
    symbols = extract(TSX, "tsx")
    assert definitions(symbols) == sorted([
        ("THEME", "constant"), ("CardProps", "interface"), ("State", "type"),
        ("Card", "function"), ("App", "function"), ("Counter", "class"), ("Counter.render", "method"),
    ])
    card = the(symbols, "Card")
    assert (card.start_line, card.end_line) == (13, 21)
    assert card.signature == "Card = ({ title, onOpen }: CardProps) =>"
    refs = symbols.references
    assert {"Button", "Card", "Panel", "CardProps", "State", "Component", "useState"} <= refs.keys()
    assert refs["Card"] == 2                    # the components rendered, not the tags of plain elements
    assert "div" not in refs
    assert symbols.error_nodes == 0


def test_javascript_renders_components_too():
    symbols = extract(b"const App = () => <Layout><ui.Card /><div /></Layout>;\n", "javascript")
    assert [(d.qualified, d.kind) for d in symbols.definitions] == [("App", "function")]
    assert {"Layout", "Card"} <= symbols.references.keys() and "div" not in symbols.references


@pytest.mark.parametrize(("language", "source", "expected"), [
    ("rust",
     b"pub struct Good { x: i32 }\n\nfn before(a: i32) -> i32 { a + 1 }\n\nfn broken( {\n    let = ;\n}\n",
     [("Good", "struct"), ("before", "function")]),
    ("go",
     b"package p\n\ntype Good struct{ X int }\n\nfunc Before() int { return 1 }\n\nfunc broken( {\n\treturn\n",
     [("Good", "struct"), ("Before", "function")]),
    ("typescript",
     b"export class Good {\n  ok(): number { return 1; }\n}\n\nexport function before(a: number) { return a; }\n\n"
     b"function broken(a: number {\n  return a +;\n}\n",
     [("Good", "class"), ("Good.ok", "method"), ("before", "function")]),
    ("java",
     b"class Good {\n  int ok() { return 1; }\n}\n\nclass Broken {\n  void f( {\n}\n",
     [("Good", "class"), ("Good.ok", "method")]),
])
def test_a_file_that_does_not_parse_keeps_what_comes_before_the_error(language, source, expected):
    symbols = extract(source, language)
    assert symbols.error_nodes > 0
    found = [(d.qualified, d.kind) for d in symbols.definitions]
    assert found[:len(expected)] == expected


def test_a_macro_keeps_its_head_and_ends_on_its_own_line():
    symbols = extract(b"#define MAX 10\n#define SQ(x) ((x)*(x))\nint f(void) { return MAX; }\n", "c")
    assert the(symbols, "MAX").signature == "#define MAX"
    assert (the(symbols, "MAX").start_line, the(symbols, "MAX").end_line) == (1, 1)
    assert the(symbols, "SQ").signature.startswith("#define SQ(x)")
    assert (the(symbols, "f").start_line, the(symbols, "f").end_line) == (3, 3)


DECORATED = b"""\
import functools


class Temperature:
    @property
    def celsius(self) -> float:
        return self._c

    @celsius.setter
    def celsius(self, value: float) -> None:
        self._c = value

    @staticmethod
    @functools.lru_cache(maxsize=None, typed=False)
    def parse(text):
        return float(text)


@dataclass(frozen=True)
class Reading:
    value: float


def plain():
    pass
"""


def test_a_decorated_definition_starts_at_its_first_decorator():
    symbols = extract(DECORATED, "python")
    assert definitions(symbols) == sorted([
        ("Temperature", "class"), ("Temperature.celsius", "method"), ("Temperature.celsius", "method"),
        ("Temperature.parse", "method"), ("Reading", "class"), ("plain", "function"),
    ])                                  # each decorated def once, not also as `celsius.celsius`
    getter, setter = [d for d in symbols.definitions if d.name == "celsius"]
    assert (getter.start_line, getter.end_line) == (5, 7)
    assert (setter.start_line, setter.end_line) == (9, 11)
    assert getter.signature == "@property def celsius(self) -> float"
    assert setter.signature == "@celsius.setter def celsius(self, value: float) -> None"
    parse = the(symbols, "Temperature.parse")
    assert (parse.start_line, parse.end_line) == (13, 16)
    assert parse.signature == "@staticmethod @functools.lru_cache(…) def parse(text)"    # a long decorator shortened
    reading = the(symbols, "Reading")
    assert (reading.start_line, reading.end_line) == (19, 21)
    assert reading.signature == "@dataclass(frozen=True) class Reading"
    assert (the(symbols, "plain").start_line, the(symbols, "plain").signature) == (24, "def plain()")
    assert {"property", "staticmethod", "lru_cache", "dataclass"} <= symbols.references.keys()


@pytest.mark.parametrize(("language", "source", "expected"), [
    ("python",
     b"X = 1\n\nclass A:\n    class B:\n        def m(self):\n            def helper():\n                class Local:\n"
     b"                    def inner(self): pass\n\n@deco\ndef f():\n    @deco\n    def g(): pass\n",
     [("X", False), ("A", False), ("A.B", False), ("A.B.m", False), ("A.B.m.helper", True),
      ("A.B.m.helper.Local", True), ("A.B.m.helper.Local.inner", True), ("f", False), ("f.g", True)]),
    ("javascript",
     b"class A { m() { function h() {} } }\nfunction f() { class L { n() {} } }\nconst g = () => 1;\n",
     [("A", False), ("A.m", False), ("A.m.h", True), ("f", False), ("f.L", True), ("f.L.n", True), ("g", False)]),
    ("rust",
     b"mod m { pub struct S; impl S { fn a(&self) { fn b() {} } } }\nfn f() { struct T; const C: i32 = 1; }\n",
     [("m", False), ("m.S", False), ("m.S.a", False), ("m.S.a.b", True), ("f", False), ("f.T", True),
      ("f.C", True)]),
    ("java",
     b"class A { class B { void m() { class L { void n() {} } } } }\n",
     [("A", False), ("A.B", False), ("A.B.m", False), ("A.B.m.L", True), ("A.B.m.L.n", True)]),
    ("cpp",
     b"namespace n { struct S { void a() { struct L { int g() { return 1; } }; } }; }\n",
     [("n.S", False), ("n.S.a", False), ("n.S.a.L", True), ("n.S.a.L.g", True)]),
])
def test_a_definition_inside_a_function_body_is_local(language, source, expected):
    symbols = extract(source, language)
    assert [(d.qualified, d.local) for d in symbols.definitions] == expected


def test_a_definition_round_trips_through_json_as_a_list():
    definition = extract(b"def f():\n    def g(): pass\n", "python").definitions[1]
    row = json.loads(json.dumps(definition))
    assert row[-1] is True and Definition._make(row) == definition


CPP_OUT_OF_CLASS = b"""\
namespace geo {
class Circle {
public:
    ~Circle();
    double area() const;
    Circle &operator=(const Circle &other);
};

double Circle::area() const { return 3.14 * r_ * r_; }
Circle::~Circle() {}
Circle &Circle::operator=(const Circle &other) { return *this; }
}  // namespace geo

namespace a { template <typename T> struct B { int *f(); }; }

template <typename T>
int *a::B<T>::f() {
    struct Local { int g() { return 1; } };
    return nullptr;
}

double geo::Circle::perimeter() const { return 0; }
"""


def test_cpp_out_of_class_definitions_are_methods_of_their_class():
    symbols = extract(CPP_OUT_OF_CLASS, "cpp")
    out_of_class = [(d.qualified, d.kind, d.start_line) for d in symbols.definitions if d.start_line >= 9]
    assert out_of_class == [
        ("geo.Circle.area", "method", 9), ("geo.Circle.~Circle", "method", 10), ("geo.Circle.operator=", "method", 11),
        ("a.B", "struct", 14), ("a.B.f", "method", 14),
        ("a.B.f", "method", 17),            # `a::B<T>::f`: the qualifier a.B, without template arguments
        ("a.B.f.Local", "struct", 18), ("a.B.f.Local.g", "method", 18),
        ("geo.Circle.perimeter", "method", 22),
    ]
    assert [d.local for d in symbols.definitions if d.name in ("Local", "g")] == [True, True]
    area = [d for d in symbols.definitions if d.qualified == "geo.Circle.area"]
    assert [d.signature for d in area] == ["double area() const;", "double Circle::area() const"]


def test_a_body_capture_ends_the_signature():
    source = (b"export const formatUser = (u: User): string =>\n  `${u.first} ${u.last}`;\n"
              b"exports.f = function (a) {\n  return a;\n};\n"
              b"export const Widget = class extends Base {\n  x = 1;\n};\n"
              b"export const TABLE = [" + b", ".join(b"%d" % i for i in range(200)) + b"];\n")
    symbols = extract(source, "typescript")
    assert the(symbols, "formatUser").signature == "formatUser = (u: User): string =>"
    assert the(symbols, "f").signature == "exports.f = function (a)"
    assert the(symbols, "Widget").signature == "Widget = class extends Base"
    table = the(symbols, "TABLE")
    assert table.signature.startswith("TABLE = [0, 1, 2") and len(table.signature) == SIGNATURE_CHARS
    assert table.signature.endswith("…")


@pytest.mark.parametrize(("head", "language"), [
    (b"#pragma once\n#include <vector>\n\nstd::vector<int> squares(int n);\n", "cpp"),
    (b"#ifndef SHAPE_H\n#define SHAPE_H\nclass Shape {\npublic:\n  virtual ~Shape();\n};\n#endif\n", "cpp"),
    (b"namespace geo {\nint area();\n}\n", "cpp"),
    (b"template <typename T>\nT largest(T a, T b);\n", "cpp"),
    (b"struct Circle : public Shape {\n  double r;\n};\n", "cpp"),
    (b"class EXPORT Engine;\n", "cpp"),
    (b"int Engine::start(void);\n", "cpp"),
    # plain C, C++ words in comments and strings, and the `extern "C"` a C header keeps for C++ compilers
    (b"/* A class of helpers; see namespace rules.\n * class Foo {\n * template <T> public: */\n"
     b"// std::vector in C++\n#include <stdio.h>\nstruct point { int x, y; };\nint area(struct point *p);\n", "c"),
    (b'#define URL "http://a::b/namespace {"\nstatic const char *s = "class A {";\n', "c"),
    (b'#ifdef __cplusplus\nextern "C" {\n#endif\nint f(void);\n#ifdef __cplusplus\n}\n#endif\n', "c"),
    (b"int f(void);\n#if defined(__cplusplus)\nnamespace c { template <class T> T g(); }\n#endif\n", "c"),
    (b"#ifndef __cplusplus\ntypedef int bool;\n#else\nclass Wrapper {};\n#endif\n", "c"),
    (b"[[gnu::unused]] static int counter;\n", "c"),
    # a version test opens C++-only code: the header is C++
    (b"#if __cplusplus >= 201103L\nnamespace std {\n}\n#endif\n", "cpp"),
])
def test_a_header_is_cpp_when_its_head_shows_cpp(head, language):
    assert sniff_language("include/shape.h", head).name == language


def test_only_a_dot_h_header_is_sniffed():
    assert sniff_language("src/main.c", b"class A {};\n").name == "c"
    assert sniff_language("src/a.hpp", b"int f(void);\n").name == "cpp"
    assert sniff_language("src/a.py", b"class A:\n    pass\n") is language_of("src/a.py")
    assert sniff_language("README", b"namespace a {") is None
    # only the first 64 KB count
    assert sniff_language("big.h", b"int x;\n" * 10_000 + b"namespace late {\n}\n").name == "c"
