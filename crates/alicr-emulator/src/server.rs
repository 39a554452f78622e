//! The HTTP side: the accept loop, one hyper HTTP/1 connection per task, and the API request
//! pipeline (parameters, routing, authentication, faults, action, response). A dropped
//! connection is done by ending the connection's task, so the client sees the socket close
//! without any response bytes.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{debug, warn};

use crate::actions::{self, Action, Ctx};
use crate::admin;
use crate::app::App;
use crate::auth::{self, SignedRequest};
use crate::ids;
use crate::realism::{draw_fault, Fault};
use crate::wire::reply::{error_body, success_body};
use crate::wire::{ApiError, Params, Product};

/// Largest request body accepted; CR requests carry a few kilobytes at most.
const MAX_BODY_BYTES: usize = 1 << 20;

/// The body type of every response.
pub type Body = Full<Bytes>;

/// Serves HTTP on `listener` until `shutdown` is cancelled, then waits for open connections.
pub async fn serve(listener: TcpListener, app: Arc<App>, shutdown: CancellationToken) {
    let tracker = TaskTracker::new();
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tracker.spawn(serve_connection(stream, app.clone(), shutdown.clone()));
                }
                Err(err) => {
                    warn!(error = %err, "accepting a connection failed; retrying");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
        }
    }
    tracker.close();
    tracker.wait().await;
}

async fn serve_connection(stream: TcpStream, app: Arc<App>, shutdown: CancellationToken) {
    // Latency matters more than throughput for small JSON bodies.
    let _ = stream.set_nodelay(true);
    let drop_connection = CancellationToken::new();
    let dropper = drop_connection.clone();
    let service = service_fn(move |req| {
        let app = app.clone();
        let dropper = dropper.clone();
        async move { Ok::<_, Infallible>(route(app, req, dropper).await) }
    });
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        result = connection => {
            if let Err(err) = result {
                debug!(error = %err, "connection ended with an error");
            }
        }
        _ = drop_connection.cancelled() => debug!("connection dropped by an injected fault"),
        _ = shutdown.cancelled() => {}
    }
}

async fn route(
    app: Arc<App>,
    req: Request<Incoming>,
    dropper: CancellationToken,
) -> Response<Body> {
    let path = req.uri().path().to_string();
    if let Some(admin_path) = path.strip_prefix("/_admin/") {
        let method = req.method().clone();
        let admin_path = admin_path.to_string();
        return match read_body(req.into_body()).await {
            Ok(body) => admin::handle(&app, &method, &admin_path, &body).await,
            Err(err) => json_response(400, &serde_json::json!({ "error": err })),
        };
    }
    handle_api(app, req, dropper).await
}

async fn read_body(body: Incoming) -> Result<Bytes, String> {
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) => Err(format!("the request body could not be read: {err}")),
    }
}

/// Builds a JSON response with the given status.
pub fn json_response(status: u16, body: &serde_json::Value) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=utf-8"),
    );
    response
}

/// A request that has been read and routed to an action.
struct Routed {
    product: Product,
    action: Action,
}

fn route_action(params: &Params, headers: &http::HeaderMap) -> Result<Routed, ApiError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
    };
    let action_name = params
        .get("Action")
        .or_else(|| header("x-acs-action"))
        .ok_or_else(|| ApiError::missing("Action"))?;
    let version = params
        .get("Version")
        .or_else(|| header("x-acs-version"))
        .ok_or_else(|| ApiError::missing("Version"))?;
    let product = Product::from_version(version).ok_or_else(actions::api_not_found)?;
    match Action::parse(product, action_name) {
        Action::Unknown => Err(actions::api_not_found()),
        action => Ok(Routed { product, action }),
    }
}

async fn handle_api(
    app: Arc<App>,
    req: Request<Incoming>,
    dropper: CancellationToken,
) -> Response<Body> {
    let started = Instant::now();
    let request_id = ids::request_id();
    let (parts, body) = req.into_parts();
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_string();
    let body = match read_body(body).await {
        Ok(body) => body,
        Err(message) => {
            let err = ApiError::gateway(400, "InvalidParameter", message);
            return json_response(400, &error_body(&err, &request_id, &host, None));
        }
    };
    let mut query = Params::default();
    query.merge_urlencoded(parts.uri.query().unwrap_or_default().as_bytes());
    let mut params = query.clone();
    let is_form = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.contains("x-www-form-urlencoded"));
    if is_form {
        params.merge_urlencoded(&body);
    }

    let mut account = String::new();
    let mut product = None;
    let mut action_name = "";
    let result = async {
        if parts.method != Method::POST && parts.method != Method::GET {
            return Err(ApiError::gateway(
                400,
                "UnsupportedHTTPMethod",
                format!(
                    "HTTP method {} is not supported; use POST or GET.",
                    parts.method
                ),
            ));
        }
        if parts.uri.path() != "/" {
            return Err(actions::api_not_found());
        }
        let routed = route_action(&params, &parts.headers)?;
        product = Some(routed.product);
        action_name = routed.action.name();
        let now_ms = ids::now_ms();
        let signed = SignedRequest {
            method: parts.method.as_str(),
            headers: &parts.headers,
            query: &query,
            params: &params,
            body: &body,
        };
        let caller = auth::authenticate(&app, &signed, now_ms)?;
        account = caller.account_id.clone();
        let _running = app.start_call(action_name);
        let realism = app.realism();
        if realism.latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(realism.latency_ms)).await;
        }
        let fault = draw_fault(&realism);
        match fault {
            Fault::Throttle => return Err(throttled(&app, realism.retry_after_ms)),
            Fault::ServerError => {
                return Err(ApiError::gateway(
                    503,
                    "ServiceUnavailable",
                    "The request has failed due to a temporary failure of the server.",
                ))
            }
            Fault::Drop => return Ok(None),
            Fault::None | Fault::LoseResponse => {}
        }
        let ctx = Ctx {
            app: &app,
            account_id: &caller.account_id,
            now_ms: ids::now_ms(),
        };
        let reply = actions::run(routed.action, &ctx, &params, realism.read_lag_ms)?;
        if fault == Fault::LoseResponse {
            return Ok(None);
        }
        Ok(Some(reply))
    }
    .await;

    if !action_name.is_empty() {
        app.record_request(action_name, &account);
    }
    let response = match result {
        Ok(Some(reply)) => json_response(
            200,
            &success_body(product.unwrap_or(Product::Cr), &request_id, reply),
        ),
        Ok(None) => {
            debug!(action = action_name, account = %account, "closing the connection without a response");
            dropper.cancel();
            return std::future::pending().await;
        }
        Err(err) => error_response(&err, &request_id, &host, product),
    };
    debug!(
        action = action_name,
        account = %account,
        status = response.status().as_u16(),
        duration_us = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

fn throttled(app: &App, retry_after_ms: u64) -> ApiError {
    // Every second throttled response carries x-acs-retry-after, so clients meet both forms.
    let with_header = app.throttle_with_retry_after();
    ApiError::Gateway {
        status: 400,
        code: "Throttling.User".into(),
        message: "Request was denied due to user flow control.".into(),
        retry_after_ms: with_header.then_some(retry_after_ms),
    }
}

/// Renders an API error with its HTTP status and, for throttling, `x-acs-retry-after`.
pub fn error_response(
    err: &ApiError,
    request_id: &str,
    host: &str,
    product: Option<Product>,
) -> Response<Body> {
    if let ApiError::Internal(detail) = err {
        warn!(request_id, error = %detail, "request failed inside the emulator");
    }
    let mut response = json_response(err.status(), &error_body(err, request_id, host, product));
    if let ApiError::Gateway {
        retry_after_ms: Some(ms),
        ..
    } = err
    {
        if let Ok(value) = HeaderValue::from_str(&ms.to_string()) {
            response.headers_mut().insert("x-acs-retry-after", value);
        }
    }
    response
}
