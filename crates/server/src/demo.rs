//! First-start demo data: a tenant, an owner and an agent whose random password is printed
//! once, a sample IVR campaign, an agent campaign whose answered calls go to the demo agent,
//! and a German studio: a Berlin calendar and a draft campaign that talks with people and
//! books a trial session in it.
//! Demo leads use fictional numbers (555-01xx in the US, 030 23125 in Berlin), which no real
//! phone answers.

use crate::auth::{passwords, tokens};
use outdial_domain::campaign::{CampaignSettings, CampaignType, Pacing, ValidSettings};
use outdial_domain::lead::{NewLead, Priority};
use outdial_domain::{Country, PhoneNumber, Role};
use outdial_storage::users::NewUser;
use outdial_storage::{Store, agents, campaigns, leads, tenants, users};

/// The demo owner's login email.
pub const DEMO_EMAIL: &str = "admin@demo.outdial.local";

/// The demo agent's login email (same password as the owner).
pub const DEMO_AGENT_EMAIL: &str = "agent@demo.outdial.local";

/// The demo agent's phone: the simulator plays it as an agent's phone.
pub const DEMO_AGENT_PHONE: &str = "+18135550199";

/// What was created.
pub struct DemoLogin {
    /// Login email.
    pub email: String,
    /// The generated password (shown once, never stored in clear).
    pub password: String,
    /// The sample campaign's id.
    pub campaign_id: i64,
    /// The agent login's email (same password).
    pub agent_email: String,
    /// The agent campaign's id.
    pub agent_campaign_id: i64,
}

const PEOPLE: [(&str, &str, &str); 12] = [
    ("Maria", "Garcia", "Sunrise Realty"),
    ("James", "Smith", "Lakeside Motors"),
    ("Aisha", "Khan", "Harbor Dental"),
    ("Tom", "O'Brien", "O'Brien & Sons"),
    ("Lena", "Fischer", "Studio Nord"),
    ("Wei", "Chen", "Chen Logistics"),
    ("Sofia", "Rossi", "Bella Salon"),
    ("David", "Miller", "Miller Roofing"),
    ("Grace", "Lee", "Pine Street Yoga"),
    ("Omar", "Haddad", "Cedar Auto"),
    ("Emma", "Johnson", "Bright Smiles"),
    ("Lucas", "Brown", "Brown Plumbing"),
];

/// Seeds the demo when the database has no tenant yet; `None` when it already has one.
pub async fn seed_if_empty(store: &Store, now: i64) -> anyhow::Result<Option<DemoLogin>> {
    let mut tx = store.begin().await?;
    if tenants::count(&mut tx).await? > 0 {
        return Ok(None);
    }
    let password = tokens::generate("")[..20].to_string();
    let hash = passwords::hash(password.clone())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let tenant = tenants::create(&mut tx, "Demo Company", now).await?;
    users::create(
        &mut tx,
        tenant.id,
        NewUser {
            email: DEMO_EMAIL,
            name: "Demo Admin",
            role: Role::Owner,
            password_hash: &hash,
        },
        now,
    )
    .await?;
    let mut settings = CampaignSettings {
        // Twilio's test number that is always a valid caller ID; the simulator accepts it too.
        caller_ids: vec![PhoneNumber::from_trusted("+15005550006".to_string())],
        ..CampaignSettings::default()
    };
    settings.script.message = "Hi {first_name}, this is Demo Company calling about your recent service visit. Press 1 to speak with someone, or press 2 to stop receiving these calls.".into();
    settings.script.voicemail_message = "Hi, this is Demo Company following up on your recent visit. Please call us back at your convenience.".into();
    let campaign = campaigns::create(
        &mut tx,
        tenant.id,
        "Demo: service follow-up",
        CampaignType::ServiceFollowUp,
        &ValidSettings::check(settings)?,
        now,
    )
    .await?;
    let demo_leads: Vec<NewLead> = PEOPLE
        .iter()
        .enumerate()
        .map(|(i, (first, last, company))| NewLead {
            phone: PhoneNumber::from_trusted(format!("+1813555{:04}", 100 + i)),
            extension: None,
            country: Country::US,
            first_name: (*first).into(),
            last_name: (*last).into(),
            email: String::new(),
            company: (*company).into(),
            timezone: None,
            lead_type: "demo".into(),
            priority: if i % 4 == 0 {
                Priority::High
            } else {
                Priority::Normal
            },
            do_not_call: i == 11,
            notes: "Demo lead with a fictional 555-01xx number.".into(),
            custom_fields: Vec::new(),
        })
        .collect();
    leads::insert_many(
        &mut tx,
        tenant.id,
        campaign.id,
        None,
        demo_leads,
        false,
        now,
    )
    .await?;
    let agent_campaign = seed_agent_campaign(&mut tx, tenant.id, &hash, now).await?;
    seed_studio(&mut tx, tenant.id, now).await?;
    tx.commit().await?;
    Ok(Some(DemoLogin {
        email: DEMO_EMAIL.into(),
        password,
        campaign_id: campaign.id.0,
        agent_email: DEMO_AGENT_EMAIL.into(),
        agent_campaign_id: agent_campaign.0,
    }))
}

/// The demo agent (offline until they log in), a group with them in it, and a progressive
/// campaign assigned to the group. Its leads are in New York, Honolulu and Berlin, so at any
/// hour some of them may be called (08:00–21:00 in each person's zone).
async fn seed_agent_campaign(
    tx: &mut outdial_storage::Conn,
    tenant: outdial_domain::TenantId,
    password_hash: &str,
    now: i64,
) -> anyhow::Result<outdial_domain::CampaignId> {
    let agent = users::create(
        tx,
        tenant,
        NewUser {
            email: DEMO_AGENT_EMAIL,
            name: "Demo Agent",
            role: Role::Agent,
            password_hash,
        },
        now,
    )
    .await?;
    agents::register(tx, tenant, agent.id, DEMO_AGENT_PHONE, now).await?;
    let mut settings = CampaignSettings {
        caller_ids: vec![PhoneNumber::from_trusted("+15005550006".to_string())],
        pacing: Pacing::Progressive,
        max_concurrent_calls: 3,
        ..CampaignSettings::default()
    };
    settings.calling_window = serde_json::from_value(serde_json::json!({
        "start": "00:00", "end": "23:59",
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    }))?;
    settings.script.message = "Hi {first_name}, this is Demo Company.".into();
    settings.script.voicemail_message =
        "Hi, this is Demo Company. Please call us back at your convenience.".into();
    settings.transfer.seller_name = "Demo Company".into();
    let campaign = campaigns::create(
        tx,
        tenant,
        "Demo: agent calls",
        CampaignType::SalesOutreach,
        &ValidSettings::check(settings)?,
        now,
    )
    .await?;
    let group = agents::create_group(tx, tenant, "Demo team", now).await?;
    agents::set_members(tx, tenant, group.id, &[agent.id]).await?;
    agents::set_campaign_groups(tx, tenant, campaign.id, &[group.id]).await?;
    let numbers = (0..4)
        .map(|i| (format!("+1212555{:04}", 110 + i), Country::US))
        .chain((0..4).map(|i| (format!("+1808555{:04}", 120 + i), Country::US)))
        .chain((0..4).map(|i| {
            (
                format!("+493023125{:03}", 100 + i),
                Country::parse("DE").unwrap_or(Country::US),
            )
        }));
    let demo_leads: Vec<NewLead> = numbers
        .zip(PEOPLE.iter().cycle())
        .map(|((phone, country), (first, last, company))| NewLead {
            phone: PhoneNumber::from_trusted(phone),
            extension: None,
            country,
            first_name: (*first).into(),
            last_name: (*last).into(),
            email: String::new(),
            company: (*company).into(),
            timezone: None,
            lead_type: "demo".into(),
            priority: Priority::Normal,
            do_not_call: false,
            notes: "Demo lead with a fictional number.".into(),
            custom_fields: Vec::new(),
        })
        .collect();
    leads::insert_many(tx, tenant, campaign.id, None, demo_leads, false, now).await?;
    Ok(campaign.id)
}

/// The German studio: "Studio Mitte", a Berlin calendar (Monday to Friday 09:00–18:00, Saturday
/// 10:00–14:00, 30-minute slots, closed on Berlin's holidays), and "Demo: Probetraining buchen",
/// a draft German campaign whose calls hold the appointment-booking conversation and book in
/// that calendar. Its leads have fictional Berlin numbers (030 23125 2xx).
async fn seed_studio(
    tx: &mut outdial_storage::Conn,
    tenant: outdial_domain::TenantId,
    now: i64,
) -> anyhow::Result<()> {
    let day = serde_json::json!({ "start": "09:00", "end": "18:00" });
    let calendar: outdial_domain::calendar::CalendarSettings =
        serde_json::from_value(serde_json::json!({
            "time_zone": "Europe/Berlin",
            "hours": {
                "mon": [day], "tue": [day], "wed": [day], "thu": [day], "fri": [day],
                "sat": [{ "start": "10:00", "end": "14:00" }]
            },
            "slot_minutes": 30,
            "notice_minutes": 60,
            "holidays": "DE-BE",
        }))?;
    let problems = calendar.check();
    anyhow::ensure!(problems.is_empty(), "demo calendar: {problems:?}");
    // A feed secret nobody knows: a new one is made with "New feed address".
    let feed = tokens::hash(&tokens::generate("cal_"));
    let cal = outdial_storage::calendars::create(tx, tenant, "Studio Mitte", &calendar, &feed, now)
        .await?;
    let mut settings: CampaignSettings = serde_json::from_value(serde_json::json!({
        "caller_ids": ["+15005550006"],
        "timezone": "Europe/Berlin",
        "default_country": "DE",
        "calling_window": { "start": "09:00", "end": "20:00",
            "days": ["mon", "tue", "wed", "thu", "fri", "sat"] },
        "pacing": { "mode": "unattended" },
        "max_concurrent_calls": 3,
        "script": { "language": "de-DE", "voice": "Polly.Vicki",
            "voicemail_message": "Guten Tag, hier ist das Studio Mitte. Wir möchten Ihnen ein kostenloses Probetraining anbieten. Rufen Sie uns gern zurück." },
        "conversation": { "mode": "flow", "calendar_id": cal.id },
    }))?;
    settings.menu.enabled = false;
    let campaign = campaigns::create(
        tx,
        tenant,
        "Demo: Probetraining buchen",
        CampaignType::SalesOutreach,
        &ValidSettings::check(settings)?,
        now,
    )
    .await?;
    const STUDIO: [(&str, &str); 6] = [
        ("Jana", "Weber"),
        ("Lukas", "Becker"),
        ("Mia", "Schulz"),
        ("Felix", "Wagner"),
        ("Hannah", "Hoffmann"),
        ("Paul", "Koch"),
    ];
    let demo_leads: Vec<NewLead> = STUDIO
        .iter()
        .enumerate()
        .map(|(i, (first, last))| NewLead {
            phone: PhoneNumber::from_trusted(format!("+493023125{:03}", 200 + i)),
            extension: None,
            country: Country::parse("DE").unwrap_or(Country::US),
            first_name: (*first).into(),
            last_name: (*last).into(),
            email: String::new(),
            company: String::new(),
            timezone: Some("Europe/Berlin".into()),
            lead_type: "demo".into(),
            priority: Priority::Normal,
            do_not_call: false,
            notes: "Demo lead with a fictional Berlin number; signed up for a trial session."
                .into(),
            custom_fields: Vec::new(),
        })
        .collect();
    leads::insert_many(tx, tenant, campaign.id, None, demo_leads, false, now).await?;
    Ok(())
}
