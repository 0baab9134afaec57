//! Every Rust name the generator chooses: case conversion, keyword escaping,
//! collision resolution and the `#[serde(rename)]` decision.
//!
//! This is the only module that calls `heck`.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

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

/// Type names that would shadow what generated code uses unqualified.
const RESERVED_TYPES: &[&str] = &[
    "Client",
    "ClientBuilder",
    "Error",
    "ApiError",
    "ErrorBody",
    "Result",
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Timestamp",
    "Value",
    "Map",
    "Default",
];

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
    if RESERVED_TYPES.contains(&name.as_str()) || is_keyword(&name) {
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

/// Whether a field needs `#[serde(rename = "...")]`: only when its Rust name,
/// read as serde reads it, differs from the wire name.
pub fn needs_rename(rust_name: &str, wire_name: &str) -> bool {
    unraw(rust_name) != wire_name
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
    /// A namespace in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
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
    }

    #[test]
    fn rename_only_when_needed() {
        assert!(!needs_rename("r#type", "type"));
        assert!(needs_rename("field_errors", "field-errors"));
        assert!(!needs_rename("name", "name"));
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
