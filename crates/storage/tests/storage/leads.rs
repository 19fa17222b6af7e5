use crate::helpers::*;
use outdial_domain::LeadId;
use outdial_domain::lead::LeadStatus;
use outdial_storage::StorageError;
use outdial_storage::leads::{self, LeadFilter};

#[tokio::test]
async fn numbers_already_in_the_campaign_are_skipped_and_reported() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let c = campaign(&w, w.a, "One").await;
    let none = leads::insert_many(
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
    assert!(none.is_empty());
    let skipped = leads::insert_many(
        &mut conn,
        w.a,
        c.id,
        None,
        vec![lead("8134893222"), lead("8134893223")],
        false,
        NOW + 1,
    )
    .await
    .unwrap();
    assert_eq!(
        skipped.into_iter().collect::<Vec<_>>(),
        vec!["+18134893222".to_string()]
    );
    // Inside a write transaction too: SQLite's change counter is not what decides this.
    let mut tx = w.db.store.begin().await.unwrap();
    let skipped = leads::insert_many(
        &mut tx,
        w.a,
        c.id,
        None,
        vec![lead("8134893223"), lead("8134893224")],
        false,
        NOW + 2,
    )
    .await
    .unwrap();
    assert_eq!(
        skipped.into_iter().collect::<Vec<_>>(),
        vec!["+18134893223".to_string()]
    );
    let err = leads::create(&mut tx, w.a, c.id, &lead("8134893224"), NOW + 2)
        .await
        .unwrap_err();
    assert!(matches!(err, StorageError::Conflict(_)), "{err:?}");
    tx.commit().await.unwrap();
    let err = leads::create(&mut conn, w.a, c.id, &lead("8134893223"), NOW + 2)
        .await
        .unwrap_err();
    assert!(matches!(err, StorageError::Conflict(_)));
    // The same number may be a lead of another campaign.
    let other = campaign(&w, w.a, "Two").await;
    leads::create(&mut conn, w.a, other.id, &lead("8134893223"), NOW)
        .await
        .unwrap();
}

#[tokio::test]
async fn filters_search_and_pages_work_together() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let c = campaign(&w, w.a, "Big").await;
    let mut batch: Vec<_> = (0..25).map(|i| lead(&format!("81348932{i:02}"))).collect();
    batch[3].first_name = "Grace".into();
    batch[3].last_name = "Hopper".into();
    leads::insert_many(&mut conn, w.a, c.id, None, batch, false, NOW)
        .await
        .unwrap();

    let mut seen = Vec::new();
    let mut filter = LeadFilter {
        campaign: Some(c.id),
        limit: 10,
        ..Default::default()
    };
    loop {
        let (page, total) = leads::list(&mut conn, w.a, &filter).await.unwrap();
        assert_eq!(total, 25);
        if page.is_empty() {
            break;
        }
        filter.after = Some(page.last().unwrap().id);
        seen.extend(page.into_iter().map(|l| l.id));
    }
    assert_eq!(seen.len(), 25);
    assert!(seen.windows(2).all(|p| p[0] < p[1]));

    // Newest first, as the web app lists them: the same leads, backwards, page by page.
    let mut newest = Vec::new();
    let mut filter = LeadFilter {
        campaign: Some(c.id),
        limit: 10,
        newest_first: true,
        ..Default::default()
    };
    loop {
        let (page, _) = leads::list(&mut conn, w.a, &filter).await.unwrap();
        if page.is_empty() {
            break;
        }
        filter.after = Some(page.last().unwrap().id);
        newest.extend(page.into_iter().map(|l| l.id));
    }
    seen.reverse();
    assert_eq!(newest, seen);

    let search = |q: &str| LeadFilter {
        search: Some(q.into()),
        limit: 50,
        ..Default::default()
    };
    assert_eq!(
        leads::list(&mut conn, w.a, &search("grace hop"))
            .await
            .unwrap()
            .1,
        1
    );
    assert_eq!(
        leads::list(&mut conn, w.a, &search("HOPPER"))
            .await
            .unwrap()
            .1,
        1
    );
    assert_eq!(
        leads::list(&mut conn, w.a, &search("(813) 489-3203"))
            .await
            .unwrap()
            .1,
        1
    );
    assert_eq!(
        leads::list(&mut conn, w.a, &search("100%"))
            .await
            .unwrap()
            .1,
        0
    );
    assert_eq!(
        leads::list(&mut conn, w.b, &search("grace"))
            .await
            .unwrap()
            .1,
        0,
        "tenant B sees nothing"
    );
    let by_status = LeadFilter {
        status: Some(LeadStatus::Completed),
        limit: 50,
        ..Default::default()
    };
    assert_eq!(leads::list(&mut conn, w.a, &by_status).await.unwrap().1, 0);
}

#[tokio::test]
async fn saving_a_lead_keeps_custom_fields_and_refuses_a_duplicate_number() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let c = campaign(&w, w.a, "Edit").await;
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
    let (page, _) = leads::list(
        &mut conn,
        w.a,
        &LeadFilter {
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut first = page[0].clone();
    assert_eq!(first.custom_fields["Source"], "fair");
    first.notes = "called back".into();
    // The status moves through the domain's transition; the save writes the fields.
    let t = first.status.changed_by_user(LeadStatus::Completed).unwrap();
    assert!(
        leads::change_by_user(&mut conn, w.a, first.id, &t, NOW + 5)
            .await
            .unwrap()
    );
    let saved = leads::save(&mut conn, &first, NOW + 5).await.unwrap();
    assert_eq!(saved.notes, "called back");
    assert_eq!(saved.status, LeadStatus::Completed);
    assert_eq!(saved.updated_at, NOW + 5);
    first.phone = page[1].phone.clone();
    assert!(matches!(
        leads::save(&mut conn, &first, NOW).await,
        Err(StorageError::Conflict(_))
    ));
    let mut foreign = saved.clone();
    foreign.tenant_id = w.b;
    assert!(matches!(
        leads::save(&mut conn, &foreign, NOW).await,
        Err(StorageError::NotFound)
    ));
    assert!(matches!(
        leads::get_by_id(&mut conn, w.b, saved.id).await,
        Err(StorageError::NotFound)
    ));
    assert!(matches!(
        leads::delete(&mut conn, w.a, LeadId(99_999)).await,
        Err(StorageError::NotFound)
    ));
}

/// The import's fast path promises no conflicts; if one happens anyway it must not vanish.
#[tokio::test]
async fn an_unexpected_conflict_in_an_exclusive_insert_is_never_silent() {
    let w = world().await;
    let c = campaign(&w, w.a, "Exclusive").await;
    let mut conn = w.db.store.conn().await.unwrap();
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
    let mut tx = w.db.store.begin().await.unwrap();
    let outcome = leads::insert_many(
        &mut tx,
        w.a,
        c.id,
        None,
        vec![lead("8134893222"), lead("8134893223")],
        true,
        NOW,
    )
    .await;
    match w.db.store.backend() {
        outdial_storage::Backend::Sqlite => assert!(
            matches!(outcome, Err(StorageError::Conflict(_))),
            "{outcome:?}"
        ),
        outdial_storage::Backend::Postgres => assert_eq!(
            outcome.unwrap().into_iter().collect::<Vec<_>>(),
            vec!["+18134893222".to_string()]
        ),
    }
}

#[tokio::test]
async fn batched_leads_keep_every_character_and_every_field() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let c = campaign(&w, w.a, "Awkward").await;
    let mut awkward = lead("8134893222");
    awkward.first_name = "Zoë \"Z\" O'Brien & <Sons>".into();
    awkward.last_name = "back\\slash\ttab\nnewline ☎️ 𝄞".into();
    awkward.email = "zoe@example.com".into();
    awkward.timezone = Some("America/New_York".into());
    awkward.lead_type = "[1, {\"not\": \"json\"}]".into();
    awkward.priority = outdial_domain::lead::Priority::Urgent;
    awkward.do_not_call = true;
    awkward.notes = "null".into();
    awkward.custom_fields = vec![
        ("Größe".into(), "{\"a\": 1}".into()),
        ("empty".into(), String::new()),
    ];
    // More leads than one statement takes, so the batch is split.
    let mut batch = vec![awkward];
    batch.extend((0..4_500).map(|i| lead(&format!("212{:07}", 2_000_000 + i))));
    let skipped = leads::insert_many(&mut conn, w.a, c.id, None, batch, false, NOW)
        .await
        .unwrap();
    assert!(skipped.is_empty());
    assert_eq!(
        leads::count_in_campaign(&mut conn, c.id).await.unwrap(),
        4_501
    );

    let (found, _) = leads::list(
        &mut conn,
        w.a,
        &LeadFilter {
            campaign: Some(c.id),
            limit: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let got = &found[0];
    assert_eq!(got.phone, "+18134893222");
    assert_eq!(got.country, "US");
    assert_eq!(got.first_name, "Zoë \"Z\" O'Brien & <Sons>");
    assert_eq!(got.last_name, "back\\slash\ttab\nnewline ☎️ 𝄞");
    assert_eq!(got.email, "zoe@example.com");
    assert_eq!(got.timezone.as_deref(), Some("America/New_York"));
    assert_eq!(got.lead_type, "[1, {\"not\": \"json\"}]");
    assert_eq!(got.priority, outdial_domain::lead::Priority::Urgent);
    assert!(got.do_not_call);
    assert_eq!(got.notes, "null");
    assert_eq!(got.status, LeadStatus::New);
    assert_eq!(got.attempts, 0);
    assert_eq!((got.created_at, got.updated_at), (NOW, NOW));
    assert_eq!(got.custom_fields["Größe"], "{\"a\": 1}");
    assert_eq!(got.custom_fields["empty"], "");

    // The same batch again: every number is reported back as skipped, none is lost.
    let again: Vec<_> = (0..4_500)
        .map(|i| lead(&format!("212{:07}", 2_000_000 + i)))
        .collect();
    let skipped = leads::insert_many(&mut conn, w.a, c.id, None, again, false, NOW)
        .await
        .unwrap();
    assert_eq!(skipped.len(), 4_500);
    let existing = leads::existing_phones(
        &mut conn,
        c.id,
        &[
            "+18134893222",
            "+12122000000",
            "+12122004499",
            "+12122004500",
        ],
    )
    .await
    .unwrap();
    assert_eq!(existing.len(), 3);
    assert!(!existing.contains("+12122004500"));
}
