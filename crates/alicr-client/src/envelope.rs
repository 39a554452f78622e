//! Reading the response envelope: gateway errors on HTTP 4xx/5xx, business errors on HTTP 200
//! with `IsSuccess: false` (or a non-success `Code` with a `Message`), and success bodies.

use serde_json::Value;

use crate::error::{scrub_message, Error};

/// Parses a response body into JSON, or the error it carries.
pub(crate) fn parse(action: &str, http_status: u16, body: &[u8]) -> Result<Value, Error> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            return Err(Error::Response {
                action: action.to_owned(),
                http_status,
                message: format!("body of {} bytes is not JSON ({e})", body.len()),
            })
        }
    };
    if http_status >= 400 || is_business_error(&value) {
        return Err(service_error(action, http_status, &value));
    }
    if !(200..300).contains(&http_status) {
        return Err(Error::Response {
            action: action.to_owned(),
            http_status,
            message: "unexpected HTTP status for an API call".to_owned(),
        });
    }
    Ok(value)
}

fn is_business_error(value: &Value) -> bool {
    match value.get("IsSuccess") {
        Some(Value::Bool(ok)) => !ok,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("false"),
        _ => {
            let code = text(value, "Code");
            let message = text(value, "Message");
            !code.is_empty() && !is_success_code(&code) && !message.is_empty()
        }
    }
}

fn is_success_code(code: &str) -> bool {
    ["success", "ok", "200", "0"]
        .iter()
        .any(|c| code.eq_ignore_ascii_case(c))
}

fn service_error(action: &str, http_status: u16, value: &Value) -> Error {
    let code = match text(value, "Code") {
        code if code.is_empty() => format!("HTTP{http_status}"),
        code => code,
    };
    let request_id = Some(text(value, "RequestId")).filter(|id| !id.is_empty());
    Error::Service {
        action: action.to_owned(),
        code,
        message: scrub_message(&text(value, "Message")),
        request_id,
        http_status,
    }
}

fn text(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_envelope_ok() {
        let body = br#"{"Code":"success","IsSuccess":true,"RequestId":"R1","RepoId":"crr-1"}"#;
        assert!(parse("GetRepository", 200, body).is_ok());
    }

    #[test]
    fn soft_error_on_200() {
        let body = br#"{"Code":"REPO_NOT_EXIST","IsSuccess":false,"Message":"repo not exist","RequestId":"R2"}"#;
        let error = parse("GetRepository", 200, body).unwrap_err();
        assert!(error.is_not_found());
        assert_eq!(error.request_id(), Some("R2"));
    }

    #[test]
    fn string_is_success_false() {
        let body = br#"{"Code":"INSTANCE_NOT_EXIST","IsSuccess":"false","RequestId":"R3"}"#;
        assert_eq!(
            parse("GetInstance", 200, body).unwrap_err().code(),
            Some("INSTANCE_NOT_EXIST")
        );
    }

    #[test]
    fn gateway_error_on_400() {
        let body = br#"{"RequestId":"R4","HostId":"cr.cn-hangzhou.aliyuncs.com","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#;
        let error = parse("ListRepoBuildRule", 400, body).unwrap_err();
        assert!(error.is_throttling());
    }

    #[test]
    fn vpc_success_without_code() {
        let body = br#"{"RequestId":"R5","TotalCount":0,"Vpcs":{"Vpc":[]}}"#;
        assert!(parse("DescribeVpcs", 200, body).is_ok());
    }

    #[test]
    fn html_body_is_response_error() {
        let error = parse("GetInstance", 502, b"<html>bad gateway</html>").unwrap_err();
        assert!(matches!(
            error,
            Error::Response {
                http_status: 502,
                ..
            }
        ));
    }

    #[test]
    fn code_without_message_on_200_is_success() {
        let body = br#"{"Code":"SOMETHING","RequestId":"R6"}"#;
        assert!(parse("X", 200, body).is_ok());
    }

    #[test]
    fn signature_echo_scrubbed() {
        let body = br#"{"Code":"SignatureDoesNotMatch","Message":"server string to sign is:GET&%2F&SecurityToken%3Dsecret","RequestId":"R7"}"#;
        let text = parse("X", 400, body).unwrap_err().to_string();
        assert!(!text.contains("SecurityToken"), "{text}");
    }
}
