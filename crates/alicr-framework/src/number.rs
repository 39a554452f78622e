//! Number conversions shared by the MessagePack and JSON codecs: parsing
//! decimal text into an exact [`Number`], the shortest exact decimal text of a
//! number, and the choice between an integer, a float64 and a decimal string
//! on the wire.

use std::str::FromStr;

use bigdecimal::ToPrimitive;

use crate::value::Number;

/// The largest decimal exponent accepted from the wire. The limit keeps a
/// hostile value such as `1e999999999` from making conversions allocate
/// without bound.
///
/// NOTE: Terraform numbers may legally exceed it; such values are rejected
/// with an "invalid number" error naming the attribute.
pub const MAX_EXPONENT: i64 = 100_000;

/// Exponents beyond this are written in exponent form (`1e+2000`) instead of
/// plain digits, so the text stays short.
const MAX_PLAIN_EXPONENT: i64 = 1_100;

/// Wire format chosen for one number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WireNumber {
    /// A whole number that fits a 64-bit signed integer.
    #[default]
    Signed,
    /// A whole number above `i64::MAX` that fits a 64-bit unsigned integer.
    Unsigned,
    /// A number that a float64 represents exactly.
    Float,
    /// Any other number, as its shortest exact decimal text.
    Decimal,
}

/// Parses decimal text (`12`, `-0.5`, `1.5e3`) into an exact number. Returns
/// `None` for text that is not a finite decimal or whose exponent exceeds
/// [`MAX_EXPONENT`].
pub fn parse_decimal(text: &str) -> Option<Number> {
    let trimmed = text.trim();
    let plain = trimmed.strip_prefix('+').unwrap_or(trimmed);
    if plain.is_empty()
        || !plain
            .bytes()
            .all(|b| b.is_ascii_digit() || b".-eE+".contains(&b))
    {
        return None;
    }
    let number = Number::from_str(plain).ok()?;
    within_limits(&number).then_some(number)
}

/// Converts a float64 into the exact number it represents; `None` for NaN and
/// infinities.
pub fn from_f64(value: f64) -> Option<Number> {
    if !value.is_finite() {
        return None;
    }
    Number::try_from(value).ok()
}

/// Returns whether the number's exponent is within [`MAX_EXPONENT`].
pub fn within_limits(number: &Number) -> bool {
    number.normalized().fractional_digit_count().abs() <= MAX_EXPONENT
}

/// Writes the shortest exact decimal text of a number: `10`, not `10.0` or
/// `1e+1`. Very large or very small magnitudes use exponent form.
pub fn decimal_string(number: &Number) -> String {
    let normalized = number.normalized();
    if normalized.fractional_digit_count().abs() <= MAX_PLAIN_EXPONENT {
        normalized.to_plain_string()
    } else {
        format!("{normalized:e}")
    }
}

/// Picks the wire form Terraform itself would use: an integer when whole and
/// within 64 bits, else a float64 when exact, else decimal text.
pub fn wire_form(number: &Number) -> WireNumber {
    let normalized = number.normalized();
    let scale = normalized.fractional_digit_count();

    // A whole number with more than 20 digits cannot fit in 64 bits, so the
    // exponent check avoids building huge integers.
    if (-20..=0).contains(&scale) {
        if normalized.to_i64().is_some() {
            return WireNumber::Signed;
        }
        if normalized.to_u64().is_some() {
            return WireNumber::Unsigned;
        }
    }

    // An exact float64 has at most 767 significant digits and a decimal
    // exponent between -1074 and 308.
    let digits = normalized.digits();
    if (-309..=1075).contains(&scale) && digits <= 800 {
        if let Some(float) = normalized.to_f64() {
            if float.is_finite() && from_f64(float).as_ref() == Some(&normalized) {
                return WireNumber::Float;
            }
        }
    }
    WireNumber::Decimal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> Number {
        Number::from_str(text).unwrap_or_default()
    }

    #[test]
    fn decimal_string_shortest() {
        assert_eq!(decimal_string(&number("10.0")), "10");
        assert_eq!(decimal_string(&number("-0.500")), "-0.5");
        assert_eq!(decimal_string(&number("1e3")), "1000");
    }

    #[test]
    fn decimal_string_huge_uses_exponent() {
        assert_eq!(decimal_string(&number("1e5000")), "1e+5000");
    }

    #[test]
    fn wire_form_choices() {
        assert_eq!(wire_form(&number("42")), WireNumber::Signed);
        assert_eq!(
            wire_form(&number("18446744073709551615")),
            WireNumber::Unsigned
        );
        assert_eq!(wire_form(&number("1.5")), WireNumber::Float);
        assert_eq!(wire_form(&number("0.1")), WireNumber::Decimal);
        assert_eq!(wire_form(&number("1e400")), WireNumber::Decimal);
    }

    #[test]
    fn parse_decimal_rejects() {
        assert!(parse_decimal("NaN").is_none());
        assert!(parse_decimal("inf").is_none());
        assert!(parse_decimal("").is_none());
        assert!(parse_decimal("1e999999999").is_none());
    }

    #[test]
    fn parse_decimal_accepts() {
        assert_eq!(parse_decimal("+1.5e3"), Some(number("1500")));
    }
}
