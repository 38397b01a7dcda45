//! Who Wharf is and who is talking to it: the hosts and origins it answers
//! to, from configuration and never from the request (a DNS-rebinding page
//! sends a `Host` and an `Origin` that agree with each other), and the
//! client's address behind configured proxies only.

use http::HeaderMap;
use http::uri::{Scheme, Uri};
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// One origin Wharf is reached at: `http://127.0.0.1:3000`,
/// `https://wharf.example.com`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PublicOrigin {
    https: bool,
    /// Lower case; an IPv6 address in brackets, as in `Host`.
    host: String,
    port: u16,
}

impl PublicOrigin {
    fn default_port(&self) -> u16 {
        if self.https { 443 } else { 80 }
    }

    /// Whether `authority` names this origin's host and port (no port: the
    /// scheme's default).
    fn is_at(&self, authority: &http::uri::Authority) -> bool {
        self.host == authority.host().to_ascii_lowercase()
            && authority.port_u16().unwrap_or(self.default_port()) == self.port
    }

    /// As browsers write it in `Origin`: no default port.
    fn serialize(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        if self.port == self.default_port() {
            format!("{scheme}://{}", self.host)
        } else {
            format!("{scheme}://{}:{}", self.host, self.port)
        }
    }
}

/// The hosts and origins of this Wharf: by default the listen address and
/// the loopback names with the listen port; plus every `--public-url`.
#[derive(Clone, Debug)]
pub struct PublicOrigins {
    origins: Vec<PublicOrigin>,
}

impl Default for PublicOrigins {
    /// Wharf's default listen address, `127.0.0.1:3000`.
    fn default() -> Self {
        Self::new(SocketAddr::from((Ipv4Addr::LOCALHOST, 3000)), &[])
            .expect("no public URL to refuse")
    }
}

impl PublicOrigins {
    /// `listen` is the bound address (its port matters when it was 0);
    /// `public_urls` are `--public-url`s such as `https://wharf.example.com`.
    pub fn new(listen: SocketAddr, public_urls: &[String]) -> Result<Self, String> {
        let port = listen.port();
        let mut hosts = vec![
            "localhost".to_string(),
            "127.0.0.1".to_string(),
            "[::1]".to_string(),
        ];
        if !listen.ip().is_unspecified() {
            hosts.push(match listen.ip() {
                IpAddr::V4(ip) => ip.to_string(),
                IpAddr::V6(ip) => format!("[{ip}]"),
            });
        }
        let mut origins: Vec<PublicOrigin> = Vec::new();
        let loopback = hosts.into_iter().map(|host| {
            Ok(PublicOrigin {
                https: false,
                host,
                port,
            })
        });
        for origin in loopback.chain(public_urls.iter().map(|u| parse_public_url(u))) {
            let origin = origin?;
            if !origins.contains(&origin) {
                origins.push(origin);
            }
        }
        Ok(Self { origins })
    }

    /// Whether a request's `Host` (or HTTP/2 `:authority`) names this Wharf.
    /// A host without a port means the scheme's default port.
    pub fn accepts_host(&self, host: &str) -> bool {
        host.parse::<http::uri::Authority>()
            .is_ok_and(|authority| self.origins.iter().any(|o| o.is_at(&authority)))
    }

    /// Whether an `Origin` header is one of this Wharf's own origins.
    pub fn is_own_origin(&self, origin: &str) -> bool {
        let Ok(uri) = origin.parse::<Uri>() else {
            return false;
        };
        let (Some(https), Some(authority)) = (is_https(&uri), uri.authority()) else {
            return false;
        };
        self.origins
            .iter()
            .any(|o| o.https == https && o.is_at(authority))
    }

    /// The origins, as browsers write them (for the start-up log).
    pub fn list(&self) -> Vec<String> {
        self.origins.iter().map(PublicOrigin::serialize).collect()
    }
}

/// A `--public-url`: `http(s)://host[:port]`, at the root (Wharf's pages
/// and sockets use absolute paths, so it cannot live under a path prefix).
fn parse_public_url(url: &str) -> Result<PublicOrigin, String> {
    let trimmed = url.trim().trim_end_matches('/');
    let refuse = |why: &str| {
        Err(format!(
            "--public-url {url:?}: {why} (expected like https://wharf.example.com)"
        ))
    };
    let Ok(uri) = trimmed.parse::<Uri>() else {
        return refuse("not a URL");
    };
    let Some(https) = is_https(&uri) else {
        return refuse("the scheme must be http or https");
    };
    let Some(authority) = uri.authority() else {
        return refuse("no host");
    };
    if authority.as_str().contains('@') {
        return refuse("no user name or password in it");
    }
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        return refuse("Wharf is served at the root of its URL, without a path");
    }
    let host = authority.host().to_ascii_lowercase();
    if host.is_empty() {
        return refuse("no host");
    }
    let default_port = if https { 443 } else { 80 };
    Ok(PublicOrigin {
        https,
        host,
        port: authority.port_u16().unwrap_or(default_port),
    })
}

/// `Some(true)` for https, `Some(false)` for http, `None` for anything else.
fn is_https(uri: &Uri) -> Option<bool> {
    match uri.scheme() {
        Some(s) if *s == Scheme::HTTPS => Some(true),
        Some(s) if *s == Scheme::HTTP => Some(false),
        _ => None,
    }
}

/// Every host a request names: each `Host` header, and the target's own
/// authority (HTTP/2's `:authority`, or an absolute-form target, which
/// takes precedence over `Host`). All of them must be Wharf's: a second
/// `Host` or an absolute target cannot smuggle a foreign name past the
/// check. A `Host` that is not text counts as empty (refused).
pub fn request_hosts<'a>(uri: &'a Uri, headers: &'a HeaderMap) -> Vec<&'a str> {
    headers
        .get_all(http::header::HOST)
        .iter()
        .map(|h| h.to_str().unwrap_or(""))
        .chain(uri.authority().map(|a| a.as_str()))
        .collect()
}

/// The client's address (the peer's, or the one a trusted proxy names),
/// for the sign-in limit and the logs; set on every request by the router.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddress(pub IpAddr);

/// Which header the trusted proxies write the client's address into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1` (nginx, HAProxy, Envoy, most
    /// cloud load balancers).
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client, for=proxy1`.
    Forwarded,
}

/// The peers whose forwarding header is believed (`--trusted-proxy`), and
/// which header that is. Only one header is read: a proxy that appends to
/// one of them passes the other on from the client unchanged, so reading
/// both would let a client choose its own address.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies {
    networks: Vec<IpNet>,
    header: ForwardedHeader,
}

impl TrustedProxies {
    /// `networks` are addresses or CIDR ranges: `10.0.0.0/8`, `192.0.2.7`.
    pub fn new(networks: &[String], header: ForwardedHeader) -> Result<Self, String> {
        let networks = networks
            .iter()
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
            .map(|n| {
                n.parse::<IpNet>()
                    .or_else(|_| n.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!(
                            "--trusted-proxy {n:?} is not an address or a range like 10.0.0.0/8"
                        )
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { networks, header })
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.networks.iter().any(|n| n.contains(&ip))
    }

    /// The client's address: the peer's own, unless the peer is a trusted
    /// proxy; then the nearest address in the forwarding header that is not
    /// a trusted proxy (addresses further left were written by the client
    /// and could be anything). Stops at anything it cannot read.
    pub fn client_address(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = canonical(peer);
        if !self.trusts(client) {
            return client;
        }
        for hop in self.hops(headers).into_iter().rev() {
            let Some(hop) = hop else { break };
            client = hop;
            if !self.trusts(hop) {
                break;
            }
        }
        client
    }

    /// The addresses of the header, leftmost (farthest) first; `None` for
    /// an entry that is not an address (`unknown`, an obfuscated name).
    fn hops(&self, headers: &HeaderMap) -> Vec<Option<IpAddr>> {
        let (name, parse): (_, fn(&str) -> Option<IpAddr>) = match self.header {
            ForwardedHeader::XForwardedFor => ("x-forwarded-for", parse_node),
            ForwardedHeader::Forwarded => ("forwarded", forwarded_for),
        };
        headers
            .get_all(name)
            .iter()
            .flat_map(|value| match value.to_str() {
                Ok(text) => text.split(',').map(|e| parse(e.trim())).collect::<Vec<_>>(),
                Err(_) => vec![None],
            })
            .collect()
    }
}

/// The `for=` of one `Forwarded` element (`for=192.0.2.60;proto=http`).
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("for")
            .then(|| parse_node(value.trim().trim_matches('"')))
            .flatten()
    })
}

/// An address as proxies write it: `192.0.2.60`, `192.0.2.60:4711`,
/// `2001:db8::1`, `[2001:db8::1]:4711`.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(addr) = node.parse::<SocketAddr>() {
        return Some(canonical(addr.ip()));
    }
    let inner = node.strip_prefix('[')?.split(']').next()?;
    inner
        .parse::<Ipv6Addr>()
        .ok()
        .map(|ip| canonical(ip.into()))
}

/// An IPv4 peer on a dual-stack socket arrives as `::ffff:a.b.c.d`.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback(port: u16) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, port))
    }

    #[test]
    fn by_default_only_the_listen_address_and_loopback_names() {
        let origins = PublicOrigins::new(loopback(3000), &[]).unwrap();
        for host in [
            "127.0.0.1:3000",
            "localhost:3000",
            "LOCALHOST:3000",
            "[::1]:3000",
        ] {
            assert!(origins.accepts_host(host), "{host}");
        }
        for host in [
            "evil.example:3000",
            "127.0.0.1:3001",
            "127.0.0.1",
            "localhost",
            "localhost.evil.example:3000",
            "127.0.0.1.nip.io:3000",
            "",
            "127.0.0.1:3000/x",
        ] {
            assert!(!origins.accepts_host(host), "{host}");
        }
        let lan = PublicOrigins::new("192.168.1.20:8080".parse().unwrap(), &[]).unwrap();
        assert!(lan.accepts_host("192.168.1.20:8080") && lan.accepts_host("localhost:8080"));
        let any = PublicOrigins::new("0.0.0.0:8080".parse().unwrap(), &[]).unwrap();
        assert!(!any.accepts_host("0.0.0.0:8080") && any.accepts_host("127.0.0.1:8080"));
        let v6 = PublicOrigins::new("[fd00::5]:3000".parse().unwrap(), &[]).unwrap();
        assert!(v6.accepts_host("[fd00::5]:3000") && !v6.accepts_host("[fd00::6]:3000"));
    }

    #[test]
    fn public_urls_add_their_host_with_the_default_port() {
        let origins = PublicOrigins::new(
            loopback(3000),
            &[
                "https://Wharf.example.com/".into(),
                "http://wharf.internal:8080".into(),
            ],
        )
        .unwrap();
        assert!(origins.accepts_host("wharf.example.com"));
        assert!(origins.accepts_host("wharf.example.com:443"));
        assert!(!origins.accepts_host("wharf.example.com:80"));
        assert!(origins.accepts_host("wharf.internal:8080"));
        assert!(!origins.accepts_host("wharf.internal"));
        assert!(origins.is_own_origin("https://wharf.example.com"));
        assert!(!origins.is_own_origin("http://wharf.example.com"));
        assert!(origins.is_own_origin("http://wharf.internal:8080"));
        assert_eq!(
            origins.list(),
            [
                "http://localhost:3000",
                "http://127.0.0.1:3000",
                "http://[::1]:3000",
                "https://wharf.example.com",
                "http://wharf.internal:8080"
            ]
        );
    }

    #[test]
    fn public_urls_are_bare_origins() {
        for bad in [
            "wharf.example.com",
            "ftp://wharf.example.com",
            "https://wharf.example.com/wharf",
            "https://user:pw@wharf.example.com",
            "https://wharf.example.com/?a=1",
            "https://",
        ] {
            assert!(
                PublicOrigins::new(loopback(3000), &[bad.into()]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn an_origin_is_compared_with_the_configuration_never_with_host() {
        let origins = PublicOrigins::new(loopback(3000), &[]).unwrap();
        assert!(origins.is_own_origin("http://127.0.0.1:3000"));
        assert!(origins.is_own_origin("http://localhost:3000"));
        // The rebinding page: its Origin matches its Host, not Wharf.
        assert!(!origins.is_own_origin("http://evil.example:3000"));
        for other in [
            "https://127.0.0.1:3000",
            "http://127.0.0.1:3001",
            "http://127.0.0.1",
            "null",
            "",
            "127.0.0.1:3000",
        ] {
            assert!(!origins.is_own_origin(other), "{other}");
        }
    }

    fn headers(name: &str, values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn every_host_a_request_names_counts() {
        let mut h = HeaderMap::new();
        h.append(http::header::HOST, "127.0.0.1:3000".parse().unwrap());
        h.append(http::header::HOST, "evil.example:3000".parse().unwrap());
        let path: Uri = "/spaces".parse().unwrap();
        assert_eq!(
            request_hosts(&path, &h),
            ["127.0.0.1:3000", "evil.example:3000"]
        );
        let absolute: Uri = "http://evil.example:3000/spaces".parse().unwrap();
        let mut one = HeaderMap::new();
        one.insert(http::header::HOST, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(
            request_hosts(&absolute, &one),
            ["127.0.0.1:3000", "evil.example:3000"]
        );
        assert!(request_hosts(&path, &HeaderMap::new()).is_empty());
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        let proxies =
            TrustedProxies::new(&["10.0.0.0/8".into()], ForwardedHeader::default()).unwrap();
        let xff = headers("x-forwarded-for", &["203.0.113.9"]);
        // From a trusted proxy: the client it names.
        assert_eq!(
            proxies.client_address(ip("10.1.2.3"), &xff),
            ip("203.0.113.9")
        );
        // From anyone else: the header is ignored.
        assert_eq!(
            proxies.client_address(ip("198.51.100.4"), &xff),
            ip("198.51.100.4")
        );
        // Without configured proxies nobody's header is believed.
        let none = TrustedProxies::default();
        assert_eq!(none.client_address(ip("10.1.2.3"), &xff), ip("10.1.2.3"));
    }

    #[test]
    fn a_client_cannot_choose_its_address_through_the_proxy() {
        let proxies = TrustedProxies::new(
            &["10.0.0.0/8".into(), "192.0.2.1".into()],
            ForwardedHeader::XForwardedFor,
        )
        .unwrap();
        // The client sent "1.1.1.1"; the load balancer (192.0.2.1) and the
        // ingress (10.0.0.7) appended the addresses they saw.
        let chain = headers("x-forwarded-for", &["1.1.1.1, 203.0.113.9", "192.0.2.1"]);
        assert_eq!(
            proxies.client_address(ip("10.0.0.7"), &chain),
            ip("203.0.113.9")
        );
        // An entry that is not an address stops the walk at the proxy.
        let garbled = headers("x-forwarded-for", &["203.0.113.9, unknown"]);
        assert_eq!(
            proxies.client_address(ip("10.0.0.7"), &garbled),
            ip("10.0.0.7")
        );
        // Only trusted proxies in the chain: the farthest one.
        let inside = headers("x-forwarded-for", &["10.9.9.9"]);
        assert_eq!(
            proxies.client_address(ip("10.0.0.7"), &inside),
            ip("10.9.9.9")
        );
        // The header not configured is the client's own: ignored.
        let forged = headers("forwarded", &["for=1.1.1.1"]);
        assert_eq!(
            proxies.client_address(ip("10.0.0.7"), &forged),
            ip("10.0.0.7")
        );
    }

    #[test]
    fn rfc_7239_forwarded() {
        let proxies =
            TrustedProxies::new(&["10.0.0.0/8".into()], ForwardedHeader::Forwarded).unwrap();
        let h = headers(
            "forwarded",
            &[r#"for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711""#],
        );
        assert_eq!(
            proxies.client_address(ip("10.0.0.7"), &h),
            ip("2001:db8:cafe::17")
        );
        let ported = headers("forwarded", &[r#"For="198.51.100.4:8080""#]);
        assert_eq!(
            proxies.client_address(ip("10.0.0.7"), &ported),
            ip("198.51.100.4")
        );
        let hidden = headers("forwarded", &["for=_hidden"]);
        assert_eq!(
            proxies.client_address(ip("10.0.0.7"), &hidden),
            ip("10.0.0.7")
        );
    }

    #[test]
    fn ipv4_mapped_peers_and_bad_ranges() {
        let proxies =
            TrustedProxies::new(&["127.0.0.1/32".into()], ForwardedHeader::default()).unwrap();
        let xff = headers("x-forwarded-for", &["203.0.113.9"]);
        assert_eq!(
            proxies.client_address(ip("::ffff:127.0.0.1"), &xff),
            ip("203.0.113.9")
        );
        assert!(TrustedProxies::new(&["10.0.0.0/33".into()], ForwardedHeader::default()).is_err());
        assert!(
            TrustedProxies::new(&["proxy.example".into()], ForwardedHeader::default()).is_err()
        );
    }
}
