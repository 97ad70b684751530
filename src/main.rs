//! The `csp-hub` binary: everything lives in the `api` crate; this only hands over control.

/// mimalloc instead of the system allocator: see the note on the dependency in `Cargo.toml`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    api::cli::main()
}
