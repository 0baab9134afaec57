//! What each operation authenticates with: its own `security`, else the
//! document's, as alternatives of the schemes `lower_security` made into
//! [`AuthScheme`](crate::ir::AuthScheme)s.

use super::Lowerer;
use crate::diagnostics::{closest, pointer_join, Diagnostic};
use crate::ir::{Operation, SchemeUse, Security};

impl Lowerer<'_> {
    /// The security of `operation` at `pointer`: its own `security` (which
    /// may be `[]`, no credentials), else the document's. Each alternative
    /// lists the schemes sent together; a scheme the client does not
    /// support (reported where it is defined) is left out of it, so the
    /// caller can still send it with a default header.
    pub(crate) fn operation_security(
        &mut self,
        operation: &openapiv3::Operation,
        pointer: &str,
    ) -> Security {
        let doc = self.doc;
        let (requirements, at) = match &operation.security {
            Some(own) => (own.as_slice(), pointer_join(pointer, "security")),
            None => (
                doc.security.as_deref().unwrap_or(&[]),
                "#/security".to_owned(),
            ),
        };
        let defined = doc.components.as_ref().map(|c| &c.security_schemes);
        let mut alternatives = Vec::new();
        for (i, requirement) in requirements.iter().enumerate() {
            let mut alternative = Vec::new();
            for (name, scopes) in requirement {
                if !defined.is_some_and(|d| d.contains_key(name)) {
                    // The document's requirement is checked once, with the
                    // schemes; an operation's here.
                    if operation.security.is_some() {
                        let names = defined
                            .into_iter()
                            .flat_map(|d| d.keys().map(String::as_str));
                        let hint = match closest(name, names) {
                            Some(meant) => format!("did you mean `{meant}`?"),
                            None => "define it under `components.securitySchemes`".to_owned(),
                        };
                        self.diagnostics.push(
                            Diagnostic::error(
                                pointer_join(&format!("{at}/{i}"), name),
                                format!("the security requirement names `{name}`, which is not in `components.securitySchemes`"),
                            )
                            .with_hint(hint),
                        );
                    }
                    continue;
                }
                alternative.push(SchemeUse {
                    name: name.clone(),
                    scheme: self.auth.iter().position(|a| a.name() == name),
                    scopes: scopes.clone(),
                });
            }
            alternatives.push(alternative);
        }
        Security {
            alternatives,
            per_operation: false,
            documented: false,
        }
    }
}

/// Decides how the client picks credentials: per operation when the
/// operations' requirements differ (so each sends what its own names, and
/// fails before sending without it), and also when they are all the same
/// but need credentials the client sends, so that a client built without
/// them fails before sending instead of going out unauthenticated. Only
/// when no operation needs credentials does the client send whatever it
/// was given (a default header, say) to every operation. An operation's
/// docs say what it needs when that differs between operations, or when it
/// names OAuth 2 or OpenID Connect scopes.
pub(crate) fn settle(operations: &mut [Operation]) {
    let same = |a: &Security, b: &Security| a.alternatives == b.alternatives;
    let differ = operations
        .windows(2)
        .any(|pair| !same(&pair[0].security, &pair[1].security));
    let needed = operations
        .iter()
        .any(|op| op.security.needs_client_credentials());
    for op in operations {
        op.security.per_operation = differ || needed;
        op.security.documented = differ
            || op
                .security
                .alternatives
                .iter()
                .flatten()
                .any(|u| !u.scopes.is_empty());
    }
}
