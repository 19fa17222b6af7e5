use crate::helpers::*;
use outdial_domain::campaign::{CampaignStatus, CampaignType, Pacing, ValidSettings};
use outdial_storage::{StorageError, campaigns, leads};

#[tokio::test]
async fn settings_survive_a_round_trip() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let c = campaign(&w, w.a, "Spring").await;
    let mut settings = c.settings.to_draft();
    settings.pacing = Pacing::Power { ratio: 2.5 };
    settings.daily_call_limit = Some(300);
    let updated = campaigns::update(
        &mut conn,
        w.a,
        c.id,
        "Spring 2027",
        CampaignType::SalesOutreach,
        &ValidSettings::check(settings).unwrap(),
        NOW + 1,
    )
    .await
    .unwrap();
    let read = campaigns::get_by_id(&mut conn, w.a, c.id).await.unwrap();
    assert_eq!(read, updated);
    assert_eq!(read.settings.pacing, Pacing::Power { ratio: 2.5 });
    assert_eq!(read.campaign_type, CampaignType::SalesOutreach);
}

#[tokio::test]
async fn another_tenants_campaign_is_invisible() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let c = campaign(&w, w.a, "Mine").await;
    assert!(matches!(
        campaigns::get_by_id(&mut conn, w.b, c.id).await,
        Err(StorageError::NotFound)
    ));
    assert!(
        campaigns::list(&mut conn, w.b, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        campaigns::update(
            &mut conn,
            w.b,
            c.id,
            "x",
            CampaignType::General,
            &c.settings,
            NOW
        )
        .await,
        Err(StorageError::NotFound)
    ));
    assert!(matches!(
        campaigns::delete(&mut conn, w.b, c.id).await,
        Err(StorageError::NotFound)
    ));
    assert_eq!(
        campaigns::list(&mut conn, w.a, None).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn a_status_change_loses_to_a_concurrent_one() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let c = campaign(&w, w.a, "Race").await;
    campaigns::set_status(
        &mut conn,
        w.a,
        c.id,
        CampaignStatus::Draft,
        CampaignStatus::Running,
        None,
        NOW,
    )
    .await
    .unwrap();
    let err = campaigns::set_status(
        &mut conn,
        w.a,
        c.id,
        CampaignStatus::Draft,
        CampaignStatus::Stopped,
        Some("a reason"),
        NOW,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StorageError::Conflict(_)));
    let listed = campaigns::list(&mut conn, w.a, Some(CampaignStatus::Running))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
}

#[tokio::test]
async fn deleting_a_campaign_deletes_its_leads() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let c = campaign(&w, w.a, "Gone").await;
    leads::insert_many(
        &mut conn,
        w.a,
        c.id,
        None,
        vec![lead("8134893222"), lead("8134893223")],
        false,
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(
        campaigns::lead_counts(&mut conn, w.a, c.id)
            .await
            .unwrap()
            .total,
        2
    );
    campaigns::delete(&mut conn, w.a, c.id).await.unwrap();
    assert_eq!(leads::count_in_campaign(&mut conn, c.id).await.unwrap(), 0);
}
