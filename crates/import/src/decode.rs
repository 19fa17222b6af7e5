//! Recognising what kind of text a file holds: binary or text, its encoding and its delimiter.

use crate::ImportError;
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use std::io::Read;

/// How many bytes are examined to decide.
const SAMPLE_BYTES: usize = 64 * 1024;

/// What the start of a file says about how to read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    /// The text encoding.
    pub encoding: &'static Encoding,
    /// Bytes of byte-order mark to skip (UTF-8 only; encoding_rs handles UTF-16's).
    pub bom_len: usize,
    /// The field separator: `,`, `;` or tab.
    pub delimiter: u8,
}

/// Reads `reader` and decides how to read it, refusing files that are not text. The start
/// decides binary or text, byte-order marks and the delimiter; the whole file is checked for
/// UTF-8, so a Latin-1 `é` deep in a list still switches the file to Windows-1252.
pub fn sniff(reader: &mut impl Read) -> Result<Sniffed, ImportError> {
    let mut sample = Vec::with_capacity(SAMPLE_BYTES);
    reader.take(SAMPLE_BYTES as u64).read_to_end(&mut sample)?;
    if sample.starts_with(b"PK\x03\x04") || sample.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(ImportError::NotCsv(
            "this is an Excel workbook, not a CSV file; in Excel choose File > Save As > CSV UTF-8 and upload that".into(),
        ));
    }
    if sample.starts_with(b"%PDF") {
        return Err(ImportError::NotCsv(
            "this is a PDF, not a CSV file; export the list as CSV".into(),
        ));
    }
    if sample.starts_with(&[0xFF, 0xFE, 0, 0]) || sample.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(ImportError::NotCsv(
            "this file is UTF-32 text, which Outdial does not read; save it as CSV UTF-8 and upload that".into(),
        ));
    }
    let (encoding, bom_len) = if sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
        (UTF_8, 3)
    } else if sample.starts_with(&[0xFF, 0xFE]) {
        (UTF_16LE, 0)
    } else if sample.starts_with(&[0xFE, 0xFF]) {
        (UTF_16BE, 0)
    } else if sample.contains(&0) {
        return Err(ImportError::NotCsv(
            "the file contains binary data, not text; upload a CSV file".into(),
        ));
    } else {
        match first_non_utf8(&sample, reader)? {
            None => (UTF_8, 0),
            Some(context) => {
                let mut detector =
                    chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
                detector.feed(&sample, false);
                detector.feed(&context, true);
                (detector.guess(None, chardetng::Utf8Detection::Deny), 0)
            }
        }
    };
    let (text, _, _) = encoding.decode(&sample[bom_len..]);
    let delimiter = guess_delimiter(&text);
    Ok(Sniffed {
        encoding,
        bom_len,
        delimiter,
    })
}

/// `reader` as UTF-8 text: a UTF-8 file past its byte-order mark, anything else decoded from
/// the sniffed encoding.
pub fn decoded<'a>(
    reader: impl Read + 'a,
    sniffed: Sniffed,
) -> std::io::Result<Box<dyn Read + 'a>> {
    if sniffed.encoding == UTF_8 {
        let mut r = std::io::BufReader::with_capacity(256 * 1024, reader);
        std::io::copy(
            &mut (&mut r).take(sniffed.bom_len as u64),
            &mut std::io::sink(),
        )?;
        Ok(Box::new(r))
    } else {
        Ok(Box::new(std::io::BufReader::with_capacity(
            256 * 1024,
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(sniffed.encoding))
                .build(reader),
        )))
    }
}

/// Streams the sample and then the rest of the file through a UTF-8 check. `None` when all of
/// it is UTF-8; otherwise the bytes around the first invalid sequence, for the detector.
fn first_non_utf8(sample: &[u8], rest: &mut impl Read) -> Result<Option<Vec<u8>>, ImportError> {
    let mut carry: Vec<u8> = Vec::new();
    let mut chunk = sample.to_vec();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let mut data = std::mem::take(&mut carry);
        data.extend_from_slice(&chunk);
        let at_end = chunk.is_empty();
        match std::str::from_utf8(&data) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() && !at_end => {
                carry = data[e.valid_up_to()..].to_vec()
            }
            Err(e) => {
                let start = e.valid_up_to().saturating_sub(4096);
                let end = (e.valid_up_to() + 4096).min(data.len());
                return Ok(Some(data[start..end].to_vec()));
            }
        }
        if at_end {
            return Ok(None);
        }
        let n = rest.read(&mut buf)?;
        chunk = buf[..n].to_vec();
    }
}

/// The separator used most in the header line, outside quotes. Comma when tied or absent.
fn guess_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let (mut comma, mut semi, mut tab, mut quoted) = (0, 0, 0, false);
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => comma += 1,
            ';' if !quoted => semi += 1,
            '\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if tab > comma && tab >= semi {
        b'\t'
    } else if semi > comma {
        b';'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff_bytes(b: &[u8]) -> Result<Sniffed, ImportError> {
        sniff(&mut std::io::Cursor::new(b.to_vec()))
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            sniff_bytes(b"phone\n1").unwrap(),
            Sniffed {
                encoding: UTF_8,
                bom_len: 0,
                delimiter: b','
            }
        );
        assert_eq!(sniff_bytes(b"\xEF\xBB\xBFphone\n1").unwrap().bom_len, 3);
    }

    #[test]
    fn latin1_german_names_are_windows_1252() {
        let s = sniff_bytes(b"name;phone\nJ\xFCrgen M\xFCller;030 1234567\nGro\xDFe;030 7654321\n")
            .unwrap();
        assert_eq!(s.encoding.name(), "windows-1252");
        assert_eq!(s.delimiter, b';');
    }

    #[test]
    fn a_latin1_byte_far_past_the_sample_still_decides_the_encoding() {
        let mut body = b"name,phone\n".to_vec();
        while body.len() < 3 * SAMPLE_BYTES {
            body.extend_from_slice(b"Anna,8134893222\n");
        }
        body.extend_from_slice(b"Ren\xE9e,8134893223\n");
        assert_eq!(sniff_bytes(&body).unwrap().encoding.name(), "windows-1252");
        body.truncate(body.len() - 17);
        assert_eq!(sniff_bytes(&body).unwrap().encoding, UTF_8);
    }

    #[test]
    fn a_utf8_character_split_across_reads_is_still_utf8() {
        let mut body = vec![b'a'; SAMPLE_BYTES - 1];
        body.extend_from_slice("é,phone\n".as_bytes());
        assert_eq!(sniff_bytes(&body).unwrap().encoding, UTF_8);
    }

    #[test]
    fn utf16_exports_are_recognised() {
        assert_eq!(sniff_bytes(b"\xFF\xFEp\0h\0").unwrap().encoding, UTF_16LE);
    }

    #[test]
    fn spreadsheets_and_binaries_are_refused_with_advice() {
        assert!(
            sniff_bytes(b"PK\x03\x04rest")
                .unwrap_err()
                .to_string()
                .contains("Save As > CSV")
        );
        assert!(
            sniff_bytes(b"%PDF-1.7")
                .unwrap_err()
                .to_string()
                .contains("PDF")
        );
        assert!(matches!(
            sniff_bytes(b"a\0b\0c"),
            Err(ImportError::NotCsv(_))
        ));
    }

    #[test]
    fn tabs_and_quoted_commas() {
        assert_eq!(guess_delimiter("a\tb\tc"), b'\t');
        assert_eq!(guess_delimiter("\"a,b\";c;d"), b';');
        assert_eq!(guess_delimiter("phone"), b',');
    }
}
