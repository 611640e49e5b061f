//! Python numbers, for cinder's `_SchemaValidator`, which checks `minimum` and `maximum`
//! on whatever `int(value)` (else `float(value)`) makes of a value — so `"0"` fails a
//! minimum of 1 as `0`, `"1e3"` is compared as `1000.0`, `True` as `1`, `1.9` as `1`.
//! Integers are arbitrary-precision as in Python, comparisons between ints and floats are
//! exact, and `repr` is Python's.

use std::cmp::Ordering;

use serde_json::{Number, Value};

use super::{is_space, repr_float};

/// CPython's default `sys.get_int_max_str_digits()`: `int()` of a longer string raises
/// `ValueError`.
const INT_MAX_STR_DIGITS: usize = 4300;

/// A Python `int`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PyInt {
    Small(i128),
    /// Outside `i128`: the sign and the decimal digits, without leading zeros.
    Big {
        negative: bool,
        digits: String,
    },
}

/// A Python `int` or `float`.
#[derive(Clone, Debug, PartialEq)]
pub enum PyNumber {
    Int(PyInt),
    Float(f64),
}

/// cinder's `_number_from_str`: `int(value)`, else `float(value)`, else nothing.
pub fn number_from_value(value: &Value) -> Option<PyNumber> {
    match value {
        Value::Bool(b) => Some(PyNumber::Int(PyInt::Small(i128::from(*b)))),
        Value::Number(n) => match PyNumber::from_json(n)? {
            PyNumber::Float(f) if f.is_finite() => {
                Some(PyNumber::Int(PyInt::from_integral(f.trunc())))
            }
            other => Some(other),
        },
        Value::String(s) => int_from_str(s)
            .map(PyNumber::Int)
            .or_else(|| float_from_str(s).map(PyNumber::Float)),
        _ => None,
    }
}

/// Python `int(s)` for a string, base 10.
pub fn int_from_str(s: &str) -> Option<PyInt> {
    let t = s.trim_matches(is_space);
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if !underscores_between_digits(body) || !body.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return None;
    }
    let digits: String = body.chars().filter(|c| *c != '_').collect();
    if digits.is_empty() || digits.len() > INT_MAX_STR_DIGITS {
        return None;
    }
    Some(PyInt::from_digits(negative, &digits))
}

/// Python `float(s)` for a string.
pub fn float_from_str(s: &str) -> Option<f64> {
    let t = s.trim_matches(is_space);
    if !t.is_ascii() || !underscores_between_digits(t) {
        return None;
    }
    let plain: String = t.chars().filter(|c| *c != '_').collect();
    // Rust's grammar is Python's: sign, digits with an optional point and exponent, or
    // inf / infinity / nan in any case.
    plain.parse::<f64>().ok()
}

/// PEP 515: an underscore only ever sits between two digits.
fn underscores_between_digits(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().all(|(i, c)| {
        *c != b'_'
            || (i > 0 && b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(u8::is_ascii_digit))
    })
}

impl PyInt {
    fn from_digits(negative: bool, digits: &str) -> PyInt {
        let digits = digits.trim_start_matches('0');
        if digits.len() <= 38 {
            let magnitude: i128 = digits.parse().unwrap_or(0);
            return PyInt::Small(if negative { -magnitude } else { magnitude });
        }
        PyInt::Big {
            negative,
            digits: digits.to_owned(),
        }
    }

    /// The exact integer value of an integral, finite float.
    fn from_integral(f: f64) -> PyInt {
        if f.abs() < 1e38 {
            return PyInt::Small(f as i128);
        }
        // f = mantissa × 2^exponent with exponent > 0 here; double in decimal.
        let bits = f.abs().to_bits();
        let exponent = ((bits >> 52) & 0x7ff) as i32 - 1075;
        let mantissa = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
        let mut little: Vec<u8> = mantissa
            .to_string()
            .bytes()
            .rev()
            .map(|b| b - b'0')
            .collect();
        for _ in 0..exponent.max(0) {
            let mut carry = 0;
            for d in little.iter_mut() {
                let v = *d * 2 + carry;
                *d = v % 10;
                carry = v / 10;
            }
            if carry > 0 {
                little.push(carry);
            }
        }
        let digits: String = little.iter().rev().map(|d| char::from(b'0' + d)).collect();
        PyInt::from_digits(f < 0.0, &digits)
    }

    fn cmp_int(&self, other: &PyInt) -> Ordering {
        match (self, other) {
            (PyInt::Small(a), PyInt::Small(b)) => a.cmp(b),
            (PyInt::Big { negative, .. }, PyInt::Small(_)) => {
                if *negative {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (PyInt::Small(_), PyInt::Big { .. }) => other.cmp_int(self).reverse(),
            (
                PyInt::Big {
                    negative: na,
                    digits: da,
                },
                PyInt::Big {
                    negative: nb,
                    digits: db,
                },
            ) => match (na, nb) {
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                _ => {
                    let magnitude = da.len().cmp(&db.len()).then_with(|| da.cmp(db));
                    if *na {
                        magnitude.reverse()
                    } else {
                        magnitude
                    }
                }
            },
        }
    }

    /// The value, or the nearest `i128` bound when it lies beyond: exact for comparisons
    /// with small numbers.
    pub fn clamped(&self) -> i128 {
        match self {
            PyInt::Small(i) => *i,
            PyInt::Big { negative: true, .. } => i128::MIN,
            PyInt::Big {
                negative: false, ..
            } => i128::MAX,
        }
    }

    /// Python `repr()`.
    pub fn repr(&self) -> String {
        match self {
            PyInt::Small(i) => i.to_string(),
            PyInt::Big { negative, digits } => {
                format!("{}{digits}", if *negative { "-" } else { "" })
            }
        }
    }
}

impl PyNumber {
    /// The number `json.loads` makes of a JSON number.
    pub fn from_json(n: &Number) -> Option<PyNumber> {
        if let Some(i) = n.as_i64() {
            Some(PyNumber::Int(PyInt::Small(i128::from(i))))
        } else if let Some(u) = n.as_u64() {
            Some(PyNumber::Int(PyInt::Small(i128::from(u))))
        } else {
            n.as_f64().map(PyNumber::Float)
        }
    }

    /// Python `repr()`.
    pub fn repr(&self) -> String {
        match self {
            PyNumber::Int(i) => i.repr(),
            PyNumber::Float(f) => repr_float(*f),
        }
    }

    /// Python's `<`/`==`/`>` between numbers (`None` when a NaN is involved).
    pub fn py_cmp(&self, other: &PyNumber) -> Option<Ordering> {
        match (self, other) {
            (PyNumber::Int(a), PyNumber::Int(b)) => Some(a.cmp_int(b)),
            (PyNumber::Float(a), PyNumber::Float(b)) => a.partial_cmp(b),
            (PyNumber::Float(f), PyNumber::Int(i)) => float_cmp_int(*f, i),
            (PyNumber::Int(i), PyNumber::Float(f)) => float_cmp_int(*f, i).map(Ordering::reverse),
        }
    }

    /// Python `==`.
    pub fn py_eq(&self, other: &PyNumber) -> bool {
        self.py_cmp(other) == Some(Ordering::Equal)
    }
}

fn float_cmp_int(f: f64, i: &PyInt) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 {
            Ordering::Greater
        } else {
            Ordering::Less
        });
    }
    let whole = f.trunc();
    let by_whole = PyInt::from_integral(whole).cmp_int(i);
    if by_whole != Ordering::Equal {
        return Some(by_whole);
    }
    let fraction = f - whole;
    Some(if fraction > 0.0 {
        Ordering::Greater
    } else if fraction < 0.0 {
        Ordering::Less
    } else {
        Ordering::Equal
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn num(v: Value) -> Option<String> {
        number_from_value(&v).map(|n| n.repr())
    }

    #[test]
    fn int_then_float_like_cinder() {
        assert_eq!(num(json!("0")), Some("0".into()));
        assert_eq!(num(json!(" 12\n")), Some("12".into()));
        assert_eq!(num(json!("+7")), Some("7".into()));
        assert_eq!(num(json!("-0012")), Some("-12".into()));
        assert_eq!(num(json!("1_000")), Some("1000".into()));
        assert_eq!(num(json!("1__0")), None);
        assert_eq!(num(json!("_1")), None);
        assert_eq!(num(json!("1e3")), Some("1000.0".into()));
        assert_eq!(num(json!("1.")), Some("1.0".into()));
        assert_eq!(num(json!(".5")), Some("0.5".into()));
        assert_eq!(num(json!("-Infinity")), Some("-inf".into()));
        assert_eq!(num(json!("nan")), Some("nan".into()));
        assert_eq!(num(json!("abc")), None);
        assert_eq!(num(json!("")), None);
        assert_eq!(num(json!("1 2")), None);
        assert_eq!(num(json!(null)), None);
        assert_eq!(num(json!([1])), None);
        assert_eq!(num(json!(true)), Some("1".into()));
        assert_eq!(num(json!(1.9)), Some("1".into()));
        assert_eq!(num(json!(-1.9)), Some("-1".into()));
    }

    #[test]
    fn big_integers() {
        let forty = "1".repeat(40);
        assert_eq!(num(json!(forty.clone())), Some(forty));
        assert_eq!(num(json!(1e300)).map(|s| s.len()), Some(301));
        assert!(num(json!(1e300)).unwrap_or_default().starts_with(
            "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786"
        ));
        // Past CPython's 4300-digit limit int() fails and float() overflows to inf.
        assert_eq!(num(json!("1".repeat(4301))), Some("inf".into()));
        assert_eq!(num(json!("1".repeat(4300))).map(|s| s.len()), Some(4300));
    }

    #[test]
    fn exact_comparisons() {
        let n = |v: Value| number_from_value(&v);
        let one = PyNumber::Int(PyInt::Small(1));
        assert_eq!(
            n(json!("0.5")).and_then(|x| x.py_cmp(&one)),
            Some(Ordering::Less)
        );
        assert_eq!(
            n(json!("1.0")).and_then(|x| x.py_cmp(&one)),
            Some(Ordering::Equal)
        );
        assert_eq!(n(json!("nan")).and_then(|x| x.py_cmp(&one)), None);
        let big = n(json!("9".repeat(50))).unwrap_or(PyNumber::Float(0.0));
        assert_eq!(big.py_cmp(&one), Some(Ordering::Greater));
        assert_eq!(one.py_cmp(&big), Some(Ordering::Less));
        let neg_big = n(json!(format!("-{}", "9".repeat(50)))).unwrap_or(PyNumber::Float(0.0));
        assert_eq!(neg_big.py_cmp(&big), Some(Ordering::Less));
        assert_eq!(PyNumber::Float(1e300).py_cmp(&big), Some(Ordering::Greater));
    }
}
