//! The site's built files under versioned URLs, so a browser keeps them.
//!
//! At start the server hashes what `pkg/` holds (the wasm, its JavaScript
//! and snippets, the stylesheet, the editor and the terminal) into one
//! version. Pages name their files as `/pkg/<version>/…`; such a URL always
//! means those exact bytes, so it is served `immutable` for a year, and a
//! second visit fetches only the HTML. A new build is a new version, so a
//! page never pairs new HTML with old code. Replicas of one image compute
//! the same version. The plain `/pkg/…` names keep working (scripts and
//! tools use them) and are revalidated on every use.
//!
//! The files are read once, at start: rebuilding the site under a running
//! server needs a restart, as a new image does.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, Request, StatusCode, Uri, header};
use sha2::{Digest, Sha256};
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// What a versioned asset is told to the browser: keep it, never ask again.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else: ask each time (an unchanged file answers 304).
pub const REVALIDATE: &str = "no-cache";

/// A version is this many bytes of the files' SHA-256, written in hex
/// (twice as many digits): the width `serve_pkg` knows an old one by.
const VERSION_BYTES: usize = 8;

/// The built files and their version.
#[derive(Clone, Debug)]
pub struct Assets {
    pkg_dir: PathBuf,
    /// 16 hex digits of the files' SHA-256; empty if `pkg/` has none.
    version: String,
}

impl Assets {
    /// Hashes the files of `site_root/pkg` (compressed copies aside: they
    /// follow from the originals).
    pub fn read(site_root: &FsPath) -> std::io::Result<Self> {
        let pkg_dir = site_root.join("pkg");
        let mut files = Vec::new();
        if pkg_dir.is_dir() {
            collect(&pkg_dir, &mut files)?;
        }
        files.sort();
        let mut hash = Sha256::new();
        for file in &files {
            let name = file.strip_prefix(&pkg_dir).unwrap_or(file);
            hash.update(name.to_string_lossy().as_bytes());
            hash.update([0]);
            hash.update(std::fs::read(file)?);
        }
        let version = if files.is_empty() {
            String::new()
        } else {
            hash.finalize()[..VERSION_BYTES]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        };
        Ok(Self { pkg_dir, version })
    }

    /// The files without a version (when they could not be read).
    pub fn unversioned(site_root: &FsPath) -> Self {
        Self {
            pkg_dir: site_root.join("pkg"),
            version: String::new(),
        }
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    /// Where pages find the files, relative to the site (Leptos's
    /// `site_pkg_dir`): `pkg/<version>`, or `pkg` if there is no build.
    pub fn pkg_path(&self) -> String {
        if self.version.is_empty() {
            "pkg".into()
        } else {
            format!("pkg/{}", self.version)
        }
    }
}

fn collect(dir: &FsPath, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if !matches!(path.extension().and_then(|e| e.to_str()), Some("gz" | "br")) {
            files.push(path);
        }
    }
    Ok(())
}

/// `GET /pkg/{first}/{*rest}`: `first` is the current version (then the
/// file `rest`, immutable), or the first folder of an unversioned path
/// (`/pkg/snippets/…`, revalidated). An old version is not found: its
/// bytes are gone, and serving today's under its name would be a lie a
/// browser keeps for a year.
pub async fn serve_pkg(
    State(assets): State<Arc<Assets>>,
    Path((first, rest)): Path<(String, String)>,
    request: Request<Body>,
) -> Response {
    let (path, cache) = if !assets.version.is_empty() && first == assets.version {
        (format!("/{rest}"), IMMUTABLE)
    } else if first.len() == 2 * VERSION_BYTES && first.bytes().all(|b| b.is_ascii_hexdigit()) {
        return StatusCode::NOT_FOUND.into_response();
    } else {
        (format!("/{first}/{rest}"), REVALIDATE)
    };
    serve_file(&assets.pkg_dir, &path, cache, request).await
}

/// `GET /pkg/{file}`: an unversioned file, revalidated.
pub async fn serve_pkg_file(
    State(assets): State<Arc<Assets>>,
    Path(file): Path<String>,
    request: Request<Body>,
) -> Response {
    serve_file(&assets.pkg_dir, &format!("/{file}"), REVALIDATE, request).await
}

async fn serve_file(
    dir: &FsPath,
    path: &str,
    cache: &'static str,
    request: Request<Body>,
) -> Response {
    let (mut parts, body) = request.into_parts();
    parts.uri = match Uri::builder().path_and_query(path).build() {
        Ok(uri) => uri,
        Err(_) => return StatusCode::NOT_FOUND.into_response(),
    };
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    match files.oneshot(Request::from_parts(parts, body)).await {
        Ok(response) => {
            let mut response = response.map(Body::new);
            if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            }
            response
        }
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> PathBuf {
        let root = std::env::temp_dir().join(format!(
            "wharf-assets-{}-{}",
            std::process::id(),
            files.len()
        ));
        let _ = std::fs::remove_dir_all(&root);
        for (name, text) in files {
            let path = root.join("pkg").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        root
    }

    #[test]
    fn the_version_follows_the_files_and_not_their_compressed_copies() {
        let a = site(&[("wharf.js", "one"), ("snippets/x/inline0.js", "two")]);
        let first = Assets::read(&a).unwrap();
        assert_eq!(first.version().len(), 16);
        assert_eq!(first.pkg_path(), format!("pkg/{}", first.version()));
        std::fs::write(a.join("pkg/wharf.js.gz"), "zipped").unwrap();
        assert_eq!(Assets::read(&a).unwrap().version(), first.version());
        std::fs::write(a.join("pkg/snippets/x/inline0.js"), "changed").unwrap();
        assert_ne!(Assets::read(&a).unwrap().version(), first.version());
        std::fs::remove_dir_all(&a).unwrap();
    }

    #[test]
    fn no_build_no_version() {
        let empty = std::env::temp_dir().join(format!("wharf-assets-none-{}", std::process::id()));
        let assets = Assets::read(&empty).unwrap();
        assert_eq!(assets.version(), "");
        assert_eq!(assets.pkg_path(), "pkg");
    }
}
