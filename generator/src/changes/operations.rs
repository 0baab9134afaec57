//! The rules for the client, its server and auth, and the operations: their
//! arguments, setters, errors, pagination and selection.

use super::*;

impl Compare {
    pub(super) fn server(&mut self, old: &ApiModel, new: &ApiModel) {
        const AT: &str = "#/servers/0/url";
        match (&old.server, &new.server) {
            (Some(a), Some(b)) if a != b => self.add(entry(
                Class::Breaking,
                "server-changed",
                Section::Changed,
                "Client::new",
                format!("default base URL `{a}` → `{b}`"),
                "clients made with `Client::new` (or a builder without `base_url`) send every request to the new URL.",
                AT,
            )),
            (None, Some(b)) => self.add(entry(
                Class::Additive,
                "server-added",
                Section::Added,
                "Client::new",
                format!("default base URL `{b}`"),
                "`Client::new` works without `ClientBuilder::base_url`; code that sets a base URL is unaffected.",
                AT,
            )),
            (Some(a), None) => self.add(entry(
                Class::Breaking,
                "server-removed",
                Section::Removed,
                "Client::new",
                format!("default base URL `{a}` removed"),
                "`Client::new` returns `Error::Config` until `ClientBuilder::base_url` sets a URL.",
                AT,
            )),
            _ => {}
        }
    }

    pub(super) fn client(&mut self, old: &ApiModel, new: &ApiModel) {
        let (a, b) = (old.client.auth.first(), new.client.auth.first());
        let at =
            |scheme: Option<&AuthModel>| scheme.map_or("#/security".to_owned(), |s| s.at.clone());
        let (old_at, new_at) = (at(a), at(b));
        let new_args = |m: &ApiModel| format!("Client::new({})", m.client.new.join(", "));
        if old.client.new != new.client.new {
            let (rule, what) = match (a, b) {
                (None, Some(s)) => (
                    "auth-added",
                    format!("authentication `{}` ({}) added", s.name, s.scheme),
                ),
                (Some(s), None) => (
                    "auth-removed",
                    format!("authentication `{}` removed", s.name),
                ),
                _ => ("auth-changed", "authentication scheme changed".to_owned()),
            };
            let section = if b.is_none() {
                Section::Removed
            } else {
                Section::Changed
            };
            let place = if b.is_none() { &old_at } else { &new_at };
            self.add(entry(
                Class::Breaking,
                rule,
                section,
                "Client::new",
                format!("{what}: `{}` → `{}`", new_args(old), new_args(new)),
                "calls to `Client::new` must pass the new arguments.",
                place,
            ));
        } else if let (Some(a), Some(b)) = (a, b) {
            if a.scheme != b.scheme {
                self.add(entry(
                    Class::Breaking,
                    "auth-changed",
                    Section::Changed,
                    "Client::new",
                    format!("authentication `{}` ({}) → `{}` ({})", a.name, a.scheme, b.name, b.scheme),
                    "`Client::new` compiles as before but sends its credential another way: callers must pass the new kind of credential.",
                    &new_at,
                ));
            } else if a.sent_as != b.sent_as {
                self.add(entry(
                    Class::Internal,
                    "auth-sent-elsewhere",
                    Section::Changed,
                    "Client::new",
                    format!(
                        "the API key is sent as {} (was {})",
                        b.sent_as.as_deref().unwrap_or("-"),
                        a.sent_as.as_deref().unwrap_or("-")
                    ),
                    "the same credential goes where the spec now says; callers' code is unaffected.",
                    &new_at,
                ));
            } else if a.docs != b.docs {
                self.add(entry(
                    Class::Internal,
                    "description-changed",
                    Section::Changed,
                    "Client::new",
                    "description of the authentication changed",
                    DOCS_ONLY,
                    &new_at,
                ));
            }
        }
        // Schemes after the first only document `ClientBuilder`'s setters,
        // which every client has.
        let others = |m: &ApiModel| -> Vec<(String, String)> {
            m.client
                .auth
                .iter()
                .skip(1)
                .map(|s| (s.name.clone(), s.scheme.clone()))
                .collect()
        };
        if others(old) != others(new) {
            self.add(entry(
                Class::Internal,
                "auth-alternatives-changed",
                Section::Changed,
                "ClientBuilder",
                "the other security schemes the spec lists changed",
                "documentation only: `ClientBuilder` sets any credential whatever the spec lists.",
                &new_at,
            ));
        }
    }

    pub(super) fn operations(&mut self, old: &ApiModel, new: &ApiModel) {
        let new_names: BTreeSet<&str> = new.operations.iter().map(|o| o.method.as_str()).collect();
        let old_names: BTreeSet<&str> = old.operations.iter().map(|o| o.method.as_str()).collect();
        // An operation whose method name went away and whose route now has
        // another name was renamed.
        let mut renamed: BTreeMap<&str, &OperationModel> = BTreeMap::new();
        for o in old
            .operations
            .iter()
            .filter(|o| !new_names.contains(o.method.as_str()))
        {
            if let Some(n) = new
                .operations
                .iter()
                .find(|n| !old_names.contains(n.method.as_str()) && n.http == o.http)
            {
                renamed.insert(o.method.as_str(), n);
            }
        }
        let renamed_to: BTreeSet<&str> = renamed.values().map(|n| n.method.as_str()).collect();
        for o in &old.operations {
            if let Some(n) = new.operations.iter().find(|n| n.method == o.method) {
                self.operation(o, n);
            } else if let Some(n) = renamed.get(o.method.as_str()) {
                self.add(entry(
                    Class::Breaking,
                    "operation-renamed",
                    Section::Changed,
                    format!("Client::{}", o.method),
                    format!(
                        "renamed to `Client::{}` (builder `{}` → `{}`)",
                        n.method, o.builder, n.builder
                    ),
                    format!(
                        "calls to `client.{}(..)` stop compiling; call `client.{}(..)`.",
                        o.method, n.method
                    ),
                    &n.at,
                ));
                self.operation(o, n);
            } else {
                self.add(entry(
                    Class::Breaking,
                    "operation-removed",
                    Section::Removed,
                    format!("Client::{}", o.method),
                    format!("operation `{}` removed", o.http),
                    format!(
                        "`client.{}(..)` and its builder `{}` no longer exist; code that calls it stops compiling.",
                        o.method, o.builder
                    ),
                    &o.at,
                ));
            }
        }
        for n in &new.operations {
            if !old_names.contains(n.method.as_str()) && !renamed_to.contains(n.method.as_str()) {
                self.add(entry(
                    Class::Additive,
                    "operation-added",
                    Section::Added,
                    format!("Client::{}", n.method),
                    format!("new operation `{}`", n.http),
                    format!(
                        "a new method `client.{}(..)` returning the builder `{}`.",
                        n.method, n.builder
                    ),
                    &n.at,
                ));
            }
        }
    }

    /// The changes to one operation that is there before and after.
    fn operation(&mut self, o: &OperationModel, n: &OperationModel) {
        let method = format!("Client::{}", n.method);
        if o.builder != n.builder && o.method == n.method {
            self.add(entry(
                Class::Breaking,
                "type-renamed",
                Section::Changed,
                &o.builder,
                format!("builder renamed to `{}`", n.builder),
                "code that names the builder type stops compiling; code that only chains its methods is unaffected.",
                &n.at,
            ));
        }
        if o.http != n.http {
            self.add(entry(
                Class::Internal,
                "operation-moved",
                Section::Changed,
                &method,
                format!("sends `{}` (was `{}`)", n.http, o.http),
                "the method sends the request where the spec now says; callers' code is unaffected.",
                &n.at,
            ));
        }
        self.arguments(o, n, &method);
        self.setters(o, n);
        if o.body != n.body && o.body.is_some() && n.body.is_some() {
            self.add(entry(
                Class::Internal,
                "body-encoding-changed",
                Section::Changed,
                &method,
                format!(
                    "request body sent as {} (was {})",
                    n.body.as_deref().unwrap_or("-"),
                    o.body.as_deref().unwrap_or("-")
                ),
                "the body is encoded as the spec now says; callers pass the same value.",
                &n.at,
            ));
        }
        if self.renamed(&o.returns) != n.returns {
            self.add(entry(
                Class::Breaking,
                "returns-changed",
                Section::Changed,
                &method,
                format!("returns `{}` (was `{}`)", n.returns, o.returns),
                "code that uses the awaited value as the old type stops compiling.",
                &n.at,
            ));
        }
        self.errors(o, n, &method);
        self.pagination(o, n, &method);
        self.selection(o, n, &method);
        self.deprecation(o.deprecated, n.deprecated, &method, &n.at);
        if o.docs != n.docs {
            self.add(entry(
                Class::Internal,
                "description-changed",
                Section::Changed,
                &method,
                "documentation changed",
                DOCS_ONLY,
                &n.at,
            ));
        }
    }

    fn arguments(&mut self, o: &OperationModel, n: &OperationModel, method: &str) {
        let names =
            |list: &[InputModel]| -> Vec<String> { list.iter().map(|i| i.name.clone()).collect() };
        let (old_names, new_names) = (names(&o.arguments), names(&n.arguments));
        // An argument renamed in place (same position, same type): callers
        // pass arguments by position, so nothing changes for them.
        let mut renamed: BTreeMap<String, String> = BTreeMap::new();
        if o.arguments.len() == n.arguments.len() {
            for (a, b) in o.arguments.iter().zip(&n.arguments) {
                if a.name != b.name
                    && !new_names.contains(&a.name)
                    && !old_names.contains(&b.name)
                    && self.renamed(&a.ty) == b.ty
                {
                    renamed.insert(a.name.clone(), b.name.clone());
                    self.add(entry(
                        Class::Internal,
                        "argument-renamed",
                        Section::Changed,
                        method,
                        format!("argument `{}` renamed `{}` ({})", a.name, b.name, b.sent_as),
                        "arguments are passed by position; callers' code is unaffected.",
                        &b.at,
                    ));
                }
            }
        }
        for b in &n.arguments {
            if old_names.contains(&b.name) || renamed.values().any(|r| r == &b.name) {
                continue;
            }
            if o.setters.iter().any(|s| s.name == b.name) {
                self.add(entry(
                    Class::Breaking,
                    "parameter-made-required",
                    Section::Changed,
                    method,
                    format!("`{}` ({}) is now required", b.name, b.sent_as),
                    format!(
                        "`client.{}(..)` takes `{}` as an argument and the builder's setter `{}` is gone: every call must change.",
                        n.method, b.name, b.name
                    ),
                    &b.at,
                ));
            } else {
                self.add(entry(
                    Class::Breaking,
                    "argument-added",
                    Section::Changed,
                    method,
                    format!(
                        "new required argument `{}: {}` ({})",
                        b.name, b.ty, b.sent_as
                    ),
                    format!("every call to `client.{}(..)` must pass it.", n.method),
                    &b.at,
                ));
            }
        }
        for a in &o.arguments {
            if new_names.contains(&a.name) || renamed.contains_key(&a.name) {
                continue;
            }
            if n.setters.iter().any(|s| s.name == a.name) {
                self.add(entry(
                    Class::Breaking,
                    "parameter-made-optional",
                    Section::Changed,
                    method,
                    format!("`{}` ({}) is now optional", a.name, a.sent_as),
                    format!(
                        "`client.{}(..)` no longer takes `{}`; set it with the builder's `{}(..)`: every call must change.",
                        n.method, a.name, a.name
                    ),
                    &n.at,
                ));
            } else {
                self.add(entry(
                    Class::Breaking,
                    "argument-removed",
                    Section::Changed,
                    method,
                    format!("argument `{}` ({}) removed", a.name, a.sent_as),
                    format!(
                        "every call to `client.{}(..)` passes one argument too many.",
                        n.method
                    ),
                    &n.at,
                ));
            }
        }
        let common_old: Vec<&String> = old_names.iter().filter(|x| new_names.contains(x)).collect();
        let common_new: Vec<&String> = new_names.iter().filter(|x| old_names.contains(x)).collect();
        if common_old != common_new {
            self.add(entry(
                Class::Breaking,
                "arguments-reordered",
                Section::Changed,
                method,
                format!(
                    "arguments reordered: ({}) → ({})",
                    old_names.join(", "),
                    new_names.join(", ")
                ),
                "calls pass their arguments in the old order: they stop compiling, or, where the types agree, send values in the wrong place.",
                &n.at,
            ));
        }
        for a in &o.arguments {
            if let Some(b) = n.arguments.iter().find(|b| b.name == a.name) {
                self.input(a, b, method, "argument", Class::Breaking);
            }
        }
    }

    fn setters(&mut self, o: &OperationModel, n: &OperationModel) {
        let builder = &n.builder;
        for b in &n.setters {
            let existed = o.setters.iter().any(|a| a.name == b.name);
            let was_argument = o.arguments.iter().any(|a| a.name == b.name);
            if !existed && !was_argument {
                self.add(entry(
                    Class::Additive,
                    "setter-added",
                    Section::Added,
                    format!("{builder}::{}", b.name),
                    format!("new optional {} `{}: {}`", what_input(b), b.name, b.ty),
                    "a new builder method; calls that do not set it send what they sent before.",
                    &b.at,
                ));
            }
        }
        for a in &o.setters {
            match n.setters.iter().find(|b| b.name == a.name) {
                Some(b) => self.input(
                    a,
                    b,
                    &format!("{builder}::{}", b.name),
                    "setter",
                    Class::Breaking,
                ),
                None if n.arguments.iter().any(|b| b.name == a.name) => {}
                None => {
                    let replaced = n
                        .selection
                        .as_ref()
                        .filter(|s| a.sent_as == format!("query {}", s.parameter))
                        .map(|_| " (now set by `select`)")
                        .unwrap_or("");
                    self.add(entry(
                        Class::Breaking,
                        "setter-removed",
                        Section::Removed,
                        format!("{}::{}", o.builder, a.name),
                        format!("optional {} `{}` removed{replaced}", what_input(a), a.name),
                        format!(
                            "code that calls `.{}(..)` on the builder stops compiling.",
                            a.name
                        ),
                        &a.at,
                    ));
                }
            }
        }
    }

    /// An argument or setter that is there before and after.
    fn input(&mut self, a: &InputModel, b: &InputModel, item: &str, kind: &str, retype: Class) {
        let item = if kind == "argument" {
            format!("{item}({})", b.name)
        } else {
            item.to_owned()
        };
        if self.renamed(&a.ty) != b.ty {
            self.add(entry(
                retype,
                if kind == "argument" {
                    "argument-retyped"
                } else {
                    "setter-retyped"
                },
                Section::Changed,
                &item,
                format!("{kind} type `{}` → `{}`", a.ty, b.ty),
                "calls that pass the old type stop compiling.",
                &b.at,
            ));
        }
        if a.sent_as != b.sent_as && a.name == b.name {
            self.add(entry(
                Class::Internal,
                "wire-name-changed",
                Section::Changed,
                &item,
                format!("sent as {} (was {})", b.sent_as, a.sent_as),
                "the Rust name is unchanged; the value goes where the spec now says.",
                &b.at,
            ));
        }
        if a.default != b.default {
            self.add(entry(
                Class::Breaking,
                "default-changed",
                Section::Changed,
                &item,
                format!(
                    "default {} → {}",
                    a.default.as_deref().unwrap_or("none"),
                    b.default.as_deref().unwrap_or("none")
                ),
                "code compiles as before, but requests that leave it unset now get the new default from the server.",
                &b.at,
            ));
        }
        self.deprecation(a.deprecated, b.deprecated, &item, &b.at);
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

    fn errors(&mut self, o: &OperationModel, n: &OperationModel, method: &str) {
        for b in &n.errors {
            match o.errors.iter().find(|a| a.status == b.status) {
                None => self.add(entry(
                    Class::Additive,
                    "error-added",
                    Section::Added,
                    method,
                    format!("documents error status {}{}", b.status, body_of(b.body.as_deref())),
                    "`ApiError::body_typed` decodes that status's body; errors are still `Error::Api`.",
                    &n.at,
                )),
                Some(a) if a.body.as_deref().map(|t| self.renamed(t)) != b.body => self.add(entry(
                    Class::Breaking,
                    "error-retyped",
                    Section::Changed,
                    method,
                    format!(
                        "error status {} decodes as {} (was {})",
                        b.status,
                        b.body.as_deref().unwrap_or("no body"),
                        a.body.as_deref().unwrap_or("no body")
                    ),
                    "code matching the old `ErrorBody` variant for this status no longer sees it.",
                    &n.at,
                )),
                Some(_) => {}
            }
        }
        for a in &o.errors {
            if !n.errors.iter().any(|b| b.status == a.status) {
                self.add(entry(
                    Class::Breaking,
                    "error-removed",
                    Section::Removed,
                    method,
                    format!("error status {} no longer documented", a.status),
                    "`ApiError::body_typed` returns `None` for that status: code matching its `ErrorBody` variant no longer sees it.",
                    &o.at,
                ));
            }
        }
    }

    fn pagination(&mut self, o: &OperationModel, n: &OperationModel, method: &str) {
        match (&o.pagination, &n.pagination) {
            (None, Some(p)) => self.add(entry(
                Class::Additive,
                "pagination-added",
                Section::Added,
                method,
                format!("paginated ({})", p.style),
                format!("the builder `{}` gains `pages()` and `items()`.", n.builder),
                &n.at,
            )),
            (Some(_), None) => self.add(entry(
                Class::Breaking,
                "pagination-removed",
                Section::Removed,
                method,
                "no longer paginated",
                format!("`pages()` and `items()` of `{}` are gone; code that calls them stops compiling.", n.builder),
                &o.at,
            )),
            (Some(a), Some(b)) => {
                if self.renamed(&a.item) != b.item {
                    self.add(entry(
                        Class::Breaking,
                        "pagination-changed",
                        Section::Changed,
                        method,
                        format!("`items()` yields `{}` (was `{}`)", b.item, a.item),
                        "code that uses the items as the old type stops compiling.",
                        &n.at,
                    ));
                }
                if a.style != b.style {
                    self.add(entry(
                        Class::Internal,
                        "pagination-style-changed",
                        Section::Changed,
                        method,
                        format!("pages by {} (was {})", b.style, a.style),
                        "`pages()` and `items()` walk the pages the new way; callers' code is unaffected.",
                        &n.at,
                    ));
                }
            }
            (None, None) => {}
        }
    }

    fn selection(&mut self, o: &OperationModel, n: &OperationModel, method: &str) {
        match (&o.selection, &n.selection) {
            (None, Some(s)) => self.add(entry(
                Class::Additive,
                "selection-added",
                Section::Added,
                method,
                format!("field selection by `{}`", s.parameter),
                format!(
                    "the builder gains `select([{}::..])`, which returns `{}`; without it the full type is returned as before.",
                    s.fields, s.returns
                ),
                &n.at,
            )),
            (Some(s), None) => self.add(entry(
                Class::Breaking,
                "selection-removed",
                Section::Removed,
                method,
                format!("no field selection by `{}`", s.parameter),
                "`select(..)` is gone; code that calls it stops compiling.",
                &o.at,
            )),
            (Some(a), Some(b)) => {
                if self.renamed(&a.fields) != b.fields || self.renamed(&a.returns) != b.returns {
                    self.add(entry(
                        Class::Breaking,
                        "selection-changed",
                        Section::Changed,
                        method,
                        format!(
                            "`select` takes `{}` and returns `{}` (was `{}`, `{}`)",
                            b.fields, b.returns, a.fields, a.returns
                        ),
                        "code that names the old field enum or partial type stops compiling.",
                        &n.at,
                    ));
                } else if a.parameter != b.parameter {
                    self.add(entry(
                        Class::Internal,
                        "wire-name-changed",
                        Section::Changed,
                        method,
                        format!("selection sent as `{}` (was `{}`)", b.parameter, a.parameter),
                        "`select` sends the fields where the spec now says.",
                        &n.at,
                    ));
                }
            }
            (None, None) => {}
        }
    }

    pub(super) fn deprecation(&mut self, old: bool, new: bool, item: &str, at: &str) {
        match (old, new) {
            (false, true) => self.add(entry(
                Class::Additive,
                "deprecated",
                Section::Changed,
                item,
                "deprecated",
                "code that uses it gets a deprecation warning, and still compiles.",
                at,
            )),
            (true, false) => self.add(entry(
                Class::Internal,
                "undeprecated",
                Section::Changed,
                item,
                "no longer deprecated",
                "the deprecation warning goes away.",
                at,
            )),
            _ => {}
        }
    }
}
