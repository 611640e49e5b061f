//! TLS for the API server from the `[ssl]` options, replacing `oslo_service.sslutils`
//! (`is_enabled` checks with their texts, `wrap`): rustls with the ring provider, a required
//! client certificate when `ca_file` is set. rustls speaks TLS 1.2 and 1.3 only, so
//! `version = sslv23` (negotiate) and `tlsv1_2` are honoured and the older versions are
//! refused at start-up; `ciphers` (an OpenSSL cipher string) cannot be mapped and is ignored
//! with a warning.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;

use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, SupportedProtocolVersion};

use super::{ServerError, SslOpts};

/// Builds the TLS server configuration (`use_ssl = true`), checking the files the way
/// `sslutils.is_enabled` does and in its order.
pub fn server_config(ssl: &SslOpts) -> Result<Arc<ServerConfig>, ServerError> {
    let set = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let (cert_file, key_file, ca_file) =
        (set(&ssl.cert_file), set(&ssl.key_file), set(&ssl.ca_file));
    for (what, file) in [
        ("cert_file", &cert_file),
        ("ca_file", &ca_file),
        ("key_file", &key_file),
    ] {
        if let Some(path) = file {
            if !Path::new(path).exists() {
                return Err(ServerError::Tls(format!("Unable to find {what} : {path}")));
            }
        }
    }
    let (Some(cert_file), Some(key_file)) = (cert_file, key_file) else {
        return Err(ServerError::Tls(
            "When running server in SSL mode, you must specify both a cert_file and key_file \
             option value in your configuration file"
                .into(),
        ));
    };
    let versions = protocol_versions(ssl.version.as_deref())?;
    if let Some(ciphers) = ssl.ciphers.as_deref().filter(|c| !c.is_empty()) {
        tracing::warn!(
            "[ssl] ciphers = {ciphers} is ignored: the server uses rustls' default TLS 1.2/1.3 \
             cipher suites"
        );
    }
    let certs = read_certs(&cert_file)?;
    let key = read_key(&key_file)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .map_err(|e| ServerError::Tls(format!("Invalid SSL configuration: {e}")))?;
    let builder = match ca_file {
        Some(ca_file) => {
            let mut roots = RootCertStore::empty();
            for cert in read_certs(&ca_file)? {
                roots.add(cert).map_err(|e| {
                    ServerError::Tls(format!("Invalid CA certificate in {ca_file}: {e}"))
                })?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| ServerError::Tls(format!("Invalid ca_file {ca_file}: {e}")))?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(certs, key)
        .map_err(|e| ServerError::Tls(format!("Invalid cert_file/key_file pair: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// `sslutils.validate_ssl_version`, restricted to what rustls can do.
fn protocol_versions(
    version: Option<&str>,
) -> Result<&'static [&'static SupportedProtocolVersion], ServerError> {
    static NEGOTIATE: &[&SupportedProtocolVersion] =
        &[&rustls::version::TLS13, &rustls::version::TLS12];
    static TLS12: &[&SupportedProtocolVersion] = &[&rustls::version::TLS12];
    let Some(version) = version.filter(|v| !v.is_empty()) else {
        return Ok(NEGOTIATE);
    };
    match version.to_ascii_lowercase().as_str() {
        "sslv23" => Ok(NEGOTIATE),
        "tlsv1_2" => Ok(TLS12),
        "tlsv1" | "tlsv1_1" | "sslv2" | "sslv3" => Err(ServerError::Tls(format!(
            "SSL version {version} is not supported: this server speaks TLS 1.2 and 1.3 only \
             (use version = sslv23 or tlsv1_2)"
        ))),
        _ => Err(ServerError::Tls(format!("Invalid SSL version : {version}"))),
    }
}

fn read_certs(path: &str) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, ServerError> {
    let file =
        File::open(path).map_err(|e| ServerError::Tls(format!("Unable to read {path}: {e}")))?;
    let certs = rustls_pemfile::certs(&mut BufReader::new(file))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ServerError::Tls(format!("Invalid certificate file {path}: {e}")))?;
    if certs.is_empty() {
        return Err(ServerError::Tls(format!(
            "Invalid certificate file {path}: no PEM certificate found"
        )));
    }
    Ok(certs)
}

fn read_key(path: &str) -> Result<rustls::pki_types::PrivateKeyDer<'static>, ServerError> {
    let file =
        File::open(path).map_err(|e| ServerError::Tls(format!("Unable to read {path}: {e}")))?;
    rustls_pemfile::private_key(&mut BufReader::new(file))
        .map_err(|e| ServerError::Tls(format!("Invalid key file {path}: {e}")))?
        .ok_or_else(|| {
            ServerError::Tls(format!("Invalid key file {path}: no PEM private key found"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(cert: Option<&str>, key: Option<&str>, ca: Option<&str>) -> SslOpts {
        SslOpts {
            cert_file: cert.map(str::to_string),
            key_file: key.map(str::to_string),
            ca_file: ca.map(str::to_string),
            ..SslOpts::default()
        }
    }

    fn err(o: &SslOpts) -> String {
        match server_config(o) {
            Ok(_) => panic!("accepted {o:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn missing_files_in_sslutils_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let exists = dir.path().join("x.pem");
        std::fs::write(&exists, "").expect("write");
        let exists = exists.to_str().expect("utf8");
        assert_eq!(
            err(&opts(
                Some("/nope/cert.pem"),
                Some("/nope/key.pem"),
                Some("/nope/ca.pem")
            )),
            "Unable to find cert_file : /nope/cert.pem"
        );
        assert_eq!(
            err(&opts(
                Some(exists),
                Some("/nope/key.pem"),
                Some("/nope/ca.pem")
            )),
            "Unable to find ca_file : /nope/ca.pem"
        );
        assert_eq!(
            err(&opts(Some(exists), Some("/nope/key.pem"), None)),
            "Unable to find key_file : /nope/key.pem"
        );
        let both = "When running server in SSL mode, you must specify both a cert_file and \
                    key_file option value in your configuration file";
        assert_eq!(err(&opts(Some(exists), None, None)), both);
        assert_eq!(err(&opts(None, None, None)), both);
    }

    #[test]
    fn ssl_versions() {
        assert!(protocol_versions(None).is_ok());
        assert!(protocol_versions(Some("SSLv23")).is_ok());
        assert_eq!(
            protocol_versions(Some("tlsv1_2")).map(<[_]>::len).ok(),
            Some(1)
        );
        let invalid = protocol_versions(Some("tls9"))
            .map(|_| ())
            .expect_err("invalid");
        assert_eq!(invalid.to_string(), "Invalid SSL version : tls9");
        assert!(protocol_versions(Some("TLSv1")).is_err());
    }
}
