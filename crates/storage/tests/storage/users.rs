use crate::helpers::*;
use outdial_domain::{ApiKeyId, Role, UserId};
use outdial_storage::users::{NewUser, UserChanges};
use outdial_storage::{StorageError, api_keys, login_limits, sessions, users};

fn new_user(email: &str) -> NewUser<'_> {
    NewUser {
        email,
        name: "Sam",
        role: Role::Admin,
        password_hash: "$argon2id$fake",
    }
}

#[tokio::test]
async fn emails_are_unique_across_tenants_and_case() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    users::create(&mut conn, w.a, new_user("sam@example.com"), NOW)
        .await
        .unwrap();
    let err = users::create(&mut conn, w.b, new_user("SAM@example.com"), NOW)
        .await
        .unwrap_err();
    assert!(matches!(err, StorageError::Conflict(_)), "{err:?}");
}

#[tokio::test]
async fn another_tenants_user_is_not_found() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let u = users::create(&mut conn, w.a, new_user("sam@example.com"), NOW)
        .await
        .unwrap();
    assert!(matches!(
        users::get_by_id(&mut conn, w.b, u.id).await,
        Err(StorageError::NotFound)
    ));
    assert!(matches!(
        users::update(&mut conn, w.b, u.id, UserChanges::default(), NOW).await,
        Err(StorageError::NotFound)
    ));
    assert!(matches!(
        users::delete(&mut conn, w.b, u.id).await,
        Err(StorageError::NotFound)
    ));
    assert!(users::list(&mut conn, w.b).await.unwrap().is_empty());
    assert!(matches!(
        users::get_by_id(&mut conn, w.a, UserId(9999)).await,
        Err(StorageError::NotFound)
    ));
}

#[tokio::test]
async fn sessions_end_at_expiry_and_when_the_user_is_disabled() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let u = users::create(&mut conn, w.a, new_user("sam@example.com"), NOW)
        .await
        .unwrap();
    sessions::create(&mut conn, &u, "hash1", NOW, NOW + 1000, 20)
        .await
        .unwrap();
    assert_eq!(
        sessions::find_user(&mut conn, "hash1", NOW + 999)
            .await
            .unwrap()
            .map(|u| u.id),
        Some(u.id)
    );
    assert!(
        sessions::find_user(&mut conn, "hash1", NOW + 1000)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        sessions::find_user(&mut conn, "other", NOW)
            .await
            .unwrap()
            .is_none()
    );
    users::update(
        &mut conn,
        w.a,
        u.id,
        UserChanges {
            disabled: Some(true),
            ..Default::default()
        },
        NOW,
    )
    .await
    .unwrap();
    assert!(
        sessions::find_user(&mut conn, "hash1", NOW)
            .await
            .unwrap()
            .is_none()
    );
    // The next login removes the user's expired session.
    let purged = sessions::create(&mut conn, &u, "hash2", NOW + 5000, NOW + 9000, 20)
        .await
        .unwrap();
    assert_eq!(purged, 1);
}

#[tokio::test]
async fn revoked_api_keys_stop_working_and_stay_listed() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let key = api_keys::create(
        &mut conn,
        w.a,
        "zapier",
        "odk_abcd",
        "keyhash",
        Role::Manager,
        None,
        None,
        NOW,
    )
    .await
    .unwrap();
    let found = api_keys::authenticate(&mut conn, "keyhash", NOW + 5)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.last_used_at, Some(NOW + 5));
    assert!(matches!(
        api_keys::revoke(&mut conn, w.b, key.id, NOW).await,
        Err(StorageError::NotFound)
    ));
    api_keys::revoke(&mut conn, w.a, key.id, NOW + 10)
        .await
        .unwrap();
    let again = api_keys::revoke(&mut conn, w.a, key.id, NOW + 20)
        .await
        .unwrap();
    assert_eq!(
        again.revoked_at,
        Some(NOW + 10),
        "revoking twice keeps the first time"
    );
    assert!(
        api_keys::authenticate(&mut conn, "keyhash", NOW)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(api_keys::list(&mut conn, w.a).await.unwrap().len(), 1);
    assert!(matches!(
        api_keys::revoke(&mut conn, w.a, ApiKeyId(424242), NOW).await,
        Err(StorageError::NotFound)
    ));
}

#[tokio::test]
async fn migrating_twice_changes_nothing() {
    let w = world().await;
    assert!(w.db.store.migrate().await.unwrap().is_empty());
}

#[tokio::test]
async fn keys_expire_and_stop_working_while_their_creator_is_disabled() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let creator = users::create(&mut conn, w.a, new_user("keys@example.com"), NOW)
        .await
        .unwrap();
    let expiring = api_keys::create(
        &mut conn,
        w.a,
        "for a week",
        "odk_week",
        "weekhash",
        Role::Manager,
        None,
        Some(NOW + 7 * 86_400_000),
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(expiring.expires_at, Some(NOW + 7 * 86_400_000));
    assert!(
        api_keys::authenticate(&mut conn, "weekhash", NOW + 1000)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        api_keys::authenticate(&mut conn, "weekhash", NOW + 7 * 86_400_000)
            .await
            .unwrap()
            .is_none(),
        "an expired key no longer works"
    );

    api_keys::create(
        &mut conn,
        w.a,
        "theirs",
        "odk_them",
        "theirhash",
        Role::Manager,
        Some(creator.id.0),
        None,
        NOW,
    )
    .await
    .unwrap();
    assert!(
        api_keys::authenticate(&mut conn, "theirhash", NOW)
            .await
            .unwrap()
            .is_some()
    );
    let off = UserChanges {
        disabled: Some(true),
        ..Default::default()
    };
    users::update(&mut conn, w.a, creator.id, off, NOW)
        .await
        .unwrap();
    assert!(
        api_keys::authenticate(&mut conn, "theirhash", NOW)
            .await
            .unwrap()
            .is_none(),
        "a disabled creator's key does not work"
    );
    let on = UserChanges {
        disabled: Some(false),
        ..Default::default()
    };
    users::update(&mut conn, w.a, creator.id, on, NOW)
        .await
        .unwrap();
    assert!(
        api_keys::authenticate(&mut conn, "theirhash", NOW)
            .await
            .unwrap()
            .is_some(),
        "and works again once they are enabled"
    );
}

#[tokio::test]
async fn login_attempts_reserved_at_once_are_counted_one_by_one() {
    let w = world().await;
    let window = 900_000;
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let store = w.db.store.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = store.conn().await.unwrap();
            login_limits::reserve(&mut conn, "email:a@x", NOW, window)
                .await
                .unwrap()
                .attempts
        }));
    }
    let mut seen = Vec::new();
    for t in tasks {
        seen.push(t.await.unwrap());
    }
    seen.sort();
    assert_eq!(
        seen,
        (1..=40).collect::<Vec<i64>>(),
        "every attempt got its own count"
    );

    let mut conn = w.db.store.conn().await.unwrap();
    login_limits::release(&mut conn, "email:a@x").await.unwrap();
    let next = login_limits::reserve(&mut conn, "email:a@x", NOW + 1, window)
        .await
        .unwrap();
    assert_eq!(next.attempts, 40, "a released attempt gives its place back");
    assert_eq!(next.window_started_at, NOW);
    let later = login_limits::reserve(&mut conn, "email:a@x", NOW + window, window)
        .await
        .unwrap();
    assert_eq!(later.attempts, 1, "a new window starts afresh");
    assert_eq!(later.window_started_at, NOW + window);
    assert_eq!(
        login_limits::purge(&mut conn, NOW + window).await.unwrap(),
        1
    );
}

#[tokio::test]
async fn a_user_keeps_only_their_newest_sessions() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let u = users::create(&mut conn, w.a, new_user("many@example.com"), NOW)
        .await
        .unwrap();
    for i in 0..5 {
        sessions::create(&mut conn, &u, &format!("s{i}"), NOW + i, NOW + 100_000, 3)
            .await
            .unwrap();
    }
    for (hash, live) in [
        ("s0", false),
        ("s1", false),
        ("s2", true),
        ("s3", true),
        ("s4", true),
    ] {
        assert_eq!(
            sessions::find_user(&mut conn, hash, NOW + 10)
                .await
                .unwrap()
                .is_some(),
            live,
            "{hash}"
        );
    }
}
