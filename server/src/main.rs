use clap::Parser;
use leptos::config::get_configuration;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tracing_subscriber::EnvFilter;
use wharf_server::auth::MultiUserSessions;
use wharf_server::config::{Args, AuthMode, LogFormat};
use wharf_server::k8s::credentials::ClusterAddress;
use wharf_server::k8s::signed_out::SignedOutList;
use wharf_server::k8s::{
    ApiserverProbe, LocalSessions, StreamSessions, client_from, connect, load_config,
};
use wharf_server::router::{Readiness, Settings, app_router};
use wharf_server::seal::SessionKeys;

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
    let (sessions, apiserver): (Arc<dyn StreamSessions>, _) = match args.auth {
        AuthMode::Local => {
            let client = connect(&args.connection()).await?;
            (
                Arc::new(LocalSessions::new(client.clone())),
                ApiserverProbe::Client(client),
            )
        }
        AuthMode::MultiUser => {
            let config = load_config(&args.connection()).await?;
            let keys = match &args.session_keys_file {
                Some(path) => SessionKeys::from_file(path)?,
                None => {
                    tracing::warn!(
                        "no --session-keys-file: sessions are sealed with a key of this process only; they end when it stops, and other replicas cannot read them"
                    );
                    SessionKeys::random()
                }
            };
            // Wharf's own credentials serve one thing in multi-user mode:
            // the signed-out list, in Wharf's own namespace.
            let signed_out = match &args.signed_out_configmap {
                Some(name) => Some(SignedOutList::new(client_from(config.clone())?, name)),
                None => None,
            };
            // Users' clients get the cluster's address and CA only; Wharf's
            // credentials are dropped here.
            let address = ClusterAddress::from_config(config);
            let mut store = MultiUserSessions::new(
                address.clone(),
                keys,
                Duration::from_secs(args.session_idle_seconds),
                Duration::from_secs(args.session_max_seconds),
                args.cookie_secure,
            )
            .trusting_proxy(args.trust_proxy_auth)
            .cross_site_cookie(args.cookie_cross_site);
            if let Some(list) = signed_out {
                store = store.sharing_sign_outs(list);
            }
            let store = Arc::new(store);
            store.spawn_sign_out_sync();
            (
                store as Arc<dyn StreamSessions>,
                ApiserverProbe::Address(Box::new(address)),
            )
        }
    };
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
        readiness: Some(Arc::new(Readiness {
            site_root: args.site_root.clone(),
            apiserver,
        })),
    };
    let app = app_router(options, sessions, settings);

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
