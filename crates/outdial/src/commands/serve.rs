//! `outdial serve`: run until Ctrl-C or SIGTERM.

use outdial_server::{Application, Config};

pub async fn run(config: Config) -> anyhow::Result<()> {
    let db = outdial_storage::redact_url(config.database.url.expose());
    let app = Application::build(config).await?;
    let port = app.port();
    if let Some(demo) = &app.demo {
        println!(
            "\n  Demo tenant created. Sign in at http://127.0.0.1:{port}/ with:\n    email:    {}\n    password: {}\n  (shown once; change it under Settings, or with PUT /api/v1/me/password)\n  Sample campaign id: {}\n  Agent login: {} (same password); agent campaign id: {}\n",
            demo.email, demo.password, demo.campaign_id, demo.agent_email, demo.agent_campaign_id
        );
    }
    println!(
        "  Outdial is listening on http://127.0.0.1:{port}  (web app: http://127.0.0.1:{port}/, API docs: http://127.0.0.1:{port}/api/v1/docs/, database: {db})"
    );
    if let Some(sim) = &app.simulator {
        println!(
            "  No Twilio credentials configured: calls go to the built-in simulator ({}).",
            sim.base_url()
        );
    }
    tracing::info!(port, database = %db, "outdial started");
    app.run_until_stopped(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
