//! Every status a storage function can write is a move the domain allows: each function is run
//! against rows in every status, and every row it changed went along a legal edge (and the
//! rows it had no edge for were left alone). Storage's SQL never writes a status of its own.

use crate::helpers::*;
use outdial_domain::agent::{AgentActor, AgentStatus};
use outdial_domain::lead::{Actor, AfterCall, LeadStatus};
use outdial_domain::{LeadId, Role, TenantId, UserId};
use outdial_storage::{Conn, agents, leads, users};

/// One lead per lead status, forced there as a fixture.
async fn leads_in_every_status(w: &World) -> Vec<(LeadId, LeadStatus)> {
    let c = campaign(w, w.a, "Every status").await;
    let mut conn = w.db.store.conn().await.unwrap();
    let mut out = Vec::new();
    for (i, status) in LeadStatus::ALL.into_iter().enumerate() {
        let id = leads::create(
            &mut conn,
            w.a,
            c.id,
            &lead(&format!("+1415555{:04}", 2000 + i)),
            NOW,
        )
        .await
        .unwrap()
        .id;
        force(&mut conn, "leads", "id", id.0, status.as_str()).await;
        out.push((id, status));
    }
    out
}

async fn force(conn: &mut Conn, table: &str, key: &str, id: i64, status: &str) {
    let sql = format!("UPDATE {table} SET status = $1 WHERE {key} = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(status)
        .bind(id)
        .execute(conn)
        .await
        .unwrap();
}

/// Asserts that every lead moved along an edge `actor` may take, and returns how many moved.
async fn lead_moves(w: &World, before: &[(LeadId, LeadStatus)], actor: Actor, what: &str) -> usize {
    let mut conn = w.db.store.conn().await.unwrap();
    let mut moved = 0;
    for (id, from) in before {
        let now = leads::get_by_id(&mut conn, w.a, *id).await.unwrap().status;
        if now != *from {
            moved += 1;
            assert!(
                from.change_to(now, actor).is_ok(),
                "{what} moved a lead from {from} to {now}, which the rules do not allow"
            );
        }
    }
    moved
}

#[tokio::test]
async fn every_lead_status_written_is_a_legal_move() {
    // The dialer's batch moves.
    for (what, expected) in [("claim", 2), ("exhaust", 2)] {
        let w = world().await;
        let before = leads_in_every_status(&w).await;
        let ids: Vec<LeadId> = before.iter().map(|(id, _)| *id).collect();
        let mut conn = w.db.store.conn().await.unwrap();
        match what {
            "claim" => {
                leads::claim(&mut conn, &ids, NOW).await.unwrap();
            }
            _ => leads::exhaust(&mut conn, &ids, NOW).await.unwrap(),
        }
        drop(conn);
        assert_eq!(
            lead_moves(&w, &before, Actor::Dialer, what).await,
            expected,
            "{what}"
        );
    }

    // One lead claimed for a call by hand, whatever its status.
    let w = world().await;
    let before = leads_in_every_status(&w).await;
    let mut conn = w.db.store.conn().await.unwrap();
    for (id, _) in &before {
        leads::claim_for_call(&mut conn, w.a, *id, NOW)
            .await
            .unwrap();
    }
    drop(conn);
    assert_eq!(
        lead_moves(&w, &before, Actor::Dialer, "claim_for_call").await,
        2
    );

    // Ends of calls, in every status the call could decide.
    for to in LeadStatus::ALL {
        let w = world().await;
        let before = leads_in_every_status(&w).await;
        let after = AfterCall {
            status: to,
            attempts: 1,
            next_attempt_at: None,
        };
        let done: Vec<(LeadId, AfterCall)> = before.iter().map(|(id, _)| (*id, after)).collect();
        let mut conn = w.db.store.conn().await.unwrap();
        let result = leads::finish_attempts(&mut conn, &done, NOW).await;
        drop(conn);
        if LeadStatus::Dialing.change_to(to, Actor::Dialer).is_err() {
            assert!(result.is_err(), "a call's end cannot set a lead to {to}");
        }
        lead_moves(&w, &before, Actor::Dialer, "finish_attempts").await;
    }

    // Claims that outlived their call.
    let w = world().await;
    let before = leads_in_every_status(&w).await;
    let mut conn = w.db.store.conn().await.unwrap();
    leads::release_orphaned_claims(&mut conn, NOW + 1, NOW + 2)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(
        lead_moves(&w, &before, Actor::Dialer, "release_orphaned_claims").await,
        1
    );

    // Agents' dispositions, in every status one could name.
    for to in LeadStatus::ALL {
        let w = world().await;
        let before = leads_in_every_status(&w).await;
        let after = AfterCall {
            status: to,
            attempts: 1,
            next_attempt_at: None,
        };
        let mut conn = w.db.store.conn().await.unwrap();
        let mut refused = 0;
        for (id, _) in &before {
            if leads::settle(&mut conn, w.a, *id, &after, None, NOW)
                .await
                .is_err()
            {
                refused += 1;
            }
        }
        drop(conn);
        let legal = matches!(
            to,
            LeadStatus::Retry | LeadStatus::Completed | LeadStatus::Invalid
        );
        assert_eq!(
            refused,
            if legal { 0 } else { before.len() },
            "settle to {to}"
        );
        lead_moves(&w, &before, Actor::Agent, "settle").await;
    }

    // Users: recycling a list and changing one lead.
    let w = world().await;
    let before = leads_in_every_status(&w).await;
    let c = leads::get_by_id(&mut w.db.store.conn().await.unwrap(), w.a, before[0].0)
        .await
        .unwrap()
        .campaign_id;
    let t = LeadStatus::recycle(&[LeadStatus::Completed, LeadStatus::Exhausted]).unwrap();
    let n = leads::recycle(&mut w.db.store.conn().await.unwrap(), w.a, c, &t, NOW)
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(lead_moves(&w, &before, Actor::User, "recycle").await, 2);
    for to in LeadStatus::ALL {
        let w = world().await;
        let before = leads_in_every_status(&w).await;
        let mut conn = w.db.store.conn().await.unwrap();
        for (id, from) in &before {
            if let Ok(t) = from.changed_by_user(to) {
                assert!(
                    leads::change_by_user(&mut conn, w.a, *id, &t, NOW)
                        .await
                        .unwrap()
                );
            }
        }
        drop(conn);
        lead_moves(&w, &before, Actor::User, "change_by_user").await;
    }
}

/// One agent per agent status, in a group of `campaign`.
async fn agents_in_every_status(
    w: &World,
) -> (outdial_domain::CampaignId, Vec<(UserId, AgentStatus)>) {
    let c = campaign(w, w.a, "Agents").await;
    let mut conn = w.db.store.conn().await.unwrap();
    let group = agents::create_group(&mut conn, w.a, "Everyone", NOW)
        .await
        .unwrap();
    let mut out = Vec::new();
    for (i, status) in AgentStatus::ALL.into_iter().enumerate() {
        let email = format!("agent{i}@example.com");
        let user = users::create(
            &mut conn,
            w.a,
            users::NewUser {
                email: &email,
                name: "Agent",
                role: Role::Agent,
                password_hash: "x",
            },
            NOW,
        )
        .await
        .unwrap()
        .id;
        agents::register(
            &mut conn,
            w.a,
            user,
            &format!("+1415555{:04}", 3000 + i),
            NOW,
        )
        .await
        .unwrap();
        force(&mut conn, "agents", "user_id", user.0, status.as_str()).await;
        out.push((user, status));
    }
    let members: Vec<UserId> = out.iter().map(|(u, _)| *u).collect();
    agents::set_members(&mut conn, w.a, group.id, &members)
        .await
        .unwrap();
    agents::set_campaign_groups(&mut conn, w.a, c.id, &[group.id])
        .await
        .unwrap();
    (c.id, out)
}

async fn agent_moves(
    w: &World,
    tenant: TenantId,
    before: &[(UserId, AgentStatus)],
    actor: AgentActor,
) -> usize {
    let mut conn = w.db.store.conn().await.unwrap();
    let mut moved = 0;
    for (user, from) in before {
        let now = agents::get_one(&mut conn, tenant, *user)
            .await
            .unwrap()
            .status;
        if now != *from {
            moved += 1;
            assert!(
                from.change_to(now, actor).is_ok(),
                "an agent moved from {from} to {now}"
            );
        }
    }
    moved
}

#[tokio::test]
async fn every_agent_status_written_is_a_legal_move() {
    // Outdial's moves, run on agents in every status.
    for what in ["take", "release", "pause", "wrap_up", "end_wrap_ups"] {
        let w = world().await;
        let (c, before) = agents_in_every_status(&w).await;
        let mut conn = w.db.store.conn().await.unwrap();
        match what {
            "take" => {
                let taken = agents::take(&mut conn, w.a, c, 1, None, NOW).await.unwrap();
                assert!(taken.is_some());
                assert!(
                    agents::take(&mut conn, w.a, c, 1, None, NOW)
                        .await
                        .unwrap()
                        .is_none()
                );
            }
            "end_wrap_ups" => {
                // Every agent's wrap-up time has run out, whatever their status.
                sqlx::query("UPDATE agents SET wrap_up_until = $1")
                    .bind(NOW)
                    .execute(&mut *conn)
                    .await
                    .unwrap();
                agents::end_wrap_ups(&mut conn, NOW).await.unwrap();
            }
            _ => {
                for (user, _) in &before {
                    match what {
                        "release" => {
                            agents::release(&mut conn, w.a, *user, &AgentStatus::RELEASE, NOW).await
                        }
                        "pause" => {
                            agents::release(
                                &mut conn,
                                w.a,
                                *user,
                                &AgentStatus::PAUSE_AFTER_MISS,
                                NOW,
                            )
                            .await
                        }
                        _ => agents::wrap_up(&mut conn, w.a, *user, NOW, NOW).await,
                    }
                    .unwrap();
                }
            }
        }
        drop(conn);
        let moved = agent_moves(&w, w.a, &before, AgentActor::System).await;
        assert_eq!(moved, 1, "{what} moves the one agent in its from-status");
    }

    // People's own changes, from every status to every status.
    for actor in [AgentActor::Person, AgentActor::System] {
        for to in AgentStatus::ALL {
            let w = world().await;
            let (_, before) = agents_in_every_status(&w).await;
            let mut conn = w.db.store.conn().await.unwrap();
            for (user, from) in &before {
                if let Ok(t) = from.moved(to, actor) {
                    agents::set_status(&mut conn, w.a, *user, &t, None, NOW)
                        .await
                        .unwrap();
                }
            }
            drop(conn);
            agent_moves(&w, w.a, &before, actor).await;
        }
    }
}

/// No SQL in storage sets a status by a literal: every status it writes is bound from a
/// domain transition.
#[test]
fn storage_sql_never_writes_a_literal_status() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut stack = vec![src];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, _) in text.match_indices("status = '") {
                // A write when the nearest SQL keyword before it is SET (or a comma inside a SET).
                let before = &text[..i];
                let set = before.rfind("SET ");
                let cond = ["WHERE ", "AND ", "SELECT ", "WHEN ", " ON "]
                    .iter()
                    .filter_map(|k| before.rfind(k))
                    .max();
                if set.is_some_and(|s| cond.is_none_or(|c| s > c)) {
                    let line = before.matches('\n').count() + 1;
                    found.push(format!("{}:{line}", path.display()));
                }
            }
        }
    }
    assert!(found.is_empty(), "literal status writes: {found:?}");
}
