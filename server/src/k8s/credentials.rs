//! Multi-user mode's credentials: a user's bearer token or the credential of
//! an uploaded kubeconfig, turned into a client for *Wharf's* cluster, and
//! checked against it before a session is made.
//!
//! What an uploaded kubeconfig may not do, and why:
//! - name files (`tokenFile`, `client-certificate`, `client-key`): Wharf
//!   would read its own files — its service account's token, for one;
//! - run programs (`exec`) or use auth providers: they would run on the
//!   server, as the server;
//! - choose the server URL: Wharf only talks to the cluster it was started
//!   for (else Wharf becomes a way to reach any address from the server);
//! - impersonate: accepted only by the apiserver's own rules, but Wharf
//!   refuses it rather than pass it on silently.

use super::KubeCluster;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use k8s_openapi::api::authentication::v1::SelfSubjectReview;
use kube::api::{Api, PostParams};
use kube::config::{AuthInfo, Kubeconfig};
use kube::{Client, Config};
use std::fmt;
use wharf_spec::ApiError;

/// A user's credential. Its `Debug` never shows the secret. It is
/// serialized only into a sealed session cookie (`crate::seal`).
#[derive(Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Credential {
    Token(String),
    ClientCertificate { cert_pem: String, key_pem: String },
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Token(_) => f.write_str("Token(<redacted>)"),
            Credential::ClientCertificate { .. } => f.write_str("ClientCertificate(<redacted>)"),
        }
    }
}

/// Why a sign-in was refused, in terms the page can say in words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInRefusal {
    /// Neither a token nor a kubeconfig.
    Empty,
    /// The kubeconfig is not YAML Wharf can read, or has no current user.
    Unreadable,
    /// An exec plugin or auth provider.
    RunsPrograms,
    /// A file path instead of inline data.
    NamesFiles,
    /// Impersonation, or username/password.
    Unsupported,
    /// The cluster did not accept the credential.
    Rejected,
    /// The cluster could not be asked.
    Unavailable,
    /// Too many attempts from this address.
    TooMany,
}

impl SignInRefusal {
    /// The code in `/sign-in?error=…`.
    pub fn code(self) -> &'static str {
        match self {
            SignInRefusal::Empty => "empty",
            SignInRefusal::Unreadable => "unreadable",
            SignInRefusal::RunsPrograms => "programs",
            SignInRefusal::NamesFiles => "files",
            SignInRefusal::Unsupported => "unsupported",
            SignInRefusal::Rejected => "rejected",
            SignInRefusal::Unavailable => "unavailable",
            SignInRefusal::TooMany => "too-many",
        }
    }
}

/// The credential of a kubeconfig's current context (or its only user).
pub fn credential_from_kubeconfig(text: &str) -> Result<Credential, SignInRefusal> {
    let config = Kubeconfig::from_yaml(text).map_err(|_| SignInRefusal::Unreadable)?;
    let user_name = config
        .current_context
        .as_ref()
        .and_then(|c| config.contexts.iter().find(|n| &n.name == c))
        .and_then(|c| c.context.as_ref())
        .and_then(|c| c.user.clone())
        .or_else(|| (config.auth_infos.len() == 1).then(|| config.auth_infos[0].name.clone()))
        .ok_or(SignInRefusal::Unreadable)?;
    let auth = config
        .auth_infos
        .iter()
        .find(|a| a.name == user_name)
        .and_then(|a| a.auth_info.clone())
        .ok_or(SignInRefusal::Unreadable)?;
    credential_from_auth_info(&auth)
}

fn credential_from_auth_info(auth: &AuthInfo) -> Result<Credential, SignInRefusal> {
    if auth.exec.is_some() || auth.auth_provider.is_some() {
        return Err(SignInRefusal::RunsPrograms);
    }
    if auth.token_file.is_some() || auth.client_certificate.is_some() || auth.client_key.is_some() {
        return Err(SignInRefusal::NamesFiles);
    }
    if auth.impersonate.is_some()
        || auth.impersonate_groups.is_some()
        || auth.username.is_some()
        || auth.password.is_some()
    {
        return Err(SignInRefusal::Unsupported);
    }
    use secrecy::ExposeSecret;
    if let Some(token) = &auth.token {
        return Ok(Credential::Token(token.expose_secret().trim().to_string()));
    }
    match (&auth.client_certificate_data, &auth.client_key_data) {
        (Some(cert), Some(key)) => {
            let decode = |b64: &str| {
                base64_decode(b64.trim())
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .ok_or(SignInRefusal::Unreadable)
            };
            Ok(Credential::ClientCertificate {
                cert_pem: decode(cert)?,
                key_pem: decode(key.expose_secret())?,
            })
        }
        _ => Err(SignInRefusal::Empty),
    }
}

/// Base64 as kubeconfigs and JWTs hold it: whitespace and padding are
/// ignored.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let bare: String = text
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && *c != '=')
        .collect();
    STANDARD_NO_PAD.decode(bare).ok()
}

/// Wharf's cluster without credentials: where users' clients connect.
#[derive(Clone)]
pub struct ClusterAddress {
    config: Config,
}

impl ClusterAddress {
    /// The cluster (URL, CA, TLS name) of Wharf's own configuration, with its
    /// credentials dropped: in multi-user mode they are used for nothing.
    pub fn from_config(mut config: Config) -> Self {
        config.auth_info = AuthInfo::default();
        config.headers.clear();
        Self { config }
    }

    /// The address and CA, without credentials.
    pub fn config(&self) -> &Config {
        &self.config
    }

    fn client_for(&self, credential: &Credential) -> Result<Client, SignInRefusal> {
        let mut config = self.config.clone();
        match credential {
            Credential::Token(token) => config.auth_info.token = Some(token.clone().into()),
            Credential::ClientCertificate { cert_pem, key_pem } => {
                // kube takes PEM data base64-encoded, as a kubeconfig holds it.
                config.auth_info.client_certificate_data = Some(base64_encode(cert_pem.as_bytes()));
                config.auth_info.client_key_data = Some(base64_encode(key_pem.as_bytes()).into());
            }
        }
        super::connect::client_from(config).map_err(|_| SignInRefusal::Unreadable)
    }

    /// A session's cluster for a credential that was checked at sign-in
    /// (on this replica or another: it comes from a sealed cookie).
    pub fn cluster_for(&self, credential: &Credential) -> Result<KubeCluster, SignInRefusal> {
        Ok(KubeCluster::new(self.client_for(credential)?))
    }

    /// Whether the apiserver answers at all (`/readyz`): any HTTP answer,
    /// even 401 to this request without credentials, says it is up.
    pub async fn answers(&self) -> bool {
        match super::connect::client_from(self.config.clone()) {
            Ok(client) => super::connect::answers(&client).await,
            Err(_) => false,
        }
    }

    /// Checks `credential` against the cluster and returns a session's
    /// cluster for it, with the user's name as the cluster says it.
    pub async fn sign_in(
        &self,
        credential: &Credential,
    ) -> Result<(KubeCluster, String), SignInRefusal> {
        let client = self.client_for(credential)?;
        let cluster = KubeCluster::new(client.clone());
        // Every authenticated user may create a SelfSubjectAccessReview; a
        // credential the cluster does not accept gets 401 (Forbidden here).
        match cluster.may("list", "namespaces", None).await {
            Ok(_) => {}
            Err(ApiError::Forbidden { .. }) => return Err(SignInRefusal::Rejected),
            Err(_) => return Err(SignInRefusal::Unavailable),
        }
        let user = who_am_i(&client, credential).await;
        Ok((cluster, user))
    }
}

fn base64_encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// The user's name: SelfSubjectReview where the cluster has it (1.28+);
/// else a service-account token's subject (the cluster has just accepted
/// the token, so its claim is what the cluster believes); else the name the
/// apiserver puts in a refusal (`User "dev" cannot list …`); else "?".
async fn who_am_i(client: &Client, credential: &Credential) -> String {
    let reviews: Api<SelfSubjectReview> = Api::all(client.clone());
    if let Ok(review) = reviews
        .create(&PostParams::default(), &SelfSubjectReview::default())
        .await
        && let Some(name) = review
            .status
            .and_then(|s| s.user_info)
            .and_then(|u| u.username)
    {
        return name;
    }
    if let Credential::Token(token) = credential
        && let Some(subject) = jwt_subject(token)
    {
        return subject;
    }
    let secrets: Api<k8s_openapi::api::core::v1::Secret> =
        Api::namespaced(client.clone(), "kube-system");
    match secrets
        .list(&kube::api::ListParams::default().limit(1))
        .await
    {
        Err(kube::Error::Api(status)) => {
            user_in_refusal(&status.message).unwrap_or_else(|| "?".into())
        }
        _ => "?".into(),
    }
}

/// `dev` from `secrets is forbidden: User "dev" cannot list resource …`.
fn user_in_refusal(message: &str) -> Option<String> {
    let after = message.split_once("User \"")?.1;
    Some(after.split_once('"')?.0.to_string())
}

/// The `sub` claim of a JWT, without checking its signature (display only).
fn jwt_subject(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let standard: String = payload
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    let claims: serde_json::Value = serde_json::from_slice(&base64_decode(&standard)?).ok()?;
    claims["sub"].as_str().map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kubeconfig(user: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://10.0.0.1\n\
             users:\n- name: u\n  user:\n{user}\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\n\
             current-context: x\n"
        )
    }

    #[test]
    fn a_token_or_inline_certificate_is_taken() {
        let token = credential_from_kubeconfig(&kubeconfig("    token: abc.def")).unwrap();
        assert!(matches!(&token, Credential::Token(t) if t == "abc.def"));
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        let cert = kubeconfig(&format!(
            "    client-certificate-data: {}\n    client-key-data: {}",
            base64_encode(b"CERT"),
            base64_encode(b"KEY")
        ));
        assert!(matches!(
            credential_from_kubeconfig(&cert).unwrap(),
            Credential::ClientCertificate { cert_pem, key_pem } if cert_pem == "CERT" && key_pem == "KEY"
        ));
    }

    #[test]
    fn programs_files_and_impersonation_are_refused() {
        let exec = "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/steal";
        assert_eq!(
            credential_from_kubeconfig(&kubeconfig(exec)).unwrap_err(),
            SignInRefusal::RunsPrograms
        );
        let file = "    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token";
        assert_eq!(
            credential_from_kubeconfig(&kubeconfig(file)).unwrap_err(),
            SignInRefusal::NamesFiles
        );
        let cert_file = "    client-certificate: /etc/kubernetes/pki/admin.crt\n    client-key: /k";
        assert_eq!(
            credential_from_kubeconfig(&kubeconfig(cert_file)).unwrap_err(),
            SignInRefusal::NamesFiles
        );
        let imp = "    token: t\n    as: system:admin";
        assert_eq!(
            credential_from_kubeconfig(&kubeconfig(imp)).unwrap_err(),
            SignInRefusal::Unsupported
        );
        assert_eq!(
            credential_from_kubeconfig("not: [yaml").unwrap_err(),
            SignInRefusal::Unreadable
        );
    }

    #[test]
    fn base64_round_trips_and_jwt_subject() {
        for text in ["", "a", "ab", "abc", "abcd", "证书"] {
            assert_eq!(
                base64_decode(&base64_encode(text.as_bytes())).unwrap(),
                text.as_bytes()
            );
        }
        // {"sub":"system:serviceaccount:dev:default"} without padding, url-safe.
        let payload = base64_encode(br#"{"sub":"system:serviceaccount:dev:default"}"#)
            .trim_end_matches('=')
            .replace('+', "-")
            .replace('/', "_");
        assert_eq!(
            jwt_subject(&format!("h.{payload}.s")).as_deref(),
            Some("system:serviceaccount:dev:default")
        );
        assert_eq!(jwt_subject("opaque-token"), None);
        assert_eq!(
            user_in_refusal(r#"secrets is forbidden: User "dev" cannot list resource "secrets""#)
                .as_deref(),
            Some("dev")
        );
    }
}
