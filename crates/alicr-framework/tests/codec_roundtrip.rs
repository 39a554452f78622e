//! Property tests: random values of random types survive a MessagePack and a
//! JSON round trip unchanged, including nested objects, sets, maps, tuples,
//! dynamic values, unknowns, nulls, and big or fractional numbers.

use std::str::FromStr;

use alicr_framework::msgpack::{self, NumberEncoding};
use alicr_framework::value::Number;
use alicr_framework::{json, Type, Value};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

fn concrete_type() -> BoxedStrategy<Type> {
    let leaf = prop_oneof![Just(Type::Bool), Just(Type::Number), Just(Type::String)];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            prop::collection::btree_map("[a-z]{1,5}", inner.clone(), 0..4).prop_map(Type::Object),
            prop::collection::vec(inner, 0..3).prop_map(Type::Tuple),
        ]
    })
    .boxed()
}

fn any_type() -> BoxedStrategy<Type> {
    let leaf = prop_oneof![
        Just(Type::Bool),
        Just(Type::Number),
        Just(Type::String),
        Just(Type::Dynamic)
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            prop::collection::btree_map("[a-z]{1,5}", inner.clone(), 0..4).prop_map(Type::Object),
            prop::collection::vec(inner, 0..3).prop_map(Type::Tuple),
        ]
    })
    .boxed()
}

fn number() -> BoxedStrategy<Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| Number::try_from(f).unwrap_or_default()),
        "-?[0-9]{1,30}\\.[0-9]{1,20}".prop_map(|s| Number::from_str(&s).unwrap_or_default()),
        "[1-9][0-9]{20,60}".prop_map(|s| Number::from_str(&s).unwrap_or_default()),
    ]
    .boxed()
}

/// Removes duplicate set elements the way the encoders do, so the generated
/// value is what a decoder can return.
fn unique(items: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for item in items {
        let duplicate =
            item.is_wholly_known() && out.iter().any(|k| k.is_wholly_known() && *k == item);
        if !duplicate {
            out.push(item);
        }
    }
    out
}

fn known_value(ty: &Type, unknowns: bool) -> BoxedStrategy<Value> {
    match ty {
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Number => number().prop_map(Value::Number).boxed(),
        Type::String => any::<String>().prop_map(Value::String).boxed(),
        Type::List(element) => prop::collection::vec(value(element, unknowns), 0..3)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(element) => prop::collection::vec(value(element, unknowns), 0..3)
            .prop_map(|items| Value::Set(unique(items)))
            .boxed(),
        Type::Map(element) => {
            prop::collection::btree_map("[a-z0-9 ]{0,4}", value(element, unknowns), 0..3)
                .prop_map(Value::Map)
                .boxed()
        }
        Type::Object(attributes) => {
            let parts: Vec<BoxedStrategy<(String, Value)>> = attributes
                .iter()
                .map(|(name, t)| {
                    let name = name.clone();
                    value(t, unknowns)
                        .prop_map(move |v| (name.clone(), v))
                        .boxed()
                })
                .collect();
            parts
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect()))
                .boxed()
        }
        Type::Tuple(elements) => {
            let parts: Vec<BoxedStrategy<Value>> =
                elements.iter().map(|t| value(t, unknowns)).collect();
            parts.prop_map(Value::Tuple).boxed()
        }
        Type::Dynamic => concrete_type()
            .prop_flat_map(move |t| {
                let inner = value(&t, unknowns);
                (Just(t), inner)
            })
            .prop_map(|(t, v)| Value::Dynamic(t, Box::new(v)))
            .boxed(),
    }
}

fn value(ty: &Type, unknowns: bool) -> BoxedStrategy<Value> {
    let known = known_value(ty, unknowns);
    if unknowns {
        prop_oneof![1 => Just(Value::Null), 1 => Just(Value::Unknown), 6 => known].boxed()
    } else {
        prop_oneof![1 => Just(Value::Null), 6 => known].boxed()
    }
}

fn typed_value(unknowns: bool) -> BoxedStrategy<(Type, Value)> {
    any_type()
        .prop_flat_map(move |ty| {
            let v = value(&ty, unknowns);
            (Just(ty), v)
        })
        .boxed()
}

fn fail(e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn msgpack_round_trip((ty, v) in typed_value(true)) {
        let bytes = msgpack::encode(&v, &ty, NumberEncoding::Standard).map_err(fail)?;
        let back = msgpack::decode(&bytes, &ty).map_err(fail)?;
        prop_assert_eq!(back, v);
    }

    #[test]
    fn msgpack_decimal_round_trip((ty, v) in typed_value(true)) {
        let bytes = msgpack::encode(&v, &ty, NumberEncoding::DecimalString).map_err(fail)?;
        let back = msgpack::decode(&bytes, &ty).map_err(fail)?;
        prop_assert_eq!(back, v);
    }

    #[test]
    fn json_round_trip((ty, v) in typed_value(false)) {
        let bytes = json::encode_bytes(&v, &ty).map_err(fail)?;
        let back = json::decode_bytes(&bytes, &ty).map_err(fail)?;
        prop_assert_eq!(back, v);
    }

    #[test]
    fn msgpack_decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64), ty in any_type()) {
        let _ = msgpack::decode(&bytes, &ty);
    }
}
