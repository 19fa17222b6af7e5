use outdial_domain::campaign::{CampaignType, ValidSettings};
use outdial_domain::lead::NewLead;
use outdial_domain::{Country, PhoneNumber, TenantId};
use outdial_storage::campaigns::{self, Campaign};
use outdial_storage::tenants;
use outdial_storage::testing::{TestDb, fresh_db};

pub const NOW: i64 = 1_795_000_000_000;

pub struct World {
    pub db: TestDb,
    pub a: TenantId,
    pub b: TenantId,
}

pub async fn world() -> World {
    let db = fresh_db().await;
    let mut conn = db.store.conn().await.unwrap();
    let a = tenants::create(&mut conn, "Tenant A", NOW)
        .await
        .unwrap()
        .id;
    let b = tenants::create(&mut conn, "Tenant B", NOW)
        .await
        .unwrap()
        .id;
    drop(conn);
    World { db, a, b }
}

pub async fn campaign(w: &World, tenant: TenantId, name: &str) -> Campaign {
    let mut conn = w.db.store.conn().await.unwrap();
    campaigns::create(
        &mut conn,
        tenant,
        name,
        CampaignType::General,
        &ValidSettings::default(),
        NOW,
    )
    .await
    .unwrap()
}

pub fn lead(phone: &str) -> NewLead {
    NewLead {
        phone: PhoneNumber::parse(phone, Country::US).unwrap(),
        extension: None,
        country: Country::US,
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        email: String::new(),
        company: "Analytical".into(),
        timezone: None,
        lead_type: String::new(),
        priority: Default::default(),
        do_not_call: false,
        notes: String::new(),
        custom_fields: vec![("Source".into(), "fair".into())],
    }
}
