//! Response bodies: the CR success envelope, the bare VPC/STS bodies, CR business errors and the
//! gateway (POP) error envelope.

use serde_json::{json, Map, Value};

use super::ApiError;

/// The API product a request was routed to, chosen by its `Version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Product {
    /// Container Registry, `2018-12-01`.
    Cr,
    /// VPC, `2016-04-28`.
    Vpc,
    /// Security Token Service, `2015-04-01`.
    Sts,
}

impl Product {
    /// Maps an API version to its product.
    pub fn from_version(version: &str) -> Option<Product> {
        match version {
            "2018-12-01" => Some(Product::Cr),
            "2016-04-28" => Some(Product::Vpc),
            "2015-04-01" => Some(Product::Sts),
            _ => None,
        }
    }

    /// The product code used in troubleshooting links.
    pub fn code(self) -> &'static str {
        match self {
            Product::Cr => "cr",
            Product::Vpc => "Vpc",
            Product::Sts => "Sts",
        }
    }
}

/// The action-specific fields of a successful response.
pub type Reply = Map<String, Value>;

/// Renders a successful response body. CR adds `Code:"success"` and `IsSuccess:true`;
/// VPC and STS return only `RequestId` next to their fields.
pub fn success_body(product: Product, request_id: &str, mut fields: Reply) -> Value {
    if product == Product::Cr {
        fields.insert("Code".into(), json!("success"));
        fields.insert("IsSuccess".into(), json!(true));
    }
    fields.insert("RequestId".into(), json!(request_id));
    Value::Object(fields)
}

/// Renders an error body: the CR business shape for business errors, the gateway envelope
/// `{RequestId, HostId, Code, Message, Recommend}` for everything else.
pub fn error_body(err: &ApiError, request_id: &str, host: &str, product: Option<Product>) -> Value {
    match err {
        ApiError::Business { code, message } => json!({
            "Code": code,
            "IsSuccess": false,
            "Message": message,
            "RequestId": request_id,
        }),
        _ => {
            let message = match err {
                ApiError::Gateway { message, .. } => message.clone(),
                _ => "The request processing has failed due to some unknown error.".to_string(),
            };
            let code = err.code();
            let product = product.unwrap_or(Product::Cr).code();
            json!({
                "RequestId": request_id,
                "HostId": host,
                "Code": code,
                "Message": message,
                "Recommend": format!(
                    "https://api.aliyun.com/troubleshoot?q={code}&product={product}&requestId={request_id}"
                ),
            })
        }
    }
}
