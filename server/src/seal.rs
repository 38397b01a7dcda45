//! Sealed session cookies: what a session needs (its credential, user,
//! times) encrypted and authenticated into the cookie itself, so any
//! replica, and a restarted one, can read it and nothing else can.
//!
//! Sealing is the `cookie` crate's private jar (AES-256-GCM, the cookie's
//! name as associated data). Keys come from one file shared by the
//! replicas (a Kubernetes Secret): one base64 key per line, at least 32
//! random bytes each; the first seals, every one opens, so a key is
//! rotated by putting a new one first, rolling out, and later dropping the
//! old one. A sealed value longer than one cookie may hold is split into
//! numbered cookies (`wharf_session`, `wharf_session.1`, …): a client
//! certificate and its key do not fit in one.

use base64::Engine as _;
use cookie::{Cookie, CookieJar, Key};
use std::path::Path;

/// The most bytes of sealed value one cookie carries (browsers keep
/// 4096 bytes per cookie, name and attributes included).
const CHUNK_BYTES: usize = 3500;
/// The most cookies one session is split into.
pub const MAX_CHUNKS: usize = 4;

/// The keys sessions are sealed with. The first seals; all open.
#[derive(Clone)]
pub struct SessionKeys(Vec<Key>);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyFileError {
    #[error("the session key file has no key")]
    Empty,
    #[error("line {0} of the session key file is not base64")]
    NotBase64(usize),
    #[error("the key on line {0} of the session key file is shorter than 32 bytes")]
    TooShort(usize),
}

impl SessionKeys {
    /// One random key, for a single Wharf without a key file: its sessions
    /// end when it stops, and no other replica can read them.
    pub fn random() -> Self {
        Self(vec![Key::generate()])
    }

    /// Keys from the text of a key file: one base64 key per line (blank
    /// lines and `#` comments ignored).
    pub fn parse(text: &str) -> Result<Self, KeyFileError> {
        let mut keys = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(line)
                .map_err(|_| KeyFileError::NotBase64(number + 1))?;
            if bytes.len() < 32 {
                return Err(KeyFileError::TooShort(number + 1));
            }
            // The file's key is a master key: HKDF makes the 64 bytes the
            // jar needs from it.
            keys.push(Key::derive_from(&bytes));
        }
        if keys.is_empty() {
            return Err(KeyFileError::Empty);
        }
        Ok(Self(keys))
    }

    pub fn from_file(path: &Path) -> Result<Self, Box<dyn std::error::Error>> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the session key file {}: {e}", path.display()))?;
        Ok(Self::parse(&text)?)
    }

    /// `plain` sealed with the first key, as the values of the cookies
    /// named `name`, `name.1`, … in order.
    pub fn seal(&self, name: &str, plain: &str) -> Vec<String> {
        let mut jar = CookieJar::new();
        jar.private_mut(&self.0[0])
            .add(Cookie::new(name.to_owned(), plain.to_owned()));
        let sealed = jar
            .get(name)
            .map(|c| c.value().to_owned())
            .unwrap_or_default();
        sealed
            .as_bytes()
            .chunks(CHUNK_BYTES)
            // The sealed value is base64: every byte is a character.
            .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
            .collect()
    }

    /// The plain text of cookies sealed by any of the keys, given their
    /// values in order; `None` when forged, altered, sealed with a key no
    /// longer held, or cut short.
    pub fn open(&self, name: &str, chunks: &[&str]) -> Option<String> {
        let sealed: String = chunks.concat();
        if sealed.is_empty() {
            return None;
        }
        let cookie = Cookie::new(name.to_owned(), sealed);
        let mut jar = CookieJar::new();
        self.0.iter().find_map(|key| {
            jar.private_mut(key)
                .decrypt(cookie.clone())
                .map(|c| c.value().to_owned())
        })
    }
}

/// The name of the `index`th cookie of a session split into several.
pub fn chunk_name(name: &str, index: usize) -> String {
    if index == 0 {
        name.to_owned()
    } else {
        format!("{name}.{index}")
    }
}

/// The values of the cookies `name`, `name.1`, … of a request's `Cookie`
/// headers, in order, up to the first one missing.
pub fn chunks_of<'a>(headers: &'a http::HeaderMap, name: &str) -> Vec<&'a str> {
    let pairs: Vec<(&str, &str)> = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .collect();
    (0..MAX_CHUNKS)
        .map_while(|index| {
            let wanted = chunk_name(name, index);
            pairs
                .iter()
                .find(|(n, _)| *n == wanted)
                .map(|(_, value)| *value)
        })
        .collect()
}

/// A random id, `bytes` long, as hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    getrandom::getrandom(&mut buffer).expect("the OS has randomness");
    buffer.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, HeaderValue, header};

    fn key_line() -> String {
        base64::engine::general_purpose::STANDARD.encode([7u8; 32])
    }

    fn headers(cookies: &[(String, String)]) -> HeaderMap {
        let line = cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&line).unwrap());
        headers
    }

    #[test]
    fn a_sealed_value_opens_with_any_key_of_the_file_and_not_without() {
        let old = key_line();
        let new = base64::engine::general_purpose::STANDARD.encode([9u8; 40]);
        let before = SessionKeys::parse(&old).unwrap();
        let rotated = SessionKeys::parse(&format!("{new}\n# the old one\n{old}\n")).unwrap();
        let sealed = before.seal("s", "secret");
        let parts: Vec<&str> = sealed.iter().map(String::as_str).collect();
        assert!(!sealed.concat().contains("secret"));
        assert_eq!(rotated.open("s", &parts).as_deref(), Some("secret"));
        // Sealed with the new key: the old file cannot open it.
        let sealed = rotated.seal("s", "secret");
        let parts: Vec<&str> = sealed.iter().map(String::as_str).collect();
        assert_eq!(before.open("s", &parts), None);
        assert_eq!(SessionKeys::random().open("s", &parts), None);
        // The name is part of what is authenticated.
        assert_eq!(rotated.open("t", &parts), None);
    }

    #[test]
    fn an_altered_or_cut_value_does_not_open() {
        let keys = SessionKeys::parse(&key_line()).unwrap();
        let sealed = keys.seal("s", &"x".repeat(9000));
        assert_eq!(sealed.len(), 4, "split into cookies of 3500 bytes");
        let parts: Vec<&str> = sealed.iter().map(String::as_str).collect();
        assert_eq!(keys.open("s", &parts).map(|p| p.len()), Some(9000));
        assert_eq!(keys.open("s", &parts[..3]), None);
        let mut altered = sealed[0].clone().into_bytes();
        altered[40] = if altered[40] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(
            keys.open("s", &[&altered, parts[1], parts[2], parts[3]]),
            None
        );
        assert_eq!(keys.open("s", &[]), None);
    }

    #[test]
    fn the_chunks_are_read_in_order_up_to_the_first_missing() {
        let cookies = [
            ("wharf_lang".to_owned(), "en".to_owned()),
            ("s.1".to_owned(), "B".to_owned()),
            ("s".to_owned(), "A".to_owned()),
            ("s.3".to_owned(), "D".to_owned()),
        ];
        assert_eq!(chunks_of(&headers(&cookies), "s"), vec!["A", "B"]);
        assert!(chunks_of(&HeaderMap::new(), "s").is_empty());
    }

    #[test]
    fn key_files_say_what_is_wrong_with_them() {
        assert_eq!(SessionKeys::parse("").err(), Some(KeyFileError::Empty));
        assert_eq!(
            SessionKeys::parse("# only a comment\n").err(),
            Some(KeyFileError::Empty)
        );
        assert_eq!(
            SessionKeys::parse("not base64!").err(),
            Some(KeyFileError::NotBase64(1))
        );
        let short = base64::engine::general_purpose::STANDARD.encode([1u8; 16]);
        assert_eq!(
            SessionKeys::parse(&format!("\n{short}")).err(),
            Some(KeyFileError::TooShort(2))
        );
    }

    #[test]
    fn random_ids_are_random_and_long() {
        let (a, b) = (random_hex(16), random_hex(16));
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
