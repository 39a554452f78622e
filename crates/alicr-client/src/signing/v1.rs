//! RPC signature version 1.0: HMAC-SHA1 over `METHOD&%2F&encode(canonical query)` with key
//! `secret&`, base64-encoded into the `Signature` parameter (which is not itself signed).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::percent;

/// Returns the string to sign for `method` and the parameters (without `Signature`).
pub(crate) fn string_to_sign(method: &str, params: &[(String, String)]) -> String {
    let canonical = percent::canonical_query(params);
    format!("{method}&%2F&{}", percent::encode(&canonical))
}

/// Returns the base64 `Signature` value.
pub(crate) fn sign(method: &str, params: &[(String, String)], access_key_secret: &str) -> String {
    let key = format!("{access_key_secret}&");
    let string_to_sign = string_to_sign(method, params);
    let mut mac = match Hmac::<Sha1>::new_from_slice(key.as_bytes()) {
        Ok(mac) => mac,
        // HMAC takes keys of any length, so this arm cannot run.
        Err(_) => return String::new(),
    };
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn describe_regions() -> Vec<(String, String)> {
        pairs(&[
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
        ])
    }

    #[test]
    fn v1_official_get_string_to_sign() {
        let expected = "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26";
        assert_eq!(string_to_sign("GET", &describe_regions()), expected);
    }

    #[test]
    fn v1_official_get_vector() {
        assert_eq!(
            sign("GET", &describe_regions(), "testsecret"),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
    }

    #[test]
    fn v1_official_post_vector() {
        assert_eq!(
            sign("POST", &describe_regions(), "testsecret"),
            "MxbnVAM4w6sft9xjVpe/GCKueuk="
        );
    }

    #[test]
    fn v1_cr_build_rule_vector() {
        let params = pairs(&[
            ("Action", "CreateRepoBuildRule"),
            ("Format", "JSON"),
            ("Version", "2018-12-01"),
            ("AccessKeyId", "testid"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("SignatureNonce", "c0ffee00-0000-4000-8000-000000000001"),
            ("Timestamp", "2024-01-02T03:04:05Z"),
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
        let canonical = "AccessKeyId=testid&Action=CreateRepoBuildRule&BuildArgs.1=FOO%3Dbar&DockerfileLocation=%2F&DockerfileName=Dockerfile&Format=JSON&ImageTag=v1.0%20%2Abeta&InstanceId=cri-testinstance01&Platforms.1=linux%2Famd64&Platforms.2=linux%2Farm64&PushName=main&PushType=GIT_BRANCH&RepoId=crr-testrepo0001&SignatureMethod=HMAC-SHA1&SignatureNonce=c0ffee00-0000-4000-8000-000000000001&SignatureVersion=1.0&Timestamp=2024-01-02T03%3A04%3A05Z&Version=2018-12-01";
        assert_eq!(percent::canonical_query(&params), canonical);
        assert_eq!(
            sign("POST", &params, "testsecret"),
            "Avel/sG8nEDJrjgVSPLZBoKrjY4="
        );
    }
}
