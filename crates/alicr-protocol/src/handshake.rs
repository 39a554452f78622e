//! The go-plugin handshake: the environment checks a plugin makes before it
//! serves, the line it prints on stdout so Terraform can connect, and the
//! `TF_REATTACH_PROVIDERS` value of debug mode.

use std::path::Path;

use base64::Engine;

/// Environment variable holding go-plugin's magic cookie for Terraform providers.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";

/// The value Terraform sets for [`MAGIC_COOKIE_KEY`].
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// go-plugin's core protocol version, the first field of the handshake line.
pub const CORE_PROTOCOL_VERSION: u32 = 1;

/// The plugin protocol this crate serves: tfplugin6.
pub const APP_PROTOCOL_VERSION: u32 = 6;

/// Error in the environment Terraform gives the plugin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandshakeError {
    #[error(
        "This binary is a plugin for Terraform and is not meant to be run directly; \
         run terraform commands that use it instead, or start it with --debug to attach Terraform to it."
    )]
    MissingMagicCookie,
    #[error(
        "Terraform offered plugin protocol versions {offered:?}, but this provider speaks only \
         version 6; use Terraform 1.0 or later."
    )]
    UnsupportedProtocolVersions { offered: String },
}

/// Checks that Terraform started the plugin, from the value of
/// `TF_PLUGIN_MAGIC_COOKIE`.
pub fn check_magic_cookie(value: Option<&str>) -> Result<(), HandshakeError> {
    match value {
        Some(MAGIC_COOKIE_VALUE) => Ok(()),
        _ => Err(HandshakeError::MissingMagicCookie),
    }
}

/// Checks that `PLUGIN_PROTOCOL_VERSIONS` (a comma-separated set such as `5,6`
/// or `6,5`) includes version 6. When the variable is unset, go-plugin hosts
/// negotiate nothing and the plugin announces its own version.
pub fn check_protocol_versions(value: Option<&str>) -> Result<(), HandshakeError> {
    let Some(value) = value else {
        return Ok(());
    };
    let offers_six = value
        .split(',')
        .any(|version| version.trim().parse::<u32>() == Ok(APP_PROTOCOL_VERSION));
    if offers_six {
        Ok(())
    } else {
        Err(HandshakeError::UnsupportedProtocolVersions {
            offered: value.to_string(),
        })
    }
}

/// Formats the handshake line, without its newline:
/// `1|6|unix|<socket path>|grpc|<certificate>`. The certificate is DER encoded
/// as base64 with the standard alphabet and no padding, as Go's
/// `RawStdEncoding` expects. It is empty when TLS is off.
pub fn handshake_line(socket: &Path, certificate_der: Option<&[u8]>) -> String {
    let certificate = certificate_der
        .map(|der| base64::engine::general_purpose::STANDARD_NO_PAD.encode(der))
        .unwrap_or_default();
    format!(
        "{CORE_PROTOCOL_VERSION}|{APP_PROTOCOL_VERSION}|unix|{}|grpc|{certificate}",
        socket.display()
    )
}

/// Builds the JSON value of `TF_REATTACH_PROVIDERS` for one provider served
/// in debug mode. `Test: true` makes Terraform leave the process running when a
/// command ends.
pub fn reattach_config(provider_address: &str, pid: u32, socket: &Path) -> serde_json::Value {
    serde_json::json!({
        provider_address: {
            "Protocol": "grpc",
            "ProtocolVersion": APP_PROTOCOL_VERSION,
            "Pid": pid,
            "Test": true,
            "Addr": { "Network": "unix", "String": socket.display().to_string() },
        }
    })
}

/// Quotes a value for a POSIX shell with single quotes.
pub fn shell_single_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r#"'"'"'"#))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn cookie_accepted() {
        assert_eq!(check_magic_cookie(Some(MAGIC_COOKIE_VALUE)), Ok(()));
    }

    #[test]
    fn cookie_missing_rejected() {
        assert_eq!(
            check_magic_cookie(None),
            Err(HandshakeError::MissingMagicCookie)
        );
    }

    #[test]
    fn cookie_wrong_rejected() {
        assert_eq!(
            check_magic_cookie(Some("x")),
            Err(HandshakeError::MissingMagicCookie)
        );
    }

    #[test]
    fn cookie_message_is_one_line() {
        assert!(!HandshakeError::MissingMagicCookie
            .to_string()
            .contains('\n'));
    }

    #[test]
    fn versions_in_either_order() {
        assert_eq!(check_protocol_versions(Some("5,6")), Ok(()));
        assert_eq!(check_protocol_versions(Some("6,5")), Ok(()));
    }

    #[test]
    fn versions_without_six_rejected() {
        assert!(check_protocol_versions(Some("5")).is_err());
    }

    #[test]
    fn versions_unset_accepted() {
        assert_eq!(check_protocol_versions(None), Ok(()));
    }

    #[test]
    fn line_without_tls() {
        let line = handshake_line(&PathBuf::from("/tmp/plugin1"), None);
        assert_eq!(line, "1|6|unix|/tmp/plugin1|grpc|");
    }

    #[test]
    fn line_certificate_unpadded() {
        // Two bytes encode to three characters plus one '=' with padding.
        let line = handshake_line(&PathBuf::from("/s"), Some(&[0xff, 0x00]));
        assert_eq!(line, "1|6|unix|/s|grpc|/wA");
    }

    #[test]
    fn reattach_shape() {
        let config = reattach_config("registry.terraform.io/a/b", 42, &PathBuf::from("/tmp/s"));
        let entry = &config["registry.terraform.io/a/b"];
        assert_eq!(entry["Protocol"], "grpc");
        assert_eq!(entry["ProtocolVersion"], 6);
        assert_eq!(entry["Pid"], 42);
        assert_eq!(entry["Test"], true);
        assert_eq!(entry["Addr"]["Network"], "unix");
        assert_eq!(entry["Addr"]["String"], "/tmp/s");
    }

    #[test]
    fn quote_escapes_single_quote() {
        assert_eq!(shell_single_quote("a'b"), r#"'a'"'"'b'"#);
    }
}
