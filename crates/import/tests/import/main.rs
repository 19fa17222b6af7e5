//! Lead and do-not-call file imports against a real database (SQLite, or PostgreSQL when
//! `OUTDIAL_TEST_POSTGRES_URL` is set).

use outdial_domain::campaign::{CampaignType, ValidSettings};
use outdial_domain::{Country, PhoneNumber};
use outdial_import::{ImportError, ImportOptions, ImportReport, import_dnc_file, import_leads};
use outdial_storage::campaigns::{self, Campaign};
use outdial_storage::dnc::{self, Origin};
use outdial_storage::leads::{self, LeadFilter};
use outdial_storage::testing::{TestDb, fresh_db};
use outdial_storage::{imports, tenants};
use std::io::Write;

const NOW: i64 = 1_795_000_000_000;
const ORIGIN: Origin<'static> = Origin {
    source: "test",
    reason: "",
    created_by: "test",
};

struct Setup {
    db: TestDb,
    campaign: Campaign,
    dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let db = fresh_db().await;
    let mut conn = db.store.conn().await.unwrap();
    let t = tenants::create(&mut conn, "T", NOW).await.unwrap();
    let campaign = campaigns::create(
        &mut conn,
        t.id,
        "C",
        CampaignType::General,
        &ValidSettings::default(),
        NOW,
    )
    .await
    .unwrap();
    drop(conn);
    Setup {
        db,
        campaign,
        dir: tempfile::tempdir().unwrap(),
    }
}

fn opts() -> ImportOptions {
    ImportOptions {
        filename: "leads.csv".into(),
        created_by: "test".into(),
        max_bytes: 50_000_000,
        inline_rejections: 100,
        now: NOW,
        progress: None,
    }
}

impl Setup {
    fn file(&self, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = self.dir.path().join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(bytes)
            .unwrap();
        path
    }

    async fn import(&self, bytes: &[u8]) -> Result<ImportReport, ImportError> {
        let path = self.file("upload.csv", bytes);
        import_leads(&self.db.store, &self.campaign, path, opts()).await
    }

    async fn import_dnc(
        &self,
        bytes: Vec<u8>,
    ) -> Result<outdial_import::DncImportReport, ImportError> {
        import_dnc_file(
            &self.db.store,
            self.campaign.tenant_id,
            std::io::Cursor::new(bytes),
            Country::US,
            &ORIGIN,
            NOW,
        )
        .await
    }

    async fn lead_count(&self) -> i64 {
        leads::count_in_campaign(&mut self.db.store.conn().await.unwrap(), self.campaign.id)
            .await
            .unwrap()
    }

    async fn import_count(&self) -> usize {
        imports::list(
            &mut self.db.store.conn().await.unwrap(),
            self.campaign.tenant_id,
            None,
        )
        .await
        .unwrap()
        .len()
    }

    async fn assert_nothing_stored(&self) {
        assert_eq!(self.lead_count().await, 0, "no leads may be left behind");
        assert_eq!(
            self.import_count().await,
            0,
            "no import record may be left behind"
        );
    }
}

const MIXED: &str = "first_name,last_name,phone,country,type,priority,do_not_call,notes\n\
John,Doe,8134893222,US,broker,high,false,VIP\n\
Jane,Roe,not a number,US,,,,\n\
Hans,Müller,030 1234567,DE,,,,\n\
Dup,Licate,(813) 489-3222,US,,,,\n\
Nine,Eleven,911 555 1234,,,,,\n\
Fict,Ional,813 555 0150,,,,,\n\
Opt,Out,8134893299,,,,yes,\n\
Bad,Prio,8134893298,,,whenever,,\n";

#[tokio::test]
async fn a_mixed_file_imports_good_rows_and_reports_every_bad_one() {
    let s = setup().await;
    let report = s.import(MIXED.as_bytes()).await.unwrap();
    assert_eq!(report.counts.rows_read, 8);
    assert_eq!(report.counts.imported, 3);
    assert_eq!(report.counts.rejected, 5);
    assert_eq!(report.counts.duplicates, 1);
    assert_eq!(report.counts.do_not_call, 1);
    let lines: Vec<(i64, &str)> = report
        .rejected_rows
        .iter()
        .map(|r| (r.line, r.kind.as_str()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (3, "invalid_phone"),
            (5, "duplicate"),
            (6, "invalid_phone"),
            (7, "invalid_phone"),
            (9, "invalid_field")
        ]
    );
    assert!(
        report.rejected_rows[1].reason.contains("line 2"),
        "{}",
        report.rejected_rows[1].reason
    );
    assert!(report.rejected_rows[2].reason.contains("reserved"));
    assert_eq!(report.rejected_rows[0].raw, "Jane,Roe,not a number,US,,,,");
    assert_eq!(s.lead_count().await, 3);

    let mut conn = s.db.store.conn().await.unwrap();
    let stored = imports::rejections(&mut conn, report.import_id, 0, 100)
        .await
        .unwrap();
    assert_eq!(
        stored, report.rejected_rows,
        "the stored report matches the answer"
    );
    let (german, _) = leads::list(
        &mut conn,
        s.campaign.tenant_id,
        &LeadFilter {
            search: Some("müller".into()),
            limit: 5,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(german[0].phone, "+49301234567");
}

#[tokio::test]
async fn a_second_import_rejects_numbers_already_in_the_campaign() {
    let s = setup().await;
    s.import(MIXED.as_bytes()).await.unwrap();
    let again = s.import(b"phone\n8134893222\n8134893201\n").await.unwrap();
    assert_eq!((again.counts.imported, again.counts.duplicates), (1, 1));
    assert!(
        again.rejected_rows[0]
            .reason
            .contains("already a lead in this campaign")
    );
}

#[tokio::test]
async fn numbers_on_the_tenants_list_are_imported_as_do_not_call() {
    let s = setup().await;
    let listed = PhoneNumber::parse("8134893201", Country::US).unwrap();
    dnc::add(
        &mut s.db.store.conn().await.unwrap(),
        s.campaign.tenant_id,
        &[listed],
        &ORIGIN,
        NOW,
    )
    .await
    .unwrap();
    let report = s.import(b"phone\n8134893201\n8134893202\n").await.unwrap();
    assert_eq!((report.counts.imported, report.counts.do_not_call), (2, 1));
    let mut conn = s.db.store.conn().await.unwrap();
    let (flagged, _) = leads::list(
        &mut conn,
        s.campaign.tenant_id,
        &LeadFilter {
            do_not_call: Some(true),
            limit: 5,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        flagged.iter().map(|l| l.phone.as_str()).collect::<Vec<_>>(),
        vec!["+18134893201"]
    );
}

#[tokio::test]
async fn windows_1252_german_names_and_semicolons_import_correctly() {
    let s = setup().await;
    let report = s
        .import(b"Vorname;Nachname;Telefon;Land\nJ\xFCrgen;Gro\xDFmann;030 1234567;DE\n")
        .await
        .unwrap();
    assert_eq!(report.encoding, "windows-1252");
    assert_eq!(report.delimiter, ";");
    assert_eq!(report.counts.imported, 1);
    let mut conn = s.db.store.conn().await.unwrap();
    let (rows, _) = leads::list(
        &mut conn,
        s.campaign.tenant_id,
        &LeadFilter {
            limit: 5,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (rows[0].first_name.as_str(), rows[0].last_name.as_str()),
        ("Jürgen", "Großmann")
    );
}

#[tokio::test]
async fn utf8_with_a_bom_imports_correctly() {
    let s = setup().await;
    let report = s
        .import("\u{feff}Phone Number,Full Name\n8134893222,Zoë Ärger\n".as_bytes())
        .await
        .unwrap();
    assert_eq!(report.counts.imported, 1);
    let mut conn = s.db.store.conn().await.unwrap();
    let (rows, _) = leads::list(
        &mut conn,
        s.campaign.tenant_id,
        &LeadFilter {
            limit: 5,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(rows[0].first_name, "Zoë");
}

#[tokio::test]
async fn a_file_without_a_phone_column_stores_nothing() {
    let s = setup().await;
    let err = s
        .import(b"name,email\nA,a@example.com\n")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no phone column"), "{err}");
    s.assert_nothing_stored().await;
}

#[tokio::test]
async fn a_spreadsheet_or_binary_file_stores_nothing() {
    let s = setup().await;
    assert!(matches!(
        s.import(b"PK\x03\x04\x14\0\x06\0").await,
        Err(ImportError::NotCsv(_))
    ));
    assert!(matches!(
        s.import(b"\x00\x01\x02phone").await,
        Err(ImportError::NotCsv(_))
    ));
    assert!(matches!(s.import(b"").await, Err(ImportError::Header(_))));
    s.assert_nothing_stored().await;
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused() {
    let s = setup().await;
    let path = s.file("big.csv", &vec![b'1'; 2_000]);
    let err = import_leads(
        &s.db.store,
        &s.campaign,
        path,
        ImportOptions {
            max_bytes: 1_000,
            ..opts()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ImportError::TooLarge { .. }));
    s.assert_nothing_stored().await;
}

/// 3,000 good rows (three stored batches), then an unclosed quote that swallows the rest.
#[tokio::test]
async fn a_broken_row_after_stored_batches_rolls_everything_back() {
    let s = setup().await;
    let mut body = b"phone,first_name\n".to_vec();
    for i in 0..3_000 {
        body.extend_from_slice(format!("+1813{:07},Name\n", 2_000_000 + i).as_bytes());
    }
    body.extend_from_slice(b"+18139999999,\"Caf");
    body.extend(std::iter::repeat_n(b'x', 120_000));
    let err = s.import(&body).await.unwrap_err();
    assert!(
        matches!(err, ImportError::Malformed { line: 3002, .. }),
        "{err:?}"
    );
    s.assert_nothing_stored().await;
}

/// A Latin-1 byte past the first 64 KB still makes the whole file Windows-1252.
#[tokio::test]
async fn a_late_latin1_name_is_read_correctly() {
    let s = setup().await;
    let mut body = b"phone,first_name\n".to_vec();
    for i in 0..5_000 {
        body.extend_from_slice(format!("+1813{:07},Name\n", 2_000_000 + i).as_bytes());
    }
    body.extend_from_slice(b"+18139999999,Ren\xE9e\n");
    let report = s.import(&body).await.unwrap();
    assert_eq!(
        (report.encoding.as_str(), report.counts.imported),
        ("windows-1252", 5_001)
    );
    let mut conn = s.db.store.conn().await.unwrap();
    let (rows, _) = leads::list(
        &mut conn,
        s.campaign.tenant_id,
        &LeadFilter {
            search: Some("renée".into()),
            limit: 5,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(rows.len(), 1);
}

#[tokio::test]
async fn an_unclosed_quote_is_reported_not_swallowed() {
    let s = setup().await;
    let mut body = b"phone,notes\n8134893222,\"never closed\n".to_vec();
    body.extend(std::iter::repeat_n(b'x', 120_000));
    let err = s.import(&body).await.unwrap_err();
    assert!(err.to_string().contains("quote"), "{err}");
    s.assert_nothing_stored().await;
}

#[tokio::test]
async fn a_row_with_extra_fields_is_rejected_not_shifted() {
    let s = setup().await;
    let report = s
        .import(b"phone,first_name\n8134893222,Smith, John\n8134893223,Ann\n")
        .await
        .unwrap();
    assert_eq!(report.counts.imported, 1);
    assert!(
        report.rejected_rows[0]
            .reason
            .contains("3 fields but the header has 2")
    );
}

#[tokio::test]
async fn inline_rejections_are_capped_but_all_are_stored() {
    let s = setup().await;
    let mut body = b"phone\n".to_vec();
    for _ in 0..150 {
        body.extend_from_slice(b"nope\n");
    }
    let report = s.import(&body).await.unwrap();
    assert_eq!(report.counts.rejected, 150);
    assert_eq!(report.rejected_rows.len(), 100);
    assert!(report.rejected_rows_truncated);
    let stored = imports::rejections(
        &mut s.db.store.conn().await.unwrap(),
        report.import_id,
        0,
        1000,
    )
    .await
    .unwrap();
    assert_eq!(stored.len(), 150);
}

#[tokio::test]
async fn a_header_only_file_records_an_empty_import() {
    let s = setup().await;
    let report = s.import(b"phone,name\n").await.unwrap();
    assert_eq!(report.counts.rows_read, 0);
    assert_eq!(s.import_count().await, 1);
}

#[tokio::test]
async fn dnc_files_accept_both_registry_formats_and_report_bad_lines() {
    let s = setup().await;
    s.import(b"phone\n8134893222\n").await.unwrap();
    let file = b"phone\n8134893222\n813,4893223\n+49 30 1234567\n\nnot-a-number 12\n8134893222\n";
    let report = import_dnc_file(
        &s.db.store,
        s.campaign.tenant_id,
        std::io::Cursor::new(&file[..]),
        Country::US,
        &ORIGIN,
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(report.lines_read, 7);
    assert_eq!(report.added, 3);
    assert_eq!(report.leads_marked, 1);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].line, 6);
    let again = import_dnc_file(
        &s.db.store,
        s.campaign.tenant_id,
        std::io::Cursor::new(&b"8134893222\n"[..]),
        Country::US,
        &ORIGIN,
        NOW,
    )
    .await
    .unwrap();
    assert_eq!((again.added, again.already_listed), (0, 1));
}

#[tokio::test]
async fn dnc_files_that_are_not_text_are_refused_and_add_nothing() {
    let s = setup().await;
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let utf32 = utf32_with_bom("8134893222\n");
    for (what, file) in [
        (
            "a PDF",
            b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n8134893222\n".to_vec(),
        ),
        ("binary junk", junk),
        ("UTF-32", utf32),
    ] {
        let err = s.import_dnc(file).await.unwrap_err();
        assert!(matches!(err, ImportError::NotCsv(_)), "{what}: {err:?}");
    }
    let listed = outdial_storage::dnc::listed_among(
        &mut s.db.store.conn().await.unwrap(),
        s.campaign.tenant_id,
        &["+18134893222"],
    )
    .await
    .unwrap();
    assert!(listed.is_empty(), "nothing was listed");
}

#[tokio::test]
async fn dnc_files_in_utf16_are_read_and_lines_with_control_characters_are_reported() {
    let s = setup().await;
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "phone\n8134893222\n"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        )
        .collect();
    let report = s.import_dnc(utf16).await.unwrap();
    assert_eq!(report.added, 1);
    let report = s
        .import_dnc(b"8134893223\n813489\x1b3224\n"[..].to_vec())
        .await
        .unwrap();
    assert_eq!(report.added, 1);
    assert_eq!(report.rejected.len(), 1);
    assert!(
        report.rejected[0].reason.contains("U+001B"),
        "{:?}",
        report.rejected
    );
}

#[tokio::test]
async fn a_lead_row_with_a_nul_is_rejected_and_kept_readable_and_utf32_is_refused() {
    let s = setup().await;
    let report = s
        .import(b"first_name,phone\nAda,8134893222\nNu\x00l,8134893223\n")
        .await;
    // A NUL in the sample is taken for a binary file.
    assert!(matches!(report, Err(ImportError::NotCsv(_))), "{report:?}");
    let mut big = b"first_name,phone\n".to_vec();
    for i in 0..5000 {
        big.extend_from_slice(format!("Lead{i},81348{:05}\n", 10000 + i).as_bytes());
    }
    big.extend_from_slice(b"Nu\x00l,8134893223\n");
    let report = s.import(&big).await.unwrap();
    assert_eq!(report.counts.imported, 5000);
    let rejected: Vec<_> = report
        .rejected_rows
        .iter()
        .filter(|r| r.reason.contains("U+0000"))
        .collect();
    assert_eq!(rejected.len(), 1, "{:?}", report.rejected_rows);
    assert!(
        rejected[0].raw.contains('\u{FFFD}'),
        "kept without the NUL: {:?}",
        rejected[0].raw
    );
    let utf32 = utf32_with_bom("first_name,phone\nAda,8134893222\n");
    assert!(matches!(
        s.import(&utf32).await,
        Err(ImportError::NotCsv(_))
    ));
}

/// `text` as UTF-32 (little-endian) with its byte-order mark: a file Outdial refuses.
fn utf32_with_bom(text: &str) -> Vec<u8> {
    [0xFF, 0xFE, 0, 0]
        .into_iter()
        .chain(text.chars().flat_map(|c| (c as u32).to_le_bytes()))
        .collect()
}
