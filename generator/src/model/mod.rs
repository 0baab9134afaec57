//! The public API of a generated crate, as data: what a Rust caller can
//! name, build, call and match, computed from the IR.
//!
//! It is a sibling of `emit` over the same IR, and says what `emit` prints:
//! every public type with its fields (the Rust type as declared, presence,
//! constructor argument or setter), enum and union variants, every client
//! method with its arguments, setters, return and error types, pagination
//! and field selection, and `Client::new`'s credentials and base URL. Each
//! entry keeps the JSON pointer of where the spec declares it.
//!
//! A snapshot of it is the generated crate's `api.yaml`, so the API a crate
//! had before a regeneration is what is committed, with or without version
//! control history; `changes` compares two models. `build.rs` computes it
//! from the IR.

use serde::{Deserialize, Serialize};

mod build;

pub use build::{of, rust_type};

/// The version of the snapshot's format; a snapshot of another format is
/// not compared.
pub const FORMAT: u32 = 1;

/// The public API of one generated crate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiModel {
    /// [`FORMAT`] when written.
    pub format: u32,
    /// The Cargo package name.
    #[serde(rename = "crate")]
    pub crate_name: String,
    /// The crate's version, as in its `Cargo.toml`.
    pub version: String,
    /// The base URL `Client::new` sends to; `None` when the spec names no
    /// usable server, so `Client::new` fails until one is set.
    pub server: Option<String>,
    /// What `Client::new` takes and how it sends it.
    pub client: ClientModel,
    /// Every client method, in spec order.
    pub operations: Vec<OperationModel>,
    /// Every public type of the `types` module, in spec order, `ErrorBody`
    /// last.
    pub types: Vec<TypeModel>,
}

/// `Client::new` and the security schemes the spec declares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientModel {
    /// The arguments of `Client::new` (`api_key`, `token`, or none).
    pub new: Vec<String>,
    /// The security schemes, the first being what `Client::new` uses.
    pub auth: Vec<AuthModel>,
}

/// One security scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthModel {
    /// The scheme's name in the spec.
    pub name: String,
    /// `basic`, `bearer`, or `api_key`.
    pub scheme: String,
    /// For an API key: `header NAME`, `query NAME` or `cookie NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_as: Option<String>,
    /// Where the spec declares it.
    pub at: String,
    /// A fingerprint of its description.
    pub docs: String,
}

/// One client method and its request builder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationModel {
    /// The `Client` method.
    pub method: String,
    /// The request builder type it returns.
    pub builder: String,
    /// The HTTP method and path template.
    pub http: String,
    /// Where the spec declares it.
    pub at: String,
    /// The method's arguments, in order (required parameters, then a
    /// required body).
    pub arguments: Vec<InputModel>,
    /// The builder's setters (optional parameters, an optional body).
    pub setters: Vec<InputModel>,
    /// How the body is sent (`application/json (json)`), a wire detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// What awaiting the builder returns on success.
    pub returns: String,
    /// The documented error statuses and the `ErrorBody` type each decodes.
    pub errors: Vec<ErrorModel>,
    /// `pages()` and `items()`, from `x-pagination`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<PaginationModel>,
    /// `select(...)`, from `x-field-selection`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<SelectionModel>,
    /// Whether the method is `#[deprecated]`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// A fingerprint of its summary and description.
    pub docs: String,
}

/// An argument of a client method or a setter of a builder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputModel {
    /// The Rust name.
    pub name: String,
    /// The type it is taken as (`impl Into<String>`, `LeadStatus`).
    #[serde(rename = "type")]
    pub ty: String,
    /// Where it is sent (`path id`, `query _limit`, `body`).
    pub sent_as: String,
    /// Where the spec declares it.
    pub at: String,
    /// What the server assumes when it is not sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Whether it is `#[deprecated]`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// A fingerprint of its description.
    pub docs: String,
}

/// A documented error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorModel {
    /// `404`, `4XX` or `default`.
    pub status: String,
    /// The `ErrorBody` variant's type, when the response has a JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// How a builder pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaginationModel {
    /// `offset` or `cursor`, with the parameter and fields it reads.
    pub style: String,
    /// The item type `items()` yields.
    pub item: String,
}

/// A builder's field selection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectionModel {
    /// The query parameter it sets.
    pub parameter: String,
    /// The field enum `select` takes.
    pub fields: String,
    /// What the builder returns after `select`.
    pub returns: String,
}

/// A public type of the `types` module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeModel {
    /// The Rust name.
    pub name: String,
    /// Where the spec declares it; `ErrorBody` has no one place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// Whether requests send it, responses carry it, or both.
    pub used_in: Vec<Direction>,
    /// Whether the type is `#[deprecated]`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// A fingerprint of its title and description.
    pub docs: String,
    /// What kind of type it is, with its members.
    #[serde(flatten)]
    pub shape: Shape,
}

/// Where a type travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// A parameter or request body holds it.
    Request,
    /// A success or error response holds it.
    Response,
}

/// The kinds of public types, with their members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shape {
    /// A struct with public fields.
    Struct {
        /// `#[non_exhaustive]`: no struct literal or exhaustive pattern
        /// outside the crate.
        non_exhaustive: bool,
        /// Whether it implements `Default`.
        default: bool,
        /// The arguments of its constructor `new`, in order; `None` when it
        /// has none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        new: Option<Vec<String>>,
        /// The declared properties, in order.
        fields: Vec<FieldModel>,
        /// The field keeping undeclared properties, with its type.
        extra: String,
        /// The custom-fields map, when the schema has custom fields.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        custom: Option<String>,
    },
    /// A string enum with a catch-all variant.
    Enum {
        /// `#[non_exhaustive]`: a `match` needs a wildcard arm.
        non_exhaustive: bool,
        /// The known values.
        variants: Vec<VariantModel>,
        /// The catch-all variant holding unknown values.
        other: String,
    },
    /// An enum of types (`oneOf` / `anyOf`).
    Union {
        /// `#[non_exhaustive]`.
        non_exhaustive: bool,
        /// The discriminator property; untagged unions try variants in order.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tag: Option<String>,
        /// The variants, in order.
        variants: Vec<UnionVariantModel>,
    },
    /// `pub type NAME = TARGET;`
    Alias {
        /// The aliased type.
        target: String,
    },
    /// The fields a selection names (`x-field-selection`).
    FieldEnum {
        /// `#[non_exhaustive]`.
        non_exhaustive: bool,
        /// The struct whose fields these are.
        of: String,
        /// One variant per field and token.
        variants: Vec<VariantModel>,
        /// The variant naming a custom field, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        custom: Option<String>,
        /// The variant naming any other field.
        other: String,
    },
}

/// A field of a struct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldModel {
    /// The Rust name.
    pub name: String,
    /// The property's name on the wire.
    pub wire: String,
    /// The field's declared type, `Option`s included.
    #[serde(rename = "type")]
    pub ty: String,
    /// `required`, `required_nullable`, `optional` or `optional_nullable`.
    pub presence: String,
    /// Where the spec declares it.
    pub at: String,
    /// The setter, when the type has setters and the field is not a
    /// constructor argument.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setter: Option<String>,
    /// The method that sets it to `null`, for an optional nullable field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clear: Option<String>,
    /// What the server assumes when it is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// A fingerprint of its documentation (description, deprecation,
    /// `readOnly`, `writeOnly`).
    pub docs: String,
}

/// A variant of a string or field enum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantModel {
    /// The Rust name.
    pub name: String,
    /// The value on the wire.
    pub wire: String,
}

/// A variant of a union.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnionVariantModel {
    /// The Rust name.
    pub name: String,
    /// The type it holds; `None` for the catch-all of a discriminated union.
    #[serde(rename = "type")]
    pub ty: String,
    /// The discriminator values that select it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl ApiModel {
    /// The type named `name`.
    pub fn find_type(&self, name: &str) -> Option<&TypeModel> {
        self.types.iter().find(|t| t.name == name)
    }

    /// The snapshot as YAML, after `header` (comment lines, each with its
    /// `# `).
    pub fn to_yaml(&self, header: &str) -> String {
        let body = serde_yaml::to_string(self)
            .expect("the model holds only strings, numbers, lists and maps, which YAML writes");
        format!("{header}\n{body}")
    }

    /// Reads a snapshot written by [`ApiModel::to_yaml`].
    ///
    /// # Errors
    ///
    /// What is wrong with it, when it is not YAML of this format.
    pub fn from_yaml(text: &str) -> Result<Self, String> {
        #[derive(Deserialize)]
        struct Format {
            format: Option<u32>,
        }
        let format: Format = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        match format.format {
            Some(FORMAT) => serde_yaml::from_str(text).map_err(|e| e.to_string()),
            Some(other) => Err(format!(
                "it is of format {other}, and this generator reads format {FORMAT}"
            )),
            None => Err("it has no `format`".to_owned()),
        }
    }
}
