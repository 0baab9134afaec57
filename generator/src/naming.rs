//! Every Rust name the generator chooses: case conversion, keyword escaping,
//! collision resolution and the `#[serde(rename)]` decision.
//!
//! This is the only module that calls `heck`.

use std::collections::HashSet;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers; most can be written raw (`r#type`).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers and get a trailing `_` instead.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// A namespace of the generated crate that already holds names before the
/// spec adds its own: a name reserved there is never handed to a schema,
/// operation or parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Type names in the generated `types` and `requests` modules (schemas,
    /// inline types, request builders): both modules use these unqualified.
    Type,
    /// Methods of `Client`: the runtime's, the generated constructor, and
    /// those of the traits it implements. Operations become methods here.
    ClientMethod,
    /// Methods and fields of every request builder. Parameters become both
    /// a field and a setter here.
    Builder,
    /// What a paginated builder (`x-pagination`) has besides.
    PaginatedBuilder,
    /// What a builder with a field selection (`x-field-selection`) has besides.
    SelectingBuilder,
    /// Methods of the generated structs and enums: the constructor, the
    /// enums' own, and those of the traits they derive. Field setters
    /// (`with_name`, `clear_name`) become methods here.
    TypeMethod,
}

/// One group of reserved names: the scope they are in and where they come
/// from.
#[derive(Debug)]
pub struct Reserved {
    /// The namespace the names are in.
    pub scope: Scope,
    /// Where they come from, for readers of this table.
    pub origin: &'static str,
    /// The names, as written in Rust.
    pub names: &'static [&'static str],
}

/// Every name the runtime, the emitters and Rust's prelude already use in a
/// namespace the spec's names go into: the one table lower reads. A
/// reserved type name gets `Type` appended ([`type_name`]), silently like a
/// keyword; a reserved method or parameter name is taken in the
/// [`Namespace`] from the start ([`Namespace::reserving`]), so the spec's
/// name gets a number and lower's collision warning.
///
/// `generator/tests/reserved_names.rs` reads the runtime's source and the
/// generated code, and fails when a name they define is missing here.
pub const RESERVED: &[Reserved] = &[
    Reserved {
        scope: Scope::Type,
        origin: "the Rust 2021 prelude (and 2024's `Future`, `IntoFuture`)",
        names: &[
            "AsMut", "AsRef", "Box", "Clone", "Copy", "Default", "DoubleEndedIterator", "Drop",
            "Eq", "Err", "ExactSizeIterator", "Extend", "Fn", "FnMut", "FnOnce", "From",
            "FromIterator", "Into", "IntoIterator", "Iterator", "None", "Ok", "Option", "Ord",
            "PartialEq", "PartialOrd", "Result", "Send", "Sized", "Some", "String", "Sync",
            "ToOwned", "ToString", "TryFrom", "TryInto", "Unpin", "Vec", "Future", "IntoFuture",
        ],
    },
    Reserved {
        scope: Scope::Type,
        origin: "derives the generated modules name",
        names: &["Debug", "Hash"],
    },
    Reserved {
        scope: Scope::Type,
        origin: "serde traits and derives the `types` module imports",
        names: &["Serialize", "Deserialize", "Deserializer", "Serializer"],
    },
    Reserved {
        scope: Scope::Type,
        origin: "serde_json's types: not named unqualified today, kept free so an emitter may",
        names: &["Value", "Map"],
    },
    Reserved {
        scope: Scope::Type,
        origin: "generic parameters of the generated impls",
        names: &["A", "D", "S", "T"],
    },
    Reserved {
        scope: Scope::Type,
        origin: "items the emitters generate",
        names: &["ErrorBody"],
    },
    Reserved {
        scope: Scope::Type,
        origin: "associated constants of the runtime's `Paginate` trait, which paginated builders define",
        names: &["ITEMS"],
    },
    Reserved {
        scope: Scope::Type,
        origin: "the runtime's types, re-exported at the crate root or imported by `requests`",
        names: &[
            "ApiError",
            "Attempt",
            "BoxStream",
            "Client",
            "ClientBuilder",
            "CustomFieldId",
            "CustomFields",
            "DecodeError",
            "Error",
            "InvalidCustomFieldId",
            "Multipart",
            "RateLimit",
            "Request",
            "Response",
            "ResponseFuture",
            "Stream",
            "StreamExt",
            "Timestamp",
            "TransportError",
            "TryStreamExt",
        ],
    },
    Reserved {
        scope: Scope::ClientMethod,
        origin: "the runtime's `impl Client` blocks and the generated constructor",
        // The runtime sends requests through free functions and methods of
        // its private `Inner`, so only the public API is here.
        names: &["new", "builder", "base_url"],
    },
    Reserved {
        scope: Scope::ClientMethod,
        origin: "traits `Client` implements (`Clone`, `Debug`)",
        names: &["clone", "clone_from", "fmt"],
    },
    Reserved {
        scope: Scope::Builder,
        origin: "methods every request builder has, its own and its traits' (`IntoFuture`, `Clone`, `Debug`)",
        names: &[
            "send",
            "send_with_response",
            "request",
            "into_future",
            "clone",
            "clone_from",
            "fmt",
        ],
    },
    Reserved {
        scope: Scope::Builder,
        origin: "fields every request builder may have besides its parameters",
        names: &["client", "body", "_output"],
    },
    Reserved {
        scope: Scope::PaginatedBuilder,
        origin: "the streams of a paginated builder and the runtime's `Paginate` trait",
        names: &["pages", "items", "fetch", "next_page", "next_page_json", "into_items"],
    },
    Reserved {
        scope: Scope::SelectingBuilder,
        origin: "the builder method that picks the fields of the answer",
        names: &["select"],
    },
    Reserved {
        scope: Scope::TypeMethod,
        origin: "the methods the emitters write on structs and enums (`new` takes a struct's required fields; `as_str` and `from` are a string enum's)",
        names: &["new", "as_str", "from"],
    },
    Reserved {
        scope: Scope::TypeMethod,
        origin: "traits the generated types derive or implement (`Debug`, `Clone`, `PartialEq`, `Eq`, `Hash`, `Default`, `Display`, `Serialize`, `Deserialize`, the runtime's `wire::Object`)",
        names: &[
            "fmt",
            "clone",
            "clone_from",
            "eq",
            "ne",
            "hash",
            "default",
            "serialize",
            "deserialize",
            "visit",
            "to_string",
        ],
    },
];

/// Whether `name` is reserved in `scope`.
pub fn is_reserved(scope: Scope, name: &str) -> bool {
    reserved(&[scope]).any(|n| n == unraw(name))
}

/// Every name reserved in any of `scopes`.
pub fn reserved(scopes: &[Scope]) -> impl Iterator<Item = &'static str> + '_ {
    RESERVED
        .iter()
        .filter(|group| scopes.contains(&group.scope))
        .flat_map(|group| group.names.iter().copied())
}

/// The scopes a request builder's parameters must stay out of.
pub fn builder_scopes(paginated: bool, selecting: bool) -> Vec<Scope> {
    let mut scopes = vec![Scope::Builder];
    if paginated {
        scopes.push(Scope::PaginatedBuilder);
    }
    if selecting {
        scopes.push(Scope::SelectingBuilder);
    }
    scopes
}

/// Whether `word` is a Rust keyword (strict, reserved or weak-but-problematic).
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Spells out the symbols that case conversion would drop, for names made
/// only of symbols (enum values such as `+` or `<=`).
fn spell_symbols(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        let word = match c {
            '+' => "plus",
            '-' => "minus",
            '*' => "star",
            '/' => "slash",
            '<' => "lt",
            '>' => "gt",
            '=' => "eq",
            '!' => "not",
            '.' => "dot",
            '@' => "at",
            '#' => "hash",
            '%' => "percent",
            '&' => "and",
            '|' => "or",
            '~' => "tilde",
            '$' => "dollar",
            '?' => "question",
            ' ' | '_' => "",
            c if c.is_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "",
        };
        if !word.is_empty() {
            out.push(' ');
            out.push_str(word);
            out.push(' ');
        }
    }
    out
}

/// Keeps only characters that may appear in an identifier; case conversion
/// has already split words on everything else.
fn only_ident_chars(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

fn camel(raw: &str) -> String {
    let mut name = only_ident_chars(&raw.to_upper_camel_case());
    if name.is_empty() {
        name = only_ident_chars(&spell_symbols(raw).to_upper_camel_case());
    }
    name
}

fn snake(raw: &str) -> String {
    let mut name = only_ident_chars(&raw.to_snake_case());
    if name.is_empty() {
        name = only_ident_chars(&spell_symbols(raw).to_snake_case());
    }
    name
}

/// An UpperCamelCase type name for `raw` (not yet unique).
pub fn type_name(raw: &str) -> String {
    let mut name = camel(raw);
    if name.is_empty() {
        name = "Unnamed".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'T');
    }
    if is_reserved(Scope::Type, &name) || is_keyword(&name) {
        name.push_str("Type");
    }
    name
}

/// An UpperCamelCase enum variant name for the wire value `raw`.
pub fn variant_name(raw: &str) -> String {
    let mut name = camel(raw);
    if name.is_empty() {
        name = if raw.is_empty() {
            "Empty".to_owned()
        } else {
            "Value".to_owned()
        };
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push('_');
    }
    name
}

/// A snake_case name for a field, parameter or method, escaped when it is a
/// keyword (`r#type`, or `self_` where a raw identifier is not allowed).
pub fn value_name(raw: &str) -> String {
    let mut name = snake(raw);
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    } else if is_keyword(&name) {
        name.insert_str(0, "r#");
    }
    name
}

/// The name as written in source, without a raw-identifier prefix.
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// The candidate names of a struct field's setter and of the method that
/// sets it to `null`: `with_name` and `clear_name` (leading and trailing
/// underscores dropped, so `_kind` gives `with_kind`, never `with__kind`).
pub fn setter_names(field: &str) -> (String, String) {
    let base = unraw(field).trim_matches('_');
    (format!("with_{base}"), format!("clear_{base}"))
}

/// The crate (package) name for a spec title, in kebab-case.
pub fn crate_name(title: &str) -> String {
    let name = snake(title).replace('_', "-");
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-{name}").trim_end_matches('-').to_owned()
    } else {
        name
    }
}

/// The environment variable the generated docs read a credential from:
/// the crate's name without a trailing `-api`, then `_API_` and `what`
/// (`close-api`, `KEY` → `CLOSE_API_KEY`).
pub fn env_var(crate_name: &str, what: &str) -> String {
    let base = crate_name.to_shouty_snake_case();
    let base = match base.strip_suffix("API") {
        Some(rest) if rest.is_empty() || rest.ends_with('_') => rest.trim_end_matches('_'),
        _ => &base,
    };
    if base.is_empty() {
        format!("API_{what}")
    } else {
        format!("{base}_API_{what}")
    }
}

/// The library name of a crate (`close-api` → `close_api`).
pub fn lib_name(crate_name: &str) -> String {
    crate_name.replace('-', "_")
}

/// The name of an inline schema, from the names around it (`Lead` +
/// `addresses` + `Item` → `LeadAddressesItem`).
pub fn nested_type_name(parent: &str, part: &str) -> String {
    type_name(&format!("{parent} {}", camel(part)))
}

/// A set of names in one namespace that hands out unique names.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: HashSet<String>,
}

impl Namespace {
    /// A namespace in which the names [`RESERVED`] in `scopes` are already
    /// taken.
    pub fn reserving(scopes: &[Scope]) -> Self {
        Namespace {
            taken: reserved(scopes).map(str::to_owned).collect(),
        }
    }

    /// Whether `name` is already handed out.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(unraw(name))
    }

    /// Takes `candidate`, or the first free `candidate2`, `candidate3`, ….
    /// Returns the name and whether it had to be changed.
    pub fn claim(&mut self, candidate: &str) -> (String, bool) {
        if self.taken.insert(unraw(candidate).to_owned()) {
            return (candidate.to_owned(), false);
        }
        let base = unraw(candidate);
        let separator = if base.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        for n in 2.. {
            let name = format!("{base}{separator}{n}");
            if self.taken.insert(name.clone()) {
                return (name, true);
            }
        }
        unreachable!("the loop above only ends by returning a free name")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(type_name("field-errors"), "FieldErrors");
        assert_eq!(type_name("lead"), "Lead");
        assert_eq!(type_name("200"), "T200");
        assert_eq!(type_name("Error"), "ErrorType");
        assert_eq!(value_name("type"), "r#type");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("field-errors"), "field_errors");
        assert_eq!(value_name("_limit"), "limit");
        assert_eq!(value_name("2fa"), "_2fa");
        assert_eq!(value_name("dateCreated"), "date_created");
        assert_eq!(variant_name("one_time"), "OneTime");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("+"), "Plus");
        assert_eq!(variant_name("<="), "LtEq");
        assert_eq!(variant_name("1"), "V1");
        assert_eq!(crate_name("Close API"), "close-api");
        assert_eq!(crate_name("Swagger Petstore"), "swagger-petstore");
        assert_eq!(nested_type_name("Lead", "addresses"), "LeadAddresses");
        assert_eq!(env_var("close-api", "KEY"), "CLOSE_API_KEY");
        assert_eq!(
            env_var("golden-security", "TOKEN"),
            "GOLDEN_SECURITY_API_TOKEN"
        );
        assert_eq!(env_var("api", "KEY"), "API_KEY");
    }

    #[test]
    fn reserved_type_names_get_a_suffix() {
        for name in [
            "Serialize",
            "Deserialize",
            "Result",
            "Option",
            "Vec",
            "Box",
            "String",
        ] {
            assert_eq!(type_name(name), format!("{name}Type"));
        }
        for name in [
            "Client",
            "Request",
            "Response",
            "Timestamp",
            "Stream",
            "ErrorBody",
        ] {
            assert_eq!(type_name(name), format!("{name}Type"));
        }
        // Case conversion comes first: the operation `request` would be the
        // builder `Request`, which `requests` imports.
        assert_eq!(type_name("request"), "RequestType");
        assert_eq!(type_name("into_future"), "IntoFutureType");
        assert_eq!(type_name("t"), "TType");
        assert_eq!(type_name("Lead"), "Lead");
        assert_eq!(type_name("Results"), "Results");
    }

    #[test]
    fn scopes_are_apart() {
        assert!(is_reserved(Scope::ClientMethod, "base_url"));
        assert!(!is_reserved(Scope::Builder, "base_url"));
        assert!(is_reserved(Scope::Builder, "send"));
        assert!(!is_reserved(Scope::ClientMethod, "send"));
        assert!(!is_reserved(Scope::Type, "send"));
        assert!(is_reserved(Scope::Builder, "r#body"));
        assert!(!is_reserved(Scope::Builder, "pages"));
        assert!(is_reserved(Scope::PaginatedBuilder, "pages"));
        assert!(is_reserved(Scope::SelectingBuilder, "select"));
    }

    #[test]
    fn builder_scopes_follow_the_extensions() {
        assert_eq!(builder_scopes(false, false), [Scope::Builder]);
        assert_eq!(
            builder_scopes(true, true),
            [
                Scope::Builder,
                Scope::PaginatedBuilder,
                Scope::SelectingBuilder
            ]
        );
        assert_eq!(
            builder_scopes(false, true),
            [Scope::Builder, Scope::SelectingBuilder]
        );
    }

    #[test]
    fn reserving_namespaces_number_the_spec_names() {
        let mut methods = Namespace::reserving(&[Scope::ClientMethod]);
        assert_eq!(methods.claim("builder"), ("builder2".to_owned(), true));
        assert_eq!(methods.claim("execute"), ("execute".to_owned(), false));
        assert_eq!(methods.claim("send"), ("send".to_owned(), false));
        let mut setters = Namespace::reserving(&builder_scopes(false, false));
        assert_eq!(setters.claim("body"), ("body2".to_owned(), true));
        assert_eq!(setters.claim("items"), ("items".to_owned(), false));
        let mut setters = Namespace::reserving(&builder_scopes(true, false));
        assert_eq!(setters.claim("items"), ("items2".to_owned(), true));
    }

    #[test]
    fn every_reserved_name_is_an_identifier_in_one_place() {
        for group in RESERVED {
            assert!(!group.names.is_empty(), "{group:?}");
            for name in group.names {
                assert!(!is_keyword(name), "`{name}` is a keyword, escaped anyway");
                assert!(
                    name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "`{name}` is not an identifier"
                );
                let case_ok = match group.scope {
                    Scope::Type => name.starts_with(|c: char| c.is_ascii_uppercase()),
                    _ => !name.contains(|c: char| c.is_ascii_uppercase()),
                };
                assert!(case_ok, "`{name}` cannot collide in {:?}", group.scope);
                let copies = RESERVED
                    .iter()
                    .filter(|g| g.scope == group.scope && g.names.contains(name))
                    .map(|g| g.names.iter().filter(|n| *n == name).count())
                    .sum::<usize>();
                assert_eq!(
                    copies, 1,
                    "`{name}` is listed {copies} times in {:?}",
                    group.scope
                );
            }
        }
    }

    #[test]
    fn collisions_get_numbers() {
        let mut ns = Namespace::default();
        assert_eq!(ns.claim("Lead"), ("Lead".to_owned(), false));
        assert_eq!(ns.claim("Lead"), ("Lead2".to_owned(), true));
        assert_eq!(ns.claim("V1"), ("V1".to_owned(), false));
        assert_eq!(ns.claim("V1"), ("V1_2".to_owned(), true));
    }
}
