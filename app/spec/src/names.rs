//! Kubernetes object-name rules, as the apiserver enforces them
//! (`k8s.io/apimachinery/pkg/util/validation`). Lengths are in bytes, like
//! Kubernetes; any non-ASCII character is simply an invalid character.

use crate::error::Problem;

/// Maximum length of a DNS-1123 / DNS-1035 label.
pub const LABEL_MAX_LEN: usize = 63;

/// A DNS-1123 label (namespaces, most names): lowercase ASCII letters, digits
/// and '-', starting and ending with a letter or digit, 1–63 characters.
pub fn check_dns1123_label(value: &str) -> Result<(), Problem> {
    check_label(value, LABEL_MAX_LEN, false)
}

/// A DNS-1035 label (Service names): like DNS-1123, but must start with a letter.
pub fn check_dns1035_label(value: &str) -> Result<(), Problem> {
    check_label(value, LABEL_MAX_LEN, true)
}

/// Lowercase letters, digits and '-', not starting or ending with '-', at
/// most `max` bytes: the shape shared by DNS labels and IANA service names.
pub(crate) fn check_label(
    value: &str,
    max: usize,
    must_start_with_letter: bool,
) -> Result<(), Problem> {
    if value.is_empty() {
        return Err(Problem::Required);
    }
    if value.len() > max {
        return Err(Problem::TooLong {
            max,
            actual: value.len(),
        });
    }
    // Report the first offending character so the user knows what to change.
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(if bad.is_ascii_uppercase() {
            Problem::Uppercase
        } else {
            Problem::InvalidChar(bad)
        });
    }
    let first = value.as_bytes()[0];
    if must_start_with_letter && !first.is_ascii_lowercase() {
        return Err(Problem::MustStartWithLetter);
    }
    if first == b'-' {
        return Err(Problem::MustStartWithAlphanumeric);
    }
    if value.ends_with('-') {
        return Err(Problem::MustEndWithAlphanumeric);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_names() {
        for ok in ["a", "dev", "team-a", "a1", "1a", "0", "x-y-z-9"] {
            assert_eq!(check_dns1123_label(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn empty_is_required() {
        assert_eq!(check_dns1123_label(""), Err(Problem::Required));
        assert_eq!(check_dns1035_label(""), Err(Problem::Required));
    }

    #[test]
    fn sixty_three_is_the_limit() {
        let max = "a".repeat(63);
        assert_eq!(check_dns1123_label(&max), Ok(()));
        let over = "a".repeat(64);
        assert_eq!(
            check_dns1123_label(&over),
            Err(Problem::TooLong {
                max: 63,
                actual: 64
            })
        );
        assert_eq!(
            check_dns1035_label(&over),
            Err(Problem::TooLong {
                max: 63,
                actual: 64
            })
        );
    }

    #[test]
    fn upper_case_is_named_as_such() {
        assert_eq!(check_dns1123_label("Dev"), Err(Problem::Uppercase));
        assert_eq!(check_dns1123_label("deV"), Err(Problem::Uppercase));
    }

    #[test]
    fn leading_and_trailing_dash() {
        assert_eq!(
            check_dns1123_label("-dev"),
            Err(Problem::MustStartWithAlphanumeric)
        );
        assert_eq!(
            check_dns1123_label("dev-"),
            Err(Problem::MustEndWithAlphanumeric)
        );
        assert_eq!(
            check_dns1123_label("-"),
            Err(Problem::MustStartWithAlphanumeric)
        );
    }

    #[test]
    fn other_characters() {
        assert_eq!(check_dns1123_label("a_b"), Err(Problem::InvalidChar('_')));
        assert_eq!(check_dns1123_label("a.b"), Err(Problem::InvalidChar('.')));
        assert_eq!(check_dns1123_label("a b"), Err(Problem::InvalidChar(' ')));
    }

    #[test]
    fn unicode_is_rejected_and_counted_in_bytes() {
        assert_eq!(check_dns1123_label("空间"), Err(Problem::InvalidChar('空')));
        assert_eq!(check_dns1123_label("café"), Err(Problem::InvalidChar('é')));
        // 21 three-byte characters = 63 bytes: length passes, characters do not.
        assert_eq!(
            check_dns1123_label(&"空".repeat(21)),
            Err(Problem::InvalidChar('空'))
        );
        // 22 of them are 66 bytes: too long first, as the apiserver says.
        assert!(matches!(
            check_dns1123_label(&"空".repeat(22)),
            Err(Problem::TooLong { actual: 66, .. })
        ));
    }

    #[test]
    fn dns1035_must_start_with_a_letter() {
        assert_eq!(check_dns1035_label("web"), Ok(()));
        assert_eq!(
            check_dns1035_label("1web"),
            Err(Problem::MustStartWithLetter)
        );
        assert_eq!(
            check_dns1035_label("-web"),
            Err(Problem::MustStartWithLetter)
        );
        assert_eq!(check_dns1123_label("1web"), Ok(()));
    }
}
