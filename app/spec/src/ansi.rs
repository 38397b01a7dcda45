//! ANSI colours in log lines: a line is cut into text runs, each with the
//! style its SGR escapes (`ESC [ … m`) set. Other escapes (cursor moves,
//! titles) are dropped: a log view is not a terminal. The browser renders each
//! run as a text node in a `<span>` with classes, never as HTML.

/// The style of a run: 4-bit foreground/background colours (0–7 normal,
/// 8–15 bright) and bold. 256-colour and RGB codes map to the nearest of the
/// 16 so the page's palette (light and dark) stays in charge.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    pub fg: Option<u8>,
    pub bg: Option<u8>,
    pub bold: bool,
}

impl Style {
    /// CSS classes for this style (`ansi-fg-1 ansi-bold`), empty for plain text.
    pub fn classes(&self) -> String {
        let mut classes = Vec::new();
        if let Some(fg) = self.fg {
            classes.push(format!("ansi-fg-{fg}"));
        }
        if let Some(bg) = self.bg {
            classes.push(format!("ansi-bg-{bg}"));
        }
        if self.bold {
            classes.push("ansi-bold".to_string());
        }
        classes.join(" ")
    }

    fn apply(&mut self, params: &[u16]) {
        let mut i = 0;
        if params.is_empty() {
            *self = Style::default();
        }
        while i < params.len() {
            match params[i] {
                0 => *self = Style::default(),
                1 => self.bold = true,
                22 => self.bold = false,
                n @ 30..=37 => self.fg = Some((n - 30) as u8),
                39 => self.fg = None,
                n @ 40..=47 => self.bg = Some((n - 40) as u8),
                49 => self.bg = None,
                n @ 90..=97 => self.fg = Some((n - 90 + 8) as u8),
                n @ 100..=107 => self.bg = Some((n - 100 + 8) as u8),
                n @ (38 | 48) => {
                    let colour = match params.get(i + 1) {
                        Some(5) => {
                            let c = params.get(i + 2).copied();
                            i += 2;
                            c.map(from_256)
                        }
                        Some(2) => {
                            let rgb = (
                                params.get(i + 2).copied().unwrap_or(0),
                                params.get(i + 3).copied().unwrap_or(0),
                                params.get(i + 4).copied().unwrap_or(0),
                            );
                            i += 4;
                            Some(from_rgb(rgb.0, rgb.1, rgb.2))
                        }
                        _ => None,
                    };
                    if n == 38 {
                        self.fg = colour;
                    } else {
                        self.bg = colour;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
}

fn from_256(c: u16) -> u8 {
    match c {
        0..=15 => c as u8,
        16..=231 => {
            let c = c - 16;
            from_rgb((c / 36) * 51, ((c / 6) % 6) * 51, (c % 6) * 51)
        }
        _ => {
            if c >= 244 {
                7
            } else {
                8
            }
        }
    }
}

fn from_rgb(r: u16, g: u16, b: u16) -> u8 {
    let bright = r.max(g).max(b) > 191;
    let bit = |v: u16| u8::from(v > 95);
    let base = bit(r) | (bit(g) << 1) | (bit(b) << 2);
    if bright && base != 0 { base + 8 } else { base }
}

/// A run of text with one style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub style: Style,
}

/// Cuts `line` into styled runs, starting from `style` (a style carries over
/// from one line to the next, as in a terminal). Returns the runs and the
/// style at the end of the line.
pub fn parse(line: &str, mut style: Style) -> (Vec<Run>, Style) {
    let mut runs = Vec::new();
    let mut text = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            text.push(c);
            continue;
        }
        match chars.peek() {
            Some('[') => {
                chars.next();
                let mut body = String::new();
                let mut end = None;
                for c in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&c) {
                        end = Some(c);
                        break;
                    }
                    body.push(c);
                }
                if end == Some('m') {
                    if !text.is_empty() {
                        runs.push(Run {
                            text: std::mem::take(&mut text),
                            style,
                        });
                    }
                    let params: Vec<u16> = if body.is_empty() {
                        Vec::new()
                    } else {
                        body.split(';').map(|p| p.parse().unwrap_or(0)).collect()
                    };
                    style.apply(&params);
                }
            }
            Some(']') => {
                // OSC (window title...): up to BEL or ESC \.
                chars.next();
                while let Some(c) = chars.next() {
                    if c == '\u{7}' {
                        break;
                    }
                    if c == '\u{1b}' {
                        chars.next();
                        break;
                    }
                }
            }
            _ => {
                chars.next();
            }
        }
    }
    if !text.is_empty() {
        runs.push(Run { text, style });
    }
    (runs, style)
}

/// The line without its escapes (for search and for downloads without colour).
pub fn plain(line: &str) -> String {
    parse(line, Style::default())
        .0
        .into_iter()
        .map(|r| r.text)
        .collect()
}

/// Byte ranges of every occurrence of `search` in `text`, ignoring ASCII
/// case (the log view's search), without overlaps.
pub fn find_all(text: &str, search: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    if search.is_empty() {
        return ranges;
    }
    let (h, n) = (text.as_bytes(), search.as_bytes());
    let mut i = 0;
    while i + n.len() <= h.len() {
        if text.is_char_boundary(i)
            && text.is_char_boundary(i + n.len())
            && h[i..i + n.len()].eq_ignore_ascii_case(n)
        {
            ranges.push((i, i + n.len()));
            i += n.len();
        } else {
            i += 1;
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_one_run() {
        let (runs, end) = parse("hello <b>world</b>", Style::default());
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].text, "hello <b>world</b>");
        assert_eq!(end, Style::default());
    }

    #[test]
    fn colours_and_reset() {
        let (runs, end) = parse("\x1b[1;31mERROR\x1b[0m done \x1b[92mok", Style::default());
        assert_eq!(
            runs,
            vec![
                Run {
                    text: "ERROR".into(),
                    style: Style {
                        fg: Some(1),
                        bg: None,
                        bold: true
                    }
                },
                Run {
                    text: " done ".into(),
                    style: Style::default()
                },
                Run {
                    text: "ok".into(),
                    style: Style {
                        fg: Some(10),
                        ..Style::default()
                    }
                },
            ]
        );
        assert_eq!(end.fg, Some(10), "the style carries to the next line");
        assert_eq!(runs[0].style.classes(), "ansi-fg-1 ansi-bold");
    }

    #[test]
    fn extended_colours_map_to_sixteen() {
        let (runs, _) = parse("\x1b[38;5;196mred\x1b[48;2;0;0;255mblue", Style::default());
        assert_eq!(runs[0].style.fg, Some(9));
        assert_eq!(runs[1].style.bg, Some(12));
    }

    #[test]
    fn search_ignores_case_and_spans_runs() {
        let line = plain("\x1b[32mtick\x1b[0m 1 TICK 10");
        assert_eq!(find_all(&line, "tick 1"), vec![(0, 6), (7, 13)]);
        assert_eq!(find_all("aaaa", "aa"), vec![(0, 2), (2, 4)]);
        assert_eq!(find_all("你好你好", "好"), vec![(3, 6), (9, 12)]);
        assert!(find_all("abc", "").is_empty());
    }

    #[test]
    fn other_escapes_are_dropped() {
        assert_eq!(plain("\x1b[2K\x1b]0;title\x07a\x1b[Hb\x1b[m"), "ab");
        // A truncated escape at the end of a line does not panic.
        assert_eq!(plain("x\x1b["), "x");
        assert_eq!(plain("x\x1b"), "x");
    }
}
