import pytest

from calc.ops import add, divide


def test_add():
    assert add(2, 3) == 5


def test_divide():
    assert divide(6, 3) == 2


def test_divide_by_zero_is_a_value_error():
    with pytest.raises(ValueError, match="divide by zero"):
        divide(1, 0)
