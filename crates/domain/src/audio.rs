//! Recordings a campaign may play: MP3 or WAV, told apart by their first bytes (a name or a
//! content type can lie, and the carrier plays only what it recognises).

/// An audio format the carrier plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioFormat {
    /// MPEG audio layer III.
    Mp3,
    /// RIFF WAVE.
    Wav,
}

impl AudioFormat {
    /// The format of a file starting with `head`, if it is one the carrier plays.
    pub fn sniff(head: &[u8]) -> Option<AudioFormat> {
        if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WAVE" {
            return Some(AudioFormat::Wav);
        }
        // An ID3 tag, or straight into an MPEG frame (11 sync bits, layer III).
        if head.starts_with(b"ID3")
            || (head.len() >= 2
                && head[0] == 0xFF
                && head[1] & 0xE0 == 0xE0
                && head[1] & 0x06 == 0x02)
        {
            return Some(AudioFormat::Mp3);
        }
        None
    }

    /// Its content type.
    pub fn content_type(self) -> &'static str {
        match self {
            AudioFormat::Mp3 => "audio/mpeg",
            AudioFormat::Wav => "audio/wav",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mp3_and_wav_are_told_by_their_first_bytes() {
        assert_eq!(
            AudioFormat::sniff(b"ID3\x04\x00rest"),
            Some(AudioFormat::Mp3)
        );
        assert_eq!(
            AudioFormat::sniff(&[0xFF, 0xFB, 0x90, 0x64]),
            Some(AudioFormat::Mp3)
        );
        assert_eq!(
            AudioFormat::sniff(b"RIFF\x24\x08\x00\x00WAVEfmt "),
            Some(AudioFormat::Wav)
        );
        assert_eq!(AudioFormat::sniff(b"%PDF-1.7"), None);
        assert_eq!(AudioFormat::sniff(b"first_name,phone"), None);
        assert_eq!(AudioFormat::sniff(b""), None);
        // AAC in ADTS has the sync bits but layer 00: not MP3.
        assert_eq!(AudioFormat::sniff(&[0xFF, 0xF1, 0x50, 0x80]), None);
    }
}
