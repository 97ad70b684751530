//! The `csp-hub` binary: everything lives in the `api` crate; this only hands over control.

fn main() -> std::process::ExitCode {
    api::cli::main()
}
