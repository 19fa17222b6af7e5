use crate::helpers::*;
use outdial_domain::{Country, PhoneNumber};
use outdial_storage::StorageError;
use outdial_storage::dnc::{self, Origin};
use outdial_storage::leads::{self, LeadFilter};

const API: Origin<'static> = Origin {
    source: "api",
    reason: "asked",
    created_by: "test",
};

#[tokio::test]
async fn listing_a_number_marks_the_tenants_leads_only() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let a1 = campaign(&w, w.a, "A1").await;
    let a2 = campaign(&w, w.a, "A2").await;
    let b1 = campaign(&w, w.b, "B1").await;
    for (t, c) in [(w.a, a1.id), (w.a, a2.id), (w.b, b1.id)] {
        leads::insert_many(
            &mut conn,
            t,
            c,
            None,
            vec![lead("8134893222"), lead("8134893299")],
            false,
            NOW,
        )
        .await
        .unwrap();
    }
    let phone = PhoneNumber::parse("813-489-3222", Country::US).unwrap();
    assert_eq!(
        dnc::add(&mut conn, w.a, std::slice::from_ref(&phone), &API, NOW)
            .await
            .unwrap(),
        (1, 2)
    );
    assert_eq!(
        dnc::add(&mut conn, w.a, std::slice::from_ref(&phone), &API, NOW)
            .await
            .unwrap(),
        (0, 0),
        "adding twice changes nothing"
    );

    let flagged = LeadFilter {
        do_not_call: Some(true),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(leads::list(&mut conn, w.a, &flagged).await.unwrap().1, 2);
    assert_eq!(leads::list(&mut conn, w.b, &flagged).await.unwrap().1, 0);
    assert!(dnc::find(&mut conn, w.b, &phone).await.unwrap().is_none());
    assert_eq!(
        dnc::find(&mut conn, w.a, &phone)
            .await
            .unwrap()
            .unwrap()
            .source,
        "api"
    );
    assert_eq!(
        dnc::listed_among(&mut conn, w.a, &["+18134893222", "+18134893299"])
            .await
            .unwrap()
            .len(),
        1
    );

    dnc::remove(&mut conn, w.a, &phone).await.unwrap();
    assert!(matches!(
        dnc::remove(&mut conn, w.a, &phone).await,
        Err(StorageError::NotFound)
    ));
    assert_eq!(
        leads::list(&mut conn, w.a, &flagged).await.unwrap().1,
        2,
        "leads stay marked"
    );
}

#[tokio::test]
async fn the_list_pages_and_searches() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let phones: Vec<_> = (0..30)
        .map(|i| PhoneNumber::parse(&format!("81348932{i:02}"), Country::US).unwrap())
        .collect();
    dnc::add(&mut conn, w.a, &phones, &API, NOW).await.unwrap();
    assert_eq!(dnc::count(&mut conn, w.a).await.unwrap(), 30);
    let first = dnc::list(&mut conn, w.a, None, None, 20).await.unwrap();
    let rest = dnc::list(&mut conn, w.a, None, Some(&first.last().unwrap().phone), 20)
        .await
        .unwrap();
    assert_eq!((first.len(), rest.len()), (20, 10));
    assert_eq!(
        dnc::list(&mut conn, w.a, Some("489-3217"), None, 20)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn existence_probes_answer_per_tenant_and_campaign() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let c = campaign(&w, w.a, "Probe").await;
    assert!(!leads::campaign_has_leads(&mut conn, c.id).await.unwrap());
    assert!(!dnc::any_listed(&mut conn, w.a).await.unwrap());
    leads::insert_many(
        &mut conn,
        w.a,
        c.id,
        None,
        vec![lead("8134893222")],
        false,
        NOW,
    )
    .await
    .unwrap();
    dnc::add(
        &mut conn,
        w.a,
        &[PhoneNumber::parse("8134893299", Country::US).unwrap()],
        &API,
        NOW,
    )
    .await
    .unwrap();
    assert!(leads::campaign_has_leads(&mut conn, c.id).await.unwrap());
    assert!(dnc::any_listed(&mut conn, w.a).await.unwrap());
    assert!(!dnc::any_listed(&mut conn, w.b).await.unwrap());
}
