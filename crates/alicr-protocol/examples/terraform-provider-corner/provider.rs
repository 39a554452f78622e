//! The `corner` provider: resource `corner_thing`, data source `corner_lookup`
//! and function `upper`, storing objects as JSON files in a directory.

use std::path::PathBuf;
use std::sync::Arc;

use alicr_framework::data_source::{ReadDataSourceRequest, ReadDataSourceResponse};
use alicr_framework::function::{FunctionDefinition, FunctionError, Parameter};
use alicr_framework::provider::{ConfigureRequest, ConfigureResponse};
use alicr_framework::resource::{
    CreateRequest, DeleteRequest, ImportStateRequest, ReadRequest, StateResponse, UpdateRequest,
    ValidateConfigRequest,
};
use alicr_framework::{
    Attribute, AttributePath, Block, DataSource, Diagnostic, Diagnostics, Function, NestedBlock,
    NestingMode, Provider, Resource, Schema, Type, Value,
};
use async_trait::async_trait;

pub const ADDRESS: &str = "registry.terraform.io/alicr/corner";

/// Environment variable naming the store directory.
pub const STORE_DIR_KEY: &str = "CORNER_STORE_DIR";

pub struct CornerProvider;

#[async_trait]
impl Provider for CornerProvider {
    fn type_name(&self) -> &'static str {
        "corner"
    }

    fn schema(&self) -> Schema {
        let block = Block::new().attribute(
            Attribute::string("label")
                .optional()
                .description("Free text, unused."),
        );
        Schema::new(0, block)
    }

    async fn configure(&self, _request: ConfigureRequest) -> ConfigureResponse {
        let mut response = ConfigureResponse::default();
        match std::env::var(STORE_DIR_KEY) {
            Ok(dir) if !dir.is_empty() => {
                response.provider_data = Some(Arc::new(Store(PathBuf::from(dir))))
            }
            _ => response.diagnostics.error(
                "Missing Store Directory",
                format!("Set {STORE_DIR_KEY} to a writable directory before running terraform."),
            ),
        }
        response
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Thing)]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(Lookup)]
    }

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        vec![Arc::new(Upper)]
    }
}

/// The directory holding one JSON file per object.
struct Store(PathBuf);

impl Store {
    fn path(&self, id: &str) -> PathBuf {
        self.0.join(format!("{id}.json"))
    }

    fn load(&self, id: &str) -> Result<Option<Value>, Diagnostic> {
        let path = self.path(id);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(store_error("read", &path, error)),
        };
        alicr_framework::json::decode_bytes(&bytes, &thing_schema().implied_type())
            .map(Some)
            .map_err(|error| {
                Diagnostic::error("Corrupt Store File", format!("{}: {error}", path.display()))
            })
    }

    fn save(&self, id: &str, state: &Value) -> Result<(), Diagnostic> {
        let path = self.path(id);
        let bytes = alicr_framework::json::encode_bytes(state, &thing_schema().implied_type())
            .map_err(|error| Diagnostic::error("Unencodable State", error.to_string()))?;
        std::fs::write(&path, bytes).map_err(|error| store_error("write", &path, error))
    }

    fn remove(&self, id: &str) -> Result<(), Diagnostic> {
        let path = self.path(id);
        match std::fs::remove_file(&path) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                Err(store_error("delete", &path, error))
            }
            _ => Ok(()),
        }
    }
}

fn store_error(action: &str, path: &std::path::Path, error: std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "Store Error",
        format!("Failed to {action} {}: {error}", path.display()),
    )
}

fn store_of(ctx: &alicr_framework::Context) -> Result<Arc<Store>, Diagnostic> {
    ctx.provider_data::<Store>()
}

pub fn thing_schema() -> Schema {
    let rule = Block::new()
        .attribute(Attribute::number("port").required())
        .attribute(Attribute::string("protocol").default_value(Value::string("tcp")));
    let block = Block::new()
        .attribute(Attribute::string("id").computed().use_state_for_unknown())
        .attribute(
            Attribute::string("name")
                .required()
                .force_new()
                .description("The **name**."),
        )
        .attribute(Attribute::string("description").optional())
        .attribute(Attribute::number("size").default_value(Value::number_i64(10)))
        .attribute(Attribute::string("secret").optional().sensitive())
        .attribute(Attribute::string("password_wo").optional().write_only())
        .attribute(Attribute::new("tags", Type::map(Type::String)).optional())
        .attribute(Attribute::new("labels", Type::set(Type::String)).optional())
        .attribute(Attribute::string("summary").computed())
        .block(NestedBlock::new("rule", NestingMode::List, rule));
    Schema::new(1, block)
}

/// `corner_thing`: every attribute kind and a list block.
struct Thing;

impl Thing {
    /// Stores `planned` with its computed attributes filled in.
    fn store(ctx: &alicr_framework::Context, id: String, planned: &Value) -> StateResponse {
        let mut response = StateResponse::default();
        let store = match store_of(ctx) {
            Ok(store) => store,
            Err(diagnostic) => {
                response.diagnostics.push(diagnostic);
                return response;
            }
        };
        let mut state = planned.clone();
        let name = planned.get("name").as_str().unwrap_or_default().to_string();
        let size = planned.get("size").as_i64().unwrap_or_default();
        state.set("id", Value::string(id.clone()));
        state.set("summary", Value::string(format!("{name}:{size}")));
        state.set("password_wo", Value::Null);
        match store.save(&id, &state) {
            Ok(()) => response.new_state = state,
            Err(diagnostic) => response.diagnostics.push(diagnostic),
        }
        response
    }
}

#[async_trait]
impl Resource for Thing {
    fn type_name(&self) -> &'static str {
        "corner_thing"
    }

    fn schema(&self) -> Schema {
        thing_schema()
    }

    /// Rejects a rule port outside 1..=65535, at the path of that port.
    async fn validate_config(&self, request: ValidateConfigRequest) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        let rules = request.config.get("rule").as_elements().unwrap_or_default();
        for (index, rule) in rules.iter().enumerate() {
            let Some(port) = rule.get("port").as_i64() else {
                continue;
            };
            if !(1..=65535).contains(&port) {
                let path = AttributePath::root("rule")
                    .index(index as i64)
                    .attribute("port");
                diagnostics.attribute_error(
                    path,
                    "Invalid Port",
                    format!("Port {port} is not in 1..=65535."),
                );
            }
        }
        diagnostics
    }

    async fn create(&self, request: CreateRequest) -> StateResponse {
        let name = request
            .planned_state
            .get("name")
            .as_str()
            .unwrap_or_default();
        Thing::store(
            &request.ctx,
            format!("thing-{name}"),
            &request.planned_state,
        )
    }

    async fn read(&self, request: ReadRequest) -> StateResponse {
        let mut response = StateResponse {
            private: request.private,
            ..StateResponse::default()
        };
        let id = request
            .current_state
            .get("id")
            .as_str()
            .unwrap_or_default()
            .to_string();
        match store_of(&request.ctx).and_then(|store| store.load(&id)) {
            Ok(Some(state)) => response.new_state = state,
            Ok(None) => response.new_state = Value::Null,
            Err(diagnostic) => response.diagnostics.push(diagnostic),
        }
        response
    }

    async fn update(&self, request: UpdateRequest) -> StateResponse {
        let id = request
            .prior_state
            .get("id")
            .as_str()
            .unwrap_or_default()
            .to_string();
        Thing::store(&request.ctx, id, &request.planned_state)
    }

    async fn delete(&self, request: DeleteRequest) -> Diagnostics {
        let id = request
            .prior_state
            .get("id")
            .as_str()
            .unwrap_or_default()
            .to_string();
        match store_of(&request.ctx).and_then(|store| store.remove(&id)) {
            Ok(()) => Diagnostics::new(),
            Err(diagnostic) => diagnostic.into(),
        }
    }

    async fn import_state(&self, request: ImportStateRequest) -> StateResponse {
        StateResponse {
            new_state: Value::object([("id", Value::string(request.id))]),
            ..StateResponse::default()
        }
    }
}

/// `corner_lookup`: reads a stored thing by ID.
struct Lookup;

#[async_trait]
impl DataSource for Lookup {
    fn type_name(&self) -> &'static str {
        "corner_lookup"
    }

    fn schema(&self) -> Schema {
        let block = Block::new()
            .attribute(Attribute::string("id").required())
            .attribute(Attribute::string("name").computed())
            .attribute(Attribute::number("size").computed());
        Schema::new(0, block)
    }

    async fn read(&self, request: ReadDataSourceRequest) -> ReadDataSourceResponse {
        let mut response = ReadDataSourceResponse::default();
        let id = request
            .config
            .get("id")
            .as_str()
            .unwrap_or_default()
            .to_string();
        match store_of(&request.ctx).and_then(|store| store.load(&id)) {
            Ok(Some(thing)) => {
                response.state = Value::object([
                    ("id", Value::string(id)),
                    ("name", thing.get("name").clone()),
                    ("size", thing.get("size").clone()),
                ]);
            }
            Ok(None) => response.diagnostics.error(
                "Thing Not Found",
                format!("No thing with ID {id:?} exists."),
            ),
            Err(diagnostic) => response.diagnostics.push(diagnostic),
        }
        response
    }
}

/// `provider::corner::upper(text)`: upper-cases a string.
struct Upper;

impl Function for Upper {
    fn name(&self) -> &'static str {
        "upper"
    }

    fn definition(&self) -> FunctionDefinition {
        FunctionDefinition {
            parameters: vec![Parameter {
                name: "text".into(),
                r#type: Type::String,
                description: "Text to upper-case.".into(),
                allow_null_value: false,
                allow_unknown_values: false,
            }],
            variadic_parameter: None,
            return_type: Type::String,
            summary: "Upper-cases a string".into(),
            description: "Returns `text` in upper case.".into(),
            deprecation_message: String::new(),
        }
    }

    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError> {
        match arguments.first().and_then(Value::as_str) {
            Some(text) => Ok(Value::string(text.to_uppercase())),
            None => Err(FunctionError::argument(0, "text must be a known string")),
        }
    }
}
