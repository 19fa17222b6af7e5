//! Agents and agent groups: who takes a campaign's calls, and in what status they are.

mod moves;
pub use moves::{end_wrap_ups, extend_wrap_up, release, set_status, take, wrap_up};

use crate::row::get;
use crate::{Conn, Result, StorageError};
use outdial_domain::agent::AgentStatus;
use outdial_domain::{CampaignId, TenantId, UserId};
use serde::Serialize;

/// A user registered to take calls.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agent {
    /// The user.
    pub user_id: UserId,
    /// Their tenant.
    pub tenant_id: TenantId,
    /// The user's name.
    pub name: String,
    /// The user's email.
    pub email: String,
    /// The number Outdial calls them on (E.164).
    pub phone: String,
    /// Where they are.
    pub status: AgentStatus,
    /// Since when, epoch ms.
    pub status_since: i64,
    /// When their current call began, while on a call or wrapping it up.
    pub busy_since: Option<i64>,
    /// When wrap-up ends by itself, while wrapping up.
    pub wrap_up_until: Option<i64>,
}

const COLUMNS: &str = "a.user_id, a.tenant_id, u.name, u.email, a.phone, a.status, a.status_since, \
    a.busy_since, a.wrap_up_until";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Agent> {
    let status: String = get(row, "status")?;
    Ok(Agent {
        user_id: UserId(get(row, "user_id")?),
        tenant_id: TenantId(get(row, "tenant_id")?),
        name: get(row, "name")?,
        email: get(row, "email")?,
        phone: get(row, "phone")?,
        status: AgentStatus::parse(&status)
            .ok_or_else(|| StorageError::Corrupt(format!("agent status '{status}'")))?,
        status_since: get(row, "status_since")?,
        busy_since: get(row, "busy_since")?,
        wrap_up_until: get(row, "wrap_up_until")?,
    })
}

/// Registers `user` of `tenant` as an agent calling on `phone`, or changes their number. A new
/// agent starts offline. `NotFound` when the user is not the tenant's.
pub async fn register(
    conn: &mut Conn,
    tenant: TenantId,
    user: UserId,
    phone: &str,
    now: i64,
) -> Result<Agent> {
    let done = sqlx::query(
        "INSERT INTO agents (user_id, tenant_id, phone, status, status_since, updated_at) \
         SELECT id, tenant_id, $3, 'offline', $4, $4 FROM users WHERE id = $1 AND tenant_id = $2 \
         ON CONFLICT (user_id) DO UPDATE SET phone = excluded.phone, updated_at = excluded.updated_at",
    )
    .bind(user.0)
    .bind(tenant.0)
    .bind(phone)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StorageError::NotFound);
    }
    get_one(conn, tenant, user).await
}

/// Reads an agent of `tenant`.
pub async fn get_one(conn: &mut Conn, tenant: TenantId, user: UserId) -> Result<Agent> {
    let sql = format!(
        "SELECT {COLUMNS} FROM agents a JOIN users u ON u.id = a.user_id WHERE a.tenant_id = $1 AND a.user_id = $2"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(user.0)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// The tenant's agents, by name.
pub async fn list(conn: &mut Conn, tenant: TenantId) -> Result<Vec<Agent>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM agents a JOIN users u ON u.id = a.user_id WHERE a.tenant_id = $1 ORDER BY u.name, a.user_id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// A named set of agents, assigned to campaigns.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentGroup {
    /// Its id.
    pub id: i64,
    /// Its name, unique in the tenant.
    pub name: String,
    /// Its agents.
    pub members: Vec<UserId>,
    /// The campaigns whose calls they take.
    pub campaigns: Vec<CampaignId>,
}

/// Creates an empty group; `Conflict` when the name is taken.
pub async fn create_group(
    conn: &mut Conn,
    tenant: TenantId,
    name: &str,
    now: i64,
) -> Result<AgentGroup> {
    let row = sqlx::query(
        "INSERT INTO agent_groups (tenant_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(tenant.0)
    .bind(name)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(|e| {
        StorageError::on_unique(e, "a group with that name exists; choose another name")
    })?;
    Ok(AgentGroup {
        id: get(&row, "id")?,
        name: name.to_string(),
        members: Vec::new(),
        campaigns: Vec::new(),
    })
}

/// The tenant's groups with their members and campaigns, by name.
pub async fn groups(conn: &mut Conn, tenant: TenantId) -> Result<Vec<AgentGroup>> {
    let rows = sqlx::query("SELECT id, name FROM agent_groups WHERE tenant_id = $1 ORDER BY name")
        .bind(tenant.0)
        .fetch_all(&mut *conn)
        .await?;
    let mut out: Vec<AgentGroup> = rows
        .iter()
        .map(|r| {
            Ok(AgentGroup {
                id: get(r, "id")?,
                name: get(r, "name")?,
                members: Vec::new(),
                campaigns: Vec::new(),
            })
        })
        .collect::<Result<_>>()?;
    let members = sqlx::query(
        "SELECT m.group_id, m.user_id FROM agent_group_members m JOIN agent_groups g ON g.id = m.group_id \
         WHERE g.tenant_id = $1 ORDER BY m.user_id",
    )
    .bind(tenant.0)
    .fetch_all(&mut *conn)
    .await?;
    let campaigns = sqlx::query(
        "SELECT c.group_id, c.campaign_id FROM campaign_agent_groups c JOIN agent_groups g ON g.id = c.group_id \
         WHERE g.tenant_id = $1 ORDER BY c.campaign_id",
    )
    .bind(tenant.0)
    .fetch_all(&mut *conn)
    .await?;
    for g in &mut out {
        for r in &members {
            if get::<i64>(r, "group_id")? == g.id {
                g.members.push(UserId(get(r, "user_id")?));
            }
        }
        for r in &campaigns {
            if get::<i64>(r, "group_id")? == g.id {
                g.campaigns.push(CampaignId(get(r, "campaign_id")?));
            }
        }
    }
    Ok(out)
}

/// Whether `group` is one of the tenant's.
async fn own_group(conn: &mut Conn, tenant: TenantId, group: i64) -> Result<()> {
    sqlx::query("SELECT id FROM agent_groups WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(group)
        .fetch_optional(conn)
        .await?
        .map(|_| ())
        .ok_or(StorageError::NotFound)
}

/// Replaces a group's members (the caller checked that each is one of the tenant's agents).
pub async fn set_members(
    conn: &mut Conn,
    tenant: TenantId,
    group: i64,
    users: &[UserId],
) -> Result<()> {
    own_group(conn, tenant, group).await?;
    sqlx::query("DELETE FROM agent_group_members WHERE group_id = $1")
        .bind(group)
        .execute(&mut *conn)
        .await?;
    for user in users {
        sqlx::query("INSERT INTO agent_group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(group)
            .bind(user.0)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Replaces the groups whose agents take a campaign's calls. Every group must be the tenant's.
pub async fn set_campaign_groups(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: CampaignId,
    groups: &[i64],
) -> Result<()> {
    for g in groups {
        own_group(conn, tenant, *g).await?;
    }
    sqlx::query("DELETE FROM campaign_agent_groups WHERE campaign_id = $1")
        .bind(campaign.0)
        .execute(&mut *conn)
        .await?;
    for g in groups {
        sqlx::query("INSERT INTO campaign_agent_groups (campaign_id, group_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(campaign.0)
            .bind(g)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The agents of the groups assigned to a campaign (each once): their status and when their
/// current call began. What the pacer reads.
/// How many people the campaign's agent groups hold (whether signed in or not): zero means
/// an answered call has nobody it could ever be handed to.
pub async fn campaign_members(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: CampaignId,
) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(DISTINCT m.user_id) AS n FROM agent_group_members m \
         JOIN campaign_agent_groups c ON c.group_id = m.group_id \
         JOIN campaigns k ON k.id = c.campaign_id \
         WHERE c.campaign_id = $1 AND k.tenant_id = $2",
    )
    .bind(campaign.0)
    .bind(tenant.0)
    .fetch_one(conn)
    .await?;
    get(&row, "n")
}

/// The campaign's agents (members of its groups): each one's status, since when they are busy,
/// and whether their phone rings or whispers with an offered caller now.
pub async fn of_campaign(
    conn: &mut Conn,
    campaign: CampaignId,
) -> Result<Vec<(AgentStatus, Option<i64>, bool)>> {
    let rows = sqlx::query(
        "SELECT a.status, a.busy_since, CAST(CASE WHEN EXISTS (SELECT 1 FROM agent_legs l \
           WHERE l.user_id = a.user_id AND l.status IN ('ringing', 'whisper')) THEN 1 ELSE 0 END AS BIGINT) AS offered \
         FROM agents a WHERE a.user_id IN (\
           SELECT m.user_id FROM agent_group_members m JOIN campaign_agent_groups c ON c.group_id = m.group_id \
           WHERE c.campaign_id = $1)",
    )
    .bind(campaign.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let status: String = get(r, "status")?;
            Ok((
                AgentStatus::parse(&status)
                    .ok_or_else(|| StorageError::Corrupt(format!("agent status '{status}'")))?,
                get(r, "busy_since")?,
                get::<i64>(r, "offered")? == 1,
            ))
        })
        .collect()
}
