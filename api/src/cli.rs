//! The `csp-hub` command line: `serve` (default), `migrate`, `seed`, `generate`, `token`,
//! `schema`.

use crate::config::Config;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "csp-hub",
    version,
    about = "GraphQL back end for Community Safety Partnerships"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the HTTP server (the default): migrate, load the demo data into an empty database, serve.
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Load the demo data set (the seed papers) into an empty database.
    Seed,
    /// Fill an empty database with a generated partnership network of any size (deterministic),
    /// e.g. `csp-hub generate --actions 1000000` to size a deployment or run the benchmark.
    Generate(crate::generate::Scale),
    /// Print a signed development token (HS256) for a person's subject, e.g. `csp-hub token luke-baldock`.
    Token {
        /// The person's subject (in the demo data: the person key, e.g. `luke-baldock`).
        subject: String,
        /// Hours the token is valid for.
        #[arg(long, default_value_t = 8)]
        hours: i64,
    },
    /// Print the GraphQL schema (SDL); `schema.graphql` is this output.
    Schema,
    /// Create a partnership and its first administrator (the operator's one step; everything
    /// else is done by that administrator through the API), e.g.
    /// `csp-hub create-partnership --slug bromley --name "Safer Bromley Partnership"
    /// --organisation "London Borough of Bromley" --admin-name "Sam Admin" --admin-subject sam`.
    CreatePartnership(crate::domain::administration::bootstrap::NewPartnership),
    /// Import a delivery plan or a people list from CSV or XLSX (see README, "Onboarding your
    /// partnership"). Checks the whole file first: any problem writes nothing.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
}

/// What `csp-hub import` reads.
#[derive(Subcommand, Debug)]
enum ImportWhat {
    /// A delivery plan: one action per row, owned by one board.
    Plan {
        /// The CSV or XLSX file.
        file: std::path::PathBuf,
        /// The partnership's slug.
        #[arg(long)]
        partnership: String,
        /// The name of the board that owns the actions.
        #[arg(long)]
        board: String,
        /// The strategy whose priorities the `priority` column numbers.
        #[arg(long)]
        strategy: Option<String>,
        /// The marking of rows without one: public, partnership or restricted.
        #[arg(long, default_value = "partnership")]
        marking: String,
        /// Report what would be created or changed, and every problem, and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// People and their organisations.
    People {
        file: std::path::PathBuf,
        #[arg(long)]
        partnership: String,
        #[arg(long)]
        dry_run: bool,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Schema => {
            print!("{}", crate::schema::sdl());
            Ok(())
        }
        Command::Token { subject, hours } => crate::core::auth::mint(
            &cli.config.jwt,
            cli.config.production,
            &subject,
            chrono::Duration::hours(hours),
        )
        .map(|t| println!("{t}")),
        command => runtime().and_then(|rt| rt.block_on(run(command, cli.config))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    crate::telemetry::init(&config);
    match command {
        Command::Migrate => {
            let (db, _) = crate::core::db::connect(&config).await?;
            crate::core::db::migrate(&db).await
        }
        Command::Seed => {
            let (db, _) = crate::core::db::connect(&config).await?;
            crate::core::db::migrate(&db).await?;
            if crate::startup::seed_if_empty(&db).await? {
                println!("demo data loaded");
            } else {
                println!("the database already holds data; nothing loaded");
            }
            Ok(())
        }
        Command::Generate(scale) => {
            let (db, _) = crate::core::db::connect(&config).await?;
            crate::core::db::migrate(&db).await?;
            let started = std::time::Instant::now();
            let made = crate::generate::generate(&db, &scale).await?;
            println!(
                "generated in {:.1} s: {} partnerships, {} organisations, {} people, {} boards, {} meetings, {} agenda items, {} actions, {} progress updates",
                started.elapsed().as_secs_f64(),
                made.partnerships,
                made.organisations,
                made.people,
                made.boards,
                made.meetings,
                made.agenda_items,
                made.actions,
                made.action_updates
            );
            Ok(())
        }
        Command::Import { what } => {
            let (db, _) = crate::core::db::connect(&config).await?;
            crate::core::db::migrate(&db).await?;
            let operator = crate::core::auth::Viewer::anonymous();
            let report = match what {
                ImportWhat::Plan {
                    file,
                    partnership,
                    board,
                    strategy,
                    marking,
                    dry_run,
                } => {
                    use sea_orm::ActiveEnum;
                    let marking =
                        entity::enums::Visibility::try_from_value(&marking.to_lowercase())
                            .map_err(|_| {
                                anyhow::anyhow!(
                                    "--marking must be public, partnership or restricted"
                                )
                            })?;
                    let bytes = std::fs::read(&file)
                        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
                    let target = crate::domain::imports::plan::Target {
                        partnership,
                        board,
                        strategy,
                        marking,
                    };
                    crate::domain::imports::plan::import(&db, &operator, &target, &bytes, dry_run)
                        .await?
                }
                ImportWhat::People {
                    file,
                    partnership,
                    dry_run,
                } => {
                    let bytes = std::fs::read(&file)
                        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
                    crate::domain::imports::people::import(
                        &db,
                        &operator,
                        &partnership,
                        &bytes,
                        dry_run,
                    )
                    .await?
                }
            };
            println!("{report}");
            if report.problems.is_empty() {
                Ok(())
            } else {
                anyhow::bail!(
                    "the file has {} problem(s); nothing was written",
                    report.problems.len()
                )
            }
        }
        Command::CreatePartnership(new) => {
            let (db, _) = crate::core::db::connect(&config).await?;
            crate::core::db::migrate(&db).await?;
            let made =
                crate::domain::administration::bootstrap::create_partnership(&db, &new).await?;
            println!(
                "created partnership {} ({}); administrator {} signs in with subject {:?}",
                new.slug, made.partnership, made.administrator, new.admin_subject
            );
            Ok(())
        }
        _ => {
            let app = crate::startup::build(config).await?;
            tracing::info!("listening on http://{}/graphql", app.addr);
            app.server.await?;
            Ok(())
        }
    }
}
