//! Server URLs: the client's base URL, and the servers of operations that
//! name their own (`servers` on the operation or its path), such as an
//! upload host.

use openapiv3::{Operation, PathItem};

use super::Lowerer;
use crate::diagnostics::pointer_join;
use crate::ir::Server;
use crate::naming;

impl Lowerer<'_> {
    /// A server's URL with its variables at their defaults, when the client
    /// can send requests there: absolute, and https unless the host is
    /// loopback. Otherwise a warning at `at` that ends with `consequence`.
    pub(crate) fn server_url(
        &mut self,
        server: &openapiv3::Server,
        at: &str,
        consequence: &str,
    ) -> Option<String> {
        let mut url = String::new();
        let mut rest = server.url.as_str();
        while let Some(open) = rest.find('{') {
            url.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                self.warning(
                    at,
                    format!(
                        "the server URL `{}` has an unclosed `{{`; {consequence}",
                        server.url
                    ),
                );
                return None;
            };
            let name = &rest[open + 1..open + close];
            match server.variables.as_ref().and_then(|v| v.get(name)) {
                Some(variable) => url.push_str(&variable.default),
                None => {
                    self.warning(at, format!("the server URL `{}` uses the variable `{name}`, which `variables` does not define; {consequence}", server.url));
                    return None;
                }
            }
            rest = &rest[open + close + 1..];
        }
        url.push_str(rest);
        let url = url.trim_end_matches('/').to_owned();
        let problem = match url.split_once("://") {
            None => Some("is relative".to_owned()),
            Some((_, after)) if after.split(['/', '?', '#']).next().unwrap_or("").is_empty() => {
                Some("has no host".to_owned())
            }
            Some(("https", _)) => None,
            Some(("http", after)) => {
                let authority = after.split(['/', '?', '#']).next().unwrap_or("");
                let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
                let host = match host.strip_prefix('[') {
                    Some(v6) => v6.split(']').next().unwrap_or(""),
                    None => host.split(':').next().unwrap_or(""),
                };
                let loopback = host == "localhost"
                    || host
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|ip| ip.is_loopback());
                (!loopback).then(|| {
                    "is plain http to a host other than loopback, over which credentials would travel unencrypted".to_owned()
                })
            }
            Some((scheme, _)) => Some(format!(
                "has the scheme `{scheme}`; the client speaks https"
            )),
        };
        match problem {
            None => Some(url),
            Some(problem) => {
                self.warning(
                    at,
                    format!("the server URL `{url}` {problem}; {consequence}"),
                );
                None
            }
        }
    }

    /// The server an operation is sent to when it is not the client's base
    /// URL: the first of the operation's own `servers`, else of its path's,
    /// when that differs from the document's first server. Operations that
    /// share a server share one [`Server`] (and one variant of the
    /// generated `Server` enum), named from its host.
    pub(crate) fn operation_server(
        &mut self,
        item: &PathItem,
        operation: &Operation,
        pointer: &str,
    ) -> Option<usize> {
        let item_pointer = pointer.rsplit_once('/').map_or(pointer, |(p, _)| p);
        let (server, at) = match (operation.servers.first(), item.servers.first()) {
            (Some(server), _) => (server, pointer_join(pointer, "servers")),
            (None, Some(server)) => (server, pointer_join(item_pointer, "servers")),
            (None, None) => return None,
        };
        let document = self.doc.servers.first();
        if document.is_some_and(|d| expanded(d) == expanded(server)) {
            return None;
        }
        if let Some(index) = self
            .servers
            .iter()
            .position(|s| s.expanded == expanded(server))
        {
            return Some(index);
        }
        let url = self.server_url(
            server,
            &format!("{at}/0/url"),
            "the operations sent there need its URL set with `ClientBuilder::server_url`",
        );
        let taken: Vec<&str> = self.servers.iter().map(|s| s.variant.as_str()).collect();
        // Named from where it goes: a variable's default (GitHub's upload
        // URL is `{origin}`) says more than its name.
        let variant = server_variant(&expanded(server), &taken);
        self.servers.push(Server {
            variant,
            url,
            template: server.url.clone(),
            expanded: expanded(server),
            description: server.description.clone(),
        });
        Some(self.servers.len() - 1)
    }
}

/// A server's URL with every variable it defines at its default, as
/// written otherwise: two servers are one when this is the same.
fn expanded(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    url
}

/// The variant of the generated `Server` enum for a server URL: the first
/// word of its host that says something (`https://upload.box.com/api/2.0`
/// → `Upload`, `https://api.eu.example.com` → `Eu`), with the path's words
/// when that is taken, and a number when that is too.
fn server_variant(url: &str, taken: &[&str]) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (host, path) = match after_scheme.split_once('/') {
        Some((host, path)) if url.contains("://") => (host, path),
        _ if url.contains("://") => (after_scheme, ""),
        _ => ("", url),
    };
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or(host);
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let meaningful = labels
        .iter()
        .take(labels.len().saturating_sub(2).max(1))
        .find(|l| !matches!(**l, "www" | "api"))
        .or(labels.first())
        .copied()
        .unwrap_or("");
    let path_words = path.replace(['{', '}', '/', '.'], " ");
    let candidates = [meaningful.to_owned(), format!("{meaningful} {path_words}")];
    let base = candidates
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .map(naming::variant_name)
        .find(|c| !matches!(c.as_str(), "Empty" | "Value") && !taken.contains(&c.as_str()))
        .unwrap_or_else(|| "Server".to_owned());
    let mut names = naming::Namespace::default();
    for t in taken {
        names.claim(t);
    }
    names.claim(&base).0
}

#[cfg(test)]
mod tests {
    use super::server_variant;

    #[test]
    fn servers_are_named_from_their_host() {
        assert_eq!(
            server_variant("https://upload.box.com/api/2.0", &[]),
            "Upload"
        );
        assert_eq!(server_variant("https://api.eu.example.com", &[]), "Eu");
        assert_eq!(server_variant("https://example.com/v2", &[]), "Example");
        assert_eq!(
            server_variant("https://upload.box.com/api/3.0", &["Upload"]),
            "UploadApi30"
        );
        assert_eq!(server_variant("/upload", &[]), "Upload");
        assert_eq!(server_variant("", &[]), "Server");
        assert_eq!(server_variant("http://localhost:8080", &[]), "Localhost");
    }
}
