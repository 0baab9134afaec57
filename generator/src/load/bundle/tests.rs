use super::*;
use crate::load::load_files;

const HEAD: &str = "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\n";

fn files<'a>(list: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Result<String, String> + 'a {
    move |path: &str| {
        list.iter()
            .find(|(p, _)| *p == path)
            .map(|(_, text)| (*text).to_owned())
            .ok_or_else(|| format!("no file `{path}`"))
    }
}

fn schemas(document: &crate::load::Document) -> serde_json::Value {
    serde_json::to_value(&document.api.components.as_ref().unwrap().schemas).unwrap()
}

#[test]
fn paths_urls_and_kinds() {
    assert_eq!(join_path("specs/a.yaml", "../b.yaml"), "b.yaml");
    assert_eq!(join_path("specs/a.yaml", "./x/./y.yaml"), "specs/x/y.yaml");
    assert_eq!(join_path("a.yaml", "../b.yaml"), "../b.yaml");
    assert_eq!(join_path("/abs/a.yaml", "b.yaml"), "/abs/b.yaml");
    assert_eq!(join_path("", "./specs/a.yaml"), "specs/a.yaml");
    assert!(is_url("https://example.com/a.yaml#/X"));
    assert!(is_url("//example.com/a.yaml"));
    assert!(!is_url("./a.yaml#/X"));
    assert!(!is_url("#/components/schemas/A"));
    assert_eq!(percent_decode("~1a~1%7Bid%7D"), "~1a~1{id}");
    let kind = |p: &str| kind_at(&segments(p));
    assert_eq!(kind("#/components/schemas/Tag/allOf/0"), Some(Kind::Schema));
    assert_eq!(
        kind("#/components/responses/C/content/application~1json/schema"),
        Some(Kind::Schema)
    );
    assert_eq!(kind("#/components/parameters/limit"), Some(Kind::Parameter));
    assert_eq!(kind("#/paths/~1a/get/parameters/0"), Some(Kind::Parameter));
    assert_eq!(kind("#/paths/~1a/get/requestBody"), Some(Kind::RequestBody));
    assert_eq!(kind("#/components/schemas"), None);
    assert_eq!(kind("#/x-defs/A"), None);
}

#[test]
fn two_references_to_one_place_share_one_component() {
    let text = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          type: object\n          properties:\n            c:\n              type: string\n    X:\n      type: object\n      properties:\n        one:\n          $ref: '#/components/schemas/A/properties/b'\n        two:\n          $ref: '#/components/schemas/A/properties/b'\n"
    );
    let document = load_files("t.yaml", &text, &no_files).unwrap_or_else(|d| panic!("{d}"));
    let schemas = schemas(&document);
    assert_eq!(schemas["AB"]["properties"]["c"]["type"], "string");
    assert_eq!(
        schemas["A"]["properties"]["b"]["$ref"],
        "#/components/schemas/AB"
    );
    assert_eq!(
        schemas["X"]["properties"]["one"]["$ref"],
        "#/components/schemas/AB"
    );
    assert_eq!(
        schemas["X"]["properties"]["two"]["$ref"],
        "#/components/schemas/AB"
    );
    assert_eq!(
        document.refs.hoisted_schemas.get("AB").map(String::as_str),
        Some("#/components/schemas/A/properties/b")
    );
    // `A` is used by the references into it; only `X` is not.
    let unused: Vec<&str> = document
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(
        unused,
        ["schema `X` is not referenced anywhere; it is still generated as a type"]
    );
}

#[test]
fn other_files_are_read_relative_to_the_file_that_names_them() {
    let root = format!(
        "{HEAD}paths:\n  /a:\n    $ref: 'paths/a.yaml'\ncomponents:\n  schemas:\n    Pet:\n      $ref: 'schemas/pet.json'\n"
    );
    let list = [
        (
            "specs/paths/a.yaml",
            "get:\n  responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          schema:\n            $ref: '../schemas/pet.json'\n",
        ),
        (
            "specs/schemas/pet.json",
            r#"{"type": "object", "properties": {"tag": {"$ref": "defs.yaml#/Tag"}}}"#,
        ),
        ("specs/schemas/defs.yaml", "Tag:\n  type: string\n  enum: [a, b]\n"),
    ];
    let document =
        load_files("specs/root.yaml", &root, &files(&list)).unwrap_or_else(|d| panic!("{d}"));
    let read: Vec<&str> = document.sources.files().collect();
    assert_eq!(
        read,
        [
            "specs/root.yaml",
            "specs/paths/a.yaml",
            "specs/schemas/pet.json",
            "specs/schemas/defs.yaml"
        ]
    );
    let schemas = schemas(&document);
    // The root's alias is where the other file's schema goes.
    assert_eq!(schemas["Pet"]["type"], "object");
    assert_eq!(
        schemas["Pet"]["properties"]["tag"]["$ref"],
        "#/components/schemas/Tag"
    );
    assert_eq!(schemas["Tag"]["enum"], serde_json::json!(["a", "b"]));
    let paths = serde_json::to_value(&document.api.paths).unwrap();
    let schema = &paths["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(schema["$ref"], "#/components/schemas/Pet");
    assert!(document.warnings.is_empty(), "{}", document.warnings);
}

#[test]
fn problems_are_located_in_the_file_they_are_in() {
    let root = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: 'pet.yaml'\n"
    );
    let list = [(
        "pet.yaml",
        "type: object\nproperties:\n  name:\n    type: string\n    requried: true\n",
    )];
    let document = load_files("root.yaml", &root, &files(&list)).unwrap_or_else(|d| panic!("{d}"));
    let warnings = document.sources.finish(document.warnings.clone());
    let warning = warnings.iter().next().expect("a warning about `requried`");
    assert_eq!(warning.file, "pet.yaml");
    assert_eq!(
        warning.pointer.as_deref(),
        Some("#/properties/name/requried")
    );
    assert_eq!(warning.location, Some((5, 5)));
}

#[test]
fn references_that_cannot_be_followed_say_why() {
    let root = format!(
        "{HEAD}paths:\n  /a:\n    $ref: '#/paths/~1b'\n  /b:\n    $ref: '#/paths/~1a'\ncomponents:\n  schemas:\n    A:\n      $ref: 'missing.yaml#/A'\n    B:\n      $ref: 'https://example.com/b.yaml'\n"
    );
    let document = load_files("root.yaml", &root, &no_files).unwrap_or_else(|d| panic!("{d}"));
    let why = &document.refs.unresolved;
    assert!(
        why["missing.yaml#/A"].message.contains("cannot be read"),
        "{why:?}"
    );
    assert!(
        why["https://example.com/b.yaml"]
            .message
            .contains("is a URL"),
        "{why:?}"
    );
    let anchor =
        format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      $ref: '#pet'\n");
    let anchored = load_files("root.yaml", &anchor, &no_files).unwrap_or_else(|d| panic!("{d}"));
    let why = &anchored.refs.unresolved;
    assert!(why["#pet"].message.contains("anchor"), "{why:?}");
    let errors = document.sources.finish(document.warnings);
    let cycle = errors
        .iter()
        .find(|d| d.message.contains("cycle"))
        .expect("a cycle");
    assert_eq!(cycle.severity, crate::Severity::Error);
}
