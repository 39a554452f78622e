//! The admin side: the `Admin` handle for in-process tests and the JSON endpoints under
//! `/_admin/` on the API listener. Admin calls are never signed, faulted or lagged.
//!
//! | Method and path | Body | Effect |
//! |---|---|---|
//! | `GET /_admin/health` | | `{"ok":true}` |
//! | `GET /_admin/realism` | | the current realism settings |
//! | `POST /_admin/realism` | partial realism JSON | changes the named settings, returns all |
//! | `GET /_admin/requests` | | request counts per action and account |
//! | `POST /_admin/reset` | `{"state":bool}` (optional) | clears counts and faults; `state` also restores the seed |
//! | `POST /_admin/console` | `{account_id, action, params}` | runs an action as the account owner |
//! | `POST /_admin/builds/fail-next` | `{"count":n}` (optional, default 1) | the next n builds fail |

use std::sync::Arc;

use http::{Method, Response};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::actions::{self, Action, Ctx};
use crate::app::{App, RequestCounts};
use crate::ids;
use crate::realism::Realism;
use crate::server::{json_response, Body};
use crate::wire::reply::success_body;
use crate::wire::{ApiError, Params, Product};

/// The admin handle of a running emulator.
#[derive(Debug, Clone)]
pub struct Admin {
    app: Arc<App>,
}

/// The result of a console action: the HTTP status and body the API would have returned.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleResult {
    pub status: u16,
    pub body: Value,
}

impl Admin {
    pub(crate) fn new(app: Arc<App>) -> Admin {
        Admin { app }
    }

    /// The current realism settings.
    pub fn realism(&self) -> Realism {
        self.app.realism()
    }

    /// Replaces the realism settings.
    pub fn set_realism(&self, realism: Realism) {
        self.app.set_realism(realism);
    }

    /// Request counts since start or the last reset.
    pub fn request_counts(&self) -> RequestCounts {
        self.app.request_counts()
    }

    /// Clears the request counts.
    pub fn reset_requests(&self) {
        self.app.reset_requests();
    }

    /// Makes the next `count` builds end `FAILED`.
    pub fn fail_next_builds(&self, count: u32) {
        self.app.fail_next_builds(count);
    }

    /// Deletes all state and writes the seed again.
    pub fn reset_state(&self) -> Result<(), ApiError> {
        let now = ids::now_ms();
        self.app.db.transact(None, |tx| {
            tx.wipe()?;
            self.app.seed.apply(tx, now)?;
            tx.set_meta("seeded_at_ms", &now.to_string())
        })
    }

    /// Runs a CR, VPC or STS action as the owner of `account_id`, as a console user would:
    /// no signature, no faults, no read lag. Action names are unique across the products.
    pub fn console(&self, account_id: &str, action: &str, params: Params) -> ConsoleResult {
        let request_id = ids::request_id();
        let routed = [Product::Cr, Product::Vpc, Product::Sts]
            .into_iter()
            .map(|product| (product, Action::parse(product, action)))
            .find(|(_, action)| *action != Action::Unknown);
        let Some((product, action)) = routed else {
            return console_error(&actions::api_not_found(), &request_id, None);
        };
        let ctx = Ctx {
            app: &self.app,
            account_id,
            now_ms: ids::now_ms(),
        };
        match actions::run(action, &ctx, &params, 0) {
            Ok(reply) => ConsoleResult {
                status: 200,
                body: success_body(product, &request_id, reply),
            },
            Err(err) => console_error(&err, &request_id, Some(product)),
        }
    }
}

fn console_error(err: &ApiError, request_id: &str, product: Option<Product>) -> ConsoleResult {
    ConsoleResult {
        status: err.status(),
        body: crate::wire::reply::error_body(err, request_id, "console", product),
    }
}

#[derive(Debug, Deserialize)]
struct ConsoleRequest {
    account_id: String,
    action: String,
    #[serde(default)]
    params: Map<String, Value>,
}

#[derive(Debug, Default, Deserialize)]
struct ResetRequest {
    #[serde(default)]
    state: bool,
}

#[derive(Debug, Deserialize)]
struct FailNextRequest {
    #[serde(default = "one")]
    count: u32,
}

fn one() -> u32 {
    1
}

/// A rejected admin request: its HTTP status and the reason shown to the caller.
#[derive(Debug)]
struct AdminError {
    status: u16,
    message: String,
}

fn bad_request(message: String) -> AdminError {
    AdminError {
        status: 400,
        message,
    }
}

fn parse_json<T: for<'de> Deserialize<'de>>(
    body: &[u8],
    default: impl FnOnce() -> T,
) -> Result<T, AdminError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(default());
    }
    serde_json::from_slice(body).map_err(|err| {
        bad_request(format!(
            "the request body is not valid JSON for this endpoint: {err}"
        ))
    })
}

/// Serves one `/_admin/` request; `path` has the `/_admin/` prefix removed.
pub async fn handle(app: &Arc<App>, method: &Method, path: &str, body: &[u8]) -> Response<Body> {
    let admin = Admin::new(app.clone());
    let result = match (method.as_str(), path) {
        ("GET", "health") => Ok(json_response(200, &json!({ "ok": true }))),
        ("GET", "realism") => Ok(json_response(200, &json!(admin.realism()))),
        ("POST" | "PUT", "realism") => update_realism(&admin, body),
        ("GET", "requests") => Ok(json_response(200, &json!(admin.request_counts()))),
        ("POST", "reset") => reset(&admin, body),
        ("POST", "console") => console(&admin, body),
        ("POST", "builds/fail-next") => {
            parse_json(body, || FailNextRequest { count: 1 }).map(|req| {
                admin.fail_next_builds(req.count);
                json_response(200, &json!({ "ok": true, "count": req.count }))
            })
        }
        _ => Ok(json_response(
            404,
            &json!({ "error": format!("no admin endpoint {method} /_admin/{path}") }),
        )),
    };
    result.unwrap_or_else(|err| json_response(err.status, &json!({ "error": err.message })))
}

fn update_realism(admin: &Admin, body: &[u8]) -> Result<Response<Body>, AdminError> {
    let changes: Map<String, Value> = parse_json(body, Map::new)?;
    let mut current = match serde_json::to_value(admin.realism()) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    current.extend(changes);
    let realism: Realism = serde_json::from_value(Value::Object(current))
        .map_err(|err| bad_request(format!("invalid realism settings: {err}")))?;
    realism.validate().map_err(bad_request)?;
    admin.set_realism(realism.clone());
    Ok(json_response(200, &json!(realism)))
}

fn reset(admin: &Admin, body: &[u8]) -> Result<Response<Body>, AdminError> {
    let req: ResetRequest = parse_json(body, ResetRequest::default)?;
    admin.reset_requests();
    let realism = admin.realism();
    // Faults go back to none; the asynchronous durations stay as configured.
    admin.set_realism(Realism {
        latency_ms: 0,
        throttle_rate: 0.0,
        server_error_rate: 0.0,
        drop_rate: 0.0,
        lost_response_rate: 0.0,
        read_lag_ms: 0,
        ..realism
    });
    if req.state {
        if let Err(err) = admin.reset_state() {
            return Err(AdminError {
                status: err.status().max(500),
                message: err.to_string(),
            });
        }
    }
    Ok(json_response(
        200,
        &json!({ "ok": true, "state": req.state }),
    ))
}

fn console(admin: &Admin, body: &[u8]) -> Result<Response<Body>, AdminError> {
    let req: ConsoleRequest = serde_json::from_slice(body).map_err(|err| {
        bad_request(format!(
            "expected {{\"account_id\", \"action\", \"params\"}}: {err}"
        ))
    })?;
    let mut params = Params::default();
    for (key, value) in &req.params {
        let text = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        params.insert(key, &text);
    }
    let result = admin.console(&req.account_id, &req.action, params);
    Ok(json_response(result.status, &result.body))
}
