//! The fuzz targets' bodies, shared by the AFL binaries in `fuzz_targets/`
//! and by the corpus replay in `tests/drill_fuzz.rs` (which includes this
//! file by path). A target panics only when it finds a bug: a decoder must
//! return `Err` for bad input, and whatever it accepts must survive an
//! encode and decode round trip unchanged.

use alicr_emulator::Params;
use alicr_framework::msgpack::{self, NumberEncoding};
use alicr_framework::types::Type;

/// Returns the schema types the decoders are driven with. The first input byte picks one.
pub fn schema_types() -> Vec<Type> {
    let rule = Type::object([("name", Type::String), ("enabled", Type::Bool)]);
    vec![
        Type::Dynamic,
        Type::String,
        Type::Number,
        Type::list(Type::String),
        Type::set(Type::Number),
        Type::map(Type::Bool),
        Type::Tuple(vec![Type::String, Type::Number, Type::Dynamic]),
        Type::object([
            ("id", Type::String),
            ("count", Type::Number),
            ("tags", Type::map(Type::String)),
            ("platforms", Type::set(Type::String)),
            ("rules", Type::list(rule)),
            ("extra", Type::Dynamic),
        ]),
    ]
}

/// Splits an input into the schema type it selects and the payload.
fn select(data: &[u8]) -> Option<(Type, &[u8])> {
    let (first, payload) = data.split_first()?;
    let types = schema_types();
    let ty = types.get(usize::from(*first) % types.len())?.clone();
    Some((ty, payload))
}

/// `alicr_framework::msgpack::decode`, then a round trip of what it accepted.
pub fn msgpack_decode(data: &[u8]) {
    let Some((ty, payload)) = select(data) else {
        return;
    };
    let Ok(value) = msgpack::decode(payload, &ty) else {
        return;
    };
    for numbers in [NumberEncoding::Standard, NumberEncoding::DecimalString] {
        let encoded = match msgpack::encode(&value, &ty, numbers) {
            Ok(encoded) => encoded,
            Err(error) => panic!("msgpack::decode accepted a value that encode ({numbers:?}) rejects: {error}; value {value:?}"),
        };
        match msgpack::decode(&encoded, &ty) {
            Ok(again) => assert_eq!(
                again, value,
                "msgpack round trip ({numbers:?}) changed the value"
            ),
            Err(error) => panic!(
                "msgpack::decode rejects its own encoding ({numbers:?}): {error}; value {value:?}"
            ),
        }
    }
}

/// `alicr_framework::json::decode_bytes`, then a round trip of what it accepted.
pub fn json_decode(data: &[u8]) {
    let Some((ty, payload)) = select(data) else {
        return;
    };
    let Ok(value) = alicr_framework::json::decode_bytes(payload, &ty) else {
        return;
    };
    let encoded = match alicr_framework::json::encode_bytes(&value, &ty) {
        Ok(encoded) => encoded,
        Err(error) => panic!("json::decode_bytes accepted a value that encode_bytes rejects: {error}; value {value:?}"),
    };
    match alicr_framework::json::decode_bytes(&encoded, &ty) {
        Ok(again) => assert_eq!(again, value, "JSON round trip changed the value"),
        Err(error) => {
            panic!("json::decode_bytes rejects its own encoding: {error}; value {value:?}")
        }
    }
}

/// Parses a form body or query string as the emulator does, then calls every
/// typed reader the actions use. Errors are expected, but a panic is a bug.
pub fn params_parse(data: &[u8]) {
    let mut params = Params::default();
    params.merge_urlencoded(data);
    let _ = params.required("Action");
    let _ = params.bool("AutoBuild");
    let _ = params.int("PageNo");
    let _ = params.list("Platforms");
    let _ = params.list("BuildArgs");
    let _ = params.one_of("PushType", &["GIT_BRANCH", "GIT_TAG"]);
    if let Ok(page) = params.page("PageNo", "PageSize", 30, 100) {
        let items: Vec<u32> = (0..250).collect();
        assert!(
            page.slice(items).len() <= page.size,
            "a page holds more than its size"
        );
    }
    for (key, _) in params.iter() {
        let _ = params.get(key);
    }
}
