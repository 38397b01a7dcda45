use clap::Parser;
use leptos::config::get_configuration;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tracing_subscriber::EnvFilter;
use wharf_server::auth::MultiUserSessions;
use wharf_server::config::{Args, AuthMode};
use wharf_server::k8s::credentials::ClusterAddress;
use wharf_server::k8s::{LocalSessions, StreamSessions, connect, load_config};
use wharf_server::router::{Settings, app_router};

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
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
    let sessions: Arc<dyn StreamSessions> = match args.auth {
        AuthMode::Local => Arc::new(LocalSessions::new(connect(&args.connection()).await?)),
        AuthMode::MultiUser => {
            // Only the cluster's address and CA are kept from Wharf's own
            // configuration; its credentials are dropped here.
            let address = ClusterAddress::from_config(load_config(&args.connection()).await?);
            Arc::new(
                MultiUserSessions::new(
                    address,
                    Duration::from_secs(args.session_idle_seconds),
                    Duration::from_secs(args.session_max_seconds),
                    args.cookie_secure,
                )
                .trusting_proxy(args.trust_proxy_auth)
                .cross_site_cookie(args.cookie_cross_site),
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
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
