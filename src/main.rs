//! The `newsdedup` binary: the command layer (`cmd/`, clap and nothing
//! else) over the library, which does the work.

mod cmd;

fn main() -> std::process::ExitCode {
    cmd::main().into()
}
