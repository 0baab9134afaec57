//! Maps JSON pointers back to the line and column where they are written.
//!
//! Lowering works on the typed document, which has forgotten where anything
//! came from; diagnostics carry a JSON pointer instead. [`Locator`] indexes
//! the source text once, in one linear pass, and answers pointer → (line,
//! column) for every mapping key and sequence item it saw. A pointer it did
//! not see (a flow collection in YAML, a key the spec leaves out) is located
//! at its nearest ancestor that it did see, which is still the right
//! neighbourhood.
//!
//! The YAML side reads block style by indentation, not with a full YAML
//! parser: the parser already accepted the text, so the index only needs to
//! follow keys and `- ` items. Both scanners use explicit stacks rather than
//! recursion, so no nesting depth can overflow the stack.

use std::collections::HashMap;

use crate::diagnostics::pointer_join;

/// Pointer → one-based (line, column) of the key or item that starts it.
#[derive(Debug, Default)]
pub struct Locator {
    positions: HashMap<String, (usize, usize)>,
}

impl Locator {
    /// Indexes `text`, JSON when it starts with `{` and YAML otherwise.
    pub fn new(text: &str) -> Self {
        let mut locator = Locator::default();
        locator.positions.insert("#".to_owned(), (1, 1));
        if text.trim_start().starts_with('{') {
            locator.index_json(text);
        } else {
            locator.index_yaml(text);
        }
        locator
    }

    /// Where `pointer` is written, or where its nearest located ancestor is.
    /// `None` only for pointers that are not into this document (`#` prefix
    /// missing).
    pub fn locate(&self, pointer: &str) -> Option<(usize, usize)> {
        let mut current = pointer;
        loop {
            if let Some(position) = self.positions.get(current) {
                return Some(*position);
            }
            let (parent, _) = current.rsplit_once('/')?;
            current = parent;
        }
    }

    fn record(&mut self, pointer: &str, line: usize, column: usize) {
        // The first sighting wins: a repeated key is reported where it first
        // appears, like the parsers do.
        self.positions
            .entry(pointer.to_owned())
            .or_insert((line, column));
    }

    fn index_json(&mut self, text: &str) {
        /// An open object or array.
        struct Frame {
            pointer: String,
            array: bool,
            index: usize,
            /// In an object: the pointer of the member whose value comes next.
            member: Option<String>,
            expecting_key: bool,
        }
        let mut stack: Vec<Frame> = Vec::new();
        let mut chars = text.chars().peekable();
        let (mut line, mut column) = (1usize, 0usize);
        let mut next = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
            let c = chars.next()?;
            if c == '\n' {
                line += 1;
                column = 0;
            } else {
                column += 1;
            }
            Some((c, line, column))
        };
        while let Some((c, l, col)) = next(&mut chars) {
            if c.is_whitespace() || c == ':' {
                continue;
            }
            if c == ',' {
                if let Some(top) = stack.last_mut() {
                    if top.array {
                        top.index += 1;
                    } else {
                        top.expecting_key = true;
                    }
                }
                continue;
            }
            if c == '}' || c == ']' {
                stack.pop();
                continue;
            }
            // A string in key position names the next member.
            if let Some(top) = stack.last_mut() {
                if !top.array && top.expecting_key {
                    if c == '"' {
                        let key = read_json_string(&mut chars, &mut next);
                        let pointer = pointer_join(&top.pointer, &key);
                        top.member = Some(pointer.clone());
                        top.expecting_key = false;
                        self.record(&pointer, l, col);
                    }
                    continue;
                }
            }
            // A value starts here.
            let pointer = match stack.last_mut() {
                None => "#".to_owned(),
                Some(top) if top.array => {
                    let pointer = format!("{}/{}", top.pointer, top.index);
                    self.record(&pointer, l, col);
                    pointer
                }
                Some(top) => top.member.take().unwrap_or_else(|| top.pointer.clone()),
            };
            match c {
                '{' | '[' => stack.push(Frame {
                    pointer,
                    array: c == '[',
                    index: 0,
                    member: None,
                    expecting_key: c == '{',
                }),
                '"' => {
                    read_json_string(&mut chars, &mut next);
                }
                _ => {
                    while chars
                        .peek()
                        .is_some_and(|c| !matches!(c, ',' | '}' | ']') && !c.is_whitespace())
                    {
                        next(&mut chars);
                    }
                }
            }
        }
    }

    fn index_yaml(&mut self, text: &str) {
        /// An open block mapping or sequence, with the column of its entries.
        struct Frame {
            indent: usize,
            pointer: String,
            sequence: bool,
            next_index: usize,
        }
        let mut stack = vec![Frame {
            indent: 0,
            pointer: "#".to_owned(),
            sequence: false,
            next_index: 0,
        }];
        // A key or item with no value on its line: its children, if any, are
        // on the following lines.
        let mut pending: Option<(usize, String)> = None;
        // Lines indented deeper than this belong to a scalar or a flow
        // collection that started on an earlier line.
        let mut continuation: Option<usize> = None;
        for (number, raw) in text.lines().enumerate() {
            let line_number = number + 1;
            let line = raw.trim_end_matches('\r');
            let content = line.trim_start_matches(' ');
            let indent = line.len() - content.len();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            if let Some(limit) = continuation {
                if indent > limit {
                    continue;
                }
                continuation = None;
            }
            if indent == 0 && (content.starts_with("---") || content.starts_with("...")) {
                continue;
            }
            if indent == 0 && content.starts_with('%') {
                continue;
            }
            let is_item = content == "-" || content.starts_with("- ");
            if let Some((parent_indent, pointer)) = pending.take() {
                if indent > parent_indent || (is_item && indent == parent_indent) {
                    stack.push(Frame {
                        indent,
                        pointer,
                        sequence: is_item,
                        next_index: 0,
                    });
                }
            }
            while stack.len() > 1 {
                let top = &stack[stack.len() - 1];
                if top.indent > indent || (top.indent == indent && top.sequence != is_item) {
                    stack.pop();
                } else {
                    break;
                }
            }
            // Peel `- ` prefixes: each opens an item, and what follows it on
            // the line is the item's content at a deeper column.
            let mut column = indent;
            let mut rest = content;
            loop {
                let top = stack.len() - 1;
                if rest == "-" || rest.starts_with("- ") {
                    if !stack[top].sequence || stack[top].indent != column {
                        let pointer = stack[top].pointer.clone();
                        stack.push(Frame {
                            indent: column,
                            pointer,
                            sequence: true,
                            next_index: 0,
                        });
                    }
                    let top = stack.len() - 1;
                    let index = stack[top].next_index;
                    stack[top].next_index += 1;
                    let pointer = format!("{}/{index}", stack[top].pointer);
                    self.record(&pointer, line_number, column + 1);
                    let after = &rest[1..];
                    let trimmed = after.trim_start_matches(' ');
                    let item_column = column + 1 + (after.len() - trimmed.len());
                    let value = strip_comment(trimmed);
                    if value.is_empty() || is_node_property(value) {
                        pending = Some((column, pointer));
                        break;
                    }
                    if value.starts_with("- ") || value == "-" || split_key(value).is_some() {
                        stack.push(Frame {
                            indent: item_column,
                            pointer,
                            sequence: value.starts_with('-'),
                            next_index: 0,
                        });
                        column = item_column;
                        rest = trimmed;
                        continue;
                    }
                    continuation = Some(column);
                    break;
                }
                let Some((key, value)) = split_key(rest) else {
                    // A scalar line that is not a key: part of a value.
                    break;
                };
                let top = stack.len() - 1;
                let pointer = pointer_join(&stack[top].pointer, &key);
                self.record(&pointer, line_number, column + 1);
                let value = strip_comment(value);
                if value.is_empty() || is_node_property(value) {
                    pending = Some((column, pointer));
                } else {
                    // A scalar, a block scalar (`|`, `>`) or a flow
                    // collection: whatever is indented deeper belongs to it.
                    continuation = Some(column);
                }
                break;
            }
        }
    }
}

/// Reads the rest of a JSON string after its opening quote.
fn read_json_string<I>(
    chars: &mut I,
    next: &mut impl FnMut(&mut I) -> Option<(char, usize, usize)>,
) -> String {
    let mut out = String::new();
    while let Some((c, _, _)) = next(chars) {
        match c {
            '"' => break,
            '\\' => match next(chars) {
                Some(('n', _, _)) => out.push('\n'),
                Some(('t', _, _)) => out.push('\t'),
                Some(('u', _, _)) => {
                    let mut code = String::new();
                    for _ in 0..4 {
                        if let Some((h, _, _)) = next(chars) {
                            code.push(h);
                        }
                    }
                    if let Some(decoded) =
                        u32::from_str_radix(&code, 16).ok().and_then(char::from_u32)
                    {
                        out.push(decoded);
                    }
                }
                Some((other, _, _)) => out.push(other),
                None => break,
            },
            c => out.push(c),
        }
    }
    out
}

/// Splits `key: value` (or `key:`) into the key, unquoted, and the value.
fn split_key(content: &str) -> Option<(String, &str)> {
    let first = content.chars().next()?;
    if first == '"' || first == '\'' {
        let (key, after) = read_quoted(content, first)?;
        let after = after.trim_start_matches(' ');
        let value = after.strip_prefix(':')?;
        if !value.is_empty() && !value.starts_with(' ') {
            return None;
        }
        return Some((key, value.trim_start_matches(' ')));
    }
    if matches!(first, '{' | '[' | '&' | '*' | '!' | '|' | '>' | '#') {
        return None;
    }
    let bytes = content.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ') {
            let key = content[..i].trim_end();
            return Some((key.to_owned(), content[i + 1..].trim_start_matches(' ')));
        }
        if *b == b'#' && i > 0 && bytes[i - 1] == b' ' {
            return None;
        }
    }
    None
}

/// Reads a quoted YAML scalar at the start of `content`; returns it unquoted
/// and the text after the closing quote.
fn read_quoted(content: &str, quote: char) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = content.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if c == quote {
            if quote == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                chars.next();
                out.push('\'');
                continue;
            }
            return Some((out, &content[i + c.len_utf8()..]));
        }
        if c == '\\' && quote == '"' {
            if let Some((_, escaped)) = chars.next() {
                out.push(escaped);
            }
            continue;
        }
        out.push(c);
    }
    None
}

/// A value with its trailing ` # comment` removed.
fn strip_comment(value: &str) -> &str {
    if value.starts_with('#') {
        return "";
    }
    match value.find(" #") {
        Some(i) if !value.starts_with(['"', '\'']) => value[..i].trim_end(),
        _ => value.trim_end(),
    }
}

/// An anchor or tag alone on the line (`key: &base`): the node follows on
/// the next lines.
fn is_node_property(value: &str) -> bool {
    (value.starts_with('&') || value.starts_with('!')) && !value.contains(' ')
}

#[cfg(test)]
mod tests {
    use super::Locator;

    #[test]
    fn yaml_keys_items_and_quoted_keys() {
        let text = "\
openapi: 3.0.3
paths:
  /lead/{id}/:   # a comment
    get:
      description: |
        text: that looks like a key
        - and an item
      parameters:
      - name: id
        in: path
      - $ref: '#/components/parameters/X'
      responses:
        '200':
          description: ok
components: {}
";
        let locator = Locator::new(text);
        let at = |p: &str| locator.locate(p).unwrap();
        assert_eq!(at("#/openapi"), (1, 1));
        assert_eq!(at("#/paths/~1lead~1{id}~1"), (3, 3));
        assert_eq!(at("#/paths/~1lead~1{id}~1/get/description"), (5, 7));
        assert_eq!(at("#/paths/~1lead~1{id}~1/get/parameters/0"), (9, 7));
        assert_eq!(at("#/paths/~1lead~1{id}~1/get/parameters/0/in"), (10, 9));
        assert_eq!(at("#/paths/~1lead~1{id}~1/get/parameters/1/$ref"), (11, 9));
        assert_eq!(
            at("#/paths/~1lead~1{id}~1/get/responses/200/description"),
            (14, 11)
        );
        // Not indexed (inside a flow mapping): the nearest ancestor.
        assert_eq!(at("#/components/schemas/Lead"), (15, 1));
        // Text inside a block scalar is not taken for keys.
        assert_eq!(at("#/paths/~1lead~1{id}~1/get/description/text"), (5, 7));
    }

    #[test]
    fn yaml_indented_sequences_and_nested_items() {
        let text = "a:\n  - - x\n    - y\n  - k: v\n    j: w\n";
        let locator = Locator::new(text);
        assert_eq!(locator.locate("#/a/0/1"), Some((3, 5)));
        assert_eq!(locator.locate("#/a/1/j"), Some((5, 5)));
    }

    #[test]
    fn json_members_and_elements() {
        let text = "{\n  \"paths\": {\"/a~b\": {\"get\": [1, {\"x\": \"y\\\"\"}, true]}},\n  \"info\": {}\n}";
        let locator = Locator::new(text);
        assert_eq!(locator.locate("#/paths"), Some((2, 3)));
        assert_eq!(locator.locate("#/paths/~1a~0b/get/1/x"), Some((2, 34)));
        assert_eq!(locator.locate("#/paths/~1a~0b/get/2"), Some((2, 47)));
        assert_eq!(locator.locate("#/info"), Some((3, 3)));
        assert_eq!(locator.locate("#/info/title"), Some((3, 3)));
    }

    /// Every recorded key is found at its position, in the workspace's own
    /// specs: the scanner never points at the wrong line.
    #[test]
    fn recorded_keys_are_where_they_are_said_to_be() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut specs = vec![root.join("spec/close.yaml")];
        for dir in ["tests/fixtures", "tests/bad", "tests/warn"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "yaml" || e == "json") {
                    specs.push(path);
                }
            }
        }
        let mut checked = 0;
        for spec in specs {
            let text = std::fs::read_to_string(&spec).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            let locator = Locator::new(&text);
            for (pointer, (line, column)) in &locator.positions {
                let Some(last) = pointer.rsplit('/').next() else {
                    continue;
                };
                if pointer == "#" || last.parse::<usize>().is_ok() {
                    continue;
                }
                let key = last.replace("~1", "/").replace("~0", "~");
                let at: String = lines[line - 1].chars().skip(column - 1).collect();
                let at = at.trim_start_matches(['"', '\'']);
                assert!(
                    at.starts_with(&key),
                    "{}: {pointer} is said to be at {line}:{column}, which reads `{at}`",
                    spec.display()
                );
                checked += 1;
            }
        }
        assert!(checked > 1000, "only {checked} keys checked");
    }

    #[test]
    fn garbage_does_not_panic() {
        for text in [
            "{",
            "}",
            "]]]",
            "{\"a\": [",
            "- - -\n  -",
            "a: \"unterminated",
            ":\n:",
            "'a':b\n\t- x",
        ] {
            let locator = Locator::new(text);
            assert_eq!(locator.locate("#"), Some((1, 1)));
        }
        assert_eq!(Locator::new("a: 1").locate("no-hash"), None);
    }
}
