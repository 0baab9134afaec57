//! One request as a request builder describes it: the route, the path,
//! the parameters and the body, filled in synchronously by the builder's
//! `request()` and sent by `send`.

use std::fmt;

use reqwest::Method;

use crate::error::Error;
use crate::types::ErrorBody;

/// Decodes the body of an error response into the type the spec documents
/// for its status.
pub(crate) type ErrorDecoder = fn(u16, &[u8]) -> Option<ErrorBody>;
// @needs no_error_body

/// The error decoder of an operation that documents no error body.
pub(crate) fn no_error_body(_status: u16, _body: &[u8]) -> Option<ErrorBody> {
    None
}
// @end

/// One request, as the generated methods describe it to the client.
pub(crate) struct Request {
    /// The endpoint group for rate limits: method and path template.
    pub(crate) route: &'static str,
    pub(crate) method: Method,
    /// Whether sending it twice has the effect of sending it once, so that
    /// it may be retried after it may have reached the server: the
    /// operation's (its method's, unless the spec says otherwise with
    /// `x-idempotent`), and `false` for a body that adds or removes a
    /// custom-field value.
    pub(crate) idempotent: bool,
    pub(crate) path: String,
    /// The longest path parameter and its encoded length, which the error
    /// for an over-long URL names.
    pub(crate) longest_path_parameter: Option<(&'static str, usize)>,
    pub(crate) query: Vec<(&'static str, String)>,
    /// `deepObject` query pairs, whose keys are built at run time.
    pub(crate) deep_query: Vec<(String, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) cookies: Vec<(&'static str, String)>,
    pub(crate) body: Option<(String, Vec<u8>)>,
    pub(crate) decode_error: ErrorDecoder,
    // @needs servers
    /// The server of an operation sent elsewhere than the base URL.
    pub(crate) server: Option<crate::Server>,
    // @end
    // @needs security
    /// The credentials the operation may send: alternatives, each the
    /// schemes sent together. `None` sends every credential the client has.
    pub(crate) security: Option<&'static [&'static [crate::client::Scheme]]>,
    // @end
    /// The `operationId`, for tracing.
    pub(crate) operation: &'static str,
}

impl Request {
    /// A request by the operation `operation` (its `operationId`) of the
    /// endpoint group `route` (`GET /lead/{id}/`), whose path is the template
    /// with `path_values` in its placeholders, idempotent (may be retried
    /// after it may have reached the server) or not as the operation is.
    ///
    /// # Errors
    ///
    /// [`Error::Request`] for a path value that is empty, `.` or `..`.
    pub(crate) fn new(
        operation: &'static str,
        route: &'static str,
        method: Method,
        idempotent: bool,
        path_values: &[&dyn fmt::Display],
        decode_error: ErrorDecoder,
    ) -> Result<Self, Error> {
        // The route is `METHOD /path`; a byte search, as in `fill_path`.
        let template = route
            .bytes()
            .position(|b| b == b' ')
            .map_or(route, |space| &route[space + 1..]);
        let filled = crate::wire::fill_path(template, path_values)?;
        Ok(Request {
            route,
            method,
            idempotent,
            path: filled.path,
            longest_path_parameter: filled.longest,
            query: Vec::new(),
            deep_query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            decode_error,
            // @needs servers
            server: None,
            // @end
            // @needs security
            security: None,
            // @end
            operation,
        })
    }
    // @needs security

    /// Sends the credentials of the first of `alternatives` the client has
    /// (the operation's `security`), and only those.
    pub(crate) fn security(&mut self, alternatives: &'static [&'static [crate::client::Scheme]]) {
        self.security = Some(alternatives);
    }
    // @end
    // @needs servers

    /// Sends the request to `server` rather than the client's base URL.
    pub(crate) fn server(&mut self, server: crate::Server) {
        self.server = Some(server);
    }
    // @end
    // @needs query

    /// Adds `name=value` to the query string when the value is set.
    pub(crate) fn query<T: fmt::Display>(&mut self, name: &'static str, value: Option<&T>) {
        if let Some(value) = value {
            self.query.push((name, value.to_string()));
        }
    }
    // @end
    // @needs query_each

    /// Adds `name=v` once per value (OpenAPI `form` style, `explode: true`).
    pub(crate) fn query_each<T: fmt::Display>(
        &mut self,
        name: &'static str,
        values: Option<&Vec<T>>,
    ) {
        for value in values.into_iter().flatten() {
            self.query.push((name, value.to_string()));
        }
    }
    // @end
    // @needs query_joined

    /// Adds `name=v1,v2,...` (the values joined by `separator`) when set.
    pub(crate) fn query_joined<T: fmt::Display>(
        &mut self,
        name: &'static str,
        values: Option<&Vec<T>>,
        separator: &str,
    ) {
        if let Some(values) = values {
            let joined: Vec<String> = values.iter().map(ToString::to_string).collect();
            self.query.push((name, joined.join(separator)));
        }
    }
    // @end
    // @needs query_deep

    /// Adds an object as `name[property]=value` pairs (`deepObject`) when set.
    pub(crate) fn query_deep<T: serde::Serialize>(
        &mut self,
        name: &'static str,
        value: Option<&T>,
    ) -> Result<(), Error> {
        let Some(value) = value else { return Ok(()) };
        let value = serde_json::to_value(value).map_err(|e| {
            Error::Request(format!("the `{name}` parameter cannot be encoded: {e}"))
        })?;
        let mut pairs = Vec::new();
        crate::wire::deep_object_pairs(name.to_owned(), value, &mut pairs);
        for (key, value) in pairs {
            self.deep_query.push((key, value));
        }
        Ok(())
    }
    // @end
    // @needs cookie

    /// Adds the cookie `name=value` when the value is set.
    pub(crate) fn cookie<T: fmt::Display>(&mut self, name: &'static str, value: Option<&T>) {
        if let Some(value) = value {
            self.cookies.push((name, value.to_string()));
        }
    }
    // @end
    // @needs header

    /// Sets a request header when the value is set.
    pub(crate) fn header<T: fmt::Display>(&mut self, name: &'static str, value: Option<&T>) {
        if let Some(value) = value {
            self.headers.push((name, value.to_string()));
        }
    }
    // @end
    // @needs form

    /// Sets an `application/x-www-form-urlencoded` body: each property a
    /// `key=value` pair and arrays repeating the key (OpenAPI's `form` style),
    /// except the properties in `deep_object`, which nest as `key[sub]=value`
    /// and `key[0]=value` (`deepObject` style). A `null` property is left out,
    /// and a `null` inside a `deepObject` property is sent empty, which is how
    /// form APIs clear a value.
    pub(crate) fn form<T: serde::Serialize + ?Sized>(
        &mut self,
        content_type: &'static str,
        body: &T,
        deep_object: &[&str],
    ) -> Result<(), Error> {
        let value = serde_json::to_value(body)
            .map_err(|e| Error::Request(format!("the body cannot be encoded: {e}")))?;
        let serde_json::Value::Object(properties) = value else {
            return Err(Error::Request("a form body must be an object".to_owned()));
        };
        let mut pairs = Vec::new();
        for (key, value) in properties {
            if deep_object.contains(&key.as_str()) {
                crate::wire::deep_object_pairs(key, value, &mut pairs);
            } else {
                crate::wire::form_pairs(&key, value, &mut pairs);
            }
        }
        self.body = Some((
            content_type.to_owned(),
            crate::wire::encode_form(&pairs).into_bytes(),
        ));
        Ok(())
    }
    // @end
    // @needs multipart

    /// Sets a `multipart/form-data` body.
    pub(crate) fn multipart(&mut self, body: &crate::multipart::Multipart) {
        let (content_type, bytes) = body.encode();
        self.body = Some((content_type, bytes));
    }
    // @end
    // @needs raw

    /// Sets a body sent as it is.
    pub(crate) fn raw(&mut self, content_type: &'static str, body: impl Into<Vec<u8>>) {
        self.body = Some((content_type.to_owned(), body.into()));
    }
    // @end
    // @needs json

    /// Sets a JSON body.
    pub(crate) fn json<T: serde::Serialize + ?Sized>(
        &mut self,
        content_type: &'static str,
        body: &T,
    ) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::Request(format!("the body cannot be encoded as JSON: {e}")))?;
        // @needs custom_fields
        // Adding or removing a value of a multi-value field applies once
        // per request that reaches the server: such a body is never
        // replayed, whatever the method.
        if self.idempotent && crate::custom_fields::adds_or_removes(&bytes) {
            self.idempotent = false;
        }
        // @end
        self.body = Some((content_type.to_owned(), bytes));
        Ok(())
    }
    // @end
}
