//! `wharf-wasm-split <in.wasm> <pkg dir> <main out.wasm> <name>`: splits the
//! browser wasm at its `#[lazy]` functions (Leptos' lazy routes), as
//! `cargo leptos --split` does, so that the project's plain build needs no
//! cargo-leptos.
//!
//! In: the wasm as rustc linked it (with `--emit-relocs`, see
//! `.cargo/config.toml`), before wasm-bindgen. Out: the main part at
//! `<main out.wasm>` (wasm-bindgen runs on it next), and in `<pkg dir>` one
//! `split_*.wasm` per lazy function, `chunk_*.wasm` for code several of them
//! share, the loader `__wasm_split.*.js` that fetches them relative to
//! itself, and `__wasm_split_manifest.json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [input, pkg, main_out, name] = args.as_slice() else {
        eprintln!("usage: wharf-wasm-split <in.wasm> <pkg dir> <main out.wasm> <name>");
        return ExitCode::from(2);
    };
    match split(input, pkg, main_out, &name.to_string_lossy()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("wasm split: {error}");
            ExitCode::FAILURE
        }
    }
}

fn split(input: &Path, pkg: &Path, main_out: &Path, name: &str) -> Result<(), String> {
    let wasm = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    // Relative names: the loader and the parts are found next to the main
    // module, wherever the server puts them (`/pkg/<version>/`).
    let main_module = format!("./{name}.js");
    let mut options = wasm_split_cli_support::Options::new(&wasm);
    options.output_dir = pkg;
    options.main_out_path = main_out;
    options.main_module = &main_module;
    // The name Leptos' hydration scripts preload.
    options.link_name = "./__wasm_split.______________________.js";
    let split = wasm_split_cli_support::transform(options).map_err(|e| format!("{e:?}"))?;
    // Sorted, so that one build gives the same bytes (and version) twice.
    let manifest: BTreeMap<_, _> = split.prefetch_map.into_iter().collect();
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    let path = pkg.join("__wasm_split_manifest.json");
    std::fs::write(&path, json).map_err(|e| format!("{}: {e}", path.display()))
}
