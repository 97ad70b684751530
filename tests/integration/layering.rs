//! The layering rule of `api/src/lib.rs`, checked on the source: imports point down
//! core → domain → schema → http, so the core stays free of every domain and of HTTP, and a
//! domain's service never reaches for GraphQL types.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn src(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("api/src")
        .join(sub)
}

/// `file:line: text` for each code line (comments left out) under `dir` naming one of
/// `forbidden`.
fn offending_lines(dir: &Path, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in rust_files(dir) {
        let text = std::fs::read_to_string(&file).expect("readable source");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            if forbidden.iter().any(|f| code.contains(f)) {
                found.push(format!("{}:{}: {}", file.display(), n + 1, code));
            }
        }
    }
    found
}

/// The upper layers, as a path from anywhere in the crate names them.
const ABOVE_CORE: &[&str] = &[
    "crate::domain",
    "crate::http",
    "crate::schema",
    "crate::startup",
    "crate::cli",
    "crate::seed",
];

#[test]
fn the_core_imports_no_domain_and_no_http() {
    let found = offending_lines(&src("core"), ABOVE_CORE);
    assert!(
        found.is_empty(),
        "core reaches up a layer:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_domains_import_no_http_and_no_schema() {
    let found = offending_lines(
        &src("domain"),
        &[
            "crate::http",
            "crate::schema",
            "crate::startup",
            "crate::cli",
        ],
    );
    assert!(
        found.is_empty(),
        "a domain reaches up a layer:\n{}",
        found.join("\n")
    );
}

/// The check itself works: a line that breaks the rule is found, a comment is not.
#[test]
fn the_layering_check_finds_an_upward_import() {
    let dir = std::env::temp_dir().join(format!("layering-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("inner")).unwrap();
    std::fs::write(
        dir.join("inner/bad.rs"),
        "//! mentions crate::domain in prose\nuse crate::domain::boards::Board;\n",
    )
    .unwrap();
    let found = offending_lines(&dir, ABOVE_CORE);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].ends_with("use crate::domain::boards::Board;"));
}

/// Whether `path` is a service file: `domain/<area>/service.rs` or under `domain/<area>/service/`.
fn is_service(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "service.rs")
        || path.components().any(|c| c.as_os_str() == "service")
}

/// What a service may not name: the GraphQL object machinery and output types. Services take
/// the request context and return models; the areas' GraphQL types wrap them.
fn graphql_in_services(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for file in rust_files(dir).into_iter().filter(|f| is_service(f)) {
        let text = std::fs::read_to_string(&file).expect("readable source");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            let graphql_machinery = ["Context<", "#[Object", "Object]", "ComplexObject", "Conn<"]
                .iter()
                .any(|f| code.contains(f));
            // Another area is reached through its service or the shared vocabulary only.
            let other_area = code.match_indices("crate::domain::").any(|(at, m)| {
                let rest = &code[at + m.len()..];
                let mut parts = rest.split("::");
                let area = parts.next().unwrap_or("");
                area != "types"
                    && parts
                        .next()
                        .is_some_and(|next| !next.starts_with("service"))
            });
            if graphql_machinery || other_area {
                found.push(format!("{}:{}: {}", file.display(), n + 1, code));
            }
        }
    }
    found
}

#[test]
fn services_use_no_graphql_types() {
    let services = rust_files(&src("domain"))
        .into_iter()
        .filter(|f| is_service(f))
        .count();
    assert!(
        services >= 8,
        "expected a service per area, found {services}"
    );
    let found = graphql_in_services(&src("domain"));
    assert!(
        found.is_empty(),
        "a service uses GraphQL types:\n{}",
        found.join("\n")
    );
}

/// The service check finds a GraphQL type reached from a service.
#[test]
fn the_service_check_finds_a_graphql_type() {
    let dir = std::env::temp_dir().join(format!("services-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("area")).unwrap();
    std::fs::write(
        dir.join("area/service.rs"),
        "use crate::domain::types::Rag;\nuse crate::domain::boards::service::list;\nuse crate::domain::boards::Board;\n",
    )
    .unwrap();
    let found = graphql_in_services(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].ends_with("use crate::domain::boards::Board;"));
}

/// Statements inside `impl …Mutation` blocks: a mutation resolver is one call into its service
/// (`service::op(ctx.req()?, input).await.map(Type)`), an expression without a `;`.
fn statements_in_mutation_roots(dir: &Path) -> (Vec<String>, usize) {
    let (mut found, mut roots) = (Vec::new(), 0);
    for file in rust_files(dir) {
        let text = std::fs::read_to_string(&file).expect("readable source");
        let mut inside = false;
        for (n, line) in text.lines().enumerate() {
            if line.starts_with("impl ") && line.contains("Mutation {") {
                inside = true;
                roots += 1;
            } else if inside && line.starts_with('}') {
                inside = false;
            } else if inside {
                let code = line.trim();
                if !code.starts_with("//") && code.ends_with(';') {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, code));
                }
            }
        }
    }
    (found, roots)
}

#[test]
fn every_mutation_resolver_is_one_call_into_its_service() {
    let (found, roots) = statements_in_mutation_roots(&src("domain"));
    assert!(
        roots >= 8,
        "expected the areas' mutation roots, found {roots}"
    );
    assert!(
        found.is_empty(),
        "a mutation resolver does more than delegate:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_resolver_check_finds_a_statement() {
    let dir = std::env::temp_dir().join(format!("resolvers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("mod.rs"),
        "impl ThingsMutation {\n    async fn a(&self) -> R {\n        service::a().await\n    }\n    async fn b(&self) -> R {\n        let rc = ctx.req()?;\n        service::b(rc).await\n    }\n}\n",
    )
    .unwrap();
    let (found, _) = statements_in_mutation_roots(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].ends_with("let rc = ctx.req()?;"));
}

/// The modules of the core that each core file names (`crate::core::<module>`), comments left
/// out.
fn core_imports(dir: &Path) -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<String> = rust_files(dir)
        .iter()
        .filter_map(|f| f.file_stem().map(|s| s.to_string_lossy().to_string()))
        .filter(|m| m != "mod")
        .collect();
    let mut graph = std::collections::BTreeMap::new();
    for file in rust_files(dir) {
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        if name == "mod" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable source");
        let mut names = BTreeSet::new();
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (at, m) in line.match_indices("crate::core::") {
                let rest = &line[at + m.len()..];
                let module: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if module != name && modules.contains(&module) {
                    names.insert(module);
                }
            }
        }
        graph.insert(name, names);
    }
    graph
}

/// A cycle in `graph`, as the modules along it, if there is one.
fn a_cycle(graph: &std::collections::BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &std::collections::BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_core_has_no_import_cycle() {
    let graph = core_imports(&src("core"));
    assert!(
        graph.len() >= 15,
        "expected the core's modules, found {}",
        graph.len()
    );
    if let Some(cycle) = a_cycle(&graph) {
        panic!("the core imports in a circle: {}", cycle.join(" -> "));
    }
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let dir = std::env::temp_dir().join(format!("cycles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.rs"), "use crate::core::b::B;\n").unwrap();
    std::fs::write(
        dir.join("b.rs"),
        "// crate::core::a in prose\nuse crate::core::c::C;\n",
    )
    .unwrap();
    std::fs::write(dir.join("c.rs"), "use crate::core::a::A;\n").unwrap();
    let graph = core_imports(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(a_cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
}
