//! `naming::RESERVED` holds every name the runtime and the emitters define
//! where a spec's names go. Nothing here lists today's names: they are read
//! from the runtime's source (`src/emit/runtime/*.rs`, parsed with `syn`) and
//! from the crates the fixtures and the Close spec generate, so a method
//! added to an `impl Client` block, a new re-export or a new import in a
//! generated module fails this test until the table has it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use generator::ir::{Api, TypeKind};
use generator::naming::{self, Scope};
use generator::Options;
use proc_macro2::{Delimiter, TokenStream, TokenTree};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_owned()
}

/// The runtime's source, parsed.
struct Runtime {
    /// Every file, by module name.
    files: BTreeMap<String, syn::File>,
    /// The traits it defines, with every method they declare.
    traits: BTreeMap<String, Vec<String>>,
    /// The macros it defines with `macro_rules!`, by name.
    macros: BTreeMap<String, TokenStream>,
}

fn runtime() -> Runtime {
    let dir = root().join("src/emit/runtime");
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("the runtime lives in src/emit/runtime") {
        let path = entry.expect("a readable directory entry").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a runtime file is readable");
        let file = syn::parse_file(&text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
        let module = path.file_stem().expect("a file name").to_string_lossy();
        files.insert(module.into_owned(), file);
    }
    assert!(
        files.contains_key("client"),
        "no runtime found in {}",
        dir.display()
    );
    let items = || files.values().flat_map(|f| &f.items);
    let traits = items()
        .filter_map(|item| match item {
            syn::Item::Trait(t) => Some((t.ident.to_string(), trait_methods(t))),
            _ => None,
        })
        .collect();
    let macros = files.values().flat_map(|f| macros_of(&f.items)).collect();
    Runtime {
        files,
        traits,
        macros,
    }
}

/// One generated crate: its IR and its files by path.
struct Generated {
    spec: String,
    api: Api,
    files: BTreeMap<String, String>,
}

impl Generated {
    /// The file at `path`, parsed; `None` when the crate has none (a spec
    /// without operations gets no `requests.rs`).
    fn parsed(&self, path: &str) -> Option<syn::File> {
        let text = self.files.get(path)?;
        Some(
            syn::parse_file(text)
                .unwrap_or_else(|e| panic!("{}: {path} does not parse: {e}", self.spec)),
        )
    }
}

/// Every fixture and the Close spec, generated: between them they use every
/// feature of the runtime and the emitters.
fn generated() -> Vec<Generated> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root().join("../tests/fixtures"))
        .expect("the fixtures live in tests/fixtures")
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    specs.push(root().join("../spec/close.yaml"));
    specs
        .iter()
        .map(|path| {
            let spec = path
                .file_name()
                .expect("a file name")
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(path).expect("a spec is readable");
            let options = Options {
                spec_file: spec.clone(),
                crate_name: None,
                command: "test".to_owned(),
                deny_warnings: false,
            };
            // A split spec's other files are named relative to it.
            let dir = path.parent().expect("a spec is in a directory");
            let read =
                |name: &str| std::fs::read_to_string(dir.join(name)).map_err(|e| e.to_string());
            let document = generator::load::load_files(&spec, &text, &read)
                .unwrap_or_else(|e| panic!("{spec} does not load:\n{e}"));
            let (api, _) = generator::lower::lower_loaded(&document.api, &document.refs, &options)
                .unwrap_or_else(|e| panic!("{spec} does not lower:\n{e}"));
            let files = generator::generate_files(&text, &options, &read)
                .unwrap_or_else(|e| panic!("{spec} does not generate:\n{e}"))
                .files
                .into_iter()
                .map(|f| (f.path, f.contents))
                .collect();
            Generated { spec, api, files }
        })
        .collect()
}

fn last_segment(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// The name of the type an impl block is for (`Client`, `ListItems`).
fn self_name(item: &syn::ItemImpl) -> Option<String> {
    match &*item.self_ty {
        syn::Type::Path(p) => Some(last_segment(&p.path)),
        _ => None,
    }
}

/// The methods a trait of `std` gives the types that implement it. A trait
/// missing here fails the test, so that its methods are considered.
fn std_trait_methods(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "Clone" => &["clone", "clone_from"],
        "Debug" | "Display" => &["fmt"],
        "Default" => &["default"],
        "PartialEq" => &["eq", "ne"],
        "Eq" | "Copy" | "Send" | "Sync" => &[],
        "Hash" => &["hash"],
        "IntoFuture" => &["into_future"],
        "Future" => &["poll"],
        "Drop" => &["drop"],
        "From" => &["from"],
        // serde's, which the generated types implement.
        "Serialize" => &["serialize"],
        "Deserialize" => &["deserialize"],
        _ => return None,
    })
}

/// Every function name a trait declares, provided or not.
fn trait_methods(item: &syn::ItemTrait) -> Vec<String> {
    item.items
        .iter()
        .filter_map(|i| match i {
            syn::TraitItem::Fn(f) => Some(f.sig.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// What a macro's tokens write: every `fn NAME`, and the trait of every
/// `impl TRAIT for ...` (its last name outside `<...>`).
fn written_by(tokens: TokenStream, fns: &mut Vec<String>, traits: &mut Vec<String>) {
    let mut after_fn = false;
    // In an impl's header: the depth of `<` and the last name outside them.
    let mut header: Option<(i32, Option<String>)> = None;
    for tree in tokens {
        match tree {
            TokenTree::Ident(ident) => {
                let text = ident.to_string();
                if after_fn {
                    fns.push(text.clone());
                }
                after_fn = text == "fn";
                if text == "impl" {
                    header = Some((0, None));
                } else if let Some((depth, last)) = &mut header {
                    if *depth == 0 && text == "for" {
                        traits.extend(last.take());
                        header = None;
                    } else if *depth == 0 {
                        *last = Some(text);
                    }
                }
            }
            TokenTree::Punct(p) => {
                after_fn = false;
                if let Some((depth, _)) = &mut header {
                    match p.as_char() {
                        '<' => *depth += 1,
                        '>' => *depth -= 1,
                        _ => {}
                    }
                }
            }
            TokenTree::Group(group) => {
                after_fn = false;
                if group.delimiter() == Delimiter::Brace {
                    header = None;
                }
                written_by(group.stream(), fns, traits);
            }
            TokenTree::Literal(_) => after_fn = false,
        }
    }
}

/// Whether `tokens` name `name` anywhere.
fn mentions(tokens: TokenStream, name: &str) -> bool {
    tokens.into_iter().any(|tree| match tree {
        TokenTree::Ident(ident) => ident == name,
        TokenTree::Group(group) => mentions(group.stream(), name),
        _ => false,
    })
}

/// Whether a token stream holds `impl ... NAME` (a macro that writes an
/// impl block for `NAME`).
fn impls_in_tokens(tokens: TokenStream, name: &str) -> bool {
    let mut in_impl = false;
    for tree in tokens {
        match tree {
            TokenTree::Ident(ident) if ident == "impl" => in_impl = true,
            TokenTree::Ident(ident) if in_impl && ident == name => return true,
            TokenTree::Group(group) => {
                let found = impls_in_tokens(group.stream(), name);
                if found {
                    return true;
                }
                // An impl's header ends at its body.
                in_impl &= group.delimiter() != Delimiter::Brace;
            }
            _ => {}
        }
    }
    false
}

/// The macros a file defines with `macro_rules!`, by name.
fn macros_of(items: &[syn::Item]) -> BTreeMap<String, TokenStream> {
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Macro(m) if m.mac.path.is_ident("macro_rules") => {
                Some((m.ident.as_ref()?.to_string(), m.mac.tokens.clone()))
            }
            _ => None,
        })
        .collect()
}

/// Every method `items` give the type `name`: its inherent methods (also
/// those a macro writes, whether `macros` or `items` define it), the methods
/// of the traits it implements or derives, and, for a struct, its fields.
fn members(items: &[syn::Item], name: &str, runtime: &Runtime, context: &str) -> BTreeSet<String> {
    let mut macros = runtime.macros.clone();
    macros.extend(macros_of(items));
    let mut found = BTreeSet::new();
    let add_trait = |trait_name: &str, found: &mut BTreeSet<String>| {
        if let Some(methods) = runtime.traits.get(trait_name) {
            found.extend(methods.iter().cloned());
        } else if let Some(methods) = std_trait_methods(trait_name) {
            found.extend(methods.iter().map(|m| (*m).to_owned()));
        } else {
            panic!(
                "{context}: `{name}` implements `{trait_name}`, whose methods this test does not know; add them to `std_trait_methods`"
            );
        }
    };
    // What a macro writes, from its invocation and its definition.
    let add_macro = |tokens: Vec<TokenStream>, found: &mut BTreeSet<String>| {
        let (mut fns, mut traits) = (Vec::new(), Vec::new());
        for tokens in tokens {
            written_by(tokens, &mut fns, &mut traits);
        }
        found.extend(fns);
        for t in traits {
            add_trait(&t, found);
        }
    };
    for item in items {
        match item {
            syn::Item::Impl(block) if self_name(block).as_deref() == Some(name) => {
                if let Some((_, path, _)) = &block.trait_ {
                    add_trait(&last_segment(path), &mut found);
                }
                for member in &block.items {
                    match member {
                        syn::ImplItem::Fn(f) => {
                            found.insert(f.sig.ident.to_string());
                        }
                        syn::ImplItem::Macro(m) => {
                            let mut tokens = vec![m.mac.tokens.clone()];
                            tokens.extend(macros.get(&last_segment(&m.mac.path)).cloned());
                            add_macro(tokens, &mut found);
                        }
                        _ => {}
                    }
                }
            }
            syn::Item::Struct(s) if s.ident == name => {
                for attr in &s.attrs {
                    if attr.path().is_ident("derive") {
                        attr.parse_nested_meta(|meta| {
                            add_trait(&last_segment(&meta.path), &mut found);
                            Ok(())
                        })
                        .expect("a derive lists paths");
                    }
                }
                found.extend(
                    s.fields
                        .iter()
                        .filter_map(|f| Some(f.ident.as_ref()?.to_string())),
                );
            }
            // A macro that writes an impl block for `name` itself.
            syn::Item::Macro(m)
                if m.mac.path.is_ident("macro_rules")
                    && impls_in_tokens(m.mac.tokens.clone(), name) =>
            {
                add_macro(vec![m.mac.tokens.clone()], &mut found);
            }
            // A macro invoked for `name`, such as `builder!(ListItems, ...)`.
            syn::Item::Macro(m)
                if !m.mac.path.is_ident("macro_rules") && mentions(m.mac.tokens.clone(), name) =>
            {
                let definition = macros.get(&last_segment(&m.mac.path)).cloned();
                add_macro(definition.into_iter().collect(), &mut found);
            }
            _ => {}
        }
    }
    found
}

/// Fails with every name of `found` that `scopes` do not reserve.
fn assert_reserved(found: &BTreeMap<String, BTreeSet<String>>, scopes: &[Scope], what: &str) {
    let missing: Vec<String> = found
        .iter()
        .filter(|(name, _)| !scopes.iter().any(|s| naming::is_reserved(*s, name)))
        .map(|(name, whence)| {
            format!(
                "`{name}` ({})",
                Vec::from_iter(whence.iter().cloned()).join(", ")
            )
        })
        .collect();
    assert!(
        missing.is_empty(),
        "{what}, but `naming::RESERVED` does not reserve them in {scopes:?}:\n  {}",
        missing.join("\n  ")
    );
}

fn note(
    found: &mut BTreeMap<String, BTreeSet<String>>,
    names: impl IntoIterator<Item = String>,
    whence: &str,
) {
    for name in names {
        found.entry(name).or_default().insert(whence.to_owned());
    }
}

#[test]
fn every_method_of_client_is_reserved() {
    let runtime = runtime();
    let mut found = BTreeMap::new();
    for (module, file) in &runtime.files {
        let whence = format!("runtime/{module}.rs");
        note(
            &mut found,
            members(&file.items, "Client", &runtime, &whence),
            &whence,
        );
    }
    // Fields are not methods: `client.inner` and `client.inner()` differ.
    let fields: BTreeSet<String> = runtime
        .files
        .values()
        .flat_map(|f| &f.items)
        .filter_map(|i| match i {
            syn::Item::Struct(s) if s.ident == "Client" => Some(&s.fields),
            _ => None,
        })
        .flatten()
        .filter_map(|f| Some(f.ident.as_ref()?.to_string()))
        .collect();
    found.retain(|name, _| !fields.contains(name));
    assert!(
        found.contains_key("builder"),
        "the runtime's `impl Client` was not found: {found:?}"
    );
    for crate_ in generated() {
        let operations: BTreeSet<&str> = crate_
            .api
            .operations
            .iter()
            .map(|op| naming::unraw(&op.method_name))
            .collect();
        let Some(requests) = crate_.parsed("src/requests.rs") else {
            continue;
        };
        let generated = members(&requests.items, "Client", &runtime, &crate_.spec);
        let whence = format!("{}: requests.rs", crate_.spec);
        note(
            &mut found,
            generated
                .into_iter()
                .filter(|m| !operations.contains(naming::unraw(m))),
            &whence,
        );
    }
    assert_reserved(&found, &[Scope::ClientMethod], "`Client` has these methods");
}

#[test]
fn every_member_of_a_builder_is_reserved() {
    let runtime = runtime();
    // Which scopes reserve the builder's names depends on the operation.
    let mut found: BTreeMap<Vec<Scope>, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for crate_ in generated() {
        let Some(requests) = crate_.parsed("src/requests.rs") else {
            assert!(
                crate_.api.operations.is_empty(),
                "{}: operations but no requests.rs",
                crate_.spec
            );
            continue;
        };
        for op in &crate_.api.operations {
            let parameters: BTreeSet<&str> = op
                .parameters
                .iter()
                .map(|p| naming::unraw(&p.rust_name))
                .collect();
            let members = members(&requests.items, &op.builder_name, &runtime, &crate_.spec);
            assert!(
                members.contains("send"),
                "{}: the builder `{}` was not found in requests.rs",
                crate_.spec,
                op.builder_name
            );
            let scopes = naming::builder_scopes(op.pagination.is_some(), op.selection.is_some());
            let whence = format!("{}: {}", crate_.spec, op.builder_name);
            note(
                found.entry(scopes).or_default(),
                members
                    .into_iter()
                    .filter(|m| !parameters.contains(naming::unraw(m))),
                &whence,
            );
        }
    }
    assert!(
        found.keys().any(|s| s.contains(&Scope::PaginatedBuilder))
            && found.keys().any(|s| s.contains(&Scope::SelectingBuilder)),
        "the specs no longer have a paginated and a selecting operation: {:?}",
        found.keys().collect::<Vec<_>>()
    );
    for (scopes, names) in &found {
        assert_reserved(
            names,
            scopes,
            "request builders have these methods or fields",
        );
    }
}

/// Whether `tokens` at `i` is a lone `=` (not `==` or `=>`).
fn is_lone_eq(trees: &[TokenTree], i: usize) -> bool {
    match trees.get(i) {
        Some(TokenTree::Punct(p)) if p.as_char() == '=' => match trees.get(i + 1) {
            Some(TokenTree::Punct(next)) => {
                p.spacing() == proc_macro2::Spacing::Alone || !matches!(next.as_char(), '=' | '>')
            }
            _ => true,
        },
        _ => false,
    }
}

/// The capitalised names `tokens` use unqualified (not after `::`), leaving
/// out definitions that are in a namespace of their own: enum variants,
/// associated types and associated-type bindings (`type Output =`,
/// `Item = T`).
fn unqualified(tokens: TokenStream, enum_body: bool, out: &mut BTreeSet<String>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    // In an enum's body, the first identifier of each variant names it.
    let mut variant_start = enum_body;
    let mut after_enum = false;
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let after_path = i >= 2
                    && matches!((&trees[i - 2], &trees[i - 1]),
                        (TokenTree::Punct(a), TokenTree::Punct(b)) if a.as_char() == ':' && b.as_char() == ':');
                if name == "enum" {
                    after_enum = true;
                }
                if variant_start {
                    variant_start = false;
                    continue;
                }
                if name.starts_with(|c: char| c.is_ascii_uppercase())
                    && name != "Self"
                    && !after_path
                    && !is_lone_eq(&trees, i + 1)
                {
                    out.insert(name);
                }
            }
            TokenTree::Group(group) => {
                // `#[...]` before a variant keeps the variant's start.
                let is_enum_body = after_enum && group.delimiter() == Delimiter::Brace;
                if is_enum_body {
                    after_enum = false;
                }
                unqualified(group.stream(), is_enum_body, out);
            }
            TokenTree::Punct(p) => {
                if enum_body && p.as_char() == ',' {
                    variant_start = true;
                }
            }
            TokenTree::Literal(_) => {}
        }
    }
}

/// The names `pub use` brings into a module, a glob of a runtime module
/// standing for that module's public items.
fn use_names(
    tree: &syn::UseTree,
    runtime: &BTreeMap<String, syn::File>,
    out: &mut BTreeSet<String>,
) {
    match tree {
        syn::UseTree::Path(p) => match &*p.tree {
            syn::UseTree::Glob(_) => {
                let module = runtime.get(&p.ident.to_string()).unwrap_or_else(|| {
                    panic!(
                        "`pub use {}::*` of a module that is not in the runtime",
                        p.ident
                    )
                });
                for item in &module.items {
                    let (vis, ident) = match item {
                        syn::Item::Struct(i) => (&i.vis, &i.ident),
                        syn::Item::Enum(i) => (&i.vis, &i.ident),
                        syn::Item::Type(i) => (&i.vis, &i.ident),
                        syn::Item::Trait(i) => (&i.vis, &i.ident),
                        syn::Item::Fn(i) => (&i.vis, &i.sig.ident),
                        syn::Item::Const(i) => (&i.vis, &i.ident),
                        _ => continue,
                    };
                    if matches!(vis, syn::Visibility::Public(_)) {
                        out.insert(ident.to_string());
                    }
                }
            }
            tree => use_names(tree, runtime, out),
        },
        syn::UseTree::Name(n) => {
            out.insert(n.ident.to_string());
        }
        syn::UseTree::Rename(r) => {
            out.insert(r.rename.to_string());
        }
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_names(t, runtime, out)),
        syn::UseTree::Glob(_) => panic!("a glob `pub use` outside a runtime module"),
    }
}

#[test]
fn every_type_name_the_generated_modules_use_is_reserved() {
    let runtime = runtime();
    let mut found = BTreeMap::new();
    for crate_ in generated() {
        // What the spec names itself is not shadowed, it is the point.
        let own: BTreeSet<&str> = crate_
            .api
            .types
            .iter()
            .map(|t| t.name.as_str())
            .chain(
                crate_
                    .api
                    .operations
                    .iter()
                    .map(|op| op.builder_name.as_str()),
            )
            .collect();
        for module in ["types", "requests"] {
            let path = format!("src/{module}.rs");
            let Some(text) = crate_.files.get(&path) else {
                continue;
            };
            let tokens: TokenStream = text
                .parse()
                .unwrap_or_else(|e| panic!("{}: {path} does not lex: {e}", crate_.spec));
            let mut used = BTreeSet::new();
            unqualified(tokens, false, &mut used);
            used.retain(|name| !own.contains(name.as_str()));
            note(&mut found, used, &format!("used in {module}.rs"));
        }
        let lib = crate_
            .parsed("src/lib.rs")
            .unwrap_or_else(|| panic!("{}: every crate has a lib.rs", crate_.spec));
        let mut exported = BTreeSet::new();
        for item in &lib.items {
            if let syn::Item::Use(u) = item {
                if matches!(u.vis, syn::Visibility::Public(_)) {
                    use_names(&u.tree, &runtime.files, &mut exported);
                }
            }
        }
        // A re-exported module (`stream`) shares the type namespace, but
        // every type name the generator gives is UpperCamelCase: only
        // capitalised names can collide.
        exported.retain(|name| name.starts_with(|c: char| c.is_ascii_uppercase()));
        note(&mut found, exported, "re-exported by lib.rs");
    }
    assert!(
        found.contains_key("Option"),
        "no generated code was read: {found:?}"
    );
    assert_reserved(
        &found,
        &[Scope::Type],
        "the generated modules use these type names",
    );
}

/// The reader above finds members the way the runtime rewrite may write
/// them: through `macro_rules!`, invoked per builder or inside `impl Client`.
#[test]
fn members_written_by_macros_are_found() {
    let source = r#"
        macro_rules! builder {
            ($name:ident) => {
                impl<'a> $name<'a> {
                    pub fn send(self) {}
                }
                impl<'a> crate::pagination::Paginate<'a> for $name<'a> {}
                impl<'a, T: Send> std::future::IntoFuture for $name<'a> {}
            };
        }
        macro_rules! senders {
            () => {
                fn send_json(&self) {}
            };
        }
        builder!(ListItems);
        impl Client {
            senders!();
            fn execute(&self) {}
        }
        #[derive(Clone)]
        pub struct ListItems<'a> {
            client: &'a Client,
        }
    "#;
    let file = syn::parse_file(source).expect("the snippet parses");
    let runtime = Runtime {
        files: BTreeMap::new(),
        traits: BTreeMap::from([("Paginate".to_owned(), vec!["fetch".to_owned()])]),
        macros: BTreeMap::new(),
    };
    let builder = members(&file.items, "ListItems", &runtime, "snippet");
    let expected = [
        "client",
        "clone",
        "clone_from",
        "fetch",
        "into_future",
        "send",
    ];
    assert_eq!(Vec::from_iter(builder), expected);
    let client = members(&file.items, "Client", &runtime, "snippet");
    assert_eq!(Vec::from_iter(client), ["execute", "send_json"]);
}

#[test]
fn every_method_of_a_generated_type_is_reserved() {
    let runtime = runtime();
    let mut found = BTreeMap::new();
    let mut setters_found = 0;
    for crate_ in generated() {
        let types = crate_
            .parsed("src/types.rs")
            .unwrap_or_else(|| panic!("{}: every crate has a types.rs", crate_.spec));
        for def in &crate_.api.types {
            let mut own: BTreeSet<String> = BTreeSet::new();
            if let TypeKind::Struct(s) = &def.kind {
                // Fields are not methods, and the setters lower named are
                // the spec's own names in the methods' namespace.
                for f in &s.fields {
                    own.insert(naming::unraw(&f.rust_name).to_owned());
                    for method in f.setter.iter().chain(&f.clear) {
                        assert!(
                            !naming::is_reserved(Scope::TypeMethod, method),
                            "{}: the setter `{method}` of `{}` is a reserved method name",
                            crate_.spec,
                            def.name
                        );
                        own.insert(method.clone());
                        setters_found += 1;
                    }
                }
                own.insert(naming::unraw(&s.extra_name).to_owned());
                own.extend(s.custom_fields.iter().map(|c| naming::unraw(c).to_owned()));
            }
            let members = members(&types.items, &def.name, &runtime, &crate_.spec);
            let whence = format!("{}: {}", crate_.spec, def.name);
            note(
                &mut found,
                members
                    .into_iter()
                    .filter(|m| !own.contains(naming::unraw(m))),
                &whence,
            );
        }
    }
    assert!(
        found.contains_key("new") && found.contains_key("as_str") && setters_found > 0,
        "the generated types' methods were not found: {found:?}"
    );
    assert_reserved(
        &found,
        &[Scope::TypeMethod],
        "the generated types have these methods",
    );
}
