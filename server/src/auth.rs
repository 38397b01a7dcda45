//! Multi-user mode: sign-in, sessions and sign-out.
//!
//! A session lives in its cookie, sealed (`crate::seal`: encrypted and
//! authenticated with the replicas' shared key): a random id, the user's
//! credential and name, when it was signed in and when the cookie was last
//! renewed. Any replica opens it, and a restart signs nobody out. The
//! cookie is `HttpOnly` and `SameSite=Lax` (`Secure` with
//! `--cookie-secure`), so the page's scripts never read it, and it is
//! worth nothing to anyone without the key. Each replica keeps a client
//! per session it has served (so a client is built once, not per request).
//!
//! Sessions end after `idle` without a request (the cookie is renewed
//! about once a minute, with the time inside the sealed value: cookie
//! attributes are not authenticated), `absolute` after sign-in, and on
//! sign-out: the session's id joins the signed-out list, which every
//! replica reads every [`SIGNED_OUT_SYNC`] (a ConfigMap in Wharf's
//! namespace, `k8s::signed_out`; in memory for a Wharf without one). See
//! docs/threat-model.md.
//!
//! Behind an authenticating proxy (oauth2-proxy and the like) that forwards
//! the user's token as `Authorization: Bearer`, `--trust-proxy-auth` lets a
//! request sign in by that header instead: the token is checked with the
//! cluster as at sign-in, then reused for [`PROXY_RECHECK`]. Off by default.

use crate::clusters::{ClusterSet, ServedCluster};
use crate::k8s::KubeCluster;
use crate::k8s::credentials::{
    ClusterAddress, Credential, SignInRefusal, credential_from_kubeconfig,
};
use crate::k8s::signed_out::{SignedOut, SignedOutList};
use crate::metrics::{SignInOutcome, metrics};
use crate::origins::ClientAddress;
use crate::seal::{MAX_CHUNKS, SessionKeys, chunk_name, chunks_of, random_hex};
use crate::sessions::StreamSessions;
use axum::Form;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use wharf_app::backend::{Cluster, Sessions};
use wharf_spec::ApiError;

pub const SESSION_COOKIE: &str = "wharf_session";
/// Refused sign-ins allowed per client address per minute; after that,
/// every attempt from the address is refused until the minute is over.
const REFUSALS_PER_MINUTE: u32 = 10;
/// Largest kubeconfig or token accepted at sign-in.
pub const MAX_CREDENTIAL_BYTES: usize = 64 * 1024;

/// How often each replica reads the signed-out list: a session signed
/// out on one replica is refused on the others within this.
pub const SIGNED_OUT_SYNC: Duration = Duration::from_secs(2);
/// A session's cookie is renewed (its idle clock restarted) on a response
/// at most this often.
const RENEW_AFTER_SECONDS: u64 = 60;
/// Sessions a replica keeps a client for; the least recently used go first.
const MAX_CACHED_SESSIONS: usize = 10_000;

/// What a session cookie holds, sealed.
#[derive(Serialize, Deserialize)]
struct SealedSession {
    id: String,
    user: String,
    credential: Credential,
    /// Unix seconds.
    signed_in: u64,
    /// Unix seconds: when this cookie was sealed (the last sign of use
    /// every replica can see).
    renewed: u64,
}

/// A session this replica has served: its client, built once.
struct Cached {
    cluster: Arc<KubeCluster>,
    user: String,
    /// Unix seconds.
    used: u64,
}

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
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
    /// This cluster's session cookie (and its chunks, `<name>.1`, …).
    cookie_name: String,
    keys: SessionKeys,
    sessions: Mutex<HashMap<String, Cached>>,
    /// Signed-out session ids, with when each would have expired.
    signed_out: Mutex<SignedOut>,
    /// Where the replicas share them; `None`: this replica alone.
    signed_out_list: Option<SignedOutList>,
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
        keys: SessionKeys,
        idle: Duration,
        absolute: Duration,
        secure_cookie: bool,
    ) -> Self {
        Self {
            address,
            cookie_name: SESSION_COOKIE.to_string(),
            keys,
            sessions: Mutex::default(),
            signed_out: Mutex::default(),
            signed_out_list: None,
            proxied: None,
            refusals: Mutex::default(),
            idle,
            absolute,
            secure_cookie,
            cross_site_cookie: false,
        }
    }

    /// The session cookie's name: each cluster's sessions have their own
    /// cookie, so a user is signed in to each with its own credential. The
    /// name is sealed into the value, so one cluster's cookie does not open
    /// as another's.
    pub fn cookie_named(mut self, name: String) -> Self {
        self.cookie_name = name;
        self
    }

    /// Send the session cookie `SameSite=None; Secure`, so that Wharf in
    /// a frame of another site is signed in too. Safe against CSRF because
    /// writes need Wharf's own `Origin` and server functions `x-wharf-csrf`.
    pub fn cross_site_cookie(mut self, cross_site: bool) -> Self {
        self.cross_site_cookie = cross_site;
        self
    }

    /// Share sign-outs with the other replicas through `list`.
    pub fn sharing_sign_outs(mut self, list: SignedOutList) -> Self {
        self.signed_out_list = Some(list);
        self
    }

    /// Reads the shared signed-out list every [`SIGNED_OUT_SYNC`] for as
    /// long as the process runs (nothing without a shared list).
    pub fn spawn_sign_out_sync(self: &Arc<Self>) {
        if self.signed_out_list.is_none() {
            return;
        }
        let this = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(SIGNED_OUT_SYNC);
            let mut failing = false;
            loop {
                tick.tick().await;
                let Some(this) = this.upgrade() else { return };
                let Some(list) = &this.signed_out_list else {
                    return;
                };
                match list.read().await {
                    Ok(shared) => {
                        failing = false;
                        this.merge_signed_out(shared);
                    }
                    Err(error) if !failing => {
                        failing = true;
                        tracing::warn!("cannot read the signed-out list: {error}");
                    }
                    Err(_) => {}
                }
            }
        });
    }

    fn merge_signed_out(&self, shared: SignedOut) {
        let now = now_unix();
        let mut signed_out = self.signed_out.lock().unwrap_or_else(|p| p.into_inner());
        signed_out.extend(shared);
        signed_out.retain(|_, until| *until > now);
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        sessions.retain(|id, _| !signed_out.contains_key(id));
        metrics().sessions.set(sessions.len() as i64);
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

    /// The session a request's cookies hold, if they open with one of
    /// the keys.
    fn sealed(&self, headers: &HeaderMap) -> Option<SealedSession> {
        let plain = self
            .keys
            .open(&self.cookie_name, &chunks_of(headers, &self.cookie_name))?;
        serde_json::from_str(&plain).ok()
    }

    /// The live session of a request (its idle clock restarted), or the
    /// user its proxy header names, if any.
    fn live(&self, headers: &HeaderMap) -> Option<(Arc<KubeCluster>, String)> {
        self.cookie_session(headers)
            .or_else(|| self.proxied_user(headers))
    }

    fn cookie_session(&self, headers: &HeaderMap) -> Option<(Arc<KubeCluster>, String)> {
        let sealed = self.sealed(headers)?;
        let now = now_unix();
        if now.saturating_sub(sealed.signed_in) > self.absolute.as_secs()
            || self
                .signed_out
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .contains_key(&sealed.id)
        {
            return None;
        }
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let used = sessions
            .get(&sealed.id)
            .map_or(sealed.renewed, |c| c.used.max(sealed.renewed));
        if now.saturating_sub(used) > self.idle.as_secs() {
            sessions.remove(&sealed.id);
            return None;
        }
        if let Some(cached) = sessions.get_mut(&sealed.id) {
            cached.used = now;
            return Some((cached.cluster.clone(), cached.user.clone()));
        }
        // Signed in on another replica, or before a restart: the credential
        // was checked then; the cluster checks it again on every call.
        let cluster = Arc::new(self.address.cluster_for(&sealed.credential).ok()?);
        if sessions.len() >= MAX_CACHED_SESSIONS {
            let idle = self.idle.as_secs();
            sessions.retain(|_, c| now.saturating_sub(c.used) <= idle);
            if let Some(oldest) = sessions
                .iter()
                .min_by_key(|(_, c)| c.used)
                .map(|(id, _)| id.clone())
            {
                sessions.remove(&oldest);
            }
        }
        sessions.insert(
            sealed.id.clone(),
            Cached {
                cluster: cluster.clone(),
                user: sealed.user.clone(),
                used: now,
            },
        );
        metrics().sessions.set(sessions.len() as i64);
        Some((cluster, sealed.user))
    }

    /// The `Set-Cookie`s that renew a live session's cookie, when it was
    /// sealed more than [`RENEW_AFTER_SECONDS`] ago (or half the idle
    /// time, if that is shorter).
    pub fn renewal(&self, headers: &HeaderMap) -> Vec<HeaderValue> {
        let Some(mut sealed) = self.sealed(headers) else {
            return Vec::new();
        };
        let now = now_unix();
        let renew_after = RENEW_AFTER_SECONDS.min(self.idle.as_secs() / 2);
        if now.saturating_sub(sealed.renewed) < renew_after
            || self.cookie_session(headers).is_none()
        {
            return Vec::new();
        }
        sealed.renewed = now;
        self.session_cookies(&sealed)
    }

    /// The `Set-Cookie`s of a session: its sealed value in as many
    /// cookies as it needs, the unused numbered ones cleared.
    fn session_cookies(&self, sealed: &SealedSession) -> Vec<HeaderValue> {
        let Ok(plain) = serde_json::to_string(sealed) else {
            return Vec::new();
        };
        let left = self.absolute.saturating_sub(Duration::from_secs(
            now_unix().saturating_sub(sealed.signed_in),
        ));
        let chunks = self.keys.seal(&self.cookie_name, &plain);
        (0..MAX_CHUNKS)
            .map(|index| match chunks.get(index) {
                Some(value) => self.cookie(&chunk_name(&self.cookie_name, index), value, left),
                None => self.cookie(&chunk_name(&self.cookie_name, index), "", Duration::ZERO),
            })
            .collect()
    }

    fn refusals(&self) -> std::sync::MutexGuard<'_, Refusals> {
        self.refusals.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn cookie(&self, name: &str, value: &str, max_age: Duration) -> HeaderValue {
        let cookie = session_cookie(
            name,
            value,
            max_age,
            self.secure_cookie,
            self.cross_site_cookie,
        );
        HeaderValue::from_str(&cookie).expect("cookie is ASCII")
    }
}

/// The `Set-Cookie` value of a session. Browsers take `SameSite=None` only
/// with `Secure`, so cross-site implies it.
fn session_cookie(
    name: &str,
    value: &str,
    max_age: Duration,
    secure: bool,
    cross_site: bool,
) -> String {
    let same_site = if cross_site { "None" } else { "Lax" };
    let secure = if secure || cross_site { "; Secure" } else { "" };
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={}{secure}",
        max_age.as_secs()
    )
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

    fn is_signed_in(&self, request: &http::request::Parts) -> bool {
        self.live(&request.headers).is_some()
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
    /// The cluster to sign in to; empty: the default cluster.
    #[serde(default)]
    cluster: String,
}

/// Only a path on this site (`/spaces/x`), never `//evil.example`.
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

fn back_to_sign_in(refusal: SignInRefusal, cluster: &str, next: &str) -> Response {
    let next = wharf_spec::stream::percent_encode(safe_next(next));
    Redirect::to(&format!(
        "/sign-in?error={}&cluster={cluster}&next={next}",
        refusal.code()
    ))
    .into_response()
}

/// The cluster a sign-in or sign-out form names (its default when none).
fn form_cluster<'a>(clusters: &'a ClusterSet, name: &str) -> Option<&'a ServedCluster> {
    if name.is_empty() {
        Some(clusters.default_cluster())
    } else {
        clusters.named(name)
    }
}

/// `POST /auth/sign-in` (a plain form post; works without JavaScript):
/// signs in to one cluster, beside any others the browser is signed in to.
pub async fn sign_in(
    State(clusters): State<Arc<ClusterSet>>,
    Extension(ClientAddress(client)): Extension<ClientAddress>,
    Form(form): Form<SignInForm>,
) -> Response {
    let Some(cluster) = form_cluster(&clusters, &form.cluster) else {
        return (StatusCode::NOT_FOUND, "no such cluster").into_response();
    };
    let Some(store) = cluster.multi_user.as_deref() else {
        return (StatusCode::NOT_FOUND, "sign-in is off in local mode").into_response();
    };
    let cluster = cluster.name.as_str();
    if !store.refusals().allows(client, Instant::now()) {
        return back_to_sign_in(SignInRefusal::TooMany, cluster, &form.next);
    }
    let credential = if !form.token.trim().is_empty() {
        Ok(Credential::Token(form.token.trim().to_string()))
    } else if !form.kubeconfig.trim().is_empty() {
        credential_from_kubeconfig(&form.kubeconfig)
    } else {
        Err(SignInRefusal::Empty)
    };
    let signed_in = match &credential {
        Ok(credential) => store.address.sign_in(credential).await,
        Err(refusal) => Err(*refusal),
    };
    match signed_in {
        Ok((session, user)) => {
            tracing::info!(user, cluster, "signed in");
            metrics().sign_in(SignInOutcome::Accepted);
            let Ok(credential) = credential else {
                unreachable!("signed in with a credential")
            };
            let now = now_unix();
            let sealed = SealedSession {
                id: random_hex(16),
                user: user.clone(),
                credential,
                signed_in: now,
                renewed: now,
            };
            {
                let mut sessions = store.sessions.lock().unwrap_or_else(|p| p.into_inner());
                sessions.insert(
                    sealed.id.clone(),
                    Cached {
                        cluster: Arc::new(session),
                        user,
                        used: now,
                    },
                );
                metrics().sessions.set(sessions.len() as i64);
            }
            let mut response = Redirect::to(safe_next(&form.next)).into_response();
            for cookie in store.session_cookies(&sealed) {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(refusal) => {
            tracing::info!(from = %client, cluster, reason = refusal.code(), "sign-in refused");
            metrics().sign_in(SignInOutcome::Refused);
            store.refusals().record(client, Instant::now());
            back_to_sign_in(refusal, cluster, &form.next)
        }
    }
}

#[derive(Deserialize)]
pub struct SignOutForm {
    /// The cluster to sign out of; empty: the default cluster.
    #[serde(default)]
    cluster: String,
    /// Any value: sign out of every cluster.
    #[serde(default)]
    all: String,
}

impl MultiUserSessions {
    /// Ends the request's session of this cluster: its id joins the
    /// signed-out list (every replica refuses it from its next read of the
    /// list). Err: the list could not be shared.
    async fn sign_out(&self, headers: &HeaderMap) -> Result<(), ()> {
        let Some(sealed) = self.sealed(headers) else {
            return Ok(());
        };
        let expires = sealed.signed_in + self.absolute.as_secs();
        self.merge_signed_out(SignedOut::from([(sealed.id.clone(), expires)]));
        if let Some(list) = &self.signed_out_list
            && let Err(error) = list.add(&sealed.id, expires, now_unix()).await
        {
            // This replica refuses the session; the others would not.
            tracing::error!("the sign-out could not be shared with the other replicas: {error}");
            return Err(());
        }
        tracing::info!(user = sealed.user, "signed out");
        Ok(())
    }

    /// The `Set-Cookie`s that take this cluster's session out of the browser.
    fn cleared_cookies(&self) -> Vec<HeaderValue> {
        (0..MAX_CHUNKS)
            .map(|index| self.cookie(&chunk_name(&self.cookie_name, index), "", Duration::ZERO))
            .collect()
    }
}

/// `POST /auth/sign-out`: out of one cluster (the form's `cluster`), or of
/// every one (`all`); the cookies leave the browser. Then to the cluster
/// list while signed in to another cluster, else to the sign-in page.
pub async fn sign_out(
    State(clusters): State<Arc<ClusterSet>>,
    request: http::request::Parts,
    Form(form): Form<SignOutForm>,
) -> Response {
    let leaving: Vec<&ServedCluster> = if form.all.is_empty() {
        form_cluster(&clusters, &form.cluster).into_iter().collect()
    } else {
        clusters.iter().collect()
    };
    let mut cleared = Vec::new();
    for cluster in &leaving {
        let Some(store) = cluster.multi_user.as_deref() else {
            continue;
        };
        if store.sign_out(&request.headers).await.is_err() {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "Signing out could not be completed; try again.",
            )
                .into_response();
        }
        cleared.extend(store.cleared_cookies());
    }
    let still_in = clusters
        .iter()
        .filter(|c| !leaving.iter().any(|l| l.name == c.name))
        .any(|c| c.sessions.is_signed_in(&request));
    let mut response =
        Redirect::to(if still_in { "/clusters" } else { "/sign-in" }).into_response();
    for cookie in cleared {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
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
            session_cookie("wharf_session", "ab", hour, false, false),
            "wharf_session=ab; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600"
        );
        assert!(
            session_cookie("wharf_session.1", "ab", hour, true, false)
                .ends_with("SameSite=Lax; Max-Age=3600; Secure")
        );
        assert!(
            session_cookie("wharf_session", "ab", hour, false, true)
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
}
