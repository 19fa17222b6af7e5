//! What only the embedded database does.

use crate::helpers::*;
use outdial_storage::{Backend, leads};
use std::time::{Duration, Instant};

#[tokio::test]
async fn the_write_ahead_log_is_copied_into_the_database_in_the_background() {
    let w = world().await;
    if w.db.store.backend() != Backend::Sqlite {
        return;
    }
    let file = w.db.url.trim_start_matches("sqlite://").to_string();
    let size = || std::fs::metadata(&file).unwrap().len();
    let spring = campaign(&w, w.a, "Spring").await;
    let before = size();
    let mut tx = w.db.store.begin().await.unwrap();
    let many = (0..3_000)
        .map(|i| lead(&format!("813489{:04}", 3_000 + i)))
        .collect();
    leads::insert_many(&mut tx, w.a, spring.id, None, many, true, NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // Commits only append to the log; no writer checkpoints (that would make it wait for
    // the disk). The background checkpointer moves the rows into the file within seconds.
    let deadline = Instant::now() + Duration::from_secs(10);
    while size() <= before {
        assert!(
            Instant::now() < deadline,
            "the database file did not grow from {before} bytes: nothing checkpointed the log"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
