//! Items of a fixed shape, written as formatted text.
//!
//! Parsing token streams into `syn` and printing them with `prettyplease` is
//! most of the generator's time, and much of what it prints has one shape
//! with only names changing. Such items are written here directly, as the
//! characters `prettyplease` prints for the tokens the token emitter builds
//! for them. A line that could be long enough for `prettyplease` to break it
//! (or a name that needs escaping in a literal) makes the writer give up
//! (`None`), and the caller emits the tokens instead. A test checks, over
//! the fixtures and the real specs, that each text is what formatting the
//! tokens prints.

use std::fmt::Write;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

use super::requests::{BuilderStruct, MethodPlan, SendPlan, SEND_WITH_RESPONSE_DOCS};
use super::types::{StructDecode, StructShape};
use crate::ir::{EnumDef, Presence};

/// `prettyplease` breaks a line past 89 columns. Text stays a few columns
/// under that (and a one-line form that could break is written only when
/// clearly over it), so that how it counts at the edge never matters.
const MARGIN: usize = 89;
const WIDTH: usize = MARGIN - 3;

/// Formatted lines, given up on at the first that is too long.
struct Lines {
    out: String,
}

impl Lines {
    /// Appends one line at `indent` levels of four spaces, if it is at
    /// most [`WIDTH`] columns.
    fn line(&mut self, indent: usize, text: std::fmt::Arguments<'_>) -> Option<()> {
        self.line_up_to(WIDTH, indent, text)
    }

    /// Appends one line that [`fits`] said stays one line.
    fn fitting(&mut self, indent: usize, text: std::fmt::Arguments<'_>) -> Option<()> {
        self.line_up_to(MARGIN + 1, indent, text)
    }

    /// Appends the match arm `{pattern} => {body},` for a body that is a
    /// path, a literal, a call or an assignment (`semi`: a statement, which
    /// takes a `;` in a block). One too long for a line gets the body in a
    /// block; only a call can break further, which gives up.
    fn arm(&mut self, indent: usize, pattern: &str, body: &str, semi: bool) -> Option<()> {
        if fits(
            indent * 4 + pattern.len() + " => ".len() + body.len() + 1,
            ARM,
        )? {
            return self.fitting(indent, format_args!("{pattern} => {body},"));
        }
        // The pattern cannot break, however long.
        self.line_up_to(usize::MAX, indent, format_args!("{pattern} => {{"))?;
        let limit = if body.contains('(') {
            WIDTH
        } else {
            usize::MAX
        };
        let semi = if semi { ";" } else { "" };
        self.line_up_to(limit, indent + 1, format_args!("{body}{semi}"))?;
        self.line(indent, format_args!("}}"))
    }

    /// Opens `impl … for {name} {`, broken before `for` when too long.
    fn header(&mut self, imp: &str, name: &str) -> Option<()> {
        if fits(imp.len() + " for ".len() + name.len() + " {".len(), HEADER)? {
            self.fitting(0, format_args!("{imp} for {name} {{"))
        } else {
            self.line(0, format_args!("{imp}"))?;
            // Nothing on this line can break, however long the name.
            self.line_up_to(usize::MAX, 0, format_args!("for {name} {{"))
        }
    }

    fn line_up_to(
        &mut self,
        limit: usize,
        indent: usize,
        text: std::fmt::Arguments<'_>,
    ) -> Option<()> {
        let start = self.out.len();
        for _ in 0..indent {
            self.out.push_str("    ");
        }
        // Writing to a String cannot fail.
        let _ = self.out.write_fmt(text);
        if self.out.len() - start > limit {
            return None;
        }
        self.out.push('\n');
        Some(())
    }
}

/// Where `prettyplease` breaks a construct, by the length of its one-line
/// form (indent and trailing comma included): kept on one line up to the
/// first number, broken from the second. Measured over the real specs'
/// output; the fixtures-and-specs test pins them.
const ARM: (usize, usize) = (90, 91);
const FIELD: (usize, usize) = (88, 90);
const HEADER: (usize, usize) = (89, 90);

/// Whether a construct `len` columns long on one line stays on one line
/// (`Some(true)`), is broken (`Some(false)`), or falls between the measured
/// bounds (`None`).
fn fits(len: usize, (one_line_up_to, broken_from): (usize, usize)) -> Option<bool> {
    if len <= one_line_up_to {
        Some(true)
    } else if len >= broken_from {
        Some(false)
    } else {
        None
    }
}

/// Whether `prettyplease` prints the struct literal `{path} { {fields} }`
/// on one line: when it is at most 34 columns wide (from its path to before
/// the `}`), and its line, with `around` columns of indent and text outside
/// it, fits.
fn literal_on_one_line(path: &str, fields: &[String], around: usize) -> Option<bool> {
    let literal = path.len() + " {  ".len() + fields.iter().map(|f| f.len() + 2).sum::<usize>() - 2;
    Some(fits(literal, (32, 37))? && fits(around + literal + "}".len(), (WIDTH, MARGIN + 4))?)
}

/// Whether `s` prints as itself inside a string literal: printable ASCII
/// without `"` and `\`.
fn plain_literal(s: &str) -> bool {
    s.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
}

/// The text of `types::deserialize_struct`'s tokens, formatted.
pub(crate) fn deserialize_struct(plan: &StructDecode<'_>) -> Option<String> {
    if !plan.fields.iter().all(|f| plain_literal(&f.wire_name)) {
        return None;
    }
    let (name, map, key, extra) = (plan.name, &plan.map, &plan.key, plan.extra);
    let mut w = Lines {
        out: String::with_capacity(600 + plan.fields.len() * 150),
    };
    w.header("impl<'de> Deserialize<'de>", name)?;
    w.out.push_str(concat!(
        "    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {\n",
        "        crate::wire::deserialize_object(deserializer)\n",
        "    }\n",
        "}\n",
    ));
    w.header("impl<'de> crate::wire::Object<'de>", name)?;
    w.line(
        1,
        format_args!(
            "fn visit<A: serde::de::MapAccess<'de>>(mut {map}: A) -> Result<Self, A::Error> {{"
        ),
    )?;
    for f in plan.fields {
        w.line(2, format_args!("let mut {} = None;", f.rust_name))?;
    }
    if let Some(custom) = plan.custom {
        w.line(
            2,
            format_args!("let mut {custom} = crate::CustomFields::new();"),
        )?;
    }
    w.line(2, format_args!("let mut {extra} = Default::default();"))?;
    w.line(
        2,
        format_args!("while let Some({key}) = crate::wire::next_key(&mut {map})? {{"),
    )?;
    let other = match plan.custom {
        Some(custom) => {
            format!("crate::custom_fields::take(&mut {map}, &mut {custom}, &mut {extra}, {key})?")
        }
        None => format!("crate::wire::extra(&mut {map}, &mut {extra}, {key})?"),
    };
    if plan.fields.is_empty() {
        w.line(3, format_args!("{other};"))?;
    } else {
        w.line(3, format_args!("match {key}.as_str() {{"))?;
        for f in plan.fields {
            let (wire, local) = (&f.wire_name, &f.rust_name);
            let assign = format!("{local} = Some({map}.next_value()?)");
            w.arm(4, &format!("\"{wire}\""), &assign, true)?;
        }
        w.arm(4, "_", &other, false)?;
        w.line(3, format_args!("}}"))?;
    }
    w.line(2, format_args!("}}"))?;
    // Each field of the struct literal: `(field, call, arguments, after)`,
    // a shorthand field when there is no call.
    let mut values: Vec<(&str, &str, Vec<String>, &str)> = plan
        .fields
        .iter()
        .map(|f| {
            let (wire, local) = (&f.wire_name, f.rust_name.as_str());
            match f.presence {
                Presence::Required => (
                    local,
                    "crate::wire::required",
                    vec![local.to_owned(), format!("\"{wire}\"")],
                    "?",
                ),
                Presence::RequiredNullable | Presence::Optional => (
                    local,
                    "crate::wire::absent_or_null",
                    vec![local.to_owned()],
                    "",
                ),
                Presence::OptionalNullable => (local, "", Vec::new(), ""),
            }
        })
        .collect();
    values.extend(plan.custom.map(|custom| (custom, "", Vec::new(), "")));
    values.push((extra, "", Vec::new(), ""));
    let flat: Vec<String> = values
        .iter()
        .map(|(field, call, args, after)| match *call {
            "" => (*field).to_owned(),
            _ => format!("{field}: {call}({}){after}", args.join(", ")),
        })
        .collect();
    if literal_on_one_line(name, &flat, 8 + "Ok()".len())? {
        w.line(2, format_args!("Ok({name} {{ {} }})", flat.join(", ")))?;
    } else {
        // Nothing on this line can break, however long the name.
        w.line_up_to(usize::MAX, 2, format_args!("Ok({name} {{"))?;
        for ((field, call, args, after), flat) in values.iter().zip(&flat) {
            // A call too long for one line gets an argument per line.
            if call.is_empty() || fits(12 + flat.len() + 1, FIELD)? {
                w.fitting(3, format_args!("{flat},"))?;
            } else {
                w.line(3, format_args!("{field}: {call}("))?;
                for arg in args {
                    w.line(4, format_args!("{arg},"))?;
                }
                w.line(3, format_args!("){after},"))?;
            }
        }
        w.line(2, format_args!("}})"))?;
    }
    w.out.push_str("    }\n}\n");
    Some(w.out)
}

/// The text of `requests::builder_struct`'s tokens, formatted.
pub(crate) fn builder_struct(shape: &BuilderStruct) -> Option<String> {
    let mut w = Lines {
        out: String::with_capacity(300 + shape.fields.len() * 60),
    };
    docs(&mut w, 0, &shape.docs)?;
    w.out.push_str(concat!(
        "#[derive(Debug, Clone)]\n",
        "#[must_use = \"a request does nothing until it is awaited\"]\n",
    ));
    let generics = tokens_text(&shape.generics)?;
    w.line(0, format_args!("pub struct {}{generics} {{", shape.name))?;
    for (name, ty) in &shape.fields {
        w.line(1, format_args!("{name}: {},", tokens_text(ty)?))?;
    }
    w.out.push_str("}\n");
    Some(w.out)
}

/// The text of `types::struct_def`'s tokens, formatted.
pub(crate) fn struct_def(shape: &StructShape) -> Option<String> {
    let mut w = Lines {
        out: String::with_capacity(300 + shape.fields.len() * 200),
    };
    docs(&mut w, 0, &shape.docs)?;
    if shape.deprecated {
        w.out.push_str("#[deprecated]\n");
    }
    w.out.push_str(if shape.derive_default {
        "#[derive(Debug, Clone, PartialEq, Default, Serialize)]\n"
    } else {
        "#[derive(Debug, Clone, PartialEq, Serialize)]\n"
    });
    // Nothing on this line can break, however long the name.
    w.line_up_to(usize::MAX, 0, format_args!("pub struct {} {{", shape.name))?;
    for f in &shape.fields {
        docs(&mut w, 1, &f.docs)?;
        if let Some(wire) = &f.rename {
            if !plain_literal(wire) {
                return None;
            }
            w.line(1, format_args!("#[serde(rename = \"{wire}\")]"))?;
        }
        if f.skip_none {
            w.out
                .push_str("    #[serde(skip_serializing_if = \"Option::is_none\")]\n");
        }
        if f.flatten {
            w.out.push_str("    #[serde(flatten)]\n");
        }
        w.line(1, format_args!("pub {}: {},", f.name, tokens_text(&f.ty)?))?;
    }
    w.out.push_str("}\n");
    Some(w.out)
}

/// The text of `types::enum_impls`'s tokens, formatted.
pub(crate) fn enum_impls(name: &str, e: &EnumDef) -> Option<String> {
    if !e.variants.iter().all(|v| plain_literal(&v.wire_value)) {
        return None;
    }
    let other = &e.other_variant;
    let mut w = Lines {
        out: String::with_capacity(900 + e.variants.len() * 100),
    };
    // Nothing on this line can break, however long the name.
    w.line_up_to(usize::MAX, 0, format_args!("impl {name} {{"))?;
    w.out.push_str(concat!(
        "    /// The value as sent on the wire.\n",
        "    pub fn as_str(&self) -> &str {\n",
        "        match self {\n",
    ));
    for v in &e.variants {
        let (variant, wire) = (&v.rust_name, &v.wire_value);
        w.arm(
            3,
            &format!("{name}::{variant}"),
            &format!("\"{wire}\""),
            false,
        )?;
    }
    w.arm(3, &format!("{name}::{other}(value)"), "value", false)?;
    w.out.push_str("        }\n    }\n}\n");
    w.header("impl From<&str>", name)?;
    w.out.push_str(concat!(
        "    fn from(value: &str) -> Self {\n",
        "        match value {\n",
    ));
    for v in &e.variants {
        let (variant, wire) = (&v.rust_name, &v.wire_value);
        w.arm(
            3,
            &format!("\"{wire}\""),
            &format!("{name}::{variant}"),
            false,
        )?;
    }
    w.arm(
        3,
        "other",
        &format!("{name}::{other}(other.to_owned())"),
        false,
    )?;
    w.out.push_str("        }\n    }\n}\n");
    // Three impls whose bodies do not depend on the enum.
    let fixed = [
        (
            "impl std::fmt::Display",
            concat!(
                "    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n",
                "        f.write_str(self.as_str())\n",
            ),
        ),
        (
            "impl serde::Serialize",
            concat!(
                "    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {\n",
                "        serializer.serialize_str(self.as_str())\n",
            ),
        ),
        (
            "impl<'de> serde::Deserialize<'de>",
            concat!(
                "    fn deserialize<D: serde::Deserializer<'de>>(\n",
                "        deserializer: D,\n",
                "    ) -> Result<Self, D::Error> {\n",
                "        crate::wire::deserialize_enum(deserializer)\n",
            ),
        ),
    ];
    for (header, body) in fixed {
        w.header(header, name)?;
        w.out.push_str(body);
        w.out.push_str("    }\n}\n");
    }
    Some(w.out)
}

/// The text of an `impl Client` block of `requests::client_method_tokens`,
/// formatted; `None` unless every method can be written.
pub(crate) fn client_methods(plans: &[MethodPlan]) -> Option<String> {
    let mut w = Lines {
        out: String::with_capacity(plans.len() * 900),
    };
    w.out.push_str("impl Client {\n");
    for plan in plans {
        client_method(&mut w, plan)?;
    }
    w.out.push_str("}\n");
    Some(w.out)
}

fn client_method(w: &mut Lines, plan: &MethodPlan) -> Option<()> {
    docs(w, 1, &plan.docs)?;
    if plan.deprecated {
        w.out.push_str("    #[deprecated]\n");
    }
    let head = format!("pub fn {}{}", plan.name, tokens_text(&plan.lifetime)?);
    let mut params = vec![tokens_text(&plan.self_ref)?];
    for (name, ty) in &plan.args {
        params.push(format!("{name}: {}", tokens_text(ty)?));
    }
    let ret = tokens_text(&plan.ret)?;
    let one_line = format!("{head}({}) -> {ret} {{", params.join(", "));
    // A signature too long for one line gets a parameter per line.
    if fits(4 + one_line.len(), HEADER)? {
        w.fitting(1, format_args!("{one_line}"))?;
    } else {
        w.line(1, format_args!("{head}("))?;
        for param in &params {
            w.line(2, format_args!("{param},"))?;
        }
        w.line(1, format_args!(") -> {ret} {{"))?;
    }
    let builder = &plan.builder;
    let mut fields = vec!["client: self".to_owned()];
    for (field, value) in &plan.inits {
        fields.push(match value {
            Some(value) => format!("{field}: {}", tokens_text(value)?),
            None => field.to_string(),
        });
    }
    if literal_on_one_line(&builder.to_string(), &fields, 8)? {
        w.line(2, format_args!("{builder} {{ {} }}", fields.join(", ")))?;
    } else {
        w.line(2, format_args!("{builder} {{"))?;
        for field in &fields {
            w.line(3, format_args!("{field},"))?;
        }
        w.line(2, format_args!("}}"))?;
    }
    w.line(1, format_args!("}}"))
}

/// The text of a type, of impl generics (`Vec<crate::types::Lead>`,
/// `impl<'a, T: serde::de::DeserializeOwned + Send + 'a>`) or of the few
/// expressions a builder is initialised with (`Some(body)`, `id.into()`), as
/// `prettyplease` prints them on one line; `None` for tokens outside that
/// small grammar.
fn tokens_text(tokens: &TokenStream) -> Option<String> {
    let mut out = String::new();
    // Whether the last token was a word, so that a word after it needs a
    // space (`impl` `<` needs none, `dyn` `Trait` would).
    let mut after_word = false;
    let mut tokens = tokens.clone().into_iter();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Ident(ident) => {
                if after_word {
                    out.push(' ');
                }
                write!(out, "{ident}").ok()?;
                after_word = true;
            }
            TokenTree::Punct(punct) => {
                after_word = false;
                match (punct.as_char(), punct.spacing()) {
                    (':', Spacing::Joint) => {
                        let next = tokens.next()?;
                        if !matches!(&next, TokenTree::Punct(p) if p.as_char() == ':') {
                            return None;
                        }
                        out.push_str("::");
                    }
                    (':', Spacing::Alone) => out.push_str(": "),
                    ('\'', Spacing::Joint) => {
                        let TokenTree::Ident(lifetime) = tokens.next()? else {
                            return None;
                        };
                        write!(out, "'{lifetime}").ok()?;
                        after_word = true;
                    }
                    (',', _) => out.push_str(", "),
                    ('=', Spacing::Alone) => out.push_str(" = "),
                    ('-', Spacing::Joint) => {
                        let next = tokens.next()?;
                        if !matches!(&next, TokenTree::Punct(p) if p.as_char() == '>') {
                            return None;
                        }
                        out.push_str(" -> ");
                    }
                    ('+', _) => out.push_str(" + "),
                    ('<' | '>' | '&' | '.', _) => out.push(punct.as_char()),
                    _ => return None,
                }
            }
            TokenTree::Group(group) => {
                let inner = tokens_text(&group.stream())?;
                match group.delimiter() {
                    // Arguments, `()` or `fn()`: no space before them.
                    Delimiter::Parenthesis => write!(out, "({inner})").ok()?,
                    // A slice type: `&'a [u8]`.
                    Delimiter::Bracket => {
                        if after_word {
                            out.push(' ');
                        }
                        write!(out, "[{inner}]").ok()?;
                    }
                    _ => return None,
                }
                after_word = false;
            }
            TokenTree::Literal(_) => return None,
        }
    }
    Some(out)
}

/// Appends a doc comment as `prettyplease` prints `#[doc = line]`.
fn docs(w: &mut Lines, indent: usize, lines: &[impl AsRef<str>]) -> Option<()> {
    for line in lines {
        let line = line.as_ref();
        if line.contains(['\n', '\r']) || line.starts_with('/') {
            return None;
        }
        // A comment cannot break, however long.
        w.line_up_to(
            usize::MAX,
            indent,
            format_args!("///{}", line.trim_end_matches(' ')),
        )?;
    }
    Some(())
}

/// Appends `fn {head}(self) -> {ret} {`, broken as `prettyplease` breaks a
/// signature too long for one line.
fn method_signature(w: &mut Lines, head: &str, ret: &str) -> Option<()> {
    if fits(
        4 + head.len() + "(self) -> ".len() + ret.len() + " {".len(),
        HEADER,
    )? {
        w.fitting(1, format_args!("{head}(self) -> {ret} {{"))
    } else {
        w.line(1, format_args!("{head}("))?;
        w.line(2, format_args!("self,"))?;
        w.line(1, format_args!(") -> {ret} {{"))
    }
}

/// The text of `requests::send_impl`'s tokens, formatted.
pub(crate) fn send_impl(plan: &SendPlan) -> Option<String> {
    let generics = tokens_text(&plan.generics)?;
    let self_ty = tokens_text(&plan.self_ty)?;
    let output = tokens_text(&plan.output)?;
    let send = &plan.send;
    let mut w = Lines {
        out: String::with_capacity(1200),
    };
    w.line(0, format_args!("{generics} {self_ty} {{"))?;
    docs(&mut w, 1, &plan.docs)?;
    method_signature(
        &mut w,
        "pub fn send",
        &format!("ResponseFuture<'a, {output}>"),
    )?;
    w.line(
        2,
        format_args!("Box::pin(crate::client::value(self.client.{send}(self.request())))"),
    )?;
    w.line(1, format_args!("}}"))?;
    docs(&mut w, 1, &SEND_WITH_RESPONSE_DOCS)?;
    method_signature(
        &mut w,
        "pub fn send_with_response",
        &format!("ResponseFuture<'a, Response<{output}>>"),
    )?;
    w.line(
        2,
        format_args!("Box::pin(self.client.{send}(self.request()))"),
    )?;
    w.out.push_str("    }\n}\n");
    Some(w.out)
}

/// The text of `requests::into_future_impl`'s tokens, formatted.
pub(crate) fn into_future_impl(plan: &SendPlan) -> Option<String> {
    let generics = tokens_text(&plan.generics)?;
    let self_ty = tokens_text(&plan.self_ty)?;
    let output = tokens_text(&plan.output)?;
    let mut w = Lines {
        out: String::with_capacity(300),
    };
    w.line(0, format_args!("{generics} IntoFuture for {self_ty} {{"))?;
    w.line(1, format_args!("type Output = Result<{output}, Error>;"))?;
    w.line(
        1,
        format_args!("type IntoFuture = ResponseFuture<'a, {output}>;"),
    )?;
    w.out.push_str(concat!(
        "    fn into_future(self) -> Self::IntoFuture {\n",
        "        self.send()\n",
        "    }\n",
        "}\n",
    ));
    Some(w.out)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::ir::TypeKind;

    /// Every spec at hand: the fixtures, ours, and the real ones beside the
    /// repository (`../shared/specs`, OpenAPI 3.1 ones included).
    fn specs() -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut specs = vec![root.join("spec/close.yaml")];
        for dir in [
            root.join("tests/fixtures"),
            root.join("../shared/specs"),
            root.join("../shared/specs/openapi31"),
        ] {
            let entries = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
            specs.extend(entries.map(|e| e.unwrap().path()).filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "json")
                )
            }));
        }
        specs.sort();
        specs
    }

    fn formatted(tokens: proc_macro2::TokenStream) -> String {
        prettyplease::unparse(&syn::parse2(tokens).expect("the tokens parse"))
    }

    /// Shapes the specs at hand have few of: a catch-all arm too long for
    /// one line, and names that need escaping.
    #[test]
    fn rare_shapes_match_the_formatted_tokens_or_fall_back() {
        let field = |rust: &str, wire: &str| crate::ir::Field {
            rust_name: rust.to_owned(),
            wire_name: wire.to_owned(),
            docs: Default::default(),
            ty: crate::ir::TypeRef::String,
            presence: Presence::Required,
            boxed: false,
            read_only: false,
            write_only: false,
        };
        let fields = [field("id", "id")];
        let plan = StructDecode {
            name: "Thing",
            fields: &fields,
            extra: "extra_properties",
            custom: Some("custom_field_values"),
            map: "map".to_owned(),
            key: "key".to_owned(),
        };
        // Too long for one line, and the call in its block too long for a
        // line of its own: that is `prettyplease`'s to break.
        assert_eq!(deserialize_struct(&plan), None);
        let plan = StructDecode {
            extra: "extra",
            custom: Some("custom"),
            ..plan
        };
        let text = deserialize_struct(&plan).expect("written as text");
        assert!(
            text.contains(
                "_ => crate::custom_fields::take(&mut map, &mut custom, &mut extra, key)?,"
            ),
            "{text}"
        );
        assert_eq!(
            text,
            formatted(super::super::types::deserialize_struct(&plan))
        );

        let quoted = [field("quote", "say \"hi\"")];
        let plan = StructDecode {
            fields: &quoted,
            ..plan
        };
        assert_eq!(deserialize_struct(&plan), None, "a quote needs escaping");
    }

    #[test]
    fn text_is_what_formatting_the_tokens_prints() {
        let (mut written, mut fallen_back) = (0, 0);
        let specs = specs();
        assert!(specs.len() > 20, "the specs are found: {specs:?}");
        for path in specs {
            let text = std::fs::read_to_string(&path).unwrap();
            let file = path.display().to_string();
            let Ok(document) = crate::load::load(&file, &text) else {
                continue;
            };
            let options = crate::Options {
                spec_file: file.clone(),
                crate_name: None,
                command: "test".to_owned(),
            };
            let Ok((api, _)) = crate::lower::lower(&document.api, &options) else {
                continue;
            };
            let types = quote::quote! { crate::types:: };
            for op in &api.operations {
                let shape = super::super::requests::builder_shape(op, &types);
                match builder_struct(&shape) {
                    Some(text) => {
                        written += 1;
                        let tokens = super::super::requests::builder_struct(&shape);
                        assert_eq!(text, formatted(tokens), "{file}: {}", op.method_name);
                    }
                    None => fallen_back += 1,
                }
                let method = super::super::requests::client_method(op, &types);
                let tokens = super::super::requests::client_method_tokens(&method);
                match client_methods(std::slice::from_ref(&method)) {
                    Some(text) => {
                        written += 1;
                        let tokens = quote::quote! { impl Client { #tokens } };
                        assert_eq!(text, formatted(tokens), "{file}: {}", op.method_name);
                    }
                    None => fallen_back += 1,
                }
                let plan = super::super::requests::send_plan(op, &types);
                for (text, tokens) in [
                    (send_impl(&plan), super::super::requests::send_impl(&plan)),
                    (
                        into_future_impl(&plan),
                        super::super::requests::into_future_impl(&plan),
                    ),
                ] {
                    match text {
                        Some(text) => {
                            written += 1;
                            assert_eq!(text, formatted(tokens), "{file}: {}", op.method_name);
                        }
                        None => fallen_back += 1,
                    }
                }
            }
            for def in &api.types {
                if let TypeKind::Struct(s) = &def.kind {
                    let shape = super::super::types::struct_shape(def, s, &quote::quote! {});
                    match struct_def(&shape) {
                        Some(text) => {
                            written += 1;
                            let tokens = super::super::types::struct_def(&shape);
                            assert_eq!(text, formatted(tokens), "{file}: struct {}", def.name);
                        }
                        None => fallen_back += 1,
                    }
                }
                let (text, tokens) = match &def.kind {
                    TypeKind::Struct(s) => {
                        let plan = StructDecode::new(&def.name, s);
                        (
                            deserialize_struct(&plan),
                            super::super::types::deserialize_struct(&plan),
                        )
                    }
                    TypeKind::Enum(e) => (
                        enum_impls(&def.name, e),
                        super::super::types::enum_impls(&def.name, e),
                    ),
                    _ => continue,
                };
                match text {
                    Some(text) => {
                        written += 1;
                        assert_eq!(text, formatted(tokens), "{file}: type {}", def.name);
                    }
                    None => fallen_back += 1,
                }
            }
        }
        // Most items take the text path, or it would not be worth having
        // (the ones that do not are mostly Stripe's, with names of 80 and
        // more characters).
        assert!(
            written > 4 * fallen_back,
            "{written} written as text, {fallen_back} as tokens"
        );
    }
}
