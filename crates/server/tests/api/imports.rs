use crate::helpers::*;
use outdial_domain::Role;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};

const MIXED: &str = "First Name,Last Name,Phone Number,Country,Notes\n\
John,Doe,8134893222,US,VIP\n\
Jane,Roe,12ab,US,\n\
Hans,Müller,030 1234567,DE,\n\
John,Again,(813) 489-3222,US,\n\
Evil,Cell,8134893299,Narnia,=HYPERLINK(\"http://x\")\n";

#[tokio::test]
async fn a_multipart_upload_reports_every_rejected_row_and_offers_them_as_csv() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Manager).await;
    let c = app.campaign(&m.token, "Import").await;
    let form = Form::new().part(
        "file",
        Part::bytes(MIXED.as_bytes().to_vec())
            .file_name("spring leads.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    let r = app
        .request(
            Method::POST,
            &format!("/api/v1/campaigns/{c}/imports"),
            Some(&m.token),
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, report) = read(r).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(
        (
            report["rows_read"].as_i64(),
            report["imported"].as_i64(),
            report["rejected"].as_i64(),
            report["duplicates"].as_i64()
        ),
        (Some(5), Some(2), Some(3), Some(1))
    );
    let lines: Vec<i64> = report["rejected_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, vec![3, 5, 6]);
    assert!(
        report["rejected_rows"][2]["reason"]
            .as_str()
            .unwrap()
            .contains("unknown country 'Narnia'")
    );

    let id = report["import_id"].as_i64().unwrap();
    let (_, record) = app.get(&format!("/api/v1/imports/{id}"), &m.token).await;
    assert_eq!(
        (record["filename"].as_str(), record["imported"].as_i64()),
        (Some("spring leads.csv"), Some(2))
    );
    let csv = app
        .request(
            Method::GET,
            report["rejections_csv"].as_str().unwrap(),
            Some(&m.token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    assert!(
        text.starts_with("line,kind,reason,phone,row\n3,invalid_phone,"),
        "{text}"
    );
    assert!(
        text.contains("'=HYPERLINK") || !text.contains(",=HYPERLINK"),
        "formulas are neutralised: {text}"
    );
    assert!(
        !text.contains("\n=") && !text.contains(",=HYPERLINK"),
        "{text}"
    );
    let (_, page) = app
        .get(
            &format!("/api/v1/imports/{id}/rejections?limit=2"),
            &m.token,
        )
        .await;
    assert_eq!(page["next_cursor"], 5);
    let (_, leads) = app
        .get(&format!("/api/v1/leads?campaign_id={c}&q=müller"), &m.token)
        .await;
    assert_eq!(leads["items"][0]["phone"], "+49301234567");
}

#[tokio::test]
async fn bad_files_get_a_clear_4xx_and_store_nothing() {
    let app = spawn_with(|c| c.with("import.max_file_mb", 1).unwrap()).await;
    let m = app.member("Acme", Role::Manager).await;
    let c = app.campaign(&m.token, "Strict").await;
    let path = format!("/api/v1/campaigns/{c}/imports");
    let upload = |ct: &'static str, body: Vec<u8>| {
        app.request(Method::POST, &path, Some(&m.token))
            .header("content-type", ct)
            .body(body)
            .send()
    };

    let (status, body) = read(
        upload("text/csv", b"PK\x03\x04excel".to_vec())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(error_message(&body, "unsupported_media_type").contains("CSV"));
    let (status, body) = read(
        upload("text/csv", b"name,email\nA,a@b.test\n".to_vec())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_message(&body, "validation_failed").contains("no phone column"));
    let (status, _) = read(upload("text/csv", Vec::new()).await.unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut big = b"phone\n".to_vec();
    big.extend(std::iter::repeat_n(b"8134893222\n".as_slice(), 100_000).flatten());
    let (status, body) = read(upload("text/csv", big).await.unwrap()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(error_message(&body, "payload_too_large").contains("1 MB"));
    let (status, _) = read(upload("application/pdf", b"%PDF".to_vec()).await.unwrap()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let form = Form::new().text("note", "no file here");
    let (status, _) = read(
        app.request(Method::POST, &path, Some(&m.token))
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (_, leads) = app.get("/api/v1/leads", &m.token).await;
    assert_eq!(leads["total"], 0);
    let (_, imports) = app.get("/api/v1/imports", &m.token).await;
    assert_eq!(imports.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_latin1_file_with_semicolons_imports_german_names_correctly() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Manager).await;
    let c = app.campaign(&m.token, "Deutsch").await;
    let body = b"Vorname;Nachname;Telefon;Land\nJ\xFCrgen;Gro\xDFmann;030 1234567;DE\n".to_vec();
    let r = app
        .request(
            Method::POST,
            &format!("/api/v1/campaigns/{c}/imports?filename=kunden.csv"),
            Some(&m.token),
        )
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    let (status, report) = read(r).await;
    assert_eq!(
        (
            status,
            report["encoding"].as_str(),
            report["imported"].as_i64()
        ),
        (StatusCode::CREATED, Some("windows-1252"), Some(1))
    );
    let (_, leads) = app
        .get(&format!("/api/v1/leads?campaign_id={c}"), &m.token)
        .await;
    assert_eq!(
        (
            leads["items"][0]["first_name"].as_str(),
            leads["items"][0]["last_name"].as_str()
        ),
        (Some("Jürgen"), Some("Großmann"))
    );
}

#[tokio::test]
async fn the_template_downloads_without_login_and_imports_cleanly() {
    let app = spawn_app().await;
    let template = app
        .request(Method::GET, "/api/v1/leads/template.csv", None)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        template.starts_with("first_name,last_name,phone,country,type,priority,do_not_call,notes")
    );
    let m = app.member("Acme", Role::Manager).await;
    let c = app.campaign(&m.token, "Template").await;
    let (status, report) = app.import_csv(&m.token, c, &template).await;
    assert_eq!(
        (
            status,
            report["imported"].as_i64(),
            report["rejected"].as_i64()
        ),
        (StatusCode::CREATED, Some(1), Some(0))
    );
}
