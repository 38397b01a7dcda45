use clap::Parser;
use leptos::config::get_configuration;
use std::process::ExitCode;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;
use wharf_server::config::Args;
use wharf_server::k8s::{LocalSessions, connect};
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

    let client = connect(&args.connection()).await?;
    let sessions = Arc::new(LocalSessions::new(client));
    let settings = Settings {
        embed_origins: args.embed_origins()?,
    };
    let app = app_router(options, sessions, settings);

    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let addr = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        tracing::warn!(
            "listening on {addr}, not on loopback: in local mode everyone who can reach this address acts with your kubeconfig's credentials"
        );
    }
    tracing::info!("Wharf is running at http://{addr}/");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
