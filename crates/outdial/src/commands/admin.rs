//! `outdial migrate`, `outdial tenant create`, `outdial user create`.

use super::{now_ms, open_store};
use crate::cli::{TenantCommand, UserCommand};
use anyhow::{Context, bail};
use outdial_domain::{Role, TenantId};
use outdial_server::Config;
use outdial_server::auth::{passwords, tokens};
use outdial_storage::users::NewUser;
use outdial_storage::{tenants, users};

pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    let url = config.database.url.expose();
    let store = outdial_storage::Store::connect(url, 2)
        .await
        .with_context(|| format!("while connecting to {}", outdial_storage::redact_url(url)))?;
    let applied = store.migrate().await.context("while migrating")?;
    if applied.is_empty() {
        println!("database is up to date");
    } else {
        println!("applied: {}", applied.join(", "));
    }
    Ok(())
}

/// The given password after checking it, or a generated one that is printed.
async fn password_or_generate(given: Option<String>) -> anyhow::Result<(String, bool)> {
    match given {
        Some(p) => {
            passwords::check_strength(&p).map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok((p, false))
        }
        None => Ok((tokens::generate("")[..20].to_string(), true)),
    }
}

pub async fn tenant(config: &Config, cmd: TenantCommand) -> anyhow::Result<()> {
    let TenantCommand::Create {
        name,
        owner_email,
        owner_password,
    } = cmd;
    if name.trim().is_empty() {
        bail!("--name must not be empty");
    }
    let (password, generated) = password_or_generate(owner_password).await?;
    let hash = passwords::hash(password.clone())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let store = open_store(config).await?;
    let mut tx = store.begin().await?;
    let tenant = tenants::create(&mut tx, name.trim(), now_ms()).await?;
    let user = users::create(
        &mut tx,
        tenant.id,
        NewUser {
            email: &owner_email,
            name: "Owner",
            role: Role::Owner,
            password_hash: &hash,
        },
        now_ms(),
    )
    .await
    .context("while creating the owner")?;
    tx.commit().await?;
    println!(
        "tenant {} created (id {}); owner {} (user id {})",
        tenant.name, tenant.id, user.email, user.id
    );
    if generated {
        println!("owner password: {password}");
    }
    Ok(())
}

pub async fn user(config: &Config, cmd: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Create {
        tenant,
        email,
        name,
        role,
        password,
    } = cmd;
    let role = Role::parse(&role)
        .with_context(|| format!("unknown role '{role}'; use owner, admin, manager or agent"))?;
    let (password, generated) = password_or_generate(password).await?;
    let hash = passwords::hash(password.clone())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let store = open_store(config).await?;
    let mut conn = store.conn().await?;
    tenants::get_by_id(&mut conn, TenantId(tenant))
        .await
        .with_context(|| format!("no tenant with id {tenant}"))?;
    let display = if name.trim().is_empty() {
        email.clone()
    } else {
        name
    };
    let user = users::create(
        &mut conn,
        TenantId(tenant),
        NewUser {
            email: &email,
            name: &display,
            role,
            password_hash: &hash,
        },
        now_ms(),
    )
    .await?;
    println!(
        "user {} created (id {}, role {})",
        user.email,
        user.id,
        user.role.as_str()
    );
    if generated {
        println!("password: {password}");
    }
    Ok(())
}
