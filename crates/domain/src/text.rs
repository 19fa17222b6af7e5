//! What text may hold. Control characters (NUL, escape, …) have no place in a name, a note or a
//! message: PostgreSQL refuses NUL outright and nobody types the others, so they are refused where
//! text enters, the same on every database. Tab and line breaks are text.

/// The first control character in `text`, other than tab and line breaks.
pub fn control_character(text: &str) -> Option<char> {
    text.chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// `text` with every control character but tab and line breaks replaced by U+FFFD, for keeping
/// a refused value where it can be read (a rejected import row).
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_and_escape_are_control_characters_tab_and_newline_are_text() {
        assert_eq!(control_character("a\u{0}b"), Some('\u{0}'));
        assert_eq!(control_character("\u{1b}[31m"), Some('\u{1b}'));
        assert_eq!(control_character("line\none\tcell\r\n"), None);
        assert_eq!(control_character("Müller"), None);
        assert_eq!(printable("a\u{0}b\n"), "a\u{FFFD}b\n");
    }
}
