//! `outdial twilio-sim`: the Twilio simulator on its own, until Ctrl-C.

use crate::cli::SimArgs;
use anyhow::bail;
use outdial_server::Config;
use outdial_simulator::Simulator;
use outdial_twilio::Credentials;

pub async fn run(config: &Config, args: SimArgs) -> anyhow::Result<()> {
    let problems = config.simulator.problems();
    if !problems.is_empty() {
        bail!("invalid simulator settings: {}", problems.join("; "));
    }
    let random = || format!("{:032x}", rand::random::<u128>());
    let creds = Credentials {
        account_sid: args
            .account_sid
            .unwrap_or_else(|| format!("AC{}", random())),
        auth_token: args.auth_token.unwrap_or_else(random),
    };
    let sim = Simulator::start(
        config.simulator.clone(),
        (args.host, args.port).into(),
        creds.clone(),
    )
    .await?;
    println!(
        "  Twilio simulator listening on {url}\n  Point Outdial at it with:\n    OUTDIAL_TWILIO__API_BASE_URL={url}\n    OUTDIAL_TWILIO__ACCOUNT_SID={sid}\n    OUTDIAL_TWILIO__AUTH_TOKEN={token}\n  (seed {seed}, speed x{speed}, {cps} calls per second)",
        url = sim.base_url(),
        sid = creds.account_sid,
        token = creds.auth_token,
        seed = config.simulator.seed,
        speed = config.simulator.speed,
        cps = config.simulator.calls_per_second,
    );
    tokio::signal::ctrl_c().await?;
    Ok(())
}
