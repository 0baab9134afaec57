//! The rules for types: structs and their fields and constructors, enums,
//! unions and aliases.

use super::*;

impl Compare {
    pub(super) fn types(&mut self, old: &ApiModel, new: &ApiModel) {
        for o in &old.types {
            let new_name = self
                .renames
                .get(&o.name)
                .cloned()
                .unwrap_or_else(|| o.name.clone());
            match new.find_type(&new_name) {
                Some(n) => {
                    if n.name != o.name {
                        self.add(entry(
                            Class::Breaking,
                            "type-renamed",
                            Section::Changed,
                            &o.name,
                            format!("renamed to `{}`", n.name),
                            format!("code that names `{}` stops compiling; its fields and variants are the same.", o.name),
                            n.at.as_deref().unwrap_or("#"),
                        ));
                    }
                    self.one_type(o, n);
                }
                None => self.add(entry(
                    Class::Breaking,
                    "type-removed",
                    Section::Removed,
                    &o.name,
                    format!("{} removed", kind_word(&o.shape)),
                    format!("code that names `{}` stops compiling.", o.name),
                    o.at.as_deref().unwrap_or("#"),
                )),
            }
        }
        let kept: BTreeSet<String> = old
            .types
            .iter()
            .map(|o| {
                self.renames
                    .get(&o.name)
                    .cloned()
                    .unwrap_or_else(|| o.name.clone())
            })
            .collect();
        for n in new.types.iter().filter(|n| !kept.contains(&n.name)) {
            self.add(entry(
                Class::Additive,
                "type-added",
                Section::Added,
                &n.name,
                format!("new {}", kind_word(&n.shape)),
                "a new public type; nothing existing changes.",
                n.at.as_deref().unwrap_or("#"),
            ));
        }
    }

    fn one_type(&mut self, o: &TypeModel, n: &TypeModel) {
        let at = n.at.as_deref().unwrap_or("#");
        self.deprecation(o.deprecated, n.deprecated, &n.name, at);
        if o.docs != n.docs {
            self.add(entry(
                Class::Internal,
                "description-changed",
                Section::Changed,
                &n.name,
                "documentation changed",
                DOCS_ONLY,
                at,
            ));
        }
        match (&o.shape, &n.shape) {
            (
                Shape::Struct {
                    non_exhaustive: ne_a,
                    default: d_a,
                    new: new_a,
                    fields: f_a,
                    extra: x_a,
                    custom: c_a,
                },
                Shape::Struct {
                    non_exhaustive: ne_b,
                    default: d_b,
                    new: new_b,
                    fields: f_b,
                    extra: x_b,
                    custom: c_b,
                },
            ) => {
                self.exhaustiveness(
                    *ne_a,
                    *ne_b,
                    n,
                    "struct literals `",
                    "` and patterns without `..`",
                );
                self.fields(n, f_a, f_b, *ne_b, new_b.as_deref());
                self.constructor(n, new_a.as_deref(), new_b.as_deref(), at);
                if *d_a && !*d_b {
                    self.add(entry(
                        Class::Breaking,
                        "default-impl-removed",
                        Section::Removed,
                        &n.name,
                        "no longer implements `Default`",
                        format!("`{}::default()` stops compiling.", n.name),
                        at,
                    ));
                } else if !*d_a && *d_b {
                    self.add(entry(
                        Class::Additive,
                        "default-impl-added",
                        Section::Added,
                        &n.name,
                        "implements `Default`",
                        "a new trait implementation.",
                        at,
                    ));
                }
                if self.renamed(x_a) != *x_b {
                    self.add(entry(
                        Class::Breaking,
                        "field-retyped",
                        Section::Changed,
                        &n.name,
                        format!("undeclared properties kept as `{x_b}` (was `{x_a}`)"),
                        "code that reads or fills that map as the old type stops compiling.",
                        at,
                    ));
                }
                match (c_a, c_b) {
                    (None, Some(c)) => {
                        let class = if *ne_b {
                            Class::Additive
                        } else {
                            Class::Breaking
                        };
                        self.add(entry(
                            class,
                            "field-added",
                            Section::Added,
                            &n.name,
                            format!("custom fields `{c}`"),
                            literal_note(*ne_b, &n.name, "a new public field."),
                            at,
                        ));
                    }
                    (Some(c), None) => self.add(entry(
                        Class::Breaking,
                        "field-removed",
                        Section::Removed,
                        &n.name,
                        format!("custom fields `{c}` removed"),
                        "code that reads them stops compiling.",
                        at,
                    )),
                    _ => {}
                }
            }
            (
                Shape::Enum {
                    non_exhaustive: ne_a,
                    variants: v_a,
                    other: o_a,
                },
                Shape::Enum {
                    non_exhaustive: ne_b,
                    variants: v_b,
                    other: o_b,
                },
            )
            | (
                Shape::FieldEnum {
                    non_exhaustive: ne_a,
                    variants: v_a,
                    other: o_a,
                    ..
                },
                Shape::FieldEnum {
                    non_exhaustive: ne_b,
                    variants: v_b,
                    other: o_b,
                    ..
                },
            ) => {
                self.exhaustiveness(
                    *ne_a,
                    *ne_b,
                    n,
                    "`match`es on `",
                    "` without a wildcard arm",
                );
                self.enum_variants(n, v_a, v_b, *ne_b);
                if o_a != o_b {
                    self.add(entry(
                        Class::Breaking,
                        "enum-variant-renamed",
                        Section::Changed,
                        format!("{}::{o_a}", n.name),
                        format!("catch-all variant renamed `{o_b}`"),
                        "code that names the old variant stops compiling.",
                        at,
                    ));
                }
                if let (
                    Shape::FieldEnum { custom: c_a, .. },
                    Shape::FieldEnum { custom: c_b, .. },
                ) = (&o.shape, &n.shape)
                {
                    if c_a != c_b {
                        let (class, section) = match (c_a, c_b, *ne_b) {
                            (None, Some(_), true) => (Class::Additive, Section::Added),
                            (None, Some(_), false) => (Class::Breaking, Section::Added),
                            _ => (Class::Breaking, Section::Changed),
                        };
                        self.add(entry(
                            class,
                            "enum-value-added",
                            section,
                            &n.name,
                            format!(
                                "custom-field variant {} → {}",
                                c_a.as_deref().unwrap_or("none"),
                                c_b.as_deref().unwrap_or("none")
                            ),
                            "the variant that names a custom field changed.",
                            at,
                        ));
                    }
                }
            }
            (
                Shape::Union {
                    non_exhaustive: ne_a,
                    tag: t_a,
                    variants: v_a,
                },
                Shape::Union {
                    non_exhaustive: ne_b,
                    tag: t_b,
                    variants: v_b,
                },
            ) => {
                self.exhaustiveness(
                    *ne_a,
                    *ne_b,
                    n,
                    "`match`es on `",
                    "` without a wildcard arm",
                );
                self.union_variants(n, v_a, v_b, *ne_b, t_b.is_none());
                if t_a != t_b {
                    self.add(entry(
                        Class::Internal,
                        "tag-changed",
                        Section::Changed,
                        &n.name,
                        format!(
                            "discriminator {} → {}",
                            t_a.as_deref().unwrap_or("none"),
                            t_b.as_deref().unwrap_or("none")
                        ),
                        "the value picks its variant the new way; callers' code is unaffected.",
                        at,
                    ));
                }
            }
            (Shape::Alias { target: a }, Shape::Alias { target: b }) => {
                if self.renamed(a) != *b {
                    self.add(entry(
                        Class::Breaking,
                        "alias-retargeted",
                        Section::Changed,
                        &n.name,
                        format!("now `{b}` (was `{a}`)"),
                        "code that uses it as the old type stops compiling.",
                        at,
                    ));
                }
            }
            (a, b) => self.add(entry(
                Class::Breaking,
                "type-kind-changed",
                Section::Changed,
                &n.name,
                format!("{} → {}", kind_word(a), kind_word(b)),
                "code that builds, reads or matches it as before stops compiling.",
                at,
            )),
        }
    }

    fn exhaustiveness(&mut self, old: bool, new: bool, n: &TypeModel, what: &str, how: &str) {
        let at = n.at.as_deref().unwrap_or("#");
        if !old && new {
            self.add(entry(
                Class::Breaking,
                "non-exhaustive-added",
                Section::Changed,
                &n.name,
                "now `#[non_exhaustive]`",
                format!("{what}{}{how} stop compiling outside the crate; in exchange, later additions to it do not break callers.", n.name),
                at,
            ));
        } else if old && !new {
            self.add(entry(
                Class::Additive,
                "non-exhaustive-removed",
                Section::Changed,
                &n.name,
                "no longer `#[non_exhaustive]`",
                "code may build or match it exhaustively; nothing existing breaks.",
                at,
            ));
        }
    }

    fn fields(
        &mut self,
        n: &TypeModel,
        old: &[FieldModel],
        new: &[FieldModel],
        non_exhaustive: bool,
        ctor: Option<&[String]>,
    ) {
        let ty = &n.name;
        let request = n.used_in.contains(&Direction::Request);
        let in_ctor = |f: &FieldModel| ctor.is_some_and(|c| c.contains(&f.name));
        // Fields pair by Rust name, then by wire name (a Rust rename).
        let mut paired: Vec<(Option<&FieldModel>, Option<&FieldModel>)> = Vec::new();
        let mut used = BTreeSet::new();
        for a in old {
            let b = new.iter().find(|b| b.name == a.name).or_else(|| {
                new.iter()
                    .find(|b| b.wire == a.wire && !old.iter().any(|x| x.name == b.name))
            });
            if let Some(b) = b {
                used.insert(b.name.clone());
            }
            paired.push((Some(a), b));
        }
        paired.extend(
            new.iter()
                .filter(|b| !used.contains(&b.name))
                .map(|b| (None, Some(b))),
        );
        for pair in paired {
            match pair {
                (Some(a), None) => self.add(entry(
                    Class::Breaking,
                    "field-removed",
                    Section::Removed,
                    format!("{ty}.{}", a.name),
                    format!("field `{}: {}` removed", a.name, a.ty),
                    format!("code that reads or sets `{}` stops compiling.", a.name),
                    &a.at,
                )),
                (None, Some(b)) => {
                    let (class, meaning) = if !non_exhaustive {
                        (Class::Breaking, format!("struct literals `{ty} {{ .. }}` must name `{}`; code that only reads `{ty}` is unaffected.", b.name))
                    } else if in_ctor(b) {
                        let readers = if request {
                            ""
                        } else {
                            " (code that only reads it is unaffected)"
                        };
                        (Class::Breaking, format!("`{ty}::new` takes a new argument `{}`: every call must pass it{readers}.", b.name))
                    } else {
                        let how = match (&b.setter, &b.clear) {
                            (Some(s), Some(c)) => format!(" and the methods `{s}`, `{c}`"),
                            (Some(s), None) => format!(" and the setter `{s}`"),
                            _ => String::new(),
                        };
                        (Class::Additive, format!("a new public field{how}; existing code compiles and sends what it sent before."))
                    };
                    self.add(entry(
                        class,
                        "field-added",
                        Section::Added,
                        format!("{ty}.{}", b.name),
                        format!(
                            "new {} field `{}: {}`",
                            b.presence.replace('_', " "),
                            b.name,
                            b.ty
                        ),
                        meaning,
                        &b.at,
                    ));
                }
                (Some(a), Some(b)) => self.field(n, a, b, request),
                (None, None) => {}
            }
        }
    }

    fn field(&mut self, n: &TypeModel, a: &FieldModel, b: &FieldModel, request: bool) {
        let item = format!("{}.{}", n.name, b.name);
        if a.name != b.name {
            self.add(entry(
                Class::Breaking,
                "field-renamed",
                Section::Changed,
                format!("{}.{}", n.name, a.name),
                format!("Rust field renamed `{}` (property `{}`)", b.name, b.wire),
                format!(
                    "code that reads or sets `{}` stops compiling; use `{}`.",
                    a.name, b.name
                ),
                &b.at,
            ));
        } else if a.wire != b.wire {
            self.add(entry(
                Class::Internal,
                "wire-name-changed",
                Section::Changed,
                &item,
                format!("property `{}` is now `{}` on the wire", a.wire, b.wire),
                "the Rust field keeps its name; it is read and written under the new property name.",
                &b.at,
            ));
        }
        let old_ty = self.renamed(&a.ty);
        if a.presence != b.presence {
            let required = |p: &str| p.starts_with("required");
            let nullable = |p: &str| p.ends_with("nullable");
            let (rule, what) = if required(&b.presence) && !required(&a.presence) {
                ("field-made-required", "made required")
            } else if !required(&b.presence) && required(&a.presence) {
                ("field-made-optional", "made optional")
            } else if nullable(&b.presence) {
                ("field-nullable-changed", "made nullable")
            } else {
                ("field-nullable-changed", "no longer nullable")
            };
            // `Option<T>` either way: optional ↔ required and nullable.
            let (class, meaning) = if old_ty != b.ty {
                (Class::Breaking, format!("the field is `{}` (was `{}`): code that reads, sets or constructs it stops compiling.", b.ty, a.ty))
            } else if request {
                let now = if required(&b.presence) {
                    "sent as `null`"
                } else {
                    "left out"
                };
                (Class::Breaking, format!("code compiles as before, but a `None` in a request is now {now}, which the server may read differently."))
            } else {
                (
                    Class::Internal,
                    "the field's type is unchanged; `None` now stands for the new case.".to_owned(),
                )
            };
            self.add(entry(
                class,
                rule,
                Section::Changed,
                &item,
                format!("{what}: `{}` → `{}`", a.ty, b.ty),
                meaning,
                &b.at,
            ));
        } else if old_ty != b.ty {
            self.add(entry(
                Class::Breaking,
                "field-retyped",
                Section::Changed,
                &item,
                format!("type `{}` → `{}`", a.ty, b.ty),
                "code that reads or sets it as the old type stops compiling.",
                &b.at,
            ));
        }
        if (&a.setter, &a.clear) != (&b.setter, &b.clear)
            && a.presence == b.presence
            && a.name == b.name
        {
            let gone = a.setter.is_some() && a.setter != b.setter
                || a.clear.is_some() && a.clear != b.clear;
            let (class, meaning) = if gone {
                (
                    Class::Breaking,
                    "code that calls the old methods stops compiling.",
                )
            } else {
                (Class::Additive, "new methods; nothing existing changes.")
            };
            self.add(entry(
                class,
                "setter-changed",
                Section::Changed,
                &item,
                format!("methods {} → {}", methods(a), methods(b)),
                meaning,
                &b.at,
            ));
        }
        if a.default != b.default {
            let (class, meaning) = if request {
                (Class::Breaking, "code compiles as before, but a request that leaves it unset now gets the new default from the server.")
            } else {
                (Class::Internal, "the type is only read from responses: the documentation of what an absent value means changed.")
            };
            self.add(entry(
                class,
                "default-changed",
                Section::Changed,
                &item,
                format!(
                    "default {} → {}",
                    a.default.as_deref().unwrap_or("none"),
                    b.default.as_deref().unwrap_or("none")
                ),
                meaning,
                &b.at,
            ));
        }
        if a.docs != b.docs {
            self.add(entry(
                Class::Internal,
                "description-changed",
                Section::Changed,
                &item,
                "documentation changed",
                DOCS_ONLY,
                &b.at,
            ));
        }
    }

    fn constructor(&mut self, n: &TypeModel, a: Option<&[String]>, b: Option<&[String]>, at: &str) {
        match (a, b) {
            (Some(a), Some(b)) => {
                let common_a: Vec<&String> = a.iter().filter(|x| b.contains(x)).collect();
                let common_b: Vec<&String> = b.iter().filter(|x| a.contains(x)).collect();
                if common_a != common_b {
                    self.add(entry(
                        Class::Breaking,
                        "constructor-reordered",
                        Section::Changed,
                        format!("{}::new", n.name),
                        format!("arguments reordered: ({}) → ({})", a.join(", "), b.join(", ")),
                        "calls pass their arguments in the old order: they stop compiling, or, where the types agree, fill the wrong fields.",
                        at,
                    ));
                }
            }
            (None, Some(b)) => self.add(entry(
                Class::Additive,
                "constructor-added",
                Section::Added,
                format!("{}::new", n.name),
                format!("constructor `new({})`", b.join(", ")),
                "a new way to build it; nothing existing changes.",
                at,
            )),
            (Some(_), None) => self.add(entry(
                Class::Breaking,
                "constructor-removed",
                Section::Removed,
                format!("{}::new", n.name),
                "constructor removed",
                "code that calls it stops compiling.",
                at,
            )),
            (None, None) => {}
        }
    }

    fn enum_variants(
        &mut self,
        n: &TypeModel,
        old: &[VariantModel],
        new: &[VariantModel],
        non_exhaustive: bool,
    ) {
        let at = n.at.as_deref().unwrap_or("#");
        for b in new {
            match old.iter().find(|a| a.wire == b.wire) {
                None if old.iter().any(|a| a.name == b.name) => {}
                None => {
                    let (class, meaning) = if non_exhaustive {
                        (Class::Additive, format!("the enum is `#[non_exhaustive]`, so `match`es already have a wildcard arm; a `{}` that decoded as the catch-all variant now decodes as `{}`.", b.wire, b.name))
                    } else {
                        (Class::Breaking, format!("exhaustive `match`es on `{}` stop compiling until they handle `{}`.", n.name, b.name))
                    };
                    self.add(entry(
                        class,
                        "enum-value-added",
                        Section::Added,
                        format!("{}::{}", n.name, b.name),
                        format!("new value `{}`", b.wire),
                        meaning,
                        at,
                    ));
                }
                Some(a) if a.name != b.name => self.add(entry(
                    Class::Breaking,
                    "enum-variant-renamed",
                    Section::Changed,
                    format!("{}::{}", n.name, a.name),
                    format!("value `{}` is now the variant `{}`", b.wire, b.name),
                    format!("code that names `{}::{}` stops compiling.", n.name, a.name),
                    at,
                )),
                Some(_) => {}
            }
        }
        for a in old {
            if new.iter().any(|b| b.wire == a.wire) {
                continue;
            }
            match new.iter().find(|b| b.name == a.name) {
                Some(b) => self.add(entry(
                    Class::Internal,
                    "wire-name-changed",
                    Section::Changed,
                    format!("{}::{}", n.name, a.name),
                    format!("value `{}` is now `{}` on the wire", a.wire, b.wire),
                    "the Rust variant keeps its name; it is read and written as the new value.",
                    at,
                )),
                None => self.add(entry(
                    Class::Breaking,
                    "enum-value-removed",
                    Section::Removed,
                    format!("{}::{}", n.name, a.name),
                    format!("value `{}` removed", a.wire),
                    format!("code that names `{}::{}` stops compiling; the value, if still sent, decodes as the catch-all variant.", n.name, a.name),
                    o_at(n),
                )),
            }
        }
    }

    fn union_variants(
        &mut self,
        n: &TypeModel,
        old: &[UnionVariantModel],
        new: &[UnionVariantModel],
        non_exhaustive: bool,
        untagged: bool,
    ) {
        let at = n.at.as_deref().unwrap_or("#");
        for (index, b) in new.iter().enumerate() {
            match old.iter().find(|a| a.name == b.name) {
                None => {
                    let last = index + 1 == new.len() || !untagged;
                    let (class, meaning) = match (non_exhaustive, last) {
                        (true, true) => (Class::Additive, "the enum is `#[non_exhaustive]`, so `match`es already have a wildcard arm.".to_owned()),
                        (true, false) => (Class::Breaking, "the variants are tried in order and the new one comes before others: values that decoded as a later variant may now decode as this one.".to_owned()),
                        (false, _) => (Class::Breaking, format!("exhaustive `match`es on `{}` stop compiling until they handle `{}`.", n.name, b.name)),
                    };
                    self.add(entry(
                        class,
                        "variant-added",
                        Section::Added,
                        format!("{}::{}", n.name, b.name),
                        format!("new variant `{}({})`", b.name, b.ty),
                        meaning,
                        at,
                    ));
                }
                Some(a) => {
                    if self.renamed(&a.ty) != b.ty {
                        self.add(entry(
                            Class::Breaking,
                            "variant-retyped",
                            Section::Changed,
                            format!("{}::{}", n.name, b.name),
                            format!("holds `{}` (was `{}`)", b.ty, a.ty),
                            "code that builds or matches it with the old type stops compiling.",
                            at,
                        ));
                    }
                    if a.tags != b.tags {
                        self.add(entry(
                            Class::Internal,
                            "tag-changed",
                            Section::Changed,
                            format!("{}::{}", n.name, b.name),
                            format!("selected by {:?} (was {:?})", b.tags, a.tags),
                            "the value picks its variant the new way; callers' code is unaffected.",
                            at,
                        ));
                    }
                }
            }
        }
        for a in old {
            if !new.iter().any(|b| b.name == a.name) {
                self.add(entry(
                    Class::Breaking,
                    "variant-removed",
                    Section::Removed,
                    format!("{}::{}", n.name, a.name),
                    format!("variant `{}({})` removed", a.name, a.ty),
                    "code that builds or matches it stops compiling.",
                    at,
                ));
            }
        }
        if untagged {
            let order = |list: &[UnionVariantModel], other: &[UnionVariantModel]| -> Vec<String> {
                list.iter()
                    .filter(|v| other.iter().any(|w| w.name == v.name))
                    .map(|v| v.name.clone())
                    .collect()
            };
            if order(old, new) != order(new, old) {
                self.add(entry(
                    Class::Breaking,
                    "variants-reordered",
                    Section::Changed,
                    &n.name,
                    "variants tried in a new order",
                    "a value that fits several variants may decode as another one.",
                    at,
                ));
            }
        }
    }
}
