//! Multi-user mode: sign-in, sessions and sign-out.
//!
//! A session is a random 256-bit id in an `HttpOnly`, `SameSite=Lax` cookie
//! (`Secure` with `--cookie-secure`), mapped in this server's memory to the
//! user's client. The browser never sees the credential again after posting
//! it. Sessions end on sign-out (removed here, so the old cookie is worth
//! nothing), after `idle` without a request, and `absolute` after sign-in.
//! Several Wharf replicas would need sticky sessions (or a sealed cookie);
//! see docs/threat-model.md.
//!
//! Behind an authenticating proxy (oauth2-proxy and the like) that forwards
//! the user's token as `Authorization: Bearer`, `--trust-proxy-auth` lets a
//! request sign in by that header instead: the token is checked with the
//! cluster as at sign-in, then reused for [`PROXY_RECHECK`]. Off by default.

use crate::k8s::credentials::{
    ClusterAddress, Credential, SignInRefusal, credential_from_kubeconfig,
};
use crate::k8s::{KubeCluster, StreamSessions};
use crate::origins::ClientAddress;
use axum::Form;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wharf_app::backend::{Cluster, Sessions};
use wharf_spec::ApiError;

pub const SESSION_COOKIE: &str = "wharf_session";
/// Refused sign-ins allowed per client address per minute; after that,
/// every attempt from the address is refused until the minute is over.
const REFUSALS_PER_MINUTE: u32 = 10;
/// Largest kubeconfig or token accepted at sign-in.
pub const MAX_CREDENTIAL_BYTES: usize = 64 * 1024;

struct Session {
    cluster: Arc<KubeCluster>,
    user: String,
    started: Instant,
    last_used: Instant,
}

/// Refused sign-ins per client address in its current minute: guessing
/// tokens is slowed down; a user who signs in correctly is never counted.
#[derive(Default)]
struct Refusals(HashMap<IpAddr, (Instant, u32)>);

impl Refusals {
    fn allows(&mut self, from: IpAddr, now: Instant) -> bool {
        match self.0.get(&from) {
            Some((start, _)) if now.duration_since(*start) > Duration::from_secs(60) => {
                self.0.remove(&from);
                true
            }
            Some((_, count)) => *count < REFUSALS_PER_MINUTE,
            None => true,
        }
    }

    fn record(&mut self, from: IpAddr, now: Instant) {
        self.0.entry(from).or_insert((now, 0)).1 += 1;
    }
}

/// How long a proxy-forwarded token, once accepted, is used before the
/// cluster is asked about it again.
pub const PROXY_RECHECK: Duration = Duration::from_secs(300);

/// A user signed in by the proxy's header.
struct Proxied {
    cluster: Arc<KubeCluster>,
    user: String,
    checked: Instant,
}

pub struct MultiUserSessions {
    address: ClusterAddress,
    sessions: Mutex<HashMap<String, Session>>,
    /// Keyed by the forwarded token; `None` unless `--trust-proxy-auth`.
    proxied: Option<Mutex<HashMap<String, Proxied>>>,
    refusals: Mutex<Refusals>,
    idle: Duration,
    absolute: Duration,
    secure_cookie: bool,
    /// `SameSite=None` (with `Secure`): for an embedding page on another
    /// site, whose frame would not get a `Lax` cookie.
    cross_site_cookie: bool,
}

impl MultiUserSessions {
    pub fn new(
        address: ClusterAddress,
        idle: Duration,
        absolute: Duration,
        secure_cookie: bool,
    ) -> Self {
        Self {
            address,
            sessions: Mutex::default(),
            proxied: None,
            refusals: Mutex::default(),
            idle,
            absolute,
            secure_cookie,
            cross_site_cookie: false,
        }
    }

    /// Send the session cookie `SameSite=None; Secure`, so that Wharf in
    /// a frame of another site is signed in too. Safe against CSRF because
    /// writes need Wharf's own `Origin` and server functions `x-wharf-csrf`.
    pub fn cross_site_cookie(mut self, cross_site: bool) -> Self {
        self.cross_site_cookie = cross_site;
        self
    }

    /// Accept `Authorization: Bearer` from an authenticating proxy.
    pub fn trusting_proxy(mut self, trust: bool) -> Self {
        self.proxied = trust.then(Mutex::default);
        self
    }

    fn bearer(headers: &HeaderMap) -> Option<&str> {
        headers
            .get(header::AUTHORIZATION)?
            .to_str()
            .ok()?
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
    }

    /// The user the proxy's header names, if that is on and the token was
    /// accepted within [`PROXY_RECHECK`].
    fn proxied_user(&self, headers: &HeaderMap) -> Option<(Arc<KubeCluster>, String)> {
        let proxied = self
            .proxied
            .as_ref()?
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let entry = proxied.get(Self::bearer(headers)?)?;
        (entry.checked.elapsed() < PROXY_RECHECK)
            .then(|| (entry.cluster.clone(), entry.user.clone()))
    }

    /// Checks a proxy-forwarded token with the cluster unless it was
    /// accepted lately. `Ok` also when there is none (or this is off).
    /// Refusals count towards the sign-in limit of the address.
    pub async fn admit_proxied(
        &self,
        headers: &HeaderMap,
        from: Option<IpAddr>,
    ) -> Result<(), SignInRefusal> {
        let (Some(proxied), Some(token)) = (&self.proxied, Self::bearer(headers)) else {
            return Ok(());
        };
        if self.proxied_user(headers).is_some() {
            return Ok(());
        }
        let now = Instant::now();
        if let Some(from) = from
            && !self.refusals().allows(from, now)
        {
            return Err(SignInRefusal::TooMany);
        }
        let (cluster, user) = match self
            .address
            .sign_in(&Credential::Token(token.to_owned()))
            .await
        {
            Ok(signed_in) => signed_in,
            Err(refusal) => {
                if let Some(from) = from {
                    self.refusals().record(from, now);
                }
                return Err(refusal);
            }
        };
        tracing::info!(user, "signed in by the proxy's bearer token");
        let mut proxied = proxied.lock().unwrap_or_else(|p| p.into_inner());
        proxied.retain(|_, p| p.checked.elapsed() < PROXY_RECHECK);
        proxied.insert(
            token.to_owned(),
            Proxied {
                cluster: Arc::new(cluster),
                user,
                checked: Instant::now(),
            },
        );
        Ok(())
    }

    fn session_id(headers: &HeaderMap) -> Option<String> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == SESSION_COOKIE)
            .map(|(_, value)| value.to_string())
    }

    /// The live session of a request (its idle clock restarted), or the
    /// user its proxy header names, if any.
    fn live(&self, headers: &HeaderMap) -> Option<(Arc<KubeCluster>, String)> {
        self.cookie_session(headers)
            .or_else(|| self.proxied_user(headers))
    }

    fn cookie_session(&self, headers: &HeaderMap) -> Option<(Arc<KubeCluster>, String)> {
        let id = Self::session_id(headers)?;
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let session = sessions.get_mut(&id)?;
        if now.duration_since(session.last_used) > self.idle
            || now.duration_since(session.started) > self.absolute
        {
            sessions.remove(&id);
            return None;
        }
        session.last_used = now;
        Some((session.cluster.clone(), session.user.clone()))
    }

    fn refusals(&self) -> std::sync::MutexGuard<'_, Refusals> {
        self.refusals.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn cookie(&self, value: &str, max_age: Duration) -> HeaderValue {
        let cookie = session_cookie(value, max_age, self.secure_cookie, self.cross_site_cookie);
        HeaderValue::from_str(&cookie).expect("cookie is ASCII")
    }
}

/// The `Set-Cookie` value of a session. Browsers take `SameSite=None` only
/// with `Secure`, so cross-site implies it.
fn session_cookie(value: &str, max_age: Duration, secure: bool, cross_site: bool) -> String {
    let same_site = if cross_site { "None" } else { "Lax" };
    let secure = if secure || cross_site { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={}{secure}",
        max_age.as_secs()
    )
}

fn new_session_id() -> String {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the OS has randomness");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Sessions for MultiUserSessions {
    fn cluster_for(&self, request: &http::request::Parts) -> Result<Arc<dyn Cluster>, ApiError> {
        self.live(&request.headers)
            .map(|(cluster, _)| cluster as Arc<dyn Cluster>)
            .ok_or(ApiError::Unauthenticated)
    }

    fn user(&self, request: &http::request::Parts) -> Option<String> {
        self.live(&request.headers).map(|(_, user)| user)
    }
}

impl StreamSessions for MultiUserSessions {
    fn streams_for(&self, request: &http::request::Parts) -> Result<Arc<KubeCluster>, ApiError> {
        self.live(&request.headers)
            .map(|(cluster, _)| cluster)
            .ok_or(ApiError::Unauthenticated)
    }

    fn is_signed_in(&self, headers: &HeaderMap) -> bool {
        self.live(headers).is_some()
    }

    fn multi_user(&self) -> Option<&MultiUserSessions> {
        Some(self)
    }
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    kubeconfig: String,
    #[serde(default)]
    next: String,
}

/// Only a path on this site (`/spaces/x`), never `//evil.example`.
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

fn back_to_sign_in(refusal: SignInRefusal, next: &str) -> Response {
    let next = wharf_spec::stream::percent_encode(safe_next(next));
    Redirect::to(&format!("/sign-in?error={}&next={next}", refusal.code())).into_response()
}

/// `POST /auth/sign-in` (a plain form post; works without JavaScript).
pub async fn sign_in(
    State(sessions): State<Arc<dyn StreamSessions>>,
    Extension(ClientAddress(client)): Extension<ClientAddress>,
    Form(form): Form<SignInForm>,
) -> Response {
    let Some(store) = sessions.multi_user() else {
        return (StatusCode::NOT_FOUND, "sign-in is off in local mode").into_response();
    };
    if !store.refusals().allows(client, Instant::now()) {
        return back_to_sign_in(SignInRefusal::TooMany, &form.next);
    }
    let credential = if !form.token.trim().is_empty() {
        Ok(Credential::Token(form.token.trim().to_string()))
    } else if !form.kubeconfig.trim().is_empty() {
        credential_from_kubeconfig(&form.kubeconfig)
    } else {
        Err(SignInRefusal::Empty)
    };
    let signed_in = match credential {
        Ok(credential) => store.address.sign_in(&credential).await,
        Err(refusal) => Err(refusal),
    };
    match signed_in {
        Ok((cluster, user)) => {
            tracing::info!(user, "signed in");
            let id = new_session_id();
            let now = Instant::now();
            store
                .sessions
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(
                    id.clone(),
                    Session {
                        cluster: Arc::new(cluster),
                        user,
                        started: now,
                        last_used: now,
                    },
                );
            let mut response = Redirect::to(safe_next(&form.next)).into_response();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, store.cookie(&id, store.absolute));
            response
        }
        Err(refusal) => {
            tracing::info!(from = %client, reason = refusal.code(), "sign-in refused");
            store.refusals().record(client, Instant::now());
            back_to_sign_in(refusal, &form.next)
        }
    }
}

/// `POST /auth/sign-out`: the session is gone from the server, the cookie
/// from the browser.
pub async fn sign_out(
    State(sessions): State<Arc<dyn StreamSessions>>,
    headers: HeaderMap,
) -> Response {
    let Some(store) = sessions.multi_user() else {
        return Redirect::to("/").into_response();
    };
    if let Some(id) = MultiUserSessions::session_id(&headers) {
        store
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id);
    }
    let mut response = Redirect::to("/sign-in").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, store.cookie("", Duration::ZERO));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/spaces/dev/apps"), "/spaces/dev/apps");
        assert_eq!(safe_next("//evil.example/x"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
    }

    #[test]
    fn the_session_cookie_is_lax_unless_embedded_cross_site() {
        let hour = Duration::from_secs(3600);
        assert_eq!(
            session_cookie("ab", hour, false, false),
            "wharf_session=ab; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600"
        );
        assert!(
            session_cookie("ab", hour, true, false).ends_with("SameSite=Lax; Max-Age=3600; Secure")
        );
        assert!(
            session_cookie("ab", hour, false, true)
                .ends_with("SameSite=None; Max-Age=3600; Secure")
        );
    }

    #[test]
    fn a_bearer_header_is_read_only_as_bearer() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
            headers
        };
        assert_eq!(
            MultiUserSessions::bearer(&with("Bearer abc.def")),
            Some("abc.def")
        );
        assert_eq!(MultiUserSessions::bearer(&with("Basic YWJjOmRlZg==")), None);
        assert_eq!(MultiUserSessions::bearer(&with("Bearer ")), None);
        assert_eq!(MultiUserSessions::bearer(&HeaderMap::new()), None);
    }

    #[test]
    fn refused_sign_ins_are_limited_per_address_and_minute() {
        let mut refusals = Refusals::default();
        let (guesser, other) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let start = Instant::now();
        for _ in 0..REFUSALS_PER_MINUTE {
            assert!(refusals.allows(guesser, start));
            refusals.record(guesser, start);
        }
        assert!(!refusals.allows(guesser, start + Duration::from_secs(59)));
        assert!(
            refusals.allows(other, start),
            "another address is not held back"
        );
        assert!(refusals.allows(guesser, start + Duration::from_secs(61)));
        refusals.record(guesser, start + Duration::from_secs(61));
        assert!(
            refusals.allows(guesser, start + Duration::from_secs(62)),
            "a new minute"
        );
    }

    #[test]
    fn session_ids_are_random_and_long() {
        let (a, b) = (new_session_id(), new_session_id());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("wharf_lang=zh-CN; wharf_session=abc123"),
        );
        assert_eq!(
            MultiUserSessions::session_id(&headers).as_deref(),
            Some("abc123")
        );
    }
}
