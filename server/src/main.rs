use clap::Parser;
use leptos::config::get_configuration;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tracing_subscriber::EnvFilter;
use wharf_server::auth::{MultiUserSessions, SESSION_COOKIE};
use wharf_server::clusters::{ClusterSet, ServedCluster};
use wharf_server::config::{Args, AuthMode, LogFormat};
use wharf_server::k8s::clusters::{ClusterConfig, IN_CLUSTER, load_clusters};
use wharf_server::k8s::credentials::ClusterAddress;
use wharf_server::k8s::signed_out::SignedOutList;
use wharf_server::k8s::{ApiserverProbe, KubeCluster, client_from};
use wharf_server::router::{Readiness, Settings, app_router};
use wharf_server::seal::SessionKeys;
use wharf_server::sessions::LocalSessions;

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    match args.log_format {
        LogFormat::Text => tracing_subscriber::fmt().with_env_filter(filter).init(),
        // Each line carries its request's span (its id) as fields.
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .init(),
    }
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// Every cluster of the command line with its sessions: the operator's
/// credentials in local mode; in multi-user mode the users' own, in a
/// session cookie per cluster, with Wharf's credentials dropped (but for the
/// signed-out list, in Wharf's own namespace).
async fn serve_clusters(args: &Args) -> Result<Vec<ServedCluster>, Box<dyn std::error::Error>> {
    let configs = load_clusters(&args.cluster_sources()).await?;
    let mut served = Vec::with_capacity(configs.len());
    if args.auth == AuthMode::Local {
        for ClusterConfig {
            name,
            context,
            config,
        } in configs
        {
            let server = config
                .cluster_url
                .to_string()
                .trim_end_matches('/')
                .to_string();
            let client = client_from(config)?;
            served.push(ServedCluster {
                name,
                context,
                server,
                sessions: Arc::new(LocalSessions::new(KubeCluster::new(client.clone()))),
                multi_user: None,
                probe: ApiserverProbe::Client(client),
            });
        }
        return Ok(served);
    }
    let keys = match &args.session_keys_file {
        Some(path) => SessionKeys::from_file(path)?,
        None => {
            tracing::warn!(
                "no --session-keys-file: sessions are sealed with a key of this process only; they end when it stops, and other replicas cannot read them"
            );
            SessionKeys::random()
        }
    };
    for (
        index,
        ClusterConfig {
            name,
            context,
            config,
        },
    ) in configs.into_iter().enumerate()
    {
        let server = config
            .cluster_url
            .to_string()
            .trim_end_matches('/')
            .to_string();
        // Wharf's own credentials serve one thing in multi-user mode: the
        // signed-out list, in Wharf's own namespace (of its own cluster).
        let signed_out = match &args.signed_out_configmap {
            Some(list) if name == IN_CLUSTER => {
                Some(SignedOutList::new(client_from(config.clone())?, list))
            }
            _ => None,
        };
        // The default cluster's cookie keeps the name it had before Wharf
        // served several clusters; each other cluster has its own.
        let cookie = if index == 0 {
            SESSION_COOKIE.to_string()
        } else {
            format!("{SESSION_COOKIE}-{name}")
        };
        let address = ClusterAddress::from_config(config);
        let mut store = MultiUserSessions::new(
            address.clone(),
            keys.clone(),
            Duration::from_secs(args.session_idle_seconds),
            Duration::from_secs(args.session_max_seconds),
            args.cookie_secure,
        )
        .cookie_named(cookie)
        .trusting_proxy(args.trust_proxy_auth)
        .cross_site_cookie(args.cookie_cross_site);
        if let Some(list) = signed_out {
            store = store.sharing_sign_outs(list);
        }
        let store = Arc::new(store);
        store.spawn_sign_out_sync();
        served.push(ServedCluster {
            name,
            context,
            server,
            sessions: store.clone(),
            multi_user: Some(store),
            probe: ApiserverProbe::Address(Box::new(address)),
        });
    }
    Ok(served)
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let mut options = get_configuration(None)?.leptos_options;
    options.site_addr = args.listen;
    options.site_root = args.site_root.to_string_lossy().into_owned().into();

    if args.trust_proxy_auth && args.auth == AuthMode::Local {
        return Err("--trust-proxy-auth needs --auth multi-user".into());
    }
    if args.cookie_cross_site && args.auth == AuthMode::Local {
        return Err("--cookie-cross-site needs --auth multi-user".into());
    }
    let clusters = Arc::new(ClusterSet::new(serve_clusters(&args).await?));
    tracing::info!(
        "serving the clusters {} (default: {})",
        clusters
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        clusters.default_cluster().name
    );
    let embed_origins = args.embed_origins()?;
    let proxies = args.trusted_proxies()?;
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let addr = listener.local_addr()?;
    let origins = args.public_origins(addr)?;
    tracing::info!(
        "answering to {} only (add more with --public-url)",
        origins.list().join(", ")
    );
    let settings = Settings {
        embed_origins,
        origins,
        proxies,
        node_ports: args.node_port_range,
        readiness: Some(Arc::new(Readiness {
            site_root: args.site_root.clone(),
            clusters: clusters.clone(),
        })),
    };
    let app = app_router(options, clusters, settings);

    if !addr.ip().is_loopback() && args.auth == AuthMode::Local {
        tracing::warn!(
            "listening on {addr}, not on loopback: in local mode everyone who can reach this address acts with your kubeconfig's credentials"
        );
    }
    tracing::info!("Wharf is running at http://{addr}/");
    // The peer address is for the sign-in limit (router::ClientAddress).
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        wharf_server::shutdown::signal().await;
        // Unready and telling the sockets already; still answering while
        // the balancers catch up.
        tokio::time::sleep(Duration::from_secs(args.shutdown_delay_seconds)).await;
    })
    .await?;
    // The listener is closed and the requests in flight are answered; the
    // sockets say goodbye and hang up their shells.
    wharf_server::shutdown::sockets_closed().await;
    tracing::info!("stopped");
    Ok(())
}
