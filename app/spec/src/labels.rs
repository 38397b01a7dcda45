//! Label and annotation rules (`k8s.io/apimachinery/pkg/util/validation`):
//! qualified names for keys, label values, DNS-1123 subdomains, IANA service
//! names (named ports).

use crate::error::Problem;

const NAME_PART_MAX: usize = 63;
const SUBDOMAIN_MAX: usize = 253;
const IANA_SVC_NAME_MAX: usize = 15;

fn is_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`, at most 63: the name part of a
/// key, and any non-empty label value.
fn check_name_part(value: &str) -> Result<(), Problem> {
    if value.is_empty() {
        return Err(Problem::Required);
    }
    if value.len() > NAME_PART_MAX {
        return Err(Problem::TooLong {
            max: NAME_PART_MAX,
            actual: value.len(),
        });
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(is_alnum(*c) || matches!(c, '-' | '_' | '.')))
    {
        return Err(Problem::InvalidChar(bad));
    }
    if !value.starts_with(is_alnum) {
        return Err(Problem::MustStartWithAlphanumeric);
    }
    if !value.ends_with(is_alnum) {
        return Err(Problem::MustEndWithAlphanumeric);
    }
    Ok(())
}

/// A DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253.
pub fn check_dns1123_subdomain(value: &str) -> Result<(), Problem> {
    if value.is_empty() {
        return Err(Problem::Required);
    }
    if value.len() > SUBDOMAIN_MAX {
        return Err(Problem::TooLong {
            max: SUBDOMAIN_MAX,
            actual: value.len(),
        });
    }
    for part in value.split('.') {
        match crate::names::check_dns1123_label(part) {
            Ok(()) => {}
            // An empty part is a stray dot: name the dot.
            Err(Problem::Required) => return Err(Problem::InvalidChar('.')),
            // Parts are at most 63 too; report the subdomain's own limit only.
            Err(Problem::TooLong { .. }) => {
                return Err(Problem::TooLong {
                    max: NAME_PART_MAX,
                    actual: part.len(),
                });
            }
            Err(p) => return Err(p),
        }
    }
    Ok(())
}

/// A label or annotation key: `[prefix/]name`, the prefix a DNS-1123
/// subdomain, the name as [`check_name_part`].
pub fn check_qualified_name(key: &str) -> Result<(), Problem> {
    match key.split_once('/') {
        Some((prefix, name)) => {
            if prefix.is_empty() {
                return Err(Problem::MustStartWithAlphanumeric);
            }
            check_dns1123_subdomain(prefix)?;
            check_name_part(name)
        }
        None => check_name_part(key),
    }
}

/// A label value: empty, or [`check_name_part`].
pub fn check_label_value(value: &str) -> Result<(), Problem> {
    if value.is_empty() {
        Ok(())
    } else {
        check_name_part(value)
    }
}

/// A named port (IANA service name): 1–15 lowercase letters, digits and '-',
/// at least one letter, no leading, trailing or doubled '-'.
pub fn check_iana_svc_name(value: &str) -> Result<(), Problem> {
    crate::names::check_label(value, IANA_SVC_NAME_MAX, false)?;
    if value.contains("--") {
        return Err(Problem::InvalidChar('-'));
    }
    if !value.chars().any(|c| c.is_ascii_lowercase()) {
        return Err(Problem::NeedsALetter);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_names() {
        for ok in [
            "app",
            "app.kubernetes.io/name",
            "a",
            "A_b.c-9",
            "example.com/X",
        ] {
            assert_eq!(check_qualified_name(ok), Ok(()), "{ok}");
        }
        assert_eq!(check_qualified_name(""), Err(Problem::Required));
        assert_eq!(
            check_qualified_name("my key"),
            Err(Problem::InvalidChar(' '))
        );
        assert_eq!(
            check_qualified_name("-a"),
            Err(Problem::MustStartWithAlphanumeric)
        );
        assert_eq!(
            check_qualified_name("a."),
            Err(Problem::MustEndWithAlphanumeric)
        );
        assert_eq!(
            check_qualified_name("/a"),
            Err(Problem::MustStartWithAlphanumeric)
        );
        assert_eq!(
            check_qualified_name("Example.com/a"),
            Err(Problem::Uppercase)
        );
        assert_eq!(
            check_qualified_name("a..b/c"),
            Err(Problem::InvalidChar('.'))
        );
        assert_eq!(check_qualified_name("a/"), Err(Problem::Required));
        assert!(matches!(
            check_qualified_name(&"k".repeat(64)),
            Err(Problem::TooLong { max: 63, .. })
        ));
        assert_eq!(check_qualified_name(&"k".repeat(63)), Ok(()));
    }

    #[test]
    fn label_values() {
        assert_eq!(check_label_value(""), Ok(()));
        assert_eq!(check_label_value("v1.2_3-x"), Ok(()));
        assert_eq!(check_label_value("a b"), Err(Problem::InvalidChar(' ')));
        assert_eq!(check_label_value("值"), Err(Problem::InvalidChar('值')));
    }

    #[test]
    fn subdomains() {
        assert_eq!(check_dns1123_subdomain("example.invalid"), Ok(()));
        assert_eq!(check_dns1123_subdomain("db.prod.svc.cluster.local"), Ok(()));
        assert_eq!(
            check_dns1123_subdomain("a..b"),
            Err(Problem::InvalidChar('.'))
        );
        assert_eq!(
            check_dns1123_subdomain("Example.com"),
            Err(Problem::Uppercase)
        );
        let long = vec!["a".repeat(63); 4].join("."); // 255
        assert!(matches!(
            check_dns1123_subdomain(&long),
            Err(Problem::TooLong { max: 253, .. })
        ));
    }

    #[test]
    fn named_ports() {
        for ok in ["http", "grpc-web", "h2c", "a1"] {
            assert_eq!(check_iana_svc_name(ok), Ok(()), "{ok}");
        }
        assert_eq!(check_iana_svc_name("8080"), Err(Problem::NeedsALetter));
        assert_eq!(check_iana_svc_name("a--b"), Err(Problem::InvalidChar('-')));
        assert_eq!(check_iana_svc_name("HTTP"), Err(Problem::Uppercase));
        assert!(matches!(
            check_iana_svc_name("abcdefghijklmnop"),
            Err(Problem::TooLong { max: 15, .. })
        ));
    }
}
