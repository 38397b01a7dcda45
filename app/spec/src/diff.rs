//! A line diff (longest common subsequence), for "review changes" and the
//! conflict view. Objects shown here are a few hundred lines, so the
//! quadratic table is small; inputs beyond [`MAX_LINES`] fall back to
//! "everything changed" rather than using unbounded memory.

use serde::{Deserialize, Serialize};

pub const MAX_LINES: usize = 4_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiffLine {
    Same(String),
    /// Only in the new text.
    Added(String),
    /// Only in the old text.
    Removed(String),
}

pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    if a.len() > MAX_LINES || b.len() > MAX_LINES {
        return a
            .iter()
            .map(|l| DiffLine::Removed((*l).to_owned()))
            .chain(b.iter().map(|l| DiffLine::Added((*l).to_owned())))
            .collect();
    }
    // lcs[i][j]: length of the LCS of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::with_capacity(a.len().max(b.len())));
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(DiffLine::Same(a[i].to_owned()));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            out.push(DiffLine::Removed(a[i].to_owned()));
            i += 1;
        } else {
            out.push(DiffLine::Added(b[j].to_owned()));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|l| DiffLine::Removed((*l).to_owned())));
    out.extend(b[j..].iter().map(|l| DiffLine::Added((*l).to_owned())));
    out
}

/// True when the diff changes anything.
pub fn has_changes(diff: &[DiffLine]) -> bool {
    diff.iter().any(|d| !matches!(d, DiffLine::Same(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use DiffLine::*;

    #[test]
    fn changed_line_in_the_middle() {
        let d = diff_lines("a\nport: 80\nc", "a\nport: 81\nc");
        assert_eq!(
            d,
            vec![
                Same("a".into()),
                Removed("port: 80".into()),
                Added("port: 81".into()),
                Same("c".into())
            ]
        );
        assert!(has_changes(&d));
    }

    #[test]
    fn identical_and_empty() {
        assert!(!has_changes(&diff_lines("x\ny", "x\ny")));
        assert_eq!(diff_lines("", "a"), vec![Added("a".into())]);
        assert_eq!(diff_lines("a", ""), vec![Removed("a".into())]);
    }

    #[test]
    fn keeps_every_line_once() {
        let old = "1\n2\n3\n4\n5";
        let new = "0\n2\n3\n5\n6";
        let d = diff_lines(old, new);
        let olds: Vec<_> = d
            .iter()
            .filter_map(|l| match l {
                Same(s) | Removed(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        let news: Vec<_> = d
            .iter()
            .filter_map(|l| match l {
                Same(s) | Added(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(olds, old.lines().collect::<Vec<_>>());
        assert_eq!(news, new.lines().collect::<Vec<_>>());
    }
}
