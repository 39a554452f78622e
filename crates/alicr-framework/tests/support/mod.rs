//! A small fake provider for the server tests: one resource type
//! `test_thing`, one data source `test_lookup` and one function `double`,
//! whose behaviour each test can switch to a specific bug.

#![allow(dead_code)]

use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};

use alicr_framework::data_source::{ReadDataSourceRequest, ReadDataSourceResponse};
use alicr_framework::function::{FunctionDefinition, FunctionError, Parameter};
use alicr_framework::msgpack::{self, NumberEncoding};
use alicr_framework::provider::{ConfigureRequest, ConfigureResponse};
use alicr_framework::resource::{
    CreateRequest, DeleteRequest, ImportStateRequest, ReadRequest, StateResponse, UpdateRequest,
};
use alicr_framework::server::{DynamicValue, ProviderServer};
use alicr_framework::timeouts::{Operation, Timeouts};
use alicr_framework::validators::OneOf;
use alicr_framework::value::Number;
use alicr_framework::{
    Attribute, Block, DataSource, Diagnostics, Function, NestedBlock, NestingMode, Provider,
    Resource, Schema, Type, Value,
};
use async_trait::async_trait;

/// Which bug the fake resource's create, update and read commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Bug {
    #[default]
    None,
    /// Returns a different `size` than planned.
    ChangeSize,
    /// Leaves `etag` unknown.
    LeaveUnknown,
    /// Returns the write-only password.
    EchoWriteOnly,
    /// Returns `cidr` with a `/32` suffix (equivalent by semantic equality).
    SpellCidrLong,
    /// Returns a null state without an error.
    NullState,
    /// Changes the sensitive `secret`.
    ChangeSecret,
}

#[derive(Default)]
pub struct Thing {
    pub bug: Mutex<Bug>,
    /// Whether the last request's context was cancelled.
    pub saw_cancelled: Mutex<bool>,
}

pub fn cidr_equal(a: &Value, b: &Value) -> bool {
    let strip = |v: &Value| v.as_str().map(|s| s.trim_end_matches("/32").to_string());
    strip(a) == strip(b)
}

pub fn thing_schema() -> Schema {
    let rule = Block::new()
        .attribute(Attribute::number("port").required().force_new())
        .attribute(Attribute::string("proto").optional_computed());
    let block = Block::new()
        .attribute(Attribute::string("id").computed().use_state_for_unknown())
        .attribute(Attribute::string("name").required().force_new())
        .attribute(Attribute::number("size").optional())
        .attribute(
            Attribute::string("mode")
                .default_value(Value::from("fast"))
                .validator(OneOf(&["fast", "slow"])),
        )
        .attribute(Attribute::string("etag").computed())
        .attribute(Attribute::string("password_wo").optional().write_only())
        .attribute(
            Attribute::string("cidr")
                .optional()
                .semantic_equality(cidr_equal),
        )
        .attribute(Attribute::string("secret").optional().sensitive())
        .block(NestedBlock::new("rule", NestingMode::List, rule))
        .block(Timeouts::block(&[Operation::Create, Operation::Delete]));
    Schema::new(1, block)
}

pub fn thing_type() -> Type {
    thing_schema().implied_type()
}

fn fill_unknowns(planned: &Value, etag: &str) -> Value {
    let mut out = planned.clone();
    if planned.get("id").is_unknown() {
        out.set("id", Value::from("thing-1"));
    }
    if planned.get("etag").is_unknown() {
        out.set("etag", Value::from(etag));
    }
    if let Some(Value::List(rules)) = out.get_mut("rule") {
        for rule in rules.iter_mut() {
            if rule.get("proto").is_unknown() {
                rule.set("proto", Value::from("tcp"));
            }
        }
    }
    out
}

impl Thing {
    fn bug(&self) -> Bug {
        *self.bug.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn apply_bug(&self, mut state: Value) -> StateResponse {
        match self.bug() {
            Bug::None => {}
            Bug::ChangeSize => state.set("size", number("99")),
            Bug::LeaveUnknown => state.set("etag", Value::Unknown),
            Bug::EchoWriteOnly => state.set("password_wo", Value::from("hunter2")),
            Bug::SpellCidrLong => {
                let long = state.get("cidr").as_str().map(|s| format!("{s}/32"));
                state.set("cidr", Value::from(long));
            }
            Bug::NullState => state = Value::Null,
            Bug::ChangeSecret => state.set("secret", Value::from("leaked-new")),
        }
        StateResponse {
            new_state: state,
            ..StateResponse::default()
        }
    }
}

#[async_trait]
impl Resource for Thing {
    fn type_name(&self) -> &'static str {
        "test_thing"
    }

    fn schema(&self) -> Schema {
        thing_schema()
    }

    async fn create(&self, request: CreateRequest) -> StateResponse {
        *self
            .saw_cancelled
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = request.ctx.cancel.is_cancelled();
        self.apply_bug(fill_unknowns(&request.planned_state, "e1"))
    }

    async fn read(&self, request: ReadRequest) -> StateResponse {
        *self
            .saw_cancelled
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = request.ctx.cancel.is_cancelled();
        if request.current_state.get("name").as_str() == Some("gone") {
            return StateResponse::default();
        }
        let mut state = request.current_state.clone();
        // Remote objects never report the timeouts block.
        state.set("timeouts", Value::Null);
        let mut response = self.apply_bug(state);
        response.private = request.private;
        response
    }

    async fn update(&self, request: UpdateRequest) -> StateResponse {
        self.apply_bug(fill_unknowns(&request.planned_state, "e2"))
    }

    async fn delete(&self, _request: DeleteRequest) -> Diagnostics {
        Diagnostics::new()
    }

    async fn import_state(&self, request: ImportStateRequest) -> StateResponse {
        StateResponse {
            new_state: Value::object([("id", Value::from(request.id))]),
            ..StateResponse::default()
        }
    }
}

#[derive(Default)]
pub struct Lookup {
    pub result: Mutex<Value>,
}

pub fn lookup_schema() -> Schema {
    let block = Block::new()
        .attribute(Attribute::string("name").required())
        .attribute(Attribute::string("arn").computed());
    Schema::new(0, block)
}

#[async_trait]
impl DataSource for Lookup {
    fn type_name(&self) -> &'static str {
        "test_lookup"
    }

    fn schema(&self) -> Schema {
        lookup_schema()
    }

    async fn read(&self, _request: ReadDataSourceRequest) -> ReadDataSourceResponse {
        ReadDataSourceResponse {
            state: self
                .result
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
            diagnostics: Diagnostics::new(),
        }
    }
}

pub struct Double;

impl Function for Double {
    fn name(&self) -> &'static str {
        "double"
    }

    fn definition(&self) -> FunctionDefinition {
        FunctionDefinition {
            parameters: vec![Parameter {
                name: "n".into(),
                r#type: Type::Number,
                description: String::new(),
                allow_null_value: false,
                allow_unknown_values: false,
            }],
            variadic_parameter: None,
            return_type: Type::Number,
            summary: "Doubles a number.".into(),
            description: String::new(),
            deprecation_message: String::new(),
        }
    }

    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError> {
        let n = arguments
            .first()
            .and_then(Value::as_number)
            .ok_or_else(|| FunctionError::argument(0, "n must be a number"))?;
        Ok(Value::Number(n * Number::from(2)))
    }
}

pub struct Fake {
    pub thing: Arc<Thing>,
    pub lookup: Arc<Lookup>,
}

#[async_trait]
impl Provider for Fake {
    fn type_name(&self) -> &'static str {
        "test"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new().attribute(Attribute::string("region").optional()),
        )
    }

    async fn configure(&self, _request: ConfigureRequest) -> ConfigureResponse {
        ConfigureResponse {
            provider_data: Some(Arc::new(7u32)),
            diagnostics: Diagnostics::new(),
        }
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![self.thing.clone()]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![self.lookup.clone()]
    }

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        vec![Arc::new(Double)]
    }
}

pub struct Harness {
    pub server: ProviderServer,
    pub thing: Arc<Thing>,
    pub lookup: Arc<Lookup>,
}

pub fn harness() -> Harness {
    let thing = Arc::new(Thing::default());
    let lookup = Arc::new(Lookup::default());
    let server = ProviderServer::new(Arc::new(Fake {
        thing: thing.clone(),
        lookup: lookup.clone(),
    }));
    Harness {
        server,
        thing,
        lookup,
    }
}

impl Harness {
    pub fn set_bug(&self, bug: Bug) {
        *self
            .thing
            .bug
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = bug;
    }
}

pub fn number(text: &str) -> Value {
    Value::Number(Number::from_str(text).unwrap_or_default())
}

pub fn dv(value: &Value, ty: &Type) -> DynamicValue {
    DynamicValue {
        msgpack: msgpack::encode(value, ty, NumberEncoding::Standard).unwrap_or_default(),
        json: Vec::new(),
    }
}

pub fn thing_dv(value: &Value) -> DynamicValue {
    dv(value, &thing_type())
}

pub fn decode_thing(value: &Option<DynamicValue>) -> Value {
    let bytes = value
        .as_ref()
        .map(|v| v.msgpack.clone())
        .unwrap_or_default();
    msgpack::decode(&bytes, &thing_type()).unwrap_or(Value::Unknown)
}

/// Builds a complete `test_thing` configuration or state: every attribute
/// null, no rules, then the given attributes.
pub fn thing(attributes: &[(&str, Value)]) -> Value {
    let mut v = Value::object(thing_type_names().into_iter().map(|n| (n, Value::Null)));
    v.set("rule", Value::List(Vec::new()));
    for (name, value) in attributes {
        v.set(name, value.clone());
    }
    v
}

fn thing_type_names() -> Vec<String> {
    match thing_type() {
        Type::Object(attributes) => attributes.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

pub fn rule(port: i64, proto: Value) -> Value {
    Value::object([("port", Value::number_i64(port)), ("proto", proto)])
}
