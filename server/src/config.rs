//! Command line and environment.

use crate::k8s::clusters::ClusterSources;
use crate::origins::{ForwardedHeader, PublicOrigins, TrustedProxies};
use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthMode {
    Local,
    MultiUser,
}

/// How the log is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Lines for a person at a terminal.
    Text,
    /// One JSON object per line, for a log collector.
    Json,
}

#[derive(Debug, Parser)]
#[command(
    name = "wharf-server",
    version,
    about = "Wharf: a web console for container services on Kubernetes"
)]
pub struct Args {
    /// Address to listen on. Loopback by default: in local mode anyone who
    /// reaches Wharf acts with the operator's kubeconfig.
    #[arg(long, env = "WHARF_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Kubeconfig file. Without it: $KUBECONFIG, then ~/.kube/config. Each
    /// of its contexts is a cluster Wharf serves (in multi-user mode only
    /// their address and CA are used).
    #[arg(long, env = "WHARF_KUBECONFIG")]
    pub kubeconfig: Option<PathBuf>,

    /// The contexts of the kubeconfig to serve, in this order (repeat the
    /// flag, or separate with commas); the first is the default cluster.
    /// Without it: every context, its current context the default.
    #[arg(long, env = "WHARF_CONTEXT", value_delimiter = ',')]
    pub context: Vec<String>,

    /// Serve the pod's own cluster (Wharf deployed in it) as `in-cluster`,
    /// the default cluster; with --kubeconfig, its contexts are served too.
    #[arg(long, env = "WHARF_IN_CLUSTER")]
    pub in_cluster: bool,

    /// `local`: everyone who reaches Wharf acts with its kubeconfig (bind to
    /// loopback). `multi-user`: every user signs in with their own token or
    /// kubeconfig; Wharf's own credentials are used for nothing a user asks.
    #[arg(long, env = "WHARF_AUTH", value_enum, default_value_t = AuthMode::Local)]
    pub auth: AuthMode,

    /// Multi-user: a session ends after this many seconds without a request
    /// (default 30 minutes).
    #[arg(long, env = "WHARF_SESSION_IDLE_SECONDS", default_value_t = 1800)]
    pub session_idle_seconds: u64,

    /// Multi-user: a session ends this many seconds after sign-in, used or
    /// not (default 12 hours).
    #[arg(long, env = "WHARF_SESSION_MAX_SECONDS", default_value_t = 43200)]
    pub session_max_seconds: u64,

    /// Multi-user: also accept the user's token as `Authorization: Bearer`
    /// on each request, as an authenticating reverse proxy (oauth2-proxy)
    /// forwards it. The cluster still checks the token; off by default.
    #[arg(long, env = "WHARF_TRUST_PROXY_AUTH")]
    pub trust_proxy_auth: bool,

    /// Mark the session cookie `Secure` (set it when users reach Wharf over
    /// HTTPS, e.g. behind a TLS-terminating proxy).
    #[arg(long, env = "WHARF_COOKIE_SECURE")]
    pub cookie_secure: bool,

    /// Multi-user: send the session cookie `SameSite=None; Secure`, for an
    /// embedding page on another site (`--embed-origin`) whose frame would
    /// not get a `SameSite=Lax` cookie. Needs HTTPS. CSRF stays refused by
    /// the `Origin` check and the `x-wharf-csrf` header.
    #[arg(long, env = "WHARF_COOKIE_CROSS_SITE")]
    pub cookie_cross_site: bool,

    /// Origins allowed to show Wharf in a frame and to receive its
    /// `postMessage` reports, comma-separated (`https://portal.example.com`).
    /// Default: none besides Wharf itself.
    #[arg(long, env = "WHARF_EMBED_ORIGINS", value_delimiter = ',')]
    pub embed_origin: Vec<String>,

    /// The URL users reach Wharf at when it is not the listen address (an
    /// ingress or a proxy in front): `https://wharf.example.com`. Repeatable.
    /// Requests naming any other host are refused (DNS rebinding), and
    /// writes and sockets must come from one of these origins. The listen
    /// address and localhost, 127.0.0.1 and [::1] with its port always are.
    #[arg(long, env = "WHARF_PUBLIC_URLS", value_delimiter = ',')]
    pub public_url: Vec<String>,

    /// A proxy (address or range, `10.0.0.0/8`) whose forwarding header
    /// names the client, for the sign-in limit and the logs. Repeatable.
    /// From any other peer the header is ignored. Default: none.
    #[arg(long, env = "WHARF_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxy: Vec<String>,

    /// The header the trusted proxies write the client's address into.
    #[arg(long, env = "WHARF_FORWARDED_HEADER", value_enum, default_value_t = ForwardedHeader::XForwardedFor)]
    pub forwarded_header: ForwardedHeader,

    /// Directory with the built site (pkg/wharf.js, .wasm, .css).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Multi-user: the file of keys session cookies are sealed with, one
    /// base64 key of at least 32 random bytes per line; the first seals,
    /// all open (rotate by putting a new key first). Every replica needs
    /// the same file. Without it, a random key per process: sessions end
    /// when it stops, and only it can read them.
    #[arg(long, env = "WHARF_SESSION_KEYS_FILE")]
    pub session_keys_file: Option<PathBuf>,

    /// Multi-user, several replicas: the ConfigMap (in Wharf's own
    /// namespace, read and written with Wharf's service account) where a
    /// sign-out on one replica reaches the others. Needs --in-cluster.
    #[arg(long, env = "WHARF_SIGNED_OUT_CONFIGMAP", requires = "in_cluster")]
    pub signed_out_configmap: Option<String>,

    /// On SIGTERM, keep answering requests this long (while `/readyz`
    /// says 503 and open sockets are told to go) before closing the
    /// listener: load balancers take a few seconds to stop sending to a
    /// stopping pod. The manifests set 5; 0 stops at once.
    #[arg(long, env = "WHARF_SHUTDOWN_DELAY_SECONDS", default_value_t = 0)]
    pub shutdown_delay_seconds: u64,

    /// `text` for a terminal, `json` (one object per line, with each
    /// request's id) for a log collector.
    /// The clusters' NodePort range (their apiservers'
    /// `--service-node-port-range`), which the forms check node ports against.
    #[arg(long, env = "WHARF_NODE_PORT_RANGE", default_value = "30000-32767", value_parser = parse_node_ports)]
    pub node_port_range: wharf_spec::service::NodePortRange,

    #[arg(long, env = "WHARF_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

fn parse_node_ports(text: &str) -> Result<wharf_spec::service::NodePortRange, String> {
    wharf_spec::service::NodePortRange::parse(text)
        .ok_or_else(|| format!("{text:?} is not a port range like 30000-32767"))
}

impl Args {
    /// The embedding origins, each checked to be a bare origin
    /// (`scheme://host[:port]`, no path), as CSP and postMessage need.
    pub fn embed_origins(&self) -> Result<Vec<String>, String> {
        self.embed_origin
            .iter()
            .map(|o| o.trim().trim_end_matches('/').to_string())
            .filter(|o| !o.is_empty())
            .map(|o| {
                let ok = o.split_once("://").is_some_and(|(scheme, rest)| {
                    matches!(scheme, "http" | "https")
                        && !rest.is_empty()
                        && !rest.contains(['/', ' ', ';', ',', '\'', '"'])
                });
                if ok {
                    Ok(o)
                } else {
                    Err(format!(
                        "--embed-origin {o:?} is not an origin like https://portal.example.com"
                    ))
                }
            })
            .collect()
    }

    /// The hosts and origins of this Wharf, once `listen` is bound.
    pub fn public_origins(&self, bound: std::net::SocketAddr) -> Result<PublicOrigins, String> {
        PublicOrigins::new(bound, &self.public_url)
    }

    pub fn trusted_proxies(&self) -> Result<TrustedProxies, String> {
        TrustedProxies::new(&self.trusted_proxy, self.forwarded_header)
    }

    pub fn cluster_sources(&self) -> ClusterSources {
        ClusterSources {
            kubeconfig: self.kubeconfig.clone(),
            contexts: self.context.clone(),
            in_cluster: self.in_cluster,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_loopback() {
        let args = Args::try_parse_from(["wharf-server"]).unwrap();
        assert!(args.listen.ip().is_loopback());
        assert_eq!(args.auth, AuthMode::Local);
        assert!(
            !args.trust_proxy_auth,
            "a proxy's header is not trusted unless asked"
        );
        let sources = args.cluster_sources();
        assert!(sources.kubeconfig.is_none() && sources.contexts.is_empty() && !sources.in_cluster);
    }

    #[test]
    fn embed_origins_are_bare_origins() {
        let args = Args::try_parse_from([
            "wharf-server",
            "--embed-origin",
            "https://portal.example.com/,http://127.0.0.1:4100",
        ])
        .unwrap();
        assert_eq!(
            args.embed_origins().unwrap(),
            vec!["https://portal.example.com", "http://127.0.0.1:4100"]
        );
        for bad in [
            "portal.example.com",
            "https://a.example/path",
            "https://a 'unsafe-inline'",
        ] {
            let args = Args::try_parse_from(["wharf-server", "--embed-origin", bad]).unwrap();
            assert!(args.embed_origins().is_err(), "{bad}");
        }
    }

    #[test]
    fn public_urls_and_proxies_from_flags_or_environment() {
        let args = Args::try_parse_from([
            "wharf-server",
            "--public-url",
            "https://wharf.example.com",
            "--public-url",
            "http://wharf.internal:8080",
            "--trusted-proxy",
            "10.0.0.0/8,192.0.2.1",
        ])
        .unwrap();
        let origins = args
            .public_origins("127.0.0.1:3000".parse().unwrap())
            .unwrap();
        assert!(origins.accepts_host("wharf.example.com"));
        assert!(origins.accepts_host("wharf.internal:8080"));
        assert!(origins.accepts_host("127.0.0.1:3000"));
        assert!(!origins.accepts_host("evil.example:3000"));
        assert!(args.trusted_proxies().is_ok());
        let bad =
            Args::try_parse_from(["wharf-server", "--public-url", "wharf.example.com"]).unwrap();
        assert!(
            bad.public_origins("127.0.0.1:3000".parse().unwrap())
                .is_err()
        );
    }

    #[test]
    fn contexts_repeat_or_come_comma_separated() {
        let args =
            Args::try_parse_from(["wharf-server", "--context", "a", "--context", "b,c"]).unwrap();
        assert_eq!(args.cluster_sources().contexts, ["a", "b", "c"]);
        let args =
            Args::try_parse_from(["wharf-server", "--in-cluster", "--kubeconfig", "x"]).unwrap();
        let sources = args.cluster_sources();
        assert!(sources.in_cluster && sources.kubeconfig.is_some());
    }
}
