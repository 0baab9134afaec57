//! The bundler's last steps: naming each hoisted value's component, and
//! rewriting every reference to the root pointer it reaches.

use std::collections::{HashMap, HashSet};

use serde_yaml::{Mapping, Value};

use super::pointer::{
    component, name_words, navigate, navigate_mut, percent_decode, pointer_of, segments,
};
use super::{noun, section, Bundled, Bundler, Origin, Refs, Resolution, StringRef};
use crate::diagnostics::{pointer_join, Diagnostic};
use crate::load::shape::{key_text, Kind};

impl Bundler<'_> {
    /// The pointer of the component a target becomes.
    pub(super) fn component_pointer(&self, target: usize) -> String {
        let t = &self.targets[target];
        let section = section(t.kind).unwrap_or("schemas");
        pointer_join(&format!("#/components/{section}"), &t.key)
    }

    /// Names each target's component: from its place, unique in its section
    /// of the root's `components` (and, for schemas, as a Rust type name).
    pub(super) fn name_targets(&mut self) {
        let mut taken: HashMap<&'static str, HashSet<String>> = HashMap::new();
        let components = self.files[0]
            .value
            .as_ref()
            .and_then(|v| v.get("components"))
            .and_then(Value::as_mapping);
        for kind in [
            Kind::Schema,
            Kind::Parameter,
            Kind::RequestBody,
            Kind::Response,
            Kind::Header,
            Kind::Example,
        ] {
            let section = section(kind).unwrap_or("schemas");
            let names = components
                .and_then(|c| c.get(section))
                .and_then(Value::as_mapping)
                .into_iter()
                .flatten()
                .flat_map(|(k, _)| {
                    let k = key_text(k).to_owned();
                    [crate::naming::type_name(&k), k]
                })
                .collect();
            taken.insert(section, names);
        }
        // A component of the root that is only a `$ref` to a value that
        // moves (`Pet: {$ref: ./pet.yaml}`, the usual way to name another
        // file's schema) is where the value goes, under that name: no alias.
        for site in &self.sites {
            let Resolution::Hoisted(target) = site.resolution else {
                continue;
            };
            let segments = segments(&site.at.pointer);
            let homed = site.at.file == 0
                && site.string.is_none()
                && !self.targets[target].homed
                && component(&segments)
                    .is_some_and(|(sec, _)| Some(sec) == section(self.targets[target].kind));
            let only_ref = self.files[0]
                .value
                .as_ref()
                .and_then(|v| navigate(v, &segments, "").ok())
                .and_then(Value::as_mapping)
                .is_some_and(|m| m.len() == 1);
            if homed && only_ref {
                self.targets[target].homed = true;
                self.targets[target].key = segments[2].clone();
            }
        }
        for target in 0..self.targets.len() {
            if self.targets[target].homed {
                continue;
            }
            let t = &self.targets[target];
            let label = &self.files[t.place.file].label;
            let segments = segments(&t.place.pointer);
            let mut words = match segments.as_slice() {
                // A whole file is named after the file.
                [] => {
                    let stem = label.rsplit('/').next().unwrap_or(label);
                    vec![stem.split('.').next().unwrap_or(stem).to_owned()]
                }
                [c, sec, name, rest @ ..] if c == "components" => {
                    let mut words = vec![name.clone()];
                    words.extend(name_words(rest));
                    // A schema inside a parameter, response, body or header
                    // says what it belongs to.
                    let owner = match (sec.as_str(), t.kind) {
                        ("parameters", Kind::Schema) => Some("Parameter"),
                        ("responses", Kind::Schema) => Some("Response"),
                        ("requestBodies", Kind::Schema) => Some("Body"),
                        ("headers", Kind::Schema) => Some("Header"),
                        _ => None,
                    };
                    words.extend(owner.map(str::to_owned));
                    words
                }
                [paths, path, rest @ ..] if paths == "paths" => {
                    let mut words = name_words(rest);
                    if let Some(method) = words.first().cloned() {
                        words[0] = format!("{method} {path}");
                    } else {
                        words.push(path.clone());
                    }
                    words
                }
                other => name_words(other),
            };
            if words.is_empty() {
                words.push(format!("{} Component", noun(t.kind)));
            }
            let base = crate::naming::type_name(&words.join(" "));
            let section = section(t.kind).unwrap_or("schemas");
            let names = taken.entry(section).or_default();
            let mut key = base.clone();
            let mut n = 1;
            while names.contains(&key) || names.contains(&crate::naming::type_name(&key)) {
                n += 1;
                let separator = if base.ends_with(|c: char| c.is_ascii_digit()) {
                    "_"
                } else {
                    ""
                };
                key = format!("{base}{separator}{n}");
            }
            names.insert(crate::naming::type_name(&key));
            names.insert(key.clone());
            self.targets[target].key = key;
        }
    }

    /// Applies every resolution: references rewritten, values hoisted into
    /// the root's components, path items and security schemes copied.
    pub(super) fn rewrite(&mut self) -> Bundled {
        self.name_targets();
        let labels: Vec<String> = self.files.iter().map(|f| f.label.clone()).collect();
        // Origins name a file by its place among the texts read, which
        // leaves out files that could not be read.
        let text_of: Vec<usize> = labels
            .iter()
            .map(|label| self.texts.iter().position(|(l, _)| l == label).unwrap_or(0))
            .collect();
        let mut refs = Refs::default();
        let mut diagnostics = std::mem::take(&mut self.diagnostics);
        let mut inline_sites = Vec::new();
        // References first, while every pointer is still where it was written.
        for index in 0..self.sites.len() {
            let written = match &self.sites[index].resolution {
                Resolution::Root(pointer) => Some(pointer.clone()),
                Resolution::Hoisted(target) => Some(self.component_pointer(*target)),
                Resolution::Failed(written, why) => {
                    let site = &self.sites[index];
                    if site.string == Some(StringRef::FieldSelection) {
                        // `lower` reports it where it reads the extension.
                        refs.unresolved.insert(written.clone(), why.clone());
                    } else if site.string == Some(StringRef::Mapping)
                        || matches!(site.kind, Kind::Header | Kind::Example)
                    {
                        // `lower` reads neither headers nor examples, and a
                        // mapping entry only as a name to compare: the
                        // client does not need them.
                        let effect = match site.kind {
                            _ if site.string == Some(StringRef::Mapping) => {
                                "this discriminator value selects no member".to_owned()
                            }
                            kind => format!("{} is ignored", noun(kind)),
                        };
                        let mut warning = Diagnostic::warning(
                            site.at.pointer.clone(),
                            format!("{}; {effect}", why.message),
                        );
                        warning.file = self.files[site.at.file].label.clone();
                        warning.hint = why.hint.clone();
                        warning.related = why.related.clone();
                        diagnostics.push(warning);
                    } else {
                        refs.unresolved.insert(written.clone(), why.clone());
                    }
                    Some(written.clone())
                }
                Resolution::Inlined(_) => {
                    inline_sites.push(index);
                    None
                }
                Resolution::Kept | Resolution::Pending => None,
            };
            let Some(written) = written else { continue };
            let site = &self.sites[index];
            if site.at.file == 0 && written == site.reference {
                continue;
            }
            let segments = segments(&site.at.pointer);
            let Some(value) = self.files[site.at.file]
                .value
                .as_mut()
                .and_then(|v| navigate_mut(v, &segments))
            else {
                continue;
            };
            if site.string.is_some() {
                *value = Value::String(written);
            } else if let Some(map) = value.as_mapping_mut() {
                map.insert(Value::String("$ref".to_owned()), Value::String(written));
            }
        }
        // Hoisted values, deepest first: a target inside another is replaced
        // by its `$ref` before the outer one moves.
        let mut order: Vec<usize> = (0..self.targets.len()).collect();
        order.sort_by_key(|t| std::cmp::Reverse(segments(&self.targets[*t].place.pointer).len()));
        let mut hoisted: Vec<Option<Value>> = vec![None; self.targets.len()];
        for target in order {
            let reference = self.component_pointer(target);
            let place = &self.targets[target].place;
            let segments = segments(&place.pointer);
            let Some(slot) = self.files[place.file]
                .value
                .as_mut()
                .and_then(|v| navigate_mut(v, &segments))
            else {
                continue;
            };
            let mut stub = Mapping::new();
            stub.insert(Value::String("$ref".to_owned()), Value::String(reference));
            hoisted[target] = Some(std::mem::replace(slot, Value::Mapping(stub)));
        }
        // Copies for path items and security schemes, followed through
        // chains of them.
        let mut origins = Vec::new();
        let mut copies = Vec::new();
        for index in inline_sites {
            let site = &self.sites[index];
            let in_place = match site.kind {
                Kind::PathItem => {
                    site.at.file == 0
                        && segments(&site.at.pointer)
                            .first()
                            .is_some_and(|s| s == "paths")
                        && segments(&site.at.pointer).len() == 2
                }
                Kind::SecurityScheme => site.at.file == 0 && segments(&site.at.pointer).len() == 3,
                _ => false,
            };
            if !in_place {
                continue;
            }
            match self.follow(index) {
                Ok((place, value)) => copies.push((site.at.pointer.clone(), place, value)),
                Err(why) => {
                    let site = &self.sites[index];
                    let mut error = Diagnostic::error(site.at.pointer.clone(), why);
                    error.file = self.files[site.at.file].label.clone();
                    diagnostics.push(error.with_hint(
                        "make one entry of the chain a definition rather than another `$ref`",
                    ));
                }
            }
        }
        for (at, place, value) in copies {
            let segments = segments(&at);
            let Some(slot) = self.files[0]
                .value
                .as_mut()
                .and_then(|v| navigate_mut(v, &segments))
            else {
                continue;
            };
            // Keys beside the `$ref` (3.1's `summary` and `description`) win.
            let mut copy = value;
            if let (Some(copy), Some(site)) = (copy.as_mapping_mut(), slot.as_mapping()) {
                for (k, v) in site {
                    if key_text(k) != "$ref" {
                        copy.insert(k.clone(), v.clone());
                    }
                }
            }
            *slot = copy;
            origins.push(Origin {
                bundled: at,
                file: text_of[place.file],
                pointer: place.pointer,
            });
        }
        // The hoisted values become components of the root, in the order
        // they were met.
        if hoisted.iter().any(Option::is_some) {
            if let Some(root) = self.files[0].value.as_mut().and_then(Value::as_mapping_mut) {
                let components = root
                    .entry(Value::String("components".to_owned()))
                    .or_insert_with(|| Value::Mapping(Mapping::new()));
                if let Some(components) = components.as_mapping_mut() {
                    for (target, value) in hoisted.into_iter().enumerate() {
                        let Some(value) = value else { continue };
                        let t = &self.targets[target];
                        let section = section(t.kind).unwrap_or("schemas");
                        let entries = components
                            .entry(Value::String(section.to_owned()))
                            .or_insert_with(|| Value::Mapping(Mapping::new()));
                        if let Some(entries) = entries.as_mapping_mut() {
                            entries.insert(Value::String(t.key.clone()), value);
                            if t.kind == Kind::Schema {
                                let written = match t.place.file {
                                    0 => t.place.pointer.clone(),
                                    file => match t.place.pointer.as_str() {
                                        "#" => labels[file].clone(),
                                        pointer => format!("{}{pointer}", labels[file]),
                                    },
                                };
                                refs.hoisted_schemas.insert(t.key.clone(), written);
                            }
                            origins.push(Origin {
                                bundled: pointer_join(&format!("#/components/{section}"), &t.key),
                                file: text_of[t.place.file],
                                pointer: t.place.pointer.clone(),
                            });
                        }
                    }
                }
            }
        }
        // The components of the root that references point inside.
        let pointed_into = self
            .sites
            .iter()
            .filter(|s| s.at.file == 0)
            .filter_map(|s| {
                let fragment = s.reference.strip_prefix('#')?;
                let segments = segments(&format!("#{}", percent_decode(fragment)));
                (segments.len() > 3 && segments[0] == "components")
                    .then(|| pointer_of(&segments[..3]))
            })
            .collect();
        Bundled {
            origins,
            pointed_into,
            refs,
            diagnostics,
        }
    }
}
