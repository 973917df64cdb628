use clap::Parser;

fn main() -> std::process::ExitCode {
    newsdedup::run(newsdedup::cli::Cli::parse()).into()
}
