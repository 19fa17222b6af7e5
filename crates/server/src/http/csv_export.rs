//! CSV for spreadsheets, safe against formula injection: a cell that starts with `=`, `+`, `-`,
//! `@`, tab or carriage return is prefixed with `'` so spreadsheet software shows it as text.

/// Makes one cell safe to open in a spreadsheet.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// Writes rows (header first) as CSV text.
pub fn to_csv(rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        let _ = w.write_record(row.iter().map(|c| neutralise(c).into_owned()));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_plain_text_is_not() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+18135550123"), "'+18135550123");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("Smith"), "Smith");
        assert_eq!(
            to_csv(vec![vec!["a,b".into(), "-1".into()]]),
            "\"a,b\",'-1\n"
        );
    }
}
