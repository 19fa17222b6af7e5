use crate::helpers::*;
use outdial_storage::StorageError;
use outdial_storage::imports::{self, ImportCounts, Rejection};

#[tokio::test]
async fn an_import_keeps_its_counts_and_rejections_in_line_order() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let c = campaign(&w, w.a, "Imp").await;
    let id = imports::create(
        &mut conn,
        w.a,
        c.id,
        "leads.csv",
        "UTF-8",
        "sam@example.com",
        NOW,
    )
    .await
    .unwrap();
    let rejections: Vec<Rejection> = (0..5)
        .rev()
        .map(|i| Rejection {
            line: i + 2,
            kind: "invalid_phone".into(),
            reason: "bad".into(),
            phone: "x".into(),
            raw: "a,b".into(),
        })
        .collect();
    imports::add_rejections(&mut conn, id, &rejections)
        .await
        .unwrap();
    let counts = ImportCounts {
        rows_read: 10,
        imported: 5,
        rejected: 5,
        duplicates: 1,
        do_not_call: 2,
    };
    imports::finish(&mut conn, id, counts, NOW + 9)
        .await
        .unwrap();

    let rec = imports::get_by_id(&mut conn, w.a, id).await.unwrap();
    assert_eq!(rec.counts, counts);
    assert_eq!(rec.finished_at, Some(NOW + 9));
    let page = imports::rejections(&mut conn, id, 0, 3).await.unwrap();
    assert_eq!(
        page.iter().map(|r| r.line).collect::<Vec<_>>(),
        vec![2, 3, 4]
    );
    let rest = imports::rejections(&mut conn, id, 4, 3).await.unwrap();
    assert_eq!(rest.iter().map(|r| r.line).collect::<Vec<_>>(), vec![5, 6]);
    assert!(matches!(
        imports::get_by_id(&mut conn, w.b, id).await,
        Err(StorageError::NotFound)
    ));
    assert_eq!(
        imports::list(&mut conn, w.a, Some(c.id))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        imports::list(&mut conn, w.b, None)
            .await
            .unwrap()
            .is_empty()
    );
}
