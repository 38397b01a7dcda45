//! The wire of the two websockets Wharf relays: a container's terminal
//! (exec) and its logs. Both ends (the browser's wasm and the server) encode
//! and decode with these types, so a message cannot mean one thing on one side
//! and another on the other.
//!
//! Data travels in binary frames (terminal bytes, log lines) so that nothing
//! is re-encoded on the hot path; control travels in JSON text frames
//! (`{"type":"resize","cols":80,"rows":24}`).
//!
//! Logs have flow control: the server keeps at most [`LOG_WINDOW_BYTES`] of
//! line bytes unacknowledged, and the browser acknowledges what it has
//! rendered. A slow browser therefore slows the server's read from the
//! apiserver (the kubelet holds the rest), and the server's memory per stream
//! stays bounded, instead of either side dropping lines.

use crate::ApiError;
use serde::{Deserialize, Serialize};

/// One websocket message, as both ends see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    Text(String),
    Binary(Vec<u8>),
}

/// Why a frame could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadFrame(pub String);

impl std::fmt::Display for BadFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed message: {}", self.0)
    }
}

fn to_text<T: Serialize>(message: &T) -> Frame {
    // Serialising these plain enums cannot fail.
    Frame::Text(serde_json::to_string(message).unwrap_or_default())
}

fn from_text<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, BadFrame> {
    serde_json::from_str(text).map_err(|e| BadFrame(e.to_string()))
}

// ---------------------------------------------------------------- terminal

/// Browser → server on the terminal socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TerminalInput {
    /// Keystrokes and pastes, as the terminal produced them (UTF-8).
    Stdin(Vec<u8>),
    Control(TerminalControl),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TerminalControl {
    /// The terminal's size in character cells; sent on open and on every
    /// change of the window.
    Resize { cols: u16, rows: u16 },
    /// Keepalive from the browser (it cannot send websocket pings itself).
    Ping,
}

/// Server → browser on the terminal socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TerminalOutput {
    /// What the process wrote to its terminal (stdout and stderr are one
    /// stream under a tty).
    Output(Vec<u8>),
    Event(TerminalEvent),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TerminalEvent {
    /// The process runs; `command` is what was started.
    Started {
        command: Vec<String>,
    },
    /// The process ended. `code` is its exit code when the apiserver said
    /// it (0 for success).
    Exited {
        code: Option<i32>,
    },
    /// The exec could not start or broke (forbidden, no such container...).
    Failed {
        error: ApiError,
    },
    /// Wharf is stopping (a rollout): the shell was hung up, and a new
    /// terminal opens through another replica.
    Restarting,
    Pong,
}

impl TerminalInput {
    pub fn encode(&self) -> Frame {
        match self {
            TerminalInput::Stdin(bytes) => Frame::Binary(bytes.clone()),
            TerminalInput::Control(control) => to_text(control),
        }
    }

    pub fn decode(frame: Frame) -> Result<Self, BadFrame> {
        match frame {
            Frame::Binary(bytes) => Ok(TerminalInput::Stdin(bytes)),
            Frame::Text(text) => from_text(&text).map(TerminalInput::Control),
        }
    }
}

impl TerminalOutput {
    pub fn encode(&self) -> Frame {
        match self {
            TerminalOutput::Output(bytes) => Frame::Binary(bytes.clone()),
            TerminalOutput::Event(event) => to_text(event),
        }
    }

    pub fn decode(frame: Frame) -> Result<Self, BadFrame> {
        match frame {
            Frame::Binary(bytes) => Ok(TerminalOutput::Output(bytes)),
            Frame::Text(text) => from_text(&text).map(TerminalOutput::Event),
        }
    }
}

/// The command a terminal runs when the user gives none: the best shell the
/// image has, chosen inside the container in one exec (so no keystroke typed
/// while a first attempt fails is lost), with a `TERM` that full-screen
/// programs (`top`, `vi`) understand.
pub fn default_shell() -> Vec<String> {
    [
        "sh",
        "-c",
        "TERM=xterm-256color; export TERM; \
         if command -v bash >/dev/null 2>&1; then exec bash; \
         elif command -v ash >/dev/null 2>&1; then exec ash; \
         else exec sh; fi",
    ]
    .map(String::from)
    .to_vec()
}

// ---------------------------------------------------------------- logs

/// How much of a log to show, as the log page offers it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tail {
    #[default]
    Last100,
    Last1000,
    Last10000,
    All,
}

impl Tail {
    pub const ALL: [Tail; 4] = [Tail::Last100, Tail::Last1000, Tail::Last10000, Tail::All];

    pub fn lines(self) -> Option<i64> {
        match self {
            Tail::Last100 => Some(100),
            Tail::Last1000 => Some(1_000),
            Tail::Last10000 => Some(10_000),
            Tail::All => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tail::Last100 => "last100",
            Tail::Last1000 => "last1000",
            Tail::Last10000 => "last10000",
            Tail::All => "all",
        }
    }
}

/// "Since": only lines newer than this.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Since {
    #[default]
    Any,
    Minutes5,
    Hour1,
    Day1,
}

impl Since {
    pub const ALL: [Since; 4] = [Since::Any, Since::Minutes5, Since::Hour1, Since::Day1];

    pub fn seconds(self) -> Option<i64> {
        match self {
            Since::Any => None,
            Since::Minutes5 => Some(5 * 60),
            Since::Hour1 => Some(60 * 60),
            Since::Day1 => Some(24 * 60 * 60),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Since::Any => "any",
            Since::Minutes5 => "minutes5",
            Since::Hour1 => "hour1",
            Since::Day1 => "day1",
        }
    }
}

/// What a log socket or download reads: one pod's container, or every pod
/// of an `app` or a `service` (multi-pod logs; `container` empty: every
/// container of each pod).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogQuery {
    pub space: String,
    pub pod: String,
    pub container: String,
    pub app: String,
    pub service: String,
    pub follow: bool,
    pub tail: Tail,
    pub since: Since,
    pub timestamps: bool,
    pub previous: bool,
}

impl LogQuery {
    /// The query string (without `?`) the server parses back into the same value.
    pub fn to_query(&self) -> String {
        let mut parts = vec![format!("space={}", percent_encode(&self.space))];
        for (key, value) in [
            ("pod", &self.pod),
            ("container", &self.container),
            ("app", &self.app),
            ("service", &self.service),
        ] {
            if !value.is_empty() {
                parts.push(format!("{key}={}", percent_encode(value)));
            }
        }
        parts.push(format!("follow={}", self.follow));
        parts.push(format!("tail={}", self.tail.as_str()));
        parts.push(format!("since={}", self.since.as_str()));
        parts.push(format!("timestamps={}", self.timestamps));
        parts.push(format!("previous={}", self.previous));
        parts.join("&")
    }

    /// Logs of many pods (an app's or a Service's), each line with its pod.
    pub fn is_multi_pod(&self) -> bool {
        self.pod.is_empty() && !(self.app.is_empty() && self.service.is_empty())
    }

    /// A file name for the downloaded log.
    pub fn file_name(&self) -> String {
        let subject = [&self.pod, &self.app, &self.service]
            .into_iter()
            .find(|s| !s.is_empty())
            .map_or("", |s| s.as_str());
        let mut name = format!("{}_{subject}", self.space);
        if !self.container.is_empty() {
            name.push('_');
            name.push_str(&self.container);
        }
        if self.previous {
            name.push_str("_previous");
        }
        name.push_str(".log");
        name
    }
}

/// What the terminal socket opens.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExecQuery {
    pub space: String,
    pub pod: String,
    pub container: String,
    /// A command line split like a shell would; empty for [`default_shell`].
    pub command: String,
}

impl ExecQuery {
    pub fn to_query(&self) -> String {
        let mut query = format!(
            "space={}&pod={}&container={}",
            percent_encode(&self.space),
            percent_encode(&self.pod),
            percent_encode(&self.container)
        );
        if !self.command.trim().is_empty() {
            query.push_str("&command=");
            query.push_str(&percent_encode(&self.command));
        }
        query
    }

    /// The argv to run: the user's command line, or the default shell.
    pub fn argv(&self) -> Result<Vec<String>, crate::Problem> {
        if self.command.trim().is_empty() {
            Ok(default_shell())
        } else {
            crate::app::split_command(&self.command)
        }
    }
}

/// Percent-encoding for a query value (RFC 3986 unreserved characters kept).
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The most line bytes the server sends before the browser acknowledges.
pub const LOG_WINDOW_BYTES: u64 = 1 << 20;

/// Server → browser on the log socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogOutput {
    /// Complete lines (each ending in `\n`) of one source, in order.
    Lines {
        source: u32,
        bytes: Vec<u8>,
    },
    Event(LogEvent),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LogEvent {
    /// A container's log joins the view (a pod came, or the stream opened).
    Joined {
        source: u32,
        pod: String,
        container: String,
    },
    /// That log ended (the pod went away, or the container stopped).
    Left {
        source: u32,
    },
    /// Nothing more will come (not following, or the app is gone).
    End,
    Failed {
        error: ApiError,
    },
    Pong,
}

/// Browser → server on the log socket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LogControl {
    /// `bytes` more line bytes have been shown; the server may send that much more.
    Ack {
        bytes: u64,
    },
    Ping,
}

impl LogOutput {
    pub fn encode(&self) -> Frame {
        match self {
            LogOutput::Lines { source, bytes } => {
                let mut frame = Vec::with_capacity(4 + bytes.len());
                frame.extend_from_slice(&source.to_be_bytes());
                frame.extend_from_slice(bytes);
                Frame::Binary(frame)
            }
            LogOutput::Event(event) => to_text(event),
        }
    }

    pub fn decode(frame: Frame) -> Result<Self, BadFrame> {
        match frame {
            Frame::Binary(frame) => {
                if frame.len() < 4 {
                    return Err(BadFrame("log frame shorter than its source id".into()));
                }
                let source = u32::from_be_bytes([frame[0], frame[1], frame[2], frame[3]]);
                Ok(LogOutput::Lines {
                    source,
                    bytes: frame[4..].to_vec(),
                })
            }
            Frame::Text(text) => from_text(&text).map(LogOutput::Event),
        }
    }
}

impl LogControl {
    pub fn encode(&self) -> Frame {
        to_text(self)
    }

    pub fn decode(frame: Frame) -> Result<Self, BadFrame> {
        match frame {
            Frame::Text(text) => from_text(&text),
            Frame::Binary(_) => Err(BadFrame("binary frame on the log socket".into())),
        }
    }
}

/// Cuts a byte stream into complete lines. `push` returns the complete lines
/// (each with its `\n`) now available and keeps a trailing partial line for
/// the next call; `finish` returns that partial line with a `\n` added. A
/// line longer than `max_line` is cut there, so one endless line cannot grow
/// the buffer without bound.
#[derive(Debug)]
pub struct LineSplitter {
    partial: Vec<u8>,
    max_line: usize,
}

impl LineSplitter {
    pub fn new(max_line: usize) -> Self {
        Self {
            partial: Vec::new(),
            max_line: max_line.max(1),
        }
    }

    pub fn push(&mut self, chunk: &[u8]) -> Vec<u8> {
        let mut complete = Vec::new();
        let mut rest = chunk;
        while let Some(newline) = rest.iter().position(|&b| b == b'\n') {
            let (line, after) = rest.split_at(newline + 1);
            if self.partial.is_empty() {
                self.cut_long(line, &mut complete);
            } else {
                let mut joined = std::mem::take(&mut self.partial);
                joined.extend_from_slice(line);
                self.cut_long(&joined, &mut complete);
            }
            rest = after;
        }
        self.partial.extend_from_slice(rest);
        while self.partial.len() >= self.max_line {
            let head: Vec<u8> = self.partial.drain(..self.max_line).collect();
            complete.extend_from_slice(&head);
            complete.push(b'\n');
        }
        complete
    }

    fn cut_long(&self, line: &[u8], out: &mut Vec<u8>) {
        // `line` ends in '\n'; its content is everything before.
        let content = &line[..line.len() - 1];
        if content.len() <= self.max_line {
            out.extend_from_slice(line);
            return;
        }
        for piece in content.chunks(self.max_line) {
            out.extend_from_slice(piece);
            out.push(b'\n');
        }
    }

    pub fn finish(&mut self) -> Vec<u8> {
        let mut last = std::mem::take(&mut self.partial);
        if !last.is_empty() {
            last.push(b'\n');
        }
        last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_frames_round_trip() {
        let inputs = [
            TerminalInput::Stdin("echo 你好\r".as_bytes().to_vec()),
            TerminalInput::Control(TerminalControl::Resize {
                cols: 120,
                rows: 40,
            }),
            TerminalInput::Control(TerminalControl::Ping),
        ];
        for input in inputs {
            assert_eq!(TerminalInput::decode(input.encode()).unwrap(), input);
        }
        let outputs = [
            TerminalOutput::Output(vec![0x1b, b'[', b'3', b'1', b'm', 0xe4, 0xbd]),
            TerminalOutput::Event(TerminalEvent::Started {
                command: default_shell(),
            }),
            TerminalOutput::Event(TerminalEvent::Exited { code: Some(3) }),
            TerminalOutput::Event(TerminalEvent::Failed {
                error: ApiError::Forbidden {
                    message: "pods \"x\" is forbidden".into(),
                },
            }),
        ];
        for output in outputs {
            assert_eq!(TerminalOutput::decode(output.encode()).unwrap(), output);
        }
    }

    #[test]
    fn control_messages_are_readable_json() {
        let frame = TerminalInput::Control(TerminalControl::Resize { cols: 80, rows: 24 }).encode();
        assert_eq!(
            frame,
            Frame::Text(r#"{"type":"resize","cols":80,"rows":24}"#.into())
        );
        assert!(TerminalInput::decode(Frame::Text(r#"{"type":"launch"}"#.into())).is_err());
        assert!(TerminalInput::decode(Frame::Text("not json".into())).is_err());
    }

    #[test]
    fn log_frames_round_trip() {
        let lines = LogOutput::Lines {
            source: 70_000,
            bytes: b"1\n2\n".to_vec(),
        };
        let Frame::Binary(raw) = lines.encode() else {
            panic!("lines go in binary frames")
        };
        assert_eq!(&raw[..4], &70_000u32.to_be_bytes());
        assert_eq!(LogOutput::decode(Frame::Binary(raw)).unwrap(), lines);
        assert!(LogOutput::decode(Frame::Binary(vec![0, 1])).is_err());
        for event in [
            LogEvent::Joined {
                source: 1,
                pod: "web-0".into(),
                container: "main".into(),
            },
            LogEvent::Left { source: 1 },
            LogEvent::End,
        ] {
            let out = LogOutput::Event(event);
            assert_eq!(LogOutput::decode(out.encode()).unwrap(), out);
        }
        let ack = LogControl::Ack { bytes: 4096 };
        assert_eq!(LogControl::decode(ack.encode()).unwrap(), ack);
        assert!(LogControl::decode(Frame::Binary(vec![1])).is_err());
    }

    #[test]
    fn queries_encode_what_the_server_reads() {
        let query = LogQuery {
            space: "dev".into(),
            pod: "web-0".into(),
            container: "main".into(),
            follow: true,
            tail: Tail::Last1000,
            since: Since::Hour1,
            timestamps: true,
            ..LogQuery::default()
        };
        assert_eq!(
            query.to_query(),
            "space=dev&pod=web-0&container=main&follow=true&tail=last1000&since=hour1&timestamps=true&previous=false"
        );
        assert_eq!(query.file_name(), "dev_web-0_main.log");
        let exec = ExecQuery {
            space: "dev".into(),
            pod: "p".into(),
            container: "c".into(),
            command: "sh -c 'echo 你'".into(),
        };
        assert_eq!(
            exec.to_query(),
            "space=dev&pod=p&container=c&command=sh%20-c%20%27echo%20%E4%BD%A0%27"
        );
        assert_eq!(exec.argv().unwrap(), vec!["sh", "-c", "echo 你"]);
        assert_eq!(
            ExecQuery::default().argv().unwrap(),
            default_shell(),
            "no command: the default shell"
        );
    }

    #[test]
    fn lines_are_cut_only_at_newlines() {
        let mut splitter = LineSplitter::new(1024);
        assert_eq!(splitter.push(b"one\ntw"), b"one\n");
        assert_eq!(splitter.push(b"o\nthr"), b"two\n");
        assert_eq!(splitter.push(b"ee"), b"");
        assert_eq!(splitter.push(b"\n\n"), b"three\n\n");
        assert_eq!(splitter.finish(), b"");
        splitter.push(b"tail");
        assert_eq!(splitter.finish(), b"tail\n");
    }

    #[test]
    fn an_endless_line_is_cut_at_the_maximum() {
        let mut splitter = LineSplitter::new(4);
        assert_eq!(splitter.push(b"abcdefghij"), b"abcd\nefgh\n");
        assert_eq!(splitter.push(b"k\nlmnopq\n"), b"ijk\nlmno\npq\n");
    }

    #[test]
    fn any_chunking_gives_the_same_lines() {
        // Numbered lines, fed in every chunk size from 1 to 17 bytes.
        let text: String = (1..=200).map(|n| format!("line {n}\n")).collect();
        for size in 1..=17 {
            let mut splitter = LineSplitter::new(64);
            let mut out = Vec::new();
            for chunk in text.as_bytes().chunks(size) {
                let complete = splitter.push(chunk);
                assert!(complete.is_empty() || complete.ends_with(b"\n"));
                out.extend(complete);
            }
            out.extend(splitter.finish());
            assert_eq!(String::from_utf8(out).unwrap(), text, "chunk size {size}");
        }
    }
}
