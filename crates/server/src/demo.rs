//! First-start demo data: a tenant, an owner whose random password is printed once, and a sample
//! campaign. Demo leads use fictional 555-01xx numbers, which no real phone answers.

use crate::auth::{passwords, tokens};
use outdial_domain::campaign::{CampaignSettings, CampaignType};
use outdial_domain::lead::{NewLead, Priority};
use outdial_domain::{Country, PhoneNumber, Role};
use outdial_storage::users::NewUser;
use outdial_storage::{Store, campaigns, leads, tenants, users};

/// The demo owner's login email.
pub const DEMO_EMAIL: &str = "admin@demo.outdial.local";

/// What was created.
pub struct DemoLogin {
    /// Login email.
    pub email: String,
    /// The generated password (shown once, never stored in clear).
    pub password: String,
    /// The sample campaign's id.
    pub campaign_id: i64,
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
        &settings,
        now,
    )
    .await?;
    let demo_leads: Vec<NewLead> = PEOPLE
        .iter()
        .enumerate()
        .map(|(i, (first, last, company))| NewLead {
            phone: PhoneNumber::from_trusted(format!("+1813555{:04}", 100 + i)),
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
    tx.commit().await?;
    Ok(Some(DemoLogin {
        email: DEMO_EMAIL.into(),
        password,
        campaign_id: campaign.id.0,
    }))
}
