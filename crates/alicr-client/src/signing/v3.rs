//! ACS3-HMAC-SHA256 (signature V3). The canonical request joins method, path, sorted query,
//! signed headers and payload hash. Its SHA-256 is signed with HMAC-SHA256 keyed by the bare secret.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::percent;

/// Algorithm name, first word of the `Authorization` header.
pub(crate) const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Inputs of one V3 signature.
#[derive(Debug)]
pub(crate) struct Canonical<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: &'a [(String, String)],
    /// Headers to sign; names are lowercased here.
    pub(crate) headers: &'a [(String, String)],
    /// Lowercase hex SHA-256 of the body.
    pub(crate) payload_hash: &'a str,
}

/// Returns the lowercase hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Canonical<'_> {
    fn sorted_headers(&self) -> Vec<(String, String)> {
        let mut headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        headers.sort();
        headers
    }

    /// Returns the `;`-joined names of the signed headers.
    pub(crate) fn signed_headers(&self) -> String {
        self.sorted_headers()
            .into_iter()
            .map(|(k, _)| k)
            .collect::<Vec<_>>()
            .join(";")
    }

    /// Returns the canonical request text.
    pub(crate) fn request(&self) -> String {
        let headers: String = self
            .sorted_headers()
            .into_iter()
            .map(|(k, v)| format!("{k}:{v}\n"))
            .collect();
        format!(
            "{}\n{}\n{}\n{}\n{}\n{}",
            self.method,
            self.path,
            percent::canonical_query(self.query),
            headers,
            self.signed_headers(),
            self.payload_hash
        )
    }

    /// Returns the hex signature.
    pub(crate) fn sign(&self, access_key_secret: &str) -> String {
        let string_to_sign = format!("{ALGORITHM}\n{}", sha256_hex(self.request().as_bytes()));
        let mut mac = match Hmac::<Sha256>::new_from_slice(access_key_secret.as_bytes()) {
            Ok(mac) => mac,
            // HMAC takes keys of any length, so this arm cannot run.
            Err(_) => return String::new(),
        };
        mac.update(string_to_sign.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Returns the full `Authorization` header value.
    pub(crate) fn authorization(&self, access_key_id: &str, access_key_secret: &str) -> String {
        format!(
            "{ALGORITHM} Credential={access_key_id},SignedHeaders={},Signature={}",
            self.signed_headers(),
            self.sign(access_key_secret)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn v3_empty_payload_hash() {
        assert_eq!(sha256_hex(b""), EMPTY_HASH);
    }

    #[test]
    fn v3_official_vector() {
        let query = pairs(&[
            (
                "ImageId",
                "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
            ),
            ("RegionId", "cn-shanghai"),
        ]);
        let headers = pairs(&[
            ("host", "ecs.cn-shanghai.aliyuncs.com"),
            ("x-acs-action", "RunInstances"),
            ("x-acs-version", "2014-05-26"),
            ("x-acs-date", "2023-10-26T10:22:32Z"),
            ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
            ("x-acs-content-sha256", EMPTY_HASH),
        ]);
        let canonical = Canonical {
            method: "POST",
            path: "/",
            query: &query,
            headers: &headers,
            payload_hash: EMPTY_HASH,
        };
        assert_eq!(
            sha256_hex(canonical.request().as_bytes()),
            "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
        );
        assert_eq!(
            canonical.sign("YourAccessKeySecret"),
            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
        );
    }

    #[test]
    fn v3_cr_build_rule_vector() {
        let query = pairs(&[
            ("InstanceId", "cri-testinstance01"),
            ("RepoId", "crr-testrepo0001"),
            ("PushType", "GIT_BRANCH"),
            ("PushName", "main"),
            ("ImageTag", "v1.0 *beta"),
            ("DockerfileLocation", "/"),
            ("DockerfileName", "Dockerfile"),
            ("BuildArgs.1", "FOO=bar"),
            ("Platforms.1", "linux/amd64"),
            ("Platforms.2", "linux/arm64"),
        ]);
        let headers = pairs(&[
            ("host", "cr.cn-hangzhou.aliyuncs.com"),
            ("x-acs-action", "CreateRepoBuildRule"),
            ("x-acs-version", "2018-12-01"),
            ("x-acs-date", "2024-01-02T03:04:05Z"),
            ("x-acs-signature-nonce", "c0ffee0000004000800000000000000a"),
            ("x-acs-content-sha256", EMPTY_HASH),
        ]);
        let canonical = Canonical {
            method: "POST",
            path: "/",
            query: &query,
            headers: &headers,
            payload_hash: EMPTY_HASH,
        };
        assert_eq!(
            percent::canonical_query(&query),
            "BuildArgs.1=FOO%3Dbar&DockerfileLocation=%2F&DockerfileName=Dockerfile&ImageTag=v1.0%20%2Abeta&InstanceId=cri-testinstance01&Platforms.1=linux%2Famd64&Platforms.2=linux%2Farm64&PushName=main&PushType=GIT_BRANCH&RepoId=crr-testrepo0001"
        );
        assert_eq!(
            sha256_hex(canonical.request().as_bytes()),
            "e7efe6ede67c6cbfdc129338123fe192ccfc1ab0e78565fcc2263f694fb87902"
        );
        assert_eq!(
            canonical.sign("testsecret"),
            "07d2f072780a28bc0727127798d94fb65ec6047e3c9aea7bb32ef19c89ab5f8b"
        );
    }

    #[test]
    fn v3_authorization_format() {
        let headers = pairs(&[("x-acs-action", "A"), ("host", "h")]);
        let canonical = Canonical {
            method: "POST",
            path: "/",
            query: &[],
            headers: &headers,
            payload_hash: EMPTY_HASH,
        };
        let value = canonical.authorization("ak", "sk");
        assert!(
            value.starts_with(
                "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;x-acs-action,Signature="
            ),
            "{value}"
        );
    }
}
